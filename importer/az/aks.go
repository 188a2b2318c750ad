package az

import (
	"fmt"
	"net/netip"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/importer"
)

// This file reads `az aks show -o json` (one ManagedCluster) and `az aks
// nodepool list -o json` (an array of AgentPools). The az CLI prints the ARM
// resource with its properties flattened and its keys camelCased from the
// Python SDK names (vnetSubnetId, dnsServiceIp, osSku, authorizedIpRanges);
// the REST API spells some of them differently (vnetSubnetID, dnsServiceIP,
// osSKU, authorizedIPRanges). Both spellings are read, so the JSON of the
// REST API and of older az versions imports too.

// aksCluster is the part of a ManagedCluster that aksnet reads.
type aksCluster struct {
	Name                     string               `yaml:"name"`
	Location                 string               `yaml:"location"`
	KubernetesVersion        string               `yaml:"kubernetesVersion"`
	CurrentKubernetesVersion string               `yaml:"currentKubernetesVersion"`
	NetworkProfile           *aksNetworkProfile   `yaml:"networkProfile"`
	APIServerAccessProfile   *aksAPIServerProfile `yaml:"apiServerAccessProfile"`
	AgentPoolProfiles        []aksPool            `yaml:"agentPoolProfiles"`
}

type aksNetworkProfile struct {
	NetworkPlugin     string   `yaml:"networkPlugin"`
	NetworkPluginMode string   `yaml:"networkPluginMode"`
	NetworkDataplane  string   `yaml:"networkDataplane"`
	NetworkPolicy     string   `yaml:"networkPolicy"`
	PodCidr           string   `yaml:"podCidr"`
	PodCidrs          []string `yaml:"podCidrs"`
	ServiceCidr       string   `yaml:"serviceCidr"`
	ServiceCidrs      []string `yaml:"serviceCidrs"`
	DNSServiceIp      string   `yaml:"dnsServiceIp"`
	DNSServiceIP      string   `yaml:"dnsServiceIP"`
	IPFamilies        []string `yaml:"ipFamilies"`
	OutboundType      string   `yaml:"outboundType"`
	// PodIpAllocationMode is an agent pool property in the REST API; some
	// outputs carry it at cluster level too.
	PodIpAllocationMode string                  `yaml:"podIpAllocationMode"`
	PodIPAllocationMode string                  `yaml:"podIPAllocationMode"`
	LoadBalancerProfile *aksLoadBalancerProfile `yaml:"loadBalancerProfile"`
	NatGatewayProfile   *aksNATGatewayProfile   `yaml:"natGatewayProfile"`
}

type aksLoadBalancerProfile struct {
	ManagedOutboundIPs *struct {
		Count     *int `yaml:"count"`
		CountIpv6 *int `yaml:"countIpv6"`
		CountIPv6 *int `yaml:"countIPv6"`
	} `yaml:"managedOutboundIPs"`
	AllocatedOutboundPorts *int `yaml:"allocatedOutboundPorts"`
	IdleTimeoutInMinutes   *int `yaml:"idleTimeoutInMinutes"`
}

type aksManagedIPProfile struct {
	Count *int `yaml:"count"`
}

type aksNATGatewayProfile struct {
	ManagedOutboundIpProfile *aksManagedIPProfile `yaml:"managedOutboundIpProfile"`
	ManagedOutboundIPProfile *aksManagedIPProfile `yaml:"managedOutboundIPProfile"`
	IdleTimeoutInMinutes     *int                 `yaml:"idleTimeoutInMinutes"`
}

type aksAPIServerProfile struct {
	EnablePrivateCluster           *bool    `yaml:"enablePrivateCluster"`
	PrivateDnsZone                 string   `yaml:"privateDnsZone"`
	PrivateDNSZone                 string   `yaml:"privateDNSZone"`
	EnablePrivateClusterPublicFqdn *bool    `yaml:"enablePrivateClusterPublicFqdn"`
	EnablePrivateClusterPublicFQDN *bool    `yaml:"enablePrivateClusterPublicFQDN"`
	AuthorizedIpRanges             []string `yaml:"authorizedIpRanges"`
	AuthorizedIPRanges             []string `yaml:"authorizedIPRanges"`
	EnableVnetIntegration          *bool    `yaml:"enableVnetIntegration"`
	SubnetId                       string   `yaml:"subnetId"`
}

