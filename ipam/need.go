package ipam

import (
	"fmt"
	"strings"

	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/sizing"
)

// NeedKind is the kind of range an AKS need asks for.
type NeedKind string

// Need kinds.
const (
	// NeedNodeSubnet is a virtual network subnet for the nodes of one or
	// more node pools (and their pods, with legacy Azure CNI).
	NeedNodeSubnet NeedKind = "node-subnet"
	// NeedPodSubnet is a virtual network subnet for pods, with Azure CNI
	// pod subnet (dynamic or static block) mode.
	NeedPodSubnet NeedKind = "pod-subnet"
	// NeedPodCIDR is a kubenet, Overlay or bring-your-own CNI pod CIDR,
	// one /24 per node.
	NeedPodCIDR NeedKind = "pod-cidr"
	// NeedServiceCIDR is a Kubernetes Service CIDR.
	NeedServiceCIDR NeedKind = "service-cidr"
)

// CNIMode is how a cluster gives addresses to pods, which decides what a
// node costs.
type CNIMode string

// CNI modes.
const (
	// ModeOverlay is Azure CNI Overlay: one node-subnet address per node
	// and one /24 of the pod CIDR.
	ModeOverlay CNIMode = "overlay"
	// ModeKubenet is kubenet: like Overlay for addressing.
	ModeKubenet CNIMode = "kubenet"
	// ModeNodeSubnet is legacy Azure CNI: every node reserves maxPods + 1
	// node-subnet addresses.
	ModeNodeSubnet CNIMode = "node-subnet"
	// ModePodSubnetDynamic is Azure CNI with a pod subnet, dynamic
	// allocation in batches of 16.
	ModePodSubnetDynamic CNIMode = "pod-subnet-dynamic"
	// ModePodSubnetStatic is Azure CNI with a pod subnet, static /28
	// blocks per node.
	ModePodSubnetStatic CNIMode = "pod-subnet-static"
	// ModeBYO is bring-your-own CNI (network plugin none): one
	// node-subnet address per node and a pod CIDR like Overlay.
	ModeBYO CNIMode = "byo"
)

// DefaultKubernetesVersion is the version a [Need] assumes when it names
// none; it decides the default upgrade surge of pools without MaxSurge.
const DefaultKubernetesVersion = "1.33"

// NodePoolNeed is one node pool of a [Need].
type NodePoolNeed struct {
	// Name labels the pool in explanations; it may be empty.
	Name string `json:"name,omitempty"`
	// MaxNodes is the largest node count (the autoscaler maximum), 1 to
	// 1,000.
	MaxNodes int `json:"maxNodes"`
	// MaxPods is the pool's maxPods, 10 to 250; 0 means the mode's
	// default (250 for Overlay and pod subnets, 110 for kubenet and BYO,
	// 30 for legacy Azure CNI).
	MaxPods int `json:"maxPods,omitempty"`
	// MaxSurge is "N" or "N%"; empty means the AKS default for the
	// Kubernetes version (10% from 1.32, 1 node before).
	MaxSurge string `json:"maxSurge,omitempty"`
}

// Need describes a range by what an AKS cluster will put in it rather
// than by size. [Need.Size] turns it into a prefix length with the same
// arithmetic `aksnet check`, `aksnet capacity` and `aksnet plan` use
// (package sizing): a node subnet for pools with max nodes X, maxPods Y,
// surge Z in CNI mode M is sized for every node at the chosen stage,
// surge and planning factors included, plus the 5 addresses Azure
// reserves.
type Need struct {
	Kind NeedKind `json:"kind"`
	// Mode is the cluster's CNI mode. Required for node subnets; pod
	// subnets need a pod-subnet mode and pod CIDRs overlay, kubenet or
	// byo (overlay when empty). Service CIDRs ignore it.
	Mode CNIMode `json:"mode,omitempty"`
	// KubernetesVersion decides default surges; empty means
	// [DefaultKubernetesVersion].
	KubernetesVersion string `json:"kubernetesVersion,omitempty"`
	// Pools are the node pools that take addresses from the range; at
	// least one except for service CIDRs.
	Pools []NodePoolNeed `json:"pools,omitempty"`
	// BlueGreenOverlapPercent, GrowthFactor and EmergencyHeadroomPercent
	// are the planning factors of a design (see design.Planning): the
	// share of each pool that exists twice during a blue/green pool
	// replacement (0 to 100), the factor node counts may grow by (0 or 1
	// means none) and the spare room for emergency scale-out (0 to 1,000).
	BlueGreenOverlapPercent  int     `json:"blueGreenOverlapPercent,omitempty"`
	GrowthFactor             float64 `json:"growthFactor,omitempty"`
	EmergencyHeadroomPercent int     `json:"emergencyHeadroomPercent,omitempty"`
	// Stage is the sizing stage the range must hold: steady, upgrade,
	// blueGreen, headroom or growth (the default, which includes all the
	// others).
	Stage string `json:"stage,omitempty"`
	// Extra is addresses a node subnet must hold besides the nodes:
	// internal load balancer frontends, private endpoints, a private API
	// server endpoint.
	Extra int `json:"extra,omitempty"`
	// Services is how many ClusterIP Services a Service CIDR must hold;
	// the CIDR leaves 20% spare and never goes below a /24.
	Services int `json:"services,omitempty"`
}

