package lint

import (
	"net/netip"
	"strings"

	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/finding"
	"github.com/aksnet/aksnet/netpol"
)

var networkPolicyNotEnforcedIPBlockCilium = &Rule{
	ID:       "network-policy-not-enforced-ipblock-cilium",
	Title:    "ipBlock that Cilium will not apply to the pod or node addresses it covers",
	Severity: finding.Warning,
	Doc: "Azure CNI powered by Cilium does not match ipBlock peers against pod or node addresses, not " +
		"even 0.0.0.0/0: traffic between pods, and between pods and nodes, is matched by identity " +
		"(podSelector and namespaceSelector) only. A rule that admits pods or nodes through an ipBlock " +
		"therefore admits nothing of them on Cilium, and the connections it was written for are dropped " +
		"once the pods are isolated. The rule reports ipBlocks that cover the cluster's pod ranges or " +
		"node subnets on clusters that enforce policies with Cilium.",
	Remediation:  "Admit pods with podSelector and namespaceSelector; keep ipBlock for addresses outside the cluster (traffic from nodes, such as kubelet probes, needs no rule).",
	Sources:      []string{srcAKSCilium, srcK8sNetpol},
	NeedsCluster: true,
	Check: func(p *Pass) {
		c := p.Cluster
		if c.engine() != design.PolicyCilium || len(c.PodRanges)+len(c.NodeRanges) == 0 {
			return
		}
		p.in.eachIPBlock(func(pi int, d netpol.Direction, ri, pj int, addrs []netpol.IPRange) {
			pods := overlapping(addrs, c.PodRanges)
			nodes := overlapping(addrs, without(c.NodeRanges, pods))
			if len(pods)+len(nodes) == 0 {
				return
			}
			var what []string
			if len(pods) > 0 {
				what = append(what, "pod addresses of "+prefixList(pods))
			}
			if len(nodes) > 0 {
				what = append(what, "node addresses of "+prefixList(nodes))
			}
			pol := p.Result.Policies()[pi]
			pe := rulePeers(pol.Object, d, ri)[pj]
			p.Report(Issue{
				Subject: c.subject() + "/" + policySubject(pol),
				Source:  pol.Source,
				Path:    peerPath(d, ri, pj) + ".ipBlock",
				Message: peerPath(d, ri, pj) + " of " + pol.String() + " (" + peerText(pe) + ") covers " + strings.Join(what, " and ") +
					", but " + c.label() + " enforces policies with Cilium, which never matches ipBlock against pods or nodes: the rule admits none of them",
			})
		})
	},
}

// without returns the prefixes of ps not in drop.
func without(ps, drop []netip.Prefix) []netip.Prefix {
	var out []netip.Prefix
	for _, p := range ps {
		keep := true
		for _, d := range drop {
			if p == d {
				keep = false
			}
		}
		if keep {
			out = append(out, p)
		}
	}
	return out
}