// aksPool is an agentPoolProfiles element or an `az aks nodepool list`
// element (which adds id and type).
type aksPool struct {
	ID                  string `yaml:"id"`
	Name                string `yaml:"name"`
	Mode                string `yaml:"mode"`
	OsType              string `yaml:"osType"`
	OsSku               string `yaml:"osSku"`
	OsSKU               string `yaml:"osSKU"`
	VMSize              string `yaml:"vmSize"`
	Count               *int   `yaml:"count"`
	MinCount            *int   `yaml:"minCount"`
	MaxCount            *int   `yaml:"maxCount"`
	EnableAutoScaling   *bool  `yaml:"enableAutoScaling"`
	MaxPods             *int   `yaml:"maxPods"`
	VnetSubnetId        string `yaml:"vnetSubnetId"`
	VnetSubnetID        string `yaml:"vnetSubnetID"`
	PodSubnetId         string `yaml:"podSubnetId"`
	PodSubnetID         string `yaml:"podSubnetID"`
	PodIpAllocationMode string `yaml:"podIpAllocationMode"`
	PodIPAllocationMode string `yaml:"podIPAllocationMode"`
	UpgradeSettings     *struct {
		MaxSurge       string `yaml:"maxSurge"`
		MaxUnavailable string `yaml:"maxUnavailable"`
	} `yaml:"upgradeSettings"`
	// az writes localDnsProfile; the REST API and ARM localDNSProfile.
	LocalDnsProfile *aksLocalDNS `yaml:"localDnsProfile"`
	LocalDNSProfile *aksLocalDNS `yaml:"localDNSProfile"`
}

// aksLocalDNS is a node pool's LocalDNS profile: mode is what was asked
// (Required, Preferred, Disabled), state what AKS did (Enabled, Disabled).
type aksLocalDNS struct {
	Mode  string `yaml:"mode"`
	State string `yaml:"state"`
}

// localDNS reports whether the pool's nodes run LocalDNS, and the key of
// the profile. AKS's own state decides; without it, only mode Required
// says LocalDNS runs (Preferred depends on checks AKS makes when it
// applies the profile).
func (p *aksPool) localDNS() (bool, string) {
	prof, key := p.LocalDnsProfile, "localDnsProfile"
	if prof == nil {
		prof, key = p.LocalDNSProfile, "localDNSProfile"
	}
	if prof == nil {
		return false, ""
	}
	if prof.State != "" {
		return strings.EqualFold(prof.State, "Enabled"), key
	}
	return strings.EqualFold(prof.Mode, "Required"), key
}

// markLocalDNS sets the cluster's network.localDNS when the pool at src
// runs LocalDNS.
func (cv *aksConv) markLocalDNS(c *design.Cluster, src string, p *aksPool) {
	on, key := p.localDNS()
	if !on || c.Network.LocalDNS {
		return
	}
	c.Network.LocalDNS = true
	cv.record(design.Field(design.Field(c.Path, "network"), "localDNS"), design.Field(src, key))
}

// aksConv carries one conversion's document, design and problems.
type aksConv struct {
	doc   *importer.Doc
	d     *design.Design
	probs []importer.Problem
}

func (cv *aksConv) problem(src, hint, format string, args ...any) {
	cv.probs = append(cv.probs, importer.Problem{File: cv.doc.File, Line: cv.doc.Line(src), Path: src,
		Msg: fmt.Sprintf(format, args...), Hint: hint})
}

func (cv *aksConv) record(designPath, src string) { cv.doc.Record(cv.d, designPath, src) }

// decode decodes the value at src into v. Type errors are split into one
// problem per offending value, each at that value's line and path.
func (cv *aksConv) decode(src string, v any) bool {
	p := cv.doc.Decode(src, v)
	if p == nil {
		return true
	}
	matches := aksLineMsgRe.FindAllStringSubmatch(p.Msg, -1)
	if len(matches) == 0 {
		cv.probs = append(cv.probs, *p)
		return false
	}
	for _, m := range matches {
		line, _ := strconv.Atoi(m[1])
		path := aksPathAtLine(cv.doc.Node(src), src, line)
		if path == "" {
			path = src
		}
		cv.probs = append(cv.probs, importer.Problem{File: cv.doc.File, Line: line, Path: path,
			Msg:  "unexpected value: " + aksFriendlyTypeError(m[2]),
			Hint: "pass the output of the az command with -o json, unmodified"})
	}
	return false
}