// Sizing is what a [Need] works out to.
type Sizing struct {
	// Bits is the IPv4 prefix length to allocate.
	Bits int `json:"bits"`
	// Need is what the range must hold at the chosen stage: addresses for
	// subnets, nodes (/24 blocks) for pod CIDRs, Services for Service
	// CIDRs.
	Need uint64 `json:"need"`
	// Unit names what Need counts: "addresses", "nodes" or "services".
	Unit string `json:"unit"`
	// Explanation says in one line how Need and Bits were found.
	Explanation string `json:"explanation"`
}

// Limits of a Need.
const (
	maxNeedPools    = sizing.MaxPoolsPerCluster
	maxNeedServices = 100_000
	maxNeedExtra    = 1 << 20
)

// Size validates the need and works out the prefix length to allocate.
// Errors are *InvalidError values naming the field, under the prefix
// "need".
func (n *Need) Size() (Sizing, error) {
	if err := n.validate(); err != nil {
		return Sizing{}, err
	}
	stage := sizing.Growth
	if n.Stage != "" {
		stage, _ = parseStage(n.Stage)
	}
	if n.Kind == NeedServiceCIDR {
		b, ok := serviceBits(n.Services)
		if !ok {
			return Sizing{}, invalid("need.services", "%d Services do not fit in a Service CIDR of /13 or longer; split them over clusters", n.Services)
		}
		return Sizing{Bits: b, Need: uint64(n.Services), Unit: "services",
			Explanation: fmt.Sprintf("%d Services plus 20%% spare and 4 fixed addresses fit in a /%d", n.Services, b)}, nil
	}
	d := n.scratch()
	rep := sizing.Analyze(d)
	c := &d.Spec.Clusters[0]
	var parts []string
	for i := range c.NodePools {
		np := &c.NodePools[i]
		label := n.Pools[i].Name
		if label == "" {
			label = fmt.Sprintf("pool %d", i+1)
		}
		parts = append(parts, fmt.Sprintf("%s %s nodes", label, sizing.NodeBreakdown(sizing.PoolNodes(c, np, d.Spec.Planning), stage)))
	}
	what := strings.Join(parts, ", ")
	switch n.Kind {
	case NeedPodCIDR:
		r := rep.PodRange("scratch")
		if r == nil {
			return Sizing{}, invalid("need.mode", "mode %q does not use a pod CIDR", n.mode())
		}
		nodes := r.Nodes.At(stage)
		b := sizing.PodCIDRBitsFor(nodes)
		if b == 0 {
			return Sizing{}, invalid("need.pools", "%d nodes need more /24 blocks than IPv4 has", nodes)
		}
		return Sizing{Bits: b, Need: nodes, Unit: "nodes",
			Explanation: fmt.Sprintf("pod CIDR at stage %s: %s = %s nodes, one /24 each, fit in a /%d",
				stage, what, sizing.Count(nodes), b)}, nil
	case NeedPodSubnet:
		u := rep.Subnet("scratch", scratchPods)
		need := u.Need.At(stage)
		b := sizing.SubnetBitsFor(need)
		if b == 0 {
			return Sizing{}, invalid("need.pools", "%s pod addresses do not fit in any IPv4 subnet", sizing.Count(need))
		}
		return Sizing{Bits: b, Need: need, Unit: "addresses",
			Explanation: fmt.Sprintf("pod subnet (%s) at stage %s: %s = %s addresses plus 5 reserved by Azure fit in a /%d",
				n.mode(), stage, what, sizing.Count(need), b)}, nil
	}
	u := rep.Subnet("scratch", scratchNodes)
	need := u.Need.At(stage) + uint64(n.Extra)
	b := sizing.SubnetBitsFor(need)
	if b == 0 {
		return Sizing{}, invalid("need.pools", "%s node-subnet addresses do not fit in any IPv4 subnet", sizing.Count(need))
	}
	extra := ""
	if n.Extra > 0 {
		extra = fmt.Sprintf(" + %d extra", n.Extra)
	}
	return Sizing{Bits: b, Need: need, Unit: "addresses",
		Explanation: fmt.Sprintf("node subnet (%s) at stage %s: %s%s = %s addresses plus 5 reserved by Azure fit in a /%d",
			n.mode(), stage, what, extra, sizing.Count(need), b)}, nil
}

