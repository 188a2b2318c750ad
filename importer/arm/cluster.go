package arm

import (
	"strings"

	"github.com/aksnet/aksnet/cidr"
	"github.com/aksnet/aksnet/design"
)

// This file converts Microsoft.ContainerService/managedClusters resources
// (networkProfile, apiServerAccessProfile, agentPoolProfiles) and their
// managedClusters/agentPools children. Property names are those of the
// REST API, which templates use (vnetSubnetID, dnsServiceIP, osSKU).

var osSKUAliases = map[string]string{
	"cblmariner": "AzureLinux", "mariner": "AzureLinux", "azurelinux3": "AzureLinux",
	"ubuntu2204": "Ubuntu", "ubuntu2404": "Ubuntu",
	// The Windows annual channel has no design value; the OS type still
	// says Windows.
	"windowsannual": "",
}

func (c *conv) cluster(r resource) {
	for _, cl := range c.d.Spec.Clusters {
		if cl.Name == r.name {
			c.problem(r.nameV, "give every cluster its own name", "managed cluster %s is declared twice", r.name)
			return
		}
	}
	dp := design.Index("spec.clusters", len(c.d.Spec.Clusters))
	df := func(k string) string { return design.Field(dp, k) }
	cl := design.Cluster{Name: r.name, Path: dp}
	c.record(dp, r.v)
	c.record(df("name"), r.nameV)
	cl.Region = c.region(r, df("region"))
	props, ok := c.properties(r)
	if !ok {
		c.problem(r.v, `add "properties" with networkProfile and agentPoolProfiles`, "managed cluster %s has no properties", r.name)
		return
	}
	mark := c.unknowns
	if s, v, ok := c.strAt(props, "kubernetesVersion"); ok {
		cl.KubernetesVersion = s
		c.record(df("kubernetesVersion"), v)
	} else if c.unknownSince(mark) {
		c.warn(r.v, "", "managed cluster %s is not checked: its kubernetesVersion is known only at deployment", r.name)
		c.skip("cluster/" + r.name)
		c.forget(dp)
		return
	} else if !c.has(props, "kubernetesVersion") {
		c.problem(props, `set properties.kubernetesVersion, e.g. "1.33", so the checks know which AKS defaults apply`,
			"managed cluster %s has no kubernetesVersion", r.name)
	}
	if np, ok := c.get(props, "networkProfile"); ok && c.object(np, "networkProfile") {
		c.network(&cl, np)
	}
	if ap, ok := c.get(props, "apiServerAccessProfile"); ok && c.object(ap, "apiServerAccessProfile") {
		c.apiServer(&cl, ap)
	}
	if c.unknownSince(mark) {
		// Left unset, an unknown network setting would read as the AKS
		// default, and the rules would check what is not so.
		c.warn(r.v, "", "managed cluster %s is not checked: part of its network or API server profile is known only at deployment", r.name)
		c.skip("cluster/" + r.name)
		c.forget(dp)
		return
	}
	if pools, ok := c.get(props, "agentPoolProfiles"); ok {
		c.record(df("nodePools"), pools)
		for _, p := range c.list(pools, "agentPoolProfiles") {
			if !c.object(p, "agentPoolProfiles") {
				continue
			}
			name, nv, ok := c.strAt(p, "name")
			if !ok {
				if !c.has(p, "name") {
					c.problem(p, `add "name"`, "agent pool of %s has no name", r.name)
				}
				continue
			}
			pdp := design.Index(df("nodePools"), len(cl.NodePools))
			if np, ok := c.pool(&cl, pdp, name, p, nv, p); ok {
				cl.NodePools = append(cl.NodePools, np)
			}
		}
	}
	c.d.Spec.Clusters = append(c.d.Spec.Clusters, cl)
}

// agentPool converts a managedClusters/agentPools resource into a pool of
// its cluster; it replaces a pool of the same name from agentPoolProfiles.
func (c *conv) agentPool(r resource) {
	cname, name, ok := c.splitChild(r, "agent pool")
	if !ok {
		return
	}
	var cl *design.Cluster
	for i := range c.d.Spec.Clusters {
		if c.d.Spec.Clusters[i].Name == cname {
			cl = &c.d.Spec.Clusters[i]
		}
	}
	if cl == nil {
		if !c.isSkipped("cluster/" + cname) {
			c.problem(r.nameV, "add the template that declares the cluster, or check the cluster name",
				"agent pool %s belongs to managed cluster %s, which is not among the inputs", name, cname)
		}
		return
	}
	props, ok := c.properties(r)
	if !ok {
		c.problem(r.v, `add "properties" with count, vmSize and vnetSubnetID`, "agent pool %s has no properties", r.name)
		return
	}
	j := len(cl.NodePools)
	for k := range cl.NodePools {
		if strings.EqualFold(cl.NodePools[k].Name, name) {
			j = k
		}
	}
	dp := design.Index(design.Field(cl.Path, "nodePools"), j)
	c.forget(dp)
	np, ok := c.pool(cl, dp, name, r.v, r.nameV, props)
	switch {
	case !ok && j < len(cl.NodePools):
		// The pool is not checked; drop the inline declaration it replaces.
		cl.NodePools = append(cl.NodePools[:j], cl.NodePools[j+1:]...)
		c.repathPools(cl, j)
	case !ok:
	case j < len(cl.NodePools):
		cl.NodePools[j] = np
	default:
		cl.NodePools = append(cl.NodePools, np)
	}
}

