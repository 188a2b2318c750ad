package sizing

import (
	"math"
	"net/netip"
	"slices"
	"testing"

	"github.com/aksnet/aksnet/design"
)

func ip(n int) *int { return &n }

func pfxs(ss ...string) []netip.Prefix {
	out := make([]netip.Prefix, len(ss))
	for i, s := range ss {
		out[i] = netip.MustParsePrefix(s)
	}
	return out
}

// oneCluster builds a design with VNet "spoke" holding the given subnets
// (name → prefix) and one cluster "aks1" with the given network and pools.
func oneCluster(subnets [][2]string, net design.ClusterNetwork, pools ...design.NodePool) *design.Design {
	v := design.VNet{Name: "spoke", Region: "westeurope", AddressSpace: pfxs("10.0.0.0/8"), Path: "spec.vnets[0]"}
	for i, s := range subnets {
		v.Subnets = append(v.Subnets, design.Subnet{Name: s[0], AddressPrefixes: pfxs(s[1]), Path: design.Index("spec.vnets[0].subnets", i)})
	}
	c := design.Cluster{Name: "aks1", Region: "westeurope", KubernetesVersion: "1.33", VNet: "spoke", Network: net, Path: "spec.clusters[0]"}
	for i, p := range pools {
		p.Path = design.Index("spec.clusters[0].nodePools", i)
		if p.Mode == "" {
			p.Mode = design.ModeUser
			if i == 0 {
				p.Mode = design.ModeSystem
			}
		}
		c.NodePools = append(c.NodePools, p)
	}
	return &design.Design{Spec: design.Spec{VNets: []design.VNet{v}, Clusters: []design.Cluster{c}}}
}

var (
	legacy  = design.ClusterNetwork{Plugin: design.PluginAzure}
	overlay = design.ClusterNetwork{Plugin: design.PluginAzure, PluginMode: design.ModeOverlay}
	kubenet = design.ClusterNetwork{Plugin: design.PluginKubenet}
	dynamic = design.ClusterNetwork{Plugin: design.PluginAzure}
	static  = design.ClusterNetwork{Plugin: design.PluginAzure, PodIPAllocationMode: design.AllocStaticBlock}
	byoCNI  = design.ClusterNetwork{Plugin: design.PluginNone}
)

func TestLegacyCNIDocExample(t *testing.T) {
	// The IP-planning page's example: 50 nodes, surge 1, maxPods 30 →
	// (50 + 1) + (50 + 1) × 30 = 1,581 addresses, which needs a /21.
	d := oneCluster([][2]string{{"nodes", "10.1.0.0/21"}}, legacy,
		design.NodePool{Name: "user", Subnet: "nodes", Count: ip(50), MaxSurge: "1", MaxPods: ip(30)})
	rep := Analyze(d)
	u := rep.Subnet("spoke", "nodes")
	if u == nil {
		t.Fatal("no use for spoke/nodes")
	}
	if u.Need.Upgrade != 1581 {
		t.Errorf("upgrade need = %d, want 1581", u.Need.Upgrade)
	}
	if u.Need.Steady != 1550 {
		t.Errorf("steady need = %d, want 1550", u.Need.Steady)
	}
	if u.Usable != 2043 {
		t.Errorf("usable = %d, want 2043", u.Usable)
	}
	if got := SubnetBitsFor(u.Need.Upgrade); got != 21 {
		t.Errorf("SubnetBitsFor(1581) = /%d, want /21", got)
	}
	if got, want := u.Consumers[0].Describe(Upgrade), "pool aks1/user 50+1 nodes × 31 = 1,581"; got != want {
		t.Errorf("Describe = %q, want %q", got, want)
	}
	// A /24 fits only 8 nodes at maxPods 30 (8 × 31 = 248 ≤ 251), before surge.
	d = oneCluster([][2]string{{"nodes", "10.1.0.0/24"}}, legacy,
		design.NodePool{Name: "user", Subnet: "nodes", Count: ip(50), MaxSurge: "0", MaxPods: ip(30)})
	if pc := Analyze(d).Pool("aks1", "user"); pc.LargestNodeCount != 8 || pc.LimitedBy != "subnet spoke/nodes" {
		t.Errorf("largest legacy pool in a /24 = %d (%s), want 8 (subnet spoke/nodes)", pc.LargestNodeCount, pc.LimitedBy)
	}
}

