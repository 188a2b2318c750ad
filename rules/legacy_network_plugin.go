package rules

import (
	"fmt"
	"strings"
	"time"

	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/finding"
)

// egKubenetRetirement is the day AKS stops supporting kubenet.
var egKubenetRetirement = egDate(2028, time.March, 31)

// egKubenetMaxNodes is kubenet's node ceiling: one route per node in a route
// table that holds at most 400 routes.
const egKubenetMaxNodes = 400

var legacyNetworkPlugin = &Rule{
	ID:       "legacy-network-plugin",
	Title:    "Cluster uses a legacy network plugin mode: kubenet or Azure CNI in node-subnet mode",
	Severity: finding.Warning,
	Doc: "Kubenet and Azure CNI in node-subnet mode are the two network modes AKS keeps only for " +
		"existing clusters. Kubenet support ends on 2028-03-31. Until then it stays capped at 400 " +
		"nodes, because every node needs its own route in a route table and a route table holds 400 " +
		"routes. It cannot run Windows pools, Azure Network Policy Manager, Application Gateway for " +
		"Containers or network-isolated clusters. The way out is Azure CNI Overlay. The migration is " +
		"GA but it is one-way and reimages every pool at once. It needs a user-assigned managed " +
		"identity so that AKS can detach the route table, and Calico must be uninstalled first " +
		"because AKS blocks migrating kubenet with Calico. In node-subnet mode every pod takes an " +
		"address from the node subnet, and each node reserves maxPods of them when it starts, " +
		"whether pods run or not. With the default of 30 pods a /24 fits only 8 nodes, and the VNet's " +
		"limit of about 64,000 private IPs caps the cluster. Overlay removes that pressure. When pod " +
		"IPs must stay reachable from the VNet, Azure CNI with a separate pod subnet is the modern " +
		"flat mode.",
	Remediation: "Move the cluster to Azure CNI Overlay (az aks update --network-plugin azure " +
		"--network-plugin-mode overlay) after checking the migration prerequisites; use Azure CNI " +
		"with a pod subnet only if pod IPs must be reachable from outside the cluster.",
	Sources: []string{
		"https://learn.microsoft.com/azure/aks/configure-kubenet",
		"https://github.com/Azure/AKS/issues/4859",
		"https://learn.microsoft.com/azure/aks/update-azure-cni",
		"https://learn.microsoft.com/azure/aks/concepts-network-legacy-cni",
		"https://learn.microsoft.com/azure/aks/concepts-network-ip-address-planning",
		"https://learn.microsoft.com/azure/aks/plan-pod-networking",
	},
	Check: egCheckLegacyNetworkPlugin,
}

func egCheckLegacyNetworkPlugin(p *Pass) {
	for i := range p.Design.Spec.Clusters {
		c := &p.Design.Spec.Clusters[i]
		switch c.IPAM() {
		case design.IPAMKubenet:
			egReportKubenet(p, c)
		case design.IPAMNodeSubnet:
			egReportNodeSubnetCNI(p, c)
		}
	}
}

