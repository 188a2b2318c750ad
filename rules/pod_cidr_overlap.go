package rules

import (
	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/finding"
)

var rulePodCIDROverlap = &Rule{
	ID:       "pod-cidr-overlap",
	Title:    "Overlay, kubenet or BYO pod CIDR overlaps a network the cluster must reach",
	Severity: finding.Error,
	Doc: "With Azure CNI Overlay, kubenet and bring-your-own CNI, pods take addresses from a pod CIDR " +
		"outside the VNet, and every node routes that CIDR to pods. A pod CIDR that overlaps a subnet " +
		"of the cluster's VNet, a peered VNet, or an on-premises, VPN or ExpressRoute range makes the " +
		"real hosts in the overlap unreachable from pods: the cluster treats those addresses as pods " +
		"(routed between nodes, never SNATed), so packets never reach the real host or its replies " +
		"never come back. AKS refuses an Overlay pod CIDR that overlaps a subnet of the cluster's VNet " +
		"(since release 2024-10-25 it checks subnets, not the whole address space); nothing checks " +
		"peerings or on-premises ranges. Overlap with unused space of the cluster's own VNet is a " +
		"warning (the first subnet created there breaks), and so is overlap with a VNet of the design " +
		"that is not peered with the cluster's VNet. The same pod CIDR used by several clusters is " +
		"allowed by AKS and reported by pod-cidr-reused; a clash with the cluster's own Service CIDR " +
		"is reported by service-cidr-overlap. The pod CIDR of a kubenet cluster is fixed after " +
		"creation, and an Overlay one can only grow, so this is a design-time decision.",
	Remediation: "Choose a pod CIDR that no subnet, peered VNet or external range uses, for example a " +
		"block of 100.64.0.0/10 (RFC 6598) reserved estate-wide for pod CIDRs.",
	Sources: []string{
		"https://learn.microsoft.com/azure/aks/concepts-network-azure-cni-overlay",
		"https://learn.microsoft.com/azure/aks/configure-kubenet",
		"https://github.com/Azure/AKS/blob/master/CHANGELOG.md",
		"https://github.com/Azure/AKS-Construction/issues/403",
	},
	Check: checkPodCIDROverlap,
}

func checkPodCIDROverlap(p *Pass) {
	forEachClusterConflict(p, rangePod, func(s namedRange, cf conflict) {
		what := s.Cluster.IPAM().String() + " " + s.Label
		o := cf.Other
		is := Issue{Subject: s.Subject, Path: s.Path}
		switch cf.Kind {
		case conflictOwnSubnet:
			is.Message = what + " overlaps " + o.Label + " in the cluster's own VNet: pods could " +
				"not reach hosts in that subnet"
			if s.Cluster.IPAM() == design.IPAMOverlay {
				is.Message += ", and AKS refuses the pod CIDR"
			} else {
				is.Message += " (whether AKS checks non-Overlay pod CIDRs against subnets is not confirmed, " +
					"so this may only show up in production)"
			}
		case conflictOwnVNetSpace:
			is.Severity = finding.Warning
			is.Message = what + " lies in unused space of the cluster's own " + o.Label +
				": AKS only refuses overlap with existing subnets, but pods will not reach any " +
				"subnet created in that space later"
		case conflictPeeredVNet:
			is.Message = what + " overlaps " + o.Label + ", which is peered with the cluster's " +
				"VNet: pods cannot reach hosts in the overlapping addresses"
		case conflictOtherVNet:
			is.Severity = finding.Warning
			is.Message = what + " overlaps " + o.Label + ", which is not peered with the " +
				"cluster's VNet: pods cannot reach those addresses once they are routed to " +
				"(through a hub or a later peering)"
		case conflictExternal:
			is.Message = what + " overlaps " + o.Label + ": pods cannot reach hosts of that " +
				"range, because the cluster treats the overlapping addresses as pod addresses"
			if o.External.Owner != "" {
				is.Message += "; agree a non-overlapping range with " + o.External.Owner
			}
		default:
			return // Service CIDRs: service-cidr-overlap; pod CIDRs: pod-cidr-reused
		}
		p.Report(is)
	})
}