func TestKubenetSlash24Hosts251Nodes(t *testing.T) {
	// The kubenet page: a /24 node subnet hosts up to 251 nodes.
	d := oneCluster([][2]string{{"nodes", "10.1.0.0/24"}}, kubenet,
		design.NodePool{Name: "system", Subnet: "nodes", Count: ip(3), MaxSurge: "0"})
	pc := Analyze(d).Pool("aks1", "system")
	if pc.LargestNodeCount != 251 || pc.LimitedBy != "subnet spoke/nodes" {
		t.Errorf("largest = %d (%s), want 251 (subnet spoke/nodes)", pc.LargestNodeCount, pc.LimitedBy)
	}
	// With the default 10% surge: 228 + 23 = 251 fits, 229 + 23 = 252 does not.
	d.Spec.Clusters[0].NodePools[0].MaxSurge = ""
	pc = Analyze(d).Pool("aks1", "system")
	if pc.LargestNodeCount != 228 {
		t.Errorf("largest with 10%% surge = %d, want 228", pc.LargestNodeCount)
	}
}

func TestDynamicPodSubnetSlash24Holds15Nodes(t *testing.T) {
	// 251 usable / 16 per node = 15 nodes.
	d := oneCluster([][2]string{{"nodes", "10.1.0.0/22"}, {"pods", "10.2.0.0/24"}}, dynamic,
		design.NodePool{Name: "system", Subnet: "nodes", PodSubnet: "pods", Count: ip(3), MaxSurge: "0", MaxPods: ip(16)})
	rep := Analyze(d)
	if c := d.Spec.Clusters[0].IPAM(); c != design.IPAMPodSubnetDynamic {
		t.Fatalf("IPAM = %v, want dynamic pod subnet", c)
	}
	pc := rep.Pool("aks1", "system")
	if pc.LargestNodeCount != 15 || pc.LimitedBy != "subnet spoke/pods" {
		t.Errorf("largest = %d (%s), want 15 (subnet spoke/pods)", pc.LargestNodeCount, pc.LimitedBy)
	}
	// maxPods 30: a full node holds two batches, a new one one batch.
	d.Spec.Clusters[0].NodePools[0].MaxPods = ip(30)
	rep = Analyze(d)
	u := rep.Subnet("spoke", "pods")
	if u.Need.Steady != 96 || u.MinNeed.Steady != 48 {
		t.Errorf("pod subnet steady need = %d (min %d), want 96 (min 48)", u.Need.Steady, u.MinNeed.Steady)
	}
	if n := rep.Subnet("spoke", "nodes").Need.Steady; n != 3 {
		t.Errorf("node subnet steady need = %d, want 3 (one address per node)", n)
	}
	if pc := rep.Pool("aks1", "system"); pc.LargestNodeCount != 7 {
		t.Errorf("largest at maxPods 30 = %d, want 7 (7 × 32 = 224 ≤ 251)", pc.LargestNodeCount)
	}
}

func TestStaticBlockPodSubnet(t *testing.T) {
	d := oneCluster([][2]string{{"nodes", "10.1.0.0/24"}, {"pods", "10.2.0.0/22"}}, static,
		design.NodePool{Name: "system", Subnet: "nodes", PodSubnet: "pods", Count: ip(10), MaxSurge: "1", MaxPods: ip(31)},
		design.NodePool{Name: "user", Subnet: "nodes", PodSubnet: "pods", Count: ip(5), MaxSurge: "1", MaxPods: ip(32)})
	rep := Analyze(d)
	u := rep.Subnet("spoke", "pods")
	// system: 11 nodes × 2 blocks × 16 = 352; user: 6 × 3 × 16 = 288.
	if u.Need.Upgrade != 640 || u.MinNeed.Upgrade != 640 {
		t.Errorf("pod subnet upgrade need = %d (min %d), want 640 for both", u.Need.Upgrade, u.MinNeed.Upgrade)
	}
	if n := rep.Subnet("spoke", "nodes").Need.Upgrade; n != 17 {
		t.Errorf("node subnet upgrade need = %d, want 17", n)
	}
}