var aksLineMsgRe = regexp.MustCompile(`line (\d+): ([^\n]+)`)

var aksTypeErrRe = regexp.MustCompile("^cannot unmarshal !!(\\w+) `(.*)` into (.+)$")

// aksFriendlyTypeError turns "cannot unmarshal !!str `three` into int" into
// "want a number, got the string \"three\"".
func aksFriendlyTypeError(msg string) string {
	m := aksTypeErrRe.FindStringSubmatch(msg)
	if m == nil {
		return msg
	}
	want := m[3]
	switch {
	case strings.HasPrefix(want, "int"), strings.HasPrefix(want, "*int"):
		want = "a whole number"
	case strings.Contains(want, "bool"):
		want = "true or false"
	case strings.Contains(want, "string"):
		want = "a string"
	case strings.HasPrefix(want, "[]"):
		want = "a list"
	default:
		want = "an object"
	}
	got := map[string]string{"str": "the string", "int": "the number", "float": "the number", "bool": "the boolean",
		"seq": "a list", "map": "an object"}[m[1]]
	if got == "" {
		got = m[1]
	}
	return fmt.Sprintf("want %s, got %s %s", want, got, strconv.Quote(m[2]))
}

// aksPathAtLine finds the path of the deepest value under n (at path) that
// sits on line.
func aksPathAtLine(n *yaml.Node, path string, line int) string {
	if n == nil {
		return ""
	}
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			if p := aksPathAtLine(n.Content[i+1], design.Field(path, n.Content[i].Value), line); p != "" {
				return p
			}
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			if p := aksPathAtLine(c, design.Index(path, i), line); p != "" {
				return p
			}
		}
	}
	if n.Line == line {
		return path
	}
	return ""
}

// aksAlt picks the first non-empty of two spellings of a key.
func aksAlt(a, b, keyA, keyB string) (string, string) {
	if a != "" {
		return a, keyA
	}
	return b, keyB
}

func aksAltPtr[T any](a, b *T, keyA, keyB string) (*T, string) {
	if a != nil {
		return a, keyA
	}
	return b, keyB
}

// aksEnumValue maps an az value onto a design enum, matching case-insensitively
// after applying aliases. Empty input gives ok=false and no problem.
func aksEnumValue[T ~string](cv *aksConv, src, field, raw string, aliases map[string]string) (T, bool) {
	if raw == "" {
		return "", false
	}
	if a, ok := aliases[strings.ToLower(raw)]; ok {
		return T(a), true
	}
	var zero T
	vals := any(zero).(interface{ EnumValues() []string }).EnumValues()
	var allowed []string
	for _, v := range vals {
		if v == "" {
			continue
		}
		if strings.EqualFold(v, raw) {
			return T(v), true
		}
		allowed = append(allowed, v)
	}
	cv.problem(src, "allowed: "+strings.Join(allowed, ", "), "%s %q is not a value aksnet knows", field, raw)
	return "", false
}

func aksPrefix(s string) (netip.Prefix, bool) {
	s = strings.TrimSpace(s)
	if !strings.Contains(s, "/") {
		a, err := netip.ParseAddr(s)
		if err != nil {
			return netip.Prefix{}, false
		}
		return netip.PrefixFrom(a, a.BitLen()), true
	}
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, false
	}
	return p, true
}

