// Package render writes NetworkPolicy analyses (package netpol) for people
// and programs: connection lists in text (netpol-analyzer's line format),
// JSON, CSV, Markdown and Graphviz DOT; connectivity matrices by namespace
// or workload; explanations; and differences between two analyses.
package render

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"slices"
	"strconv"
	"strings"

	"github.com/aksnet/aksnet/netpol"
)

// ListFormats are the formats of List and Diff.
func ListFormats() []string { return []string{"txt", "json", "csv", "md", "dot"} }

// connJSON is one connection as JSON, CSV and Markdown show it.
type connJSON struct {
	Src  string `json:"src"`
	Dst  string `json:"dst"`
	Conn string `json:"conn"`
}

// List writes connections in format: "txt" (one "src => dst : conns" line
// each, as netpol-analyzer's list prints), "json" (an array of {src, dst,
// conn}), "csv" (header src,dst,conn), "md" (a table) or "dot" (a Graphviz
// digraph with a cluster per namespace; workloads without connections are
// drawn too). Connections are written as they come, so a
// Result.AllConnections sequence is never held in memory.
func List(w io.Writer, format string, conns iter.Seq[netpol.Connection], workloads []netpol.Workload) error {
	if !slices.Contains(ListFormats(), format) {
		return fmt.Errorf("unknown format %q (want %s)", format, strings.Join(ListFormats(), ", "))
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	switch format {
	case "txt":
		for c := range conns {
			bw.WriteString(c.String())
			bw.WriteByte('\n')
		}
	case "json":
		n := 0
		for c := range conns {
			js, err := json.MarshalIndent(connJSON{c.Src.String(), c.Dst.String(), c.Conns.String()}, "  ", "  ")
			if err != nil {
				return err
			}
			if n == 0 {
				bw.WriteString("[\n  ")
			} else {
				bw.WriteString(",\n  ")
			}
			bw.Write(js)
			n++
		}
		if n == 0 {
			bw.WriteString("[]\n")
		} else {
			bw.WriteString("\n]\n")
		}
	case "csv":
		cw := csv.NewWriter(bw)
		_ = cw.Write([]string{"src", "dst", "conn"})
		for c := range conns {
			_ = cw.Write([]string{c.Src.String(), c.Dst.String(), c.Conns.String()})
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return err
		}
	case "md":
		bw.WriteString("| src | dst | conn |\n|-----|-----|------|\n")
		for c := range conns {
			fmt.Fprintf(bw, "| %s | %s | %s |\n", mdCell(c.Src.String()), mdCell(c.Dst.String()), mdCell(c.Conns.String()))
		}
	case "dot":
		dot(bw, conns, workloads)
	}
	return bw.Flush()
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func mdCell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

// dot draws workloads in one cluster per namespace, external ranges as
// separate nodes, and an edge per connection labelled with its ports.
func dot(b *bufio.Writer, conns iter.Seq[netpol.Connection], workloads []netpol.Workload) {
	b.WriteString("digraph {\n")
	byNS := map[string][]netpol.Peer{}
	var nss []string
	for _, wl := range workloads {
		if _, ok := byNS[wl.Peer.Namespace]; !ok {
			nss = append(nss, wl.Peer.Namespace)
		}
		byNS[wl.Peer.Namespace] = append(byNS[wl.Peer.Namespace], wl.Peer)
	}
	slices.Sort(nss)
	for _, ns := range nss {
		fmt.Fprintf(b, "\tsubgraph %s {\n\t\tlabel=%s\n\t\tcolor=\"gray40\"\n", strconv.Quote("cluster_"+ns), strconv.Quote(ns))
		for _, p := range byNS[ns] {
			fmt.Fprintf(b, "\t\t%s [label=%s shape=box color=\"blue\"]\n", strconv.Quote(p.String()), strconv.Quote(p.Name+"["+p.Kind+"]"))
		}
		b.WriteString("\t}\n")
	}
	// Edges first; the external nodes they name get their style after.
	var external []string
	seen := map[string]bool{}
	for c := range conns {
		for _, p := range []netpol.Peer{c.Src, c.Dst} {
			if p.IsExternal() && !seen[p.String()] {
				seen[p.String()] = true
				external = append(external, p.String())
			}
		}
		fmt.Fprintf(b, "\t%s -> %s [label=%s color=\"darkgreen\"]\n", strconv.Quote(c.Src.String()), strconv.Quote(c.Dst.String()), strconv.Quote(c.Conns.String()))
	}
	for _, x := range external {
		fmt.Fprintf(b, "\t%s [label=%s shape=ellipse color=\"red3\"]\n", strconv.Quote(x), strconv.Quote(x))
	}
	b.WriteString("}\n")
}
