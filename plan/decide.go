package plan

import (
	"fmt"
	"strings"

	"github.com/aksnet/aksnet/cidr"
	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/sizing"
)

// decide writes the decisions and the cluster summaries.
func (p *planner) decide() {
	for _, c := range p.all {
		p.res.Clusters = append(p.res.Clusters, ClusterPlan{
			Name: c.name, Template: c.t.req.Name, Region: c.region, Environment: c.env,
			VNet: spokeName(c.name), Pattern: c.pattern, IPAM: c.sz.ipam,
			SensitiveNamespaces: append([]string(nil), c.t.req.SensitiveNamespaces...),
		})
		add := func(topic Topic, choice, reason string) {
			p.res.Decisions = append(p.res.Decisions, Decision{Cluster: c.name, Topic: topic, Choice: choice, Reason: reason, Pattern: c.pattern})
		}
		choice, reason, pattern := cniDecision(c)
		p.res.Decisions = append(p.res.Decisions, Decision{Cluster: c.name, Topic: TopicCNI, Choice: choice, Reason: reason, Pattern: pattern})
		add(TopicDataplane, dataplaneChoice(c), dataplaneReason(c))
		add(TopicPolicy, policyChoice(c), policyReason(c))
		add(TopicOutbound, string(c.outbound), p.outboundReason(c))
		if len(c.t.ingress) > 0 {
			add(TopicIngress, ingressChoice(c), ingressReason(c))
		}
		add(TopicAPIServer, apiChoice(c), apiReason(c))
		if len(c.t.req.PrivateEndpoints) > 0 || c.t.req.PrivateCluster {
			add(TopicPrivateDNS, dnsChoice(c), p.dnsReason(c))
		}
		add(TopicAddressing, addressingChoice(c), addressingReason(c))
	}
}

func cniDecision(c *cp) (string, string, Pattern) {
	sz := c.sz
	var b strings.Builder
	pattern := c.pattern
	switch sz.ipam {
	case design.IPAMOverlay:
		fmt.Fprintf(&b, "Nothing in the requirements needs outside systems to reach pod IPs (podIPsRoutable is false), so pods "+
			"take their addresses from a pod CIDR outside the VNet: only nodes use VNet addresses (%s at planned growth, "+
			"surge included), each node takes one /24 of the pod CIDR, and traffic leaving a node is SNATed to the node's "+
			"IP. Outside systems reach workloads through Services and ingress. ", sizing.Count(sz.nodeNeed.Growth))
	case design.IPAMPodSubnetDynamic:
		fmt.Fprintf(&b, "Outside systems must reach pod IPs directly%s, so pods take VNet addresses from a dedicated pod subnet "+
			"(%s). With dynamic allocation a node receives addresses in batches of 16 as pods start; at planned growth "+
			"the pods need %s addresses, which fits the /16 dynamic allocation is meant for and stays clear of the "+
			"65,536 private addresses a VNet can map. ", routableReason(c), sz.ipam, sizing.Count(sz.podNeed.Growth))
	case design.IPAMPodSubnetStatic:
		why := fmt.Sprintf("at planned growth the pods need %s addresses, more than the /16 dynamic allocation is meant for "+
			"and the 65,536 addresses it may map per VNet", sizing.Count(sz.dynNeed))
		if c.t.dual {
			why = "the cluster is dual-stack, which dynamic allocation does not support"
		}
		fmt.Fprintf(&b, "Outside systems must reach pod IPs directly%s, so pods take VNet addresses from a dedicated pod subnet "+
			"(%s). Static block allocation gives each node whole /28 blocks for its lifetime, and blocks rather than "+
			"single addresses count against the VNet's limit, so it scales to about a million pods: %s. ",
			routableReason(c), sz.ipam, why)
	}
	b.WriteString("Kubenet (unsupported from 2028-03-31) and the legacy node-subnet mode (every pod a VNet address, " +
		"maxPods of them reserved per node up front) are not used for new clusters. ")
	if c.prev != nil {
		if old := c.prev.IPAM(); old == design.IPAMKubenet || old == design.IPAMNodeSubnet {
			pattern = PatternMigration
			fmt.Fprintf(&b, "The previous design runs this cluster on %s: create the new cluster beside it, replicate "+
				"namespaces and policies, move ingress, DNS and workloads over slice by slice, and retire the old one "+
				"once its traffic has drained. ", old)
		}
	}
	return sz.ipam.String(), b.String(), pattern
}

