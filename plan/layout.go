package plan

import (
	"math/bits"
	"net/netip"

	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/sizing"
)

// Names of what the planner creates.
const (
	subnetNodes     = "snet-nodes"
	subnetPods      = "snet-pods"
	subnetIngress   = "snet-ingress"
	subnetAppGW     = "snet-appgw"
	subnetAGC       = "snet-agc"
	subnetPE        = "snet-pe"
	subnetAPIServer = "snet-apiserver"
	subnetFirewall  = "AzureFirewallSubnet"
	subnetGateway   = "GatewaySubnet"
	subnetBastion   = "AzureBastionSubnet"
	subnetDNSIn     = "snet-dns-inbound"
	subnetDNSOut    = "snet-dns-outbound"

	delegationAPIServer = "Microsoft.ContainerService/managedClusters"
	delegationAGC       = "Microsoft.ServiceNetworking/trafficControllers"
	delegationDNS       = "Microsoft.Network/dnsResolvers"

	// appGatewaySKU is the SKU of planned Application Gateways.
	appGatewaySKU = "WAF_v2"
	// minIngressBits is the smallest ingress subnet: room for the internal
	// ingress frontends and internal LoadBalancer Services placed there.
	minIngressBits = 27
	// minPEBits is the smallest private endpoint subnet.
	minPEBits = 27
	// hubBits is the smallest hub VNet.
	hubBits = 24
	// lbPortsPerNode is the SNAT port allocation per node the planner
	// starts from for load balancer egress.
	lbPortsPerNode = 1024
	lbPortsPerIP   = 64000
	lbMaxIPs       = 100
	natPortsPerIP  = 64512
	natMaxIPs      = 16
	largeCluster   = 500
)

func clusterName(tmpl, env, region string) string { return "aks-" + tmpl + "-" + env + "-" + region }
func spokeName(cluster string) string             { return "vnet-" + cluster }
func hubName(region string) string                { return "vnet-hub-" + region }
func routeTableName(cluster string) string        { return "rt-" + cluster }
func natGatewayName(cluster string) string        { return "ng-" + cluster }

// subnetSpec is a subnet the planner wants in a VNet.
type subnetSpec struct {
	name       string
	purpose    design.SubnetPurpose
	what       string // "node subnet", for messages and allocations
	bits       int    // IPv4 prefix length wanted
	v6         bool   // also gets an IPv6 /64
	delegation string
	// required and planned are usable addresses: below required the design
	// fails check with an error; below planned it has no room for the
	// planned headroom and growth.
	required uint64
	planned  uint64
}

// sizes is what a template needs, the same in every region and
// environment.
type sizes struct {
	ipam    design.IPAM
	specs   []subnetSpec
	podBits int // 0 without a pod CIDR
	podReq  uint64
	podPlan uint64
	svcBits int
	// nodes at planned growth with surge, and at max counts, summed over
	// the pools: what egress is sized for.
	peakGrowth int
	most       int
	// needs as computed by sizing, for the decisions' wording.
	nodeNeed  sizing.Needs
	podNeed   sizing.Needs
	podNodes  sizing.Needs
	endpoints int
	dynNeed   uint64
}

// chooseIPAM picks how a template addresses its pods: Overlay unless pod
// IPs must be routable; then a pod subnet, with static blocks when the
// subnet would be larger than the /16 dynamic allocation is meant for, or
// when the cluster is dual-stack (dynamic allocation is not).
func chooseIPAM(t *tmpl, pl design.Planning) (design.IPAM, uint64) {
	if !t.routable {
		return design.IPAMOverlay, 0
	}
	c := design.Cluster{KubernetesVersion: t.version, Network: design.ClusterNetwork{Plugin: design.PluginAzure},
		NodePools: t.nodePools("n", "p")}
	var need uint64
	for j := range c.NodePools {
		np := &c.NodePools[j]
		need += sizing.PoolNodes(&c, np, pl).Growth * sizing.DynamicFullPerNode(c.MaxPodsFor(np))
	}
	if t.dual || sizing.SubnetBitsFor(need) < dynamicPodSubnetMax {
		return design.IPAMPodSubnetStatic, need
	}
	return design.IPAMPodSubnetDynamic, need
}

