package lint

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/aksnet/aksnet/design"
)

// Shared by the network-policy-not-enforced-* rules.

// osLabel is the node label that names the node's operating system.
const osLabel = "kubernetes.io/os"

// reportAtFirstPolicy reports a cluster-wide issue at the policy written
// first, naming the policies concerned; nothing when there is no policy.
func (p *Pass) reportAtFirstPolicy(is Issue) {
	at := p.in.firstPolicy()
	if at < 0 {
		return
	}
	pol := p.Result.Policies()[at]
	is.Source = pol.Source
	if is.Subject == "" {
		is.Subject = p.Cluster.subject()
	}
	p.Report(is)
}

// policies describes the policies of the input ("the NetworkPolicy a"
// or "the 3 NetworkPolicies of the input (a, b and c)") and says whether
// that is one policy.
func (p *Pass) policies() (string, bool) {
	pols := p.Result.Policies()
	names := make([]string, len(pols))
	for i, pol := range pols {
		names[i] = pol.String()
	}
	if len(pols) == 1 {
		return "the NetworkPolicy " + names[0], true
	}
	return fmt.Sprintf("the %d NetworkPolicies of the input (%s)", len(pols), nameList(names, 4)), false
}

// thousands formats n with commas: 20,010.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// linuxOnly reports whether a pod spec can only run on Linux nodes: its
// nodeSelector or its required node affinity pins kubernetes.io/os to
// linux.
func linuxOnly(spec *corev1.PodSpec) bool {
	if spec == nil {
		return false
	}
	if os, ok := spec.NodeSelector[osLabel]; ok {
		return os == "linux"
	}
	if spec.Affinity == nil || spec.Affinity.NodeAffinity == nil || spec.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution == nil {
		return false
	}
	terms := spec.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms
	if len(terms) == 0 {
		return false
	}
	for _, t := range terms {
		pinned := false
		for _, e := range t.MatchExpressions {
			if e.Key != osLabel {
				continue
			}
			switch e.Operator {
			case corev1.NodeSelectorOpIn:
				pinned = len(e.Values) > 0 && !slices.ContainsFunc(e.Values, func(v string) bool { return v != "linux" })
			case corev1.NodeSelectorOpNotIn:
				pinned = slices.Contains(e.Values, "windows")
			}
		}
		if !pinned {
			return false
		}
	}
	return true
}

// mayRunOnWindows returns the workloads policy pi selects whose pods are
// not pinned to Linux nodes.
func (in *input) mayRunOnWindows(pi int) []string {
	var out []string
	for _, w := range in.r.SelectedWorkloads(pi) {
		if !linuxOnly(in.pods[w].spec) {
			out = append(out, in.r.Workloads()[w].Peer.String())
		}
	}
	return out
}

// npmWindowsGap reports, for a cluster that enforces policies with Azure
// NPM and has Windows pools, every policy that uses a feature NPM does not
// support on Windows and selects pods that may run there. uses returns the
// path of the first use and a description of every use.
func npmWindowsGap(p *Pass, feature string, uses func(np *networkingv1.NetworkPolicy) (path string, what []string)) {
	if p.Cluster.engine() != design.PolicyAzure {
		return
	}
	pools := p.Cluster.windowsPools()
	if len(pools) == 0 {
		return
	}
	poolNames := make([]string, len(pools))
	for i, pl := range pools {
		poolNames[i] = pl.Name
	}
	for pi, pol := range p.Result.Policies() {
		path, what := uses(pol.Object)
		if len(what) == 0 {
			continue
		}
		ws := p.in.mayRunOnWindows(pi)
		if len(ws) == 0 {
			continue
		}
		p.Report(Issue{
			Subject: p.Cluster.subject() + "/" + policySubject(pol),
			Source:  pol.Source,
			Path:    path,
			Message: fmt.Sprintf("%s uses %s (%s), which Azure NPM does not support on Windows nodes; %s enforces policies with NPM and has Windows pool%s %s, and the policy selects %s, not pinned to Linux nodes (%s: linux)",
				pol, feature, strings.Join(what, "; "), p.Cluster.label(), pluralS(len(pools)), nameList(poolNames, 4), nameList(ws, 4), osLabel),
		})
	}
}

// eachSelector calls f with every label selector of a policy and its path.
func eachSelector(np *networkingv1.NetworkPolicy, f func(path string, ls *metav1.LabelSelector)) {
	f("spec.podSelector", &np.Spec.PodSelector)
	for _, d := range directions {
		for ri := range ruleCount(np, d) {
			for pj, pe := range rulePeers(np, d, ri) {
				if pe.PodSelector != nil {
					f(peerPath(d, ri, pj)+".podSelector", pe.PodSelector)
				}
				if pe.NamespaceSelector != nil {
					f(peerPath(d, ri, pj)+".namespaceSelector", pe.NamespaceSelector)
				}
			}
		}
	}
}

// eachPort calls f with every port of a policy's rules and its path.
func eachPort(np *networkingv1.NetworkPolicy, f func(path string, pt networkingv1.NetworkPolicyPort)) {
	for _, d := range directions {
		for ri := range ruleCount(np, d) {
			for k, pt := range rulePorts(np, d, ri) {
				f(fmt.Sprintf("%s.ports[%d]", rulePath(d, ri), k), pt)
			}
		}
	}
}
