package rules

import (
	"net/netip"
	"strconv"
	"strings"

	"github.com/aksnet/aksnet/design"
)

// Helpers shared by the egress group's rules (legacy plugins, policy
// engines, outbound types, SNAT). They are prefixed eg so they cannot
// collide with the helpers of other rule groups in this package.

// egSubnetUse is one node subnet of a cluster and the pools placed in it.
type egSubnetUse struct {
	VNet   *design.VNet
	Subnet *design.Subnet
	Pools  []*design.NodePool
}

// egNodeSubnets returns the distinct node subnets of cluster c in the order
// its pools first name them. Pools without a subnet (AKS-managed VNet) or
// with a reference that does not resolve are left out.
func egNodeSubnets(d *design.Design, c *design.Cluster) []egSubnetUse {
	var out []egSubnetUse
next:
	for i := range c.NodePools {
		p := &c.NodePools[i]
		v, s := d.PoolSubnet(c, p)
		if s == nil {
			continue
		}
		for j := range out {
			if out[j].Subnet == s {
				out[j].Pools = append(out[j].Pools, p)
				continue next
			}
		}
		out = append(out, egSubnetUse{VNet: v, Subnet: s, Pools: []*design.NodePool{p}})
	}
	return out
}

// egPoolNames lists the names of pools as "system, user1 and user2".
func egPoolNames(pools []*design.NodePool) string {
	names := make([]string, len(pools))
	for i, p := range pools {
		names[i] = p.Name
	}
	return egList(names)
}

// egBYOVNet reports whether the cluster's nodes live in a VNet the user
// brings (a cluster vnet or any pool subnet) rather than one AKS creates.
func egBYOVNet(c *design.Cluster) bool {
	if c.VNet != "" {
		return true
	}
	for i := range c.NodePools {
		if c.NodePools[i].Subnet != "" {
			return true
		}
	}
	return false
}

// egWindowsPools returns the cluster's Windows pools.
func egWindowsPools(c *design.Cluster) []*design.NodePool {
	var out []*design.NodePool
	for i := range c.NodePools {
		if c.NodePools[i].IsWindows() {
			out = append(out, &c.NodePools[i])
		}
	}
	return out
}

// egNodeCounts returns the cluster's node counts summed over all pools: the
// fewest in steady state (minCount or count), the most in steady state
// (maxCount or count), and the most during an upgrade (the most plus each
// pool's surge nodes).
func egNodeCounts(c *design.Cluster) (least, most, peak int) {
	for i := range c.NodePools {
		p := &c.NodePools[i]
		n := p.MaxNodes()
		least += p.MinNodes()
		most += n
		peak += n + c.SurgeNodes(p, n)
	}
	return least, most, peak
}

// egPoolPeak returns pool p's most nodes plus its upgrade surge.
func egPoolPeak(c *design.Cluster, p *design.NodePool) int {
	n := p.MaxNodes()
	return n + c.SurgeNodes(p, n)
}

// egOutboundTypePath returns the path of the cluster's outbound.type, or of
// the outbound block when the type was not written (AKS then picks
// loadBalancer).
func egOutboundTypePath(c *design.Cluster) string {
	out := design.Field(c.Path, "outbound")
	if c.Outbound.Type == "" {
		return out
	}
	return design.Field(out, "type")
}

// egOutboundTypeName describes the outbound type, marking the AKS default.
func egOutboundTypeName(c *design.Cluster) string {
	if c.Outbound.Type == "" {
		return "loadBalancer (the AKS default, not written)"
	}
	return string(c.Outbound.Type)
}

// egIsDefaultRoute reports whether a route's address prefix is the IPv4
// (v6 false) or IPv6 (v6 true) default route. Service tags never are.
func egIsDefaultRoute(r *design.Route, v6 bool) bool {
	p, err := netip.ParsePrefix(strings.TrimSpace(r.AddressPrefix))
	if err != nil {
		return false
	}
	return p.Bits() == 0 && p.Addr().Is6() == v6
}

// egDefaultRoute returns the index of the first IPv4 or IPv6 default route
// in the table, or -1.
func egDefaultRoute(rt *design.RouteTable, v6 bool) int {
	for i := range rt.Routes {
		if egIsDefaultRoute(&rt.Routes[i], v6) {
			return i
		}
	}
	return -1
}

// egNum formats an integer with thousands separators: 64000 -> "64,000".
func egNum(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// egList joins words as "a", "a and b" or "a, b and c".
func egList(words []string) string {
	switch len(words) {
	case 0:
		return ""
	case 1:
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}

// egPlural returns one when n is 1 and many otherwise.
func egPlural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