// network returns the network profile for a mode (without ranges).
func network(m design.IPAM, dataplane design.Dataplane, policy design.PolicyEngine, dual bool) design.ClusterNetwork {
	n := design.ClusterNetwork{Plugin: design.PluginAzure, Dataplane: dataplane, Policy: policy,
		IPFamilies: []design.IPFamily{design.IPv4}}
	switch m {
	case design.IPAMOverlay:
		n.PluginMode = design.ModeOverlay
	case design.IPAMPodSubnetDynamic:
		n.PodIPAllocationMode = design.AllocDynamicIndividual
	case design.IPAMPodSubnetStatic:
		n.PodIPAllocationMode = design.AllocStaticBlock
	}
	if dual {
		n.IPFamilies = append(n.IPFamilies, design.IPv6)
	}
	return n
}

// dataplaneFor picks the dataplane and policy engine of a template.
func dataplaneFor(t *tmpl) (design.Dataplane, design.PolicyEngine) {
	switch {
	case !t.windows:
		return design.DataplaneCilium, design.PolicyCilium
	case t.policy:
		return design.DataplaneAzure, design.PolicyCalico
	}
	return design.DataplaneAzure, design.PolicyNone
}

// ingressSubnet returns the subnet an ingress entry takes addresses from,
// or "" when it takes none in the VNet.
func ingressSubnet(in *design.Ingress) string {
	switch in.Kind {
	case design.IngressAppGateway:
		return subnetAppGW
	case design.IngressAppGatewayForContainers:
		return subnetAGC
	case design.IngressInternalLoadBalancer:
		return subnetIngress
	case design.IngressAppRouting, design.IngressController:
		if in.Exposure == design.ExposureInternal {
			return subnetIngress
		}
	}
	return ""
}

// skeleton is the design cluster of a template without ranges, egress and
// name-dependent parts, with pools in subnets nodes (and pods).
func skeleton(t *tmpl, m design.IPAM, dp design.Dataplane, pol design.PolicyEngine) design.Cluster {
	pods := ""
	if m == design.IPAMPodSubnetDynamic || m == design.IPAMPodSubnetStatic {
		pods = subnetPods
	}
	c := design.Cluster{
		KubernetesVersion: t.version,
		Network:           network(m, dp, pol, t.dual),
		NodePools:         t.nodePools(subnetNodes, pods),
		APIServer:         design.APIServer{Private: t.req.PrivateCluster},
	}
	if t.req.PrivateCluster {
		c.APIServer.PrivateDNSZone = "system"
	}
	if t.req.APIServerVNetIntegration {
		c.APIServer.VNetIntegrationSubnet = subnetAPIServer
	}
	for k := range t.ingress {
		in := t.ingress[k]
		in.Subnet = ingressSubnet(&in)
		if in.Kind == design.IngressAppGateway {
			in.SKU = appGatewaySKU
		}
		c.Ingress = append(c.Ingress, in)
	}
	return c
}

