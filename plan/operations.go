package plan

import (
	"net/netip"
	"strconv"
	"strings"

	"github.com/aksnet/aksnet/cidr"
	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/sizing"
)

// This file turns a planned design into the two operational deliverables of
// the lesson's practice exercise: the failure drills to rehearse before
// production (deliverable 7) and what to monitor, with thresholds
// (deliverable 8). Every drill and every threshold is derived from the
// design itself, so the numbers in them are the plan's numbers.

// LocalDNSPrefixes are the link-local addresses the AKS LocalDNS proxy
// listens on, on every node where it runs (169.254.10.10 and
// 169.254.10.11). Pods then send their DNS queries to the node, not to the
// CoreDNS pods.
var LocalDNSPrefixes = []netip.Prefix{
	netip.MustParsePrefix("169.254.10.10/32"),
	netip.MustParsePrefix("169.254.10.11/32"),
}

// LocalDNSByDefault reports whether AKS turns LocalDNS on by default for
// the cluster's node pools: AKS Standard applies the Preferred LocalDNS mode
// to eligible pools from Kubernetes 1.37. An unparsable version counts as
// new.
func LocalDNSByDefault(c *design.Cluster) bool { return c.VersionAtLeast(1, 37) }

// ClusterSensitiveNamespaces returns the namespaces of cluster c that get
// the default-deny baseline: those the planned cluster summary names,
// then those the cluster's own requirements name, without duplicates.
func (r *Result) ClusterSensitiveNamespaces(c *design.Cluster) []string {
	var out []string
	seen := map[string]bool{}
	add := func(ns []string) {
		for _, n := range ns {
			n = strings.TrimSpace(n)
			if n != "" && !seen[n] {
				seen[n] = true
				out = append(out, n)
			}
		}
	}
	if r != nil {
		for i := range r.Clusters {
			if r.Clusters[i].Name == c.Name {
				add(r.Clusters[i].SensitiveNamespaces)
			}
		}
	}
	add(c.Requirements.SensitiveNamespaces)
	return out
}

// ZoneUse is one private DNS zone of a design and what depends on it.
type ZoneUse struct {
	// Zone is the zone name, such as privatelink.vaultcore.azure.net.
	Zone string
	// Services are the readable names of the services whose endpoints
	// register in the zone, and Endpoints the endpoint entries.
	Services  []string
	Endpoints []string
	// Subnets are the endpoints' subnets as "vnet/subnet" and Prefixes
	// their address prefixes: a private answer lies in one of them.
	Subnets  []string
	Prefixes []netip.Prefix
	// Links are the VNets (or external ranges) linked to the zone; nil
	// when the design does not declare the zone.
	Links []string
	// Declared reports whether spec.privateDnsZones has the zone.
	Declared bool
	// Clusters are the clusters that must resolve the zone privately:
	// those whose VNet holds one of its endpoints or is linked to it.
	Clusters []string
	// Host is a name to look up, such as <vault>.vault.azure.net, and
	// Alias the privatelink name it must resolve through.
	Host, Alias string
}

// PrivateZoneUses lists the private DNS zones that the design's private
// endpoints register in (the zone written on the endpoint, else the
// recommended zone for its service), then the zones declared without any
// endpoint, in design order.
func PrivateZoneUses(d *design.Design) []ZoneUse {
	if d == nil {
		return nil
	}
	var out []ZoneUse
	index := map[string]int{}
	subnets := map[string]bool{} // zone + "\x00" + vnet/subnet already listed
	vnets := map[string]bool{}   // zone + "\x00" + VNet that hosts or links the zone
	use := func(zone string) (*ZoneUse, string) {
		key := strings.ToLower(zone)
		if i, ok := index[key]; ok {
			return &out[i], key
		}
		index[key] = len(out)
		out = append(out, ZoneUse{Zone: zone})
		return &out[len(out)-1], key
	}
	for i := range d.Spec.PrivateEndpoints {
		pe := &d.Spec.PrivateEndpoints[i]
		v, s, err := d.ResolveSubnet(pe.Subnet, "")
		region := ""
		if err == nil {
			region = v.Region
		}
		zones := []string{pe.DNSZone}
		if pe.DNSZone == "" {
			zones, _ = design.ZonesFor(pe.Service, region)
		}
		for _, z := range zones {
			if z == "" {
				continue
			}
			u, key := use(z)
			u.Services = opsAddUnique(u.Services, design.ServiceTitle(pe.Service))
			u.Endpoints = append(u.Endpoints, pe.Name)
			if err == nil {
				ref := v.Name + "/" + s.Name
				if !subnets[key+"\x00"+ref] {
					subnets[key+"\x00"+ref] = true
					u.Subnets = append(u.Subnets, ref)
					u.Prefixes = append(u.Prefixes, s.AddressPrefixes...)
				}
				vnets[key+"\x00"+v.Name] = true
			}
			if u.Host == "" {
				u.Host, u.Alias = opsLookupName(z, pe.Service)
			}
		}
	}
	for i := range d.Spec.PrivateDNSZones {
		z := &d.Spec.PrivateDNSZones[i]
		u, key := use(z.Name)
		u.Declared = true
		u.Links = append(u.Links, z.Links...)
		for _, l := range z.Links {
			vnets[key+"\x00"+l] = true
		}
		if u.Host == "" {
			u.Host, u.Alias = opsLookupName(z.Name, "")
		}
	}
	for i := range out {
		u := &out[i]
		key := strings.ToLower(u.Zone)
		for ci := range d.Spec.Clusters {
			c := &d.Spec.Clusters[ci]
			if c.VNet != "" && vnets[key+"\x00"+c.VNet] {
				u.Clusters = append(u.Clusters, c.Name)
			}
		}
	}
	return out
}

// opsLookupName returns a name to look up for a private DNS zone, with a
// placeholder for the resource name, and the privatelink alias it must
// resolve through. Key Vault is the one service whose public name does not
// follow from its zone.
func opsLookupName(zone string, s design.PrivateLinkService) (host, alias string) {
	lower := strings.ToLower(zone)
	rest, ok := strings.CutPrefix(lower, "privatelink.")
	if !ok {
		// Not a privatelink zone (a custom zone): the names live in it.
		return "<name>." + lower, ""
	}
	placeholder := "<name>"
	switch {
	case s == "keyVault" || rest == "vaultcore.azure.net":
		placeholder = "<vault>"
	case strings.HasPrefix(string(s), "storage") || strings.HasSuffix(rest, ".core.windows.net"):
		placeholder = "<account>"
	case s == "sqlDatabase" || rest == "database.windows.net":
		placeholder = "<server>"
	case s == "containerRegistry" || rest == "azurecr.io":
		placeholder = "<registry>"
	}
	public := rest
	if rest == "vaultcore.azure.net" {
		public = "vault.azure.net"
	}
	return placeholder + "." + public, placeholder + "." + lower
}

