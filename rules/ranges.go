package rules

import (
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/aksnet/aksnet/cidr"
	"github.com/aksnet/aksnet/design"
)

// This file collects every named address range of a design (VNet address
// spaces, subnets, external ranges, pod CIDRs and Service CIDRs) so that
// the addressing rules can search them for overlaps in one sweep with
// cidr.OverlapPairs instead of comparing every pair.

// rangeKind says what a named range is.
type rangeKind int

// Kinds of named range.
const (
	rangeVNetSpace rangeKind = iota + 1
	rangeSubnet
	rangeExternal
	rangePod
	rangeService
)

// namedRange is one prefix of a design with what it belongs to, where it
// was written and how to name it in a message.
type namedRange struct {
	Prefix netip.Prefix
	Kind   rangeKind
	// Subject is the stable subject of the object the range belongs to.
	Subject string
	// Path is the source path of the prefix itself, or, for an AKS
	// default that the design omitted, of the object that omitted it.
	Path string
	// Label names the range for a message, for example
	// `subnet "spoke/nodes" 10.1.0.0/22`.
	Label string
	// Index is the position of the prefix in its list (addressSpace,
	// addressPrefixes, cidrs, podCidrs or serviceCidrs).
	Index int
	// Defaulted is true when the prefix is an AKS default, not a value the
	// design wrote.
	Defaulted bool

	VNet     *design.VNet          // VNet spaces and subnets
	Subnet   *design.Subnet        // subnets
	External *design.ExternalRange // external ranges
	Cluster  *design.Cluster       // pod and Service CIDRs
}

// collectRanges returns every named range of d in document order: VNet
// address spaces and their subnets VNet by VNet, then external ranges,
// then each cluster's effective pod CIDRs (only for modes that use one)
// and effective Service CIDRs.
func collectRanges(d *design.Design) []namedRange {
	var out []namedRange
	for vi := range d.Spec.VNets {
		v := &d.Spec.VNets[vi]
		for i, p := range v.AddressSpace {
			out = append(out, namedRange{
				Prefix:  p,
				Kind:    rangeVNetSpace,
				Subject: v.Subject(),
				Path:    design.Index(design.Field(v.Path, "addressSpace"), i),
				Label:   "VNet " + strconv.Quote(v.Name) + " address space " + p.String(),
				Index:   i,
				VNet:    v,
			})
		}
		for si := range v.Subnets {
			s := &v.Subnets[si]
			for i, p := range s.AddressPrefixes {
				out = append(out, namedRange{
					Prefix:  p,
					Kind:    rangeSubnet,
					Subject: design.SubnetSubject(v, s),
					Path:    design.Index(design.Field(s.Path, "addressPrefixes"), i),
					Label:   "subnet " + strconv.Quote(v.Name+"/"+s.Name) + " " + p.String(),
					Index:   i,
					VNet:    v,
					Subnet:  s,
				})
			}
		}
	}
	for ri := range d.Spec.ExternalRanges {
		r := &d.Spec.ExternalRanges[ri]
		for i, p := range r.CIDRs {
			out = append(out, namedRange{
				Prefix:   p,
				Kind:     rangeExternal,
				Subject:  r.Subject(),
				Path:     design.Index(design.Field(r.Path, "cidrs"), i),
				Label:    externalLabel(r, p),
				Index:    i,
				External: r,
			})
		}
	}
	for ci := range d.Spec.Clusters {
		c := &d.Spec.Clusters[ci]
		out = append(out, clusterRanges(c, rangePod)...)
		out = append(out, clusterRanges(c, rangeService)...)
	}
	return out
}

// clusterRanges returns the effective pod CIDRs (kind rangePod) or Service
// CIDRs (kind rangeService) of c as named ranges. Defaults point at the
// cluster's network block.
func clusterRanges(c *design.Cluster, kind rangeKind) []namedRange {
	var ps, written []netip.Prefix
	var field, what string
	switch kind {
	case rangePod:
		ps, written, field, what = c.PodCIDRs(), c.Network.PodCIDRs, "podCidrs", "pod CIDR "
	case rangeService:
		ps, written, field, what = c.ServiceCIDRs(), c.Network.ServiceCIDRs, "serviceCidrs", "Service CIDR "
	default:
		return nil
	}
	network := design.Field(c.Path, "network")
	defaulted := len(written) == 0
	out := make([]namedRange, 0, len(ps))
	for i, p := range ps {
		r := namedRange{
			Prefix:    p,
			Kind:      kind,
			Subject:   c.Subject(),
			Path:      design.Index(design.Field(network, field), i),
			Label:     what + p.String() + " of cluster " + strconv.Quote(c.Name),
			Index:     i,
			Defaulted: defaulted,
			Cluster:   c,
		}
		if defaulted {
			r.Path = network
			r.Label += " (AKS default: " + field + " not set)"
		}
		out = append(out, r)
	}
	return out
}