const (
	scratchNodes = "nodes"
	scratchPods  = "pods"
)

// mode returns the effective CNI mode.
func (n *Need) mode() CNIMode {
	if n.Mode == "" && (n.Kind == NeedPodCIDR || n.Kind == NeedServiceCIDR) {
		return ModeOverlay
	}
	return n.Mode
}

// scratch lays the need out as a one-cluster design without prefixes, the
// way the planner sizes a cluster template.
func (n *Need) scratch() *design.Design {
	m := n.mode()
	c := design.Cluster{Name: "scratch", VNet: "scratch", KubernetesVersion: n.KubernetesVersion}
	if c.KubernetesVersion == "" {
		c.KubernetesVersion = DefaultKubernetesVersion
	}
	c.Network.Plugin = design.PluginAzure
	switch m {
	case ModeOverlay:
		c.Network.PluginMode = design.ModeOverlay
	case ModeKubenet:
		c.Network.Plugin = design.PluginKubenet
	case ModeBYO:
		c.Network.Plugin = design.PluginNone
	case ModePodSubnetDynamic:
		c.Network.PodIPAllocationMode = design.AllocDynamicIndividual
	case ModePodSubnetStatic:
		c.Network.PodIPAllocationMode = design.AllocStaticBlock
	}
	podSubnet := ""
	if m == ModePodSubnetDynamic || m == ModePodSubnetStatic {
		podSubnet = scratchPods
	}
	for i, p := range n.Pools {
		count := p.MaxNodes
		np := design.NodePool{Name: fmt.Sprintf("p%d", i), Mode: design.ModeUser, Subnet: scratchNodes,
			PodSubnet: podSubnet, Count: &count, MaxSurge: p.MaxSurge}
		if i == 0 {
			np.Mode = design.ModeSystem
		}
		if p.MaxPods != 0 {
			mp := p.MaxPods
			np.MaxPods = &mp
		}
		c.NodePools = append(c.NodePools, np)
	}
	v := design.VNet{Name: "scratch", Subnets: []design.Subnet{{Name: scratchNodes}, {Name: scratchPods}}}
	return &design.Design{Spec: design.Spec{
		Planning: design.Planning{BlueGreenOverlapPercent: n.BlueGreenOverlapPercent,
			GrowthFactor: n.GrowthFactor, EmergencyHeadroomPercent: n.EmergencyHeadroomPercent},
		VNets:    []design.VNet{v},
		Clusters: []design.Cluster{c},
	}}
}