func (c *conv) network(cl *design.Cluster, np value) {
	net := design.Field(cl.Path, "network")
	df := func(k string) string { return design.Field(net, k) }
	c.record(net, np)
	n := &cl.Network
	setEnum(c, np, "networkPlugin", df("plugin"), &n.Plugin)
	setEnum(c, np, "networkPluginMode", df("pluginMode"), &n.PluginMode)
	setEnum(c, np, "networkDataplane", df("dataplane"), &n.Dataplane)
	setEnum(c, np, "networkPolicy", df("policy"), &n.Policy)
	setEnum(c, np, "podIPAllocationMode", df("podIPAllocationMode"), &n.PodIPAllocationMode)
	if fams, ok := c.get(np, "ipFamilies"); ok {
		for _, it := range c.list(fams, "ipFamilies") {
			if x, ok := enum[design.IPFamily](c, it, "ipFamilies", nil); ok {
				c.record(design.Index(df("ipFamilies"), len(n.IPFamilies)), it)
				n.IPFamilies = append(n.IPFamilies, x)
			}
		}
		if len(n.IPFamilies) > 0 {
			c.record(df("ipFamilies"), fams)
		}
	}
	n.PodCIDRs = c.prefixes(np, "podCidrs", "podCidr", df("podCidrs"), false)
	n.ServiceCIDRs = c.prefixes(np, "serviceCidrs", "serviceCidr", df("serviceCidrs"), false)
	if s, v, ok := c.strAt(np, "dnsServiceIP"); ok {
		if a, err := cidr.ParseAddr(s); err != nil {
			c.problem(v, "write an IPv4 address inside the Service CIDR, e.g. 10.0.0.10", "dnsServiceIP: %v", err)
		} else {
			n.DNSServiceIP = a
			c.record(df("dnsServiceIP"), v)
		}
	}
	out := design.Field(cl.Path, "outbound")
	if v, ok := c.get(np, "outboundType"); ok {
		if x, ok := enum[design.OutboundType](c, v, "outboundType", nil); ok {
			cl.Outbound.Type = x
			c.record(out, v)
			c.record(design.Field(out, "type"), v)
		}
	}
	profile := func(key, field string, fields [][3]string) map[string]int {
		obj, ok := c.get(np, key)
		if !ok || !c.object(obj, key) {
			return nil
		}
		dl := design.Field(out, field)
		got := map[string]int{}
		for _, f := range fields {
			for _, k := range strings.Split(f[0], "|") {
				if x, v, ok := c.intAt(obj, k); ok {
					got[f[1]] = *x
					c.record(design.Field(dl, f[1]), v)
					break
				}
			}
		}
		if len(got) > 0 {
			c.record(dl, obj)
		}
		return got
	}
	if got := profile("loadBalancerProfile", "loadBalancer", [][3]string{
		{"managedOutboundIPs.count", "outboundIPs"},
		{"managedOutboundIPs.countIPv6", "outboundIPv6s"},
		{"allocatedOutboundPorts", "allocatedOutboundPorts"},
		{"idleTimeoutInMinutes", "idleTimeoutMinutes"},
	}); len(got) > 0 {
		cl.Outbound.LoadBalancer = &design.LoadBalancerProfile{OutboundIPs: got["outboundIPs"], OutboundIPv6s: got["outboundIPv6s"],
			AllocatedOutboundPorts: got["allocatedOutboundPorts"], IdleTimeoutMinutes: got["idleTimeoutMinutes"]}
	}
	if got := profile("natGatewayProfile", "natGateway", [][3]string{
		{"managedOutboundIPProfile.count", "outboundIPs"},
		{"idleTimeoutInMinutes", "idleTimeoutMinutes"},
	}); len(got) > 0 {
		cl.Outbound.NATGateway = &design.ManagedNATProfile{OutboundIPs: got["outboundIPs"], IdleTimeoutMinutes: got["idleTimeoutMinutes"]}
	}
}

