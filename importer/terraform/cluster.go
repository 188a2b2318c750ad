package terraform

import (
	"strings"

	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/importer"
)

// tfPool is default_node_pool[0] of azurerm_kubernetes_cluster or the values
// of azurerm_kubernetes_cluster_node_pool. Provider 4.x writes
// auto_scaling_enabled, 3.x enable_auto_scaling.
type tfPool struct {
	Name                string `yaml:"name"`
	KubernetesClusterID string `yaml:"kubernetes_cluster_id"`
	Mode                string `yaml:"mode"`
	OSType              string `yaml:"os_type"`
	OSSku               string `yaml:"os_sku"`
	VMSize              string `yaml:"vm_size"`
	NodeCount           *int   `yaml:"node_count"`
	MinCount            *int   `yaml:"min_count"`
	MaxCount            *int   `yaml:"max_count"`
	AutoScalingEnabled  *bool  `yaml:"auto_scaling_enabled"`
	EnableAutoScaling   *bool  `yaml:"enable_auto_scaling"`
	MaxPods             *int   `yaml:"max_pods"`
	VnetSubnetID        string `yaml:"vnet_subnet_id"`
	PodSubnetID         string `yaml:"pod_subnet_id"`
	UpgradeSettings     []struct {
		MaxSurge       string `yaml:"max_surge"`
		MaxUnavailable string `yaml:"max_unavailable"`
	} `yaml:"upgrade_settings"`
}

type tfCluster struct {
	Name                  string   `yaml:"name"`
	Location              string   `yaml:"location"`
	KubernetesVersion     string   `yaml:"kubernetes_version"`
	PrivateClusterEnabled *bool    `yaml:"private_cluster_enabled"`
	PrivateDNSZoneID      string   `yaml:"private_dns_zone_id"`
	PublicFQDNEnabled     *bool    `yaml:"private_cluster_public_fqdn_enabled"`
	DefaultNodePool       []tfPool `yaml:"default_node_pool"`
	NetworkProfile        []struct {
		NetworkPlugin       string   `yaml:"network_plugin"`
		NetworkPluginMode   string   `yaml:"network_plugin_mode"`
		NetworkDataPlane    string   `yaml:"network_data_plane"`
		EbpfDataPlane       string   `yaml:"ebpf_data_plane"`
		NetworkPolicy       string   `yaml:"network_policy"`
		PodCidr             string   `yaml:"pod_cidr"`
		PodCidrs            []string `yaml:"pod_cidrs"`
		ServiceCidr         string   `yaml:"service_cidr"`
		ServiceCidrs        []string `yaml:"service_cidrs"`
		DNSServiceIP        string   `yaml:"dns_service_ip"`
		IPVersions          []string `yaml:"ip_versions"`
		OutboundType        string   `yaml:"outbound_type"`
		LoadBalancerProfile []struct {
			ManagedOutboundIPCount   *int `yaml:"managed_outbound_ip_count"`
			ManagedOutboundIPv6Count *int `yaml:"managed_outbound_ipv6_count"`
			OutboundPortsAllocated   *int `yaml:"outbound_ports_allocated"`
			IdleTimeoutInMinutes     *int `yaml:"idle_timeout_in_minutes"`
		} `yaml:"load_balancer_profile"`
		NatGatewayProfile []struct {
			ManagedOutboundIPCount *int `yaml:"managed_outbound_ip_count"`
			IdleTimeoutInMinutes   *int `yaml:"idle_timeout_in_minutes"`
		} `yaml:"nat_gateway_profile"`
	} `yaml:"network_profile"`
	APIServerAccessProfile []struct {
		AuthorizedIPRanges               []string `yaml:"authorized_ip_ranges"`
		SubnetID                         string   `yaml:"subnet_id"`
		VnetIntegrationEnabled           *bool    `yaml:"vnet_integration_enabled"`
		VirtualNetworkIntegrationEnabled *bool    `yaml:"virtual_network_integration_enabled"`
	} `yaml:"api_server_access_profile"`
}

var osSKUAliases = map[string]string{
	"mariner": "AzureLinux", "cblmariner": "AzureLinux", "azurelinux3": "AzureLinux",
	"ubuntu2204": "Ubuntu", "ubuntu2404": "Ubuntu",
}

