package render

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"

	"github.com/aksnet/aksnet/netpol"
)

// DiffFormats are the formats of Diff.
func DiffFormats() []string { return []string{"txt", "json", "csv", "md"} }

// Diff writes what changed between two analyses. Text shows one line per
// change:
//
//	added   src => dst : conns
//	removed src => dst : conns
//	changed src => dst : old -> new
//
// followed by the workloads that exist on one side only.
func Diff(w io.Writer, format string, d *netpol.Delta) error {
	switch format {
	case "txt", "":
		var b strings.Builder
		for _, c := range d.Changes {
			switch c.Kind() {
			case netpol.Added:
				fmt.Fprintf(&b, "added   %s => %s : %s\n", c.Src, c.Dst, c.New)
			case netpol.Removed:
				fmt.Fprintf(&b, "removed %s => %s : %s\n", c.Src, c.Dst, c.Old)
			default:
				fmt.Fprintf(&b, "changed %s => %s : %s -> %s\n", c.Src, c.Dst, c.Old, c.New)
			}
		}
		for _, p := range d.AddedWorkloads {
			fmt.Fprintf(&b, "workload %s added\n", p)
		}
		for _, p := range d.RemovedWorkloads {
			fmt.Fprintf(&b, "workload %s removed\n", p)
		}
		_, err := io.WriteString(w, b.String())
		return err
	case "json":
		type change struct {
			Diff string `json:"diff"`
			Src  string `json:"src"`
			Dst  string `json:"dst"`
			Old  string `json:"old"`
			New  string `json:"new"`
		}
		out := struct {
			Changes          []change `json:"changes"`
			AddedWorkloads   []string `json:"addedWorkloads"`
			RemovedWorkloads []string `json:"removedWorkloads"`
		}{Changes: []change{}, AddedWorkloads: peers(d.AddedWorkloads), RemovedWorkloads: peers(d.RemovedWorkloads)}
		for _, c := range d.Changes {
			out.Changes = append(out.Changes, change{c.Kind().String(), c.Src.String(), c.Dst.String(), c.Old.String(), c.New.String()})
		}
		return writeJSON(w, out)
	case "csv":
		cw := csv.NewWriter(w)
		_ = cw.Write([]string{"diff", "src", "dst", "old", "new"})
		for _, c := range d.Changes {
			_ = cw.Write([]string{c.Kind().String(), c.Src.String(), c.Dst.String(), c.Old.String(), c.New.String()})
		}
		cw.Flush()
		return cw.Error()
	case "md":
		var b strings.Builder
		b.WriteString("| diff | src | dst | old | new |\n|------|-----|-----|-----|-----|\n")
		for _, c := range d.Changes {
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", c.Kind(), mdCell(c.Src.String()), mdCell(c.Dst.String()), mdCell(c.Old.String()), mdCell(c.New.String()))
		}
		_, err := io.WriteString(w, b.String())
		return err
	}
	return fmt.Errorf("unknown format %q (want %s)", format, strings.Join(DiffFormats(), ", "))
}

func peers(ps []netpol.Peer) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.String()
	}
	return out
}
