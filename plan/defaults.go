package plan

import (
	"net/netip"
	"strconv"
	"strings"

	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/sizing"
)

// Defaults the planner applies when the requirements leave a value out.
// Each one is recorded in Result.Defaults with its reason.
const (
	// DefaultMaxSurge is the upgrade surge of pools that set none.
	DefaultMaxSurge = "33%"
	// DefaultGrowthFactor is the room left for node growth.
	DefaultGrowthFactor = 1.5
	// DefaultEmergencyHeadroomPercent is extra node room for emergencies.
	DefaultEmergencyHeadroomPercent = 10
	// DefaultFutureClusters is how many more clusters per region and
	// environment the plan keeps room for.
	DefaultFutureClusters = 1
	// DefaultExpectedServices sizes Service CIDRs.
	DefaultExpectedServices = 500
	// DefaultKubernetesVersion is the version of clusters that name none.
	DefaultKubernetesVersion = "1.33"
	// FutureOwner is the owner written on the external ranges that keep
	// room for future clusters; the planner recognises its own
	// reservations in a previous design by it.
	FutureOwner = "aksnet plan: future clusters"
)

// Default pools.
var (
	// DefaultPodPool is the RFC 6598 shared address space, which
	// enterprise networks rarely route and AKS supports for pod CIDRs.
	DefaultPodPool = netip.MustParsePrefix("100.64.0.0/10")
	// DefaultIPv6Pool holds the IPv6 pod and Service ranges of dual-stack
	// clusters when no IPv6 pools are given: the /48 around AKS's own
	// dual-stack defaults (fd12:3456:789a::/64 and fd12:3456:789a:1::/108).
	DefaultIPv6Pool = netip.MustParsePrefix("fd12:3456:789a::/48")
)

// Per-node pod defaults.
const (
	maxPodsOverlayLinux = 250 // the AKS Overlay default and maximum
	maxPodsWindows      = 110 // the recommended maximum for Windows nodes
	maxPodsPodSubnet    = 111 // 16×7−1: seven whole /28 blocks or batches, nothing wasted
	overlayPodCeiling   = 200_000
	minDefaultMaxPods   = 30
)

// Bounds the requirements must respect.
const (
	maxClusterNameLen   = 58 // so that "vnet-<cluster>" stays within 63 characters
	minK8sMinor         = 30
	maxEndpointsPerSvc  = 1000
	staticPodSubnetMax  = 12 // the largest static-block pod subnet, /12
	dynamicPodSubnetMax = 16
)

// recorder collects defaults; a nil recorder discards them.
type recorder struct{ out *[]Default }

func (r recorder) add(path, value, reason string) {
	if r.out != nil {
		*r.out = append(*r.out, Default{Path: path, Value: value, Reason: reason})
	}
}

// estate holds the estate-wide settings after defaults.
type estate struct {
	planning  design.Planning
	maxSurge  string
	future    int
	pods      []netip.Prefix
	services  []netip.Prefix
	vnets6    []netip.Prefix
	pods6     []netip.Prefix
	services6 []netip.Prefix
}