func routableReason(c *cp) string {
	if r := strings.TrimSpace(c.t.req.PodIPsRoutableReason); r != "" {
		return " (" + strings.TrimSuffix(r, ".") + ")"
	}
	return ""
}

func dataplaneChoice(c *cp) string {
	if c.dataplane == design.DataplaneCilium {
		return "Azure CNI powered by Cilium"
	}
	return "Azure dataplane"
}

func dataplaneReason(c *cp) string {
	if c.dataplane == design.DataplaneCilium {
		s := "Every pool runs Linux, so the cluster uses the Cilium eBPF dataplane (Azure CNI powered by Cilium): it " +
			"enforces NetworkPolicy itself without a separate engine, and scales beyond the 250 nodes Azure NPM supports."
		if c.t.dual {
			s += " It is also the only engine that enforces policies in a dual-stack cluster (Kubernetes 1.29 or later)."
		}
		return s
	}
	return "The cluster has Windows pools (" + windowsPools(c) + "), and Azure CNI powered by Cilium runs Linux nodes only, " +
		"so the cluster keeps the Azure dataplane."
}

func windowsPools(c *cp) string {
	var names []string
	for _, pl := range c.t.pools {
		if pl.os == design.OSWindows {
			names = append(names, pl.req.Name)
		}
	}
	return andList(names)
}

func policyChoice(c *cp) string {
	switch c.policy {
	case design.PolicyCilium:
		return "Cilium"
	case design.PolicyCalico:
		return "Calico"
	}
	return "none"
}

func policyReason(c *cp) string {
	ns := ""
	if n := c.t.req.SensitiveNamespaces; len(n) > 0 {
		ns = " The sensitive namespaces " + andList(n) + " get a default-deny baseline with DNS to CoreDNS allowed on UDP and TCP 53."
	}
	switch c.policy {
	case design.PolicyCilium:
		if !c.t.policy {
			return "The requirements do not ask for NetworkPolicy enforcement, but the Cilium dataplane brings its engine " +
				"at no extra cost, so policies written later are enforced rather than silently ignored."
		}
		return "NetworkPolicies must be enforced, and on the Cilium dataplane Cilium is the engine (no other can run " +
			"beside it). Note that Cilium's ipBlock rules cannot select pod or node IPs." + ns
	case design.PolicyCalico:
		return "NetworkPolicies must be enforced on Linux and Windows nodes alike. Calico covers both on Azure CNI; Azure " +
			"NPM is unsupported on Windows from 2026-09-30 (and on Linux from 2028-09-30), and Cilium runs Linux only." + ns
	}
	return "The requirements set networkPolicy to false and name no sensitive namespace, and the cluster has Windows pools, " +
		"so no engine is installed: every pod can reach every other pod. check reports this as a warning; set " +
		"networkPolicy to true to get Calico."
}