func (cv *conv) cluster(r *resource) {
	var c tfCluster
	if !cv.decode(r, &c) {
		return
	}
	if c.Name == "" {
		cv.problem(r, r.values(), "", "%s: the cluster has no name", r.addr)
		return
	}
	cp := design.Index("spec.clusters", len(cv.d.Spec.Clusters))
	out := design.Cluster{Name: c.Name, Region: c.Location, Path: cp}
	df := func(k string) string { return design.Field(cp, k) }
	cv.record(r, cp, r.src)
	cv.record(r, df("name"), r.v("name"))
	cv.record(r, df("region"), r.v("location"))
	if c.KubernetesVersion != "" {
		out.KubernetesVersion = c.KubernetesVersion
		cv.record(r, df("kubernetesVersion"), r.v("kubernetes_version"))
	} else if !cv.isUnknown(r, "kubernetes_version") {
		cv.problem(r, r.values(), "set kubernetes_version on the cluster so the checks know which AKS defaults apply",
			"%s: the cluster has no kubernetes_version", r.addr)
	}
	if len(c.NetworkProfile) > 0 {
		n := c.NetworkProfile[0]
		src := "network_profile[0]"
		f := func(k string) string { return r.v(src + "." + k) }
		net := df("network")
		dn := func(k string) string { return design.Field(net, k) }
		cv.record(r, net, r.v(src))
		if v, ok := enumValue[design.NetworkPlugin](cv, r, f("network_plugin"), "network_plugin", n.NetworkPlugin); ok {
			out.Network.Plugin = v
			cv.record(r, dn("plugin"), f("network_plugin"))
		}
		if v, ok := enumValue[design.PluginMode](cv, r, f("network_plugin_mode"), "network_plugin_mode", n.NetworkPluginMode); ok {
			out.Network.PluginMode = v
			cv.record(r, dn("pluginMode"), f("network_plugin_mode"))
		}
		dp, key := n.NetworkDataPlane, "network_data_plane"
		if dp == "" {
			dp, key = n.EbpfDataPlane, "ebpf_data_plane"
		}
		if v, ok := enumValue[design.Dataplane](cv, r, f(key), key, dp); ok {
			out.Network.Dataplane = v
			cv.record(r, dn("dataplane"), f(key))
		}
		if v, ok := enumValue[design.PolicyEngine](cv, r, f("network_policy"), "network_policy", n.NetworkPolicy); ok {
			out.Network.Policy = v
			cv.record(r, dn("policy"), f("network_policy"))
		}
		for i, fam := range n.IPVersions {
			el := design.Index(f("ip_versions"), i)
			if v, ok := enumValue[design.IPFamily](cv, r, el, "ip_versions", fam); ok {
				cv.record(r, design.Index(dn("ipFamilies"), len(out.Network.IPFamilies)), el)
				out.Network.IPFamilies = append(out.Network.IPFamilies, v)
			}
		}
		if len(out.Network.IPFamilies) > 0 {
			cv.record(r, dn("ipFamilies"), f("ip_versions"))
		}
		out.Network.PodCIDRs = cv.cidrs(r, dn("podCidrs"), src, "pod_cidrs", n.PodCidrs, "pod_cidr", n.PodCidr)
		out.Network.ServiceCIDRs = cv.cidrs(r, dn("serviceCidrs"), src, "service_cidrs", n.ServiceCidrs, "service_cidr", n.ServiceCidr)
		if n.DNSServiceIP != "" {
			if a, err := parseAddr(n.DNSServiceIP); err != nil {
				cv.problem(r, f("dns_service_ip"), "write an IPv4 address inside the Service CIDR, e.g. 10.0.0.10", "%s: dns_service_ip %q is not an IP address", r.addr, n.DNSServiceIP)
			} else {
				out.Network.DNSServiceIP = a
				cv.record(r, dn("dnsServiceIP"), f("dns_service_ip"))
			}
		}
		ob := df("outbound")
		if v, ok := enumValue[design.OutboundType](cv, r, f("outbound_type"), "outbound_type", n.OutboundType); ok {
			out.Outbound.Type = v
			cv.record(r, ob, f("outbound_type"))
			cv.record(r, design.Field(ob, "type"), f("outbound_type"))
		}
		if len(n.LoadBalancerProfile) > 0 {
			lb := n.LoadBalancerProfile[0]
			ls := src + ".load_balancer_profile[0]"
			dl := design.Field(ob, "loadBalancer")
			p := &design.LoadBalancerProfile{}
			set := false
			put := func(dst *int, v *int, field, key string) {
				if v != nil {
					*dst, set = *v, true
					cv.record(r, design.Field(dl, field), r.v(ls+"."+key))
				}
			}
			put(&p.OutboundIPs, lb.ManagedOutboundIPCount, "outboundIPs", "managed_outbound_ip_count")
			put(&p.OutboundIPv6s, lb.ManagedOutboundIPv6Count, "outboundIPv6s", "managed_outbound_ipv6_count")
			put(&p.AllocatedOutboundPorts, lb.OutboundPortsAllocated, "allocatedOutboundPorts", "outbound_ports_allocated")
			put(&p.IdleTimeoutMinutes, lb.IdleTimeoutInMinutes, "idleTimeoutMinutes", "idle_timeout_in_minutes")
			if set {
				out.Outbound.LoadBalancer = p
				cv.record(r, dl, r.v(ls))
			}
		}
		if len(n.NatGatewayProfile) > 0 {
			ng := n.NatGatewayProfile[0]
			ns := src + ".nat_gateway_profile[0]"
			dg := design.Field(ob, "natGateway")
			p := &design.ManagedNATProfile{}
			set := false
			if ng.ManagedOutboundIPCount != nil {
				p.OutboundIPs, set = *ng.ManagedOutboundIPCount, true
				cv.record(r, design.Field(dg, "outboundIPs"), r.v(ns+".managed_outbound_ip_count"))
			}
			if ng.IdleTimeoutInMinutes != nil {
				p.IdleTimeoutMinutes, set = *ng.IdleTimeoutInMinutes, true
				cv.record(r, design.Field(dg, "idleTimeoutMinutes"), r.v(ns+".idle_timeout_in_minutes"))
			}
			if set {
				out.Outbound.NATGateway = p
				cv.record(r, dg, r.v(ns))
			}
		}
	}
	api := df("apiServer")
	if c.PrivateClusterEnabled != nil && *c.PrivateClusterEnabled {
		out.APIServer.Private = true
		cv.record(r, api, r.v("private_cluster_enabled"))
		cv.record(r, design.Field(api, "private"), r.v("private_cluster_enabled"))
	}
	if z := c.PrivateDNSZoneID; z != "" {
		switch strings.ToLower(z) {
		case "system", "none":
			z = strings.ToLower(z)
		}
		out.APIServer.PrivateDNSZone = z
		cv.record(r, design.Field(api, "privateDnsZone"), r.v("private_dns_zone_id"))
	} else if out.APIServer.Private {
		cv.isUnknown(r, "private_dns_zone_id")
	}
	if out.APIServer.Private && c.PublicFQDNEnabled != nil {
		b := *c.PublicFQDNEnabled
		out.APIServer.PublicFQDN = &b
		cv.record(r, design.Field(api, "publicFQDN"), r.v("private_cluster_public_fqdn_enabled"))
	}
	if len(c.APIServerAccessProfile) > 0 {
		ap := c.APIServerAccessProfile[0]
		as := "api_server_access_profile[0]"
		out.APIServer.AuthorizedIPRanges = cv.prefixes(r, design.Field(api, "authorizedIPRanges"), r.v(as+".authorized_ip_ranges"), ap.AuthorizedIPRanges, true)
		enabled := ap.VirtualNetworkIntegrationEnabled
		if enabled == nil {
			enabled = ap.VnetIntegrationEnabled
		}
		if enabled == nil || *enabled {
			if ref, at, ok := cv.subnetRef(r, as+".subnet_id", ap.SubnetID); ok {
				out.APIServer.VNetIntegrationSubnet = ref
				cv.record(r, design.Field(api, "vnetIntegrationSubnet"), at)
			}
		}
	}
	if len(c.DefaultNodePool) == 0 {
		cv.problem(r, r.values(), "", "%s: the cluster has no default_node_pool", r.addr)
	} else {
		pp := design.Index(df("nodePools"), 0)
		if np, ok := cv.pool(r, "default_node_pool[0]", pp, &c.DefaultNodePool[0], design.ModeSystem); ok {
			cv.record(r, df("nodePools"), r.v("default_node_pool"))
			out.NodePools = append(out.NodePools, np)
		}
	}
	cv.d.Spec.Clusters = append(cv.d.Spec.Clusters, out)
}

