package rules

import (
	"net/netip"
	"strings"

	"github.com/aksnet/aksnet/finding"
)

// azureRefusedRanges are the ranges Azure refuses in any VNet.
var azureRefusedRanges = []specialRange{
	{netip.MustParsePrefix("224.0.0.0/4"), "IPv4 multicast"},
	{netip.MustParsePrefix("255.255.255.255/32"), "the limited broadcast address"},
	{netip.MustParsePrefix("127.0.0.0/8"), "loopback"},
	{netip.MustParsePrefix("169.254.0.0/16"), "link-local"},
	{netip.MustParsePrefix("168.63.129.16/32"), "Azure's virtual public IP, through which every VM " +
		"reaches platform DNS, DHCP and load balancer health probes"},
}

var ruleVNetAddressRefused = &Rule{
	ID:       "vnet-address-refused",
	Title:    "VNet or subnet uses a range Azure refuses for any VNet",
	Severity: finding.Error,
	Doc: "Azure refuses five ranges in any VNet address space, with or without AKS: 224.0.0.0/4 " +
		"(multicast), 255.255.255.255/32 (broadcast), 127.0.0.0/8 (loopback), 169.254.0.0/16 " +
		"(link-local) and 168.63.129.16/32 (the virtual public IP behind Azure DNS, DHCP and health " +
		"probes). The VNet or subnet deployment fails before any cluster is created. 169.254.0.0/16 is " +
		"also one of the ranges AKS reserves, so a VNet in it gets a reserved-range-overlap finding too: " +
		"the two rules describe different layers (Azure networking refuses the VNet; AKS refuses the " +
		"cluster) and are kept apart so that suppressing one does not hide the other. RFC 1918 space " +
		"and 100.64.0.0/10 (RFC 6598) are the recommended VNet ranges.",
	Remediation: "Take VNet address space from RFC 1918 (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16) or " +
		"100.64.0.0/10, never from multicast, loopback, link-local, broadcast or 168.63.129.16.",
	Sources: []string{
		"https://learn.microsoft.com/azure/virtual-network/virtual-networks-faq",
	},
	Check: checkVNetAddressRefused,
}

func checkVNetAddressRefused(p *Pass) {
	for _, r := range ranges(p).ranges {
		if r.Kind != rangeVNetSpace && r.Kind != rangeSubnet {
			continue
		}
		hit := touchesSpecial(r.Prefix, azureRefusedRanges)
		if len(hit) == 0 {
			continue
		}
		what := "VNet address space"
		if r.Kind == rangeSubnet {
			what = "subnet"
		}
		p.Report(Issue{
			Subject: r.Subject,
			Path:    r.Path,
			Message: r.Label + " " + strings.Join(describeSpecial(r.Prefix, hit), ", and ") +
				"; Azure refuses these addresses in any " + what + ", with or without AKS, so the deployment fails",
		})
	}
}