func (p *planner) outboundReason(c *cp) string {
	var b strings.Builder
	subnets := "the node subnet"
	if c.sz.ipam != design.IPAMOverlay {
		subnets = "the node and pod subnets"
	}
	if c.egressDefault {
		b.WriteString("The requirements name no egress model (the default applies). ")
	}
	switch c.outbound {
	case design.OutboundUserDefinedRouting:
		fmt.Fprintf(&b, "Egress goes through the hub firewall of %s (%s): route table %s on %s sends 0.0.0.0/0 there, with "+
			"gateway route propagation off so that routes learned from on-premises cannot bypass it. AKS creates no "+
			"outbound public IP; the firewall must allow what AKS needs (the AzureKubernetesService FQDN tag) and is "+
			"where egress is inspected and logged", c.region, c.hub.firewallIP, routeTableName(c.name), subnets)
		if c.t.req.EgressInspection {
			b.WriteString(", as the requirement for egress inspection asks")
		}
		b.WriteString(".")
		if c.t.dual {
			b.WriteString(" The firewall path is IPv4, so IPv6 egress is dropped (::/0 to None) rather than left uninspected.")
		}
	case design.OutboundUserAssignedNATGateway:
		sku := "Standard"
		if c.t.dual {
			sku = "StandardV2 (IPv6 capable, needed for a dual-stack cluster)"
		}
		fmt.Fprintf(&b, "Egress leaves through NAT gateway %s, %s, with %d public IP(s) on %s: %s SNAT ports shared on "+
			"demand by up to %s nodes at planned growth with surge. The cluster lives in its own spoke VNet, where AKS "+
			"cannot create a managed NAT gateway (managedNATGateway works only in AKS-managed VNets), so the gateway is "+
			"created with the VNet and outbound type is userAssignedNATGateway.",
			natGatewayName(c.name), sku, c.natIPs, subnets, sizing.Count(uint64(c.natIPs*natPortsPerIP)), sizing.Count(uint64(c.sz.peakGrowth)))
	default:
		fmt.Fprintf(&b, "Egress leaves through the cluster's load balancer with %d outbound IP(s) and a fixed %d SNAT ports "+
			"per node: %d × 64,000 / %d covers %s nodes, at least the %s of planned growth with surge. A fixed allocation "+
			"keeps ports from being cut on every node when the pool crosses a step of the automatic table.",
			c.lbIPs, c.lbPorts, c.lbIPs, c.lbPorts, sizing.Count(uint64(lbPortsPerIP*c.lbIPs/c.lbPorts)), sizing.Count(uint64(c.sz.peakGrowth)))
	}
	return b.String()
}

func ingressChoice(c *cp) string {
	var parts []string
	for _, in := range c.t.ingress {
		parts = append(parts, in.Name+": "+string(in.Kind)+" ("+string(in.Exposure)+")")
	}
	return strings.Join(parts, ", ")
}

func ingressReason(c *cp) string {
	var parts []string
	for _, in := range c.t.ingress {
		switch ingressSubnet(&in) {
		case subnetAppGW:
			parts = append(parts, fmt.Sprintf("%s is an Application Gateway (%s, %s) in the dedicated subnet %s sized for 125 "+
				"instances, a private frontend and the 5 addresses Azure keeps (a /24 per gateway), with no route table, since "+
				"v2 gateways do not support a default route to an appliance", in.Name, appGatewaySKU, in.Exposure, subnetAppGW))
		case subnetAGC:
			parts = append(parts, fmt.Sprintf("%s is Application Gateway for Containers (public) in subnet %s, delegated to %s, "+
				"with the 256 addresses each association needs", in.Name, subnetAGC, delegationAGC))
		case subnetIngress:
			parts = append(parts, fmt.Sprintf("%s (%s, internal) takes its private frontend from the ingress subnet %s "+
				"(use the azure-load-balancer-internal-subnet annotation), not from the node subnet, so ingress never competes "+
				"with node capacity", in.Name, in.Kind, subnetIngress))
		default:
			parts = append(parts, fmt.Sprintf("%s (%s, public) gets a public load balancer IP and takes no VNet address", in.Name, in.Kind))
		}
	}
	return strings.Join(parts, "; ") + ". Ingress space is planned with the cluster rather than added later."
}

func apiChoice(c *cp) string {
	var s string
	switch {
	case c.t.req.PrivateCluster && c.t.req.APIServerVNetIntegration:
		s = "private, API Server VNet Integration"
	case c.t.req.PrivateCluster:
		s = "private cluster"
	case c.t.req.APIServerVNetIntegration:
		s = "public, API Server VNet Integration"
	default:
		s = "public endpoint"
	}
	return s
}

func apiReason(c *cp) string {
	var b strings.Builder
	if c.t.req.APIServerVNetIntegration {
		fmt.Fprintf(&b, "The API server is injected into the /28 subnet %s, delegated to %s (AKS keeps at least 9 addresses "+
			"there); NSGs must allow the node subnet to reach it on TCP 443 and 4443. ", subnetAPIServer, delegationAPIServer)
	}
	switch {
	case c.t.req.PrivateCluster:
		b.WriteString("The cluster is private: the API server has no public endpoint")
		if !c.t.req.APIServerVNetIntegration {
			b.WriteString(" and is reached through a private endpoint in the first pool's subnet, one address counted in the node subnet's size")
		}
		b.WriteString(". privateDnsZone is system: AKS creates the zone and links it to the cluster's VNet; link it to the hub " +
			"as well so that administrators behind the hub's DNS resolver or Bastion can resolve the name.")
	default:
		b.WriteString("The requirements do not ask for a private cluster, so the API server keeps its public endpoint; restrict " +
			"it with authorized IP ranges (the public egress IPs of the administrators' networks).")
	}
	return b.String()
}