// cidrs reads a list attribute, or the single-value one when the list is
// empty.
func (cv *conv) cidrs(r *resource, designPath, base, listKey string, list []string, oneKey, one string) []netipPrefix {
	if len(list) == 0 && one != "" {
		list, listKey = []string{one}, oneKey
		src := r.v(base + "." + oneKey)
		p, ok := parsePrefix(one, false)
		if !ok {
			cv.problem(r, src, "write a CIDR such as 10.0.0.0/16", "%s: %q is not a CIDR", r.addr, one)
			return nil
		}
		cv.record(r, designPath, src)
		cv.record(r, design.Index(designPath, 0), src)
		return []netipPrefix{p}
	}
	return cv.prefixes(r, designPath, r.v(base+"."+listKey), list, false)
}

// pool converts a node pool at rel (relative to the resource values) into a
// design pool at dp. A pool whose node subnet is known only after apply,
// and does not resolve through the plan's configuration, is left out (ok
// false) with a warning: it cannot be checked.
func (cv *conv) pool(r *resource, rel, dp string, p *tfPool, defMode design.PoolMode) (design.NodePool, bool) {
	f := func(k string) string { return r.v(design.Field(rel, k)) }
	fr := func(k string) string { return design.Field(rel, k) }
	df := func(k string) string { return design.Field(dp, k) }
	np := design.NodePool{Name: p.Name, Path: dp, Mode: defMode}
	subnet, subnetAt, subnetOK := cv.subnetRef(r, fr("vnet_subnet_id"), p.VnetSubnetID)
	if _, unk := unknownAt(r, fr("vnet_subnet_id")); !subnetOK && p.VnetSubnetID == "" && unk {
		return np, false
	}
	cv.record(r, dp, r.v(rel))
	cv.record(r, df("name"), f("name"))
	if p.Name == "" {
		cv.problem(r, r.v(rel), "", "%s: the node pool has no name", r.addr)
	}
	if v, ok := enumValue[design.PoolMode](cv, r, f("mode"), "mode", p.Mode); ok {
		np.Mode = v
		cv.record(r, df("mode"), f("mode"))
	}
	if v, ok := enumValue[design.OSType](cv, r, f("os_type"), "os_type", p.OSType); ok {
		np.OS = v
		cv.record(r, df("os"), f("os_type"))
	}
	if p.OSSku != "" {
		raw := p.OSSku
		if a, ok := osSKUAliases[strings.ToLower(raw)]; ok {
			raw = a
		}
		if strings.EqualFold(raw, "WindowsAnnual") {
			raw = ""
		}
		if v, ok := enumValue[design.OSSKU](cv, r, f("os_sku"), "os_sku", raw); ok {
			np.OSSKU = v
			cv.record(r, df("osSku"), f("os_sku"))
		}
	}
	if p.VMSize != "" {
		np.VMSize = p.VMSize
		cv.record(r, df("vmSize"), f("vm_size"))
	}
	auto := (p.AutoScalingEnabled != nil && *p.AutoScalingEnabled) || (p.EnableAutoScaling != nil && *p.EnableAutoScaling)
	if auto {
		if p.MinCount != nil {
			np.MinCount = intPtr(*p.MinCount)
			cv.record(r, df("minCount"), f("min_count"))
		}
		if p.MaxCount != nil {
			np.MaxCount = intPtr(*p.MaxCount)
			cv.record(r, df("maxCount"), f("max_count"))
		}
	}
	if (!auto || np.MaxCount == nil) && p.NodeCount != nil {
		np.Count = intPtr(*p.NodeCount)
		cv.record(r, df("count"), f("node_count"))
	}
	if p.MaxPods != nil {
		np.MaxPods = intPtr(*p.MaxPods)
		cv.record(r, df("maxPods"), f("max_pods"))
	}
	if subnetOK {
		np.Subnet = subnet
		cv.record(r, df("subnet"), subnetAt)
	}
	if ref, at, ok := cv.subnetRef(r, fr("pod_subnet_id"), p.PodSubnetID); ok {
		np.PodSubnet = ref
		cv.record(r, df("podSubnet"), at)
	}
	if len(p.UpgradeSettings) > 0 {
		u := p.UpgradeSettings[0]
		us := design.Field(rel, "upgrade_settings[0]")
		if u.MaxSurge != "" {
			np.MaxSurge = u.MaxSurge
			cv.record(r, df("maxSurge"), r.v(us+".max_surge"))
		}
		if u.MaxUnavailable != "" && u.MaxUnavailable != "0" {
			np.MaxUnavailable = u.MaxUnavailable
			cv.record(r, df("maxUnavailable"), r.v(us+".max_unavailable"))
		}
	}
	return np, true
}

