package rules

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/aksnet/aksnet/cidr"
	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/finding"
)

var ruleIPFamilyMismatch = &Rule{
	ID:       "ip-family-mismatch",
	Title:    "IP families, pod and Service CIDRs and the VNet do not agree on dual-stack",
	Severity: finding.Error,
	Doc: "AKS supports IPv4-only clusters and dual-stack clusters with IPv4 as the primary family: " +
		"ipFamilies is [IPv4] or [IPv4, IPv6], never IPv6 alone or IPv6 first. podCidrs and " +
		"serviceCidrs, when written, must list one range per family in the same order, IPv4 first; an " +
		"IPv6 range in a cluster whose ipFamilies do not include IPv6 is refused. Dual-stack needs " +
		"Azure CNI Overlay (GA for Linux since 2024-04), Azure CNI static block allocation, or the " +
		"Cilium dataplane on Kubernetes 1.29 or later; kubenet dual-stack is legacy (its docs were " +
		"removed in 2025-03) and other modes do not support it. The node subnets must be dual-stack too: " +
		"a dual-stack cluster in a VNet or subnet without an IPv6 /64 cannot give nodes IPv6 addresses.",
	Remediation: "Write ipFamilies as [IPv4] or [IPv4, IPv6], list podCidrs and serviceCidrs in the same " +
		"order, use Azure CNI Overlay or the Cilium dataplane (Kubernetes 1.29+) for dual-stack, and add " +
		"an IPv6 address space to the VNet and a /64 to every node subnet.",
	Sources: []string{
		"https://learn.microsoft.com/azure/aks/configure-dual-stack",
		"https://learn.microsoft.com/azure/aks/azure-cni-overlay",
		"https://learn.microsoft.com/azure/aks/azure-cni-powered-by-cilium",
	},
	Check: checkIPFamilyMismatch,
}

func checkIPFamilyMismatch(p *Pass) {
	for ci := range p.Design.Spec.Clusters {
		checkClusterFamilies(p, &p.Design.Spec.Clusters[ci])
	}
}

// checkClusterFamilies checks the ipFamilies of c, the families of its
// written CIDR lists, its support for dual-stack and its node subnets.
func checkClusterFamilies(p *Pass, c *design.Cluster) {
	network := design.Field(c.Path, "network")
	famPath := design.Field(network, "ipFamilies")
	fams := c.Network.IPFamilies
	switch {
	case len(fams) == 0, slices.Equal(fams, []design.IPFamily{design.IPv4}),
		slices.Equal(fams, []design.IPFamily{design.IPv4, design.IPv6}):
	default:
		p.Report(Issue{Subject: c.Subject(), Path: famPath, Message: fmt.Sprintf(
			"cluster %q has ipFamilies %s; AKS accepts only [IPv4] or [IPv4, IPv6] (IPv6-only is not "+
				"supported and IPv4 must be the primary family)", c.Name, familyList(fams))})
		return
	}
	want := fams
	if len(want) == 0 {
		want = []design.IPFamily{design.IPv4}
	}
	if c.IPAM().UsesPodCIDR() {
		checkFamilyList(p, c, want, "podCidrs", c.Network.PodCIDRs)
	}
	checkFamilyList(p, c, want, "serviceCidrs", c.Network.ServiceCIDRs)
	if !slices.Contains(want, design.IPv6) {
		return
	}
	if msg := dualStackUnsupported(c); msg != "" {
		p.Report(Issue{Subject: c.Subject(), Path: famPath, Message: msg})
	}
	checkNodeSubnetsIPv6(p, c)
}

