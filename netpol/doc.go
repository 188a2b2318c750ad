// Package netpol computes what Kubernetes NetworkPolicies
// (networking.k8s.io/v1) allow: which workloads and external addresses may
// open connections to which, on which protocols and ports, and why.
//
// [Analyze] takes Kubernetes objects ([Object]: k8s.io/api values with the
// file and line they came from) and returns a [Result]. The package does
// no I/O; package importer/manifests reads objects from files, and
// netpol/render prints results.
//
// # Semantics
//
// The whole v1 NetworkPolicy spec is modelled:
//
//   - A policy selects pods of its own namespace with spec.podSelector
//     (label selectors, including matchExpressions, evaluated by
//     apimachinery). A pod selected by some policy whose effective types
//     include Ingress is isolated for ingress, and likewise for egress;
//     a pod that is not isolated for a direction allows everything in it.
//   - Effective types are spec.policyTypes, or by default Ingress always
//     and Egress when the policy has egress rules.
//   - A connection is allowed when the source's egress side and the
//     destination's ingress side both allow it; each side allows the union
//     of the rules of every policy that isolates it.
//   - A rule without from/to matches every peer, including external
//     addresses; a rule without ports allows every connection. Peers are
//     podSelector (pods of the policy's namespace), namespaceSelector (all
//     pods of matching namespaces), both (matching pods of matching
//     namespaces), or ipBlock (cidr minus except).
//   - Ports are numbers, number ranges (endPort) or names; protocol
//     defaults to TCP. A named port is resolved against the container
//     ports of the destination pod (for ingress rules, the selected pod;
//     for egress rules, the peer), matching name and protocol; an external
//     destination defines no names.
//   - Namespaces carry the kubernetes.io/metadata.name label. Namespaces
//     that objects use but no Namespace object declares exist implicitly
//     with that label only.
//   - ipBlocks match external addresses only, never pod addresses (pod IPs
//     are not known from manifests, and the spec leaves the case to each
//     plugin).
//   - Host-network pods are outside NetworkPolicy: no selector selects or
//     matches them, they are never isolated, and rules admit them only
//     when the rule has no from/to.
//
// Pods that every policy treats alike (same namespace, labels, ports and
// host networking) are evaluated once, which keeps large clusters fast.
//
// # Output model
//
// [Result.Connections] lists connections between workloads ("ns/name[Kind]")
// and between workloads and external address ranges. The external address
// space (IPv4, plus IPv6 when a policy names an IPv6 block or
// [Options].IPv6 is set) is split into disjoint ranges at the edges of every
// ingress ipBlock (for sources) and egress ipBlock (for destinations), so
// every address of a listed range is treated alike. Connection sets
// ([ConnSet]) hold port ranges per protocol and print as netpol-analyzer
// does ("TCP 80,UDP 53", "All Connections").
//
// [Result.Explain] returns, for one pair of endpoints, the verdict and the
// policies and rules of each side that isolate and admit; [Diff] compares
// two results. The query methods ([Result.SelectedWorkloads],
// [Result.MatchPeer], [Result.IsolatingPolicies], [Result.RuleConns],
// [Result.Allowed] with hypothetical [Pod] endpoints) serve checks built on
// top of the analysis.
package netpol
