package rules

import (
	"fmt"
	"strings"

	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/finding"
)

var apiserverSubnetSize = &Rule{
	ID:       "apiserver-subnet-size",
	Title:    "API Server VNet Integration subnet is too small, undelegated, shared or in the wrong VNet",
	Severity: finding.Error,
	Doc: "With API Server VNet Integration AKS injects the API server's internal load balancer into a " +
		"subnet of the cluster VNet. That subnet must be delegated to " +
		"Microsoft.ContainerService/managedClusters, be at least a /28 (AKS reserves at least 9 of its " +
		"addresses), and hold nothing but API servers: several clusters of the same VNet may share it, " +
		"but node pools, pod subnets, private endpoints or load balancer frontends may not. A subnet " +
		"outside the cluster VNet cannot be used at all. Each of these makes cluster creation (or the " +
		"switch to VNet Integration) fail.",
	Remediation: "Use a dedicated subnet of at least /28 in the cluster VNet, delegated to Microsoft.ContainerService/managedClusters, for the API servers only.",
	Sources: []string{
		"https://learn.microsoft.com/azure/aks/api-server-vnet-integration",
		"https://learn.microsoft.com/azure/aks/concepts-network",
	},
	Check: checkAPIServerSubnetSize,
}

// API Server VNet Integration figures.
const (
	accessAPIServerDelegation = "Microsoft.ContainerService/managedClusters"
	accessAPIServerMaxLen     = 28
	accessAPIServerReserved   = 9
)

func checkAPIServerSubnetSize(p *Pass) {
	d := p.Design
	uses := accessSubnetUses(d)

	for ci := range d.Spec.Clusters {
		c := &d.Spec.Clusters[ci]
		v, s := accessResolve(d, c.APIServer.VNetIntegrationSubnet, c.VNet)
		if s == nil || strings.EqualFold(v.Name, c.VNet) {
			continue
		}
		where := fmt.Sprintf("cluster VNet %q", c.VNet)
		if c.VNet == "" {
			where = "the AKS-managed VNet of the cluster (which then creates its own API server subnet)"
		}
		p.Report(Issue{
			Subject: c.Subject(),
			Path:    design.Field(design.Field(c.Path, "apiServer"), "vnetIntegrationSubnet"),
			Message: fmt.Sprintf("cluster %q puts its API server in subnet %s/%s, which is not in %s; the API server subnet must be in the cluster VNet",
				c.Name, v.Name, s.Name, where),
			Remediation: "Create the API server subnet in the cluster VNet.",
		})
	}

	for vi := range d.Spec.VNets {
		v := &d.Spec.VNets[vi]
		for si := range v.Subnets {
			s := &v.Subnets[si]
			var servers []string
			for _, u := range uses[s] {
				if u.kind == accessUseAPIServer {
					servers = append(servers, fmt.Sprintf("%q", u.cluster.Name))
				}
			}
			if len(servers) == 0 && s.Purpose != design.PurposeAPIServer {
				continue
			}
			subj := design.SubnetSubject(v, s)
			label := fmt.Sprintf("API server subnet %s/%s", v.Name, s.Name)
			if !strings.EqualFold(s.Delegation, accessAPIServerDelegation) {
				path, got := s.Path, "is not delegated"
				if s.Delegation != "" {
					path, got = design.Field(s.Path, "delegation"), "is delegated to "+s.Delegation
				}
				p.Report(Issue{
					Subject:     subj,
					Path:        path,
					Message:     fmt.Sprintf("%s %s; API Server VNet Integration requires a delegation to %s", label, got, accessAPIServerDelegation),
					Remediation: "Delegate the subnet to " + accessAPIServerDelegation + ".",
				})
			}
			if pfx, ok := accessFirstV4(s); ok {
				path := design.Index(design.Field(s.Path, "addressPrefixes"), accessFirstV4Index(s))
				switch usable := accessUsable(s); {
				case pfx.Bits() > accessAPIServerMaxLen:
					p.Report(Issue{
						Subject:     subj,
						Path:        path,
						Message:     fmt.Sprintf("%s is a /%d (%d usable addresses); API Server VNet Integration needs at least a /28, of which AKS reserves at least %d addresses", label, pfx.Bits(), usable, accessAPIServerReserved),
						Remediation: "Make the API server subnet a /28 or larger.",
					})
				case len(servers) > 1 && usable < uint64(accessAPIServerReserved*len(servers)):
					p.Report(Issue{
						Subject:  subj,
						Path:     path,
						Severity: finding.Warning,
						Message: fmt.Sprintf("%s is shared by clusters %s; at %d reserved addresses each they need %d, but the subnet has %d usable",
							label, accessJoin(servers), accessAPIServerReserved, accessAPIServerReserved*len(servers), usable),
						Remediation: "Enlarge the API server subnet (a /27 or larger for several clusters) or give each cluster its own /28.",
					})
				}
			}
			for _, u := range uses[s] {
				if u.kind == accessUseAPIServer {
					continue
				}
				p.Report(Issue{
					Subject: subj,
					Path:    u.path,
					Message: fmt.Sprintf("%s also holds %s; the subnet may be shared only by the API servers of clusters in the same VNet",
						label, u.name),
					Remediation: fmt.Sprintf("Move %s to another subnet.", u.name),
				})
			}
		}
	}
}
