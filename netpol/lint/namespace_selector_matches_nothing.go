package lint

import (
	"fmt"
	"slices"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/aksnet/aksnet/finding"
	"github.com/aksnet/aksnet/netpol"
)

var namespaceSelectorMatchesNothing = &Rule{
	ID:       "namespace-selector-matches-nothing",
	Title:    "Peer namespaceSelector that matches no namespace",
	Severity: finding.Warning,
	Doc: "A namespaceSelector matches namespaces by their labels, not their names. Namespaces carry the " +
		"label kubernetes.io/metadata.name with their name and whatever labels their manifests give them; " +
		"a selector such as name: payments matches nothing unless someone added that label. A peer whose " +
		"namespaceSelector matches no namespace of the input (default, kube-system, kube-public and " +
		"kube-node-lease always exist) admits nothing, so the traffic the rule was written for is denied " +
		"once the pods are isolated.",
	Remediation: "Select namespaces by kubernetes.io/metadata.name: NAME, or add the selected label to the namespace's manifest.",
	Sources:     []string{srcK8sNetpol},
	Check:       checkNamespaceSelectorMatchesNothing,
}

func checkNamespaceSelectorMatchesNothing(p *Pass) {
	for _, pol := range p.Result.Policies() {
		for _, d := range directions {
			for ri := range ruleCount(pol.Object, d) {
				for pj, pe := range rulePeers(pol.Object, d, ri) {
					if pe.NamespaceSelector == nil || pe.IPBlock != nil || len(p.in.matchingNamespaces(pol.Namespace, pe)) > 0 {
						continue
					}
					msg := fmt.Sprintf("namespaceSelector %s in %s of %s matches no namespace", selectorText(pe.NamespaceSelector), peerPath(d, ri, pj), pol)
					if hint := p.in.namespaceHint(pe.NamespaceSelector); hint != "" {
						msg += "; " + hint
					}
					p.Reportf(policySubject(pol), pol.Source, peerPath(d, ri, pj)+".namespaceSelector", "%s", msg)
				}
			}
		}
	}
}

// namespaceHint points out namespaces whose name appears among the
// selector's values but that lack the selected label.
func (in *input) namespaceHint(ls *metav1.LabelSelector) string {
	var values []string
	for _, v := range ls.MatchLabels {
		values = append(values, v)
	}
	for _, e := range ls.MatchExpressions {
		if e.Operator == metav1.LabelSelectorOpIn {
			values = append(values, e.Values...)
		}
	}
	slices.Sort(values)
	for _, v := range slices.Compact(values) {
		for _, ns := range in.namespaces {
			if ns.name == v {
				return fmt.Sprintf("namespace %s exists but does not carry the selected labels; select it with %s: %s", v, netpol.NameLabel, v)
			}
		}
	}
	return ""
}

// selectorPeer reports whether a peer selects pods (rather than addresses).
func selectorPeer(pe networkingv1.NetworkPolicyPeer) bool {
	return pe.IPBlock == nil && (pe.PodSelector != nil || pe.NamespaceSelector != nil)
}
