package lint

import (
	"fmt"
	"strings"

	networkingv1 "k8s.io/api/networking/v1"

	"github.com/aksnet/aksnet/finding"
)

var networkPolicyNotEnforcedExceptWindows = &Rule{
	ID:       "network-policy-not-enforced-except-windows",
	Title:    "ipBlock except in a policy that Azure NPM enforces on Windows nodes",
	Severity: finding.Error,
	Doc: "Azure Network Policy Manager on Windows nodes does not support the except list of an ipBlock, " +
		"so a rule such as 0.0.0.0/0 except 10.0.0.0/8 is not enforced as written for the pods on those " +
		"nodes, and the addresses meant to be excluded may be admitted. The rule reports such policies on " +
		"clusters that enforce policies with Azure NPM and have Windows node pools, when the policy " +
		"selects pods that are not pinned to Linux nodes.",
	Remediation:  "Replace cidr-minus-except with the list of ranges to admit, each as its own ipBlock, in policies that select Windows pods, or pin the selected pods to Linux nodes.",
	Sources:      []string{srcAKSPolicies},
	NeedsCluster: true,
	Check: func(p *Pass) {
		npmWindowsGap(p, "ipBlock except", func(np *networkingv1.NetworkPolicy) (string, []string) {
			var first string
			var what []string
			for _, d := range directions {
				for ri := range ruleCount(np, d) {
					for pj, pe := range rulePeers(np, d, ri) {
						if pe.IPBlock == nil || len(pe.IPBlock.Except) == 0 {
							continue
						}
						at := peerPath(d, ri, pj) + ".ipBlock.except"
						if first == "" {
							first = at
						}
						what = append(what, fmt.Sprintf("%s except %s in %s", pe.IPBlock.CIDR, strings.Join(pe.IPBlock.Except, ", "), at))
					}
				}
			}
			return first, what
		})
	},
}
