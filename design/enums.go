package design

// Enumerated string types. Each has EnumValues, which loaders use to reject
// unknown values and the schema generator uses to list allowed ones. The empty
// string is allowed only where a field documents what empty means.

// RangeKind says what an external range is.
type RangeKind string

// Kinds of external range.
const (
	RangeOnPrem          RangeKind = "onPrem"
	RangeVPN             RangeKind = "vpn"
	RangeExpressRoute    RangeKind = "expressRoute"
	RangePeeredVNet      RangeKind = "peeredVNet"
	RangeOtherVNet       RangeKind = "otherVNet"
	RangeEnterpriseRoute RangeKind = "enterpriseRoute"
	RangeReserved        RangeKind = "reserved"
	RangeOther           RangeKind = "other"
)

// EnumValues lists the allowed values.
func (RangeKind) EnumValues() []string {
	return []string{"onPrem", "vpn", "expressRoute", "peeredVNet", "otherVNet", "enterpriseRoute", "reserved", "other"}
}

// SubnetPurpose says what a subnet is for.
type SubnetPurpose string

// Subnet purposes.
const (
	PurposeNodes                   SubnetPurpose = "nodes"
	PurposePods                    SubnetPurpose = "pods"
	PurposeIngress                 SubnetPurpose = "ingress"
	PurposeAppGateway              SubnetPurpose = "appGateway"
	PurposeAppGatewayForContainers SubnetPurpose = "appGatewayForContainers"
	PurposePrivateEndpoints        SubnetPurpose = "privateEndpoints"
	PurposeFirewall                SubnetPurpose = "firewall"
	PurposeFirewallManagement      SubnetPurpose = "firewallManagement"
	PurposeGateway                 SubnetPurpose = "gateway"
	PurposeBastion                 SubnetPurpose = "bastion"
	PurposeAPIServer               SubnetPurpose = "apiServer"
	PurposeOther                   SubnetPurpose = "other"
)

// EnumValues lists the allowed values.
func (SubnetPurpose) EnumValues() []string {
	return []string{"nodes", "pods", "ingress", "appGateway", "appGatewayForContainers", "privateEndpoints",
		"firewall", "firewallManagement", "gateway", "bastion", "apiServer", "other"}
}

// NextHopType is the next hop of a user-defined route.
type NextHopType string

// Next hop types, spelled as Azure spells them.
const (
	NextHopVirtualAppliance      NextHopType = "VirtualAppliance"
	NextHopInternet              NextHopType = "Internet"
	NextHopVirtualNetworkGateway NextHopType = "VirtualNetworkGateway"
	NextHopVnetLocal             NextHopType = "VnetLocal"
	NextHopNone                  NextHopType = "None"
)

// EnumValues lists the allowed values.
func (NextHopType) EnumValues() []string {
	return []string{"VirtualAppliance", "Internet", "VirtualNetworkGateway", "VnetLocal", "None"}
}

// NATGatewaySKU is the NAT gateway SKU; empty means Standard.
type NATGatewaySKU string

// NAT gateway SKUs.
const (
	NATStandard   NATGatewaySKU = "Standard"
	NATStandardV2 NATGatewaySKU = "StandardV2"
)

// EnumValues lists the allowed values.
func (NATGatewaySKU) EnumValues() []string { return []string{"", "Standard", "StandardV2"} }

// NetworkPlugin is networkProfile.networkPlugin.
type NetworkPlugin string

// Network plugins.
const (
	PluginAzure   NetworkPlugin = "azure"
	PluginKubenet NetworkPlugin = "kubenet"
	PluginNone    NetworkPlugin = "none"
)

// EnumValues lists the allowed values.
func (NetworkPlugin) EnumValues() []string { return []string{"azure", "kubenet", "none"} }

// PluginMode is networkProfile.networkPluginMode; empty means none.
type PluginMode string

// Plugin modes.
const (
	ModeOverlay PluginMode = "overlay"
)

// EnumValues lists the allowed values.
func (PluginMode) EnumValues() []string { return []string{"", "overlay"} }

// Dataplane is networkProfile.networkDataplane; empty means azure.
type Dataplane string

// Dataplanes.
const (
	DataplaneAzure  Dataplane = "azure"
	DataplaneCilium Dataplane = "cilium"
)

// EnumValues lists the allowed values.
func (Dataplane) EnumValues() []string { return []string{"", "azure", "cilium"} }

// PolicyEngine is networkProfile.networkPolicy; empty means none.
type PolicyEngine string