func egReportKubenet(p *Pass, c *design.Cluster) {
	path := design.Field(design.Field(c.Path, "network"), "plugin")
	is := Issue{Subject: c.Subject(), Path: path}
	var msg strings.Builder
	if egReached(egKubenetRetirement) {
		is.Severity = finding.Error
		fmt.Fprintf(&msg, "cluster %s uses kubenet, which AKS has not supported since %s",
			c.Name, egDay(egKubenetRetirement))
	} else {
		fmt.Fprintf(&msg, "cluster %s uses kubenet, which AKS stops supporting on %s (%s)",
			c.Name, egDay(egKubenetRetirement), egUntil(egKubenetRetirement))
	}
	_, most, peak := egNodeCounts(c)
	if peak > egKubenetMaxNodes {
		fmt.Fprintf(&msg, "; its pools reach %s nodes (%s during upgrades), beyond kubenet's %d-node ceiling "+
			"(one route per node, 400 routes per route table)", egNum(most), egNum(peak), egKubenetMaxNodes)
	} else {
		fmt.Fprintf(&msg, "; kubenet also caps the cluster at %d nodes (it plans at most %s with upgrade surge)",
			egKubenetMaxNodes, egNum(peak))
	}
	if win := egWindowsPools(c); len(win) > 0 {
		fmt.Fprintf(&msg, "; %s %s %s, which kubenet cannot run", egPlural(len(win), "pool", "pools"),
			egPoolNames(win), egPlural(len(win), "is Windows", "are Windows"))
	}
	if c.DualStack() {
		msg.WriteString("; kubenet dual-stack is no longer documented and Overlay is the supported dual-stack mode")
	}
	is.Message = msg.String()

	var fix strings.Builder
	fix.WriteString("Migrate to Azure CNI Overlay with az aks update --network-plugin-mode overlay: the migration is GA " +
		"but one-way and reimages all node pools at once, so schedule a window; the cluster must use a " +
		"user-assigned managed identity so AKS can detach the kubenet route table, and you may pick a new " +
		"pod CIDR during the update.")
	if c.Policy() == design.PolicyCalico {
		fix.WriteString(" Uninstall Calico before migrating (AKS blocks kubenet with Calico to Overlay) and " +
			"restore NetworkPolicy enforcement afterwards, preferably with the Cilium dataplane.")
	}
	fix.WriteString(" Kubenet cannot move straight to the Cilium dataplane: switch to Overlay first, then update the dataplane.")
	is.Remediation = fix.String()
	p.Report(is)
}

func egReportNodeSubnetCNI(p *Pass, c *design.Cluster) {
	path := design.Field(design.Field(c.Path, "network"), "plugin")
	reserved := 0
	var parts []string
	for i := range c.NodePools {
		pl := &c.NodePools[i]
		n := pl.MaxNodes()
		s := c.SurgeNodes(pl, n)
		mp := c.MaxPodsFor(pl)
		reserved += (n + s) * (mp + 1)
		parts = append(parts, fmt.Sprintf("%s (%d+%d)×(%d+1)", pl.Name, n, s, mp))
	}
	msg := fmt.Sprintf("cluster %s uses Azure CNI in the legacy node-subnet mode (plugin azure with no pluginMode "+
		"and no pod subnets): every pod takes a VNet address and each node reserves maxPods of them up front, "+
		"so at full scale with upgrade surge the pools hold %s VNet addresses (%s)",
		c.Name, egNum(reserved), strings.Join(parts, ", "))

	var fix strings.Builder
	if c.Requirements.PodIPsRoutable {
		fix.WriteString("Pod IPs must stay routable (requirements.podIPsRoutable), so move to Azure CNI with a " +
			"dedicated pod subnet (dynamic or static block allocation), which keeps the node subnet small and " +
			"hands pod IPs out in batches instead of reserving maxPods per node.")
	} else {
		fix.WriteString("Migrate to Azure CNI Overlay with az aks update --network-plugin-mode overlay: it is " +
			"one-way, reimages all node pools, needs Kubernetes 1.27 or later, and the new pod CIDR must not " +
			"overlap the VNet's subnets or the Service CIDR.")
		if c.Policy() != design.PolicyNone {
			fix.WriteString(" Uninstall the current NetworkPolicy engine before migrating and restore enforcement afterwards.")
		}
		var ws2019 []*design.NodePool
		for _, w := range egWindowsPools(c) {
			if w.OSSKU == design.SKUWindows2019 {
				ws2019 = append(ws2019, w)
			}
		}
		if len(ws2019) > 0 {
			fmt.Fprintf(&fix, " Overlay runs Windows Server 2022 and 2025 only: replace Windows Server 2019 %s %s first.",
				egPlural(len(ws2019), "pool", "pools"), egPoolNames(ws2019))
		}
		fix.WriteString(" If outside systems must reach pod IPs directly, use Azure CNI with a pod subnet instead.")
	}
	p.Report(Issue{Subject: c.Subject(), Path: path, Message: msg, Remediation: fix.String()})
}
