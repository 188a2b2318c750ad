package lint

import (
	"fmt"

	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/finding"
)

var networkPolicyNotEnforcedUnsupportedEngine = &Rule{
	ID:       "network-policy-not-enforced-unsupported-engine",
	Title:    "NetworkPolicies on a cluster whose engine cannot run with its plugin, OS or IP family",
	Severity: finding.Error,
	Doc: "Each NetworkPolicy engine runs only in some clusters. Cilium needs the Cilium dataplane on Azure " +
		"CNI (Overlay, pod subnet or node subnet), not kubenet, and covers Linux nodes only; the Cilium " +
		"dataplane cannot run another engine. Azure NPM needs Azure CNI, not kubenet. Neither Azure NPM " +
		"nor Calico supports dual-stack clusters. With network plugin none AKS installs no engine at all, " +
		"whatever the network policy says. Calico's Windows support covers Windows Server 2019 and 2022, " +
		"Azure NPM's only Windows Server 2022. In these combinations the policies of the manifests are " +
		"not enforced, or not on every node; the rule reports each combination once, at the first policy.",
	Remediation:  "Enforce policies with Azure CNI powered by Cilium on Overlay or a pod subnet for Linux nodes; for Windows nodes use Calico on Azure CNI; keep dual-stack clusters on Cilium.",
	Sources:      []string{srcAKSPolicies, srcAKSCilium, srcAKSOverlay, srcAKSKubenet, srcAKSDualStack},
	NeedsCluster: true,
	Check:        checkUnsupportedEngine,
}

func checkUnsupportedEngine(p *Pass) {
	c := p.Cluster
	d := c.Design
	engine := c.engine()
	m := d.IPAM()
	cilium := d.Dataplane() == design.DataplaneCilium
	name := engineName(engine)
	pols, one := p.policies()
	report := func(format string, args ...any) {
		p.reportAtFirstPolicy(Issue{Message: fmt.Sprintf(format, args...) + "; " + pols + " " + verb(boolInt(one), "is", "are") + " not enforced as written"})
	}
	if engine == design.PolicyNone {
		return // network-policy-not-enforced-no-engine
	}
	switch {
	case m == design.IPAMBYO:
		report("%s asks AKS for %s with network plugin none, but AKS installs no policy engine with a bring-your-own CNI", c.label(), name)
		return
	case m == design.IPAMKubenet && (engine == design.PolicyCilium || cilium):
		report("%s uses kubenet, and Cilium needs Azure CNI", c.label())
		return
	case engine == design.PolicyCilium && !cilium:
		report("%s sets network policy cilium with the %s dataplane, and Cilium enforces policies only as the dataplane", c.label(), d.Dataplane())
		return
	case cilium && engine != design.PolicyCilium:
		report("%s runs the Cilium dataplane with %s, and the Cilium dataplane cannot run another engine", c.label(), name)
		return
	case engine == design.PolicyAzure && m == design.IPAMKubenet:
		report("%s uses Azure NPM on kubenet, which NPM does not support", c.label())
		return
	}
	if (engine == design.PolicyAzure || engine == design.PolicyCalico) && d.DualStack() {
		report("%s is dual-stack, and %s does not support dual-stack clusters", c.label(), name)
	}
	for _, pl := range c.windowsPools() {
		switch {
		case engine == design.PolicyCilium:
			report("Windows pool %s of %s gets no enforcement: Cilium runs on Linux nodes only", pl.Name, c.label())
		case engine == design.PolicyCalico && pl.OSSKU != "" && pl.OSSKU != design.SKUWindows2019 && pl.OSSKU != design.SKUWindows2022:
			report("Windows pool %s of %s runs %s, and Calico's Windows support covers Windows Server 2019 and 2022 only", pl.Name, c.label(), pl.OSSKU)
		case engine == design.PolicyAzure && pl.OSSKU != "" && pl.OSSKU != design.SKUWindows2022:
			report("Windows pool %s of %s runs %s, and Azure NPM's Windows support covers Windows Server 2022 only", pl.Name, c.label(), pl.OSSKU)
		}
	}
}