// prefixes converts a list at src into design prefixes at designPath,
// recording every element. If list is empty and single is set, single (at
// singleSrc) is used.
func (cv *aksConv) prefixes(designPath, src string, list []string, singleSrc, single string, allowBareIP bool) []netip.Prefix {
	if len(list) == 0 && single != "" {
		list, src = []string{single}, singleSrc
		var out []netip.Prefix
		if p, ok := cv.prefix(src, single, allowBareIP); ok {
			out = append(out, p)
			cv.record(designPath, src)
			cv.record(design.Index(designPath, 0), src)
		}
		return out
	}
	var out []netip.Prefix
	for i, s := range list {
		el := design.Index(src, i)
		if p, ok := cv.prefix(el, s, allowBareIP); ok {
			cv.record(design.Index(designPath, len(out)), el)
			out = append(out, p)
		}
	}
	if len(out) > 0 {
		cv.record(designPath, src)
	}
	return out
}

func (cv *aksConv) prefix(src, s string, allowBareIP bool) (netip.Prefix, bool) {
	if !allowBareIP && !strings.Contains(s, "/") {
		cv.problem(src, "write a CIDR such as 10.0.0.0/16", "%q is not a CIDR", s)
		return netip.Prefix{}, false
	}
	p, ok := aksPrefix(s)
	if !ok {
		cv.problem(src, "write a CIDR such as 10.0.0.0/16", "%q is not a CIDR", s)
		return netip.Prefix{}, false
	}
	return p, true
}

// subnetRef turns a subnet resource ID into a design reference.
func (cv *aksConv) subnetRef(src, id string) (string, bool) {
	ref, ok := importer.SubnetRef(id)
	if !ok {
		cv.problem(src, "expected /subscriptions/SUB/resourceGroups/RG/providers/Microsoft.Network/virtualNetworks/VNET/subnets/SUBNET",
			"%q is not a subnet resource ID", id)
	}
	return ref, ok
}

func aksIntPtr(v int) *int { return &v }

// importCluster reads one `az aks show -o json` object at base and appends
// the cluster to d.
func importCluster(doc *importer.Doc, base string, d *design.Design) []importer.Problem {
	cv := &aksConv{doc: doc, d: d}
	var src aksCluster
	if !cv.decode(base, &src) {
		return cv.probs
	}
	idx := len(d.Spec.Clusters)
	c := design.Cluster{Path: design.Index("spec.clusters", idx)}
	cv.record(c.Path, base)
	f := func(k string) string { return design.Field(base, k) }
	df := func(k string) string { return design.Field(c.Path, k) }

	if src.Name == "" {
		cv.problem(base, "pass the unmodified output of 'az aks show -g RESOURCE_GROUP -n CLUSTER -o json'", "the cluster has no name")
	}
	c.Name = src.Name
	cv.record(df("name"), f("name"))
	c.Region = src.Location
	cv.record(df("region"), f("location"))
	switch {
	case src.KubernetesVersion != "":
		c.KubernetesVersion = src.KubernetesVersion
		cv.record(df("kubernetesVersion"), f("kubernetesVersion"))
	case src.CurrentKubernetesVersion != "":
		c.KubernetesVersion = src.CurrentKubernetesVersion
		cv.record(df("kubernetesVersion"), f("currentKubernetesVersion"))
	}

	if np := src.NetworkProfile; np != nil {
		cv.network(&c, f("networkProfile"), np)
	}
	if ap := src.APIServerAccessProfile; ap != nil {
		cv.apiServer(&c, f("apiServerAccessProfile"), ap)
	}

	pools := f("agentPoolProfiles")
	if len(src.AgentPoolProfiles) > 0 {
		cv.record(df("nodePools"), pools)
	}
	for i := range src.AgentPoolProfiles {
		dp := design.Index(df("nodePools"), i)
		c.NodePools = append(c.NodePools, cv.pool(dp, design.Index(pools, i), &src.AgentPoolProfiles[i]))
		cv.markLocalDNS(&c, design.Index(pools, i), &src.AgentPoolProfiles[i])
	}
	cv.poolAllocationMode(&c, pools, src.AgentPoolProfiles)
	cv.clusterVNet(&c)

	if len(cv.probs) > 0 {
		return cv.probs
	}
	d.Spec.Clusters = append(d.Spec.Clusters, c)
	return nil
}

