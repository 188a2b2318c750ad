package rules

import (
	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/finding"
)

var nodePoolsSpanVNets = &Rule{
	ID:       "node-pools-span-vnets",
	Title:    "Node pools of one cluster are placed in different VNets",
	Severity: finding.Error,
	Doc: "An AKS cluster lives in a single VNet. Pools may sit in different subnets, but every node " +
		"subnet, and every pod subnet, must belong to that one VNet. AKS rejects a pool whose subnet is " +
		"in another VNet, and peering the VNets does not change that. A pool placed outside the VNet " +
		"the cluster declares (cluster.vnet) means either the reference or the cluster's VNet is wrong, " +
		"and IP planning, route tables and NSGs computed for the cluster VNet miss that pool.",
	Remediation: "Place every pool's subnet and pod subnet in the cluster's VNet; a workload that must run " +
		"in another VNet needs its own cluster.",
	Sources: []string{
		"https://learn.microsoft.com/azure/aks/node-pool-unique-subnet",
		"https://learn.microsoft.com/azure/aks/concepts-network-cni-overview",
		"https://learn.microsoft.com/azure/aks/configure-azure-cni-dynamic-ip-allocation",
	},
	Check: egCheckNodePoolsSpanVNets,
}

func egCheckNodePoolsSpanVNets(p *Pass) {
	d := p.Design
	for i := range d.Spec.Clusters {
		c := &d.Spec.Clusters[i]
		if c.VNet == "" {
			continue // AKS-managed VNet: pools name no subnets
		}
		for j := range c.NodePools {
			pl := &c.NodePools[j]
			egCheckPoolVNet(p, c, pl, "subnet", "node subnet")
			egCheckPoolVNet(p, c, pl, "podSubnet", "pod subnet")
		}
	}
}

// egCheckPoolVNet reports a pool whose node or pod subnet (field) resolves to
// a VNet other than the cluster's.
func egCheckPoolVNet(p *Pass, c *design.Cluster, pl *design.NodePool, field, kind string) {
	var v *design.VNet
	var s *design.Subnet
	if field == "subnet" {
		v, s = p.Design.PoolSubnet(c, pl)
	} else {
		v, s = p.Design.PoolPodSubnet(c, pl)
	}
	if s == nil || v.Name == c.VNet {
		return
	}
	p.Reportf(design.PoolSubject(c, pl), design.Field(pl.Path, field),
		"pool %s of cluster %s has its %s %s/%s in VNet %s, but the cluster's vnet is %s; all node and pod "+
			"subnets of a cluster must be in that one VNet", pl.Name, c.Name, kind, v.Name, s.Name, v.Name, c.VNet)
}
