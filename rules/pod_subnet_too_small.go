package rules

import (
	"fmt"

	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/finding"
	"github.com/aksnet/aksnet/sizing"
)

var podSubnetTooSmall = &Rule{
	ID:       "pod-subnet-too-small",
	Title:    "Pod subnet cannot hold the pod addresses of the pools that share it",
	Severity: finding.Error,
	Doc: "With Azure CNI and a pod subnet, pods take their addresses from a separate subnet that may " +
		"be shared by several pools and clusters. With dynamic allocation each node receives a batch " +
		"of 16 addresses when it starts and another 16 whenever fewer than 8 are free, so a /24 " +
		"(251 usable) serves at most 15 nodes even when they run few pods, and a node full of pods " +
		"holds 16 × ceil(maxPods / 16). With static block allocation each node holds " +
		"ceil((maxPods + 1) / 16) /28 blocks for its whole life (maxPods 30 or 31: 2 blocks, 32: 3). " +
		"Surge nodes and blue/green replacement nodes need their batches or blocks too. When the " +
		"subnet runs out, new nodes cannot get pod addresses and pods stay in ContainerCreating. " +
		"The rule reports an error when the nodes cannot get their first batch or their blocks, and " +
		"a warning when dynamic nodes filled to maxPods, or the planned headroom and growth, do not fit.",
	Remediation: "Give the pod subnet a larger prefix (the message names the smallest that fits), spread the pools over several pod subnets, lower maxCount or maxSurge, or lower maxPods (with static blocks, pick 16N − 1 such as 31 or 47 to waste nothing).",
	Sources: []string{
		capSrcPodSubnet, capSrcDynamic, capSrcStatic, capSrcDynamicIssue, capSrcIPPlanning, capSrcRolling,
	},
	Check: checkPodSubnetTooSmall,
}

func checkPodSubnetTooSmall(p *Pass) {
	rep := capacity(p)
	pl := p.Design.Spec.Planning
	for i := range rep.Subnets {
		u := &rep.Subnets[i]
		if u.Unlimited || !u.HasKind(sizing.ConsumerPods) {
			continue
		}
		is := Issue{Subject: u.Subject, Path: design.Field(u.Path, "addressPrefixes")}
		if s, over := u.MinNeed.FirstOver(u.Usable); over && capRequired(s) {
			need := u.MinNeed.At(s)
			is.Message = fmt.Sprintf("pod subnet %s (%s) has %s usable addresses but the nodes need %s %s %s: %s; short by %s, %s",
				u.Ref(), capPrefixes(u), capNum(u.Usable), capNum(need), capStagePhrase(s, pl), capPodSubnetWhy(u),
				capBreakdown(u.Consumers, s, true), capNum(need-u.Usable), capFitSubnet(u.Need.BlueGreen, u.Need.Growth))
			p.Report(is)
			continue
		}
		s, over := u.Need.FirstOver(u.Usable)
		if !over {
			continue
		}
		need := u.Need.At(s)
		is.Severity = finding.Warning
		if capRequired(s) {
			is.Message = fmt.Sprintf("pod subnet %s (%s) has %s usable addresses: every node gets its first batch of 16, but nodes filled to maxPods need %s %s: %s; pods on the last nodes will not get addresses; %s",
				u.Ref(), capPrefixes(u), capNum(u.Usable), capNum(need), capStagePhrase(s, pl),
				capBreakdown(u.Consumers, s, false), capFitSubnet(u.Need.BlueGreen, u.Need.Growth))
		} else {
			is.Message = fmt.Sprintf("pod subnet %s (%s) has %s usable addresses: enough for max nodes, surge and blue/green overlap (%s) but not %s (%s): %s; %s",
				u.Ref(), capPrefixes(u), capNum(u.Usable), capNum(u.Need.BlueGreen), capStagePhrase(s, pl), capNum(need),
				capBreakdown(u.Consumers, s, false), capFitSubnet(u.Need.Growth, u.Need.Growth))
		}
		p.Report(is)
	}
}

// capPodSubnetWhy explains why a pod subnet's floor is what it is, by the
// allocation modes of the pools in it.
func capPodSubnetWhy(u *sizing.SubnetUse) string {
	var dynamic, static bool
	for i := range u.Consumers {
		switch u.Consumers[i].IPAM {
		case design.IPAMPodSubnetDynamic:
			dynamic = true
		case design.IPAMPodSubnetStatic:
			static = true
		}
	}
	switch {
	case dynamic && static:
		return "before any pod runs (a batch of 16 per dynamic node as it starts, and the static blocks each static node holds for its lifetime)"
	case static:
		return "for the /28 blocks each node holds for its lifetime"
	}
	return "before any pod runs (a batch of 16 per node as it starts)"
}