// resolveEstate applies the estate-wide defaults.
func resolveEstate(r *Requirements, rec recorder) estate {
	s := &r.Spec
	e := estate{}
	pl := s.Planning
	e.planning = design.Planning{
		BlueGreenOverlapPercent: pl.BlueGreenOverlapPercent,
		GrowthFactor:            pl.GrowthFactor,
	}
	if pl.GrowthFactor == 0 {
		e.planning.GrowthFactor = DefaultGrowthFactor
		rec.add("spec.planning.growthFactor", "1.5",
			"room for 50% more nodes than the largest counts given, so that normal growth (and the "+
				"replacement of up to half a pool blue/green) never forces a subnet or pod CIDR to move")
	}
	if pl.EmergencyHeadroomPercent != nil {
		e.planning.EmergencyHeadroomPercent = *pl.EmergencyHeadroomPercent
	} else {
		e.planning.EmergencyHeadroomPercent = DefaultEmergencyHeadroomPercent
		rec.add("spec.planning.emergencyHeadroomPercent", "10",
			"node subnets keep 10% of the largest node counts free for an emergency scale-out")
	}
	e.maxSurge = pl.MaxSurge
	if e.maxSurge == "" {
		e.maxSurge = DefaultMaxSurge
		rec.add("spec.planning.maxSurge", DefaultMaxSurge,
			"the production recommendation for node pool upgrades: faster than the AKS default of 10% "+
				"while a third of a pool's nodes, rounded up, is still affordable in addresses")
	}
	e.future = DefaultFutureClusters
	if pl.FutureClusters != nil {
		e.future = *pl.FutureClusters
	} else {
		rec.add("spec.planning.futureClusters", "1",
			"one more cluster per region and environment, for a blue/green cluster migration or a "+
				"new workload, without renumbering anything")
	}
	e.pods = s.Pools.Pods
	if len(e.pods) == 0 {
		e.pods = []netip.Prefix{DefaultPodPool}
		rec.add("spec.pools.pods", DefaultPodPool.String(),
			"RFC 6598 shared address space: supported by AKS for Overlay pod CIDRs and rarely routed "+
				"in enterprise networks; pod CIDRs are never routed outside their cluster")
	}
	e.services = s.Pools.Services
	if len(e.services) == 0 {
		e.services = e.pods
		rec.add("spec.pools.services", prefixList(e.pods),
			"Service CIDRs are never routed outside their cluster either, so they share the pod pool; "+
				"every Service CIDR still gets its own range")
	}
	if anyDualStack(r) {
		e.vnets6 = s.Pools.VNetsIPv6
		e.pods6 = s.Pools.PodsIPv6
		if len(e.pods6) == 0 {
			e.pods6 = []netip.Prefix{DefaultIPv6Pool}
			rec.add("spec.pools.podsIPv6", DefaultIPv6Pool.String(),
				"unique local space around the AKS dual-stack defaults; every cluster gets its own /64")
		}
		e.services6 = s.Pools.ServicesIPv6
		if len(e.services6) == 0 {
			e.services6 = e.pods6
			rec.add("spec.pools.servicesIPv6", prefixList(e.pods6),
				"shares the IPv6 pod pool; every cluster gets its own /108, the largest IPv6 Service range "+
					"kube-apiserver accepts")
		}
	}
	return e
}

func anyDualStack(r *Requirements) bool {
	for i := range r.Spec.Clusters {
		if r.Spec.Clusters[i].DualStack {
			return true
		}
	}
	return false
}

// tmpl is a cluster template after defaults.
type tmpl struct {
	req      *ClusterReq
	index    int
	path     string
	version  string
	policy   bool
	services int
	routable bool
	dual     bool
	windows  bool
	pools    []poolEff
	ingress  []design.Ingress
	regions  []string
	envs     []string
}

// poolEff is a node pool after defaults.
type poolEff struct {
	req     *PoolReq
	path    string
	mode    design.PoolMode
	os      design.OSType
	min     int
	max     int
	maxPods int
	surge   string
}

func templatePath(r *Requirements, i int) string {
	if p := r.Spec.Clusters[i].Path; p != "" {
		return p
	}
	return design.Index("spec.clusters", i)
}

func poolPath(t string, c *ClusterReq, j int) string {
	if p := c.NodePools[j].Path; p != "" {
		return p
	}
	return design.Index(design.Field(t, "nodePools"), j)
}

func isWindows(p *PoolReq) bool {
	return p.OS == design.OSWindows || strings.HasPrefix(string(p.OSSKU), "Windows")
}

