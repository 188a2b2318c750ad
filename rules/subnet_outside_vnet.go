package rules

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/aksnet/aksnet/cidr"
	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/finding"
)

var ruleSubnetOutsideVNet = &Rule{
	ID:       "subnet-outside-vnet",
	Title:    "Subnet prefix is not inside its VNet's address space",
	Severity: finding.Error,
	Doc: "Every subnet prefix must lie wholly inside one of its VNet's address spaces; Azure refuses a " +
		"subnet that is outside them or wider than the space it starts in, so the deployment of the subnet (and of " +
		"every cluster and endpoint placed in it) fails. A typo in one octet or a VNet address space " +
		"that was shrunk after the subnets were planned is the usual cause. An IPv6 subnet prefix needs " +
		"an IPv6 address space on the VNet as well.",
	Remediation: "Change the subnet prefix so that it lies inside one of the VNet's address spaces, or add " +
		"an address space to the VNet that contains it.",
	Sources: []string{
		"https://learn.microsoft.com/azure/virtual-network/virtual-networks-faq",
	},
	Check: checkSubnetOutsideVNet,
}

func checkSubnetOutsideVNet(p *Pass) {
	for vi := range p.Design.Spec.VNets {
		v := &p.Design.Spec.VNets[vi]
		for si := range v.Subnets {
			s := &v.Subnets[si]
			for i, pfx := range s.AddressPrefixes {
				if subnetInsideVNet(v, pfx) {
					continue
				}
				p.Report(Issue{
					Subject: design.SubnetSubject(v, s),
					Path:    design.Index(design.Field(s.Path, "addressPrefixes"), i),
					Message: subnetOutsideMessage(v, s, pfx),
				})
			}
		}
	}
}

// subnetInsideVNet reports whether one address space of v contains pfx.
func subnetInsideVNet(v *design.VNet, pfx netip.Prefix) bool {
	for _, sp := range v.AddressSpace {
		if cidr.Contains(sp, pfx) {
			return true
		}
	}
	return false
}

// subnetOutsideMessage explains why pfx is not inside an address space of v.
func subnetOutsideMessage(v *design.VNet, s *design.Subnet, pfx netip.Prefix) string {
	var same, straddled []string // same family; overlapping
	for _, sp := range v.AddressSpace {
		if cidr.Family(sp) != cidr.Family(pfx) {
			continue
		}
		same = append(same, sp.String())
		if sp.Overlaps(pfx) {
			straddled = append(straddled, sp.String())
		}
	}
	head := fmt.Sprintf("subnet %q prefix %s", v.Name+"/"+s.Name, pfx)
	switch {
	case len(straddled) > 0:
		// Prefixes nest or are disjoint, so an overlapping prefix that is
		// not inside a space contains it: the subnet is too wide.
		return fmt.Sprintf("%s is wider than VNet %q address space %s: it contains it and reaches beyond it",
			head, v.Name, andList(straddled))
	case len(same) == 0:
		return fmt.Sprintf("%s is %s, but VNet %q has no %s address space", head, cidr.Family(pfx), v.Name, cidr.Family(pfx))
	}
	return fmt.Sprintf("%s is outside every address space of VNet %q (%s)", head, v.Name, strings.Join(same, ", "))
}