func (n *Need) validate() error {
	switch n.Kind {
	case NeedNodeSubnet, NeedPodSubnet, NeedPodCIDR, NeedServiceCIDR:
	case "":
		return invalid("need.kind", "missing; use node-subnet, pod-subnet, pod-cidr or service-cidr")
	default:
		return invalid("need.kind", "unknown kind %q; use node-subnet, pod-subnet, pod-cidr or service-cidr", n.Kind)
	}
	if n.Kind == NeedServiceCIDR {
		if n.Services < 1 || n.Services > maxNeedServices {
			return invalid("need.services", "must be 1 to %d, got %d", maxNeedServices, n.Services)
		}
		if len(n.Pools) > 0 {
			return invalid("need.pools", "a Service CIDR is sized by services, not node pools; remove pools")
		}
		return nil
	}
	if n.Services != 0 {
		return invalid("need.services", "only a service-cidr need counts Services")
	}
	m := n.mode()
	switch m {
	case ModeOverlay, ModeKubenet, ModeNodeSubnet, ModePodSubnetDynamic, ModePodSubnetStatic, ModeBYO:
	case "":
		return invalid("need.mode", "missing; use overlay, kubenet, node-subnet, pod-subnet-dynamic, pod-subnet-static or byo")
	default:
		return invalid("need.mode", "unknown CNI mode %q; use overlay, kubenet, node-subnet, pod-subnet-dynamic, pod-subnet-static or byo", m)
	}
	switch {
	case n.Kind == NeedPodSubnet && m != ModePodSubnetDynamic && m != ModePodSubnetStatic:
		return invalid("need.mode", "a pod subnet needs mode pod-subnet-dynamic or pod-subnet-static, not %q", m)
	case n.Kind == NeedPodCIDR && m != ModeOverlay && m != ModeKubenet && m != ModeBYO:
		return invalid("need.mode", "a pod CIDR needs mode overlay, kubenet or byo, not %q", m)
	}
	if n.Kind != NeedNodeSubnet && n.Extra != 0 {
		return invalid("need.extra", "only a node-subnet need takes extra addresses")
	}
	if n.Extra < 0 || n.Extra > maxNeedExtra {
		return invalid("need.extra", "must be 0 to %d, got %d", maxNeedExtra, n.Extra)
	}
	if n.KubernetesVersion != "" {
		if _, _, ok := design.ParseVersion(n.KubernetesVersion); !ok {
			return invalid("need.kubernetesVersion", "%q is not a version such as 1.33", n.KubernetesVersion)
		}
	}
	if len(n.Pools) == 0 {
		return invalid("need.pools", "at least one node pool is needed, each with maxNodes")
	}
	if len(n.Pools) > maxNeedPools {
		return invalid("need.pools", "at most %d node pools, got %d", maxNeedPools, len(n.Pools))
	}
	for i, p := range n.Pools {
		f := fmt.Sprintf("need.pools[%d].", i)
		if p.MaxNodes < 1 || p.MaxNodes > sizing.MaxPoolInstances {
			return invalid(f+"maxNodes", "must be 1 to %d, got %d", sizing.MaxPoolInstances, p.MaxNodes)
		}
		if p.MaxPods != 0 && (p.MaxPods < sizing.MinMaxPods || p.MaxPods > sizing.MaxMaxPods) {
			return invalid(f+"maxPods", "must be %d to %d (or 0 for the mode default), got %d",
				sizing.MinMaxPods, sizing.MaxMaxPods, p.MaxPods)
		}
		if p.MaxSurge != "" {
			if _, _, ok := design.ParseSurge(p.MaxSurge); !ok {
				return invalid(f+"maxSurge", "%q is not a node count such as 3 or a percentage such as 33%%", p.MaxSurge)
			}
		}
		if len(p.Name) > maxLabel {
			return invalid(f+"name", "longer than %d bytes", maxLabel)
		}
	}
	if n.BlueGreenOverlapPercent < 0 || n.BlueGreenOverlapPercent > 100 {
		return invalid("need.blueGreenOverlapPercent", "must be 0 to 100, got %d", n.BlueGreenOverlapPercent)
	}
	if n.EmergencyHeadroomPercent < 0 || n.EmergencyHeadroomPercent > 1000 {
		return invalid("need.emergencyHeadroomPercent", "must be 0 to 1000, got %d", n.EmergencyHeadroomPercent)
	}
	if !(n.GrowthFactor >= 0 && n.GrowthFactor <= 100) {
		return invalid("need.growthFactor", "must be 0 to 100 (1.5 means room for 50%% more nodes), got %v", n.GrowthFactor)
	}
	if n.Stage != "" {
		if _, ok := parseStage(n.Stage); !ok {
			return invalid("need.stage", "unknown stage %q; use steady, upgrade, blueGreen, headroom or growth", n.Stage)
		}
	}
	return nil
}

func parseStage(s string) (sizing.Stage, bool) {
	for _, st := range sizing.Stages {
		if st.String() == s {
			return st, true
		}
	}
	return 0, false
}

// serviceBits returns the longest prefix length from /24 to /13 whose
// Service CIDR holds want Services with 20% spare, after the network and
// broadcast addresses, the kubernetes Service and kube-dns. The planner
// sizes Service CIDRs with the same rule.
func serviceBits(want int) (int, bool) {
	for b := 24; b >= 13; b-- {
		free := uint64(1)<<uint(32-b) - 4
		if uint64(want)*120 <= free*100 {
			return b, true
		}
	}
	return 0, false
}
