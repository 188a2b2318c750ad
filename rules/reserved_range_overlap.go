package rules

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/aksnet/aksnet/finding"
)

// aksReservedRanges are the ranges AKS refuses for a cluster's VNet, pod
// CIDRs and Service CIDRs.
var aksReservedRanges = []specialRange{
	{netip.MustParsePrefix("169.254.0.0/16"), "the IPv4 link-local range, where Azure serves platform " +
		"endpoints such as the instance metadata service at 169.254.169.254; AKS has rejected pod and " +
		"Service CIDRs in it up front since release 2025-01-30"},
	{netip.MustParsePrefix("172.30.0.0/16"), aksInternalReason},
	{netip.MustParsePrefix("172.31.0.0/16"), aksInternalReason},
	{netip.MustParsePrefix("192.0.2.0/24"), "TEST-NET-1, the documentation-only range of RFC 5737, which AKS reserves"},
}

// aksInternalReason explains 172.30.0.0/16 and 172.31.0.0/16; sharing one
// string lets describeSpecial name both in one phrase.
const aksInternalReason = "reserved by AKS for internal use, purpose undocumented; since release " +
	"2026-05-29 AKS rejects kubenet and Overlay pod CIDRs that touch it"

var ruleReservedRangeOverlap = &Rule{
	ID:       "reserved-range-overlap",
	Title:    "VNet, subnet, pod or Service range touches a range AKS reserves",
	Severity: finding.Error,
	Doc: "AKS keeps four IPv4 ranges for itself and refuses them in a cluster's VNet, its subnets, " +
		"its pod CIDRs and its Service CIDRs: 169.254.0.0/16 (link-local, home of the instance " +
		"metadata service), 172.30.0.0/16 and 172.31.0.0/16 (internal to AKS) and 192.0.2.0/24 " +
		"(TEST-NET-1). Any prefix that shares even one address with them is invalid, which catches " +
		"designs that take the whole of 172.16.0.0/12: it contains both 172.30.0.0/16 and " +
		"172.31.0.0/16. The checks have tightened over time (169.254.0.0/16 rejected early since " +
		"2025-01, pod CIDRs in 172.30/172.31 rejected on create and update since 2026-05, while " +
		"existing clusters were left alone), so a design that deployed once can fail on the next " +
		"update. VNets that host no cluster are reported as warnings: nothing fails today, but no " +
		"cluster can ever be placed in them.",
	Remediation: "Move the range out of 169.254.0.0/16, 172.30.0.0/16, 172.31.0.0/16 and 192.0.2.0/24; " +
		"when using 172.16.0.0/12, stop at 172.16.0.0/13 plus 172.24.0.0/14 and 172.28.0.0/15.",
	Sources: []string{
		"https://learn.microsoft.com/azure/aks/concepts-network-cni-overview",
		"https://github.com/Azure/AKS/blob/master/CHANGELOG.md",
	},
	Check: checkReservedRangeOverlap,
}

func checkReservedRangeOverlap(p *Pass) {
	hosts := clusterHostVNets(p.Design)
	for _, r := range ranges(p).ranges {
		if r.Kind == rangeExternal {
			continue
		}
		hit := touchesSpecial(r.Prefix, aksReservedRanges)
		if len(hit) == 0 {
			continue
		}
		is := Issue{Subject: r.Subject, Path: r.Path}
		parts := describeSpecial(r.Prefix, hit)
		is.Message = r.Label + " " + strings.Join(parts, ", and ")
		switch r.Kind {
		case rangeVNetSpace, rangeSubnet:
			if hosts[r.VNet.Name] {
				is.Message += "; AKS refuses a cluster in a VNet or subnet that uses reserved space"
			} else {
				is.Severity = finding.Warning
				is.Message += "; VNet " + fmt.Sprintf("%q", r.VNet.Name) +
					" hosts no AKS cluster today, so nothing fails yet, but AKS will refuse any cluster placed in it"
			}
		case rangePod:
			is.Message += "; AKS refuses it when the cluster is created or updated"
		case rangeService:
			is.Message += "; AKS refuses it when the cluster is created"
		}
		p.Report(is)
	}
}
