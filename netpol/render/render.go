// Package render writes NetworkPolicy analyses (package netpol) for people
// and programs: connection lists in text (netpol-analyzer's line format),
// JSON, CSV, Markdown and Graphviz DOT; connectivity matrices by namespace
// or workload; explanations; and differences between two analyses.
package render

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
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
// drawn too).
func List(w io.Writer, format string, conns []netpol.Connection, workloads []netpol.Workload) error {
	switch format {
	case "txt", "":
		var b strings.Builder
		for _, c := range conns {
			b.WriteString(c.String())
			b.WriteByte('\n')
		}
		_, err := io.WriteString(w, b.String())
		return err
	case "json":
		out := make([]connJSON, len(conns))
		for i, c := range conns {
			out[i] = connJSON{c.Src.String(), c.Dst.String(), c.Conns.String()}
		}
		return writeJSON(w, out)
	case "csv":
		cw := csv.NewWriter(w)
		_ = cw.Write([]string{"src", "dst", "conn"})
		for _, c := range conns {
			_ = cw.Write([]string{c.Src.String(), c.Dst.String(), c.Conns.String()})
		}
		cw.Flush()
		return cw.Error()
	case "md":
		var b strings.Builder
		b.WriteString("| src | dst | conn |\n|-----|-----|------|\n")
		for _, c := range conns {
			fmt.Fprintf(&b, "| %s | %s | %s |\n", mdCell(c.Src.String()), mdCell(c.Dst.String()), mdCell(c.Conns.String()))
		}
		_, err := io.WriteString(w, b.String())
		return err
	case "dot":
		return dot(w, conns, workloads)
	}
	return fmt.Errorf("unknown format %q (want %s)", format, strings.Join(ListFormats(), ", "))
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func mdCell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

// dot draws workloads in one cluster per namespace, external ranges as
// separate nodes, and an edge per connection labelled with its ports.
func dot(w io.Writer, conns []netpol.Connection, workloads []netpol.Workload) error {
	var b strings.Builder
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
		fmt.Fprintf(&b, "\tsubgraph %s {\n\t\tlabel=%s\n\t\tcolor=\"gray40\"\n", strconv.Quote("cluster_"+ns), strconv.Quote(ns))
		for _, p := range byNS[ns] {
			fmt.Fprintf(&b, "\t\t%s [label=%s shape=box color=\"blue\"]\n", strconv.Quote(p.String()), strconv.Quote(p.Name+"["+p.Kind+"]"))
		}
		b.WriteString("\t}\n")
	}
	seen := map[string]bool{}
	for _, c := range conns {
		for _, p := range []netpol.Peer{c.Src, c.Dst} {
			if p.IsExternal() && !seen[p.String()] {
				seen[p.String()] = true
				fmt.Fprintf(&b, "\t%s [label=%s shape=ellipse color=\"red3\"]\n", strconv.Quote(p.String()), strconv.Quote(p.String()))
			}
		}
	}
	for _, c := range conns {
		fmt.Fprintf(&b, "\t%s -> %s [label=%s color=\"darkgreen\"]\n", strconv.Quote(c.Src.String()), strconv.Quote(c.Dst.String()), strconv.Quote(c.Conns.String()))
	}
	b.WriteString("}\n")
	_, err := io.WriteString(w, b.String())
	return err
}
