package lint

import (
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"

	"github.com/aksnet/aksnet/finding"
)

var networkPolicyNotEnforcedSCTPWindows = &Rule{
	ID:       "network-policy-not-enforced-sctp-windows",
	Title:    "SCTP port in a policy that Azure NPM enforces on Windows nodes",
	Severity: finding.Error,
	Doc: "Azure Network Policy Manager on Windows nodes does not support the SCTP protocol in " +
		"NetworkPolicy ports, so SCTP rules are not enforced as written for the pods on those nodes. The " +
		"rule reports policies with SCTP ports on clusters that enforce policies with Azure NPM and have " +
		"Windows node pools, when the policy selects pods that are not pinned to Linux nodes.",
	Remediation:  "Pin SCTP workloads and the policies that select them to Linux nodes (nodeSelector kubernetes.io/os: linux), or move Windows workloads to an engine that supports SCTP.",
	Sources:      []string{srcAKSPolicies},
	NeedsCluster: true,
	Check: func(p *Pass) {
		npmWindowsGap(p, "the SCTP protocol", func(np *networkingv1.NetworkPolicy) (string, []string) {
			var first string
			var what []string
			eachPort(np, func(path string, pt networkingv1.NetworkPolicyPort) {
				if pt.Protocol != nil && *pt.Protocol == corev1.ProtocolSCTP {
					if first == "" {
						first = path + ".protocol"
					}
					what = append(what, path)
				}
			})
			return first, what
		})
	},
}
