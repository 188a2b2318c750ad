package rules

import (
	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/finding"
)

var ruleAddressSpaceOverlap = &Rule{
	ID:       "address-space-overlap",
	Title:    "VNets, subnets or external ranges overlap where they must not",
	Severity: finding.Error,
	Doc: "Azure refuses to peer two VNets whose address spaces overlap, refuses two subnets of one VNet " +
		"that share addresses, and cannot route to an on-premises, VPN, ExpressRoute or enterprise " +
		"range that a VNet also claims: the VNet's own route always wins, so the remote hosts become " +
		"unreachable from everything in the VNet. These are errors. Two VNets of the design that " +
		"overlap but are not peered are a warning: nothing fails today, but they can never be peered " +
		"or routed to each other, which hub-and-spoke estates eventually need. A VNet that overlaps an " +
		"external range of kind peeredVNet, otherVNet or other is also a warning unless the two are " +
		"peered, which Azure refuses outright (error). Overlap between a VNet's address space and its " +
		"own subnets is the normal case and is not reported; a subnet outside its VNet is the business " +
		"of subnet-outside-vnet.",
	Remediation: "Give every VNet its own block from an estate-wide IP plan that also records on-premises, " +
		"VPN and ExpressRoute ranges, and carve subnets of one VNet without overlap.",
	Sources: []string{
		"https://learn.microsoft.com/azure/virtual-network/virtual-network-manage-peering",
		"https://learn.microsoft.com/azure/aks/configure-kubenet",
		"https://learn.microsoft.com/azure/virtual-network/virtual-networks-faq",
	},
	Check: checkAddressSpaceOverlap,
}

func checkAddressSpaceOverlap(p *Pass) {
	d := p.Design
	var rs []namedRange
	for _, r := range ranges(p).ranges {
		if r.Kind == rangeVNetSpace || r.Kind == rangeSubnet || r.Kind == rangeExternal {
			rs = append(rs, r)
		}
	}
	peers := designPeerings(d)
	for _, pr := range overlappingRanges(rs) {
		a, b := rs[pr[0]], rs[pr[1]]
		// Collection order puts VNet spaces and subnets before external
		// ranges, so b is the external one when there is one.
		switch {
		case a.Kind == rangeVNetSpace && b.Kind == rangeVNetSpace:
			reportVNetPair(p, peers, a, b)
		case a.Kind == rangeSubnet && b.Kind == rangeSubnet && a.VNet == b.VNet:
			if a.Subnet == b.Subnet {
				p.Report(Issue{Subject: b.Subject, Path: b.Path,
					Message: b.Label + " overlaps " + a.Prefix.String() + ", another prefix of the same subnet; " +
						"Azure refuses overlapping prefixes in one subnet"})
				continue
			}
			p.Report(Issue{Subject: b.Subject, Path: b.Path,
				Message: b.Label + " overlaps " + a.Label + " in the same VNet; Azure refuses to create " +
					"a subnet that shares addresses with another"})
		case a.Kind == rangeVNetSpace && b.Kind == rangeExternal:
			reportVNetExternal(p, peers, a, b)
		}
		// Subnets against other VNets or external ranges are covered by
		// their VNet's address space; external ranges among themselves are
		// outside the design.
	}
}

// reportVNetPair reports two overlapping VNet address spaces: an error
// within one VNet or between peered VNets, a warning otherwise.
func reportVNetPair(p *Pass, peers peerings, a, b namedRange) {
	is := Issue{Subject: b.Subject, Path: b.Path}
	switch {
	case a.VNet == b.VNet:
		is.Message = b.Label + " overlaps " + a.Prefix.String() + ", another address space of the same " +
			"VNet; Azure refuses overlapping address spaces in one VNet"
	case peers.peered(a.VNet.Name, b.VNet.Name):
		is.Message = b.Label + " overlaps " + a.Label + ", and the two VNets are peered (" +
			peeringName(p.Design, a.VNet.Name, b.VNet.Name) + "): Azure refuses to peer VNets " +
			"with overlapping address spaces"
	default:
		is.Severity = finding.Warning
		is.Message = b.Label + " overlaps " + a.Label + "; they are not peered today, but they can " +
			"never be peered or routed to each other while they overlap"
	}
	p.Report(is)
}

// reportVNetExternal reports a VNet address space v that overlaps the
// external range e, graded by the kind of e and by whether they are peered.
func reportVNetExternal(p *Pass, peers peerings, v, e namedRange) {
	is := Issue{Subject: v.Subject, Path: v.Path}
	owner := ""
	if e.External.Owner != "" {
		owner = "; agree a split with " + e.External.Owner
	}
	switch e.External.Kind {
	case design.RangeOnPrem, design.RangeVPN, design.RangeExpressRoute, design.RangeEnterpriseRoute:
		is.Message = v.Label + " overlaps " + e.Label + ": the VNet's own route wins, so nothing in " +
			"the VNet can reach those hosts" + owner
	case design.RangeReserved:
		is.Message = v.Label + " overlaps " + e.Label + ", which is set aside and must not be used" + owner
	default:
		if e.External.Kind == design.RangePeeredVNet && peers.peered(v.VNet.Name, e.External.Name) {
			is.Message = v.Label + " overlaps " + e.Label + ", and the two are peered (" +
				peeringName(p.Design, v.VNet.Name, e.External.Name) + "): Azure refuses to peer " +
				"VNets with overlapping address spaces" + owner
			break
		}
		is.Severity = finding.Warning
		is.Message = v.Label + " overlaps " + e.Label + "; they are not peered with each other, but " +
			"they can never be peered or routed to each other while they overlap" + owner
	}
	p.Report(is)
}
