package sizing

import (
	"strconv"
	"strings"
)

// Describe says, in a few words, what the consumer takes at stage s, for
// messages and reports: "pool aks1/user 50+5 nodes × 31 = 1,705",
// "5 for private endpoint kv", "1 for the private API server endpoint of
// aks1".
//
// Pool node counts are broken down by stage: steady "50", upgrade "50+5"
// (max + surge), blueGreen "50+5+25" (+ overlap), headroom "50+5+25+10"
// (+ emergency headroom); at the growth stage only the grown total is shown.
func (c *Consumer) Describe(s Stage) string {
	return c.describe(s, c.Need.At(s), c.PerNode)
}

// DescribeMin is Describe with the per-node floor (one batch of 16 for
// dynamic pod subnets).
func (c *Consumer) DescribeMin(s Stage) string {
	return c.describe(s, c.MinNeed.At(s), c.PerNodeMin)
}

func (c *Consumer) describe(s Stage, need, per uint64) string {
	var b strings.Builder
	switch c.Kind {
	case ConsumerNodes, ConsumerPods:
		b.WriteString("pool ")
		b.WriteString(c.Cluster + "/" + c.Name)
		b.WriteByte(' ')
		b.WriteString(NodeBreakdown(c.Nodes, s))
		b.WriteString(" nodes")
		if per != 1 {
			b.WriteString(" × ")
			b.WriteString(Count(per))
			b.WriteString(" = ")
			b.WriteString(Count(need))
		}
		return b.String()
	}
	b.WriteString(Count(need))
	b.WriteString(" for ")
	switch c.Kind {
	case ConsumerPrivateEndpoint:
		b.WriteString("private endpoint " + c.Name)
	case ConsumerInternalLB:
		b.WriteString("internal load balancer frontends of " + c.Cluster)
	case ConsumerIngress:
		b.WriteString("ingress " + c.Cluster + "/" + c.Name)
	case ConsumerAppGateway:
		b.WriteString("Application Gateway " + c.Cluster + "/" + c.Name)
	case ConsumerAPIServer:
		b.WriteString("the private API server endpoint of " + c.Cluster)
	case ConsumerAPIServerVNetIntegration:
		b.WriteString("the API server VNet Integration of " + c.Cluster)
	default:
		b.WriteString(string(c.Kind))
	}
	return b.String()
}

// NodeBreakdown formats node counts at stage s as the sum of their parts:
// "50" (steady), "50+5" (upgrade: max + surge), "50+5+25" (blue/green
// overlap added), "50+5+25+10" (emergency headroom added), or the grown
// total at the growth stage.
func NodeBreakdown(n Needs, s Stage) string {
	parts := []uint64{n.Steady}
	switch s {
	case Steady:
	case Upgrade:
		parts = append(parts, n.Upgrade-n.Steady)
	case BlueGreen:
		parts = append(parts, n.Upgrade-n.Steady, n.BlueGreen-n.Upgrade)
	case Headroom:
		parts = append(parts, n.Upgrade-n.Steady, n.BlueGreen-n.Upgrade, n.Headroom-n.BlueGreen)
	default:
		parts = []uint64{n.Growth}
	}
	out := make([]string, len(parts))
	for i, p := range parts {
		out[i] = Count(p)
	}
	return strings.Join(out, "+")
}

// Count formats a count with thousands separators: 1581 is "1,581". The
// saturated value math.MaxUint64 is "unlimited".
func Count(n uint64) string {
	if n == 1<<64-1 {
		return "unlimited"
	}
	s := strconv.FormatUint(n, 10)
	if len(s) <= 3 {
		return s
	}
	var b strings.Builder
	lead := len(s) % 3
	if lead > 0 {
		b.WriteString(s[:lead])
	}
	for i := lead; i < len(s); i += 3 {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(s[i : i+3])
	}
	return b.String()
}
