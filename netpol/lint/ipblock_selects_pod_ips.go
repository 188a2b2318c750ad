package lint

import (
	"net/netip"

	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/finding"
	"github.com/aksnet/aksnet/netpol"
)

var ipBlockSelectsPodIPs = &Rule{
	ID:       "ipblock-selects-pod-ips",
	Title:    "ipBlock that covers pod addresses",
	Severity: finding.Warning,
	Doc: "ipBlock is meant for addresses outside the cluster; the Kubernetes documentation leaves it to " +
		"each network plugin whether an ipBlock matches pod IPs. Cilium never matches pod or node " +
		"addresses with ipBlock (not even 0.0.0.0/0), while other engines do, so a rule that admits " +
		"pods through an ipBlock behaves differently per engine and breaks on the move to Cilium that " +
		"AKS recommends; pod IPs also change with every restart. This rule runs when the pod address " +
		"ranges are known (the cluster's pod CIDR, pod subnets or node subnets with node-subnet Azure " +
		"CNI). On clusters that enforce with Cilium, network-policy-not-enforced-ipblock-cilium reports " +
		"the same blocks instead.",
	Remediation: "Admit pods with podSelector and namespaceSelector, and keep ipBlock for addresses outside the cluster; when a broad block (such as 0.0.0.0/0) is meant for external traffic, carve the pod ranges out with except.",
	Sources:     []string{srcK8sNetpol, srcAKSCilium},
	Check:       checkIPBlockSelectsPodIPs,
}

func checkIPBlockSelectsPodIPs(p *Pass) {
	if len(p.Cluster.PodRanges) == 0 || p.Cluster.engine() == design.PolicyCilium {
		return
	}
	p.in.eachIPBlock(func(pi int, d netpol.Direction, ri, pj int, addrs []netpol.IPRange) {
		hit := overlapping(addrs, p.Cluster.PodRanges)
		if len(hit) == 0 {
			return
		}
		pol := p.Result.Policies()[pi]
		pe := rulePeers(pol.Object, d, ri)[pj]
		p.Reportf(policySubject(pol), pol.Source, peerPath(d, ri, pj)+".ipBlock",
			"%s of %s (%s) covers pod addresses of %s; whether ipBlock matches pod IPs depends on the engine (Cilium never does), so the rule does not reliably admit or exclude those pods",
			peerPath(d, ri, pj), pol, peerText(pe), prefixList(hit))
	})
}

// eachIPBlock calls f for every ipBlock peer of every policy, with the
// addresses it covers (cidr minus except).
func (in *input) eachIPBlock(f func(pi int, d netpol.Direction, ri, pj int, addrs []netpol.IPRange)) {
	for pi, pol := range in.r.Policies() {
		for _, d := range directions {
			for ri := range ruleCount(pol.Object, d) {
				for pj, pe := range rulePeers(pol.Object, d, ri) {
					if pe.IPBlock == nil {
						continue
					}
					m, ok := in.r.MatchPeer(pi, d, ri, pj)
					if ok {
						f(pi, d, ri, pj, m.Addresses)
					}
				}
			}
		}
	}
}

// overlapping returns the prefixes that share an address with addrs.
func overlapping(addrs []netpol.IPRange, prefixes []netip.Prefix) []netip.Prefix {
	var out []netip.Prefix
	for _, pfx := range prefixes {
		pr := netpol.PrefixRange(pfx)
		for _, a := range addrs {
			if a.Overlaps(pr) {
				out = append(out, pfx)
				break
			}
		}
	}
	return out
}

func prefixList(ps []netip.Prefix) string {
	names := make([]string, len(ps))
	for i, p := range ps {
		names[i] = p.String()
	}
	return nameList(names, 4)
}
