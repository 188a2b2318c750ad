package design

import "net/netip"

// APIVersion and Kind identify a design document.
const (
	APIVersion = "aksnet.dev/v1alpha1"
	Kind       = "Design"
)

// Design is a whole AKS estate: networks, the ranges around them, clusters
// and the decisions that drive them. The zero Design is empty and valid.
//
// Every object that can be the subject of a finding has a Path: its path in the
// source document (for example "spec.clusters[1].nodePools[0]"). Sources maps
// paths to where they were written, so findings can point into the user's file.
type Design struct {
	APIVersion string   `json:"apiVersion"`
	Kind       string   `json:"kind"`
	Metadata   Metadata `json:"metadata"`
	Spec       Spec     `json:"spec"`

	// Sources maps source paths to file locations. Filled by loaders.
	Sources SourceMap `json:"-"`
}

// Metadata names a design.
type Metadata struct {
	Name        string            `json:"name" jsonschema:"description=Name of the estate or design."`
	Description string            `json:"description,omitempty"`
	Owner       string            `json:"owner,omitempty" jsonschema:"description=Team that owns this design."`
	Labels      map[string]string `json:"labels,omitempty"`
}

// Spec is the content of a design.
type Spec struct {
	Planning         Planning          `json:"planning,omitempty"`
	ExternalRanges   []ExternalRange   `json:"externalRanges,omitempty" jsonschema:"description=Ranges outside this design that must never be overlapped: on-premises and VPN and ExpressRoute ranges and other VNets and enterprise routes."`
	VNets            []VNet            `json:"vnets,omitempty"`
	Peerings         []Peering         `json:"peerings,omitempty"`
	RouteTables      []RouteTable      `json:"routeTables,omitempty"`
	NSGs             []NSG             `json:"networkSecurityGroups,omitempty"`
	NATGateways      []NATGateway      `json:"natGateways,omitempty"`
	PrivateDNSZones  []PrivateDNSZone  `json:"privateDnsZones,omitempty"`
	PrivateEndpoints []PrivateEndpoint `json:"privateEndpoints,omitempty"`
	Clusters         []Cluster         `json:"clusters,omitempty"`
	Suppressions     []Suppression     `json:"suppressions,omitempty" jsonschema:"description=Findings the owners accept; each needs a written reason."`
}

// Planning holds the estate-wide factors that size subnets beyond the
// steady state. The zero value means: no blue/green overlap, growth factor 1,
// no emergency headroom.
type Planning struct {
	// BlueGreenOverlapPercent is the share (0-100) of each pool's maximum
	// node count that exists twice while a pool is replaced blue/green.
	BlueGreenOverlapPercent int `json:"blueGreenOverlapPercent,omitempty" jsonschema:"minimum=0,maximum=100"`
	// GrowthFactor multiplies the maximum node counts for capacity planning
	// (1.5 means room for 50% more nodes). Zero means 1.
	GrowthFactor float64 `json:"growthFactor,omitempty" jsonschema:"minimum=0"`
	// EmergencyHeadroomPercent is extra room, as a percent of maximum nodes,
	// kept free in node subnets for emergency scale-out.
	EmergencyHeadroomPercent int `json:"emergencyHeadroomPercent,omitempty" jsonschema:"minimum=0,maximum=1000"`
	// FutureClusters is the number of clusters the estate must leave room for.
	FutureClusters int `json:"futureClusters,omitempty" jsonschema:"minimum=0"`
}

// EffectiveGrowthFactor returns GrowthFactor, or 1 when it is unset.
func (p Planning) EffectiveGrowthFactor() float64 {
	if p.GrowthFactor <= 0 {
		return 1
	}
	return p.GrowthFactor
}

// ExternalRange is address space outside the design that the design must
// never overlap.
type ExternalRange struct {
	Name  string         `json:"name"`
	Kind  RangeKind      `json:"kind"`
	CIDRs []netip.Prefix `json:"cidrs"`
	Owner string         `json:"owner,omitempty" jsonschema:"description=Who owns the range; findings name them."`
	Notes string         `json:"notes,omitempty"`
	Path  string         `json:"-"`
}

// VNet is an Azure virtual network.
type VNet struct {
	Name          string         `json:"name"`
	Region        string         `json:"region"`
	ResourceGroup string         `json:"resourceGroup,omitempty"`
	AddressSpace  []netip.Prefix `json:"addressSpace"`
	// DNSServers are custom DNS servers; empty means Azure-provided DNS.
	DNSServers []netip.Addr `json:"dnsServers,omitempty"`
	Subnets    []Subnet     `json:"subnets,omitempty"`
	Path       string       `json:"-"`
}

