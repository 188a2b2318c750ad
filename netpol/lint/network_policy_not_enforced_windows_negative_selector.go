package lint

import (
	"fmt"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/aksnet/aksnet/finding"
)

var networkPolicyNotEnforcedNegativeSelectorWindows = &Rule{
	ID:       "network-policy-not-enforced-negative-selector-windows",
	Title:    "Negative label selector in a policy that Azure NPM enforces on Windows nodes",
	Severity: finding.Error,
	Doc: "Azure Network Policy Manager on Windows nodes does not support negative label selectors: " +
		"matchExpressions with the NotIn or DoesNotExist operator, in the policy's podSelector or in a " +
		"peer's podSelector or namespaceSelector. Such policies are not enforced as written for the pods " +
		"on Windows nodes. The rule reports them on clusters that enforce policies with Azure NPM and have " +
		"Windows node pools, when the policy selects pods that are not pinned to Linux nodes.",
	Remediation:  "Rewrite the selectors with matchLabels, In or Exists (label the pods to include rather than the ones to exclude), or pin the selected pods to Linux nodes.",
	Sources:      []string{srcAKSPolicies},
	NeedsCluster: true,
	Check: func(p *Pass) {
		npmWindowsGap(p, "negative label selectors", func(np *networkingv1.NetworkPolicy) (string, []string) {
			var first string
			var what []string
			eachSelector(np, func(path string, ls *metav1.LabelSelector) {
				for k, e := range ls.MatchExpressions {
					if e.Operator != metav1.LabelSelectorOpNotIn && e.Operator != metav1.LabelSelectorOpDoesNotExist {
						continue
					}
					at := fmt.Sprintf("%s.matchExpressions[%d]", path, k)
					if first == "" {
						first = at
					}
					what = append(what, fmt.Sprintf("%s %s in %s", e.Key, e.Operator, at))
				}
			})
			return first, what
		})
	},
}
