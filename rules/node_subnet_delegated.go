package rules

import (
	"fmt"
	"strings"

	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/finding"
)

var nodeSubnetDelegated = &Rule{
	ID:       "node-subnet-delegated",
	Title:    "A node subnet is delegated, or a pod subnet is delegated to another service",
	Severity: finding.Error,
	Doc: "A delegated subnet belongs to the service it is delegated to, and AKS cannot place node pool " +
		"VMs in it: node-pool subnets must carry no delegation, so pool creation fails. Pod subnets are " +
		"the opposite case: AKS adds its own delegation when a pool starts using a pod subnet, so a pod " +
		"subnet already delegated to another service (a database, App Service, a gateway) cannot be " +
		"taken over. The exact delegation AKS adds to pod subnets is not documented " +
		"(Microsoft.ContainerService/managedClusters is what users observe), so that case is a warning.",
	Remediation: "Remove the delegation from node subnets, and leave pod subnets undelegated (or delegated to Microsoft.ContainerService/managedClusters); give delegated services their own subnets.",
	Sources: []string{
		"https://learn.microsoft.com/azure/aks/concepts-network-cni-overview",
		"https://github.com/MicrosoftDocs/azure-docs/issues/103167",
	},
	Check: checkNodeSubnetDelegated,
}

func checkNodeSubnetDelegated(p *Pass) {
	d := p.Design
	uses := accessSubnetUses(d)
	for vi := range d.Spec.VNets {
		v := &d.Spec.VNets[vi]
		for si := range v.Subnets {
			s := &v.Subnets[si]
			if s.Delegation == "" {
				continue
			}
			var nodes, pods []string
			for _, u := range uses[s] {
				switch u.kind {
				case accessUseNodes:
					nodes = append(nodes, u.name)
				case accessUsePods:
					pods = append(pods, u.name)
				}
			}
			subj := design.SubnetSubject(v, s)
			path := design.Field(s.Path, "delegation")
			switch {
			case len(nodes) > 0 || (len(pods) == 0 && s.Purpose == design.PurposeNodes):
				who := "it has purpose nodes"
				if len(nodes) > 0 {
					who = "it is the node subnet of " + accessJoin(nodes)
				}
				p.Report(Issue{
					Subject:     subj,
					Path:        path,
					Message:     fmt.Sprintf("subnet %s/%s is delegated to %s, but %s; node-pool subnets cannot be delegated", v.Name, s.Name, s.Delegation, who),
					Remediation: "Remove the delegation, or move the node pools to an undelegated subnet.",
				})
			case len(pods) > 0 && !strings.EqualFold(s.Delegation, accessAPIServerDelegation):
				p.Report(Issue{
					Subject:  subj,
					Path:     path,
					Severity: finding.Warning,
					Message: fmt.Sprintf("subnet %s/%s is the pod subnet of %s but is delegated to %s; AKS delegates pod subnets to itself, so another service's delegation blocks it",
						v.Name, s.Name, accessJoin(pods), s.Delegation),
					Remediation: "Remove the delegation (AKS adds its own when the pool is created), or use another pod subnet.",
				})
			}
		}
	}
}
