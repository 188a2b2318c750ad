package rules

import (
	"fmt"

	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/finding"
)

// SNAT figures.
const (
	egLBPortsPerIP  = 64000 // SNAT ports per load balancer frontend IP
	egNATPortsPerIP = 64512 // SNAT ports per NAT gateway public IP
	egLBMaxPorts    = 64000 // largest allocatedOutboundPorts
	egNATLowShare   = 1024  // per-node NAT share below which we inform
	egLargeCluster  = 500   // nodes from which one egress IP is too few
)

// egLBAutoTable is Azure Load Balancer's automatic port allocation: ports per
// backend instance by pool size, for pools of up to the given size.
var egLBAutoTable = []struct{ upTo, ports int }{
	{50, 1024}, {100, 512}, {200, 256}, {400, 128}, {800, 64}, {1000, 32},
}

// egAutoPorts returns the automatic allocation for a backend pool of n
// instances, and false above the table's last row.
func egAutoPorts(n int) (int, bool) {
	for _, row := range egLBAutoTable {
		if n <= row.upTo {
			return row.ports, true
		}
	}
	return 0, false
}

var snatPortsInsufficient = &Rule{
	ID:       "snat-ports-insufficient",
	Title:    "Outbound SNAT ports do not cover the cluster's nodes",
	Severity: finding.Error,
	Doc: "All egress to the internet shares a fixed pool of SNAT ports. A Standard Load Balancer " +
		"frontend IP gives 64,000 ports, and AKS uses one IP unless told otherwise. With " +
		"allocatedOutboundPorts at its default of 0, Azure hands each node a share that depends on the " +
		"backend pool size: 1,024 ports up to 50 nodes, then 512, 256, 128, 64 and 32 at 51, 101, 201, " +
		"401 and 801 nodes. Scaling from 50 to 51 nodes therefore halves the ports of every node already " +
		"running, which shows up as sudden connection failures under load. With a fixed allocation " +
		"(a multiple of 8, at most 64,000), AKS refuses a cluster whose nodes times ports exceed 64,000 " +
		"per outbound IP, counting the autoscaler maximum and the surge nodes of upgrades. A NAT " +
		"gateway gives 64,512 ports per public IP, shared on demand by every VM in the subnets it " +
		"serves. Large clusters should use at least two outbound IPs.",
	Remediation: "Add outbound IPs (outbound.loadBalancer.outboundIPs or the NAT gateway's public IPs) " +
		"or lower allocatedOutboundPorts so that IPs × 64,000 / ports covers the most nodes including surge.",
	Sources: []string{
		"https://learn.microsoft.com/azure/aks/configure-load-balancer-standard",
		"https://learn.microsoft.com/azure/load-balancer/load-balancer-outbound-connections",
		"https://learn.microsoft.com/azure/aks/nat-gateway",
		"https://learn.microsoft.com/azure/nat-gateway/nat-gateway-resource",
		"https://learn.microsoft.com/azure/aks/best-practices-performance-scale-large",
	},
	Check: egCheckSNATPorts,
}

func egCheckSNATPorts(p *Pass) {
	d := p.Design
	for i := range d.Spec.Clusters {
		c := &d.Spec.Clusters[i]
		switch c.OutboundType() {
		case design.OutboundLoadBalancer:
			egCheckLBSNAT(p, c)
		case design.OutboundManagedNATGateway, design.OutboundManagedNATGatewayV2:
			egCheckManagedNATSNAT(p, c)
		}
	}
	egCheckUserNATSNAT(p)
}

func egCheckLBSNAT(p *Pass, c *design.Cluster) {
	lbPath := design.Field(design.Field(c.Path, "outbound"), "loadBalancer")
	ips, ports := 1, 0
	ipsPath := design.Field(c.Path, "outbound")
	if lb := c.Outbound.LoadBalancer; lb != nil {
		ipsPath = lbPath
		if lb.OutboundIPs > 0 {
			ips = lb.OutboundIPs
			ipsPath = design.Field(lbPath, "outboundIPs")
		}
		ports = lb.AllocatedOutboundPorts
	}
	portsPath := design.Field(lbPath, "allocatedOutboundPorts")
	least, most, peak := egNodeCounts(c)
	ipWord := fmt.Sprintf("%d outbound %s", ips, egPlural(ips, "IP", "IPs"))

	switch {
	case ports < 0 || ports%8 != 0 || ports > egLBMaxPorts:
		near := min(max(ports/8*8, 8), egLBMaxPorts)
		p.Report(Issue{
			Subject: c.Subject(), Path: portsPath,
			Message: fmt.Sprintf("cluster %s sets allocatedOutboundPorts %s; AKS accepts only multiples of 8 from 0 to %s",
				c.Name, egNum(ports), egNum(egLBMaxPorts)),
			Remediation: fmt.Sprintf("Set allocatedOutboundPorts to a multiple of 8 such as %s (or 0 for automatic "+
				"allocation) and check that IPs × 64,000 / ports still covers every node including surge.", egNum(near)),
		})
	case ports > 0:
		capacity := egLBPortsPerIP * ips / ports
		if peak > capacity {
			effect := "AKS refuses the allocation"
			if most <= capacity {
				effect = "scaling out for an upgrade's surge nodes fails"
			}
			p.Reportf(c.Subject(), portsPath,
				"cluster %s gives each node %s SNAT ports; %s × 64,000 ports cover %s such nodes, but the pools "+
					"reach %s nodes (%s with upgrade surge), so %s",
				c.Name, egNum(ports), ipWord, egNum(capacity), egNum(most), egNum(peak), effect)
		}
	default:
		if peak > egLBAutoTable[len(egLBAutoTable)-1].upTo {
			p.Report(Issue{
				Subject: c.Subject(), Path: ipsPath, Severity: finding.Warning,
				Message: fmt.Sprintf("cluster %s relies on automatic SNAT port allocation with up to %s nodes "+
					"(with upgrade surge); the automatic table stops at 1,000 backend instances and gives only 32 "+
					"ports per node near it", c.Name, egNum(peak)),
				Remediation: "Set outbound.loadBalancer.allocatedOutboundPorts explicitly and add outbound IPs so " +
					"that IPs × 64,000 / ports covers every node including surge, or use a NAT gateway.",
			})
			break
		}
		from, _ := egAutoPorts(max(least, 1))
		to, _ := egAutoPorts(peak)
		if from != to {
			p.Report(Issue{
				Subject: c.Subject(), Path: ipsPath, Severity: finding.Warning,
				Message: fmt.Sprintf("cluster %s relies on automatic SNAT port allocation and scales from %s to %s "+
					"nodes (with upgrade surge): crossing the table's steps cuts every node's ports from %s to %s, "+
					"including nodes that already hold connections", c.Name, egNum(least), egNum(peak),
					egNum(from), egNum(to)),
				Remediation: "Set outbound.loadBalancer.allocatedOutboundPorts to a fixed multiple of 8 that " +
					"IPs × 64,000 covers at the largest node count, adding outbound IPs as needed.",
			})
		}
	}
	if most > egLargeCluster && ips == 1 {
		p.Report(Issue{
			Subject: c.Subject(), Path: ipsPath, Severity: finding.Warning,
			Message: fmt.Sprintf("cluster %s runs up to %s nodes with a single load balancer outbound IP; large "+
				"clusters should use at least 2", c.Name, egNum(most)),
			Remediation: "Set outbound.loadBalancer.outboundIPs to 2 or more.",
		})
	}
}

