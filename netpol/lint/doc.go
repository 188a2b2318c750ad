// Package lint checks Kubernetes NetworkPolicies for mistakes that the API
// server accepts and that bite later: default-deny egress that cuts pods
// off from DNS, policies and peers that select nothing, named ports no pod
// defines, policies that change nothing, sensitive namespaces left open,
// and ipBlocks aimed at pod addresses. Given the cluster the manifests run
// on, it also reports what the cluster's NetworkPolicy engine will not
// enforce (the network-policy-not-enforced-* rules).
//
// Rules work on a [netpol.Result] and the objects it was computed from,
// and return findings in the model of package finding, so that the
// renderers of package report print them like `aksnet check` findings.
// Each rule lives in its own file with a stable kebab-case ID and is listed
// in registry.go. The package does no I/O.
//
// # The DNS path
//
// Pods with dnsPolicy ClusterFirst (the default) resolve names through the
// kube-dns Service, whose endpoints are the CoreDNS pods in kube-system
// labelled k8s-app: kube-dns, over UDP port 53 and, for answers that do
// not fit a UDP datagram, TCP port 53. When the input holds no such pods,
// lint assumes them as AKS runs them. When the cluster uses AKS LocalDNS
// ([Cluster].LocalDNS), pods send their queries to a DNS proxy on their
// node instead: ClusterFirst pods to 169.254.10.11 and dnsPolicy Default
// pods to 169.254.10.10, both on UDP and TCP 53.
//
// # Namespaces every cluster has
//
// default, kube-system, kube-public and kube-node-lease exist in every
// cluster, so selectors that name them match even when the input does not
// declare them.
package lint