// checkFamilyList reports a written podCidrs or serviceCidrs list whose
// families differ from want.
func checkFamilyList(p *Pass, c *design.Cluster, want []design.IPFamily, field string, list []netip.Prefix) {
	if len(list) == 0 {
		return
	}
	listPath := design.Field(design.Field(c.Path, "network"), field)
	got := make([]design.IPFamily, len(list))
	for i, pfx := range list {
		got[i] = design.IPFamily(cidr.Family(pfx))
	}
	if slices.Equal(got, want) {
		return
	}
	is := Issue{Subject: c.Subject(), Path: listPath}
	famNote := "ipFamilies " + familyList(want)
	if len(c.Network.IPFamilies) == 0 {
		famNote = "ipFamilies is not set, so the cluster is IPv4-only"
	}
	if i := slices.Index(got, design.IPv6); i >= 0 && !slices.Contains(want, design.IPv6) {
		is.Path = design.Index(listPath, i)
		is.Message = fmt.Sprintf("cluster %q lists IPv6 range %s in %s, but %s; AKS refuses IPv6 ranges "+
			"unless ipFamilies is [IPv4, IPv6]", c.Name, list[i], field, famNote)
		p.Report(is)
		return
	}
	if len(got) != len(want) {
		is.Message = fmt.Sprintf("cluster %q lists %d range(s) in %s (%s), but %s needs one per family "+
			"in that order", c.Name, len(list), field, familyList(got), famNote)
		p.Report(is)
		return
	}
	for i := range got {
		if got[i] != want[i] {
			is.Path = design.Index(listPath, i)
			is.Message = fmt.Sprintf("cluster %q lists %s in the order %s, but %s needs %s %s; list one "+
				"range per family in the order of ipFamilies, IPv4 first", c.Name, field, familyList(got),
				famNote, want[i], familyOrdinal(i))
			p.Report(is)
			return
		}
	}
}

// dualStackUnsupported explains why the cluster's mode cannot run
// dual-stack, or returns "".
func dualStackUnsupported(c *design.Cluster) string {
	mode := c.IPAM()
	if c.Dataplane() == design.DataplaneCilium {
		if !c.VersionAtLeast(1, 29) {
			return fmt.Sprintf("cluster %q is dual-stack on the Cilium dataplane with Kubernetes %s; "+
				"Cilium dual-stack needs 1.29 or later", c.Name, c.KubernetesVersion)
		}
		return ""
	}
	switch mode {
	case design.IPAMOverlay, design.IPAMPodSubnetStatic:
		return ""
	case design.IPAMKubenet:
		return fmt.Sprintf("cluster %q is dual-stack on kubenet; kubenet dual-stack is legacy (its docs "+
			"were removed in 2025-03, kubenet itself retires 2028-03-31): use Azure CNI Overlay", c.Name)
	}
	return fmt.Sprintf("cluster %q is dual-stack on %s, which does not support it; use Azure CNI "+
		"Overlay, static block allocation, or the Cilium dataplane (Kubernetes 1.29+)", c.Name, mode)
}

// checkNodeSubnetsIPv6 reports node subnets of a dual-stack cluster that
// have no IPv6 prefix.
func checkNodeSubnetsIPv6(p *Pass, c *design.Cluster) {
	var seen []*design.Subnet
	for pi := range c.NodePools {
		pool := &c.NodePools[pi]
		v, s := p.Design.PoolSubnet(c, pool)
		if s == nil || slices.Contains(seen, s) {
			continue
		}
		seen = append(seen, s)
		if slices.ContainsFunc(s.AddressPrefixes, func(x netip.Prefix) bool { return !cidr.Is4(x) }) {
			continue
		}
		why := ""
		if !slices.ContainsFunc(v.AddressSpace, func(x netip.Prefix) bool { return !cidr.Is4(x) }) {
			why = fmt.Sprintf(", and VNet %q has no IPv6 address space either", v.Name)
		}
		p.Report(Issue{
			Subject: design.SubnetSubject(v, s),
			Path:    design.Field(s.Path, "addressPrefixes"),
			Message: fmt.Sprintf("cluster %q is dual-stack, but its node pool %q sits in subnet %q, which has "+
				"no IPv6 /64%s, so nodes cannot get IPv6 addresses", c.Name, pool.Name, v.Name+"/"+s.Name, why),
		})
	}
}

// familyList formats families as "[IPv4, IPv6]".
func familyList(fs []design.IPFamily) string {
	s := make([]string, len(fs))
	for i, f := range fs {
		s[i] = string(f)
	}
	return "[" + strings.Join(s, ", ") + "]"
}

// familyOrdinal names list position i: "first", "second", ...
func familyOrdinal(i int) string {
	if i == 0 {
		return "first"
	}
	return "second"
}
