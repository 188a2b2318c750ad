package plan

import (
	"fmt"
	"net/netip"
	"strings"

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
	// Allocations are every range the plan handed out, in allocation order:
	// VNet address spaces, their subnets (with Parent set to the address
	// space that holds them), pod CIDRs and Service CIDRs. Ranges kept from
	// the previous design come first, marked Kept.
	Allocations []Allocation
	// Reservations are ranges kept free for future clusters (a spoke-sized
	// VNet block and a pod-CIDR-sized block per future cluster of each
	// region and environment); they are also written into the design as
	// external ranges of kind reserved, owned by FutureOwner, so that check
	// keeps everyone off them. They are not repeated in Allocations.
	Reservations []Allocation
	// Pools describe how full each address pool is after planning.
	Pools []PoolUsage
	// Clusters summarise each planned cluster.
	Clusters []ClusterPlan
	// Drills are the failure drills to rehearse before production.
	Drills []Drill
	// Monitoring is what must be watched, with thresholds.
	Monitoring []Monitor
	// Warnings are things the reader must act on that do not stop the
	// plan: a range kept from the previous design that fits today's need
	// but not the planned growth, a cluster whose network mode changed
	// since the previous design.
	Warnings []Warning
}

// Warning is a note the report must show prominently.
type Warning struct {
	// Subject names the object, as in findings ("cluster/aks-api-prod-sea").
	Subject string
	Message string
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
	// Parent is the VNet address space a subnet lies in; it is the zero
	// Prefix for ranges taken straight from a pool.
	Parent netip.Prefix
}

// PoolUsage is how full one pool prefix is.
type PoolUsage struct {
	Pool   string
	Prefix netip.Prefix
	// Allocated are the ranges taken from it, reservations included, in
	// address order (subnets are not listed; their VNet is).
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
	// IPAM is how the cluster addresses its pods.
	IPAM design.IPAM
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

// ValidationError is returned by Plan when the requirements fail Validate
// (or a limit that only the planned sizes reveal). It holds every problem.
type ValidationError struct {
	Problems []design.Problem
}

// Error lists the problems, one per line, as "path: message (hint)".
func (e *ValidationError) Error() string {
	var b strings.Builder
	b.WriteString("the requirements cannot be planned:")
	for _, p := range e.Problems {
		b.WriteString("\n  ")
		if p.Path != "" {
			b.WriteString(p.Path)
			b.WriteString(": ")
		}
		b.WriteString(p.Msg)
		if p.Hint != "" {
			b.WriteString(" (")
			b.WriteString(p.Hint)
			b.WriteString(")")
		}
	}
	return b.String()
}

// PreviousError is returned by Plan when ranges of the previous design,
// which a plan never moves, no longer work: a kept subnet, pod CIDR or
// Service CIDR is too small for what the requirements now ask at the
// stages check treats as errors (max nodes, surge, blue/green overlap), or a
// kept range now overlaps a range to avoid. aksnet does not resize or move
// a deployed range on its own, because that means recreating what lives in
// it; the user decides, by lowering the requirements or by deleting the
// range (or the whole cluster) from the previous design so that the plan
// allocates a new one.
//
// A kept range that fits those stages but not the planned headroom and
// growth is not an error: it is reported in Result.Warnings.
type PreviousError struct {
	Problems []PreviousProblem
}

// PreviousProblem is one kept range that no longer works.
type PreviousProblem struct {
	// Subject names the object, as in findings.
	Subject string
	Prefix  netip.Prefix
	Message string
}

// Error lists the problems and what to do.
func (e *PreviousError) Error() string {
	var b strings.Builder
	b.WriteString("the previous design's ranges cannot all be kept:")
	for _, p := range e.Problems {
		b.WriteString("\n  ")
		b.WriteString(p.Subject)
		b.WriteString(" ")
		b.WriteString(p.Prefix.String())
		b.WriteString(": ")
		b.WriteString(p.Message)
	}
	b.WriteString("\naksnet never moves a deployed range; lower the requirements, or delete the range " +
		"(or the cluster) from the previous design to have a new one allocated, knowing that what " +
		"lives in it must then be recreated")
	return b.String()
}
