package sizing

import (
	"math"
	"math/bits"
	"net/netip"

	"github.com/aksnet/aksnet/cidr"
	"github.com/aksnet/aksnet/design"
)

// Stage is a point in a cluster's life at which need is measured. Stages
// are cumulative: each includes everything the one before it does.
type Stage int

// The stages, in order. See the package documentation for the formulas.
const (
	// Steady is every pool at its largest node count.
	Steady Stage = iota
	// Upgrade adds each pool's upgrade surge nodes.
	Upgrade
	// BlueGreen adds the blue/green overlap of each pool.
	BlueGreen
	// Headroom adds the emergency scale-out headroom.
	Headroom
	// Growth applies the growth factor to every node count.
	Growth
)

// Stages lists every stage in order.
var Stages = [...]Stage{Steady, Upgrade, BlueGreen, Headroom, Growth}

// String names the stage: "steady", "upgrade", "blueGreen", "headroom" or
// "growth".
func (s Stage) String() string {
	switch s {
	case Steady:
		return "steady"
	case Upgrade:
		return "upgrade"
	case BlueGreen:
		return "blueGreen"
	case Headroom:
		return "headroom"
	case Growth:
		return "growth"
	}
	return "invalid"
}

// Needs holds one figure per stage: a number of addresses, of nodes or of
// pod CIDR blocks, depending on where it is used.
type Needs struct {
	Steady    uint64 `json:"steady"`
	Upgrade   uint64 `json:"upgrade"`
	BlueGreen uint64 `json:"blueGreen"`
	Headroom  uint64 `json:"headroom"`
	Growth    uint64 `json:"growth"`
}

// At returns the figure for stage s, or 0 for an invalid stage.
func (n Needs) At(s Stage) uint64 {
	switch s {
	case Steady:
		return n.Steady
	case Upgrade:
		return n.Upgrade
	case BlueGreen:
		return n.BlueGreen
	case Headroom:
		return n.Headroom
	case Growth:
		return n.Growth
	}
	return 0
}

// Flat returns Needs with v at every stage.
func Flat(v uint64) Needs { return Needs{v, v, v, v, v} }

// Plus returns n + m stage by stage, saturating at math.MaxUint64.
func (n Needs) Plus(m Needs) Needs {
	return Needs{
		satAdd(n.Steady, m.Steady), satAdd(n.Upgrade, m.Upgrade), satAdd(n.BlueGreen, m.BlueGreen),
		satAdd(n.Headroom, m.Headroom), satAdd(n.Growth, m.Growth),
	}
}

// Times returns n × k stage by stage, saturating at math.MaxUint64.
func (n Needs) Times(k uint64) Needs {
	return Needs{
		satMul(n.Steady, k), satMul(n.Upgrade, k), satMul(n.BlueGreen, k),
		satMul(n.Headroom, k), satMul(n.Growth, k),
	}
}

// minus returns n − m stage by stage, stopping at 0.
func (n Needs) minus(m Needs) Needs {
	return Needs{
		satSub(n.Steady, m.Steady), satSub(n.Upgrade, m.Upgrade), satSub(n.BlueGreen, m.BlueGreen),
		satSub(n.Headroom, m.Headroom), satSub(n.Growth, m.Growth),
	}
}

// FirstOver returns the first stage whose figure exceeds limit, and false
// when none does.
func (n Needs) FirstOver(limit uint64) (Stage, bool) {
	for _, s := range Stages {
		if n.At(s) > limit {
			return s, true
		}
	}
	return 0, false
}

// Spare returns capacity − need as a signed number, clamped to the
// int64 range: negative when the need does not fit.
func Spare(capacity, need uint64) int64 {
	if capacity >= need {
		d := capacity - need
		if d > math.MaxInt64 {
			return math.MaxInt64
		}
		return int64(d)
	}
	d := need - capacity
	if d > math.MaxInt64 {
		return math.MinInt64
	}
	return -int64(d)
}

// Block sizes of Azure CNI with a pod subnet.
const (
	// DynamicBatch is how many pod-subnet addresses a node receives at a
	// time with dynamic allocation.
	DynamicBatch = 16
	// DynamicLowWater is the number of free addresses below which a node
	// asks for another batch.
	DynamicLowWater = 8
	// StaticBlockSize is the size of one static block (/28).
	StaticBlockSize = 16
)

