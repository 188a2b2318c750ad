package audit

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/finding"
)

// RuleDesignDrift is the rule ID of every difference between a design and
// the configuration observed in Azure (az aks show, az aks nodepool list,
// az network vnet list). It is a public contract like the check rule IDs.
const RuleDesignDrift = "design-drift"

const driftFix = "Make the design and the cluster agree: update the design if the change was meant, otherwise change the cluster back (pod and Service CIDRs, the DNS service IP and the network plugin need a new cluster)."

// Drift compares cluster wantCluster of the design want with cluster
// gotCluster of the observed configuration got (a design imported from
// az output) and returns one design-drift finding per difference. Findings
// point at the design's line; the message names the designed value, the
// observed value and where the observed value was read.
//
// Compared: the network profile (plugin, plugin mode, dataplane, policy
// engine, pod and Service CIDRs, DNS service IP), the outbound type, the
// API server's private flag, each node pool (presence, node subnet, pod
// subnet, maxPods, count or autoscaling bounds) and each VNet the cluster
// uses (presence, address space, subnets with their prefixes, route table,
// NAT gateway and NSG). Values the design leaves out are compared through
// their AKS defaults. Node counts drift as warnings (they change with
// scaling); everything else as errors. Drift returns nil when either
// cluster does not exist.
func Drift(want *design.Design, wantCluster string, got *design.Design, gotCluster string) []finding.Finding {
	wc, gc := clusterByName(want, wantCluster), clusterByName(got, gotCluster)
	if wc == nil || gc == nil {
		return nil
	}
	dr := &drifter{want: want, got: got, wc: wc, gc: gc}
	dr.network()
	dr.pools()
	dr.vnets()
	return dr.out
}

type drifter struct {
	want, got *design.Design
	wc, gc    *design.Cluster
	out       []finding.Finding
}

// add reports one difference. what names the setting; wantPath is the
// design path, gotPath the path in the observed design (whose source map
// leads to the az file and line).
func (dr *drifter) add(sev finding.Severity, subject, wantPath, gotPath, what, designed, observed string) {
	where := ""
	if gotPath != "" {
		if loc := dr.got.Locate(gotPath); loc.File != "" {
			where = " (" + locString(loc) + ")"
		}
	}
	dr.out = append(dr.out, finding.Finding{
		Rule: RuleDesignDrift, Severity: sev, Subject: subject, Location: dr.want.Locate(wantPath),
		Message:     fmt.Sprintf("%s: the design has %s, Azure shows %s%s", what, designed, observed, where),
		Remediation: driftFix,
	})
}

func locString(l finding.Location) string {
	if l.Line > 0 {
		return l.File + ":" + strconv.Itoa(l.Line)
	}
	return l.File
}

func quote(s string) string {
	if s == "" {
		return "none"
	}
	return strconv.Quote(s)
}

func (dr *drifter) network() {
	wc, gc := dr.wc, dr.gc
	subj := wc.Subject()
	wn, gn := design.Field(wc.Path, "network"), design.Field(gc.Path, "network")
	f := func(p, k string) string { return design.Field(p, k) }
	name := "cluster " + wc.Name
	if wc.Network.Plugin != "" && !strings.EqualFold(string(wc.Network.Plugin), string(gc.Network.Plugin)) {
		dr.add(finding.Error, subj, f(wn, "plugin"), f(gn, "plugin"), name+" network plugin",
			quote(string(wc.Network.Plugin)), quote(string(gc.Network.Plugin)))
	}
	if !strings.EqualFold(string(wc.Network.PluginMode), string(gc.Network.PluginMode)) {
		dr.add(finding.Error, subj, f(wn, "pluginMode"), f(gn, "pluginMode"), name+" network plugin mode",
			quote(string(wc.Network.PluginMode)), quote(string(gc.Network.PluginMode)))
	}
	if w, g := wc.Dataplane(), gc.Dataplane(); !strings.EqualFold(string(w), string(g)) {
		dr.add(finding.Error, subj, f(wn, "dataplane"), f(gn, "dataplane"), name+" network dataplane", quote(string(w)), quote(string(g)))
	}
	if w, g := wc.Policy(), gc.Policy(); !strings.EqualFold(string(w), string(g)) {
		dr.add(finding.Error, subj, f(wn, "policy"), f(gn, "policy"), name+" NetworkPolicy engine", quote(string(w)), quote(string(g)))
	}
	if wc.IPAM().UsesPodCIDR() && gc.IPAM().UsesPodCIDR() {
		if w, g := wc.PodCIDRs(), gc.PodCIDRs(); !samePrefixes(w, g) {
			dr.add(finding.Error, subj, f(wn, "podCidrs"), f(gn, "podCidrs"), name+" pod CIDRs", prefixSet(w), prefixSet(g))
		}
	}
	if w, g := wc.ServiceCIDRs(), gc.ServiceCIDRs(); !samePrefixes(w, g) {
		dr.add(finding.Error, subj, f(wn, "serviceCidrs"), f(gn, "serviceCidrs"), name+" Service CIDRs", prefixSet(w), prefixSet(g))
	}
	if w, g := wc.DNSServiceIP(), gc.DNSServiceIP(); w != g {
		dr.add(finding.Error, subj, f(wn, "dnsServiceIP"), f(gn, "dnsServiceIP"), name+" DNS service IP", w.String(), g.String())
	}
	if w, g := wc.OutboundType(), gc.OutboundType(); !strings.EqualFold(string(w), string(g)) {
		dr.add(finding.Error, subj, f(f(wc.Path, "outbound"), "type"), f(f(gc.Path, "outbound"), "type"), name+" outbound type",
			quote(string(w)), quote(string(g)))
	}
	if w, g := wc.APIServer.Private, gc.APIServer.Private; w != g {
		dr.add(finding.Error, subj, f(f(wc.Path, "apiServer"), "private"), f(f(gc.Path, "apiServer"), "private"),
			name+" private API server", strconv.FormatBool(w), strconv.FormatBool(g))
	}
}