// Operations returns the failure drills to rehearse and the signals to
// monitor for the planned estate, made specific to r.Design: subnet names
// and the spare addresses at upgrade surge come from [sizing.Analyze],
// egress drills follow each cluster's outbound type, DNS drills name the
// exact zones and the subnets their private answers must come from, policy
// drills name every sensitive namespace. It does no I/O and is
// deterministic.
func Operations(r *Result) (drills []Drill, monitors []Monitor) {
	if r == nil || r.Design == nil {
		return nil, nil
	}
	o := &ops{r: r, d: r.Design, rep: sizing.Analyze(r.Design)}
	o.zones = PrivateZoneUses(o.d)
	drills = append(drills, o.surgeDrills()...)
	drills = append(drills, o.egressDrills()...)
	drills = append(drills, o.dnsDrills()...)
	drills = append(drills, o.policyDrills()...)
	drills = append(drills, o.firewallDrills()...)
	drills = append(drills, o.apiServerDrills()...)
	drills = append(drills, o.failoverDrills()...)

	monitors = append(monitors, o.subnetMonitors()...)
	monitors = append(monitors, o.podCIDRMonitors()...)
	monitors = append(monitors, o.poolMonitors()...)
	monitors = append(monitors, o.egressMonitors()...)
	monitors = append(monitors, o.dnsMonitors()...)
	monitors = append(monitors, o.policyMonitors()...)
	return drills, monitors
}

// ops holds what the drill and monitor builders share.
type ops struct {
	r      *Result
	d      *design.Design
	rep    sizing.Report
	zones  []ZoneUse
	egress map[*design.Cluster]opsEgress
}

// Azure figures the drills and thresholds use.
const (
	opsLBPortsPerIP  = 64000 // SNAT ports per load balancer frontend IP
	opsNATPortsPerIP = 64512 // SNAT ports per NAT gateway public IP
	opsFWPortsPerIP  = 2496  // SNAT ports per Azure Firewall public IP
	opsWarnPercent   = 80    // warning level for port and capacity use
)

// opsLBAutoPorts returns the ports per node that Azure Load Balancer
// allocates automatically to a backend pool of n instances (0 above the
// table).
func opsLBAutoPorts(n int) int {
	for _, row := range []struct{ upTo, ports int }{
		{50, 1024}, {100, 512}, {200, 256}, {400, 128}, {800, 64}, {1000, 32},
	} {
		if n <= row.upTo {
			return row.ports
		}
	}
	return 0
}

// opsNum formats a count with thousands separators.
func opsNum[T int | int64 | uint64](n T) string {
	if n < 0 {
		return "-" + sizing.Count(uint64(-n))
	}
	return sizing.Count(uint64(n))
}

// opsAddresses formats "1 address", "3 addresses".
func opsAddresses(n uint64) string {
	if n == 1 {
		return "1 address"
	}
	return opsNum(n) + " addresses"
}

func opsHas(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func opsAddUnique(list []string, s string) []string {
	if opsHas(list, s) {
		return list
	}
	return append(list, s)
}

// opsList joins names as "a, b and c".
func opsList(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// opsPrefixes joins prefixes with commas.
func opsPrefixes(ps []netip.Prefix) string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = p.String()
	}
	return strings.Join(parts, ", ")
}

// subnetOf resolves a subnet reference without a default VNet.
func (o *ops) subnetOf(ref, vnet string) (*design.VNet, *design.Subnet) {
	v, s, err := o.d.ResolveSubnet(ref, vnet)
	if err != nil {
		return nil, nil
	}
	return v, s
}

// opsClusterPeak returns cluster c's node count with every pool at its
// maximum, at steady state and during an upgrade (plus each pool's surge).
func opsClusterPeak(c *design.Cluster) (steady, upgrade int) {
	for i := range c.NodePools {
		p := &c.NodePools[i]
		n := max(p.MaxNodes(), 0)
		steady += n
		upgrade += n + c.SurgeNodes(p, n)
	}
	return steady, upgrade
}

// clusterPeak is opsClusterPeak for the cluster called name.
func (o *ops) clusterPeak(name string) (steady, upgrade int) {
	for i := range o.d.Spec.Clusters {
		if o.d.Spec.Clusters[i].Name == name {
			return opsClusterPeak(&o.d.Spec.Clusters[i])
		}
	}
	return 0, 0
}

// ---- Drills ----

