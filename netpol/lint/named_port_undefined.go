package lint

import (
	"fmt"
	"slices"
	"strconv"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/aksnet/aksnet/finding"
	"github.com/aksnet/aksnet/netpol"
)

var namedPortUndefined = &Rule{
	ID:       "named-port-undefined",
	Title:    "Named port that no pod the rule applies to defines",
	Severity: finding.Warning,
	Doc: "A port given by name (port: http) is resolved against the container ports of the destination " +
		"pod: for an ingress rule the pods the policy selects, for an egress rule the pods its peers " +
		"match. The name must match a containerPort name with the same protocol. When none of those pods " +
		"defines it, the port allows nothing, silently; a renamed container port or a protocol mismatch " +
		"(a UDP port named in a rule that says TCP, the default) has the same effect. Addresses outside " +
		"the cluster define no port names, so a named port in an egress rule toward ipBlock peers only " +
		"never matches. CoreDNS is assumed to name its ports dns (UDP 53), dns-tcp (TCP 53) and metrics " +
		"(TCP 9153) when the input holds no CoreDNS pods.",
	Remediation: "Use the port name the target containers define (with its protocol), or give the port by number.",
	Sources:     []string{srcK8sNetpol},
	Check:       checkNamedPortUndefined,
}

// containerProto returns the protocol of a container port (TCP when empty).
func containerProto(p corev1.Protocol) corev1.Protocol {
	if p == "" {
		return corev1.ProtocolTCP
	}
	return p
}

func checkNamedPortUndefined(p *Pass) {
	r := p.Result
	for pi, pol := range r.Policies() {
		for _, d := range directions {
			for ri := range ruleCount(pol.Object, d) {
				var targets []netpol.Endpoint
				external := false
				resolved := false
				for k, pt := range rulePorts(pol.Object, d, ri) {
					if pt.Port == nil || pt.Port.Type != intstr.String {
						continue
					}
					if !resolved {
						targets, external = p.in.namedPortTargets(pi, d, ri)
						resolved = true
					}
					proto := corev1.ProtocolTCP
					if pt.Protocol != nil {
						proto = *pt.Protocol
					}
					name := pt.Port.StrVal
					path := fmt.Sprintf("%s.ports[%d].port", rulePath(d, ri), k)
					if len(targets) == 0 {
						if external {
							p.Reportf(policySubject(pol), pol.Source, path, "%s of %s names port %q (%s), but its peers are ipBlocks only: addresses outside the cluster define no port names, so the port allows nothing",
								rulePath(d, ri), pol, name, proto)
						}
						continue
					}
					if msg, ok := namedPortMissing(targets, name, proto); ok {
						p.Reportf(policySubject(pol), pol.Source, path, "%s of %s names port %q (%s), %s; the port allows nothing",
							rulePath(d, ri), pol, name, proto, msg)
					}
				}
			}
		}
	}
}

// namedPortTargets returns the pods whose container ports resolve a named
// port of rule ri of policy pi in direction d, and whether the rule also
// reaches addresses outside the cluster.
func (in *input) namedPortTargets(pi int, d netpol.Direction, ri int) ([]netpol.Endpoint, bool) {
	r := in.r
	pol := r.Policies()[pi]
	var out []netpol.Endpoint
	if d == netpol.Ingress {
		for _, w := range r.SelectedWorkloads(pi) {
			out = append(out, r.WorkloadEndpoint(w))
		}
		return out, false
	}
	peers := rulePeers(pol.Object, d, ri)
	if len(peers) == 0 {
		for w := range r.Workloads() {
			out = append(out, r.WorkloadEndpoint(w))
		}
		if in.dnsAssumed {
			out = append(out, in.dns...)
		}
		return out, true
	}
	external := false
	seen := map[int]bool{}
	dns := false
	for pj, pe := range peers {
		if pe.IPBlock != nil {
			external = true
			continue
		}
		ws, d2 := in.peerMatches(pi, d, ri, pj)
		dns = dns || d2
		for _, w := range ws {
			if !seen[w] {
				seen[w] = true
				out = append(out, r.WorkloadEndpoint(w))
			}
		}
	}
	if dns {
		out = append(out, in.dns...)
	}
	return out, external
}

// namedPortMissing says why no target defines name for proto; ok is false
// when some target does.
func namedPortMissing(targets []netpol.Endpoint, name string, proto corev1.Protocol) (string, bool) {
	var otherProto []string
	var defined []string
	for _, t := range targets {
		if t.Pod == nil {
			continue
		}
		for _, cp := range t.Pod.Ports {
			if cp.Name == "" {
				continue
			}
			if cp.Name == name {
				if containerProto(cp.Protocol) == proto {
					return "", false
				}
				otherProto = append(otherProto, fmt.Sprintf("%s (%s)", t.Name, containerProto(cp.Protocol)))
				continue
			}
			defined = append(defined, cp.Name+" "+strconv.Itoa(int(cp.ContainerPort))+"/"+string(containerProto(cp.Protocol)))
		}
	}
	if len(otherProto) > 0 {
		return "which is defined only with another protocol: " + nameList(otherProto, 3), true
	}
	names := make([]string, len(targets))
	for i, t := range targets {
		names[i] = t.Name
	}
	msg := "which no container of " + nameList(names, 3) + " defines"
	if len(defined) > 0 {
		slices.Sort(defined)
		msg += " (they define " + nameList(slices.Compact(defined), 6) + ")"
	}
	return msg, true
}