func (cv *aksConv) network(c *design.Cluster, src string, np *aksNetworkProfile) {
	f := func(k string) string { return design.Field(src, k) }
	net := design.Field(c.Path, "network")
	df := func(k string) string { return design.Field(net, k) }
	cv.record(net, src)

	n := &c.Network
	if v, ok := aksEnumValue[design.NetworkPlugin](cv, f("networkPlugin"), "networkPlugin", np.NetworkPlugin, nil); ok {
		n.Plugin = v
		cv.record(df("plugin"), f("networkPlugin"))
	}
	if v, ok := aksEnumValue[design.PluginMode](cv, f("networkPluginMode"), "networkPluginMode", np.NetworkPluginMode, nil); ok {
		n.PluginMode = v
		cv.record(df("pluginMode"), f("networkPluginMode"))
	}
	if v, ok := aksEnumValue[design.Dataplane](cv, f("networkDataplane"), "networkDataplane", np.NetworkDataplane, nil); ok {
		n.Dataplane = v
		cv.record(df("dataplane"), f("networkDataplane"))
	}
	// A null or empty networkPolicy means none; leave the design field
	// empty, which means the same.
	if v, ok := aksEnumValue[design.PolicyEngine](cv, f("networkPolicy"), "networkPolicy", np.NetworkPolicy, nil); ok {
		n.Policy = v
		cv.record(df("policy"), f("networkPolicy"))
	}
	mode, key := aksAlt(np.PodIpAllocationMode, np.PodIPAllocationMode, "podIpAllocationMode", "podIPAllocationMode")
	if v, ok := aksEnumValue[design.PodIPAllocationMode](cv, f(key), key, mode, nil); ok {
		n.PodIPAllocationMode = v
		cv.record(df("podIPAllocationMode"), f(key))
	}
	for i, fam := range np.IPFamilies {
		el := design.Index(f("ipFamilies"), i)
		if v, ok := aksEnumValue[design.IPFamily](cv, el, "ipFamilies", fam, nil); ok {
			cv.record(design.Index(df("ipFamilies"), len(n.IPFamilies)), el)
			n.IPFamilies = append(n.IPFamilies, v)
		}
	}
	if len(n.IPFamilies) > 0 {
		cv.record(df("ipFamilies"), f("ipFamilies"))
	}
	n.PodCIDRs = cv.prefixes(df("podCidrs"), f("podCidrs"), np.PodCidrs, f("podCidr"), np.PodCidr, false)
	n.ServiceCIDRs = cv.prefixes(df("serviceCidrs"), f("serviceCidrs"), np.ServiceCidrs, f("serviceCidr"), np.ServiceCidr, false)
	if ip, key := aksAlt(np.DNSServiceIp, np.DNSServiceIP, "dnsServiceIp", "dnsServiceIP"); ip != "" {
		if a, err := netip.ParseAddr(ip); err != nil {
			cv.problem(f(key), "write an IPv4 address inside the Service CIDR, e.g. 10.0.0.10", "dnsServiceIP %q is not an IP address", ip)
		} else {
			n.DNSServiceIP = a
			cv.record(df("dnsServiceIP"), f(key))
		}
	}

	out := design.Field(c.Path, "outbound")
	if v, ok := aksEnumValue[design.OutboundType](cv, f("outboundType"), "outboundType", np.OutboundType, nil); ok {
		c.Outbound.Type = v
		cv.record(out, f("outboundType"))
		cv.record(design.Field(out, "type"), f("outboundType"))
	}
	if lb := np.LoadBalancerProfile; lb != nil {
		ls := f("loadBalancerProfile")
		dl := design.Field(out, "loadBalancer")
		p := &design.LoadBalancerProfile{}
		set := false
		put := func(dst *int, v *int, field, key string) {
			if v != nil {
				*dst = *v
				set = true
				cv.record(design.Field(dl, field), design.Field(ls, key))
			}
		}
		if m := lb.ManagedOutboundIPs; m != nil {
			put(&p.OutboundIPs, m.Count, "outboundIPs", "managedOutboundIPs.count")
			v6, key := aksAltPtr(m.CountIpv6, m.CountIPv6, "countIpv6", "countIPv6")
			put(&p.OutboundIPv6s, v6, "outboundIPv6s", "managedOutboundIPs."+key)
		}
		put(&p.AllocatedOutboundPorts, lb.AllocatedOutboundPorts, "allocatedOutboundPorts", "allocatedOutboundPorts")
		put(&p.IdleTimeoutMinutes, lb.IdleTimeoutInMinutes, "idleTimeoutMinutes", "idleTimeoutInMinutes")
		if set {
			c.Outbound.LoadBalancer = p
			cv.record(dl, ls)
		}
	}
	if ng := np.NatGatewayProfile; ng != nil {
		ns := f("natGatewayProfile")
		dn := design.Field(out, "natGateway")
		p := &design.ManagedNATProfile{}
		set := false
		ip, key := aksAltPtr(ng.ManagedOutboundIpProfile, ng.ManagedOutboundIPProfile, "managedOutboundIpProfile", "managedOutboundIPProfile")
		if ip != nil && ip.Count != nil {
			p.OutboundIPs = *ip.Count
			set = true
			cv.record(design.Field(dn, "outboundIPs"), design.Field(ns, key+".count"))
		}
		if ng.IdleTimeoutInMinutes != nil {
			p.IdleTimeoutMinutes = *ng.IdleTimeoutInMinutes
			set = true
			cv.record(design.Field(dn, "idleTimeoutMinutes"), design.Field(ns, "idleTimeoutInMinutes"))
		}
		if set {
			c.Outbound.NATGateway = p
			cv.record(dn, ns)
		}
	}
}