// AKS limits the arithmetic refers to.
const (
	// MaxPoolInstances is the most VMSS instances of one pool, surge nodes
	// included: AKS rejects an upgrade that would go above it.
	MaxPoolInstances = 1000
	// MaxClusterNodes is the most nodes of one cluster.
	MaxClusterNodes = 5000
	// MaxPoolsPerCluster is the most node pools of one cluster.
	MaxPoolsPerCluster = 100
	// KubenetMaxNodes is the most nodes of a kubenet cluster (one route
	// per node in a route table that holds 400).
	KubenetMaxNodes = 400
	// MinMaxPods is the smallest maxPods AKS accepts, in every mode.
	MinMaxPods = 10
	// MaxMaxPods is the largest maxPods AKS accepts, in every mode.
	MaxMaxPods = 250
	// MinPoolPods is the smallest total pod capacity (maxPods × nodes)
	// AKS accepts for a pool.
	MinPoolPods = 30
	// PodCIDRNodeBits is the prefix length of the block each node takes
	// from a kubenet or Overlay pod CIDR.
	PodCIDRNodeBits = 24
)

// StaticBlocks returns how many /28 blocks a node with maxPods takes from a
// static-block pod subnet: ceil((maxPods + 1) / 16), the +1 being the
// address the node itself holds in the pod subnet. maxPods 30 and 31 take 2
// blocks, 32 takes 3.
func StaticBlocks(maxPods int) uint64 {
	if maxPods < 0 {
		maxPods = 0
	}
	return ceilDiv(uint64(maxPods)+1, StaticBlockSize)
}

// StaticPerNode returns the addresses a node takes from a static-block pod
// subnet: 16 × [StaticBlocks](maxPods).
func StaticPerNode(maxPods int) uint64 { return StaticBlockSize * StaticBlocks(maxPods) }

// DynamicFloorPerNode is what a node takes from a dynamic pod subnet as soon
// as it starts, before any pod runs: one batch of 16.
const DynamicFloorPerNode = DynamicBatch

// DynamicFullPerNode returns the addresses a node running maxPods pods
// holds in a dynamic pod subnet: whole batches of 16 enough for maxPods
// pods, 16 × ceil(maxPods / 16), and never less than one batch.
//
// The documented rule (another batch when fewer than 8 addresses are free)
// means a node with k pods holds 16 × ceil((k + 8) / 16) addresses while it
// is filling up. On a full node that would be one batch more than maxPods
// needs, but Azure CNS clamps its request at the node's maximum address
// count, so the extra batch is never granted. The exact clamp value is not
// documented; whole batches covering maxPods is the planning figure used
// here, which errs on the large side by less than one batch per node.
func DynamicFullPerNode(maxPods int) uint64 {
	if maxPods < 0 {
		maxPods = 0
	}
	n := DynamicBatch * ceilDiv(uint64(maxPods), DynamicBatch)
	return max(n, DynamicBatch)
}

// DynamicHeldPerNode returns what a node running pods pods holds in a
// dynamic pod subnet while it fills up, by the documented rule: the
// smallest number of 16-address batches that leaves at least 8 free,
// 16 × ceil((pods + 8) / 16). It does not apply the clamp described at
// [DynamicFullPerNode].
func DynamicHeldPerNode(pods int) uint64 {
	if pods < 0 {
		pods = 0
	}
	return DynamicBatch * ceilDiv(uint64(pods)+DynamicLowWater, DynamicBatch)
}

// PoolIPAM returns how pool p of cluster c addresses its pods. It is the
// cluster's mode, except that a pool without a pod subnet in a cluster that
// uses pod subnets puts its pods in its node subnet, like legacy Azure CNI.
func PoolIPAM(c *design.Cluster, p *design.NodePool) design.IPAM {
	m := c.IPAM()
	if (m == design.IPAMPodSubnetDynamic || m == design.IPAMPodSubnetStatic) && p.PodSubnet == "" {
		return design.IPAMNodeSubnet
	}
	return m
}

// NodeSubnetPerNode returns the addresses one node of pool p takes from its
// node subnet: maxPods + 1 with legacy Azure CNI, 1 otherwise.
func NodeSubnetPerNode(c *design.Cluster, p *design.NodePool) uint64 {
	if PoolIPAM(c, p) == design.IPAMNodeSubnet {
		return uint64(max(c.MaxPodsFor(p), 0)) + 1
	}
	return 1
}