// nodePool adds an azurerm_kubernetes_cluster_node_pool to its cluster.
func (cv *conv) nodePool(r *resource) {
	var p tfPool
	if !cv.decode(r, &p) {
		return
	}
	if p.KubernetesClusterID == "" {
		if _, unk := unknownAt(r, "kubernetes_cluster_id"); !unk {
			cv.problem(r, r.values(), "", "%s: the node pool has no kubernetes_cluster_id", r.addr)
			return
		}
	}
	// resourceName resolves a cluster created in the same plan through the
	// configuration, or warns that the pool cannot be checked.
	name, at, ok := cv.resourceName(r, "kubernetes_cluster_id", p.KubernetesClusterID, "azurerm_kubernetes_cluster", "Microsoft.ContainerService", "managedClusters")
	if !ok {
		return
	}
	var c *design.Cluster
	for i := range cv.d.Spec.Clusters {
		if strings.EqualFold(cv.d.Spec.Clusters[i].Name, name) {
			c = &cv.d.Spec.Clusters[i]
		}
	}
	if c == nil {
		if !cv.missing(name) {
			return
		}
		cv.problem(r, at, "include the azurerm_kubernetes_cluster in the same Terraform state or plan",
			"%s: cluster %q is not among the inputs", r.addr, name)
		return
	}
	dp := design.Index(design.Field(c.Path, "nodePools"), len(c.NodePools))
	if np, ok := cv.pool(r, "", dp, &p, design.ModeUser); ok {
		c.NodePools = append(c.NodePools, np)
	}
}