func TestPodCIDRRanges(t *testing.T) {
	d := oneCluster([][2]string{{"nodes", "10.1.0.0/20"}}, overlay,
		design.NodePool{Name: "system", Subnet: "nodes", Count: ip(3), MaxSurge: "1"},
		design.NodePool{Name: "user", Subnet: "nodes", MinCount: ip(1), MaxCount: ip(300), MaxSurge: "10%"})
	rep := Analyze(d)
	r := rep.PodRange("aks1")
	if r == nil {
		t.Fatal("no pod range")
	}
	if !r.Default || r.Prefix != design.DefaultPodCIDR || r.Path != "spec.clusters[0].network" {
		t.Errorf("pod range = %v default=%v path=%q; want the default 10.244.0.0/16 at the network", r.Prefix, r.Default, r.Path)
	}
	if r.NodeCapacity != 256 {
		t.Errorf("capacity = %d, want 256", r.NodeCapacity)
	}
	if r.Nodes.Steady != 303 || r.Nodes.Upgrade != 334 {
		t.Errorf("nodes = %+v, want steady 303, upgrade 334", r.Nodes)
	}
	// Largest user pool: 256 − 4 (system) = 252 /24s for n + ceil(n/10):
	// 229 + 23 = 252 fits, 230 + 23 = 253 does not.
	pc := rep.Pool("aks1", "user")
	if pc.LargestNodeCount != 229 || pc.LimitedBy != "pod CIDR 10.244.0.0/16" {
		t.Errorf("largest = %d (%s), want 229 (pod CIDR 10.244.0.0/16)", pc.LargestNodeCount, pc.LimitedBy)
	}
	// An explicit pod CIDR: path points at it.
	d.Spec.Clusters[0].Network.PodCIDRs = pfxs("100.64.0.0/12", "fd00::/64")
	r = Analyze(d).PodRange("aks1")
	if r.Default || r.NodeCapacity != 4096 || r.Path != "spec.clusters[0].network.podCidrs[0]" {
		t.Errorf("explicit pod range = %+v", r)
	}
	// Legacy and pod-subnet clusters have no pod range.
	d.Spec.Clusters[0].Network = legacy
	if r := Analyze(d).PodRange("aks1"); r != nil {
		t.Errorf("legacy cluster has a pod range: %+v", r)
	}
	// BYO CNI still has one.
	d.Spec.Clusters[0].Network = byoCNI
	if r := Analyze(d).PodRange("aks1"); r == nil {
		t.Errorf("BYO CNI cluster has no pod range")
	}
}

func TestFiveThousandNodesNeedSlash11(t *testing.T) {
	var pools []design.NodePool
	for _, n := range []string{"a", "b", "c", "d", "e"} {
		pools = append(pools, design.NodePool{Name: n, Subnet: "nodes", Count: ip(1000), MaxSurge: "0"})
	}
	net := overlay
	net.PodCIDRs = pfxs("100.64.0.0/12")
	d := oneCluster([][2]string{{"nodes", "10.0.0.0/16"}}, net, pools...)
	r := Analyze(d).PodRange("aks1")
	if r.Nodes.Steady != 5000 || r.NodeCapacity != 4096 {
		t.Errorf("nodes %d in capacity %d, want 5000 in 4096", r.Nodes.Steady, r.NodeCapacity)
	}
	if got := PodCIDRBitsFor(r.Nodes.Steady); got != 11 {
		t.Errorf("PodCIDRBitsFor(5000) = /%d, want /11", got)
	}
}

