package rules

import (
	"github.com/aksnet/aksnet/cidr"
	"github.com/aksnet/aksnet/finding"
)

var ruleDNSServiceIPReserved = &Rule{
	ID:       "dns-service-ip-reserved",
	Title:    "DNS service IP is an address the Service range cannot give to kube-dns",
	Severity: finding.Error,
	Doc: "Two addresses of the IPv4 Service CIDR can never be the DNS service IP. The network address " +
		"(offset 0) is never handed out by the Kubernetes ClusterIP allocator; AKS once accepted it " +
		"and clusters came up with broken DNS, until the value was rejected. The first address " +
		"(offset 1) always belongs to the kubernetes Service in the default namespace, the in-cluster " +
		"address of the API server, so kube-dns cannot take it. Both are errors. The last address is a " +
		"warning: the upstream allocator also never hands out the IPv4 broadcast-like last address, so " +
		"kube-dns would most likely fail to get it, but whether AKS rejects it up front is an open " +
		"question in our sources. The convention is the tenth address (10.0.0.10 in 10.0.0.0/16).",
	Remediation: "Set dnsServiceIP to the tenth address of the IPv4 Service CIDR (for 10.2.0.0/16, use 10.2.0.10).",
	Sources: []string{
		"https://learn.microsoft.com/azure/aks/concepts-network-azure-cni-overlay",
		"https://learn.microsoft.com/azure/aks/configure-kubenet",
		"https://github.com/Azure/AKS/issues/2579",
	},
	Check: checkDNSServiceIPReserved,
}

func checkDNSServiceIPReserved(p *Pass) {
	for ci := range p.Design.Spec.Clusters {
		c := &p.Design.Spec.Clusters[ci]
		ip := c.DNSServiceIP()
		for _, sc := range c.ServiceCIDRs() {
			if !cidr.Is4(sc) {
				continue
			}
			off, ok := cidr.AddrOffset(sc, ip)
			if !ok {
				continue
			}
			path, what := dnsIPPathAndLabel(c)
			is := Issue{Subject: c.Subject(), Path: path}
			switch {
			case off == 0:
				is.Message = what + " is the network address of Service CIDR " + sc.String() +
					"; the ClusterIP allocator never hands it out, and clusters that used it had no working DNS"
			case off == 1:
				is.Message = what + " is the first address of Service CIDR " + sc.String() +
					", which the kubernetes Service (the API server's in-cluster address) always takes"
			case ip == cidr.LastAddr(sc):
				is.Severity = finding.Warning
				is.Message = what + " is the last (broadcast-like) address of Service CIDR " + sc.String() +
					"; the upstream ClusterIP allocator never hands it out, so kube-dns most likely cannot " +
					"get it (whether AKS rejects it up front is an open question)"
			default:
				continue
			}
			if s, ok := cidr.NthAddr(sc, 10); ok {
				is.Message += "; use " + s.String()
			}
			p.Report(is)
			break
		}
	}
}