func egCheckManagedNATSNAT(p *Pass, c *design.Cluster) {
	ips := 1
	path := design.Field(c.Path, "outbound")
	if ng := c.Outbound.NATGateway; ng != nil {
		path = design.Field(path, "natGateway")
		if ng.OutboundIPs > 0 {
			ips = ng.OutboundIPs
			path = design.Field(path, "outboundIPs")
		}
	}
	_, most, peak := egNodeCounts(c)
	egReportNATShare(p, c.Subject(), path, fmt.Sprintf("the managed NAT gateway of cluster %s", c.Name), ips, most, peak)
}

// egCheckUserNATSNAT checks each NAT gateway against the nodes of every
// cluster whose node subnets it serves: a NAT gateway takes over outbound
// for all VMs in its subnets and shares its ports among them.
func egCheckUserNATSNAT(p *Pass) {
	d := p.Design
	// One pass over the clusters collects, per NAT gateway, the nodes of
	// the node subnets it serves and the clusters they belong to.
	type share struct {
		most, peak int
		users      []string
	}
	shares := map[string]*share{}
	for j := range d.Spec.Clusters {
		c := &d.Spec.Clusters[j]
		for _, u := range egNodeSubnets(d, c) {
			if u.Subnet.NATGateway == "" {
				continue
			}
			sh := shares[u.Subnet.NATGateway]
			if sh == nil {
				sh = &share{}
				shares[u.Subnet.NATGateway] = sh
			}
			for _, pl := range u.Pools {
				sh.most += pl.MaxNodes()
				sh.peak += egPoolPeak(c, pl)
			}
			if len(sh.users) == 0 || sh.users[len(sh.users)-1] != c.Name {
				sh.users = append(sh.users, c.Name)
			}
		}
	}
	for i := range d.Spec.NATGateways {
		ng := &d.Spec.NATGateways[i]
		sh := shares[ng.Name]
		if ng.PublicIPs <= 0 || sh == nil {
			continue
		}
		what := fmt.Sprintf("NAT gateway %s (nodes of %s %s)", ng.Name,
			egPlural(len(sh.users), "cluster", "clusters"), egList(sh.users))
		egReportNATShare(p, ng.Subject(), design.Field(ng.Path, "publicIPs"), what, ng.PublicIPs, sh.most, sh.peak)
	}
}

// egReportNATShare informs when a NAT gateway's ports give each node under
// 1,024 at the largest node count, and warns when a large cluster has one IP.
func egReportNATShare(p *Pass, subject, path, what string, ips, most, peak int) {
	if peak <= 0 {
		return
	}
	total := egNATPortsPerIP * ips
	if share := total / peak; share < egNATLowShare {
		p.Report(Issue{
			Subject: subject, Path: path, Severity: finding.Info,
			Message: fmt.Sprintf("%s has %d public %s (%s SNAT ports) for up to %s nodes with upgrade surge: about "+
				"%s ports per node, under %s; ports are shared on demand, but busy nodes can exhaust them",
				what, ips, egPlural(ips, "IP", "IPs"), egNum(total), egNum(peak), egNum(share), egNum(egNATLowShare)),
			Remediation: "Add public IPs to the NAT gateway (up to 16, 64,512 ports each) if workloads open many outbound connections.",
		})
	}
	if most > egLargeCluster && ips == 1 {
		p.Report(Issue{
			Subject: subject, Path: path, Severity: finding.Warning,
			Message: fmt.Sprintf("%s serves up to %s nodes with a single public IP; large clusters should use at least 2",
				what, egNum(most)),
			Remediation: "Give the NAT gateway 2 or more public IPs.",
		})
	}
}
