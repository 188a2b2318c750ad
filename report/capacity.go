package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/aksnet/aksnet/sizing"
)

// CapacityFile is the capacity analysis of one design file.
type CapacityFile struct {
	File   string        `json:"file"`
	Report sizing.Report `json:"report"`
}

// stageTitles are the column titles of the sizing stages, in order.
var stageTitles = []string{"steady", "upgrade", "+blue/green", "+headroom", "growth"}

func spare(n int64) string {
	if n < 0 {
		return "short " + sizing.Count(uint64(-n))
	}
	return sizing.Count(uint64(n))
}

func prefixes(u sizing.SubnetUse) string {
	parts := make([]string, len(u.Prefixes))
	for i, p := range u.Prefixes {
		parts[i] = p.String()
	}
	return strings.Join(parts, ",")
}

func largest(p sizing.PoolCapacity) string {
	if p.LargestNodeCount < 0 {
		return "none (shared range already full)"
	}
	return strconv.Itoa(p.LargestNodeCount)
}

// capacityTables builds the three capacity tables as rows of cells.
func capacityTables(r sizing.Report) (subnets, pods, pools [][]string) {
	subnets = append(subnets, append(append([]string{"subnet", "prefixes", "usable"}, stageTitles...), "spare at upgrade", "spare with all factors"))
	for _, u := range r.Subnets {
		usable := sizing.Count(u.Usable)
		if u.Unlimited {
			usable = "unlimited (IPv6 /64)"
		}
		row := []string{u.Ref(), prefixes(u), usable}
		for _, s := range sizing.Stages {
			row = append(row, sizing.Count(u.Need.At(s)))
		}
		if u.Unlimited {
			row = append(row, "-", "-")
		} else {
			row = append(row, spare(u.Spare(sizing.Upgrade)), spare(u.Spare(sizing.Growth)))
		}
		subnets = append(subnets, row)
	}
	pods = append(pods, append(append([]string{"cluster", "pod CIDR", "node /24s"}, stageTitles...), "spare at upgrade", "spare with all factors"))
	for _, p := range r.PodRanges {
		cidr := p.Prefix.String()
		if p.Default {
			cidr += " (AKS default)"
		}
		row := []string{p.Cluster, cidr, sizing.Count(p.NodeCapacity)}
		for _, s := range sizing.Stages {
			row = append(row, sizing.Count(p.Nodes.At(s)))
		}
		row = append(row, spare(p.Spare(sizing.Upgrade)), spare(p.Spare(sizing.Growth)))
		pods = append(pods, row)
	}
	pools = append(pools, []string{"pool", "CNI mode", "max nodes", "surge", "maxPods", "node subnet", "IPs per node", "pod subnet", "pod IPs per node", "largest node count", "limited by"})
	for _, p := range r.Pools {
		maxPods := strconv.Itoa(p.MaxPods)
		if p.MaxPodsDefault {
			maxPods += " (default)"
		}
		podIPs := "-"
		if p.PodSubnetPerNode > 0 {
			podIPs = sizing.Count(p.PodSubnetPerNode)
		}
		pools = append(pools, []string{
			p.Cluster + "/" + p.Pool, p.IPAM.String(), strconv.Itoa(p.MaxNodes), strconv.Itoa(p.Surge), maxPods,
			orDash(p.NodeSubnet), sizing.Count(p.NodeSubnetPerNode), orDash(p.PodSubnet), podIPs,
			largest(p), orDash(p.LimitedBy),
		})
	}
	return subnets, pods, pools
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// CapacityText writes the capacity tables for a terminal.
func CapacityText(w io.Writer, files []CapacityFile) error {
	out := &errWriter{w: w}
	for i, f := range files {
		if i > 0 {
			out.print("\n")
		}
		subnets, pods, pools := capacityTables(f.Report)
		out.printf("%s\n\n", f.File)
		for _, t := range []struct {
			title string
			rows  [][]string
		}{{"Subnets (addresses)", subnets}, {"Pod CIDRs (nodes, one /24 each)", pods}, {"Node pools", pools}} {
			if len(t.rows) == 1 {
				continue
			}
			out.printf("%s\n", t.title)
			tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
			for _, row := range t.rows {
				fmt.Fprintln(tw, "  "+strings.Join(row, "\t"))
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			out.print("\n")
		}
	}
	out.print("Stages: steady = every pool at its maximum; upgrade = plus surge nodes; +blue/green = plus the\n" +
		"blue/green overlap; +headroom = plus emergency headroom; growth = all of that times the growth factor.\n")
	return out.result("capacity text")
}

// CapacityMarkdown returns the capacity tables as Markdown sections, for
// the Markdown check report.
func CapacityMarkdown(files []CapacityFile) []Section {
	var out []Section
	for _, f := range files {
		subnets, pods, pools := capacityTables(f.Report)
		var b strings.Builder
		for _, t := range []struct {
			title string
			rows  [][]string
		}{{"Subnets (addresses)", subnets}, {"Pod CIDRs (nodes, one /24 each)", pods}, {"Node pools", pools}} {
			if len(t.rows) == 1 {
				continue
			}
			fmt.Fprintf(&b, "**%s**\n\n", t.title)
			for i, row := range t.rows {
				cells := make([]string, len(row))
				for j, c := range row {
					cells[j] = mdCell(c)
				}
				fmt.Fprintf(&b, "| %s |\n", strings.Join(cells, " | "))
				if i == 0 {
					fmt.Fprintf(&b, "|%s\n", strings.Repeat("---|", len(row)))
				}
			}
			b.WriteString("\n")
		}
		b.WriteString("Stages: steady is every pool at its maximum; upgrade adds surge nodes; +blue/green adds the blue/green overlap; +headroom adds emergency headroom; growth applies the growth factor to all of it.\n")
		out = append(out, Section{Title: "Capacity: " + f.File, Body: b.String()})
	}
	return out
}

// CapacityJSON writes the capacity analysis as JSON.
func CapacityJSON(w io.Writer, files []CapacityFile) error {
	if files == nil {
		files = []CapacityFile{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(map[string]any{"capacity": files})
}
