package lint

import (
	"fmt"

	"k8s.io/apimachinery/pkg/labels"

	"github.com/aksnet/aksnet/finding"
)

var policySelectsNoPod = &Rule{
	ID:       "policy-selects-no-pod",
	Title:    "NetworkPolicy whose podSelector selects no pod",
	Severity: finding.Warning,
	Doc: "A policy only acts on the pods its spec.podSelector selects in its own namespace. A selector " +
		"that matches no workload of the input usually means a typo in a label, a label that changed in " +
		"the workload but not in the policy, or a policy in the wrong namespace: the pods it was written " +
		"for stay open. Host-network pods never count, since NetworkPolicy does not apply to them. An " +
		"empty podSelector is left alone: it selects every pod of the namespace, including pods created " +
		"later, which is what namespace-wide default-deny policies are for.",
	Remediation: "Make spec.podSelector match the labels of the pods' template (kubectl get pods -n NAMESPACE --show-labels), or move the policy to the pods' namespace.",
	Sources:     []string{srcK8sNetpol},
	Check:       checkPolicySelectsNoPod,
}

func checkPolicySelectsNoPod(p *Pass) {
	r := p.Result
	for pi, pol := range r.Policies() {
		ps := &pol.Object.Spec.PodSelector
		if len(ps.MatchLabels) == 0 && len(ps.MatchExpressions) == 0 {
			continue
		}
		if len(r.SelectedWorkloads(pi)) > 0 {
			continue
		}
		sel := selector(ps)
		n := 0
		var hostNet []string
		for _, w := range r.Workloads() {
			if w.Peer.Namespace != pol.Namespace {
				continue
			}
			n++
			if w.HostNetwork && sel.Matches(labels.Set(w.Labels)) {
				hostNet = append(hostNet, w.Peer.String())
			}
		}
		msg := fmt.Sprintf("podSelector %s of %s selects no pod: namespace %s has %s in the input and none carries those labels",
			selectorText(ps), pol, pol.Namespace, plural(n, "workload", "workloads"))
		if n == 0 {
			msg = fmt.Sprintf("podSelector %s of %s selects no pod: the input has no workload in namespace %s",
				selectorText(ps), pol, pol.Namespace)
		}
		if len(hostNet) > 0 {
			msg = fmt.Sprintf("podSelector %s of %s matches only host-network pods (%s), which NetworkPolicy never selects",
				selectorText(ps), pol, nameList(hostNet, 5))
		}
		p.Reportf(policySubject(pol), pol.Source, "spec.podSelector", "%s", msg)
	}
}