// samePrefixes compares two prefix lists as sets of masked prefixes.
func samePrefixes(a, b []netip.Prefix) bool {
	return slices.Equal(canonical(a), canonical(b))
}

func canonical(ps []netip.Prefix) []netip.Prefix {
	out := make([]netip.Prefix, len(ps))
	for i, p := range ps {
		out[i] = p.Masked()
	}
	slices.SortFunc(out, func(x, y netip.Prefix) int {
		if c := x.Addr().Compare(y.Addr()); c != 0 {
			return c
		}
		return x.Bits() - y.Bits()
	})
	return slices.Compact(out)
}

func prefixSet(ps []netip.Prefix) string {
	if len(ps) == 0 {
		return "none"
	}
	return prefixList(canonical(ps))
}

func poolByName(c *design.Cluster, name string) *design.NodePool {
	for i := range c.NodePools {
		if strings.EqualFold(c.NodePools[i].Name, name) {
			return &c.NodePools[i]
		}
	}
	return nil
}

// subnetName resolves a pool's subnet reference to "vnet/subnet", keeping
// the reference as written when it does not resolve.
func subnetName(d *design.Design, c *design.Cluster, ref string) string {
	if ref == "" {
		return ""
	}
	v, s, err := d.ResolveSubnet(ref, c.VNet)
	if err != nil {
		return ref
	}
	return v.Name + "/" + s.Name
}

func (dr *drifter) pools() {
	wc, gc := dr.wc, dr.gc
	for i := range wc.NodePools {
		wp := &wc.NodePools[i]
		subj := design.PoolSubject(wc, wp)
		gp := poolByName(gc, wp.Name)
		if gp == nil {
			dr.add(finding.Error, subj, wp.Path, design.Field(gc.Path, "nodePools"), "node pool "+wp.Name+" of cluster "+wc.Name,
				"it", "no such pool")
			continue
		}
		what := "node pool " + wp.Name + " of cluster " + wc.Name
		ff := func(k string) (string, string) { return design.Field(wp.Path, k), design.Field(gp.Path, k) }
		if w, g := subnetName(dr.want, wc, wp.Subnet), subnetName(dr.got, gc, gp.Subnet); !strings.EqualFold(w, g) {
			wpath, gpath := ff("subnet")
			dr.add(finding.Error, subj, wpath, gpath, what+": node subnet", quote(w), quote(g))
		}
		if w, g := subnetName(dr.want, wc, wp.PodSubnet), subnetName(dr.got, gc, gp.PodSubnet); !strings.EqualFold(w, g) {
			wpath, gpath := ff("podSubnet")
			dr.add(finding.Error, subj, wpath, gpath, what+": pod subnet", quote(w), quote(g))
		}
		if w, g := wc.MaxPodsFor(wp), gc.MaxPodsFor(gp); w != g {
			wpath, gpath := ff("maxPods")
			designed := strconv.Itoa(w)
			if wp.MaxPods == nil {
				designed += " (the default for " + wc.IPAM().String() + ")"
			}
			dr.add(finding.Error, subj, wpath, gpath, what+": maxPods", designed, strconv.Itoa(g))
		}
		dr.counts(subj, what, wp, gp)
	}
	for i := range gc.NodePools {
		gp := &gc.NodePools[i]
		if poolByName(wc, gp.Name) == nil {
			dr.add(finding.Warning, wc.Subject(), design.Field(wc.Path, "nodePools"), gp.Path,
				"node pool "+gp.Name+" of cluster "+wc.Name, "no such pool", "it")
		}
	}
}

func scaleText(p *design.NodePool) string {
	switch {
	case p.Autoscaling():
		return fmt.Sprintf("autoscaling from %d to %d nodes", *p.MinCount, *p.MaxCount)
	case p.Count != nil:
		return fmt.Sprintf("%d nodes", *p.Count)
	}
	return "no node count"
}

