package lint

import (
	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/finding"
)

var networkPolicyNotEnforcedNoEngine = &Rule{
	ID:       "network-policy-not-enforced-no-engine",
	Title:    "NetworkPolicies on a cluster that has no policy engine",
	Severity: finding.Error,
	Doc: "The Kubernetes API server stores NetworkPolicy objects whether or not anything enforces them. " +
		"An AKS cluster created without a policy engine (network policy none, the default) ignores every " +
		"policy: all pods can reach all pods, and kubectl shows the policies as if they worked. The rule " +
		"reports manifests that contain NetworkPolicies when the cluster's design has no engine. Clusters " +
		"with network plugin none are left out, since the CNI installed there decides.",
	Remediation:  "Enable a NetworkPolicy engine: Azure CNI powered by Cilium (network.dataplane: cilium, network.policy: cilium) on Overlay or a pod subnet.",
	Sources:      []string{srcAKSPolicies, srcAKSCilium},
	NeedsCluster: true,
	Check: func(p *Pass) {
		c := p.Cluster
		if c.engine() != design.PolicyNone || c.Design.IPAM() == design.IPAMBYO {
			return
		}
		how := "its network policy is none"
		if c.Design.Network.Policy == "" {
			how = "no network policy is set, so AKS installs none"
		}
		pols, one := p.policies()
		p.reportAtFirstPolicy(Issue{Message: c.label() + " has no NetworkPolicy engine (" + how + "): the API server accepts " +
			pols + " and nothing enforces " + verb(boolInt(one), "it", "them") + ", so every pod can still reach every other pod"})
	},
}