func dnsChoice(c *cp) string {
	var zs []string
	for _, pe := range c.t.req.PrivateEndpoints {
		z, _ := design.ZonesFor(pe.Service, c.region)
		for _, n := range z {
			if !containsFold(zs, n) {
				zs = append(zs, n)
			}
		}
	}
	if len(zs) == 0 {
		return "system zone for the API server"
	}
	return strings.Join(zs, ", ")
}

func (p *planner) dnsReason(c *cp) string {
	var b strings.Builder
	if n := len(c.t.req.PrivateEndpoints); n > 0 {
		var titles []string
		for _, pe := range c.t.req.PrivateEndpoints {
			titles = append(titles, design.ServiceTitle(pe.Service))
		}
		fmt.Fprintf(&b, "%s are reached through private endpoints in the subnet %s, apart from nodes so that endpoints "+
			"never take node addresses. Each service's recommended privatelink zone is created once for the estate and "+
			"linked to every cluster VNet and to the hubs, so that clients resolve the private addresses and the hub's "+
			"DNS resolver answers for on-premises clients; disable public network access on the services once "+
			"resolution works. ", andList(titles), subnetPE)
	}
	if c.t.req.PrivateCluster {
		fmt.Fprintf(&b, "The API server's zone privatelink.%s.azmk8s.io is the system zone AKS manages. ", c.region)
	}
	b.WriteString("The spoke uses Azure-provided DNS, so its links decide what it resolves.")
	return b.String()
}

func addressingChoice(c *cp) string {
	var parts []string
	for _, s := range c.vnet.spaces {
		parts = append(parts, "spoke "+s.String())
	}
	if c.pod4.IsValid() {
		parts = append(parts, "pods "+c.pod4.String())
	}
	parts = append(parts, "services "+c.svc4.String())
	return strings.Join(parts, ", ")
}

func addressingReason(c *cp) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Sized for planned growth with the upgrade surge of every pool. ")
	for _, s := range c.sz.specs {
		ps := c.vnet.placed[s.name]
		if len(ps) == 0 {
			continue
		}
		fmt.Fprintf(&b, "%s %s: %s usable", s.what, ps[0], sizing.Count(usableOf(ps[0])))
		switch s.name {
		case subnetNodes, subnetPods:
			fmt.Fprintf(&b, " for %s needed at planned growth (%s with surge and blue/green overlap)", sizing.Count(s.planned), sizing.Count(s.required))
		case subnetPE:
			fmt.Fprintf(&b, " for %d endpoint(s)", c.sz.endpoints)
		}
		b.WriteString(". ")
	}
	if c.pod4.IsValid() {
		fmt.Fprintf(&b, "Pod CIDR %s holds %s nodes (a /24 each) for %s at planned growth. ", c.pod4,
			sizing.Count(sizing.PodCIDRNodeCapacity(c.pod4)), sizing.Count(c.sz.podPlan))
	}
	fmt.Fprintf(&b, "Service CIDR %s leaves %s ClusterIPs for %s expected Services (20%% headroom kept); DNS service IP %s. ",
		c.svc4, sizing.Count(cidr.Addresses(c.svc4)-4), sizing.Count(uint64(c.t.services)), c.dns)
	if c.t.dual {
		fmt.Fprintf(&b, "IPv6: /64 subnets from the IPv6 VNet pool, %s for Services", c.svc6)
		if c.pod6.IsValid() {
			fmt.Fprintf(&b, " and %s for pods", c.pod6)
		}
		b.WriteString(". ")
	}
	b.WriteString("No range overlaps another, the ranges to avoid, or those AKS reserves.")
	return b.String()
}