func (c *conv) apiServer(cl *design.Cluster, ap value) {
	api := design.Field(cl.Path, "apiServer")
	df := func(k string) string { return design.Field(api, k) }
	c.record(api, ap)
	a := &cl.APIServer
	if b, v, ok := c.boolAt(ap, "enablePrivateCluster"); ok {
		a.Private = b
		c.record(df("private"), v)
	}
	if s, v, ok := c.strAt(ap, "privateDNSZone"); ok {
		a.PrivateDNSZone = s
		c.record(df("privateDnsZone"), v)
	}
	if b, v, ok := c.boolAt(ap, "enablePrivateClusterPublicFQDN"); ok {
		a.PublicFQDN = &b
		c.record(df("publicFQDN"), v)
	}
	a.AuthorizedIPRanges = c.prefixes(ap, "authorizedIPRanges", "", df("authorizedIPRanges"), true)
	if b, _, ok := c.boolAt(ap, "enableVnetIntegration"); ok && b {
		// Without subnetId, AKS creates and delegates the subnet itself.
		ref, v, ok := c.subnetRef(ap, "subnetId")
		if ok && c.subnetSkipped(ref) {
			// Left unset, the cluster would read as one without VNet
			// integration; it is left out with the subnet.
			c.unknowns++
			c.warn(v, "", "the API server subnet %s of %s is not checked", ref, cl.Name)
		} else if ok {
			a.VNetIntegrationSubnet = c.canonicalRef(ref)
			c.record(df("vnetIntegrationSubnet"), v)
		}
	}
}

// canonicalRef spells a vnet/subnet reference as the design does.
func (c *conv) canonicalRef(ref string) string {
	vnet, subnet, _ := strings.Cut(ref, "/")
	if vn := c.d.VNetByName(vnet); vn != nil {
		if s := vn.SubnetByName(subnet); s != nil {
			return vn.Name + "/" + s.Name
		}
	}
	return ref
}

// pool converts an agent pool (an agentPoolProfiles element, or the
// properties of an agentPools resource) at p into a design pool at dp. A
// pool that cannot be checked because its subnet or size is known only at
// deployment, or whose subnet is left out, is dropped (ok false) with a
// warning.
func (c *conv) pool(cl *design.Cluster, dp, name string, obj, nameV, p value) (design.NodePool, bool) {
	df := func(k string) string { return design.Field(dp, k) }
	np := design.NodePool{Name: name, Path: dp}
	c.record(dp, obj)
	c.record(df("name"), nameV)
	drop := func(why string) (design.NodePool, bool) {
		c.warn(obj, "", "node pool %s of %s is not checked: %s", name, cl.Name, why)
		c.droppedPools[strings.ToLower(cl.Name)]++
		c.forget(dp)
		return design.NodePool{}, false
	}
	first := c.unknowns
	setEnum(c, p, "mode", df("mode"), &np.Mode)
	setEnum(c, p, "osType", df("os"), &np.OS)
	if v, ok := c.get(p, "osSKU"); ok {
		if x, ok := enum[design.OSSKU](c, v, "osSKU", osSKUAliases); ok {
			np.OSSKU = x
			c.record(df("osSku"), v)
		}
	}
	if s, v, ok := c.strAt(p, "vmSize"); ok {
		np.VMSize = s
		c.record(df("vmSize"), v)
	}
	// A template can only ask for LocalDNS; mode Required is the one that
	// is sure to run it (Preferred depends on checks AKS makes at deploy).
	if mode, v, ok := c.strAt(p, "localDNSProfile.mode"); ok && strings.EqualFold(mode, "Required") && !cl.Network.LocalDNS {
		cl.Network.LocalDNS = true
		c.record(design.Field(design.Field(cl.Path, "network"), "localDNS"), v)
	}
	mark := c.unknowns
	auto, _, _ := c.boolAt(p, "enableAutoScaling")
	count, cv, hasCount := c.intAt(p, "count")
	if auto {
		// Autoscaled pools are sized by minCount and maxCount; count is
		// only the size at creation.
		if n, v, ok := c.intAt(p, "minCount"); ok {
			np.MinCount = n
			c.record(df("minCount"), v)
		}
		if n, v, ok := c.intAt(p, "maxCount"); ok {
			np.MaxCount = n
			c.record(df("maxCount"), v)
		}
	}
	if (!auto || np.MaxCount == nil) && hasCount {
		np.Count = count
		c.record(df("count"), cv)
	}
	if c.unknownSince(mark) {
		return drop("its node count is known only at deployment")
	}
	if np.Count == nil && np.MaxCount == nil && !c.has(p, "count") && !auto {
		// The API's default: one node.
		one := 1
		np.Count = &one
		c.record(df("count"), obj)
		c.warn(obj, "set count to say how many nodes the pool has", "node pool %s of %s sets no count; AKS creates 1 node", name, cl.Name)
	}
	if n, v, ok := c.intAt(p, "maxPods"); ok {
		np.MaxPods = n
		c.record(df("maxPods"), v)
	}
	mark = c.unknowns
	if ref, v, ok := c.subnetRef(p, "vnetSubnetID"); ok {
		np.Subnet = c.canonicalRef(ref)
		c.record(df("subnet"), v)
	}
	if ref, v, ok := c.subnetRef(p, "podSubnetID"); ok {
		np.PodSubnet = c.canonicalRef(ref)
		c.record(df("podSubnet"), v)
	}
	if c.unknownSince(mark) {
		return drop("its subnet is known only at deployment")
	}
	for _, ref := range []string{np.Subnet, np.PodSubnet} {
		if c.subnetSkipped(ref) {
			return drop("its subnet " + ref + " is not checked")
		}
	}
	if v, ok := c.get(p, "podIPAllocationMode"); ok {
		if x, ok := enum[design.PodIPAllocationMode](c, v, "podIPAllocationMode", nil); ok && cl.Network.PodIPAllocationMode == "" {
			// The REST API has the mode per pool, the design per cluster;
			// the first pool that states it decides.
			cl.Network.PodIPAllocationMode = x
			c.record(design.Field(design.Field(cl.Path, "network"), "podIPAllocationMode"), v)
		}
	}
	if v, ok := c.path(p, "upgradeSettings.maxSurge"); ok {
		// maxSurge is a string in the API; accept a bare number too.
		if v.node.Tag == "!!int" {
			np.MaxSurge = v.node.Value
			c.record(df("maxSurge"), v)
		} else if s, ok := c.str(v, "maxSurge"); ok {
			np.MaxSurge = s
			c.record(df("maxSurge"), v)
		}
	}
	if v, ok := c.path(p, "upgradeSettings.maxUnavailable"); ok {
		if v.node.Tag == "!!int" {
			np.MaxUnavailable = v.node.Value
			c.record(df("maxUnavailable"), v)
		} else if s, ok := c.str(v, "maxUnavailable"); ok {
			np.MaxUnavailable = s
			c.record(df("maxUnavailable"), v)
		}
	}
	if c.unknownSince(first) {
		return drop("part of it is known only at deployment")
	}
	return np, true
}