// finishClusters sets each cluster's VNet from its first pool with a node
// subnet, and drops (with a warning) clusters left without pools because
// their pools could not be checked.
func (cv *conv) finishClusters() {
	kept := cv.d.Spec.Clusters[:0]
	for _, c := range cv.d.Spec.Clusters {
		if len(c.NodePools) == 0 {
			loc := cv.d.Locate(c.Path)
			cv.warns = append(cv.warns, importer.Problem{File: loc.File, Line: loc.Line, Path: loc.Path,
				Msg: "cluster " + c.Name + " is not checked: none of its node pools is known before apply"})
			forget(cv.d, c.Path)
			continue
		}
		for _, p := range c.NodePools {
			if vn, _, ok := strings.Cut(p.Subnet, "/"); ok {
				c.VNet = vn
				cv.d.Sources[design.Field(c.Path, "vnet")] = cv.d.Locate(design.Field(p.Path, "subnet"))
				break
			}
		}
		if at := len(kept); design.Index("spec.clusters", at) != c.Path {
			cv.repath(&c, design.Index("spec.clusters", at))
		}
		kept = append(kept, c)
	}
	cv.d.Spec.Clusters = kept
}

// repath moves a cluster, its pools and their source entries to a new
// design path, after an earlier cluster was dropped.
func (cv *conv) repath(c *design.Cluster, to string) {
	from := c.Path
	moved := design.SourceMap{}
	for k, loc := range cv.d.Sources {
		if k == from || strings.HasPrefix(k, from+".") || strings.HasPrefix(k, from+"[") {
			moved[to+strings.TrimPrefix(k, from)] = loc
			delete(cv.d.Sources, k)
		}
	}
	for k, loc := range moved {
		cv.d.Sources[k] = loc
	}
	c.Path = to
	for i := range c.NodePools {
		c.NodePools[i].Path = to + strings.TrimPrefix(c.NodePools[i].Path, from)
	}
}