func TestExtras(t *testing.T) {
	d := oneCluster([][2]string{{"nodes", "10.1.0.0/24"}, {"ingress", "10.1.1.0/26"}, {"appgw", "10.1.2.0/24"}, {"apisrv", "10.1.3.0/28"}}, overlay,
		design.NodePool{Name: "system", Subnet: "nodes", Count: ip(3), MaxSurge: "1"},
		design.NodePool{Name: "user", Subnet: "nodes", Count: ip(10), MaxSurge: "2"})
	c := &d.Spec.Clusters[0]
	c.APIServer.Private = true
	c.InternalLoadBalancers = []design.ILBFrontends{{Count: 2}, {Subnet: "ingress", Count: 4}}
	c.Ingress = []design.Ingress{
		{Name: "ilb", Kind: design.IngressInternalLoadBalancer},                                 // first pool's subnet
		{Name: "nginx", Kind: design.IngressController, Subnet: "ingress"},                      // 1 in ingress
		{Name: "public", Kind: design.IngressController},                                        // public LB: none
		{Name: "approuting", Kind: design.IngressAppRouting, Exposure: design.ExposureInternal}, // first pool's subnet
		{Name: "gw", Kind: design.IngressAppGateway, Subnet: "appgw", MaxInstances: 10},         // 10 + private frontend
		{Name: "gwpub", Kind: design.IngressAppGateway, Subnet: "appgw", Exposure: design.ExposurePublic},
	}
	d.Spec.PrivateEndpoints = []design.PrivateEndpoint{
		{Name: "kv", Subnet: "spoke/nodes", Count: 3},
		{Name: "acr", Subnet: "spoke/ingress"},
	}
	// A second cluster with API Server VNet Integration.
	c2 := design.Cluster{Name: "aks2", KubernetesVersion: "1.33", VNet: "spoke", Network: overlay,
		APIServer: design.APIServer{Private: true, VNetIntegrationSubnet: "apisrv"},
		NodePools: []design.NodePool{{Name: "system", Mode: design.ModeSystem, Subnet: "ingress", Count: ip(2), MaxSurge: "1"}}}
	d.Spec.Clusters = append(d.Spec.Clusters, c2)

	rep := Analyze(d)
	nodes := rep.Subnet("spoke", "nodes")
	// Pools 3+1 and 10+2, API endpoint 1, 2 ILB frontends, ilb ingress 1,
	// app routing 1, 3 private endpoints.
	if nodes.Need.Upgrade != 16+1+2+1+1+3 || nodes.Need.Steady != 13+8 {
		t.Errorf("nodes need = %+v, want steady 21, upgrade 24", nodes.Need)
	}
	var kinds []ConsumerKind
	for _, k := range nodes.Consumers {
		kinds = append(kinds, k.Kind)
	}
	wantKinds := []ConsumerKind{ConsumerNodes, ConsumerNodes, ConsumerAPIServer, ConsumerInternalLB, ConsumerIngress, ConsumerIngress, ConsumerPrivateEndpoint}
	if !slices.Equal(kinds, wantKinds) {
		t.Errorf("consumer order = %v, want %v", kinds, wantKinds)
	}
	ing := rep.Subnet("spoke", "ingress")
	// aks1: 4 ILB frontends + nginx 1; aks2 pool 2+1; acr 1.
	if ing.Need.Upgrade != 4+1+3+1 {
		t.Errorf("ingress need = %d, want 9", ing.Need.Upgrade)
	}
	if gw := rep.Subnet("spoke", "appgw"); gw.Need.Steady != 11+125 {
		t.Errorf("appgw need = %d, want 136 (10 + frontend, 125 without frontend)", gw.Need.Steady)
	}
	if api := rep.Subnet("spoke", "apisrv"); api.Need.Steady != 9 || api.Consumers[0].Kind != ConsumerAPIServerVNetIntegration {
		t.Errorf("apisrv = %+v, want 9 for the VNet Integration", api)
	}
	if got, want := nodes.Consumers[6].Describe(Upgrade), "3 for private endpoint kv"; got != want {
		t.Errorf("Describe = %q, want %q", got, want)
	}
	// Subnets come in design order.
	var refs []string
	for _, u := range rep.Subnets {
		refs = append(refs, u.Ref())
	}
	if want := []string{"spoke/nodes", "spoke/ingress", "spoke/appgw", "spoke/apisrv"}; !slices.Equal(refs, want) {
		t.Errorf("subnet order = %v, want %v", refs, want)
	}
	// Largest user pool: 251 usable − (system 4 + extras 8) = 239 for
	// n + 2 → 237.
	if pc := rep.Pool("aks1", "user"); pc.LargestNodeCount != 237 {
		t.Errorf("largest user = %d, want 237", pc.LargestNodeCount)
	}
}

