// Package simulate steps through an AKS lifecycle operation on a design —
// a rolling upgrade, a scale-out, adding a node pool — the way AKS carries
// it out, and reports after every step whether each address range the
// operation touches still has room: the node subnet, the pod subnet and the
// cluster's pod CIDR. The first step that does not fit is reported with the
// error AKS would return.
//
// [Upgrade], [Scale] and [AddPool] take a validated design and return a
// [Result]: the steps, each with the use of every touched range before and
// after it, and the first [Failure], if any. The package does no I/O; the
// per-node costs and the other consumers of each range come from
// [sizing.Analyze], so the simulator, `aksnet check` and `aksnet capacity`
// count addresses the same way.
//
// # Starting point
//
// Step 0 is the steady state: every pool at its largest node count
// (autoscaler maxCount, else count) and every fixed consumer in place
// (private endpoints, internal load balancer frontends, ingress addresses,
// the private API server endpoint), as in the sizing package's Steady
// stage. For [Scale] the scaled pool starts at its count (minCount when it
// autoscales); for [AddPool] the new pool starts with no nodes. When step 0
// already does not fit, it is the failing step.
//
// # What one node takes (aks-facts §2.2–§2.6, §13)
//
//   - kubenet, Azure CNI Overlay and bring-your-own CNI: one node-subnet
//     address and one /24 of the cluster's pod CIDR.
//   - Azure CNI node subnet (legacy): maxPods + 1 node-subnet addresses,
//     taken when the node starts.
//   - Azure CNI pod subnet, dynamic: one node-subnet address and one batch
//     of 16 pod-subnet addresses when the node starts. That batch is what a
//     step must find; a step whose nodes fit only at one batch each, but not
//     once every node runs maxPods pods (16 × ceil(maxPods / 16) each), is
//     reported as a warning, as `aksnet check` does (pods on the last nodes
//     would stay in ContainerCreating, which AKS does not report as an
//     operation error).
//   - Azure CNI pod subnet, static block: one node-subnet address and
//     ceil((maxPods + 1) / 16) /28 blocks, held for the node's lifetime.
//
// Azure keeps 5 addresses of every subnet prefix (aks-facts §1). A subnet
// with only IPv6 prefixes never runs out and is left out of the steps.
//
// # Upgrade (aks-facts §5)
//
// A node-image or Kubernetes upgrade replaces every node of a pool in
// batches. With s surge nodes (maxSurge as a count, or a percentage of the
// pool rounded up; when unset 10% from Kubernetes 1.32 and 1 node before;
// [design.Cluster.SurgeNodes]) and u unavailable nodes (maxUnavailable, the
// same way, default 0) a batch replaces b = min(s + u, nodes left) nodes:
//
//  1. when u > 0, drain and delete min(u, b) old nodes first (their
//     addresses are freed);
//  2. add b new nodes — the surge step, where addresses can run out;
//  3. drain and delete the remaining old nodes of the batch.
//
// Batches repeat until every node is new; the last may be smaller. AKS
// returns deleted nodes' addresses to the subnet; the model frees them at
// once. maxUnavailable is ignored on System pools, where AKS does not
// accept it. A pool with maxSurge 0 and maxUnavailable 0 cannot upgrade
// (AKS rejects it) and is an input error.
//
// Assumption: the current rolling-upgrade concept page describes old nodes
// being reimaged in place and the surge nodes deleted at the end, while
// older guidance describes the drained old node being removed and the surge
// node taking its place. Both hold the pool at nodes + surge at the peak,
// so the first failing step is the same surge; only the number of later,
// harmless steps differs. This package follows the second description.
//
// Assumption: pools are upgraded one at a time, in design order, and
// clusters one after another. The docs do not say whether a cluster upgrade
// surges its pools one at a time or together; aks-facts §5 notes that surge
// quota is per pool and additive, which is what happens when they run
// together. [UpgradeOptions.Parallel] runs the pools of each cluster in
// lockstep instead (every pool surges its first batch, then drains it, and
// so on); that is the worst case, and the one the sizing package's Upgrade
// stage measures.
//
// AKS rejects an upgrade when a pool plus its surge would exceed 1,000
// instances (aks-facts §5, §2.11): the surge step fails with
// [PoolSizeLimit].
//
// # Scale
//
// Scaling to N is one request that adds (or removes) the difference. The
// step fails when the nodes do not all fit; the failure names the first
// node that does not ([Failure.Node]). N above 1,000 fails with
// [PoolSizeLimit]. The result also gives the largest node count of the pool
// that fits, and warns when the pool's autoscaler maxCount is above it and
// when the next upgrade at N nodes would not fit. AKS refuses a manual
// scale of a pool whose autoscaler is on; for such a pool the step stands
// for the autoscaler adding the nodes.
//
// # Add a pool
//
// The new pool's nodes are created in one step, then its first upgrade is
// simulated like any other pool's.
//
// # Errors reported
//
//   - [SubnetIsFull]: a node subnet or pod subnet has fewer free addresses
//     than the step's new nodes take. (For scale and add-pool, AKS's
//     pre-flight check may refuse the request before any node is created,
//     with InsufficientSubnetSize on the subnet; the numbers are the same.)
//   - [InsufficientSubnetSize]: the pod CIDR has no free /24 for a new node;
//     AKS reports it on NetworkProfile_PodCIDR (aks-facts §4).
//   - [PoolSizeLimit]: the pool would exceed 1,000 instances.
//
// Sources (from aks-facts): rolling upgrades and surge,
// https://learn.microsoft.com/azure/aks/upgrade-aks-node-pools-rolling ;
// the node-subnet formula, https://learn.microsoft.com/azure/aks/upgrade-options ;
// per-mode address use and the pod CIDR error,
// https://learn.microsoft.com/azure/aks/concepts-network-ip-address-planning ;
// dynamic batches and static blocks,
// https://learn.microsoft.com/azure/aks/concepts-network-azure-cni-pod-subnet
// and https://learn.microsoft.com/azure/aks/configure-azure-cni-static-block-allocation ;
// pool limits, https://learn.microsoft.com/azure/aks/quotas-skus-regions .
//
// Not modelled: the 5,000-node cluster limit, the 400-node kubenet limit,
// the 100-pool limit, VM quota, the k8s ≥ 1.35 fallback to a surge of 1
// when the full surge cannot be provisioned, undrainable-node behaviour
// (Cordon keeps a surge node per blocked node), blue/green pool
// replacement, and addresses that Azure has not yet released.
package simulate