// resolveTemplate applies the defaults of one template. It assumes the
// template passed the structural checks of Validate.
func resolveTemplate(r *Requirements, e *estate, i int, rec recorder) *tmpl {
	c := &r.Spec.Clusters[i]
	t := &tmpl{req: c, index: i, path: templatePath(r, i), routable: c.PodIPsRoutable, dual: c.DualStack}
	t.version = c.KubernetesVersion
	if t.version == "" {
		t.version = DefaultKubernetesVersion
		rec.add(design.Field(t.path, "kubernetesVersion"), `"`+DefaultKubernetesVersion+`"`,
			"a version every feature of the plan needs: the ServiceCIDR API that lets a Service range grow "+
				"after creation (1.33), Cilium dual-stack (1.29), static block pod allocation (1.28) and "+
				"installing Calico (1.30); pick the newest version your regions offer when you create the "+
				"clusters")
	}
	t.policy = true
	if c.NetworkPolicy != nil {
		t.policy = *c.NetworkPolicy
	} else {
		rec.add(design.Field(t.path, "networkPolicy"), "true",
			"NetworkPolicy enforcement costs nothing on the chosen dataplane and is the only way to "+
				"isolate namespaces; without an engine, policies are accepted and silently ignored")
	}
	t.services = c.ExpectedServices
	if t.services == 0 {
		t.services = DefaultExpectedServices
		rec.add(design.Field(t.path, "expectedServices"), strconv.Itoa(DefaultExpectedServices),
			"a generous figure for one cluster; it sizes the Service CIDR with 20% headroom")
	}
	t.regions = c.Regions
	if len(t.regions) == 0 {
		for _, rg := range r.Spec.Regions {
			t.regions = append(t.regions, rg.Name)
		}
	}
	t.envs = c.Environments
	if len(t.envs) == 0 {
		t.envs = r.Spec.Environments
	}
	for j := range c.NodePools {
		if isWindows(&c.NodePools[j]) {
			t.windows = true
		}
	}
	// Modes: the first pool without a mode becomes System when no pool is
	// System; the others become User.
	hasSystem := false
	for j := range c.NodePools {
		if c.NodePools[j].Mode == design.ModeSystem {
			hasSystem = true
		}
	}
	t.pools = make([]poolEff, len(c.NodePools))
	for j := range c.NodePools {
		p := &c.NodePools[j]
		pe := poolEff{req: p, path: poolPath(t.path, c, j), mode: p.Mode, os: p.OS, min: p.MinNodes, max: p.MaxNodes}
		if isWindows(p) {
			pe.os = design.OSWindows
		}
		if pe.mode == "" {
			if !hasSystem && pe.os != design.OSWindows {
				pe.mode, hasSystem = design.ModeSystem, true
				rec.add(design.Field(pe.path, "mode"), "System",
					"every cluster needs a System pool for CoreDNS and the other critical add-ons; this is "+
						"the first Linux pool without a mode")
			} else {
				pe.mode = design.ModeUser
				rec.add(design.Field(pe.path, "mode"), "User", "the cluster already has its System pool")
			}
		}
		if pe.mode == design.ModeSystem && pe.min == 0 {
			pe.min = min(3, pe.max)
			rec.add(design.Field(pe.path, "minNodes"), strconv.Itoa(pe.min),
				"a System pool may not scale to zero; three nodes (or all of them, if fewer) keep CoreDNS "+
					"and the add-ons available across an upgrade or a node failure")
		}
		pe.surge = p.MaxSurge
		if pe.surge == "" {
			pe.surge = e.maxSurge
			n, pct, _ := design.ParseSurge(pe.surge)
			s := n
			if pct {
				s = (n*pe.max + 99) / 100
			}
			if pe.max+s > sizing.MaxPoolInstances {
				pe.surge = strconv.Itoa(sizing.MaxPoolInstances - pe.max)
				rec.add(design.Field(pe.path, "maxSurge"), pe.surge,
					"the estate's maxSurge "+e.maxSurge+" would take the pool above 1,000 instances during an "+
						"upgrade, which AKS rejects; this is the most surge nodes that fit")
			}
		}
		t.pools[j] = pe
	}
	t.defaultMaxPods(rec)
	for k := range c.Ingress {
		in := &c.Ingress[k]
		d := design.Ingress{Name: in.Name, Kind: in.Kind, Exposure: in.Exposure}
		if d.Exposure == "" {
			d.Exposure = design.ExposureInternal
			if in.Kind == design.IngressAppGatewayForContainers {
				d.Exposure = design.ExposurePublic
			}
			path := design.Index(design.Field(t.path, "ingress"), k)
			if in.Path != "" {
				path = in.Path
			}
			rec.add(design.Field(path, "exposure"), string(d.Exposure), exposureReason(d.Exposure))
		}
		t.ingress = append(t.ingress, d)
	}
	return t
}

