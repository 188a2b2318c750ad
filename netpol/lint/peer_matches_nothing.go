package lint

import (
	"fmt"
	"strings"

	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/aksnet/aksnet/finding"
	"github.com/aksnet/aksnet/netpol"
)

var peerMatchesNothing = &Rule{
	ID:       "peer-matches-nothing",
	Title:    "Peer whose selectors match no pod",
	Severity: finding.Warning,
	Doc: "A from or to peer with a podSelector (in the policy's namespace, or in the namespaces its " +
		"namespaceSelector picks) admits the pods it matches and nothing else. When it matches no " +
		"workload of the input, the rule admits nothing through that peer: often a label typo, a " +
		"podSelector that should have been combined with a namespaceSelector (or the other way round), " +
		"or two peers written where one peer with both selectors was meant. Host-network pods never " +
		"match a selector. CoreDNS in kube-system is assumed to exist when the input holds no CoreDNS " +
		"pods. Peers whose namespaceSelector matches no namespace are reported by " +
		"namespace-selector-matches-nothing instead.",
	Remediation: "Make the peer's selectors match the labels of the pods it should admit, and check that podSelector and namespaceSelector sit in the same list item when both must hold.",
	Sources:     []string{srcK8sNetpol},
	Check:       checkPeerMatchesNothing,
}

// peerMatches returns the workloads a selector peer matches, and whether
// it matches the assumed CoreDNS pod.
func (in *input) peerMatches(pi int, d netpol.Direction, ri, pj int) ([]int, bool) {
	pol := in.r.Policies()[pi]
	m, _ := in.r.MatchPeer(pi, d, ri, pj)
	dns := false
	if in.dnsAssumed {
		pe := rulePeers(pol.Object, d, ri)[pj]
		dns = in.peerMatchesPod(pol.Namespace, pe, dnsNamespace, labels.Set{dnsLabelKey: dnsLabelVal})
	}
	return m.Workloads, dns
}

func checkPeerMatchesNothing(p *Pass) {
	for pi, pol := range p.Result.Policies() {
		for _, d := range directions {
			for ri := range ruleCount(pol.Object, d) {
				for pj, pe := range rulePeers(pol.Object, d, ri) {
					if !selectorPeer(pe) {
						continue
					}
					nss := p.in.matchingNamespaces(pol.Namespace, pe)
					if len(nss) == 0 {
						continue
					}
					if ws, dns := p.in.peerMatches(pi, d, ri, pj); len(ws) > 0 || dns {
						continue
					}
					p.Reportf(policySubject(pol), pol.Source, peerPath(d, ri, pj), "%s of %s (%s) matches no pod of namespace%s %s",
						peerPath(d, ri, pj), pol, peerText(pe), pluralS(len(nss)), nameList(nss, 5))
				}
			}
		}
	}
}

func pluralS(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// peerText shows a selector peer.
func peerText(pe networkingv1.NetworkPolicyPeer) string {
	var parts []string
	if pe.NamespaceSelector != nil {
		parts = append(parts, "namespaceSelector "+selectorText(pe.NamespaceSelector))
	}
	if pe.PodSelector != nil {
		parts = append(parts, "podSelector "+selectorText(pe.PodSelector))
	}
	if pe.IPBlock != nil {
		s := "ipBlock " + pe.IPBlock.CIDR
		if len(pe.IPBlock.Except) > 0 {
			s += fmt.Sprintf(" except %s", strings.Join(pe.IPBlock.Except, ", "))
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ", ")
}
