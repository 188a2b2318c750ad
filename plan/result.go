package plan

import (
	"fmt"
	"net/netip"

	"github.com/aksnet/aksnet/design"
)

// Result is a plan: the design, and everything the report says about it.
type Result struct {
	// Design is the planned estate; aksnet check passes it without errors.
	Design *design.Design
	// Decisions are the choices made per cluster, each with its reason.
	Decisions []Decision
	// Defaults are the values the planner filled in because the
	// requirements left them out.
	Defaults []Default
	// Allocations are every range the plan handed out, in allocation order.
	Allocations []Allocation
	// Reservations are ranges kept free for future clusters; they are also
	// written into the design as external ranges of kind reserved.
	Reservations []Allocation
	// Pools describe how full each address pool is after planning.
	Pools []PoolUsage
	// Clusters summarise each planned cluster.
	Clusters []ClusterPlan
	// Drills are the failure drills to rehearse before production.
	Drills []Drill
	// Monitoring is what must be watched, with thresholds.
	Monitoring []Monitor
}

// Topic is what a decision is about.
type Topic string

// Decision topics.
const (
	TopicCNI        Topic = "cni"
	TopicDataplane  Topic = "dataplane"
	TopicPolicy     Topic = "networkPolicy"
	TopicOutbound   Topic = "outbound"
	TopicIngress    Topic = "ingress"
	TopicAPIServer  Topic = "apiServer"
	TopicPrivateDNS Topic = "privateDns"
	TopicAddressing Topic = "addressing"
)

// Pattern is one of the production patterns of section 18 of the lesson.
type Pattern string

// Patterns.
const (
	PatternGeneral    Pattern = "A" // general production default: Overlay, explicit egress, managed ingress
	PatternFlat       Pattern = "B" // enterprise flat pod networking: pod subnet, hub-spoke, strict IPAM
	PatternRestricted Pattern = "C" // highly restricted: private cluster, UDR through a firewall, no public ingress by default
	PatternMigration  Pattern = "D" // migration from legacy networking
)

// Decision is one choice for one cluster.
type Decision struct {
	Cluster string
	Topic   Topic
	// Choice is the value chosen, e.g. "Azure CNI Overlay".
	Choice string
	// Reason is a paragraph: why this choice, from which requirement.
	Reason string
	// Pattern is the production pattern the choice follows.
	Pattern Pattern
}

// Default is a value the planner chose because the requirements did not.
type Default struct {
	// Path is where the value would have been written in the requirements.
	Path   string
	Value  string
	Reason string
}

// Allocation is one range taken from a pool.
type Allocation struct {
	// Pool names the pool: "vnets", "pods", "services", "vnetsIPv6", ...
	Pool   string
	Prefix netip.Prefix
	// Purpose says what the range is for, e.g. "spoke VNet", "pod CIDR".
	Purpose string
	// Owner is the cluster or VNet the range belongs to.
	Owner string
	// Kept is true when the range came from the previous design.
	Kept bool
}

// PoolUsage is how full one pool prefix is.
type PoolUsage struct {
	Pool   string
	Prefix netip.Prefix
	// Allocated are the ranges taken from it, in address order.
	Allocated []Allocation
	// Avoided are the ranges inside it that the plan may not use.
	Avoided []netip.Prefix
	// Free are the maximal free aligned blocks left.
	Free []netip.Prefix
}

// ClusterPlan summarises one planned cluster.
type ClusterPlan struct {
	Name        string
	Template    string
	Region      string
	Environment string
	VNet        string
	Pattern     Pattern
	// SensitiveNamespaces get the default-deny baseline.
	SensitiveNamespaces []string
}

// Drill is a failure drill: what to break, how, and what it proves.
type Drill struct {
	Title  string
	Steps  []string
	Proves string
}

// Monitor is a signal to watch.
type Monitor struct {
	Signal    string
	Threshold string
	Why       string
}

// SpaceError says that a pool has no room for a range the plan needs.
type SpaceError struct {
	// Pool names the pool ("vnets", "pods", ...) and Prefixes its ranges.
	Pool     string
	Prefixes []netip.Prefix
	// For says what needed the space, e.g. "spoke VNet of aks-api-prod-sea".
	For string
	// Bits is the prefix length needed; Addresses the addresses it holds.
	Bits      int
	Addresses uint64
	// Largest is the largest free block left (invalid when none) and
	// FreeAddresses the free total.
	Largest       netip.Prefix
	FreeAddresses uint64
}

// Error says which pool, how much was needed and how much was free.
func (e *SpaceError) Error() string {
	largest := "none"
	if e.Largest.IsValid() {
		largest = e.Largest.String()
	}
	return fmt.Sprintf("pool %s %v has no free /%d (%d addresses) for %s: %d addresses are free, the largest free block is %s",
		e.Pool, e.Prefixes, e.Bits, e.Addresses, e.For, e.FreeAddresses, largest)
}