func TestIPv6SubnetsAreUnlimited(t *testing.T) {
	d := oneCluster([][2]string{{"nodes", "fd00:1::/64"}}, overlay,
		design.NodePool{Name: "system", Subnet: "nodes", Count: ip(900), MaxSurge: "100"})
	rep := Analyze(d)
	u := rep.Subnet("spoke", "nodes")
	if !u.Unlimited || u.Usable != math.MaxUint64 {
		t.Errorf("IPv6-only subnet: unlimited=%v usable=%d", u.Unlimited, u.Usable)
	}
	// Only the 1,000-instance limit and the default pod CIDR bind:
	// 256 /24s for n + 100 → 156.
	if pc := rep.Pool("aks1", "system"); pc.LargestNodeCount != 156 || pc.LimitedBy != "pod CIDR 10.244.0.0/16" {
		t.Errorf("largest = %d (%s), want 156 (pod CIDR)", pc.LargestNodeCount, pc.LimitedBy)
	}
	d.Spec.Clusters[0].Network.PodCIDRs = pfxs("100.64.0.0/10")
	if pc := Analyze(d).Pool("aks1", "system"); pc.LargestNodeCount != 900 || pc.LimitedBy != "pool instance limit" {
		t.Errorf("largest = %d (%s), want 900 (pool instance limit)", pc.LargestNodeCount, pc.LimitedBy)
	}
	// Dual-stack: the IPv4 prefix limits.
	d.Spec.VNets[0].Subnets[0].AddressPrefixes = pfxs("10.1.0.0/24", "fd00:1::/64")
	u = Analyze(d).Subnet("spoke", "nodes")
	if u.Unlimited || u.Usable != 251 {
		t.Errorf("dual-stack subnet: unlimited=%v usable=%d, want limited 251", u.Unlimited, u.Usable)
	}
}

func TestOverflowingNeighboursGiveMinusOne(t *testing.T) {
	d := oneCluster([][2]string{{"nodes", "10.1.0.0/28"}}, overlay,
		design.NodePool{Name: "system", Subnet: "nodes", Count: ip(20), MaxSurge: "1"},
		design.NodePool{Name: "user", Subnet: "nodes", Count: ip(1), MaxSurge: "1"})
	pc := Analyze(d).Pool("aks1", "user")
	if pc.LargestNodeCount != -1 || pc.LimitedBy != "subnet spoke/nodes" {
		t.Errorf("largest = %d (%s), want -1 (subnet spoke/nodes)", pc.LargestNodeCount, pc.LimitedBy)
	}
}

func TestManagedVNetPools(t *testing.T) {
	d := oneCluster(nil, overlay, design.NodePool{Name: "system", Count: ip(3)})
	d.Spec.Clusters[0].VNet = ""
	rep := Analyze(d)
	if len(rep.Subnets) != 0 {
		t.Errorf("managed VNet cluster has subnet uses: %+v", rep.Subnets)
	}
	if pc := rep.Pool("aks1", "system"); pc.NodeSubnet != "" || pc.LargestNodeCount != 232 {
		// 256 /24s for n + ceil(n/10): 232 + 24 = 256.
		t.Errorf("pool = %+v, want no subnet and largest 232", pc)
	}
	if rep := Analyze(nil); len(rep.Pools) != 0 {
		t.Errorf("Analyze(nil) = %+v", rep)
	}
}
