package lint

import (
	"fmt"

	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/aksnet/aksnet/finding"
)

var networkPolicyNotEnforcedNamedPortWindows = &Rule{
	ID:       "network-policy-not-enforced-named-port-windows",
	Title:    "Named port in a policy that Azure NPM enforces on Windows nodes",
	Severity: finding.Error,
	Doc: "Azure Network Policy Manager on Windows nodes does not support named ports in NetworkPolicy " +
		"rules, so a policy that admits traffic by port name is not enforced as written for the pods on " +
		"those nodes. The rule reports policies with named ports on clusters that enforce policies with " +
		"Azure NPM and have Windows node pools, when the policy selects pods that are not pinned to Linux " +
		"nodes (nodeSelector kubernetes.io/os: linux or the equivalent required node affinity). Azure NPM " +
		"on Windows is also being retired; see network-policy-not-enforced.",
	Remediation:  "Give the ports by number in policies that select Windows pods, or pin the selected pods to Linux nodes; better, move Windows workloads to an engine that supports them (Calico on Azure CNI).",
	Sources:      []string{srcAKSPolicies},
	NeedsCluster: true,
	Check: func(p *Pass) {
		npmWindowsGap(p, "named ports", func(np *networkingv1.NetworkPolicy) (string, []string) {
			var first string
			var what []string
			eachPort(np, func(path string, pt networkingv1.NetworkPolicyPort) {
				if pt.Port != nil && pt.Port.Type == intstr.String {
					if first == "" {
						first = path + ".port"
					}
					what = append(what, fmt.Sprintf("%q in %s", pt.Port.StrVal, path))
				}
			})
			return first, what
		})
	},
}