// Subnet is a subnet of a VNet.
type Subnet struct {
	Name            string         `json:"name"`
	Purpose         SubnetPurpose  `json:"purpose"`
	AddressPrefixes []netip.Prefix `json:"addressPrefixes"`
	// Delegation is the service the subnet is delegated to, such as
	// Microsoft.ContainerService/managedClusters.
	Delegation string `json:"delegation,omitempty"`
	RouteTable string `json:"routeTable,omitempty" jsonschema:"description=Name of a route table in spec.routeTables."`
	NSG        string `json:"networkSecurityGroup,omitempty" jsonschema:"description=Name of an NSG in spec.networkSecurityGroups."`
	NATGateway string `json:"natGateway,omitempty" jsonschema:"description=Name of a NAT gateway in spec.natGateways."`
	// UsedAddresses is the number of addresses in use, when known (from an
	// import or an audit); zero means unknown or empty.
	UsedAddresses int    `json:"usedAddresses,omitempty" jsonschema:"minimum=0"`
	Path          string `json:"-"`
}

// Peering connects a VNet of the design to another VNet of the design or to
// an external range of kind peeredVNet.
type Peering struct {
	Name string `json:"name,omitempty"`
	From string `json:"from" jsonschema:"description=VNet name."`
	To   string `json:"to" jsonschema:"description=VNet name or the name of an external range of kind peeredVNet."`
	Path string `json:"-"`
}

// RouteTable is a route table that subnets reference by name.
type RouteTable struct {
	Name                  string  `json:"name"`
	DisableBGPPropagation bool    `json:"disableBgpRoutePropagation,omitempty"`
	Routes                []Route `json:"routes,omitempty"`
	Path                  string  `json:"-"`
}

// Route is one user-defined route. AddressPrefix is a CIDR or an Azure
// service tag.
type Route struct {
	Name             string      `json:"name"`
	AddressPrefix    string      `json:"addressPrefix"`
	NextHopType      NextHopType `json:"nextHopType"`
	NextHopIPAddress netip.Addr  `json:"nextHopIpAddress,omitzero"`
	Path             string      `json:"-"`
}

// NSG is a network security group.
type NSG struct {
	Name  string    `json:"name"`
	Rules []NSGRule `json:"rules,omitempty"`
	Path  string    `json:"-"`
}

// NSGRule is one security rule; addresses and ports are kept as Azure writes
// them (CIDRs, service tags, "*", ranges).
type NSGRule struct {
	Name             string   `json:"name"`
	Priority         int      `json:"priority" jsonschema:"minimum=100,maximum=4096"`
	Direction        string   `json:"direction" jsonschema:"enum=Inbound,enum=Outbound"`
	Access           string   `json:"access" jsonschema:"enum=Allow,enum=Deny"`
	Protocol         string   `json:"protocol" jsonschema:"enum=Tcp,enum=Udp,enum=Icmp,enum=Esp,enum=Ah,enum=*"`
	Sources          []string `json:"sources,omitempty"`
	Destinations     []string `json:"destinations,omitempty"`
	DestinationPorts []string `json:"destinationPorts,omitempty"`
	Path             string   `json:"-"`
}

// NATGateway is a NAT gateway that subnets reference by name.
type NATGateway struct {
	Name               string        `json:"name"`
	SKU                NATGatewaySKU `json:"sku,omitempty"`
	PublicIPs          int           `json:"publicIPs" jsonschema:"minimum=0,maximum=16"`
	PublicIPv6s        int           `json:"publicIPv6s,omitempty" jsonschema:"minimum=0,maximum=16"`
	IdleTimeoutMinutes int           `json:"idleTimeoutMinutes,omitempty" jsonschema:"minimum=0,maximum=120"`
	Path               string        `json:"-"`
}

// PrivateDNSZone is an Azure private DNS zone and the VNets linked to it.
type PrivateDNSZone struct {
	Name  string   `json:"name" jsonschema:"description=Zone name such as privatelink.vaultcore.azure.net."`
	Links []string `json:"links,omitempty" jsonschema:"description=Names of VNets (or external ranges of kind peeredVNet or otherVNet) linked to the zone."`
	Path  string   `json:"-"`
}

// PrivateEndpoint is a private endpoint to an Azure PaaS service.
type PrivateEndpoint struct {
	Name    string             `json:"name"`
	Service PrivateLinkService `json:"service"`
	Subnet  string             `json:"subnet" jsonschema:"description=Subnet reference written as vnet/subnet."`
	// DNSZone is the private DNS zone the endpoint registers in; empty means
	// the recommended zone for the service.
	DNSZone string `json:"dnsZone,omitempty"`
	// Count is how many endpoints this entry stands for (default 1).
	Count int    `json:"count,omitempty" jsonschema:"minimum=0"`
	Path  string `json:"-"`
}

// EffectiveCount returns Count, or 1 when it is unset.
func (p PrivateEndpoint) EffectiveCount() int {
	if p.Count <= 0 {
		return 1
	}
	return p.Count
}

// Suppression accepts a finding on purpose. Reason is required.
type Suppression struct {
	Rule string `json:"rule"`
	// Subject limits the suppression to subjects that match this pattern
	// (path.Match syntax, for example "cluster/aks-dev/*"); empty means all.
	Subject string `json:"subject,omitempty"`
	Reason  string `json:"reason" jsonschema:"minLength=10"`
	Path    string `json:"-"`
}
