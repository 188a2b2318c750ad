// Package netpoldiff compares aksnet's NetworkPolicy connectivity with np-guard
// netpol-analyzer v1.4.4 over np-guard's own test scenarios.
//
// It lives in a module of its own so that aksnet's binary never links
// np-guard. The module builds np-guard with the Kubernetes libraries aksnet
// uses (k8s.io/api, apimachinery, client-go and cli-runtime v0.37.2, where
// np-guard asks for v0.32.1); TestNpGuardMatchesItsExpectedOutput checks that
// np-guard built this way still gives the outputs it ships.
//
// Both tools' results become a Connectivity, which lists connections
// canonically (Rows): one row per workload pair and protocol with ports
// merged into ranges, "All Connections" spelled out as every port of TCP, UDP
// and SCTP, and address ranges as the largest runs over which a workload's
// ports do not change, whatever way a tool split the address space. Diff
// lists the disagreements the same way.
//
// SelectScenarios picks the scenarios that use plain networking.k8s.io/v1
// NetworkPolicy; testdata/scenarios.golden records the choice.
// TestAgainstNpGuard compares the tools on each and holds the known
// differences, which docs/netpol-differences.md explains.
package netpoldiff
