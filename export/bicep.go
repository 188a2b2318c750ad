package export

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/aksnet/aksnet/design"
)

// DeploymentParametersSchema is the $schema of ARM deployment parameter
// files.
const DeploymentParametersSchema = "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#"

// BicepParams writes the design as an ARM/Bicep deployment parameters file
// (JSON, usable with az deployment group create --parameters @file). It
// carries values, not resources: the Bicep or ARM template that consumes it
// must declare each parameter. Parameters appear only when the design has
// such objects, so the template should give every one a default of []:
//
//   - vnets: name, location, resourceGroup, addressPrefixes, dnsServers and
//     subnets (name, addressPrefixes, delegations as service names,
//     routeTable, networkSecurityGroup and natGateway as names of objects in
//     the other parameters).
//   - routeTables: name, location, resourceGroup,
//     disableBgpRoutePropagation, routes (name, addressPrefix, nextHopType,
//     nextHopIpAddress).
//   - networkSecurityGroups: name, location, resourceGroup, securityRules
//     (name, priority, direction, access, protocol, source and destination
//     address prefixes, destination port ranges).
//   - natGateways: name, location, resourceGroup, sku, publicIPs,
//     publicIPv6s, idleTimeoutInMinutes.
//   - peerings: name, vnet (local VNet name), remoteVnet (a VNet of the
//     design, or when remoteIsExternal the name of a VNet outside it), one
//     entry per direction.
//   - privateDnsZones: name, links (VNet names).
//   - privateEndpoints: name, location, subnet, groupIds, privateDnsZones,
//     count.
//   - clusters: name, location, kubernetesVersion, dnsPrefix, and
//     networkProfile, apiServerAccessProfile and agentPoolProfiles shaped
//     like the properties of Microsoft.ContainerService/managedClusters in
//     the ARM API (networkPlugin, podCidrs, loadBalancerProfile
//     .managedOutboundIPs.count, agentPoolProfiles[].vnetSubnetID, ...);
//     windowsProfile.adminUsername when a pool runs Windows (the template
//     supplies the password). The first agent pool is the design's first
//     System pool.
//
// Subnet references (subnets' vnetSubnetID and podSubnetID,
// apiServerAccessProfile.subnetId, privateEndpoints[].subnet) are written as
// "vnet/subnet" names, not resource IDs, because a parameters file cannot
// hold template expressions. The template resolves one with
// resourceId('Microsoft.Network/virtualNetworks/subnets', first(split(ref,
// '/')), last(split(ref, '/'))). A private DNS zone of the design named in
// apiServerAccessProfile.privateDNSZone is likewise a zone name, resolved
// with resourceId('Microsoft.Network/privateDnsZones', name); "system",
// "none" and resource IDs are kept as written.
func BicepParams(w io.Writer, d *design.Design) error {
	if d == nil {
		return errNilDesign
	}
	e := newEstate(d)
	params := newOrdered()
	if v := bicepVNets(d); len(v) > 0 {
		params.set("vnets", bicepValue{v})
	}
	if v := bicepRouteTables(e); len(v) > 0 {
		params.set("routeTables", bicepValue{v})
	}
	if v := bicepNSGs(e); len(v) > 0 {
		params.set("networkSecurityGroups", bicepValue{v})
	}
	if v := bicepNATs(e); len(v) > 0 {
		params.set("natGateways", bicepValue{v})
	}
	if v := peeringDirections(d); len(v) > 0 {
		params.set("peerings", bicepValue{v})
	}
	if v := bicepZones(d); len(v) > 0 {
		params.set("privateDnsZones", bicepValue{v})
	}
	if v := bicepEndpoints(e); len(v) > 0 {
		params.set("privateEndpoints", bicepValue{v})
	}
	if v := bicepClusters(e); len(v) > 0 {
		params.set("clusters", bicepValue{v})
	}
	doc := bicepDoc{Schema: DeploymentParametersSchema, ContentVersion: "1.0.0.0", Parameters: params}

	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("export: encode parameters: %w", err)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("export: write parameters: %w", err)
	}
	return nil
}

type bicepDoc struct {
	Schema         string   `json:"$schema"`
	ContentVersion string   `json:"contentVersion"`
	Parameters     *ordered `json:"parameters"`
}

type bicepValue struct {
	Value any `json:"value"`
}

// ordered is a JSON object that keeps insertion order.
type ordered struct {
	keys []string
	vals map[string]any
}

func newOrdered() *ordered { return &ordered{vals: map[string]any{}} }