// sizeTemplate works out every size a template needs, with the same
// arithmetic check uses: it lays the template out in a scratch design
// without prefixes and runs sizing.Analyze on it.
func sizeTemplate(t *tmpl, pl design.Planning, dp design.Dataplane, pol design.PolicyEngine) sizes {
	var sz sizes
	sz.ipam, sz.dynNeed = chooseIPAM(t, pl)
	c := skeleton(t, sz.ipam, dp, pol)
	c.Name, c.VNet = "scratch", "scratch"
	v := design.VNet{Name: "scratch"}
	add := func(s subnetSpec) {
		sz.specs = append(sz.specs, s)
		v.Subnets = append(v.Subnets, design.Subnet{Name: s.name, Purpose: s.purpose})
	}
	add(subnetSpec{name: subnetNodes, purpose: design.PurposeNodes, what: "node subnet", v6: t.dual})
	routable := sz.ipam != design.IPAMOverlay
	if routable {
		add(subnetSpec{name: subnetPods, purpose: design.PurposePods, what: "pod subnet", v6: t.dual})
	}
	var agw, agc int
	internal := false
	for k := range c.Ingress {
		switch c.Ingress[k].Subnet {
		case subnetAppGW:
			agw++
		case subnetAGC:
			agc++
		case subnetIngress:
			internal = true
		}
	}
	if internal {
		add(subnetSpec{name: subnetIngress, purpose: design.PurposeIngress, what: "ingress subnet"})
	}
	if agw > 0 {
		need := uint64(agw) * (sizing.AppGatewayV2MaxInstances + 1)
		add(subnetSpec{name: subnetAppGW, purpose: design.PurposeAppGateway, what: "Application Gateway subnet",
			bits: min(hubBits, sizing.SubnetBitsFor(need)), required: need, planned: need})
	}
	if agc > 0 {
		need := uint64(agc) * 256
		add(subnetSpec{name: subnetAGC, purpose: design.PurposeAppGatewayForContainers, what: "Application Gateway for Containers subnet",
			bits: 32 - ceilLog2(need), delegation: delegationAGC, required: need - 5, planned: need - 5})
	}
	var eps []design.PrivateEndpoint
	for _, pe := range t.req.PrivateEndpoints {
		n := max(pe.Count, 1)
		sz.endpoints += n
		eps = append(eps, design.PrivateEndpoint{Name: "pe-" + string(pe.Service), Service: pe.Service, Subnet: "scratch/" + subnetPE, Count: n})
	}
	peNeed := uint64(sizing.Grown(sz.endpoints, pl.EffectiveGrowthFactor()))
	add(subnetSpec{name: subnetPE, purpose: design.PurposePrivateEndpoints, what: "private endpoint subnet",
		bits: min(minPEBits, sizing.SubnetBitsFor(peNeed)), required: uint64(sz.endpoints), planned: peNeed})
	if t.req.APIServerVNetIntegration {
		add(subnetSpec{name: subnetAPIServer, purpose: design.PurposeAPIServer, what: "API server subnet",
			bits: 28, delegation: delegationAPIServer, required: 11, planned: 11})
	}
	d := &design.Design{Spec: design.Spec{Planning: pl, VNets: []design.VNet{v}, Clusters: []design.Cluster{c}, PrivateEndpoints: eps}}
	rep := sizing.Analyze(d)
	for i := range sz.specs {
		s := &sz.specs[i]
		u := rep.Subnet("scratch", s.name)
		switch s.name {
		case subnetNodes, subnetPods:
			if u != nil {
				s.required, s.planned = u.Need.BlueGreen, u.Need.Growth
				if s.name == subnetNodes {
					sz.nodeNeed = u.Need
				} else {
					sz.podNeed = u.Need
				}
			}
			s.bits = sizing.SubnetBitsFor(s.planned)
		case subnetIngress:
			if u != nil {
				s.required, s.planned = u.Need.BlueGreen, u.Need.Growth
			}
			s.bits = min(minIngressBits, sizing.SubnetBitsFor(s.planned))
		}
	}
	if r := rep.PodRange("scratch"); r != nil {
		sz.podNodes = r.Nodes
		sz.podBits = sizing.PodCIDRBitsFor(r.Nodes.Growth)
		sz.podReq, sz.podPlan = r.Nodes.BlueGreen, r.Nodes.Growth
	}
	sz.svcBits, _ = serviceBits(t.services)
	g := pl.EffectiveGrowthFactor()
	for j := range c.NodePools {
		np := &c.NodePools[j]
		n := np.MaxNodes()
		gn := sizing.Grown(n, g)
		sz.most += n
		sz.peakGrowth += gn + c.SurgeNodes(np, gn)
	}
	return sz
}

// ceilLog2 returns the smallest k with 2^k ≥ n (0 for n ≤ 1).
func ceilLog2(n uint64) int {
	if n <= 1 {
		return 0
	}
	return bits.Len64(n - 1)
}

// hubSpecs are the subnets of a region's hub.
func hubSpecs(h *Hub) []subnetSpec {
	var out []subnetSpec
	if h.Firewall {
		out = append(out, subnetSpec{name: subnetFirewall, purpose: design.PurposeFirewall, what: "Azure Firewall subnet", bits: 26})
	}
	if h.Gateway {
		out = append(out, subnetSpec{name: subnetGateway, purpose: design.PurposeGateway, what: "gateway subnet", bits: 27})
	}
	if h.Bastion {
		out = append(out, subnetSpec{name: subnetBastion, purpose: design.PurposeBastion, what: "Azure Bastion subnet", bits: 26})
	}
	if h.DNSResolver {
		out = append(out,
			subnetSpec{name: subnetDNSIn, purpose: design.PurposeOther, what: "DNS resolver inbound subnet", bits: 28, delegation: delegationDNS},
			subnetSpec{name: subnetDNSOut, purpose: design.PurposeOther, what: "DNS resolver outbound subnet", bits: 28, delegation: delegationDNS})
	}
	for i := range out {
		u := usable(out[i].bits)
		out[i].required, out[i].planned = u, u
	}
	return out
}

// usable returns the usable addresses of an IPv4 subnet of length b.
func usable(b int) uint64 { return uint64(1)<<uint(32-b) - 5 }

// usableOf returns the usable addresses of an IPv4 prefix.
func usableOf(p netip.Prefix) uint64 {
	if !p.IsValid() || !p.Addr().Is4() || p.Bits() > 29 {
		return 0
	}
	return usable(p.Bits())
}