// surgeDrills rehearses an upgrade at full size for every subnet whose
// need grows during an upgrade (node subnets, pod subnets).
func (o *ops) surgeDrills() []Drill {
	var out []Drill
	for i := range o.rep.Subnets {
		u := &o.rep.Subnets[i]
		if u.Unlimited || u.Need.Upgrade == u.Need.Steady {
			continue
		}
		var pools, clusters []string
		var consumers []string
		for j := range u.Consumers {
			k := &u.Consumers[j]
			consumers = append(consumers, k.Describe(sizing.Upgrade))
			if !k.IsPool() {
				continue
			}
			clusters = opsAddUnique(clusters, k.Cluster)
			pc := o.rep.Pool(k.Cluster, k.Name)
			if pc != nil {
				pools = append(pools, k.Cluster+"/"+k.Name+" at "+opsNum(pc.MaxNodes)+" nodes with surge "+opsNum(pc.Surge))
			}
		}
		what := "node subnet"
		if u.Purpose == design.PurposePods {
			what = "pod subnet"
		}
		spare := u.Spare(sizing.Upgrade)
		steps := []string{
			"In a non-production environment built from this design (same subnet size, same pools), pin every pool in " +
				u.Ref() + " at its maximum: " + opsList(pools) + " (for autoscaled pools, raise minCount to maxCount for the drill).",
			"Record the starting use: `az network vnet list-usage --resource-group <network-rg> --name " + u.VNet +
				" -o table` should show about " + opsNum(u.Need.Steady) + " of " + opsNum(u.Usable) + " usable addresses in use in " +
				u.Subnet + " (" + opsPrefixes(u.Prefixes) + ").",
			"Upgrade the node image of every pool in the subnet at the same time, with the planned surge: `az aks nodepool upgrade --resource-group <rg> --cluster-name <cluster> --name <pool> --node-image-only --max-surge <planned>` (surge is per pool and adds up).",
			"While the surge nodes exist the subnet must hold " + opsNum(u.Need.Upgrade) + " addresses: " + strings.Join(consumers, "; ") + ".",
		}
		if spare >= 0 {
			steps = append(steps, "Pass: the upgrade finishes without SubnetIsFull and peak use stays at or below "+opsNum(u.Need.Upgrade)+
				"; the plan leaves "+opsNum(spare)+" addresses spare at surge.")
		} else {
			steps = append(steps, "Expect the upgrade to stop with SubnetIsFull: the subnet is "+opsNum(-spare)+
				" addresses short at surge. Resize the subnet or lower maxSurge before running this in production.")
		}
		for _, c := range clusters {
			if rng := o.rep.PodRange(c); rng != nil {
				steps = append(steps, "Pod CIDR "+rng.Prefix.String()+" of "+c+": every node, surge nodes included, takes a /24; at surge "+
					opsNum(rng.Nodes.Upgrade)+" of "+opsNum(rng.NodeCapacity)+" blocks are in use ("+opsNum(rng.Spare(sizing.Upgrade))+
					" spare). Count the nodes during the surge with `kubectl get nodes --no-headers | wc -l`.")
			}
		}
		out = append(out, Drill{
			Title: "Upgrade surge rehearsal: " + what + " " + u.Ref() + " (" + opsPrefixes(u.Prefixes) + ")",
			Steps: steps,
			Proves: "The " + what + " " + u.Ref() + " holds every pool at its maximum plus its upgrade surge (" + opsNum(u.Need.Upgrade) +
				" of " + opsNum(u.Usable) + " usable addresses, " + opsNum(spare) + " spare), so an upgrade cannot fail for want of addresses.",
		})
	}
	return out
}

// opsEgress describes how a cluster's egress leaves Azure.
type opsEgress struct {
	kind string // "lb", "nat", "firewall", "none"
	// ips is the number of public IPs SNAT uses (lb, nat).
	ips int
	// ports is the ports per node (lb), fixed is true when written.
	ports int
	fixed bool
	// nat names the NAT gateway ("" for a managed one).
	nat string
	// hop is the next hop of the default route and hopAt where it lives
	// ("hub/AzureFirewallSubnet"); table is the route table.
	hop   netip.Addr
	hopAt string
	table string
}

// egressOf works out the egress path of cluster c, once.
func (o *ops) egressOf(c *design.Cluster) opsEgress {
	if e, ok := o.egress[c]; ok {
		return e
	}
	if o.egress == nil {
		o.egress = map[*design.Cluster]opsEgress{}
	}
	e := opsEgressOf(o.d, c)
	o.egress[c] = e
	return e
}

// opsEgressOf works out the egress path of cluster c of design d.
func opsEgressOf(d *design.Design, c *design.Cluster) opsEgress {
	_, peak := opsClusterPeak(c)
	switch c.OutboundType() {
	case design.OutboundLoadBalancer:
		e := opsEgress{kind: "lb", ips: 1}
		if lb := c.Outbound.LoadBalancer; lb != nil {
			if lb.OutboundIPs > 0 {
				e.ips = lb.OutboundIPs
			}
			if lb.AllocatedOutboundPorts > 0 {
				e.ports, e.fixed = lb.AllocatedOutboundPorts, true
			}
		}
		if !e.fixed {
			e.ports = opsLBAutoPorts(peak)
		}
		return e
	case design.OutboundManagedNATGateway, design.OutboundManagedNATGatewayV2:
		e := opsEgress{kind: "nat", ips: 1}
		if n := c.Outbound.NATGateway; n != nil && n.OutboundIPs > 0 {
			e.ips = n.OutboundIPs
		}
		return e
	case design.OutboundUserAssignedNATGateway:
		e := opsEgress{kind: "nat"}
		for i := range c.NodePools {
			if _, s := d.PoolSubnet(c, &c.NodePools[i]); s != nil && s.NATGateway != "" {
				e.nat = s.NATGateway
				if g := d.NATGatewayByName(s.NATGateway); g != nil {
					e.ips = g.PublicIPs
				}
				break
			}
		}
		return e
	case design.OutboundUserDefinedRouting:
		e := opsEgress{kind: "firewall"}
		for i := range c.NodePools {
			_, s := d.PoolSubnet(c, &c.NodePools[i])
			if s == nil || s.RouteTable == "" {
				continue
			}
			rt := d.RouteTableByName(s.RouteTable)
			if rt == nil {
				continue
			}
			for j := range rt.Routes {
				rr := &rt.Routes[j]
				if p, err := netip.ParsePrefix(strings.TrimSpace(rr.AddressPrefix)); err == nil && p.Bits() == 0 && p.Addr().Is4() {
					e.table, e.hop = rt.Name, rr.NextHopIPAddress
					e.hopAt = opsWhereIs(d, rr.NextHopIPAddress)
					return e
				}
			}
		}
		return e
	}
	return opsEgress{kind: "none"}
}

// opsWhereIs names the subnet ("vnet/subnet") of d that holds address a,
// or "".
func opsWhereIs(d *design.Design, a netip.Addr) string {
	if !a.IsValid() {
		return ""
	}
	for i := range d.Spec.VNets {
		v := &d.Spec.VNets[i]
		for j := range v.Subnets {
			for _, p := range v.Subnets[j].AddressPrefixes {
				if p.Contains(a) {
					return v.Name + "/" + v.Subnets[j].Name
				}
			}
		}
	}
	return ""
}

// hopName describes a firewall next hop: "10.70.0.4 (hub/AzureFirewallSubnet)".
func (e opsEgress) hopName() string {
	if !e.hop.IsValid() {
		return "the firewall"
	}
	if e.hopAt == "" {
		return e.hop.String()
	}
	return e.hop.String() + " (" + e.hopAt + ")"
}

