package simulate

import (
	"net/netip"
	"strconv"
	"strings"

	"github.com/aksnet/aksnet/sizing"
)

// Operation names what is simulated.
type Operation string

// The operations.
const (
	OpUpgrade Operation = "upgrade"
	OpScale   Operation = "scale"
	OpAddPool Operation = "add-pool"
)

// Code is the error AKS returns when a step does not fit.
type Code string

// The error codes.
const (
	// SubnetIsFull: a node or pod subnet has too few free addresses for the
	// step's new nodes.
	SubnetIsFull Code = "SubnetIsFull"
	// InsufficientSubnetSize: the pod CIDR has no free /24 for a new node
	// (AKS names NetworkProfile_PodCIDR).
	InsufficientSubnetSize Code = "InsufficientSubnetSize"
	// PoolSizeLimit: the pool would exceed 1,000 VM scale set instances.
	PoolSizeLimit Code = "PoolSizeLimit"
)

// RangeKind says what a range is to the pool a step changes.
type RangeKind string

// The range kinds.
const (
	NodeSubnet RangeKind = "nodeSubnet"
	PodSubnet  RangeKind = "podSubnet"
	PodCIDR    RangeKind = "podCIDR"
)

// Units of RangeUse figures.
const (
	UnitAddresses = "addresses"
	UnitBlocks    = "/24 blocks"
)

// Action is what a step does to a pool.
type Action string

// The actions.
const (
	// ActionStart is step 0, the state before the operation.
	ActionStart Action = "start"
	// ActionSurge adds an upgrade batch's new nodes.
	ActionSurge Action = "surge"
	// ActionDrain drains and deletes old nodes during an upgrade.
	ActionDrain Action = "drain"
	// ActionScale adds or removes nodes to reach a node count.
	ActionScale Action = "scale"
	// ActionCreate creates a new pool's nodes.
	ActionCreate Action = "create"
)

// RangeUse is one address range at one step.
type RangeUse struct {
	Kind RangeKind `json:"kind"`
	// Name is "vnet/subnet" for subnets and the cluster name for a pod CIDR.
	Name     string         `json:"name"`
	Prefixes []netip.Prefix `json:"prefixes"`
	// Unit is UnitAddresses for subnets and UnitBlocks for a pod CIDR.
	Unit string `json:"unit"`
	// Usable is the capacity: addresses less the 5 Azure keeps per prefix,
	// or the /24 blocks of the pod CIDR.
	Usable uint64 `json:"usable"`
	// Before and After are what is in use before and after the step (After
	// is what the step would need when it fails).
	Before uint64 `json:"before"`
	After  uint64 `json:"after"`
	// FullAfter is, for a subnet with dynamic pod-subnet nodes, what is in
	// use after the step once every node runs maxPods pods; 0 when it
	// equals After.
	FullAfter uint64 `json:"fullAfter,omitempty"`
	// OK is After <= Usable.
	OK bool `json:"ok"`
}

// Label names the range for people: "node subnet spoke/nodes
// (10.0.0.0/25)" or "pod CIDR 10.244.0.0/16 of cluster aks-a".
func (r *RangeUse) Label() string {
	ps := make([]string, len(r.Prefixes))
	for i, p := range r.Prefixes {
		ps[i] = p.String()
	}
	switch r.Kind {
	case PodCIDR:
		return "pod CIDR " + strings.Join(ps, ", ") + " of cluster " + r.Name
	case PodSubnet:
		return "pod subnet " + r.Name + " (" + strings.Join(ps, ", ") + ")"
	}
	return "node subnet " + r.Name + " (" + strings.Join(ps, ", ") + ")"
}

// Step is one thing that happens during the operation.
type Step struct {
	// Number counts from 0 (the starting state).
	Number  int    `json:"step"`
	Action  Action `json:"action"`
	Cluster string `json:"cluster,omitempty"`
	Pool    string `json:"pool,omitempty"`
	// Nodes is the number of nodes the step adds (positive) or removes
	// (negative); PoolBefore and PoolAfter the pool's instance count.
	Nodes      int `json:"nodes"`
	PoolBefore int `json:"poolBefore"`
	PoolAfter  int `json:"poolAfter"`
	// Description says what happens: "surge 6 nodes of aks-a/apps (55 → 61)".
	Description string `json:"description"`
	// Ranges are the ranges the step touches, node subnet first.
	Ranges []RangeUse `json:"ranges"`
	OK     bool       `json:"ok"`
}

// Failure is the first step that does not fit.
type Failure struct {
	Step    int    `json:"step"`
	Code    Code   `json:"code"`
	Cluster string `json:"cluster,omitempty"`
	Pool    string `json:"pool,omitempty"`
	// Range is the range that ran out; nil for PoolSizeLimit.
	Range *RangeUse `json:"range,omitempty"`
	// Usable is the range's capacity (1,000 instances for PoolSizeLimit),
	// Need what the step needs in all, Free what was free before the step.
	Usable uint64 `json:"usable"`
	Need   uint64 `json:"need"`
	Free   uint64 `json:"free"`
	// Nodes is how many nodes the step adds and Fit how many of them fit.
	Nodes int `json:"nodes"`
	Fit   int `json:"fit"`
	// Node is the pool's instance count at the first node that does not
	// fit (for a scale from 3 nodes where 52 fit, 53).
	Node    int    `json:"node"`
	Message string `json:"message"`
}

// Result is a simulated operation.
type Result struct {
	Operation Operation `json:"operation"`
	// Cluster and Pool are what the operation was limited to (empty for
	// an upgrade of every cluster or pool).
	Cluster string `json:"cluster,omitempty"`
	Pool    string `json:"pool,omitempty"`
	// Target is the node count of a scale, or of a new pool.
	Target int `json:"target,omitempty"`
	// Parallel is true when the pools of a cluster upgrade together.
	Parallel bool `json:"parallel,omitempty"`
	// Pools are the pools the operation changes, as "cluster/pool", in order.
	Pools []string `json:"pools"`
	Steps []Step   `json:"steps"`
	// Failure is the first step that does not fit; nil when all fit.
	Failure *Failure `json:"failure,omitempty"`
	// Largest is, for a scale, the largest node count of the pool that
	// fits with everything else at its maximum (-1 when not even an empty
	// pool fits).
	Largest *int `json:"largest,omitempty"`
	// Warnings are things that do not stop the operation but will hurt.
	Warnings []string `json:"warnings,omitempty"`
}

// OK reports whether every step fits.
func (r *Result) OK() bool { return r.Failure == nil }

// Verdict is one line: "step 7 fails: SubnetIsFull: ..." or "fits: 12
// steps, ...".
func (r *Result) Verdict() string {
	if r.Failure != nil {
		return "step " + strconv.Itoa(r.Failure.Step) + " fails: " + r.Failure.Message
	}
	n := len(r.Steps) - 1
	s := "s"
	if n == 1 {
		s = ""
	}
	return "fits: " + strconv.Itoa(n) + " step" + s + ", every range has room at every step"
}

// count formats a number with thousands separators.
func count[T int | uint64](n T) string {
	if n < 0 {
		return "-" + sizing.Count(uint64(-n))
	}
	return sizing.Count(uint64(n))
}
