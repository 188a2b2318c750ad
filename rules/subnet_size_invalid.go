package rules

import (
	"fmt"

	"github.com/aksnet/aksnet/cidr"
	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/finding"
)

// Azure subnet prefix limits.
const (
	subnetMaxBitsV4 = 29 // smallest IPv4 subnet: /29, 3 usable addresses
	subnetMinBitsV4 = 2  // largest IPv4 subnet per the current FAQ
	subnetBitsV6    = 64 // IPv6 subnets are exactly /64
)

var ruleSubnetSizeInvalid = &Rule{
	ID:       "subnet-size-invalid",
	Title:    "Subnet prefix length is outside what Azure accepts",
	Severity: finding.Error,
	Doc: "Azure accepts IPv4 subnets from /29 (8 addresses, 3 usable after the 5 Azure keeps in every " +
		"subnet) up to /2; the current virtual network FAQ gives /2 as the largest, older versions said " +
		"/8 and the AKS planning table still quotes /8 as the largest VNet. IPv6 subnets must be exactly " +
		"/64. A prefix outside these limits fails at deployment, and a /30 or /31 cannot even hold the " +
		"addresses Azure reserves.",
	Remediation: "Use an IPv4 prefix between /2 and /29 (in practice /8 to /29) and /64 for every IPv6 subnet prefix.",
	Sources: []string{
		"https://learn.microsoft.com/azure/virtual-network/virtual-networks-faq",
		"https://learn.microsoft.com/azure/aks/concepts-network-ip-address-planning",
	},
	Check: checkSubnetSizeInvalid,
}

func checkSubnetSizeInvalid(p *Pass) {
	for vi := range p.Design.Spec.VNets {
		v := &p.Design.Spec.VNets[vi]
		for si := range v.Subnets {
			s := &v.Subnets[si]
			for i, pfx := range s.AddressPrefixes {
				head := fmt.Sprintf("subnet %q prefix %s", v.Name+"/"+s.Name, pfx)
				var msg string
				switch {
				case !cidr.Is4(pfx) && pfx.Bits() != subnetBitsV6:
					msg = fmt.Sprintf("%s is a /%d; Azure IPv6 subnets must be exactly /%d", head, pfx.Bits(), subnetBitsV6)
				case cidr.Is4(pfx) && pfx.Bits() > subnetMaxBitsV4:
					msg = fmt.Sprintf("%s is smaller than /%d, the smallest IPv4 subnet Azure accepts "+
						"(it has %d addresses; Azure keeps %d in every subnet)", head, subnetMaxBitsV4, cidr.Addresses(pfx), cidr.AzureReserved)
				case cidr.Is4(pfx) && pfx.Bits() < subnetMinBitsV4:
					msg = fmt.Sprintf("%s is larger than /%d, the largest IPv4 subnet Azure accepts (older docs said /8)",
						head, subnetMinBitsV4)
				default:
					continue
				}
				p.Report(Issue{
					Subject: design.SubnetSubject(v, s),
					Path:    design.Index(design.Field(s.Path, "addressPrefixes"), i),
					Message: msg,
				})
			}
		}
	}
}