// DescribeEgress says in a few words how the egress of cluster c of design
// d leaves Azure: "UDR 0.0.0.0/0 to 10.70.0.4 (hub/AzureFirewallSubnet)
// via route table rt-aks-egress", "NAT gateway natgw-prod, 2 public IPs",
// "cluster load balancer, 1 outbound IP, 1,024 ports per node
// (automatic)".
func DescribeEgress(d *design.Design, c *design.Cluster) string {
	e := opsEgressOf(d, c)
	switch e.kind {
	case "lb":
		alloc := "automatic"
		if e.fixed {
			alloc = "fixed"
		}
		return "cluster load balancer, " + opsNum(e.ips) + " outbound IP(s), " + opsNum(e.ports) + " SNAT ports per node (" + alloc + ")"
	case "nat":
		name := "AKS-managed NAT gateway"
		if e.nat != "" {
			name = "NAT gateway " + e.nat
		}
		return name + ", " + opsNum(e.ips) + " public IP(s), " + opsNum(e.ips*opsNATPortsPerIP) + " SNAT ports shared"
	case "firewall":
		s := "UDR 0.0.0.0/0 to " + e.hopName()
		if e.table != "" {
			s += " via route table " + e.table
		}
		return s
	}
	return "no outbound path (" + string(c.OutboundType()) + ")"
}

// egressDrills load-tests each cluster's egress path.
func (o *ops) egressDrills() []Drill {
	var out []Drill
	for ci := range o.d.Spec.Clusters {
		c := &o.d.Spec.Clusters[ci]
		steady, peak := o.clusterPeak(c.Name)
		e := o.egressOf(c)
		gen := "Run a load generator in " + c.Name + ", spread over the nodes (one replica per node), that opens new outbound HTTPS connections " +
			"without connection reuse to an external endpoint the workloads really call (for example a payment provider's sandbox), ramping up over 15 minutes."
		switch e.kind {
		case "lb":
			capacity := 0
			if e.ports > 0 {
				capacity = opsLBPortsPerIP * e.ips / e.ports
			}
			alloc := "automatic allocation gives each node " + opsNum(e.ports) + " ports at " + opsNum(peak) + " backend instances"
			if e.fixed {
				alloc = "allocatedOutboundPorts is fixed at " + opsNum(e.ports) + " ports per node"
			}
			out = append(out, Drill{
				Title: "SNAT load test: " + c.Name + " egress through the cluster load balancer",
				Steps: []string{
					gen,
					"Watch `UsedSnatPorts` against `AllocatedSnatPorts` and `SnatConnectionCount` split by `ConnectionState` on the cluster's `kubernetes` load balancer (node resource group). Any `Failed` connection is SNAT port exhaustion.",
					"Expect: " + opsNum(e.ips) + " outbound IP(s) × 64,000 ports; " + alloc + ", which covers " + opsNum(capacity) +
						" nodes; the plan peaks at " + opsNum(peak) + " nodes during an upgrade (" + opsNum(steady) + " at steady state).",
					"Scale the generator until the first failed SNAT connection and note the concurrent connections per node; repeat with connection pooling turned on.",
				},
				Proves: "Outbound calls of " + c.Name + " survive the planned peak, the team knows the connection count at which SNAT runs out, and timeouts under load can be told apart from a failing dependency.",
			})
		case "nat":
			name := "the AKS-managed NAT gateway"
			if e.nat != "" {
				name = "NAT gateway " + e.nat
			}
			steps := []string{
				gen,
				"Watch " + name + ": `SNATConnectionCount` split by `ConnectionState` (any `Failed` means ports ran out), `TotalConnectionCount` and `PacketDropCount`.",
			}
			if e.ips > 0 {
				steps = append(steps, "Expect: "+opsNum(e.ips)+" public IP(s) × 64,512 ports = "+opsNum(e.ips*opsNATPortsPerIP)+
					" SNAT ports shared on demand by every node of the subnets behind the gateway; the plan peaks at "+opsNum(peak)+" nodes in "+c.Name+".")
			}
			steps = append(steps, "Push until the first failed connection and record the rate; then check the idle timeout of long-lived connections (TCP keepalives) under the same load.")
			out = append(out, Drill{
				Title:  "SNAT load test: " + c.Name + " egress through " + name,
				Steps:  steps,
				Proves: "The NAT gateway's ports cover " + c.Name + "'s outbound connections at peak and the alerts on failed SNAT connections fire before users notice.",
			})
		case "firewall":
			out = append(out, Drill{
				Title: "Egress load test: " + c.Name + " through the firewall at " + e.hopName(),
				Steps: []string{
					gen,
					"Watch the firewall: `SNATPortUtilization`, `Throughput`, `FirewallLatencyPng` and `FirewallHealth`, and `ApplicationRuleHit`/`NetworkRuleHit` split by `Status` (denies are allowlist gaps, not capacity).",
					"Expect: Azure Firewall gives 2,496 SNAT ports per public IP; add public IPs (or a NAT gateway on the firewall subnet) if SNAT utilisation passes " +
						strconv.Itoa(opsWarnPercent) + "% at the planned peak of " + opsNum(peak) + " nodes.",
					"Confirm that every external dependency the workloads use is on the allowlist while under load (no denies in the rule-hit metrics).",
				},
				Proves: "Inspected egress of " + c.Name + " carries the planned load through " + e.hopName() + " without SNAT exhaustion or a latency cliff, and the allowlist is complete.",
			})
		case "none":
			out = append(out, Drill{
				Title: "Egress block test: " + c.Name + " (outbound type " + string(c.OutboundType()) + ")",
				Steps: []string{
					"From a pod in " + c.Name + ", call an internet endpoint: `kubectl run egress-check --rm -it --restart=Never --image=busybox:1.36 -- wget -T 5 -qO- https://example.com` must fail.",
					"Confirm that image pulls and Azure services the cluster needs work through private endpoints or the registry cache.",
				},
				Proves: c.Name + " has no path to the internet and still runs.",
			})
		}
	}
	return out
}