// NetworkPolicy engines.
const (
	PolicyNone   PolicyEngine = "none"
	PolicyAzure  PolicyEngine = "azure"
	PolicyCalico PolicyEngine = "calico"
	PolicyCilium PolicyEngine = "cilium"
)

// EnumValues lists the allowed values.
func (PolicyEngine) EnumValues() []string { return []string{"", "none", "azure", "calico", "cilium"} }

// PodIPAllocationMode is how a pod subnet hands out addresses; empty means
// DynamicIndividual when a pod subnet is used.
type PodIPAllocationMode string

// Pod IP allocation modes.
const (
	AllocDynamicIndividual PodIPAllocationMode = "DynamicIndividual"
	AllocStaticBlock       PodIPAllocationMode = "StaticBlock"
)

// EnumValues lists the allowed values.
func (PodIPAllocationMode) EnumValues() []string {
	return []string{"", "DynamicIndividual", "StaticBlock"}
}

// IPFamily is IPv4 or IPv6.
type IPFamily string

// IP families.
const (
	IPv4 IPFamily = "IPv4"
	IPv6 IPFamily = "IPv6"
)

// EnumValues lists the allowed values.
func (IPFamily) EnumValues() []string { return []string{"IPv4", "IPv6"} }

// OutboundType is networkProfile.outboundType.
type OutboundType string

// Outbound types.
const (
	OutboundLoadBalancer           OutboundType = "loadBalancer"
	OutboundUserDefinedRouting     OutboundType = "userDefinedRouting"
	OutboundManagedNATGateway      OutboundType = "managedNATGateway"
	OutboundManagedNATGatewayV2    OutboundType = "managedNATGatewayV2"
	OutboundUserAssignedNATGateway OutboundType = "userAssignedNATGateway"
	OutboundNone                   OutboundType = "none"
	OutboundBlock                  OutboundType = "block"
)

// EnumValues lists the allowed values.
func (OutboundType) EnumValues() []string {
	return []string{"", "loadBalancer", "userDefinedRouting", "managedNATGateway", "managedNATGatewayV2",
		"userAssignedNATGateway", "none", "block"}
}

// PoolMode is System or User.
type PoolMode string

// Pool modes.
const (
	ModeSystem PoolMode = "System"
	ModeUser   PoolMode = "User"
)

// EnumValues lists the allowed values.
func (PoolMode) EnumValues() []string { return []string{"System", "User"} }

// OSType is Linux or Windows; empty means Linux.
type OSType string

// OS types.
const (
	OSLinux   OSType = "Linux"
	OSWindows OSType = "Windows"
)

// EnumValues lists the allowed values.
func (OSType) EnumValues() []string { return []string{"", "Linux", "Windows"} }

// OSSKU is the node image family.
type OSSKU string

// OS SKUs.
const (
	SKUUbuntu      OSSKU = "Ubuntu"
	SKUAzureLinux  OSSKU = "AzureLinux"
	SKUWindows2019 OSSKU = "Windows2019"
	SKUWindows2022 OSSKU = "Windows2022"
	SKUWindows2025 OSSKU = "Windows2025"
)

// EnumValues lists the allowed values.
func (OSSKU) EnumValues() []string {
	return []string{"", "Ubuntu", "AzureLinux", "Windows2019", "Windows2022", "Windows2025"}
}

// IngressKind is the ingress technology.
type IngressKind string

// Ingress kinds.
const (
	IngressAppGateway              IngressKind = "appGateway"
	IngressAppGatewayForContainers IngressKind = "appGatewayForContainers"
	IngressAppRouting              IngressKind = "appRouting"
	IngressController              IngressKind = "controller"
	IngressInternalLoadBalancer    IngressKind = "internalLoadBalancer"
)

// EnumValues lists the allowed values.
func (IngressKind) EnumValues() []string {
	return []string{"appGateway", "appGatewayForContainers", "appRouting", "controller", "internalLoadBalancer"}
}

// Exposure says who can reach an ingress.
type Exposure string

// Exposures.
const (
	ExposurePublic   Exposure = "public"
	ExposureInternal Exposure = "internal"
)

// EnumValues lists the allowed values.
func (Exposure) EnumValues() []string { return []string{"", "public", "internal"} }

// PrivateLinkService is the Azure service behind a private endpoint.
type PrivateLinkService string

// EnumValues lists the allowed values: the keys of the zone table.
func (PrivateLinkService) EnumValues() []string {
	out := make([]string, 0, len(privateLinkZones))
	for _, z := range privateLinkZones {
		out = append(out, string(z.Service))
	}
	return out
}
