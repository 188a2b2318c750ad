package rules

import (
	"slices"
	"strconv"

	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/finding"
)

var rulePodCIDRReused = &Rule{
	ID:       "pod-cidr-reused",
	Title:    "Several clusters use the same or overlapping pod CIDRs",
	Severity: finding.Warning,
	Doc: "AKS lets several Overlay clusters use the same pod CIDR, even in one VNet, because pod traffic " +
		"leaves each node SNATed to the node's IP. It still costs: a pod address no longer says which " +
		"cluster it belongs to, so logs, flow logs, firewall rules and incident timelines become " +
		"ambiguous; clusters can never route to each other's pods (a later move to routable pods, a " +
		"service mesh spanning clusters, or BGP-advertised pod ranges with a bring-your-own CNI all " +
		"need distinct ranges); and kubenet clusters in one VNet depend on their route tables never " +
		"being shared. The most common case is invisible in the design: every cluster that omits " +
		"podCidrs gets the AKS default 10.244.0.0/16. Each cluster is reported once, naming the " +
		"earlier clusters whose pod CIDRs it overlaps.",
	Remediation: "Give each cluster its own pod CIDR from an estate-wide block (for example a /16 per " +
		"cluster from 100.64.0.0/10), and write it down even when it equals the default.",
	Sources: []string{
		"https://learn.microsoft.com/azure/aks/concepts-network-azure-cni-overlay",
		"https://learn.microsoft.com/azure/aks/azure-cni-overlay",
	},
	Check: checkPodCIDRReused,
}

func checkPodCIDRReused(p *Pass) {
	var rs []namedRange
	for ci := range p.Design.Spec.Clusters {
		rs = append(rs, clusterRanges(&p.Design.Spec.Clusters[ci], rangePod)...)
	}
	over := overlapIndex(rs)
	for j, r := range rs {
		var earlier []string
		var clusters []*design.Cluster
		same := true
		for _, i := range over[j] {
			o := rs[i]
			if i >= j || o.Cluster == r.Cluster || slices.Contains(clusters, o.Cluster) {
				continue
			}
			clusters = append(clusters, o.Cluster)
			item := strconv.Quote(o.Cluster.Name) + " (" + o.Prefix.String()
			if o.Defaulted {
				item += ", AKS default"
			}
			earlier = append(earlier, item+")")
			same = same && o.Prefix.Masked() == r.Prefix.Masked()
		}
		if len(earlier) == 0 {
			continue
		}
		verb := "overlaps"
		if same {
			verb = "equals"
		}
		whose := "the pod CIDR of cluster "
		if len(earlier) > 1 {
			whose = "the pod CIDRs of clusters "
		}
		msg := r.Label + " " + verb + " " + whose + andList(earlier) +
			": pod addresses no longer identify their cluster in logs and firewalls, and the clusters " +
			"can never route to each other's pods"
		if r.Defaulted {
			msg += "; write podCidrs explicitly to pick a distinct range"
		}
		p.Report(Issue{Subject: r.Subject, Path: r.Path, Message: msg})
	}
}
