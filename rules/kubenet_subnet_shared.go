package rules

import (
	"fmt"

	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/finding"
)

var kubenetSubnetShared = &Rule{
	ID:       "kubenet-subnet-shared",
	Title:    "A kubenet cluster shares its subnet or route table with another cluster",
	Severity: finding.Error,
	Doc: "Kubenet routes pod traffic with one route per node, written by AKS into the route table of " +
		"the cluster's subnet. That table belongs to one cluster. Two kubenet clusters that share it " +
		"overwrite and delete each other's routes, and pod traffic fails intermittently. AKS therefore " +
		"supports only one kubenet cluster per subnet and no route table shared between kubenet " +
		"clusters. A kubenet subnet also cannot be shared with another cluster of any kind.",
	Remediation: "Give every kubenet cluster its own node subnet with its own route table, or migrate the " +
		"clusters to Azure CNI Overlay, which can share subnets.",
	Sources: []string{
		"https://learn.microsoft.com/azure/aks/configure-kubenet",
	},
	Check: egCheckKubenetSubnetShared,
}

func egCheckKubenetSubnetShared(p *Pass) {
	d := p.Design
	type use struct {
		c   *design.Cluster
		u   egSubnetUse
		rt  *design.RouteTable
		kub bool
	}
	var uses []use
	for i := range d.Spec.Clusters {
		c := &d.Spec.Clusters[i]
		for _, u := range egNodeSubnets(d, c) {
			uses = append(uses, use{c: c, u: u, rt: d.RouteTableByName(u.Subnet.RouteTable), kub: c.IPAM() == design.IPAMKubenet})
		}
	}
	for j, b := range uses {
		// The first earlier use by another cluster of the same subnet, and
		// of the same route table through another subnet.
		for _, a := range uses[:j] {
			if a.c == b.c || (!a.kub && !b.kub) {
				continue
			}
			if a.u.Subnet == b.u.Subnet {
				kubenetOne := a
				if !a.kub {
					kubenetOne = b
				}
				p.Report(Issue{
					Subject: design.SubnetSubject(b.u.VNet, b.u.Subnet),
					Path:    design.Field(b.u.Pools[0].Path, "subnet"),
					Message: fmt.Sprintf("subnet %s/%s holds pools of cluster %s (%s) and cluster %s (%s); kubenet "+
						"cluster %s needs the subnet and its route table to itself", b.u.VNet.Name, b.u.Subnet.Name,
						a.c.Name, egPoolNames(a.u.Pools), b.c.Name, egPoolNames(b.u.Pools), kubenetOne.c.Name),
				})
				break
			}
			if a.kub && b.kub && a.rt != nil && a.rt == b.rt {
				p.Report(Issue{
					Subject: a.rt.Subject(),
					Path:    design.Field(b.u.Subnet.Path, "routeTable"),
					Message: fmt.Sprintf("route table %s serves subnet %s/%s of kubenet cluster %s and subnet %s/%s of "+
						"kubenet cluster %s; each cluster writes one route per node into it and the clusters "+
						"overwrite each other's routes", a.rt.Name, a.u.VNet.Name, a.u.Subnet.Name, a.c.Name,
						b.u.VNet.Name, b.u.Subnet.Name, b.c.Name),
				})
				break
			}
		}
	}
}