func (cv *aksConv) apiServer(c *design.Cluster, src string, ap *aksAPIServerProfile) {
	f := func(k string) string { return design.Field(src, k) }
	api := design.Field(c.Path, "apiServer")
	df := func(k string) string { return design.Field(api, k) }
	cv.record(api, src)
	a := &c.APIServer
	if ap.EnablePrivateCluster != nil {
		a.Private = *ap.EnablePrivateCluster
		cv.record(df("private"), f("enablePrivateCluster"))
	}
	if z, key := aksAlt(ap.PrivateDnsZone, ap.PrivateDNSZone, "privateDnsZone", "privateDNSZone"); z != "" {
		a.PrivateDNSZone = z
		cv.record(df("privateDnsZone"), f(key))
	}
	if v, key := aksAltPtr(ap.EnablePrivateClusterPublicFqdn, ap.EnablePrivateClusterPublicFQDN, "enablePrivateClusterPublicFqdn", "enablePrivateClusterPublicFQDN"); v != nil {
		b := *v
		a.PublicFQDN = &b
		cv.record(df("publicFQDN"), f(key))
	}
	ranges, key := ap.AuthorizedIpRanges, "authorizedIpRanges"
	if len(ranges) == 0 {
		ranges, key = ap.AuthorizedIPRanges, "authorizedIPRanges"
	}
	a.AuthorizedIPRanges = cv.prefixes(df("authorizedIPRanges"), f(key), ranges, "", "", true)
	if ap.EnableVnetIntegration != nil && *ap.EnableVnetIntegration && ap.SubnetId != "" {
		if ref, ok := cv.subnetRef(f("subnetId"), ap.SubnetId); ok {
			a.VNetIntegrationSubnet = ref
			cv.record(df("vnetIntegrationSubnet"), f("subnetId"))
		}
	}
}

var aksOSSKUAliases = map[string]string{
	"cblmariner": "AzureLinux", "mariner": "AzureLinux", "azurelinux3": "AzureLinux",
	"ubuntu2204": "Ubuntu", "ubuntu2404": "Ubuntu",
	// The Windows annual channel has no design value; it stays unset (the
	// OS type still says Windows).
	"windowsannual": "",
}

