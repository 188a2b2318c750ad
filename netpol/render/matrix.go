package render

import (
	"encoding/csv"
	"fmt"
	"io"
	"iter"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/aksnet/aksnet/netpol"
)

// MatrixFormats are the formats of WriteMatrix.
func MatrixFormats() []string { return []string{"txt", "md", "csv", "json"} }

// External is the row and column of a matrix that stands for every
// address outside the cluster.
const External = "external"

// Matrix is connectivity aggregated by namespace or by workload. Cells[i][j]
// is the union of the connections some member of Names[i] may open to some
// member of Names[j]; a workload's connections to itself are not computed.
type Matrix struct {
	By    string // "namespace" or "workload"
	Names []string
	Cells [][]netpol.ConnSet
}

// NewMatrix aggregates connections by "namespace" or "workload". Every
// namespace or workload of workloads gets a row and a column, and so does
// External when some connection involves an external address.
func NewMatrix(by string, conns iter.Seq[netpol.Connection], workloads []netpol.Workload) (*Matrix, error) {
	group := func(p netpol.Peer) string {
		switch {
		case p.IsExternal():
			return External
		case by == "namespace":
			return p.Namespace
		}
		return p.String()
	}
	if by != "namespace" && by != "workload" {
		return nil, fmt.Errorf("unknown grouping %q (want namespace or workload)", by)
	}
	var names []string
	for _, w := range workloads {
		names = append(names, group(w.Peer))
	}
	slices.Sort(names)
	names = slices.Compact(names)
	names = append(names, External)
	index := map[string]int{}
	for i, n := range names {
		index[n] = i
	}
	m := &Matrix{By: by, Names: names, Cells: make([][]netpol.ConnSet, len(names))}
	for i := range m.Cells {
		m.Cells[i] = make([]netpol.ConnSet, len(names))
	}
	for c := range conns {
		i, ok1 := index[group(c.Src)]
		j, ok2 := index[group(c.Dst)]
		if !ok1 || !ok2 {
			return nil, fmt.Errorf("connection %s names a peer that is not among the workloads", c)
		}
		m.Cells[i][j] = m.Cells[i][j].Union(c.Conns)
	}
	// Drop the External row and column when no connection involves it.
	last := len(names) - 1
	if !slices.ContainsFunc(m.Cells[last], func(c netpol.ConnSet) bool { return !c.IsEmpty() }) &&
		!slices.ContainsFunc(m.Cells, func(row []netpol.ConnSet) bool { return !row[last].IsEmpty() }) {
		m.Names = m.Names[:last]
		m.Cells = m.Cells[:last]
		for i := range m.Cells {
			m.Cells[i] = m.Cells[i][:last]
		}
	}
	return m, nil
}

// cellText is the short form of a cell: "all", "-" for nothing, or the
// connection set.
func cellText(c netpol.ConnSet) string {
	switch {
	case c.IsAll():
		return "all"
	case c.IsEmpty():
		return "-"
	}
	return c.String()
}

// WriteMatrix writes m as an aligned text table ("txt"), a Markdown table
// ("md"), CSV or JSON (names and full connection strings).
func WriteMatrix(w io.Writer, format string, m *Matrix) error {
	corner := "from \\ to"
	switch format {
	case "txt", "":
		rows := [][]string{append([]string{corner}, m.Names...)}
		for i, n := range m.Names {
			row := []string{n}
			for j := range m.Names {
				row = append(row, cellText(m.Cells[i][j]))
			}
			rows = append(rows, row)
		}
		widths := make([]int, len(rows[0]))
		for _, row := range rows {
			for k, cell := range row {
				widths[k] = max(widths[k], utf8.RuneCountInString(cell))
			}
		}
		var b strings.Builder
		for _, row := range rows {
			for k, cell := range row {
				if k == len(row)-1 {
					b.WriteString(cell)
					break
				}
				b.WriteString(cell)
				b.WriteString(strings.Repeat(" ", widths[k]-utf8.RuneCountInString(cell)+2))
			}
			b.WriteByte('\n')
		}
		_, err := io.WriteString(w, b.String())
		return err
	case "md":
		var b strings.Builder
		b.WriteString("| " + mdCell(corner) + " |")
		for _, n := range m.Names {
			b.WriteString(" " + mdCell(n) + " |")
		}
		b.WriteString("\n|---|" + strings.Repeat("---|", len(m.Names)) + "\n")
		for i, n := range m.Names {
			b.WriteString("| " + mdCell(n) + " |")
			for j := range m.Names {
				b.WriteString(" " + mdCell(cellText(m.Cells[i][j])) + " |")
			}
			b.WriteByte('\n')
		}
		_, err := io.WriteString(w, b.String())
		return err
	case "csv":
		cw := csv.NewWriter(w)
		_ = cw.Write(append([]string{corner}, m.Names...))
		for i, n := range m.Names {
			row := []string{n}
			for j := range m.Names {
				row = append(row, cellText(m.Cells[i][j]))
			}
			_ = cw.Write(row)
		}
		cw.Flush()
		return cw.Error()
	case "json":
		type cell struct {
			From string `json:"from"`
			To   string `json:"to"`
			Conn string `json:"conn"`
		}
		out := struct {
			By    string   `json:"by"`
			Names []string `json:"names"`
			Cells []cell   `json:"cells"`
		}{By: m.By, Names: m.Names, Cells: []cell{}}
		for i := range m.Names {
			for j := range m.Names {
				if !m.Cells[i][j].IsEmpty() {
					out.Cells = append(out.Cells, cell{m.Names[i], m.Names[j], m.Cells[i][j].String()})
				}
			}
		}
		return writeJSON(w, out)
	}
	return fmt.Errorf("unknown format %q (want %s)", format, strings.Join(MatrixFormats(), ", "))
}