// externalLabel names an external range by kind, name, prefix and owner:
// `on-premises range "corp-dc" 10.0.0.0/8 (owner: network team)`.
func externalLabel(r *design.ExternalRange, p netip.Prefix) string {
	s := rangeKindName(r.Kind) + " " + strconv.Quote(r.Name) + " " + p.String()
	if r.Owner != "" {
		s += " (owner: " + r.Owner + ")"
	}
	return s
}

// rangeKindName is the readable name of an external range kind.
func rangeKindName(k design.RangeKind) string {
	switch k {
	case design.RangeOnPrem:
		return "on-premises range"
	case design.RangeVPN:
		return "VPN range"
	case design.RangeExpressRoute:
		return "ExpressRoute range"
	case design.RangePeeredVNet:
		return "peered VNet"
	case design.RangeOtherVNet:
		return "other VNet"
	case design.RangeEnterpriseRoute:
		return "enterprise route"
	case design.RangeReserved:
		return "reserved range"
	}
	return "external range"
}

// overlappingRanges returns the pairs {i, j}, i < j, of ranges in rs that
// share at least one address, sorted, using the O(n log n + k) sweep of
// cidr.OverlapPairs.
func overlappingRanges(rs []namedRange) [][2]int {
	ps := make([]netip.Prefix, len(rs))
	for i := range rs {
		ps[i] = rs[i].Prefix
	}
	return cidr.OverlapPairs(ps)
}

// overlapIndex maps each range index to the indices of the ranges that
// overlap it, in ascending order.
func overlapIndex(rs []namedRange) [][]int {
	idx := make([][]int, len(rs))
	for _, pr := range overlappingRanges(rs) {
		idx[pr[0]] = append(idx[pr[0]], pr[1])
		idx[pr[1]] = append(idx[pr[1]], pr[0])
	}
	for i := range idx {
		slices.Sort(idx[i])
	}
	return idx
}

// peerings is the set of direct peerings of a design, in both directions,
// keyed by the two names (VNets or external ranges of kind peeredVNet).
type peerings map[[2]string]bool

// designPeerings indexes the peerings of d.
func designPeerings(d *design.Design) peerings {
	ps := peerings{}
	for _, p := range d.Spec.Peerings {
		ps[[2]string{p.From, p.To}] = true
		ps[[2]string{p.To, p.From}] = true
	}
	return ps
}

// peered reports whether a and b are directly peered.
func (ps peerings) peered(a, b string) bool { return ps[[2]string{a, b}] }

// peeringName names the peering between a and b for a message.
func peeringName(d *design.Design, a, b string) string {
	for _, p := range d.Spec.Peerings {
		if (p.From == a && p.To == b) || (p.From == b && p.To == a) {
			if p.Name != "" {
				return "peering " + strconv.Quote(p.Name)
			}
			return "peering " + p.From + " -> " + p.To
		}
	}
	return "peering"
}

