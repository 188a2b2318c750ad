package rules

import (
	"fmt"
	"strings"

	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/finding"
)

var ingressSubnetSize = &Rule{
	ID:       "ingress-subnet-size",
	Title:    "Application Gateway subnet is shared, too small or of the wrong kind",
	Severity: finding.Error,
	Doc: "Application Gateway v2 needs a subnet of its own and takes one address per instance, one for a " +
		"private frontend and the five Azure reserves; it autoscales up to 125 instances, which is why " +
		"a /24 is recommended. If the subnet cannot hold maxInstances + 1 + 5 addresses, scale-out " +
		"fails exactly when traffic peaks. The v1 SKUs (Standard, WAF) were retired on 2026-04-28. " +
		"Application Gateway for Containers needs a subnet delegated to " +
		"Microsoft.ServiceNetworking/trafficControllers with at least 256 addresses per association " +
		"(a /24; n gateways sharing the subnet need n x 256), and does not support kubenet clusters. " +
		"Both kinds fail to deploy into a subnet that already holds nodes, private endpoints or load " +
		"balancer frontends, and a subnet whose purpose says something else is usually a wrong reference.",
	Remediation: "Give each gateway kind its own subnet: a /24 for Application Gateway v2, and a /24 per association delegated to Microsoft.ServiceNetworking/trafficControllers for Application Gateway for Containers.",
	Sources: []string{
		"https://learn.microsoft.com/azure/application-gateway/configuration-infrastructure",
		"https://learn.microsoft.com/azure/application-gateway/for-containers/application-gateway-for-containers-components",
		"https://learn.microsoft.com/azure/application-gateway/migrate-v1-v2",
		"https://learn.microsoft.com/azure/aks/concepts-network-cni-overview",
	},
	Check: checkIngressSubnetSize,
}

// Application Gateway figures (configuration-infrastructure and AGC
// component pages).
const (
	accessAGMaxInstances   = 125
	accessAGCPerGateway    = 256
	accessAGCDelegation    = "Microsoft.ServiceNetworking/trafficControllers"
	accessAGRecommendedLen = 24
)

// accessAGv1 reports whether an Application Gateway SKU is a retired v1 SKU
// (Standard, WAF or their sized variants). Empty means v2.
func accessAGv1(sku string) bool {
	s := strings.ToLower(strings.TrimSpace(sku))
	return s != "" && !strings.HasSuffix(s, "_v2")
}

func checkIngressSubnetSize(p *Pass) {
	d := p.Design
	uses := accessSubnetUses(d)

	for ci := range d.Spec.Clusters {
		c := &d.Spec.Clusters[ci]
		for ii := range c.Ingress {
			in := &c.Ingress[ii]
			var want, other design.SubnetPurpose
			switch in.Kind {
			case design.IngressAppGateway:
				want, other = design.PurposeAppGateway, design.PurposeAppGatewayForContainers
				if accessAGv1(in.SKU) {
					p.Report(Issue{
						Subject:     design.IngressSubject(c, in),
						Path:        design.Field(in.Path, "sku"),
						Message:     fmt.Sprintf("Application Gateway %q uses the v1 SKU %s, which Azure retired on 2026-04-28", in.Name, in.SKU),
						Remediation: "Use Standard_v2 or WAF_v2 in a dedicated subnet (a /24 is recommended).",
					})
				}
			case design.IngressAppGatewayForContainers:
				want, other = design.PurposeAppGatewayForContainers, design.PurposeAppGateway
				if c.IPAM() == design.IPAMKubenet {
					p.Report(Issue{
						Subject:     design.IngressSubject(c, in),
						Path:        design.Field(in.Path, "kind"),
						Message:     fmt.Sprintf("cluster %q uses kubenet, which Application Gateway for Containers (ingress %q) does not support", c.Name, in.Name),
						Remediation: "Migrate the cluster to Azure CNI Overlay (or another Azure CNI mode) before using Application Gateway for Containers, or use another ingress.",
					})
				}
			default:
				continue
			}
			v, s := accessResolve(d, in.Subnet, c.VNet)
			if s == nil || s.Purpose == want || s.Purpose == other {
				// A subnet of the other gateway kind is reported below as
				// not dedicated.
				continue
			}
			p.Report(Issue{
				Subject:  design.IngressSubject(c, in),
				Path:     design.Field(in.Path, "subnet"),
				Severity: finding.Warning,
				Message: fmt.Sprintf("%s %q points at subnet %s/%s, whose purpose is %s, not %s",
					accessIngressKind(in.Kind), in.Name, v.Name, s.Name, accessPurpose(s.Purpose), want),
				Remediation: fmt.Sprintf("Point the ingress at a dedicated subnet with purpose %s, or correct the subnet's purpose.", want),
			})
		}
	}

	for vi := range d.Spec.VNets {
		v := &d.Spec.VNets[vi]
		for si := range v.Subnets {
			s := &v.Subnets[si]
			kind := accessGatewayKind(s, uses[s])
			if kind == "" {
				continue
			}
			var own []accessUse
			for _, u := range uses[s] {
				if u.kind == accessUseIngress && u.ingress.Kind == kind {
					own = append(own, u)
					continue
				}
				p.Report(Issue{
					Subject: design.SubnetSubject(v, s),
					Path:    u.path,
					Message: fmt.Sprintf("subnet %s/%s is the %s subnet, but %s is placed in it too; the gateway needs a dedicated subnet",
						v.Name, s.Name, accessIngressKind(kind), u.name),
					Remediation: fmt.Sprintf("Move %s to another subnet; keep %s/%s for %s only.", u.name, v.Name, s.Name, accessIngressKind(kind)),
				})
			}
			if kind == design.IngressAppGateway {
				accessCheckAGSize(p, v, s, own)
			} else {
				accessCheckAGCSubnet(p, v, s, own)
			}
		}
	}
}

