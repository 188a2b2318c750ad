package rules

import (
	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/finding"
	"github.com/aksnet/aksnet/sizing"
)

var kubenetNodeLimit = &Rule{
	ID:       "kubenet-node-limit",
	Title:    "kubenet cluster can grow beyond 400 nodes",
	Severity: finding.Error,
	Doc: "kubenet routes pod traffic between nodes with one user-defined route per node in the route " +
		"table of the node subnet, and an Azure route table holds at most 400 routes. A kubenet " +
		"cluster therefore cannot have more than 400 nodes, and AKS enforces it: it refuses to create " +
		"a kubenet cluster above 400 nodes and refuses upgrades that would take one above 400, surge " +
		"nodes included. Autoscaler maxCount values count, because the autoscaler may reach them. " +
		"kubenet itself is retired on 2028-03-31, so a cluster that needs more nodes should move to " +
		"Azure CNI Overlay, which keeps the same pod CIDR model without routes.",
	Remediation: "Keep the sum of maxCount (or count) plus surge across the cluster's pools at or below 400, or migrate the cluster to Azure CNI Overlay.",
	Sources:     []string{capSrcKubenet, capSrcChangelog, capSrcLimits},
	Check:       checkKubenetNodeLimit,
}

func checkKubenetNodeLimit(p *Pass) {
	pl := p.Design.Spec.Planning
	for ci := range p.Design.Spec.Clusters {
		c := &p.Design.Spec.Clusters[ci]
		if c.IPAM() != design.IPAMKubenet {
			continue
		}
		var total sizing.Needs
		for pi := range c.NodePools {
			total = total.Plus(sizing.PoolNodes(c, &c.NodePools[pi], pl))
		}
		path := design.Field(design.Field(c.Path, "network"), "plugin")
		switch {
		case total.Steady > sizing.KubenetMaxNodes:
			p.Reportf(c.Subject(), path, "kubenet cluster %s can reach %s nodes (%s with surge); kubenet allows at most %d (one route per node, 400 routes per route table), and AKS refuses to create it",
				c.Name, capNum(total.Steady), capNum(total.Upgrade), sizing.KubenetMaxNodes)
		case total.Upgrade > sizing.KubenetMaxNodes:
			p.Reportf(c.Subject(), path, "kubenet cluster %s can reach %s nodes and %s during an upgrade (max nodes + surge); kubenet allows at most %d, so AKS refuses the upgrade",
				c.Name, capNum(total.Steady), capNum(total.Upgrade), sizing.KubenetMaxNodes)
		}
	}
}
