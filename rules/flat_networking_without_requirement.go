package rules

import (
	"fmt"

	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/finding"
)

var flatNetworkingWithoutRequirement = &Rule{
	ID:       "flat-networking-without-requirement",
	Title:    "Pod IP routability does not match the cluster's stated requirement",
	Severity: finding.Warning,
	Doc: "In Azure CNI node-subnet and pod-subnet modes every pod holds a real VNet address. Systems " +
		"outside the cluster can reach pods directly, but the price is VNet address space: up to " +
		"maxPods addresses per node, of a VNet that maps about 64,000 private IPs. That means more " +
		"coordination with the central network team, more exposure when ranges overlap, and a hard " +
		"migration when the ranges turn out too small. Flat pod addressing is worth it only when " +
		"something outside the cluster must address pods rather than Services, and the design should " +
		"say so in requirements.podIPsRoutable with the reason in podIPsRoutableReason. The reverse " +
		"mismatch is worse. With kubenet or Overlay, pods leave the node SNATed to the node IP and " +
		"nothing outside the cluster can open a connection to a pod IP, so a stated need for routable " +
		"pod IPs is not met.",
	Remediation: "Use Azure CNI Overlay unless outside systems must reach pod IPs; if they must, set " +
		"requirements.podIPsRoutable: true and explain why in requirements.podIPsRoutableReason.",
	Sources: []string{
		"https://learn.microsoft.com/azure/aks/plan-pod-networking",
		"https://learn.microsoft.com/azure/aks/concepts-network-legacy-cni",
		"https://learn.microsoft.com/azure/aks/concepts-network-azure-cni-pod-subnet",
		"https://learn.microsoft.com/azure/aks/concepts-network-azure-cni-overlay",
	},
	Check: egCheckFlatNetworking,
}

func egCheckFlatNetworking(p *Pass) {
	for i := range p.Design.Spec.Clusters {
		c := &p.Design.Spec.Clusters[i]
		m := c.IPAM()
		req := c.Requirements
		reqPath := design.Field(c.Path, "requirements")
		switch {
		case m.PodIPsRoutable() && !req.PodIPsRoutable:
			p.Report(Issue{
				Subject: c.Subject(),
				Path:    egFlatModePath(c, m),
				Message: fmt.Sprintf("cluster %s gives pods VNet addresses (%s), up to %s of them at full scale "+
					"with upgrade surge, but requirements.podIPsRoutable is not true: nothing in the design needs "+
					"outside systems to reach pod IPs", c.Name, m, egNum(egFlatPodAddresses(c, m))),
			})
		case req.PodIPsRoutable && (m == design.IPAMOverlay || m == design.IPAMKubenet):
			p.Report(Issue{
				Subject: c.Subject(),
				Path:    egFlatModePath(c, m),
				Message: fmt.Sprintf("cluster %s states requirements.podIPsRoutable but uses %s: pod traffic "+
					"leaves the node SNATed to the node IP and outside systems cannot reach pod IPs", c.Name, m),
				Remediation: "Use Azure CNI with a pod subnet (plugin azure without pluginMode overlay, podSubnet " +
					"on each pool) if outside systems really must reach pods, or drop the requirement and expose " +
					"the workloads through Services or ingress.",
			})
		}
		if req.PodIPsRoutable && req.PodIPsRoutableReason == "" {
			p.Report(Issue{
				Subject:  c.Subject(),
				Path:     design.Field(reqPath, "podIPsRoutable"),
				Severity: finding.Info,
				Message: fmt.Sprintf("cluster %s requires routable pod IPs but gives no "+
					"requirements.podIPsRoutableReason; flat pod addressing costs VNet space and the next "+
					"reviewer needs to know which outside system depends on it", c.Name),
				Remediation: "Write the outside system that must reach pod IPs, and why Services or ingress " +
					"cannot serve it, in requirements.podIPsRoutableReason.",
			})
		}
	}
}

// egFlatModePath points at the value that chose the pod addressing mode: the
// first pool's podSubnet for pod-subnet modes, pluginMode for Overlay, the
// plugin otherwise.
func egFlatModePath(c *design.Cluster, m design.IPAM) string {
	network := design.Field(c.Path, "network")
	switch m {
	case design.IPAMPodSubnetDynamic, design.IPAMPodSubnetStatic:
		for i := range c.NodePools {
			if c.NodePools[i].PodSubnet != "" {
				return design.Field(c.NodePools[i].Path, "podSubnet")
			}
		}
	case design.IPAMOverlay:
		return design.Field(network, "pluginMode")
	}
	return design.Field(network, "plugin")
}

// egFlatPodAddresses returns the VNet addresses pods may hold at full scale
// with upgrade surge: maxPods per node for node-subnet and dynamic pod-subnet
// modes, whole /28 blocks covering maxPods+1 for static block allocation.
func egFlatPodAddresses(c *design.Cluster, m design.IPAM) int {
	total := 0
	for i := range c.NodePools {
		pl := &c.NodePools[i]
		nodes := egPoolPeak(c, pl)
		mp := c.MaxPodsFor(pl)
		if m == design.IPAMPodSubnetStatic {
			total += nodes * 16 * ((mp + 1 + 15) / 16)
		} else {
			total += nodes * mp
		}
	}
	return total
}