func (o *ordered) set(k string, v any) {
	if _, ok := o.vals[k]; !ok {
		o.keys = append(o.keys, k)
	}
	o.vals[k] = v
}

// MarshalJSON writes the keys in insertion order.
func (o *ordered) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range o.keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, err := json.Marshal(k)
		if err != nil {
			return nil, err
		}
		b.Write(kb)
		b.WriteByte(':')
		vb, err := marshalNoEscape(o.vals[k])
		if err != nil {
			return nil, err
		}
		b.Write(vb)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

func marshalNoEscape(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

type bicepVNet struct {
	Name            string        `json:"name"`
	Location        string        `json:"location,omitempty"`
	ResourceGroup   string        `json:"resourceGroup,omitempty"`
	AddressPrefixes []string      `json:"addressPrefixes"`
	DNSServers      []string      `json:"dnsServers,omitempty"`
	Subnets         []bicepSubnet `json:"subnets"`
}

type bicepSubnet struct {
	Name                 string   `json:"name"`
	AddressPrefixes      []string `json:"addressPrefixes"`
	Delegations          []string `json:"delegations,omitempty"`
	RouteTable           string   `json:"routeTable,omitempty"`
	NetworkSecurityGroup string   `json:"networkSecurityGroup,omitempty"`
	NATGateway           string   `json:"natGateway,omitempty"`
}

func bicepVNets(d *design.Design) []bicepVNet {
	var out []bicepVNet
	for _, v := range d.Spec.VNets {
		bv := bicepVNet{
			Name: v.Name, Location: v.Region, ResourceGroup: v.ResourceGroup,
			AddressPrefixes: texts(v.AddressSpace), DNSServers: texts(v.DNSServers),
			Subnets: []bicepSubnet{},
		}
		for _, s := range v.Subnets {
			bs := bicepSubnet{
				Name: s.Name, AddressPrefixes: texts(s.AddressPrefixes),
				RouteTable: s.RouteTable, NetworkSecurityGroup: s.NSG, NATGateway: s.NATGateway,
			}
			if s.Delegation != "" {
				bs.Delegations = []string{s.Delegation}
			}
			bv.Subnets = append(bv.Subnets, bs)
		}
		out = append(out, bv)
	}
	return out
}

// placement returns the location and resource group of an object placed
// with VNet v (empty when no VNet places it).
func placement(v *design.VNet) (string, string) {
	if v == nil {
		return "", ""
	}
	return v.Region, v.ResourceGroup
}

type bicepRouteTable struct {
	Name                       string       `json:"name"`
	Location                   string       `json:"location,omitempty"`
	ResourceGroup              string       `json:"resourceGroup,omitempty"`
	DisableBGPRoutePropagation bool         `json:"disableBgpRoutePropagation"`
	Routes                     []bicepRoute `json:"routes"`
}

type bicepRoute struct {
	Name             string `json:"name"`
	AddressPrefix    string `json:"addressPrefix"`
	NextHopType      string `json:"nextHopType"`
	NextHopIPAddress string `json:"nextHopIpAddress,omitempty"`
}

func bicepRouteTables(e *estate) []bicepRouteTable {
	var out []bicepRouteTable
	for _, r := range e.d.Spec.RouteTables {
		loc, rg := placement(e.homeOf(kindRouteTable, r.Name))
		br := bicepRouteTable{Name: r.Name, Location: loc, ResourceGroup: rg,
			DisableBGPRoutePropagation: r.DisableBGPPropagation, Routes: []bicepRoute{}}
		for _, rt := range r.Routes {
			hop := ""
			if rt.NextHopIPAddress.IsValid() {
				hop = rt.NextHopIPAddress.String()
			}
			br.Routes = append(br.Routes, bicepRoute{rt.Name, rt.AddressPrefix, string(rt.NextHopType), hop})
		}
		out = append(out, br)
	}
	return out
}

type bicepNSG struct {
	Name          string         `json:"name"`
	Location      string         `json:"location,omitempty"`
	ResourceGroup string         `json:"resourceGroup,omitempty"`
	SecurityRules []bicepNSGRule `json:"securityRules"`
}

type bicepNSGRule struct {
	Name                       string   `json:"name"`
	Priority                   int      `json:"priority"`
	Direction                  string   `json:"direction"`
	Access                     string   `json:"access"`
	Protocol                   string   `json:"protocol"`
	SourceAddressPrefixes      []string `json:"sourceAddressPrefixes"`
	DestinationAddressPrefixes []string `json:"destinationAddressPrefixes"`
	DestinationPortRanges      []string `json:"destinationPortRanges"`
}

// orAny returns vals, or ["*"] when there are none.
func orAny(vals []string) []string {
	if len(vals) == 0 {
		return []string{"*"}
	}
	return vals
}

func bicepNSGs(e *estate) []bicepNSG {
	var out []bicepNSG
	for _, g := range e.d.Spec.NSGs {
		loc, rg := placement(e.homeOf(kindNSG, g.Name))
		bg := bicepNSG{Name: g.Name, Location: loc, ResourceGroup: rg, SecurityRules: []bicepNSGRule{}}
		for _, r := range g.Rules {
			bg.SecurityRules = append(bg.SecurityRules, bicepNSGRule{
				Name: r.Name, Priority: r.Priority, Direction: r.Direction, Access: r.Access, Protocol: r.Protocol,
				SourceAddressPrefixes: orAny(r.Sources), DestinationAddressPrefixes: orAny(r.Destinations),
				DestinationPortRanges: orAny(r.DestinationPorts),
			})
		}
		out = append(out, bg)
	}
	return out
}

type bicepNAT struct {
	Name                 string `json:"name"`
	Location             string `json:"location,omitempty"`
	ResourceGroup        string `json:"resourceGroup,omitempty"`
	SKU                  string `json:"sku"`
	PublicIPs            int    `json:"publicIPs"`
	PublicIPv6s          int    `json:"publicIPv6s"`
	IdleTimeoutInMinutes int    `json:"idleTimeoutInMinutes,omitempty"`
}

func bicepNATs(e *estate) []bicepNAT {
	var out []bicepNAT
	for _, g := range e.d.Spec.NATGateways {
		loc, rg := placement(e.homeOf(kindNAT, g.Name))
		sku := string(g.SKU)
		if sku == "" {
			sku = string(design.NATStandard)
		}
		out = append(out, bicepNAT{g.Name, loc, rg, sku, g.PublicIPs, g.PublicIPv6s, g.IdleTimeoutMinutes})
	}
	return out
}

type bicepZone struct {
	Name  string   `json:"name"`
	Links []string `json:"links"`
}

func bicepZones(d *design.Design) []bicepZone {
	var out []bicepZone
	for _, z := range d.Spec.PrivateDNSZones {
		links := z.Links
		if links == nil {
			links = []string{}
		}
		out = append(out, bicepZone{z.Name, links})
	}
	return out
}

type bicepEndpoint struct {
	Name            string   `json:"name"`
	Location        string   `json:"location,omitempty"`
	Subnet          string   `json:"subnet"`
	GroupIDs        []string `json:"groupIds"`
	PrivateDNSZones []string `json:"privateDnsZones"`
	Count           int      `json:"count"`
}

func bicepEndpoints(e *estate) []bicepEndpoint {
	var out []bicepEndpoint
	for i := range e.d.Spec.PrivateEndpoints {
		pe := &e.d.Spec.PrivateEndpoints[i]
		sr := e.resolve(pe.Subnet, nil)
		subnet := pe.Subnet
		if sr.ok() {
			subnet = sr.VNet.Name + "/" + sr.Subnet.Name
		}
		zones := endpointZones(pe, regionOf(sr.VNet))
		if zones == nil {
			zones = []string{}
		}
		out = append(out, bicepEndpoint{pe.Name, regionOf(sr.VNet), subnet,
			[]string{subresource(pe.Service)}, zones, pe.EffectiveCount()})
	}
	return out
}

type bicepCluster struct {
	Name                   string             `json:"name"`
	Location               string             `json:"location,omitempty"`
	KubernetesVersion      string             `json:"kubernetesVersion,omitempty"`
	DNSPrefix              string             `json:"dnsPrefix"`
	NetworkProfile         armNetworkProfile  `json:"networkProfile"`
	APIServerAccessProfile *armAPIServer      `json:"apiServerAccessProfile,omitempty"`
	AgentPoolProfiles      []armAgentPool     `json:"agentPoolProfiles"`
	WindowsProfile         *armWindowsProfile `json:"windowsProfile,omitempty"`
}

// armNetworkProfile is ContainerServiceNetworkProfile of the ARM API.
type armNetworkProfile struct {
	NetworkPlugin       string                  `json:"networkPlugin"`
	NetworkPluginMode   string                  `json:"networkPluginMode,omitempty"`
	NetworkDataplane    string                  `json:"networkDataplane,omitempty"`
	NetworkPolicy       string                  `json:"networkPolicy,omitempty"`
	PodCidrs            []string                `json:"podCidrs,omitempty"`
	ServiceCidrs        []string                `json:"serviceCidrs"`
	DNSServiceIP        string                  `json:"dnsServiceIP"`
	IPFamilies          []string                `json:"ipFamilies,omitempty"`
	OutboundType        string                  `json:"outboundType"`
	LoadBalancerProfile *armLoadBalancerProfile `json:"loadBalancerProfile,omitempty"`
	NATGatewayProfile   *armNATGatewayProfile   `json:"natGatewayProfile,omitempty"`
}

type armLoadBalancerProfile struct {
	ManagedOutboundIPs     *armManagedOutboundIPs `json:"managedOutboundIPs,omitempty"`
	AllocatedOutboundPorts int                    `json:"allocatedOutboundPorts,omitempty"`
	IdleTimeoutInMinutes   int                    `json:"idleTimeoutInMinutes,omitempty"`
}

type armManagedOutboundIPs struct {
	Count     int `json:"count,omitempty"`
	CountIPv6 int `json:"countIPv6,omitempty"`
}

type armNATGatewayProfile struct {
	ManagedOutboundIPProfile *armManagedOutboundIPs `json:"managedOutboundIPProfile,omitempty"`
	IdleTimeoutInMinutes     int                    `json:"idleTimeoutInMinutes,omitempty"`
}

// armAPIServer is ManagedClusterAPIServerAccessProfile of the ARM API.
type armAPIServer struct {
	EnablePrivateCluster           bool     `json:"enablePrivateCluster"`
	PrivateDNSZone                 string   `json:"privateDNSZone,omitempty"`
	EnablePrivateClusterPublicFQDN *bool    `json:"enablePrivateClusterPublicFQDN,omitempty"`
	AuthorizedIPRanges             []string `json:"authorizedIPRanges,omitempty"`
	EnableVnetIntegration          bool     `json:"enableVnetIntegration,omitempty"`
	SubnetID                       string   `json:"subnetId,omitempty"`
}

// armAgentPool is ManagedClusterAgentPoolProfile of the ARM API.
type armAgentPool struct {
	Name                string              `json:"name"`
	Mode                string              `json:"mode"`
	OSType              string              `json:"osType"`
	OSSKU               string              `json:"osSKU,omitempty"`
	VMSize              string              `json:"vmSize,omitempty"`
	Type                string              `json:"type"`
	Count               int                 `json:"count"`
	EnableAutoScaling   bool                `json:"enableAutoScaling"`
	MinCount            *int                `json:"minCount,omitempty"`
	MaxCount            *int                `json:"maxCount,omitempty"`
	MaxPods             *int                `json:"maxPods,omitempty"`
	VNetSubnetID        string              `json:"vnetSubnetID,omitempty"`
	PodSubnetID         string              `json:"podSubnetID,omitempty"`
	PodIPAllocationMode string              `json:"podIPAllocationMode,omitempty"`
	UpgradeSettings     *armUpgradeSettings `json:"upgradeSettings,omitempty"`
}

type armUpgradeSettings struct {
	MaxSurge       string `json:"maxSurge,omitempty"`
	MaxUnavailable string `json:"maxUnavailable,omitempty"`
}

// armWindowsProfile holds only the admin user name; the password is a
// secret the template takes from elsewhere.
type armWindowsProfile struct {
	AdminUsername string `json:"adminUsername"`
}

// subnetName writes a resolved subnet reference as "vnet/subnet".
func subnetName(r subnetRef) string {
	if !r.ok() {
		return ""
	}
	return r.VNet.Name + "/" + r.Subnet.Name
}

func bicepClusters(e *estate) []bicepCluster {
	var out []bicepCluster
	for i := range e.d.Spec.Clusters {
		c := &e.d.Spec.Clusters[i]
		bc := bicepCluster{
			Name: c.Name, Location: c.Region, KubernetesVersion: c.KubernetesVersion, DNSPrefix: dnsPrefix(c.Name),
			NetworkProfile: armNetwork(c), AgentPoolProfiles: []armAgentPool{},
		}
		api := c.APIServer
		vnetInt := e.resolve(api.VNetIntegrationSubnet, c)
		if api.Private || len(api.AuthorizedIPRanges) > 0 || vnetInt.ok() {
			a := &armAPIServer{EnablePrivateCluster: api.Private, AuthorizedIPRanges: texts(api.AuthorizedIPRanges)}
			if api.Private {
				a.EnablePrivateClusterPublicFQDN = api.PublicFQDN
				switch privateDNSZoneKind(api.PrivateDNSZone) {
				case "system":
					a.PrivateDNSZone = "system"
				case "none":
					a.PrivateDNSZone = "none"
				default:
					a.PrivateDNSZone = api.PrivateDNSZone
				}
			}
			if vnetInt.ok() {
				a.EnableVnetIntegration = true
				a.SubnetID = subnetName(vnetInt)
			}
			bc.APIServerAccessProfile = a
		}
		// The default (first System) pool comes first, as AKS wants.
		order := []int{}
		if sys := systemPool(c); sys >= 0 {
			order = append(order, sys)
			for j := range c.NodePools {
				if j != sys {
					order = append(order, j)
				}
			}
		}
		for _, j := range order {
			p := &c.NodePools[j]
			bc.AgentPoolProfiles = append(bc.AgentPoolProfiles, armPool(e, c, p))
		}
		if hasWindows(c) {
			bc.WindowsProfile = &armWindowsProfile{AdminUsername: "azureuser"}
		}
		out = append(out, bc)
	}
	return out
}

func armNetwork(c *design.Cluster) armNetworkProfile {
	nw := c.Network
	np := armNetworkProfile{
		NetworkPlugin:     plugin(c),
		NetworkPluginMode: string(nw.PluginMode),
		NetworkDataplane:  string(nw.Dataplane),
		PodCidrs:          texts(c.PodCIDRs()),
		ServiceCidrs:      texts(c.ServiceCIDRs()),
		DNSServiceIP:      c.DNSServiceIP().String(),
		IPFamilies:        ipFamilies(c),
		OutboundType:      string(c.OutboundType()),
	}
	if pol := c.Policy(); pol != design.PolicyNone {
		np.NetworkPolicy = string(pol)
	}
	ot := c.OutboundType()
	if lb := c.Outbound.LoadBalancer; lb != nil && ot == design.OutboundLoadBalancer && *lb != (design.LoadBalancerProfile{}) {
		p := &armLoadBalancerProfile{AllocatedOutboundPorts: lb.AllocatedOutboundPorts, IdleTimeoutInMinutes: lb.IdleTimeoutMinutes}
		if lb.OutboundIPs > 0 || lb.OutboundIPv6s > 0 {
			p.ManagedOutboundIPs = &armManagedOutboundIPs{Count: lb.OutboundIPs, CountIPv6: lb.OutboundIPv6s}
		}
		np.LoadBalancerProfile = p
	}
	managedNAT := ot == design.OutboundManagedNATGateway || ot == design.OutboundManagedNATGatewayV2
	if ng := c.Outbound.NATGateway; ng != nil && managedNAT && *ng != (design.ManagedNATProfile{}) {
		p := &armNATGatewayProfile{IdleTimeoutInMinutes: ng.IdleTimeoutMinutes}
		if ng.OutboundIPs > 0 {
			p.ManagedOutboundIPProfile = &armManagedOutboundIPs{Count: ng.OutboundIPs}
		}
		np.NATGatewayProfile = p
	}
	return np
}

func armPool(e *estate, c *design.Cluster, p *design.NodePool) armAgentPool {
	mode := p.Mode
	if mode == "" {
		mode = design.ModeUser
	}
	osType := string(p.OS)
	if osType == "" {
		osType = string(design.OSLinux)
		if p.IsWindows() {
			osType = string(design.OSWindows)
		}
	}
	ap := armAgentPool{
		Name: p.Name, Mode: string(mode), OSType: osType, OSSKU: string(p.OSSKU), VMSize: p.VMSize,
		Type: "VirtualMachineScaleSets", Count: initialCount(p), EnableAutoScaling: p.Autoscaling(),
		MaxPods:      p.MaxPods,
		VNetSubnetID: subnetName(e.resolve(p.Subnet, c)),
		PodSubnetID:  subnetName(e.resolve(p.PodSubnet, c)),
	}
	if p.Autoscaling() {
		ap.MinCount, ap.MaxCount = p.MinCount, p.MaxCount
	}
	if ap.PodSubnetID != "" && c.Network.PodIPAllocationMode != "" {
		ap.PodIPAllocationMode = string(c.Network.PodIPAllocationMode)
	}
	if p.MaxSurge != "" || p.MaxUnavailable != "" {
		ap.UpgradeSettings = &armUpgradeSettings{MaxSurge: p.MaxSurge, MaxUnavailable: p.MaxUnavailable}
	}
	return ap
}