// pool converts one agent pool at src into a design pool at dp.
func (cv *aksConv) pool(dp, src string, p *aksPool) design.NodePool {
	f := func(k string) string { return design.Field(src, k) }
	df := func(k string) string { return design.Field(dp, k) }
	np := design.NodePool{Path: dp, Name: p.Name}
	cv.record(dp, src)
	if p.Name == "" {
		cv.problem(src, "", "the node pool has no name")
	}
	cv.record(df("name"), f("name"))
	if v, ok := aksEnumValue[design.PoolMode](cv, f("mode"), "mode", p.Mode, nil); ok {
		np.Mode = v
		cv.record(df("mode"), f("mode"))
	}
	if v, ok := aksEnumValue[design.OSType](cv, f("osType"), "osType", p.OsType, nil); ok {
		np.OS = v
		cv.record(df("os"), f("osType"))
	}
	sku, key := aksAlt(p.OsSku, p.OsSKU, "osSku", "osSKU")
	if v, ok := aksEnumValue[design.OSSKU](cv, f(key), key, sku, aksOSSKUAliases); ok && v != "" {
		np.OSSKU = v
		cv.record(df("osSku"), f(key))
	}
	if p.VMSize != "" {
		np.VMSize = p.VMSize
		cv.record(df("vmSize"), f("vmSize"))
	}
	auto := p.EnableAutoScaling != nil && *p.EnableAutoScaling
	if auto {
		// Autoscaled pools are sized by minCount and maxCount; count is
		// only the size of the moment.
		if p.MinCount != nil {
			np.MinCount = aksIntPtr(*p.MinCount)
			cv.record(df("minCount"), f("minCount"))
		}
		if p.MaxCount != nil {
			np.MaxCount = aksIntPtr(*p.MaxCount)
			cv.record(df("maxCount"), f("maxCount"))
		}
	}
	if (!auto || np.MaxCount == nil) && p.Count != nil {
		np.Count = aksIntPtr(*p.Count)
		cv.record(df("count"), f("count"))
	}
	if p.MaxPods != nil {
		np.MaxPods = aksIntPtr(*p.MaxPods)
		cv.record(df("maxPods"), f("maxPods"))
	}
	if id, key := aksAlt(p.VnetSubnetId, p.VnetSubnetID, "vnetSubnetId", "vnetSubnetID"); id != "" {
		if ref, ok := cv.subnetRef(f(key), id); ok {
			np.Subnet = ref
			cv.record(df("subnet"), f(key))
		}
	}
	if id, key := aksAlt(p.PodSubnetId, p.PodSubnetID, "podSubnetId", "podSubnetID"); id != "" {
		if ref, ok := cv.subnetRef(f(key), id); ok {
			np.PodSubnet = ref
			cv.record(df("podSubnet"), f(key))
		}
	}
	if u := p.UpgradeSettings; u != nil {
		us := f("upgradeSettings")
		if u.MaxSurge != "" {
			np.MaxSurge = u.MaxSurge
			cv.record(df("maxSurge"), design.Field(us, "maxSurge"))
		}
		// az prints maxUnavailable "0" for every pool, which is AKS's
		// default; only a value someone set is carried over.
		if u.MaxUnavailable != "" && u.MaxUnavailable != "0" {
			np.MaxUnavailable = u.MaxUnavailable
			cv.record(df("maxUnavailable"), design.Field(us, "maxUnavailable"))
		}
	}
	return np
}

// poolAllocationMode takes the pod IP allocation mode from the pools (the
// REST API has it per pool; the design per cluster) when the network
// profile did not state it. The first pool with a pod subnet that states it
// wins.
func (cv *aksConv) poolAllocationMode(c *design.Cluster, poolsSrc string, pools []aksPool) {
	if c.Network.PodIPAllocationMode != "" {
		return
	}
	for i := range pools {
		p := &pools[i]
		mode, key := aksAlt(p.PodIpAllocationMode, p.PodIPAllocationMode, "podIpAllocationMode", "podIPAllocationMode")
		src := design.Field(design.Index(poolsSrc, i), key)
		if v, ok := aksEnumValue[design.PodIPAllocationMode](cv, src, key, mode, nil); ok {
			c.Network.PodIPAllocationMode = v
			cv.record(design.Field(design.Field(c.Path, "network"), "podIPAllocationMode"), src)
			return
		}
	}
}

// clusterVNet sets the cluster's VNet from the first pool that has a node
// subnet; pools in other VNets are left for the node-pools-span-vnets rule.
func (cv *aksConv) clusterVNet(c *design.Cluster) {
	if c.VNet != "" {
		return
	}
	for _, p := range c.NodePools {
		if vnet, _, ok := strings.Cut(p.Subnet, "/"); ok {
			c.VNet = vnet
			loc := cv.d.Locate(design.Field(p.Path, "subnet"))
			cv.d.Sources[design.Field(c.Path, "vnet")] = loc
			return
		}
	}
}