// clusterVNets returns the names of the VNets the cluster's node pools live
// in: the cluster's VNet and the VNet of every node and pod subnet its
// pools name, without duplicates, in that order. It is empty for clusters
// on AKS-managed VNets.
func clusterVNets(d *design.Design, c *design.Cluster) []string {
	var out []string
	add := func(name string) {
		if name != "" && !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	add(c.VNet)
	for pi := range c.NodePools {
		p := &c.NodePools[pi]
		if v, _ := d.PoolSubnet(c, p); v != nil {
			add(v.Name)
		}
		if v, _ := d.PoolPodSubnet(c, p); v != nil {
			add(v.Name)
		}
	}
	return out
}

// clusterHostVNets returns the set of VNet names that host at least one
// cluster's node pools.
func clusterHostVNets(d *design.Design) map[string]bool {
	out := map[string]bool{}
	for ci := range d.Spec.Clusters {
		for _, n := range clusterVNets(d, &d.Spec.Clusters[ci]) {
			out[n] = true
		}
	}
	return out
}

// peeredWithAny reports whether name is directly peered with one of vnets.
func (ps peerings) peeredWithAny(name string, vnets []string) bool {
	for _, v := range vnets {
		if ps.peered(name, v) {
			return true
		}
	}
	return false
}

// andList joins items as "a", "a and b" or "a, b and c".
func andList(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

// specialRange is a well-known range some layer refuses, with the reason.
type specialRange struct {
	Prefix netip.Prefix
	Why    string
}

// touchesSpecial returns the special ranges that p shares addresses with.
func touchesSpecial(p netip.Prefix, specials []specialRange) []specialRange {
	var out []specialRange
	for _, s := range specials {
		if p.Overlaps(s.Prefix) {
			out = append(out, s)
		}
	}
	return out
}

// prefixRelation says how p relates to q when they overlap: "is exactly",
// "contains" or "lies inside".
func prefixRelation(p, q netip.Prefix) string {
	switch {
	case p.Masked() == q.Masked():
		return "is exactly"
	case p.Bits() < q.Bits():
		return "contains"
	}
	return "lies inside"
}

// describeSpecial phrases how p touches the special ranges hit, grouping
// ranges that share a reason: "contains 172.30.0.0/16 and 172.31.0.0/16
// (reason)".
func describeSpecial(p netip.Prefix, hit []specialRange) []string {
	var out []string
	for i := 0; i < len(hit); {
		j := i + 1
		for j < len(hit) && hit[j].Why == hit[i].Why {
			j++
		}
		var names []string
		for _, s := range hit[i:j] {
			names = append(names, prefixRelation(p, s.Prefix)+" "+s.Prefix.String())
		}
		out = append(out, andList(names)+" ("+hit[i].Why+")")
		i = j
	}
	return out
}

// conflictKind classifies a range that overlaps a cluster's pod or Service
// CIDR by what it is to that cluster.
type conflictKind int

// Kinds of conflict.
const (
	// conflictOwnSubnet: a subnet of a VNet the cluster's pools live in.
	conflictOwnSubnet conflictKind = iota + 1
	// conflictOwnVNetSpace: address space of the cluster's own VNet where
	// the range hits no subnet of that VNet (unused space).
	conflictOwnVNetSpace
	// conflictPeeredVNet: address space of a VNet directly peered with
	// the cluster's VNet.
	conflictPeeredVNet
	// conflictOtherVNet: address space of another VNet of the design.
	conflictOtherVNet
	// conflictExternal: an external range.
	conflictExternal
	// conflictOwnPod and conflictOtherPod: a pod CIDR of the same or of
	// another cluster.
	conflictOwnPod
	conflictOtherPod
	// conflictOwnService and conflictOtherService: a Service CIDR of the
	// same or of another cluster.
	conflictOwnService
	conflictOtherService
)

// conflict is one range overlapping a cluster range, classified.
type conflict struct {
	Kind  conflictKind
	Other namedRange
}

// clusterConflicts classifies the ranges that overlap rs[i], a pod or
// Service CIDR of a cluster whose pools live in the VNets own. overlaps
// are the indices of those ranges (from overlapIndex). Subnets of VNets
// the cluster does not live in are left out (their VNet's address space
// stands for them), and so is the address space of an own VNet when a
// subnet of that VNet is hit (the subnet is the sharper finding).
func clusterConflicts(rs []namedRange, i int, overlaps []int, peers peerings, own []string) []conflict {
	c := rs[i].Cluster
	hitSubnetIn := map[string]bool{}
	for _, j := range overlaps {
		if o := rs[j]; o.Kind == rangeSubnet && slices.Contains(own, o.VNet.Name) {
			hitSubnetIn[o.VNet.Name] = true
		}
	}
	var out []conflict
	for _, j := range overlaps {
		o := rs[j]
		var k conflictKind
		switch o.Kind {
		case rangeSubnet:
			if !slices.Contains(own, o.VNet.Name) {
				continue
			}
			k = conflictOwnSubnet
		case rangeVNetSpace:
			switch {
			case slices.Contains(own, o.VNet.Name):
				if hitSubnetIn[o.VNet.Name] {
					continue
				}
				k = conflictOwnVNetSpace
			case peers.peeredWithAny(o.VNet.Name, own):
				k = conflictPeeredVNet
			default:
				k = conflictOtherVNet
			}
		case rangeExternal:
			k = conflictExternal
		case rangePod:
			k = conflictOtherPod
			if o.Cluster == c {
				k = conflictOwnPod
			}
		case rangeService:
			k = conflictOtherService
			if o.Cluster == c {
				k = conflictOwnService
			}
		}
		out = append(out, conflict{Kind: k, Other: o})
	}
	return out
}
