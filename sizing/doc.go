// Package sizing is the address arithmetic of AKS designs: how many
// addresses each subnet, and how many per-node /24 blocks each pod CIDR,
// a design needs, for each network plugin mode, at each stage of a
// cluster's life.
//
// [Analyze] walks a validated design and returns a [Report]: one
// [SubnetUse] per subnet that something takes addresses from, one
// [PodRangeUse] per cluster whose pods are addressed from a pod CIDR, and
// one [PoolCapacity] per node pool. The capacity rules, `aksnet capacity`
// and the planner all read the same report, so they agree on the numbers.
//
// # Stages
//
// Need is measured at five cumulative [Stage]s. For a pool whose largest
// node count is n (maxCount when autoscaling, else count):
//
//   - Steady: n nodes.
//   - Upgrade: n + s, where s is the pool's surge during a node image or
//     Kubernetes upgrade ([design.Cluster.SurgeNodes]; surge is per pool and
//     additive, so every pool's surge is counted at once).
//   - BlueGreen: n + s + ceil(n × blueGreenOverlapPercent / 100): the share
//     of the pool that exists twice while it is replaced by a new pool.
//   - Headroom: BlueGreen + ceil(n × emergencyHeadroomPercent / 100): room
//     kept free for emergency scale-out.
//   - Growth: every term above recomputed for ceil(n × growthFactor) nodes.
//
// These node counts drive everything a node takes: its node-subnet
// addresses, its pod-subnet batches or blocks, and its /24 of the pod CIDR.
// Fixed consumers (private endpoints, internal load balancer frontends,
// Application Gateway instances, the private API server endpoint) take the
// same number of addresses at every stage.
//
// # Per-node cost by mode
//
// Azure reserves 5 addresses in every subnet prefix ([cidr.AzureUsable]).
// What one node costs depends on how the cluster addresses pods
// ([design.IPAM]):
//
//   - kubenet, Azure CNI Overlay, bring-your-own CNI: 1 address in the node
//     subnet, and one /24 of the pod CIDR.
//   - Azure CNI node subnet (legacy): maxPods + 1 addresses in the node
//     subnet, reserved when the node starts.
//   - Azure CNI pod subnet, dynamic: 1 address in the node subnet; in the
//     pod subnet at least one batch of 16 as soon as the node starts
//     ([DynamicFloorPerNode]), and 16 × ceil(maxPods / 16) when the node
//     runs maxPods pods ([DynamicFullPerNode]). See [DynamicFullPerNode]
//     for why the "fewer than 8 free" rule does not add a batch on a full
//     node.
//   - Azure CNI pod subnet, static block: 1 address in the node subnet and
//     ceil((maxPods + 1) / 16) blocks of 16 in the pod subnet, held for the
//     node's lifetime ([StaticBlocks]).
//
// IPv6 prefixes (Azure subnets are /64) hold more addresses than any
// cluster can use; a subnet with only IPv6 prefixes is Unlimited and all
// arithmetic saturates instead of overflowing. A dual-stack subnet is
// limited by its IPv4 prefixes, since every node and pod takes one address
// of each family.
package sizing
