package design

import (
	"fmt"
	"path"
	"regexp"
	"strings"

	"github.com/aksnet/aksnet/cidr"
)

// Problem is a structural problem in a design: something that makes it
// unusable rather than risky (a dangling reference, a duplicate name, an
// absurd number). Risky designs produce findings from rules instead.
type Problem struct {
	Path string
	Msg  string
	Hint string
}

// Bounds beyond which a number is a typo rather than a design choice.
const (
	absurdCount = 100_000
	absurdPods  = 10_000
)

var (
	serviceTag = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z0-9]+)*$`)
	ruleID     = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
)

type validator struct {
	d     *Design
	probs []Problem
}

func (v *validator) add(path, hint, format string, args ...any) {
	v.probs = append(v.probs, Problem{Path: path, Msg: fmt.Sprintf(format, args...), Hint: hint})
}

// Validate checks the structure of a design: unique names, references that
// resolve, and numbers in plausible ranges. It returns every problem found;
// an empty result means rules can run.
func Validate(d *Design) []Problem {
	v := &validator{d: d}
	s := &d.Spec
	v.planning()
	names := func(kind, listPath string, n int, name func(i int) (string, string)) {
		seen := map[string]int{}
		for i := range n {
			nm, p := name(i)
			if strings.TrimSpace(nm) == "" {
				v.add(Field(p, "name"), "", "%s name is empty", kind)
				continue
			}
			if j, dup := seen[nm]; dup {
				v.add(Field(p, "name"), "names must be unique", "%s %q is defined twice (also %s)", kind, nm, Index(listPath, j))
				continue
			}
			seen[nm] = i
		}
	}
	names("external range", "spec.externalRanges", len(s.ExternalRanges), func(i int) (string, string) { return s.ExternalRanges[i].Name, s.ExternalRanges[i].Path })
	names("VNet", "spec.vnets", len(s.VNets), func(i int) (string, string) { return s.VNets[i].Name, s.VNets[i].Path })
	names("route table", "spec.routeTables", len(s.RouteTables), func(i int) (string, string) { return s.RouteTables[i].Name, s.RouteTables[i].Path })
	names("NSG", "spec.networkSecurityGroups", len(s.NSGs), func(i int) (string, string) { return s.NSGs[i].Name, s.NSGs[i].Path })
	names("NAT gateway", "spec.natGateways", len(s.NATGateways), func(i int) (string, string) { return s.NATGateways[i].Name, s.NATGateways[i].Path })
	names("private DNS zone", "spec.privateDnsZones", len(s.PrivateDNSZones), func(i int) (string, string) {
		return strings.ToLower(s.PrivateDNSZones[i].Name), s.PrivateDNSZones[i].Path
	})
	names("private endpoint", "spec.privateEndpoints", len(s.PrivateEndpoints), func(i int) (string, string) { return s.PrivateEndpoints[i].Name, s.PrivateEndpoints[i].Path })
	names("cluster", "spec.clusters", len(s.Clusters), func(i int) (string, string) { return s.Clusters[i].Name, s.Clusters[i].Path })

	for i := range s.ExternalRanges {
		r := &s.ExternalRanges[i]
		if len(r.CIDRs) == 0 {
			v.add(Field(r.Path, "cidrs"), "list at least one CIDR", "external range %q has no CIDRs", r.Name)
		}
		if r.VNetNameClash(d) {
			v.add(Field(r.Path, "name"), "rename one of them", "external range %q has the same name as a VNet", r.Name)
		}
	}
	for i := range s.VNets {
		v.vnet(&s.VNets[i])
	}
	for i := range s.RouteTables {
		rt := &s.RouteTables[i]
		for j := range rt.Routes {
			r := &rt.Routes[j]
			if strings.Contains(r.AddressPrefix, "/") {
				if _, err := cidr.ParsePrefix(r.AddressPrefix); err != nil {
					v.add(Field(r.Path, "addressPrefix"), "", "%v", err)
				}
				continue
			}
			if !serviceTag.MatchString(r.AddressPrefix) {
				v.add(Field(r.Path, "addressPrefix"), "write a CIDR such as 0.0.0.0/0 or a service tag such as AzureCloud", "route address prefix %q is neither a CIDR nor a service tag", r.AddressPrefix)
			}
		}
	}
	for i := range s.NATGateways {
		n := &s.NATGateways[i]
		v.between(Field(n.Path, "publicIPs"), "a NAT gateway takes up to 16 public IPs", n.PublicIPs, 0, 16)
		v.between(Field(n.Path, "publicIPv6s"), "a NAT gateway takes up to 16 public IPv6 addresses", n.PublicIPv6s, 0, 16)
		v.idleTimeout(Field(n.Path, "idleTimeoutMinutes"), n.IdleTimeoutMinutes)
	}
	for i := range s.NSGs {
		for j := range s.NSGs[i].Rules {
			v.nsgRule(&s.NSGs[i].Rules[j])
		}
	}
	for i := range s.Peerings {
		p := &s.Peerings[i]
		if d.VNetByName(p.From) == nil {
			v.add(Field(p.Path, "from"), "peering.from names a VNet in spec.vnets", "peering from %q: no such VNet", p.From)
		}
		if d.VNetByName(p.To) == nil && d.ExternalRangeByName(p.To) == nil {
			v.add(Field(p.Path, "to"), "peering.to names a VNet in spec.vnets or an external range", "peering to %q: no such VNet or external range", p.To)
		}
		if p.From == p.To {
			v.add(Field(p.Path, "to"), "", "VNet %q is peered with itself", p.From)
		}
	}
	for i := range s.PrivateDNSZones {
		z := &s.PrivateDNSZones[i]
		for j, l := range z.Links {
			if d.VNetByName(l) == nil && d.ExternalRangeByName(l) == nil {
				v.add(Index(Field(z.Path, "links"), j), "links name VNets in spec.vnets (or external ranges)", "zone %q links %q: no such VNet", z.Name, l)
			}
		}
	}
	for i := range s.PrivateEndpoints {
		pe := &s.PrivateEndpoints[i]
		if _, _, err := d.ResolveSubnet(pe.Subnet, ""); err != nil {
			v.add(Field(pe.Path, "subnet"), "write vnet/subnet", "%v", err)
		}
		if pe.Count < 0 || pe.Count > absurdCount {
			v.add(Field(pe.Path, "count"), "", "private endpoint count %d is not plausible", pe.Count)
		}
	}
	for i := range s.Clusters {
		v.cluster(&s.Clusters[i])
	}
	for i := range s.Suppressions {
		sp := &s.Suppressions[i]
		if !ruleID.MatchString(sp.Rule) {
			v.add(Field(sp.Path, "rule"), "rule IDs are kebab-case, as listed by aksnet rules", "%q is not a rule ID", sp.Rule)
		}
		if len(strings.TrimSpace(sp.Reason)) < 10 {
			v.add(Field(sp.Path, "reason"), "say why the finding is acceptable, who accepted it and until when", "a suppression needs a written reason of at least 10 characters")
		}
		if sp.Subject != "" {
			if _, err := path.Match(sp.Subject, ""); err != nil {
				v.add(Field(sp.Path, "subject"), "use * and ? wildcards, e.g. cluster/aks-dev/*", "subject pattern %q is malformed", sp.Subject)
			}
		}
	}
	return v.probs
}

// VNetNameClash reports whether an external range shares its name with a
// VNet, which would make peering and link references ambiguous.
func (r *ExternalRange) VNetNameClash(d *Design) bool { return d.VNetByName(r.Name) != nil }

func (v *validator) planning() {
	p := v.d.Spec.Planning
	base := "spec.planning"
	if p.BlueGreenOverlapPercent < 0 || p.BlueGreenOverlapPercent > 100 {
		v.add(Field(base, "blueGreenOverlapPercent"), "use 0 to 100", "blue/green overlap %d%% is out of range", p.BlueGreenOverlapPercent)
	}
	if p.GrowthFactor < 0 || p.GrowthFactor > 100 {
		v.add(Field(base, "growthFactor"), "use a factor such as 1.5 (50% growth)", "growth factor %g is not plausible", p.GrowthFactor)
	} else if p.GrowthFactor > 0 && p.GrowthFactor < 1 {
		v.add(Field(base, "growthFactor"), "a growth factor multiplies today's size; 1 means no growth", "growth factor %g would shrink the estate", p.GrowthFactor)
	}
	if p.EmergencyHeadroomPercent < 0 || p.EmergencyHeadroomPercent > 1000 {
		v.add(Field(base, "emergencyHeadroomPercent"), "use 0 to 1000", "emergency headroom %d%% is out of range", p.EmergencyHeadroomPercent)
	}
	if p.FutureClusters < 0 || p.FutureClusters > 10_000 {
		v.add(Field(base, "futureClusters"), "", "future cluster count %d is not plausible", p.FutureClusters)
	}
}

func (v *validator) vnet(n *VNet) {
	if strings.TrimSpace(n.Region) == "" {
		v.add(Field(n.Path, "region"), "write the Azure region, e.g. westeurope", "VNet %q has no region", n.Name)
	}
	if len(n.AddressSpace) == 0 {
		v.add(Field(n.Path, "addressSpace"), "list at least one CIDR", "VNet %q has no address space", n.Name)
	}
	seen := map[string]int{}
	for i := range n.Subnets {
		s := &n.Subnets[i]
		if strings.TrimSpace(s.Name) == "" {
			v.add(Field(s.Path, "name"), "", "subnet name is empty")
			continue
		}
		if j, dup := seen[s.Name]; dup {
			v.add(Field(s.Path, "name"), "subnet names must be unique within a VNet", "VNet %q has two subnets named %q (also %s)", n.Name, s.Name, Index(Field(n.Path, "subnets"), j))
			continue
		}
		seen[s.Name] = i
		if strings.Contains(s.Name, "/") {
			v.add(Field(s.Path, "name"), "", "subnet name %q contains '/'", s.Name)
		}
		if len(s.AddressPrefixes) == 0 {
			v.add(Field(s.Path, "addressPrefixes"), "list at least one CIDR", "subnet %q has no address prefix", s.Name)
		}
		if s.RouteTable != "" && v.d.RouteTableByName(s.RouteTable) == nil {
			v.add(Field(s.Path, "routeTable"), "define it under spec.routeTables", "route table %q is not defined", s.RouteTable)
		}
		if s.NSG != "" && v.d.NSGByName(s.NSG) == nil {
			v.add(Field(s.Path, "networkSecurityGroup"), "define it under spec.networkSecurityGroups", "NSG %q is not defined", s.NSG)
		}
		if s.NATGateway != "" && v.d.NATGatewayByName(s.NATGateway) == nil {
			v.add(Field(s.Path, "natGateway"), "define it under spec.natGateways", "NAT gateway %q is not defined", s.NATGateway)
		}
		if s.UsedAddresses < 0 {
			v.add(Field(s.Path, "usedAddresses"), "", "used address count cannot be negative")
		}
	}
	if strings.Contains(n.Name, "/") {
		v.add(Field(n.Path, "name"), "", "VNet name %q contains '/'", n.Name)
	}
}

func (v *validator) subnetRef(path, ref, vnet string) {
	if ref == "" {
		return
	}
	if _, _, err := v.d.ResolveSubnet(ref, vnet); err != nil {
		v.add(path, "write a subnet of the cluster's VNet, or vnet/subnet", "%v", err)
	}
}

func (v *validator) cluster(c *Cluster) {
	if strings.TrimSpace(c.Region) == "" {
		v.add(Field(c.Path, "region"), "write the Azure region, e.g. westeurope", "cluster %q has no region", c.Name)
	}
	if _, _, ok := ParseVersion(c.KubernetesVersion); !ok {
		v.add(Field(c.Path, "kubernetesVersion"), "write MAJOR.MINOR or MAJOR.MINOR.PATCH in quotes, e.g. \"1.33\"", "Kubernetes version %q does not parse", c.KubernetesVersion)
	}
	if c.VNet != "" && v.d.VNetByName(c.VNet) == nil {
		v.add(Field(c.Path, "vnet"), "name a VNet in spec.vnets, or omit vnet for an AKS-managed VNet", "VNet %q is not defined", c.VNet)
	}
	net := Field(c.Path, "network")
	if ip := c.Network.DNSServiceIP; ip.IsValid() && !ip.Is4() {
		v.add(Field(net, "dnsServiceIP"), "AKS takes an IPv4 DNS service IP, also in dual-stack clusters", "dnsServiceIP %s is IPv6", ip)
	}
	api := Field(c.Path, "apiServer")
	for i, p := range c.APIServer.AuthorizedIPRanges {
		if !p.Addr().Is4() {
			v.add(Index(Field(api, "authorizedIPRanges"), i), "authorized IP ranges are IPv4 CIDRs", "authorized range %s is IPv6", p)
		}
	}
	v.subnetRef(Field(api, "vnetIntegrationSubnet"), c.APIServer.VNetIntegrationSubnet, c.VNet)
	if lb := c.Outbound.LoadBalancer; lb != nil {
		p := Field(Field(c.Path, "outbound"), "loadBalancer")
		v.between(Field(p, "outboundIPs"), "AKS takes 1 to 100 managed outbound IPs", lb.OutboundIPs, 0, 100)
		v.between(Field(p, "outboundIPv6s"), "AKS takes 0 to 100 managed outbound IPv6 addresses", lb.OutboundIPv6s, 0, 100)
		v.between(Field(p, "allocatedOutboundPorts"), "ports per node are 0 (automatic) to 64,000", lb.AllocatedOutboundPorts, 0, 1_000_000)
		v.idleTimeout(Field(p, "idleTimeoutMinutes"), lb.IdleTimeoutMinutes)
	}
	if ng := c.Outbound.NATGateway; ng != nil {
		p := Field(Field(c.Path, "outbound"), "natGateway")
		v.between(Field(p, "outboundIPs"), "a managed NAT gateway takes 1 to 16 outbound IPs", ng.OutboundIPs, 0, 16)
		v.idleTimeout(Field(p, "idleTimeoutMinutes"), ng.IdleTimeoutMinutes)
	}
	if len(c.NodePools) == 0 {
		v.add(Field(c.Path, "nodePools"), "add at least a System pool", "cluster %q has no node pools", c.Name)
	}
	seen := map[string]int{}
	for i := range c.NodePools {
		p := &c.NodePools[i]
		if strings.TrimSpace(p.Name) == "" {
			v.add(Field(p.Path, "name"), "", "node pool name is empty")
		} else if j, dup := seen[p.Name]; dup {
			v.add(Field(p.Path, "name"), "pool names must be unique within a cluster", "cluster %q has two pools named %q (also %s)", c.Name, p.Name, Index(Field(c.Path, "nodePools"), j))
		} else {
			seen[p.Name] = i
		}
		v.pool(c, p)
	}
	for i := range c.Ingress {
		in := &c.Ingress[i]
		switch in.Kind {
		case IngressAppGateway, IngressAppGatewayForContainers:
			if in.Subnet == "" {
				v.add(Field(in.Path, "subnet"), "Application Gateway and Application Gateway for Containers need their own subnet", "ingress %q has no subnet", in.Name)
			}
		}
		v.subnetRef(Field(in.Path, "subnet"), in.Subnet, c.VNet)
		if in.MaxInstances < 0 || in.MaxInstances > 10_000 {
			v.add(Field(in.Path, "maxInstances"), "", "instance count %d is not plausible", in.MaxInstances)
		}
	}
	for i := range c.InternalLoadBalancers {
		l := &c.InternalLoadBalancers[i]
		v.subnetRef(Field(l.Path, "subnet"), l.Subnet, c.VNet)
		if l.Count < 0 || l.Count > absurdCount {
			v.add(Field(l.Path, "count"), "", "frontend count %d is not plausible", l.Count)
		}
	}
	r := c.Requirements
	if r.ExpectedServices < 0 || r.ExpectedServices > 10_000_000 {
		v.add(Field(Field(c.Path, "requirements"), "expectedServices"), "", "expected Service count %d is not plausible", r.ExpectedServices)
	}
}

func (v *validator) pool(c *Cluster, p *NodePool) {
	if c.VNet == "" && (p.Subnet != "" || p.PodSubnet != "") {
		v.add(Field(p.Path, "subnet"), "set the cluster's vnet to the VNet that holds the node subnets", "pool %q names a subnet but cluster %q has no vnet", p.Name, c.Name)
	} else {
		if c.VNet != "" && p.Subnet == "" {
			v.add(Field(p.Path, "subnet"), "name the node subnet of this pool", "pool %q has no subnet but the cluster uses VNet %q", p.Name, c.VNet)
		}
		v.subnetRef(Field(p.Path, "subnet"), p.Subnet, c.VNet)
		v.subnetRef(Field(p.Path, "podSubnet"), p.PodSubnet, c.VNet)
	}
	count := func(field string, n *int) {
		if n != nil && (*n < 0 || *n > absurdCount) {
			v.add(Field(p.Path, field), "AKS allows 0 to 1000 nodes per pool", "%s %d is not a plausible node count", field, *n)
		}
	}
	count("count", p.Count)
	count("minCount", p.MinCount)
	count("maxCount", p.MaxCount)
	switch {
	case p.Count == nil && p.MaxCount == nil:
		v.add(Field(p.Path, "count"), "write count, or minCount and maxCount for autoscaling", "pool %q has no node count", p.Name)
	case (p.MinCount == nil) != (p.MaxCount == nil):
		v.add(Field(p.Path, "maxCount"), "autoscaling needs both minCount and maxCount", "pool %q sets only one of minCount and maxCount", p.Name)
	case p.MinCount != nil && p.MaxCount != nil && *p.MinCount > *p.MaxCount:
		v.add(Field(p.Path, "minCount"), "", "pool %q: minCount %d is above maxCount %d", p.Name, *p.MinCount, *p.MaxCount)
	}
	if p.MaxPods != nil && (*p.MaxPods <= 0 || *p.MaxPods > absurdPods) {
		v.add(Field(p.Path, "maxPods"), "AKS allows 10 to 250 pods per node", "maxPods %d is not plausible", *p.MaxPods)
	}
	for _, f := range []struct{ name, val string }{{"maxSurge", p.MaxSurge}, {"maxUnavailable", p.MaxUnavailable}} {
		if f.val == "" {
			continue
		}
		if _, _, ok := ParseSurge(f.val); !ok {
			v.add(Field(p.Path, f.name), "write a node count such as \"1\" or a percentage such as \"33%\"", "%s %q does not parse", f.name, f.val)
		}
	}
}

// between reports n outside [lo, hi].
func (v *validator) between(path, hint string, n, lo, hi int) {
	if n < lo || n > hi {
		v.add(path, hint, "%d is out of range (%d to %d)", n, lo, hi)
	}
}

// idleTimeout checks an Azure idle timeout: 4 to 120 minutes, or 0 for the default.
func (v *validator) idleTimeout(path string, n int) {
	if n != 0 && (n < 4 || n > 120) {
		v.add(path, "Azure accepts 4 to 120 minutes; leave it out for the default", "idle timeout %d minutes is out of range", n)
	}
}

func (v *validator) nsgRule(r *NSGRule) {
	v.between(Field(r.Path, "priority"), "NSG rule priorities run from 100 to 4096", r.Priority, 100, 4096)
	oneOf := func(field, val string, allowed ...string) {
		for _, a := range allowed {
			if val == a {
				return
			}
		}
		v.add(Field(r.Path, field), "allowed: "+strings.Join(allowed, ", "), "%q is not allowed", val)
	}
	oneOf("direction", r.Direction, "Inbound", "Outbound")
	oneOf("access", r.Access, "Allow", "Deny")
	oneOf("protocol", r.Protocol, "Tcp", "Udp", "Icmp", "Esp", "Ah", "*")
}
