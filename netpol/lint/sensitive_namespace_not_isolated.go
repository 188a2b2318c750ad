package lint

import (
	"fmt"
	"slices"
	"strings"

	"github.com/aksnet/aksnet/finding"
	"github.com/aksnet/aksnet/netpol"
)

var sensitiveNamespaceNotIsolated = &Rule{
	ID:       "sensitive-namespace-not-isolated",
	Title:    "Workloads in a sensitive namespace that no NetworkPolicy isolates for ingress",
	Severity: finding.Error,
	Doc: "A pod that no NetworkPolicy selects for ingress accepts connections from every pod of the " +
		"cluster and from anything that can route to it. Namespaces that hold payment, identity or " +
		"customer data are declared sensitive (the label or annotation aksnet.dev/sensitive: \"true\" on " +
		"the Namespace, the design's requirements.sensitiveNamespaces, or --sensitive-namespace) so that " +
		"every workload in them must be isolated: a default-deny ingress policy for the namespace plus " +
		"policies that admit the known clients. Host-network pods in such a namespace are reported too, " +
		"since NetworkPolicy cannot isolate them at all.",
	Remediation: "Add a policy with podSelector {} and policyTypes [Ingress] to the namespace (default deny), then policies that admit each known client; move host-network workloads out of sensitive namespaces.",
	Sources:     []string{srcK8sNetpol, srcAKSPolicies},
	Check:       checkSensitiveNamespaceNotIsolated,
}

func checkSensitiveNamespaceNotIsolated(p *Pass) {
	r := p.Result
	names := make([]string, 0, len(p.in.sensitive))
	for ns := range p.in.sensitive {
		names = append(names, ns)
	}
	slices.Sort(names)
	for _, ns := range names {
		var open, hostNet []string
		var first netpol.Source
		for i, w := range r.Workloads() {
			if w.Peer.Namespace != ns {
				continue
			}
			switch {
			case w.HostNetwork:
				hostNet = append(hostNet, w.Peer.String())
			case len(r.IsolatingPolicies(i, netpol.Ingress)) == 0:
				open = append(open, w.Peer.String())
			default:
				continue
			}
			if first.File == "" || sourceLess(w.Source, first) {
				first = w.Source
			}
		}
		if len(open)+len(hostNet) == 0 {
			continue
		}
		at := first
		if info, ok := r.Namespace(ns); ok && !info.Implicit {
			at = info.Source
		}
		var parts []string
		if len(open) > 0 {
			parts = append(parts, fmt.Sprintf("no NetworkPolicy isolates ingress of %s, so every pod in the cluster can connect to %s",
				nameList(open, 5), pronoun(len(open))))
		}
		if len(hostNet) > 0 {
			parts = append(parts, fmt.Sprintf("%s %s the host network, which NetworkPolicy cannot isolate",
				nameList(hostNet, 5), verb(len(hostNet), "uses", "use")))
		}
		p.Reportf("namespace/"+ns, at, "", "namespace %s is sensitive (%s), but %s", ns, p.in.sensitive[ns], strings.Join(parts, "; and "))
	}
}

func pronoun(n int) string {
	if n == 1 {
		return "it"
	}
	return "them"
}

func verb(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func boolInt(one bool) int {
	if one {
		return 1
	}
	return 2
}