// dnsDrills checks private resolution of every private endpoint zone from a
// pod and from a node.
func (o *ops) dnsDrills() []Drill {
	var out []Drill
	for _, z := range o.zones {
		if len(z.Endpoints) == 0 {
			continue
		}
		clusters := z.Clusters
		if len(clusters) == 0 {
			for i := range o.d.Spec.Clusters {
				clusters = append(clusters, o.d.Spec.Clusters[i].Name)
			}
		}
		expect := "a private address"
		if len(z.Prefixes) > 0 {
			expect = "an address in " + opsPrefixes(z.Prefixes) + " (" + opsList(z.Subnets) + ")"
		}
		alias := ""
		if z.Alias != "" {
			alias = " through the alias `" + z.Alias + "`"
		}
		links := "The design does not declare the zone: create it and link it to the cluster VNets (or to the VNet of the DNS resolver they forward to)."
		if z.Declared {
			links = "Check the links: `az network private-dns link vnet list --resource-group <dns-rg> --zone-name " + z.Zone +
				" -o table` must list " + opsList(z.Links) + "."
			if len(z.Links) == 0 {
				links = "The zone has no VNet links in the design: link it to the cluster VNets, or nothing resolves privately."
			}
		}
		out = append(out, Drill{
			Title: "Private DNS: " + z.Zone + " (" + opsList(z.Services) + ") from pods and nodes",
			Steps: []string{
				"From a pod in each of " + opsList(clusters) + ": `kubectl run dns-check --rm -it --restart=Never --image=busybox:1.36 -- nslookup " + z.Host +
					"` must answer" + alias + " with " + expect + ".",
				"From a node of each cluster: `kubectl debug node/<node> -it --image=busybox:1.36 -- nslookup " + z.Host +
					"` (or `az vmss run-command invoke ... --scripts \"nslookup " + z.Host + "\"`) must give the same answer.",
				"A public address from the pod but a private one from the node points at CoreDNS forwarding; a public address from both points at a missing zone link or a custom DNS server that does not forward to 168.63.129.16.",
				links,
				"Only after every cluster passes, disable public network access on the service and repeat the first step: traffic must keep working.",
			},
			Proves: "Names of " + opsList(z.Services) + " resolve to the private endpoints (" + opsList(z.Endpoints) + ") from both pods and nodes, so traffic cannot silently take the public path.",
		})
	}
	return out
}

// policyDrills runs a negative test of the default-deny baseline per
// sensitive namespace.
func (o *ops) policyDrills() []Drill {
	var out []Drill
	for ci := range o.d.Spec.Clusters {
		c := &o.d.Spec.Clusters[ci]
		kubeAPI := "the Kubernetes service address"
		if svc := c.ServiceCIDRs(); len(svc) > 0 {
			if a, ok := cidr.NthAddr(svc[0], 1); ok {
				kubeAPI = a.String()
			}
		}
		engine := c.Policy()
		for _, ns := range o.r.ClusterSensitiveNamespaces(c) {
			steps := []string{
				"Apply the baseline of " + c.Name + ": `kubectl apply -f networkpolicies.yaml -l aksnet.dev/cluster=" + c.Name + "` (default-deny-all and allow-dns in " + ns + ").",
				"Start a probe: `kubectl -n " + ns + " run np-probe --rm -it --restart=Never --image=nicolaka/netshoot -- bash`.",
				"DNS must work over both protocols: `dig +short kubernetes.default.svc.cluster.local` (UDP) and `dig +tcp +short kubernetes.default.svc.cluster.local` (TCP) both return " + kubeAPI + ".",
				"Everything else must be blocked: `curl -m 5 https://example.com` and `curl -m 5 http://<service>.<other-namespace>.svc.cluster.local` time out, and a probe in another namespace cannot reach a pod IP in " + ns + ".",
			}
			if LocalDNSByDefault(c) {
				steps = append(steps, "Kubernetes "+c.KubernetesVersion+" turns on LocalDNS by default: the `dig` answers should come from 169.254.10.10 or 169.254.10.11. If DNS fails only here, the policy engine does not match the node-local resolver by ipBlock and needs an engine-specific allow.")
			}
			if engine == design.PolicyNone {
				steps = append(steps, "This cluster has no NetworkPolicy engine (networkPolicy none): the negative checks will pass traffic. The drill must fail until an engine is enabled; that is the point of running it.")
			} else {
				steps = append(steps, "Watch the drop counters of the "+string(engine)+" engine rise during the negative checks and stay flat during the DNS checks.")
			}
			out = append(out, Drill{
				Title:  "NetworkPolicy negative test: " + c.Name + " namespace " + ns,
				Steps:  steps,
				Proves: "The " + string(engine) + " policy engine of " + c.Name + " enforces default-deny in " + ns + " while DNS to CoreDNS works on UDP and TCP 53.",
			})
		}
	}
	return out
}

// firewallDrills rehearses a firewall or route failure for clusters whose
// egress goes through a UDR.
func (o *ops) firewallDrills() []Drill {
	type fwGroup struct {
		e        opsEgress
		clusters []string
		private  bool
	}
	var groups []*fwGroup
	for ci := range o.d.Spec.Clusters {
		c := &o.d.Spec.Clusters[ci]
		e := o.egressOf(c)
		if e.kind != "firewall" {
			continue
		}
		var g *fwGroup
		for _, x := range groups {
			if x.e.table == e.table && x.e.hop == e.hop {
				g = x
			}
		}
		if g == nil {
			g = &fwGroup{e: e}
			groups = append(groups, g)
		}
		g.clusters = append(g.clusters, c.Name)
		g.private = g.private || c.APIServer.Private
	}
	var out []Drill
	for _, g := range groups {
		table := "the node subnets' route table"
		if g.e.table != "" {
			table = "route table " + g.e.table
		}
		api := "Public API servers are reached through the same path (the node-to-control-plane tunnel), so nodes turn NotReady when it breaks."
		if g.private {
			api = "Private API servers stay reachable (their endpoint is inside the VNet), so kubectl keeps working while egress is down."
		}
		out = append(out, Drill{
			Title: "Firewall and UDR failure: egress of " + opsList(g.clusters) + " through " + g.e.hopName(),
			Steps: []string{
				"Rule regression, in non-production: remove the allow rule for one dependency (for example `mcr.microsoft.com` or a payment provider). Expect new pods of that image to sit in ImagePullBackOff, scale-out and upgrades to fail because new nodes cannot bootstrap, and calls to the provider to time out; running pods and traffic inside the VNet keep working.",
				"Next-hop outage: point the 0.0.0.0/0 route of " + table + " at an unused address of the firewall subnet (or stop the appliance). Expect every internet-bound flow to fail. " + api,
				"Watch while broken: `FirewallHealth`, `ApplicationRuleHit` and `NetworkRuleHit` by `Status`, node conditions (`kubectl get nodes`), pod events, and the applications' error rates. Note how long the first alert takes.",
				"Restore the rule and the route, and time the recovery: pods retry pulls and new nodes join without manual repair.",
				"Drift check: every node subnet of these clusters must reference " + table + " (`az network vnet subnet show ... --query routeTable.id`); a subnet without it is the \"only some nodes fail\" symptom.",
			},
			Proves: "The team knows what a firewall outage or a rule regression looks like from inside the clusters, the alerts fire, and restoring the route recovers the clusters.",
		})
	}
	return out
}

