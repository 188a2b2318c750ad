package rules

import (
	"fmt"

	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/finding"
)

var subnetNameTooLong = &Rule{
	ID:       "subnet-name-too-long",
	Title:    "An Overlay cluster's subnet, VNet or resource group name exceeds 63 characters",
	Severity: finding.Error,
	Doc: "Azure CNI Overlay records the node subnet, its VNet and the VNet's resource group on every " +
		"node as Kubernetes labels, and a label value may hold at most 63 characters. Azure itself " +
		"accepts longer names (80 characters for subnets, 64 for VNets, 90 for resource groups), so " +
		"the design looks valid in Azure and fails only when the Overlay cluster or pool is created. " +
		"Renaming a subnet or VNet later means recreating it and everything in it.",
	Remediation: "Shorten the subnet, VNet and resource group names to 63 characters or fewer before creating the Overlay cluster.",
	Sources: []string{
		"https://learn.microsoft.com/azure/aks/concepts-network-azure-cni-overlay",
	},
	Check: checkSubnetNameTooLong,
}

// accessLabelMax is the longest Kubernetes label value.
const accessLabelMax = 63

func checkSubnetNameTooLong(p *Pass) {
	d := p.Design
	vnetUsers := map[*design.VNet][]string{}
	subnetUsers := map[*design.Subnet][]string{}
	addUser := func(list []string, name string) []string {
		if !accessContainsFold(list, name) {
			list = append(list, name)
		}
		return list
	}
	for ci := range d.Spec.Clusters {
		c := &d.Spec.Clusters[ci]
		if c.IPAM() != design.IPAMOverlay {
			continue
		}
		name := fmt.Sprintf("%q", c.Name)
		if v := d.VNetByName(c.VNet); v != nil {
			vnetUsers[v] = addUser(vnetUsers[v], name)
		}
		for pi := range c.NodePools {
			v, s := accessResolve(d, c.NodePools[pi].Subnet, c.VNet)
			if s == nil {
				continue
			}
			vnetUsers[v] = addUser(vnetUsers[v], name)
			subnetUsers[s] = addUser(subnetUsers[s], name)
		}
	}
	report := func(subject, path, what string, n int, clusters []string) {
		p.Report(Issue{
			Subject: subject,
			Path:    path,
			Message: fmt.Sprintf("%s is %d characters long; Overlay cluster %s writes it into node labels, which allow at most %d",
				what, n, accessJoin(clusters), accessLabelMax),
		})
	}
	for vi := range d.Spec.VNets {
		v := &d.Spec.VNets[vi]
		if users := vnetUsers[v]; len(users) > 0 {
			if len(v.Name) > accessLabelMax {
				report(v.Subject(), design.Field(v.Path, "name"), fmt.Sprintf("VNet name %q", v.Name), len(v.Name), users)
			}
			if len(v.ResourceGroup) > accessLabelMax {
				report(v.Subject(), design.Field(v.Path, "resourceGroup"), fmt.Sprintf("resource group name %q of VNet %q", v.ResourceGroup, v.Name), len(v.ResourceGroup), users)
			}
		}
		for si := range v.Subnets {
			s := &v.Subnets[si]
			if users := subnetUsers[s]; len(users) > 0 && len(s.Name) > accessLabelMax {
				report(design.SubnetSubject(v, s), design.Field(s.Path, "name"), fmt.Sprintf("subnet name %q (VNet %q)", s.Name, v.Name), len(s.Name), users)
			}
		}
	}
}