// PodSubnetPerNode returns the addresses one node of pool p takes from its
// pod subnet: full is the figure for a node running maxPods pods, floor the
// figure the node takes as soon as it starts. Both are 0 for pools without
// a pod subnet; they are equal for static blocks.
func PodSubnetPerNode(c *design.Cluster, p *design.NodePool) (full, floor uint64) {
	switch PoolIPAM(c, p) {
	case design.IPAMPodSubnetDynamic:
		return DynamicFullPerNode(c.MaxPodsFor(p)), DynamicFloorPerNode
	case design.IPAMPodSubnetStatic:
		n := StaticPerNode(c.MaxPodsFor(p))
		return n, n
	}
	return 0, 0
}

// PoolNodes returns the node count of pool p at each stage under the
// estate's planning factors (see the package documentation).
func PoolNodes(c *design.Cluster, p *design.NodePool, pl design.Planning) Needs {
	return nodesAt(c, p, pl, max(p.MaxNodes(), 0))
}

// nodesAt is PoolNodes for a pool whose largest node count is n.
func nodesAt(c *design.Cluster, p *design.NodePool, pl design.Planning, n int) Needs {
	bg := clampPercent(pl.BlueGreenOverlapPercent, 100)
	em := clampPercent(pl.EmergencyHeadroomPercent, 1000)
	stack := func(n int) (up, blue, head uint64) {
		s := uint64(max(c.SurgeNodes(p, n), 0))
		up = uint64(n) + s
		blue = up + percentCeil(uint64(n), bg)
		head = blue + percentCeil(uint64(n), em)
		return
	}
	var out Needs
	out.Steady = uint64(n)
	out.Upgrade, out.BlueGreen, out.Headroom = stack(n)
	_, _, out.Growth = stack(Grown(n, pl.EffectiveGrowthFactor()))
	return out
}

// Grown returns ceil(n × factor), the node count a growth factor asks room
// for. Factors below 1 count as 1, and a tiny tolerance keeps float
// rounding from adding a node (10 × 1.1 is 11, not 12).
func Grown(n int, factor float64) int {
	if n <= 0 || !(factor > 1) {
		return max(n, 0)
	}
	g := math.Ceil(float64(n)*factor - 1e-9)
	if g >= float64(math.MaxInt32) {
		return math.MaxInt32
	}
	return max(int(g), n)
}

// PodCIDRNodeCapacity returns how many nodes a kubenet or Overlay pod CIDR
// can serve: 2^(24 − bits) /24 blocks, 0 for prefixes longer than /24 or
// invalid ones. IPv6 pod CIDRs are not sliced into /24s; they return
// math.MaxUint64.
func PodCIDRNodeCapacity(p netip.Prefix) uint64 {
	if !p.IsValid() {
		return 0
	}
	if !p.Addr().Is4() {
		return math.MaxUint64
	}
	if p.Bits() > PodCIDRNodeBits {
		return 0
	}
	return 1 << uint(PodCIDRNodeBits-p.Bits())
}

// PodCIDRBitsFor returns the longest IPv4 prefix length whose pod CIDR can
// serve nodes nodes (one /24 each): 16 for 256 nodes, 11 for 5,000. It
// returns 24 for 0 or 1 node and 0 when even a /0 is too small.
func PodCIDRBitsFor(nodes uint64) int {
	for b := PodCIDRNodeBits; b >= 0; b-- {
		if uint64(1)<<uint(PodCIDRNodeBits-b) >= nodes {
			return b
		}
	}
	return 0
}

// SubnetBitsFor returns the longest IPv4 prefix length of an Azure subnet
// with at least need usable addresses (the 5 reserved taken off), never
// longer than /29, the smallest subnet Azure accepts. It returns 0 when even
// a /0 is too small.
func SubnetBitsFor(need uint64) int {
	for b := 29; b >= 0; b-- {
		if cidr.AzureUsable(netip.PrefixFrom(netip.IPv4Unspecified(), b)) >= need {
			return b
		}
	}
	return 0
}

// percentCeil returns ceil(n × pct / 100).
func percentCeil(n, pct uint64) uint64 {
	return ceilDiv(satMul(n, pct), 100)
}

// clampPercent bounds a percentage to [0, hi].
func clampPercent(p, hi int) uint64 {
	return uint64(min(max(p, 0), hi))
}

// ceilDiv returns ceil(a / b) for b > 0.
func ceilDiv(a, b uint64) uint64 {
	q := a / b
	if a%b != 0 {
		q++
	}
	return q
}

func satAdd(a, b uint64) uint64 {
	s, c := bits.Add64(a, b, 0)
	if c != 0 {
		return math.MaxUint64
	}
	return s
}

func satMul(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	if hi != 0 {
		return math.MaxUint64
	}
	return lo
}

func satSub(a, b uint64) uint64 {
	if b >= a {
		return 0
	}
	return a - b
}