// accessPurpose names a purpose, with empty spelled out.
func accessPurpose(pp design.SubnetPurpose) string {
	if pp == "" {
		return "unset"
	}
	return string(pp)
}

// accessGatewayKind decides whether a subnet is an Application Gateway or an
// Application Gateway for Containers subnet: by purpose, else by the first
// gateway ingress that uses it. It returns "" for other subnets.
func accessGatewayKind(s *design.Subnet, us []accessUse) design.IngressKind {
	switch s.Purpose {
	case design.PurposeAppGateway:
		return design.IngressAppGateway
	case design.PurposeAppGatewayForContainers:
		return design.IngressAppGatewayForContainers
	}
	for _, u := range us {
		if u.kind == accessUseIngress && (u.ingress.Kind == design.IngressAppGateway || u.ingress.Kind == design.IngressAppGatewayForContainers) {
			return u.ingress.Kind
		}
	}
	return ""
}

// accessCheckAGSize checks an Application Gateway v2 subnet against
// Σ(maxInstances + 1 private frontend) + 5 reserved, with 125 instances for
// gateways that do not state maxInstances.
func accessCheckAGSize(p *Pass, v *design.VNet, s *design.Subnet, own []accessUse) {
	pfx, ok := accessFirstV4(s)
	if !ok {
		return
	}
	path := design.Index(design.Field(s.Path, "addressPrefixes"), accessFirstV4Index(s))
	need, explicit := 5, true
	var parts []string
	for _, u := range own {
		in := u.ingress
		if accessAGv1(in.SKU) {
			continue // retired; reported per ingress
		}
		n := in.MaxInstances
		if n <= 0 {
			n, explicit = accessAGMaxInstances, false
			parts = append(parts, fmt.Sprintf("%q up to %d instances (maxInstances unset)", u.cluster.Name+"/"+in.Name, n))
		} else {
			parts = append(parts, fmt.Sprintf("%q %d instances", u.cluster.Name+"/"+in.Name, n))
		}
		need += n + 1
	}
	if len(parts) == 0 {
		if len(own) > 0 {
			return
		}
		need, explicit = accessAGMaxInstances+1+5, false
		parts = append(parts, fmt.Sprintf("one gateway of up to %d instances", accessAGMaxInstances))
	}
	have := accessAddresses(s)
	subj := design.SubnetSubject(v, s)
	if uint64(need) > have {
		sev := finding.Error
		if !explicit {
			sev = finding.Warning
		}
		p.Report(Issue{
			Subject:  subj,
			Path:     path,
			Severity: sev,
			Message: fmt.Sprintf("Application Gateway subnet %s/%s (%s) has %d addresses but needs %d: %s, one private frontend IP per gateway and 5 Azure-reserved addresses",
				v.Name, s.Name, accessPrefixes(s), have, need, accessJoin(parts)),
			Remediation: "Give the gateway a /24 subnet (room for 125 instances), or lower maxInstances to what the subnet holds.",
		})
		return
	}
	if pfx.Bits() > accessAGRecommendedLen {
		p.Report(Issue{
			Subject:  subj,
			Path:     path,
			Severity: finding.Warning,
			Message: fmt.Sprintf("Application Gateway subnet %s/%s is a /%d (%d addresses): it holds %s, but not the %d instances v2 can autoscale to (%d addresses); a /24 is recommended",
				v.Name, s.Name, pfx.Bits(), have, accessJoin(parts), accessAGMaxInstances, accessAGMaxInstances+1+5),
			Remediation: "Use a /24 for the Application Gateway subnet so the gateway can scale out without moving to a new subnet.",
		})
	}
}

// accessCheckAGCSubnet checks an Application Gateway for Containers subnet:
// delegation and 256 addresses per association.
func accessCheckAGCSubnet(p *Pass, v *design.VNet, s *design.Subnet, own []accessUse) {
	subj := design.SubnetSubject(v, s)
	if !strings.EqualFold(s.Delegation, accessAGCDelegation) {
		path, got := s.Path, "is not delegated"
		if s.Delegation != "" {
			path, got = design.Field(s.Path, "delegation"), "is delegated to "+s.Delegation
		}
		p.Report(Issue{
			Subject: subj,
			Path:    path,
			Message: fmt.Sprintf("Application Gateway for Containers subnet %s/%s %s; the association requires a delegation to %s",
				v.Name, s.Name, got, accessAGCDelegation),
			Remediation: "Delegate the subnet to " + accessAGCDelegation + " and keep nothing else in it.",
		})
	}
	n := len(own)
	if n == 0 {
		n = 1
	}
	need := uint64(n * accessAGCPerGateway)
	have := accessAddresses(s)
	if have >= need {
		return
	}
	who := "one association needs"
	if n > 1 {
		var names []string
		for _, u := range own {
			names = append(names, fmt.Sprintf("%q", u.cluster.Name+"/"+u.ingress.Name))
		}
		who = fmt.Sprintf("%d associations (%s) need", n, accessJoin(names))
	}
	p.Report(Issue{
		Subject: subj,
		Path:    design.Index(design.Field(s.Path, "addressPrefixes"), accessFirstV4Index(s)),
		Message: fmt.Sprintf("Application Gateway for Containers subnet %s/%s (%s) has %d addresses; %s %d x %d = %d",
			v.Name, s.Name, accessPrefixes(s), have, who, n, accessAGCPerGateway, need),
		Remediation: fmt.Sprintf("Give the subnet at least %d addresses (a /24 per association), or give each gateway its own /24.", need),
	})
}
