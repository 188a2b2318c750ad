package rules

import (
	"github.com/aksnet/aksnet/finding"
)

var ruleServiceCIDROverlap = &Rule{
	ID:       "service-cidr-overlap",
	Title:    "Service CIDR overlaps a network the cluster must reach",
	Severity: finding.Error,
	Doc: "Service ClusterIPs are virtual: every node intercepts traffic to each ClusterIP in use, and " +
		"ClusterIPs are picked at random from the whole Service CIDR. If the Service CIDR overlaps a " +
		"subnet, a peered VNet, an on-premises or VPN range, or the cluster's own pod CIDR, a real host " +
		"in the overlap becomes unreachable from pods as soon as a Service lands on its address, so the " +
		"failure appears later, looks random, and differs from cluster to cluster. AKS refuses a " +
		"Service CIDR that overlaps an existing subnet of the cluster's VNet " +
		"(ServiceCidrOverlapExistingSubnetsCidr); it does not check unused VNet space, peerings " +
		"or on-premises ranges, so those collisions surface only in production. Overlap with unused " +
		"space of the cluster's own VNet is a warning (the first subnet created there breaks), as is " +
		"overlap with a VNet of the design that is not peered with the cluster's VNet (reachable " +
		"through a hub today or a peering tomorrow) and with another cluster's pod CIDR (hidden " +
		"behind node SNAT today, visible in logs and to any routable pod design). Service CIDRs of " +
		"different clusters may overlap: they never leave their cluster. The same clash between a " +
		"cluster's own pod and Service CIDRs is reported here only, not again by pod-cidr-overlap.",
	Remediation: "Pick a Service CIDR that no subnet, VNet, peered network, external range or pod CIDR " +
		"uses, for example a /16 from a block reserved estate-wide for Service CIDRs, and move the " +
		"DNS service IP with it.",
	Sources: []string{
		"https://learn.microsoft.com/azure/aks/concepts-network-legacy-cni",
		"https://learn.microsoft.com/azure/aks/concepts-network-ip-address-planning",
		"https://github.com/Azure/AKS/issues/1117",
	},
	Check: checkServiceCIDROverlap,
}

func checkServiceCIDROverlap(p *Pass) {
	forEachClusterConflict(p, rangeService, func(s namedRange, cf conflict) {
		o := cf.Other
		is := Issue{Subject: s.Subject, Path: s.Path}
		switch cf.Kind {
		case conflictOwnSubnet:
			is.Message = s.Label + " overlaps " + o.Label + " in the cluster's own VNet: AKS refuses to " +
				"create the cluster (ServiceCidrOverlapExistingSubnetsCidr), and pods could never reach " +
				"a host in that subnet as soon as a Service takes its address"
		case conflictOwnVNetSpace:
			is.Severity = finding.Warning
			is.Message = s.Label + " lies in unused space of the cluster's own " + o.Label +
				": AKS only refuses overlap with existing subnets, but pods will not reach any " +
				"subnet created in that space later"
		case conflictPeeredVNet:
			is.Message = s.Label + " overlaps " + o.Label + ", which is peered with the cluster's " +
				"VNet: pods lose any host there whose address a Service takes"
		case conflictOtherVNet:
			is.Severity = finding.Warning
			is.Message = s.Label + " overlaps " + o.Label + ", which is not peered with the " +
				"cluster's VNet: pods lose any host there whose address a Service takes, once " +
				"the VNet is reachable (through a hub or a later peering)"
		case conflictExternal:
			is.Message = s.Label + " overlaps " + o.Label + ": pods lose any host of that range whose " +
				"address a Service takes, because every node intercepts ClusterIPs"
			if o.External.Owner != "" {
				is.Message += "; agree a non-overlapping range with " + o.External.Owner
			}
		case conflictOwnPod:
			is.Message = s.Label + " overlaps " + o.Label + ": pods and Services of one cluster " +
				"cannot share addresses; traffic to pods in the overlap is captured as Service traffic"
		case conflictOtherPod:
			is.Severity = finding.Warning
			is.Message = s.Label + " overlaps " + o.Label + ": that cluster's pods are hidden " +
				"behind node SNAT today, but their addresses become unreachable from this " +
				"cluster once they are routed, and are ambiguous in logs and firewalls"
		default:
			return // Service CIDRs may overlap each other
		}
		p.Report(is)
	})
}