func exposureReason(e design.Exposure) string {
	if e == design.ExposurePublic {
		return "Application Gateway for Containers has public frontends only"
	}
	return "nothing is exposed to the internet unless the requirements say so"
}

// defaultMaxPods fills maxPods for pools that set none: 250 for Linux pools
// on Overlay (lowered so that the cluster stays within the 200,000 pods the
// Overlay docs quote), 110 for Windows pools, and 111 on pod subnets.
func (t *tmpl) defaultMaxPods(rec recorder) {
	var fixed, defNodes int
	for j := range t.pools {
		p := &t.pools[j]
		switch {
		case p.req.MaxPods != nil:
			p.maxPods = *p.req.MaxPods
			fixed += p.maxPods * p.max
		case p.os == design.OSWindows:
			p.maxPods = maxPodsWindows
			fixed += p.maxPods * p.max
		case t.routable:
			p.maxPods = maxPodsPodSubnet
		default:
			p.maxPods = maxPodsOverlayLinux
			defNodes += p.max
		}
	}
	lowered := 0
	if !t.routable && defNodes > 0 && fixed+defNodes*maxPodsOverlayLinux > overlayPodCeiling {
		lowered = (overlayPodCeiling - fixed) / defNodes
		if lowered < minDefaultMaxPods {
			lowered = minDefaultMaxPods
		}
	}
	for j := range t.pools {
		p := &t.pools[j]
		if p.req.MaxPods != nil {
			continue
		}
		path := design.Field(p.path, "maxPods")
		switch {
		case p.os == design.OSWindows:
			rec.add(path, strconv.Itoa(p.maxPods), "110 is the recommended maximum for Windows nodes")
		case t.routable:
			rec.add(path, strconv.Itoa(p.maxPods),
				"pods take VNet addresses, so the AKS defaults (110 or 250; the docs disagree) are not left "+
					"to chance: 111 fills seven 16-address blocks or batches exactly (16×7−1, one address is "+
					"the node's own in static block mode)")
		case lowered > 0:
			p.maxPods = lowered
			rec.add(path, strconv.Itoa(p.maxPods),
				"250 pods per node would let the cluster's pools hold more than the 200,000 pods the Overlay "+
					"docs quote per cluster; this is the share per node that stays within it")
		default:
			rec.add(path, strconv.Itoa(p.maxPods), "the AKS Overlay default and maximum; pods take no VNet addresses")
		}
	}
}

// nodePools returns the template's pools as design node pools in subnet
// nodes (and pods when routable).
func (t *tmpl) nodePools(nodeSubnet, podSubnet string) []design.NodePool {
	out := make([]design.NodePool, len(t.pools))
	for j := range t.pools {
		p := &t.pools[j]
		np := design.NodePool{
			Name: p.req.Name, Mode: p.mode, OS: p.os, OSSKU: p.req.OSSKU, VMSize: p.req.VMSize,
			Subnet: nodeSubnet, PodSubnet: podSubnet, MaxSurge: p.surge,
		}
		mp := p.maxPods
		np.MaxPods = &mp
		if p.min == p.max {
			n := p.max
			np.Count = &n
		} else {
			lo, hi := p.min, p.max
			np.MinCount, np.MaxCount = &lo, &hi
		}
		out[j] = np
	}
	return out
}

func prefixList(ps []netip.Prefix) string {
	s := ""
	for i, p := range ps {
		if i > 0 {
			s += ", "
		}
		s += p.String()
	}
	return s
}
