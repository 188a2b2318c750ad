package lint

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/aksnet/aksnet/finding"
	"github.com/aksnet/aksnet/netpol"
)

var dnsEgressBlocked = &Rule{
	ID:       "dns-egress-blocked",
	Title:    "Pods isolated for egress cannot reach DNS on both UDP and TCP port 53",
	Severity: finding.Error,
	Doc: "Once a NetworkPolicy isolates a pod for egress, the pod may only open the connections some " +
		"egress rule allows, and name lookups are connections too. Pods with dnsPolicy ClusterFirst ask " +
		"the kube-dns Service, whose endpoints are the CoreDNS pods in kube-system labelled " +
		"k8s-app: kube-dns; with AKS LocalDNS they ask the proxy on their node at 169.254.10.11 (and " +
		"dnsPolicy Default pods at 169.254.10.10). Resolvers ask over UDP port 53 and repeat the question " +
		"over TCP port 53 when the answer does not fit a datagram, so both must be allowed: without UDP " +
		"every lookup fails, without TCP the large answers fail, intermittently and far from the policy " +
		"that causes it. Rules that allow port 53 to the wrong namespace or to pods without the CoreDNS " +
		"label allow nothing. The rule follows the real path, including ingress policies in kube-system " +
		"that isolate CoreDNS itself; when the input holds no CoreDNS pods it assumes the ones AKS runs.",
	Remediation: "Allow egress on UDP and TCP port 53 to namespaceSelector kubernetes.io/metadata.name: kube-system " +
		"with podSelector k8s-app: kube-dns in a policy that selects the isolated pods (with LocalDNS, to " +
		"ipBlock 169.254.10.11/32, and 169.254.10.10/32 for dnsPolicy Default pods).",
	Sources: []string{srcK8sNetpol, srcK8sDNS, srcAKSDNS, srcAKSLocalDNS},
	Check:   checkDNSEgressBlocked,
}

// The AKS LocalDNS listeners: kube-dns traffic (dnsPolicy ClusterFirst)
// and VNet DNS traffic (dnsPolicy Default).
var (
	localDNSKube = netip.AddrFrom4([4]byte{169, 254, 10, 11})
	localDNSVNet = netip.AddrFrom4([4]byte{169, 254, 10, 10})
)

// dnsQuery is UDP and TCP port 53.
func dnsQuery() netpol.ConnSet {
	one := netpol.PortRange{First: dnsPort, Last: dnsPort}
	return netpol.NewConnSet(netpol.UDP, one).Union(netpol.NewConnSet(netpol.TCP, one))
}

// dnsTargets returns where workload i sends its name lookups, and how to
// name that in messages; nothing when lint cannot tell (dnsPolicy None, or
// Default without LocalDNS, which uses the node's resolvers).
func (in *input) dnsTargets(i int) ([]netpol.Endpoint, string) {
	policy := corev1.DNSClusterFirst
	if s := in.pods[i].spec; s != nil && s.DNSPolicy != "" {
		policy = s.DNSPolicy
	}
	switch policy {
	case corev1.DNSClusterFirst, corev1.DNSClusterFirstWithHostNet:
		if in.cluster.LocalDNS {
			return []netpol.Endpoint{netpol.ExternalEndpoint(netpol.IPRange{First: localDNSKube, Last: localDNSKube})},
				"the LocalDNS proxy on its node (" + localDNSKube.String() + ")"
		}
		return in.dns, dnsDescription()
	case corev1.DNSDefault:
		if in.cluster.LocalDNS {
			return []netpol.Endpoint{netpol.ExternalEndpoint(netpol.IPRange{First: localDNSVNet, Last: localDNSVNet})},
				"the LocalDNS proxy on its node (" + localDNSVNet.String() + ", dnsPolicy Default)"
		}
	}
	return nil, ""
}

type dnsGroup struct {
	target    string
	missing   netpol.ConnSet
	egress    []int // policies isolating the sources' egress that block
	ingress   []int // policies isolating the DNS pods' ingress that block
	workloads []string
	hints     []string
}

