package lint

import (
	"fmt"

	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/finding"
)

// Azure NPM's scale limits on Linux; beyond them it runs out of memory.
const (
	npmMaxNodes = 250
	npmMaxPods  = 20000
)

var networkPolicyNotEnforcedNPMScale = &Rule{
	ID:       "network-policy-not-enforced-npm-scale",
	Title:    "Azure NPM beyond its node or pod limit",
	Severity: finding.Error,
	Doc: "Azure Network Policy Manager supports at most 250 nodes and 20,000 pods in a cluster; beyond " +
		"that it runs out of memory and policies stop being enforced reliably. The rule counts the Linux " +
		"nodes of the design's pools at full scale and the pods of the manifests at full scale (replicas, " +
		"parallelism, and one DaemonSet pod per Linux node) on clusters that enforce policies with Azure " +
		"NPM.",
	Remediation:  "Enforce policies with Azure CNI powered by Cilium, which has no such limit, or keep the cluster within 250 nodes and 20,000 pods.",
	Sources:      []string{srcAKSPolicies},
	NeedsCluster: true,
	Check: func(p *Pass) {
		c := p.Cluster
		if c.engine() != design.PolicyAzure {
			return
		}
		nodes := 0
		for i := range c.Design.NodePools {
			if pl := &c.Design.NodePools[i]; !pl.IsWindows() {
				nodes += pl.MaxNodes()
			}
		}
		pods := 0
		for _, info := range p.in.pods {
			if info.daemon {
				pods += nodes
			} else {
				pods += info.replicas
			}
		}
		pols, one := p.policies()
		are := verb(boolInt(one), "is", "are")
		if nodes > npmMaxNodes {
			p.reportAtFirstPolicy(Issue{Message: fmt.Sprintf("%s enforces policies with Azure NPM on %s Linux nodes at full scale; NPM supports at most %d nodes, so %s %s not enforced reliably",
				c.label(), thousands(nodes), npmMaxNodes, pols, are)})
		}
		if pods > npmMaxPods {
			p.reportAtFirstPolicy(Issue{Message: fmt.Sprintf("%s enforces policies with Azure NPM, and the workloads of the input run %s pods at full scale; NPM supports at most %s pods, so %s %s not enforced reliably",
				c.label(), thousands(pods), thousands(npmMaxPods), pols, are)})
		}
	},
}
