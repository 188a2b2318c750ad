package rules

import (
	"fmt"
	"net/netip"

	"github.com/aksnet/aksnet/cidr"
	"github.com/aksnet/aksnet/finding"
)

// Service CIDR size limits and the headroom the size check asks for.
const (
	// serviceCIDRMinBitsV4 and serviceCIDRMinBitsV6 are the shortest
	// prefixes kube-apiserver accepts: at most 20 host bits.
	serviceCIDRMinBitsV4 = 12
	serviceCIDRMinBitsV6 = 108
	// serviceSystemIPs are the ClusterIPs every cluster uses before any
	// workload: the kubernetes Service and the kube-dns Service.
	serviceSystemIPs = 2
	// serviceHeadroomPercent is the room, over the expected Services, below
	// which the check warns.
	serviceHeadroomPercent = 20
)

var ruleServiceCIDRSize = &Rule{
	ID:       "service-cidr-size",
	Title:    "Service CIDR is too large for kube-apiserver or too small for the expected Services",
	Severity: finding.Error,
	Doc: "kube-apiserver refuses a Service range with more than 20 host bits: an IPv4 Service CIDR may " +
		"be at most a /12 and an IPv6 one at most a /108 (the AKS dual-stack docs give the same IPv6 " +
		"limit). The AKS IP-planning page says the IPv4 range must be smaller than /12, which would " +
		"exclude the /12 itself; whether AKS accepts exactly /12 is not confirmed, so a /12 is a " +
		"warning and anything larger an error. At the other end every Service takes one ClusterIP per " +
		"family: the allocator never hands out the network address (nor, for IPv4, the last address), " +
		"and the kubernetes and kube-dns Services take two more, so a /24 leaves 252 addresses for " +
		"workloads. When requirements.expectedServices is set, fewer free addresses than expected " +
		"Services is an error, and less than 20% headroom above them is a warning, because Services " +
		"grow with every team and release and the range is fixed at creation before Kubernetes 1.33 " +
		"(from 1.33 it can be extended with an extra ServiceCIDR object). A range that cannot hold even " +
		"the two system Services is always an error.",
	Remediation: "Size the Service CIDR between /12 (exclusive, use /13 or longer) and a prefix that holds " +
		"the expected Services plus 20%; a /16 (65,532 workload Services) suits almost every cluster.",
	Sources: []string{
		"https://learn.microsoft.com/azure/aks/concepts-network-ip-address-planning",
		"https://github.com/kubernetes/kubernetes/blob/master/cmd/kube-apiserver/app/options/validation.go",
		"https://learn.microsoft.com/azure/aks/azure-cni-overlay",
		"https://learn.microsoft.com/azure/aks/configure-kubenet",
	},
	Check: checkServiceCIDRSize,
}

func checkServiceCIDRSize(p *Pass) {
	for ci := range p.Design.Spec.Clusters {
		c := &p.Design.Spec.Clusters[ci]
		want := c.Requirements.ExpectedServices
		for _, r := range clusterRanges(c, rangeService) {
			sc := r.Prefix
			is := Issue{Subject: r.Subject, Path: r.Path}
			v4 := cidr.Is4(sc)
			minBits := serviceCIDRMinBitsV6
			if v4 {
				minBits = serviceCIDRMinBitsV4
			}
			switch {
			case sc.Bits() < minBits:
				is.Message = fmt.Sprintf("%s has %d host bits; kube-apiserver refuses Service ranges with more "+
					"than 20 (at most /%d for %s)", r.Label, sc.Addr().BitLen()-sc.Bits(), minBits, cidr.Family(sc))
				p.Report(is)
				continue
			case v4 && sc.Bits() == minBits:
				is.Severity = finding.Warning
				is.Message = fmt.Sprintf("%s is exactly /12: kube-apiserver accepts it, but the AKS docs say "+
					"the Service CIDR must be smaller than /12, and it is not confirmed that AKS accepts it", r.Label)
				p.Report(is)
				continue
			}
			usable := serviceAssignable(sc)
			free := uint64(0)
			if usable > serviceSystemIPs {
				free = usable - serviceSystemIPs
			}
			counted := fmt.Sprintf("%s has %d assignable ClusterIPs; the kubernetes and kube-dns Services take %d",
				r.Label, usable, serviceSystemIPs)
			switch {
			case usable < serviceSystemIPs:
				is.Message = counted + ", so the cluster cannot even start its own Services"
			case want > 0 && uint64(want) > free:
				is.Message = fmt.Sprintf("%s, leaving %d for %d expected Services (requirements.expectedServices)",
					counted, free, want)
			case want > 0 && uint64(want)*(100+serviceHeadroomPercent) > free*100:
				is.Severity = finding.Warning
				is.Message = fmt.Sprintf("%s, leaving %d for %d expected Services (requirements.expectedServices): "+
					"less than %d%% headroom", counted, free, want, serviceHeadroomPercent)
			default:
				continue
			}
			if c.VersionAtLeast(1, 33) {
				is.Message += "; from Kubernetes 1.33 the range can be extended later with an extra ServiceCIDR object"
			} else {
				is.Message += "; before Kubernetes 1.33 the range cannot be changed after creation"
			}
			p.Report(is)
		}
	}
}

// serviceAssignable is the number of ClusterIPs the Kubernetes allocator
// can hand out from sc: every address but the network address, and for
// IPv4 also the last one. It saturates for very large IPv6 ranges.
func serviceAssignable(sc netip.Prefix) uint64 {
	n := cidr.Addresses(sc)
	reserved := uint64(1)
	if cidr.Is4(sc) {
		reserved = 2
	}
	if n < reserved {
		return 0
	}
	return n - reserved
}