// importAgentPools reads an `az aks nodepool list -o json` array at base and
// merges its pools into the clusters already in d: a listed pool replaces
// the cluster's pool of the same name (the list is the fuller source) or is
// added.
func importAgentPools(doc *importer.Doc, base string, d *design.Design) []importer.Problem {
	cv := &aksConv{doc: doc, d: d}
	var list []aksPool
	if !cv.decode(base, &list) {
		return cv.probs
	}
	type pending struct {
		cluster int
		src     string
		pool    *aksPool
	}
	var todo []pending
	missing := map[string]bool{}
	for i := range list {
		p := &list[i]
		src := design.Index(base, i)
		idSrc := design.Field(src, "id")
		rid, ok := importer.ParseResourceID(p.ID)
		if !ok || !rid.Is("Microsoft.ContainerService", "managedClusters", "agentPools") {
			cv.problem(idSrc, "pass the unmodified output of 'az aks nodepool list -g RESOURCE_GROUP --cluster-name CLUSTER -o json'",
				"%q is not an AKS agent pool resource ID", p.ID)
			continue
		}
		name := rid.Names[0]
		ci := -1
		for j := range d.Spec.Clusters {
			if strings.EqualFold(d.Spec.Clusters[j].Name, name) {
				ci = j
				break
			}
		}
		if ci < 0 {
			if missing[strings.ToLower(name)] {
				continue
			}
			missing[strings.ToLower(name)] = true
			cv.problem(idSrc, fmt.Sprintf("add the output of 'az aks show -g %s -n %s -o json'", rid.ResourceGroup, name),
				"node pools of cluster %s, but no `az aks show` output for %s is among the inputs", name, name)
			continue
		}
		if p.Name == "" {
			p.Name = rid.Name()
		}
		todo = append(todo, pending{ci, src, p})
	}
	if len(cv.probs) > 0 {
		return cv.probs
	}
	// Convert into copies first so that a problem leaves d.Spec untouched.
	clusters := map[int]*design.Cluster{}
	var order []int
	for _, t := range todo {
		c, ok := clusters[t.cluster]
		if !ok {
			cp := d.Spec.Clusters[t.cluster]
			cp.NodePools = append([]design.NodePool(nil), cp.NodePools...)
			c = &cp
			clusters[t.cluster] = c
			order = append(order, t.cluster)
		}
		j := len(c.NodePools)
		for k := range c.NodePools {
			if strings.EqualFold(c.NodePools[k].Name, t.pool.Name) {
				j = k
				break
			}
		}
		dp := design.Index(design.Field(c.Path, "nodePools"), j)
		aksForget(d, dp)
		np := cv.pool(dp, t.src, t.pool)
		cv.markLocalDNS(c, t.src, t.pool)
		if j == len(c.NodePools) {
			c.NodePools = append(c.NodePools, np)
		} else {
			c.NodePools[j] = np
		}
		mode, key := aksAlt(t.pool.PodIpAllocationMode, t.pool.PodIPAllocationMode, "podIpAllocationMode", "podIPAllocationMode")
		if mode != "" && c.Network.PodIPAllocationMode == "" {
			src := design.Field(t.src, key)
			if v, ok := aksEnumValue[design.PodIPAllocationMode](cv, src, key, mode, nil); ok {
				c.Network.PodIPAllocationMode = v
				cv.record(design.Field(design.Field(c.Path, "network"), "podIPAllocationMode"), src)
			}
		}
	}
	if len(cv.probs) > 0 {
		return cv.probs
	}
	for _, ci := range order {
		c := clusters[ci]
		if c.VNet == "" {
			cv.clusterVNet(c)
		}
		d.Spec.Clusters[ci] = *c
	}
	return nil
}

// aksForget drops the source entries of a design object and its fields, so
// that a replaced pool keeps no location of a value it no longer has.
func aksForget(d *design.Design, path string) {
	for k := range d.Sources {
		if k == path || strings.HasPrefix(k, path+".") || strings.HasPrefix(k, path+"[") {
			delete(d.Sources, k)
		}
	}
}
