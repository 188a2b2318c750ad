package rules

import (
	"net/netip"

	"github.com/aksnet/aksnet/cidr"
	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/finding"
)

// supportedPodSpace is the IPv4 space AKS supports for Overlay and kubenet
// pod CIDRs: RFC 1918 and RFC 6598.
var supportedPodSpace = []netip.Prefix{
	netip.MustParsePrefix("10.0.0.0/8"),
	netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("192.168.0.0/16"),
	netip.MustParsePrefix("100.64.0.0/10"),
}

var rulePodCIDRUnsupportedSpace = &Rule{
	ID:       "pod-cidr-unsupported-space",
	Title:    "Overlay or kubenet pod CIDR is outside RFC 1918 and RFC 6598",
	Severity: finding.Warning,
	Doc: "AKS supports Overlay and kubenet pod CIDRs taken from private space: RFC 1918 (10.0.0.0/8, " +
		"172.16.0.0/12, 192.168.0.0/16) and RFC 6598 shared address space (100.64.0.0/10). Public " +
		"ranges are not blocked, but they are outside support, and every node routes the pod CIDR to " +
		"its pods, so the real owners of that public range (a SaaS endpoint, a partner, a CDN) become " +
		"unreachable from every pod. RFC 6598 is a good home for pod CIDRs because enterprise networks " +
		"rarely use it. A range that only partly lies in private space is reported too.",
	Remediation: "Move the pod CIDR into 100.64.0.0/10 or unused RFC 1918 space.",
	Sources: []string{
		"https://learn.microsoft.com/azure/aks/concepts-network-azure-cni-overlay",
	},
	Check: checkPodCIDRUnsupportedSpace,
}

func checkPodCIDRUnsupportedSpace(p *Pass) {
	for ci := range p.Design.Spec.Clusters {
		c := &p.Design.Spec.Clusters[ci]
		if m := c.IPAM(); m != design.IPAMOverlay && m != design.IPAMKubenet {
			continue
		}
		for _, r := range clusterRanges(c, rangePod) {
			if !cidr.Is4(r.Prefix) || inSupportedPodSpace(r.Prefix) {
				continue
			}
			p.Report(Issue{Subject: r.Subject, Path: r.Path, Message: c.IPAM().String() + " " + r.Label +
				" is not inside RFC 1918 or RFC 6598 space: AKS does not support it, and pods cannot reach " +
				"the real hosts of those public addresses"})
		}
	}
}

// inSupportedPodSpace reports whether one supported block contains p.
func inSupportedPodSpace(p netip.Prefix) bool {
	for _, s := range supportedPodSpace {
		if cidr.Contains(s, p) {
			return true
		}
	}
	return false
}
