package rules

import (
	"fmt"

	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/finding"
	"github.com/aksnet/aksnet/sizing"
)

var nodeSubnetTooSmall = &Rule{
	ID:       "node-subnet-too-small",
	Title:    "Node subnet cannot hold its nodes, upgrade surge and other addresses",
	Severity: finding.Error,
	Doc: "Every node takes an address from its node subnet, and with legacy Azure CNI it also reserves " +
		"maxPods addresses for its pods when it starts (50 nodes, surge 1, maxPods 30 need (50+1) × 31 = " +
		"1,581 addresses, a /21). An upgrade adds surge nodes to every pool at once (by default 10% of " +
		"the pool, rounded up, from Kubernetes 1.32), and a blue/green pool replacement runs part of a " +
		"pool twice. Private endpoints, internal load balancer frontends and a private cluster's API " +
		"server endpoint (in the first pool's subnet) take addresses from the same subnet, and Azure " +
		"keeps 5 of every subnet. When the subnet runs out, scale-out stops and upgrades stall with " +
		"new nodes that cannot be created; a subnet with resources in it cannot simply be resized. " +
		"The rule counts every pool at its maximum node count plus surge and the planned blue/green " +
		"overlap, and warns when the planned emergency headroom or growth factor does not fit.",
	Remediation: "Give the subnet a larger prefix (the message names the smallest that fits), move pools, private endpoints or internal load balancers to other subnets, or lower maxCount or maxSurge; with legacy Azure CNI, lower maxPods or move to Azure CNI Overlay.",
	Sources: []string{
		capSrcIPPlanning, capSrcRolling, capSrcUpgradeOpts, capSrcVNetFAQ, capSrcLegacyCNI, capSrcKubenet,
		capSrcPrivate, capSrcInternalLB,
	},
	Check: checkNodeSubnetTooSmall,
}

func checkNodeSubnetTooSmall(p *Pass) {
	rep := capacity(p)
	pl := p.Design.Spec.Planning
	for i := range rep.Subnets {
		u := &rep.Subnets[i]
		if u.Unlimited || !u.HasKind(sizing.ConsumerNodes) {
			continue
		}
		s, over := u.Need.FirstOver(u.Usable)
		if !over {
			continue
		}
		need := u.Need.At(s)
		var msg string
		sev := finding.Error
		if capRequired(s) {
			msg = fmt.Sprintf("node subnet %s (%s) has %s usable addresses but needs %s %s: %s; short by %s%s, %s",
				u.Ref(), capPrefixes(u), capNum(u.Usable), capNum(need), capStagePhrase(s, pl),
				capBreakdown(u.Consumers, s, false), capNum(need-u.Usable), capMore(u.Need, s, pl), capFitSubnet(u.Need.BlueGreen, u.Need.Growth))
		} else {
			sev = finding.Warning
			msg = fmt.Sprintf("node subnet %s (%s) has %s usable addresses: enough for max nodes, surge and blue/green overlap (%s) but not %s (%s): %s; %s",
				u.Ref(), capPrefixes(u), capNum(u.Usable), capNum(u.Need.BlueGreen), capStagePhrase(s, pl), capNum(need),
				capBreakdown(u.Consumers, s, false), capFitSubnet(u.Need.Growth, u.Need.Growth))
		}
		p.Report(Issue{
			Subject:  u.Subject,
			Path:     design.Field(u.Path, "addressPrefixes"),
			Message:  msg,
			Severity: sev,
		})
	}
}