// repathPools renumbers the pools of cl from index j on, after the pool at
// j was removed, moving their source entries along.
func (c *conv) repathPools(cl *design.Cluster, j int) {
	for k := j; k < len(cl.NodePools); k++ {
		to := design.Index(design.Field(cl.Path, "nodePools"), k)
		c.move(cl.NodePools[k].Path, to)
		cl.NodePools[k].Path = to
	}
}

// move re-keys the source entries of a design object from one path to
// another.
func (c *conv) move(from, to string) {
	moved := design.SourceMap{}
	for k, loc := range c.d.Sources {
		if k == from || strings.HasPrefix(k, from+".") || strings.HasPrefix(k, from+"[") {
			moved[to+strings.TrimPrefix(k, from)] = loc
			delete(c.d.Sources, k)
		}
	}
	for k, loc := range moved {
		c.d.Sources[k] = loc
	}
}

// finishClusters drops clusters left without pools because none of their
// pools could be checked, and sets each cluster's VNet from its first pool
// with a node subnet.
func (c *conv) finishClusters() {
	kept := c.d.Spec.Clusters[:0]
	for _, cl := range c.d.Spec.Clusters {
		if len(cl.NodePools) == 0 && c.droppedPools[strings.ToLower(cl.Name)] > 0 {
			c.warnAt(cl.Path, "", "managed cluster %s is not checked: none of its node pools can be checked", cl.Name)
			c.forget(cl.Path)
			continue
		}
		to := design.Index("spec.clusters", len(kept))
		if to != cl.Path {
			c.move(cl.Path, to)
			for i := range cl.NodePools {
				cl.NodePools[i].Path = to + strings.TrimPrefix(cl.NodePools[i].Path, cl.Path)
			}
			cl.Path = to
		}
		for _, p := range cl.NodePools {
			if vn, _, ok := strings.Cut(p.Subnet, "/"); ok {
				cl.VNet = vn
				c.d.Sources[design.Field(cl.Path, "vnet")] = c.d.Locate(design.Field(p.Path, "subnet"))
				break
			}
		}
		kept = append(kept, cl)
	}
	c.d.Spec.Clusters = kept
}

// setEnum reads obj's key as a value of the enum T into dst, recording
// where it came from at designPath; a value T does not allow is a problem.
func setEnum[T ~string](c *conv, obj value, key, designPath string, dst *T) {
	if v, ok := c.get(obj, key); ok {
		if x, ok := enum[T](c, v, key, nil); ok {
			*dst = x
			c.record(designPath, v)
		}
	}
}
