package rules

import (
	"fmt"
	"strconv"

	"github.com/aksnet/aksnet/finding"
	"github.com/aksnet/aksnet/sizing"
)

var podCIDRTooSmall = &Rule{
	ID:       "pod-cidr-too-small",
	Title:    "Pod CIDR has fewer /24 blocks than the cluster has nodes",
	Severity: finding.Error,
	Doc: "With kubenet, Azure CNI Overlay and bring-your-own CNI, every node takes a fixed /24 of the " +
		"cluster's pod CIDR, whatever its maxPods, and surge nodes take one too. A pod CIDR with prefix " +
		"p holds 2^(24 − p) nodes: the default 10.244.0.0/16 holds 256, a /12 holds 4,096, and the " +
		"5,000-node cluster limit needs a /11. AKS checks this when the cluster is created, using the " +
		"autoscaler maxCount of every pool, and fails with InsufficientSubnetSize; a pod CIDR that is " +
		"big enough for max nodes but not for the surge leaves upgrades unable to add nodes. A kubenet " +
		"pod CIDR cannot be changed later, and Overlay can only grow it in place in preview, so the " +
		"size chosen at creation is the ceiling. A prefix longer than /24 cannot hold even one node.",
	Remediation: "Give the cluster a larger pod CIDR (the message names the prefix length that fits, counting surge nodes); Overlay pod CIDRs do not use VNet space and may be reused across clusters, so a /16 or larger from 100.64.0.0/10 costs nothing.",
	Sources: []string{
		capSrcIPPlanning, capSrcOverlay, capSrcOverlayHowTo, capSrcKubenet, capSrcChangelog,
	},
	Check: checkPodCIDRTooSmall,
}

func checkPodCIDRTooSmall(p *Pass) {
	rep := capacity(p)
	pl := p.Design.Spec.Planning
	for i := range rep.PodRanges {
		r := &rep.PodRanges[i]
		what := "pod CIDR " + r.Prefix.String()
		if r.Default {
			what += " (the AKS default, as none is set)"
		}
		fit := "a /" + strconv.Itoa(sizing.PodCIDRBitsFor(r.Nodes.BlueGreen)) + " fits"
		if r.Prefix.Bits() > sizing.PodCIDRNodeBits {
			p.Report(Issue{
				Subject: r.Subject,
				Path:    r.Path,
				Message: fmt.Sprintf("%s of cluster %s (%s) is longer than /24; each node takes a whole /24, so it cannot hold a single node, and the cluster needs %s %s; %s",
					what, r.Cluster, r.IPAM, capNum(r.Nodes.Upgrade), capStagePhrase(sizing.Upgrade, pl), fit),
			})
			continue
		}
		s, over := r.Nodes.FirstOver(r.NodeCapacity)
		if !over {
			continue
		}
		need := r.Nodes.At(s)
		is := Issue{Subject: r.Subject, Path: r.Path}
		switch {
		case s == sizing.Steady:
			is.Message = fmt.Sprintf("%s of cluster %s holds %s nodes (one /24 each) but the pools can reach %s: %s; AKS rejects the cluster with InsufficientSubnetSize; %s",
				what, r.Cluster, capNum(r.NodeCapacity), capNum(need), capBreakdown(r.Consumers, s, false), fit)
		case capRequired(s):
			is.Message = fmt.Sprintf("%s of cluster %s holds %s nodes (one /24 each) but the cluster needs %s %s: %s; %s",
				what, r.Cluster, capNum(r.NodeCapacity), capNum(need), capStagePhrase(s, pl), capBreakdown(r.Consumers, s, false), fit)
		default:
			is.Severity = finding.Warning
			is.Message = fmt.Sprintf("%s of cluster %s holds %s nodes (one /24 each): enough for max nodes, surge and blue/green overlap (%s) but not %s (%s): %s; a /%d fits",
				what, r.Cluster, capNum(r.NodeCapacity), capNum(r.Nodes.BlueGreen), capStagePhrase(s, pl), capNum(need),
				capBreakdown(r.Consumers, s, false), sizing.PodCIDRBitsFor(r.Nodes.Growth))
		}
		p.Report(is)
	}
}