// apiServerDrills checks that kubectl and CI reach each private API server
// from where they run.
func (o *ops) apiServerDrills() []Drill {
	var out []Drill
	for ci := range o.d.Spec.Clusters {
		c := &o.d.Spec.Clusters[ci]
		if !c.APIServer.Private {
			continue
		}
		where := "the subnet of the first node pool"
		if c.APIServer.VNetIntegrationSubnet != "" {
			if v, s := o.subnetOf(c.APIServer.VNetIntegrationSubnet, c.VNet); s != nil {
				where = opsPrefixes(s.AddressPrefixes) + " (" + v.Name + "/" + s.Name + ", the API server VNet Integration subnet)"
			}
		} else if len(c.NodePools) > 0 {
			if v, s := o.d.PoolSubnet(c, &c.NodePools[0]); s != nil {
				where = opsPrefixes(s.AddressPrefixes) + " (" + v.Name + "/" + s.Name + ", the subnet of the first node pool)"
			}
		}
		zone := c.APIServer.PrivateDNSZone
		var zoneNote string
		switch strings.ToLower(zone) {
		case "", "system":
			zoneNote = "The zone is privatelink." + strings.ToLower(c.Region) + ".azmk8s.io, created by AKS and linked only to " + opsOr(c.VNet, "the cluster VNet") +
				": VNets where kubectl or CI run must be linked to it too, or their DNS must forward to a resolver that is."
		case "none":
			zoneNote = "privateDnsZone none: the name resolves in public DNS to the private address; no zone links are needed."
		default:
			zoneNote = "The custom zone " + zone + " must be linked to every VNet where kubectl or CI run."
		}
		peers := ""
		if v := o.d.VNetByName(c.VNet); v != nil {
			if ps := o.d.Peers(v); len(ps) > 0 {
				peers = " (peered with " + c.VNet + ": " + opsList(ps) + ")"
			}
		}
		out = append(out, Drill{
			Title: "Private API server reachability: " + c.Name,
			Steps: []string{
				"From the admin jump host and from a CI/CD agent" + peers + ": `nslookup $(az aks show --resource-group <rg> --name " + c.Name +
					" --query privateFqdn -o tsv)` must return an address in " + where + ". " + zoneNote,
				"From the same machines: `kubectl get --raw /readyz` answers, and the pipeline's deploy step runs (`kubectl auth can-i create deployments --namespace <ns>`). Microsoft-hosted build agents cannot reach a private cluster; use self-hosted agents in a connected VNet.",
				"Break-glass without network line of sight: `az aks command invoke --resource-group <rg> --name " + c.Name + " --command \"kubectl get nodes\"` works.",
				"From outside the private network the API server must not answer.",
			},
			Proves: "Humans, CI and break-glass paths reach the private API server of " + c.Name + " from where they actually run, and nothing else can.",
		})
	}
	return out
}

func opsOr(s, fallback string) string {
	if s == "" {
		return fallback
	}
	return s
}

// failoverDrills rehearses a region failover for every workload planned in
// more than one region of the same environment: the first region is the
// primary, the others take over.
func (o *ops) failoverDrills() []Drill {
	type drGroup struct {
		key      string
		clusters []ClusterPlan
	}
	var groups []*drGroup
	for _, c := range o.r.Clusters {
		if c.Template == "" {
			continue
		}
		key := c.Template + "\x00" + c.Environment
		var g *drGroup
		for _, x := range groups {
			if x.key == key {
				g = x
			}
		}
		if g == nil {
			g = &drGroup{key: key}
			groups = append(groups, g)
		}
		g.clusters = append(g.clusters, c)
	}
	var out []Drill
	for _, g := range groups {
		if len(g.clusters) < 2 {
			continue
		}
		primary := g.clusters[0]
		for _, dr := range g.clusters[1:] {
			if dr.Region == primary.Region {
				continue
			}
			_, pPeak := o.clusterPeak(primary.Name)
			pSteady, _ := o.clusterPeak(primary.Name)
			drSteady, _ := o.clusterPeak(dr.Name)
			var limits []string
			for _, p := range o.rep.Pools {
				if p.Cluster == dr.Name && p.LargestNodeCount >= 0 {
					limits = append(limits, p.Pool+" "+opsNum(p.LargestNodeCount))
				}
			}
			room := ""
			if len(limits) > 0 {
				room = "; its ranges let each pool grow, with the others at their planned size, to " + opsList(limits) + " nodes"
			}
			steps := []string{
				"Capacity: " + primary.Name + " runs up to " + opsNum(pSteady) + " nodes (" + opsNum(pPeak) + " during an upgrade); " + dr.Name +
					" is planned for " + opsNum(drSteady) + room + ". Raise the DR pools' maxCount before the drill if the DR region must carry the full load.",
				"Dependencies in " + dr.Region + ": run the private DNS drill from " + dr.Name + " (its private endpoints must resolve inside its own region) and confirm that external providers allowlist the egress IPs of " + dr.Name + ".",
				"Shift traffic at the global entry point (DNS, Front Door or Traffic Manager) from the ingress of " + primary.Name + " to that of " + dr.Name + "; let the autoscaler grow the DR pools and measure the time to full service.",
				"Fail back the same way and compare error rates during both switches.",
			}
			out = append(out, Drill{
				Title:  "Region failover: " + primary.Name + " (" + primary.Region + ") to " + dr.Name + " (" + dr.Region + ")",
				Steps:  steps,
				Proves: "The " + dr.Region + " deployment of " + primary.Template + " (" + primary.Environment + ") takes over with its own addresses, DNS and egress, within the recovery time the business expects.",
			})
		}
	}
	return out
}