func checkDNSEgressBlocked(p *Pass) {
	r := p.Result
	q := dnsQuery()
	groups := map[string]*dnsGroup{}
	var order []string
	for i, w := range r.Workloads() {
		if w.HostNetwork || p.in.dnsWork[i] {
			continue
		}
		targets, what := p.in.dnsTargets(i)
		if len(targets) == 0 {
			continue
		}
		src := r.WorkloadEndpoint(i)
		allowed := q
		var eg, ing []int
		var hints []string
		for _, t := range targets {
			ex := r.Explain(src, t, q)
			allowed = allowed.Intersect(ex.Allowed)
			if !ex.Egress.Allowed.ContainsAll(q) {
				for _, pe := range ex.Egress.Policies {
					eg = append(eg, pe.Policy)
					hints = append(hints, dnsHints(r, pe, t, what, q)...)
				}
			}
			if !ex.Ingress.Allowed.ContainsAll(q) {
				for _, pe := range ex.Ingress.Policies {
					ing = append(ing, pe.Policy)
				}
			}
		}
		missing := q.Subtract(allowed)
		if missing.IsEmpty() || len(eg)+len(ing) == 0 {
			continue
		}
		slices.Sort(eg)
		eg = slices.Compact(eg)
		slices.Sort(ing)
		ing = slices.Compact(ing)
		slices.Sort(hints)
		hints = slices.Compact(hints)
		key := fmt.Sprint(what, missing, eg, ing, hints)
		g, ok := groups[key]
		if !ok {
			g = &dnsGroup{target: what, missing: missing, egress: eg, ingress: ing, hints: hints}
			groups[key] = g
			order = append(order, key)
		}
		g.workloads = append(g.workloads, w.Peer.String())
	}
	for _, key := range order {
		reportDNSGroup(p, groups[key])
	}
}

// dnsHints names the egress rules of a policy that allow port 53 but whose
// peers do not include the DNS target.
func dnsHints(r *netpol.Result, pe netpol.PolicyEffect, t netpol.Endpoint, what string, q netpol.ConnSet) []string {
	pol := r.Policies()[pe.Policy]
	var out []string
	for ri := 0; ri < pe.Rules; ri++ {
		if slices.ContainsFunc(pe.Matched, func(m netpol.RuleEffect) bool { return m.Index == ri }) {
			continue
		}
		conns, _ := r.RuleConns(pe.Policy, netpol.Egress, ri, t)
		if !conns.Intersect(q).IsEmpty() {
			out = append(out, fmt.Sprintf("%s of %s allows port 53, but its peers do not include %s", rulePath(netpol.Egress, ri), pol, what))
		}
	}
	return out
}

func reportDNSGroup(p *Pass, g *dnsGroup) {
	r := p.Result
	pols := r.Policies()
	blame := slices.Concat(g.egress, g.ingress)
	at := blame[0]
	for _, pi := range blame[1:] {
		if sourceLess(pols[pi].Source, pols[at].Source) {
			at = pi
		}
	}
	udp := len(g.missing.Ports(netpol.UDP)) > 0
	tcp := len(g.missing.Ports(netpol.TCP)) > 0
	var what string
	sev := finding.Error
	switch {
	case udp && tcp:
		what = "neither UDP 53 nor TCP 53 is allowed, so every name lookup fails"
	case udp:
		what = "TCP 53 is allowed but UDP 53 is not, so lookups fail (resolvers ask over UDP first)"
	default:
		sev = finding.Warning
		what = "UDP 53 is allowed but TCP 53 is not, so lookups whose answers do not fit a UDP datagram fail " +
			"(resolvers repeat truncated answers over TCP)"
	}
	var by []string
	if len(g.egress) > 0 {
		by = append(by, "egress isolated by "+policyNames(pols, g.egress))
	}
	if len(g.ingress) > 0 {
		by = append(by, "the DNS pods' ingress isolated by "+policyNames(pols, g.ingress))
	}
	msg := fmt.Sprintf("%s cannot reach %s: with %s, %s", nameList(g.workloads, 5), g.target, strings.Join(by, " and "), what)
	if len(g.hints) > 0 {
		msg += "; " + strings.Join(g.hints, "; ")
	}
	p.Report(Issue{Subject: policySubject(pols[at]), Source: pols[at].Source, Message: msg, Severity: sev})
}

func policyNames(pols []netpol.Policy, idx []int) string {
	names := make([]string, len(idx))
	for i, pi := range idx {
		names[i] = pols[pi].String()
	}
	return nameList(names, 5)
}