func (dr *drifter) counts(subj, what string, wp, gp *design.NodePool) {
	switch {
	case wp.Autoscaling() != gp.Autoscaling():
		path, gpath := design.Field(wp.Path, "count"), design.Field(gp.Path, "count")
		if wp.Autoscaling() {
			path = design.Field(wp.Path, "minCount")
		}
		if gp.Autoscaling() {
			gpath = design.Field(gp.Path, "minCount")
		}
		dr.add(finding.Warning, subj, path, gpath, what+": scaling", scaleText(wp), scaleText(gp))
	case wp.Autoscaling():
		if *wp.MinCount != *gp.MinCount || *wp.MaxCount != *gp.MaxCount {
			dr.add(finding.Warning, subj, design.Field(wp.Path, "maxCount"), design.Field(gp.Path, "maxCount"),
				what+": autoscaling bounds", scaleText(wp), scaleText(gp))
		}
	case wp.Count != nil && gp.Count != nil && *wp.Count != *gp.Count:
		dr.add(finding.Warning, subj, design.Field(wp.Path, "count"), design.Field(gp.Path, "count"),
			what+": node count", scaleText(wp), scaleText(gp))
	}
}

// usedVNets lists the VNets cluster c of d uses, in first-use order.
func usedVNets(d *design.Design, c *design.Cluster) []*design.VNet {
	var out []*design.VNet
	add := func(v *design.VNet) {
		if v != nil && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	if c.VNet != "" {
		add(d.VNetByName(c.VNet))
	}
	for i := range c.NodePools {
		for _, ref := range []string{c.NodePools[i].Subnet, c.NodePools[i].PodSubnet} {
			if ref == "" {
				continue
			}
			if v, _, err := d.ResolveSubnet(ref, c.VNet); err == nil {
				add(v)
			}
		}
	}
	return out
}

func vnetByNameFold(d *design.Design, name string) *design.VNet {
	for i := range d.Spec.VNets {
		if strings.EqualFold(d.Spec.VNets[i].Name, name) {
			return &d.Spec.VNets[i]
		}
	}
	return nil
}

func subnetByNameFold(v *design.VNet, name string) *design.Subnet {
	for i := range v.Subnets {
		if strings.EqualFold(v.Subnets[i].Name, name) {
			return &v.Subnets[i]
		}
	}
	return nil
}

func (dr *drifter) vnets() {
	for _, wv := range usedVNets(dr.want, dr.wc) {
		gv := vnetByNameFold(dr.got, wv.Name)
		if gv == nil {
			var names []string
			for _, v := range dr.got.Spec.VNets {
				names = append(names, v.Name)
			}
			seen := "none"
			if len(names) > 0 {
				seen = strings.Join(names, ", ")
			}
			dr.add(finding.Warning, wv.Subject(), wv.Path, "", "VNet "+wv.Name,
				"it", "no VNet of that name among the observed VNets ("+seen+"); collect its resource group's 'az network vnet list' too if it exists")
			continue
		}
		if !samePrefixes(wv.AddressSpace, gv.AddressSpace) {
			dr.add(finding.Error, wv.Subject(), design.Field(wv.Path, "addressSpace"), design.Field(gv.Path, "addressSpace"),
				"VNet "+wv.Name+" address space", prefixSet(wv.AddressSpace), prefixSet(gv.AddressSpace))
		}
		for i := range wv.Subnets {
			dr.subnet(wv, &wv.Subnets[i], gv)
		}
		for i := range gv.Subnets {
			gs := &gv.Subnets[i]
			if subnetByNameFold(wv, gs.Name) == nil {
				dr.add(finding.Info, wv.Subject(), design.Field(wv.Path, "subnets"), gs.Path,
					"subnet "+wv.Name+"/"+gs.Name, "no such subnet", "it ("+prefixSet(gs.AddressPrefixes)+")")
			}
		}
	}
}

func (dr *drifter) subnet(wv *design.VNet, ws *design.Subnet, gv *design.VNet) {
	subj := design.SubnetSubject(wv, ws)
	what := "subnet " + wv.Name + "/" + ws.Name
	gs := subnetByNameFold(gv, ws.Name)
	if gs == nil {
		dr.add(finding.Error, subj, ws.Path, design.Field(gv.Path, "subnets"), what, "it ("+prefixSet(ws.AddressPrefixes)+")", "no such subnet")
		return
	}
	if !samePrefixes(ws.AddressPrefixes, gs.AddressPrefixes) {
		dr.add(finding.Error, subj, design.Field(ws.Path, "addressPrefixes"), design.Field(gs.Path, "addressPrefixes"),
			what+" address prefixes", prefixSet(ws.AddressPrefixes), prefixSet(gs.AddressPrefixes))
	}
	for _, a := range []struct{ field, name, w, g string }{
		{"routeTable", "route table", ws.RouteTable, gs.RouteTable},
		{"natGateway", "NAT gateway", ws.NATGateway, gs.NATGateway},
		{"networkSecurityGroup", "NSG", ws.NSG, gs.NSG},
	} {
		if !strings.EqualFold(a.w, a.g) {
			dr.add(finding.Error, subj, design.Field(ws.Path, a.field), design.Field(gs.Path, a.field), what+" "+a.name, quote(a.w), quote(a.g))
		}
	}
}