// ---- Monitors ----

// subnetMonitors watches every subnet something takes addresses from, with
// thresholds from the plan's stages.
func (o *ops) subnetMonitors() []Monitor {
	var out []Monitor
	for i := range o.rep.Subnets {
		u := &o.rep.Subnets[i]
		if u.Unlimited {
			continue
		}
		signal := "Addresses in use in subnet " + u.Ref() + " (" + opsPrefixes(u.Prefixes) + ", " + opsNum(u.Usable) +
			" usable): currentValue of the subnet in the VNet usage list (`az network vnet list-usage`), collected every few minutes"
		surge := u.Need.Upgrade - u.Need.Steady
		if surge == 0 {
			blocks := "new consumers"
			switch u.Purpose {
			case design.PurposePrivateEndpoints:
				blocks = "new private endpoints"
			case design.PurposeAppGateway, design.PurposeAppGatewayForContainers:
				blocks = "gateway instances when the gateway scales out"
			case design.PurposeIngress:
				blocks = "new ingress frontends"
			case design.PurposeAPIServer:
				blocks = "the API server of a new cluster"
			}
			out = append(out, Monitor{
				Signal:    signal,
				Threshold: "Warn above " + opsNum(u.Need.Steady) + " in use: the plan puts " + opsAddresses(u.Need.Steady) + " here; more means something unplanned took addresses.",
				Why:       "When the subnet is full it blocks " + blocks + "; " + opsNum(u.Usable-u.Need.Steady) + " addresses are left for them.",
			})
			continue
		}
		page := sizing.Spare(u.Usable, surge)
		warn := sizing.Spare(u.Usable, u.Need.Headroom-u.Need.Steady)
		threshold := "Page above " + opsNum(max(page, 0)) + " in use (fewer than " + opsNum(surge) + " free: the next upgrade's surge no longer fits)"
		if warn < page {
			threshold += "; warn above " + opsNum(max(warn, 0)) + " in use (fewer than " + opsNum(u.Need.Headroom-u.Need.Steady) +
				" free: surge plus blue/green overlap plus emergency headroom)"
		}
		out = append(out, Monitor{
			Signal:    signal,
			Threshold: threshold + ".",
			Why: "Surge nodes take addresses while old nodes still hold theirs; at full size the pools in this subnet need " + opsNum(u.Need.Upgrade) +
				" addresses during an upgrade and the upgrade fails with SubnetIsFull beyond " + opsNum(u.Usable) + ".",
		})
	}
	return out
}

// podCIDRMonitors watches the /24 blocks of every overlay or kubenet pod
// CIDR.
func (o *ops) podCIDRMonitors() []Monitor {
	var out []Monitor
	for i := range o.rep.PodRanges {
		rng := &o.rep.PodRanges[i]
		surge := rng.Nodes.Upgrade - rng.Nodes.Steady
		page := sizing.Spare(rng.NodeCapacity, surge)
		warn := sizing.Spare(rng.NodeCapacity, rng.Nodes.Headroom-rng.Nodes.Steady)
		threshold := "Page above " + opsNum(max(page, 0)) + " nodes (fewer than " + opsNum(surge) + " free /24 blocks for the next upgrade's surge)"
		if warn < page {
			threshold += "; warn above " + opsNum(max(warn, 0)) + " nodes"
		}
		out = append(out, Monitor{
			Signal: "Nodes of " + rng.Cluster + " against the /24 blocks of pod CIDR " + rng.Prefix.String() + " (" + opsNum(rng.NodeCapacity) +
				" blocks): node count from kube-state-metrics (`count(kube_node_info)`) or `kubectl get nodes`",
			Threshold: threshold + ".",
			Why:       "Every node, surge nodes included, takes a whole /24 of the pod CIDR; when none is left new nodes get no pod addresses and scale-out and upgrades fail.",
		})
	}
	return out
}

// poolMonitors guards each pool's maximum node count: above its largest
// safe value an upgrade at full size no longer fits.
func (o *ops) poolMonitors() []Monitor {
	var out []Monitor
	for _, p := range o.rep.Pools {
		if p.LargestNodeCount < 0 || p.LimitedBy == "" {
			continue
		}
		out = append(out, Monitor{
			Signal: "Upgrade surge headroom of pool " + p.Cluster + "/" + p.Pool + ": its maxCount (or count), checked on every change (`aksnet check` in CI, or a policy on the agent pool)",
			Threshold: "Block changes above " + opsNum(p.LargestNodeCount) + " nodes (limited by " + p.LimitedBy + "); planned maximum " +
				opsNum(p.MaxNodes) + " with surge " + opsNum(p.Surge) + ".",
			Why: "Raising the pool's ceiling past this value leaves no room for its upgrade surge next to the other consumers of the same ranges.",
		})
	}
	return out
}

