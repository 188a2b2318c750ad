package rules

import (
	"net/netip"
	"strings"

	"github.com/aksnet/aksnet/cidr"
	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/finding"
)

var ruleDNSServiceIPOutsideServiceCIDR = &Rule{
	ID:       "dns-service-ip-outside-service-cidr",
	Title:    "DNS service IP is not inside the cluster's IPv4 Service CIDR",
	Severity: finding.Error,
	Doc: "The DNS service IP is the ClusterIP of the kube-dns Service that every pod uses as its " +
		"resolver, so it must be an address of the cluster's IPv4 Service CIDR; AKS refuses the " +
		"cluster otherwise. The usual way to get this wrong is to change serviceCidrs and forget " +
		"dnsServiceIP: when dnsServiceIP is not set, AKS uses 10.0.0.10, which is only inside the " +
		"default Service CIDR 10.0.0.0/16. The DNS service IP is always IPv4, also in dual-stack " +
		"clusters.",
	Remediation: "Set dnsServiceIP to an address inside the IPv4 Service CIDR, by convention the tenth " +
		"(for 10.2.0.0/16, use 10.2.0.10).",
	Sources: []string{
		"https://learn.microsoft.com/azure/aks/concepts-network-azure-cni-overlay",
		"https://learn.microsoft.com/azure/aks/configure-kubenet",
	},
	Check: checkDNSServiceIPOutsideServiceCIDR,
}

func checkDNSServiceIPOutsideServiceCIDR(p *Pass) {
	for ci := range p.Design.Spec.Clusters {
		c := &p.Design.Spec.Clusters[ci]
		ip := c.DNSServiceIP()
		var v4 []string
		inside := false
		for _, sc := range c.ServiceCIDRs() {
			if !cidr.Is4(sc) {
				continue
			}
			v4 = append(v4, sc.String())
			if sc.Contains(ip) {
				inside = true
			}
		}
		if inside {
			continue
		}
		path, what := dnsIPPathAndLabel(c)
		msg := what + " is outside "
		switch {
		case len(v4) == 0:
			msg += "the cluster's Service CIDRs, which have no IPv4 range (" + prefixList(c.ServiceCIDRs()) + ")"
		case len(c.Network.ServiceCIDRs) == 0:
			msg += "the default Service CIDR " + strings.Join(v4, ", ")
		default:
			msg += "serviceCidrs " + strings.Join(v4, ", ")
		}
		if ip.Is6() {
			msg += "; the DNS service IP must be IPv4"
		}
		if s, ok := suggestDNSIP(c.ServiceCIDRs()); ok {
			msg += "; " + s.String() + " would be the conventional choice"
		}
		p.Report(Issue{Subject: c.Subject(), Path: path, Message: msg})
	}
}

// dnsIPPathAndLabel returns the path of the cluster's DNS service IP (the
// network block when it is the default) and a phrase naming it.
func dnsIPPathAndLabel(c *design.Cluster) (path, label string) {
	network := design.Field(c.Path, "network")
	if c.Network.DNSServiceIP.IsValid() {
		return design.Field(network, "dnsServiceIP"), "dnsServiceIP " + c.Network.DNSServiceIP.String()
	}
	return network, "the DNS service IP " + design.DefaultDNSServiceIP.String() + " (AKS default: dnsServiceIP not set)"
}

// suggestDNSIP returns the tenth address of the first IPv4 Service CIDR
// that has one.
func suggestDNSIP(scs []netip.Prefix) (netip.Addr, bool) {
	for _, sc := range scs {
		if cidr.Is4(sc) {
			return cidr.NthAddr(sc, 10)
		}
	}
	return netip.Addr{}, false
}

// prefixList formats prefixes as "a, b".
func prefixList(ps []netip.Prefix) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = p.String()
	}
	return strings.Join(s, ", ")
}
