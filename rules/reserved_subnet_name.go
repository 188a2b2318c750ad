package rules

import (
	"fmt"
	"strings"

	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/finding"
)

var reservedSubnetName = &Rule{
	ID:       "reserved-subnet-name",
	Title:    "A subnet's name and purpose disagree about an Azure-reserved subnet",
	Severity: finding.Error,
	Doc: "Azure Firewall, its management NIC, Azure Bastion and VPN/ExpressRoute gateways deploy only " +
		"into subnets with fixed names: AzureFirewallSubnet, AzureFirewallManagementSubnet, " +
		"AzureBastionSubnet and GatewaySubnet. A firewall or gateway subnet under any other name " +
		"cannot be used for that service, and those four names are reserved for their service, so " +
		"using them for nodes, endpoints or anything else blocks the service later and collides with " +
		"Azure's own restrictions on those subnets. Node pools, pod subnets, private endpoints and load " +
		"balancer frontends do not belong in them either.",
	Remediation: "Name firewall, firewall management, Bastion and gateway subnets exactly AzureFirewallSubnet, AzureFirewallManagementSubnet, AzureBastionSubnet and GatewaySubnet, and use other names for everything else.",
	Sources: []string{
		"https://learn.microsoft.com/azure/postgresql/flexible-server/concepts-networking-private",
	},
	Check: checkReservedSubnetName,
}

// accessReservedNames ties purposes to the subnet names Azure requires.
var accessReservedNames = []struct {
	purpose design.SubnetPurpose
	name    string
	service string
}{
	{design.PurposeFirewall, "AzureFirewallSubnet", "Azure Firewall"},
	{design.PurposeFirewallManagement, "AzureFirewallManagementSubnet", "the Azure Firewall management NIC"},
	{design.PurposeBastion, "AzureBastionSubnet", "Azure Bastion"},
	{design.PurposeGateway, "GatewaySubnet", "VPN and ExpressRoute gateways"},
}

func checkReservedSubnetName(p *Pass) {
	d := p.Design
	uses := accessSubnetUses(d)
	for vi := range d.Spec.VNets {
		v := &d.Spec.VNets[vi]
		for si := range v.Subnets {
			s := &v.Subnets[si]
			subj := design.SubnetSubject(v, s)
			reserved := false
			for _, r := range accessReservedNames {
				byName := strings.EqualFold(s.Name, r.name)
				byPurpose := s.Purpose == r.purpose
				switch {
				case byPurpose && !byName:
					p.Report(Issue{
						Subject: subj,
						Path:    design.Field(s.Path, "name"),
						Message: fmt.Sprintf("subnet %s/%s has purpose %s, but %s deploys only into a subnet named %s",
							v.Name, s.Name, r.purpose, r.service, r.name),
						Remediation: fmt.Sprintf("Rename the subnet to %s.", r.name),
					})
				case byName && !byPurpose:
					p.Report(Issue{
						Subject: subj,
						Path:    design.Field(s.Path, "purpose"),
						Message: fmt.Sprintf("subnet %s/%s has purpose %s, but the name %s is reserved for %s",
							v.Name, s.Name, accessPurpose(s.Purpose), r.name, r.service),
						Remediation: fmt.Sprintf("Rename the subnet, or set its purpose to %s if it is meant for %s.", r.purpose, r.service),
					})
				case byName && byPurpose:
					reserved = true
				}
			}
			if !reserved {
				continue
			}
			for _, u := range uses[s] {
				p.Report(Issue{
					Subject:     subj,
					Path:        u.path,
					Message:     fmt.Sprintf("%s is placed in %s/%s, a subnet reserved for %s", u.name, v.Name, s.Name, accessReservedService(s.Name)),
					Remediation: fmt.Sprintf("Move %s to a subnet of its own.", u.name),
				})
			}
		}
	}
}

// accessReservedService names the service a reserved subnet name belongs to.
func accessReservedService(name string) string {
	for _, r := range accessReservedNames {
		if strings.EqualFold(name, r.name) {
			return r.service
		}
	}
	return name
}