// egressMonitors watches the SNAT and firewall signals of each egress path.
func (o *ops) egressMonitors() []Monitor {
	var out []Monitor
	var firewalls []string
	for ci := range o.d.Spec.Clusters {
		c := &o.d.Spec.Clusters[ci]
		e := o.egressOf(c)
		switch e.kind {
		case "lb":
			out = append(out, Monitor{
				Signal: "SNAT ports of " + c.Name + ": `UsedSnatPorts` against `AllocatedSnatPorts` (Microsoft.Network/loadBalancers, the cluster's `kubernetes` load balancer), per `BackendIPAddress`",
				Threshold: "Warn when a node uses more than " + strconv.Itoa(opsWarnPercent) + "% of its " + opsNum(e.ports) + " allocated ports (" +
					opsNum(e.ports*opsWarnPercent/100) + "); page on any `SnatConnectionCount` with `ConnectionState` Failed over 5 minutes.",
				Why: "Outbound connections fail intermittently once a node's ports are used up; the automatic allocation also halves when the backend pool crosses 50, 100, 200, 400 and 800 nodes.",
			})
		case "nat":
			name := "the AKS-managed NAT gateway of " + c.Name
			if e.nat != "" {
				name = "NAT gateway " + e.nat
			}
			threshold := "Page on any `SNATConnectionCount` with `ConnectionState` Failed over 5 minutes; warn on `PacketDropCount` above zero for 5 minutes"
			if e.ips > 0 {
				threshold += "; warn when `TotalConnectionCount` passes " + opsNum(e.ips*opsNATPortsPerIP*opsWarnPercent/100) + " (" + strconv.Itoa(opsWarnPercent) +
					"% of " + opsNum(e.ips) + " IP(s) × 64,512 ports)"
			}
			out = append(out, Monitor{
				Signal:    "SNAT connections of " + name + " (Microsoft.Network/natGateways): `SNATConnectionCount`, `TotalConnectionCount`, `PacketDropCount`",
				Threshold: threshold + ".",
				Why:       "Failed SNAT connections are the first sign of port exhaustion; drops show the gateway discarding traffic.",
			})
		case "firewall":
			key := e.hopName()
			if opsHas(firewalls, key) {
				continue
			}
			firewalls = append(firewalls, key)
			var users []string
			for cj := range o.d.Spec.Clusters {
				if x := o.egressOf(&o.d.Spec.Clusters[cj]); x.kind == "firewall" && x.hopName() == key {
					users = append(users, o.d.Spec.Clusters[cj].Name)
				}
			}
			out = append(out,
				Monitor{
					Signal:    "Health and SNAT of the firewall at " + key + " (Microsoft.Network/azureFirewalls): `FirewallHealth`, `SNATPortUtilization`",
					Threshold: "Page when `FirewallHealth` averages below 90% over 5 minutes; warn when `SNATPortUtilization` passes " + strconv.Itoa(opsWarnPercent) + "%.",
					Why:       "All egress of " + opsList(users) + " passes this firewall: when it degrades or runs out of SNAT ports, every outbound dependency fails at once.",
				},
				Monitor{
					Signal:    "Throughput and latency of the firewall at " + key + ": `Throughput`, `FirewallLatencyPng`",
					Threshold: "Warn when `Throughput` passes " + strconv.Itoa(opsWarnPercent) + "% of the SKU's documented limit, or `FirewallLatencyPng` doubles its weekly median for 15 minutes.",
					Why:       "Inspection adds latency and has a throughput ceiling; the egress of " + opsList(users) + " slows before it fails.",
				},
				Monitor{
					Signal:    "Denied flows at the firewall at " + key + ": `ApplicationRuleHit` and `NetworkRuleHit` split by `Status`",
					Threshold: "Warn on a rise of denies after any deployment or rule change.",
					Why:       "A deny is an allowlist gap: a new dependency, a changed FQDN or a rule regression, which looks like an application timeout from inside the cluster.",
				})
		}
	}
	return out
}

// dnsMonitors watches CoreDNS and private resolution.
func (o *ops) dnsMonitors() []Monitor {
	var clusters, localDNS []string
	for i := range o.d.Spec.Clusters {
		c := &o.d.Spec.Clusters[i]
		clusters = append(clusters, c.Name)
		if LocalDNSByDefault(c) {
			localDNS = append(localDNS, c.Name)
		}
	}
	if len(clusters) == 0 {
		return nil
	}
	why := "DNS failures look like application failures: timeouts, unknown hosts, connection errors to the wrong address."
	if len(localDNS) > 0 {
		why += " In " + opsList(localDNS) + " LocalDNS answers first on each node and forwards cluster names to CoreDNS, so watch both."
	}
	out := []Monitor{
		{
			Signal:    "CoreDNS errors in " + opsList(clusters) + ": `coredns_dns_responses_total` by `rcode` (managed Prometheus or your own scrape of CoreDNS)",
			Threshold: "Warn when SERVFAIL answers exceed 1% of all answers over 5 minutes, or REFUSED appears at all.",
			Why:       why,
		},
		{
			Signal:    "CoreDNS latency in " + opsList(clusters) + ": `coredns_dns_request_duration_seconds` (p99)",
			Threshold: "Warn when p99 exceeds 100 ms for 10 minutes.",
			Why:       "Slow upstream resolution (custom DNS servers, the hub resolver, 168.63.129.16) shows up here before it shows up as timeouts.",
		},
	}
	var zones, hosts []string
	for _, z := range o.zones {
		if len(z.Endpoints) == 0 {
			continue
		}
		zones = append(zones, z.Zone)
		hosts = append(hosts, "`"+z.Host+"`")
	}
	if len(zones) > 0 {
		out = append(out, Monitor{
			Signal: "Private resolution of " + opsList(zones) + ": a synthetic probe in each cluster (a CronJob running `nslookup` for " + opsList(hosts) +
				") and, with Advanced Container Networking Services, `hubble_dns_responses_total` by `query` and `rcode`",
			Threshold: "Page on any NXDOMAIN for these names, or any answer outside the private endpoint subnets.",
			Why:       "A private endpoint that exists but resolves publicly sends traffic the wrong way; it breaks outright once public access is disabled.",
		})
	}
	return out
}

// policyMonitors watches NetworkPolicy drops per engine.
func (o *ops) policyMonitors() []Monitor {
	var cilium, other []string
	for i := range o.d.Spec.Clusters {
		c := &o.d.Spec.Clusters[i]
		if len(o.r.ClusterSensitiveNamespaces(c)) == 0 || c.Policy() == design.PolicyNone {
			continue
		}
		if c.Dataplane() == design.DataplaneCilium {
			cilium = append(cilium, c.Name)
		} else {
			other = append(other, c.Name)
		}
	}
	var out []Monitor
	if len(cilium) > 0 {
		out = append(out, Monitor{
			Signal:    "NetworkPolicy drops in " + opsList(cilium) + ": `cilium_drop_count_total` with a policy-denied `reason`, and per pod `hubble_drop_total` (Advanced Container Networking Services)",
			Threshold: "Warn on a step change in policy drops after a deployment; page when drops hit the sensitive namespaces' DNS traffic.",
			Why:       "Drops that follow a deploy are a missing allow rule; drops that never happen in a default-deny namespace mean nothing is enforced.",
		})
	}
	if len(other) > 0 {
		out = append(out, Monitor{
			Signal:    "NetworkPolicy drops in " + opsList(other) + ": `networkobservability_drop_count` by `reason` (Advanced Container Networking Services)",
			Threshold: "Warn on a step change in drops after a deployment.",
			Why:       "Drops that follow a deploy are a missing allow rule; no drops at all in a default-deny namespace mean nothing is enforced.",
		})
	}
	return out
}
