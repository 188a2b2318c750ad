package plan

import (
	"net/netip"

	"github.com/aksnet/aksnet/design"
)

// Kind identifies a requirements document (apiVersion is design.APIVersion).
const Kind = "Requirements"

// Requirements say what an estate needs, not which CIDRs it gets. The
// planner turns them into a design.
type Requirements struct {
	APIVersion string          `json:"apiVersion"`
	Kind       string          `json:"kind"`
	Metadata   design.Metadata `json:"metadata"`
	Spec       Spec            `json:"spec"`

	// Sources maps source paths to file locations. Filled by loaders.
	Sources design.SourceMap `json:"-"`
}

// Spec is the content of a requirements document.
type Spec struct {
	// Pools are the address pools the plan may allocate from.
	Pools Pools `json:"pools"`
	// Avoid are ranges the plan must never overlap (on-premises, peers,
	// VPN and ExpressRoute ranges, existing VNets). They are copied into the
	// design as external ranges.
	Avoid []design.ExternalRange `json:"avoid,omitempty"`
	// Planning holds the sizing factors.
	Planning Planning `json:"planning,omitempty"`
	// Regions are the Azure regions of the estate, in order of preference.
	Regions []Region `json:"regions"`
	// Environments are the environment names, such as prod and staging.
	Environments []string `json:"environments"`
	// Clusters are cluster templates; each is planned once per region and
	// environment it applies to.
	Clusters []ClusterReq `json:"clusters"`
}

// Pools are the address pools of a plan. Each pool's prefixes are used in
// the order listed, lowest free block first. Pools may overlap each other
// (a services pool inside the pods pool, say): every range the plan hands
// out is still unique.
type Pools struct {
	// VNets is routable space for hub and spoke VNets (IPv4).
	VNets []netip.Prefix `json:"vnets"`
	// Pods is non-routable space for Overlay pod CIDRs, inside RFC 1918 or
	// RFC 6598 space (default DefaultPodPool, 100.64.0.0/10).
	Pods []netip.Prefix `json:"pods,omitempty"`
	// Services is space for Service CIDRs, which must overlap nothing
	// routed, inside RFC 1918 or RFC 6598 space (default: the pods pool).
	Services []netip.Prefix `json:"services,omitempty"`
	// PodsIPv6 and ServicesIPv6 are the IPv6 pools for dual-stack clusters
	// (default for both: DefaultIPv6Pool); VNetsIPv6 holds the spokes' IPv6
	// address spaces and /64 subnets, and is required when a cluster is
	// dual-stack.
	VNetsIPv6    []netip.Prefix `json:"vnetsIPv6,omitempty"`
	PodsIPv6     []netip.Prefix `json:"podsIPv6,omitempty"`
	ServicesIPv6 []netip.Prefix `json:"servicesIPv6,omitempty"`
}

// Planning holds the factors of section 7 of the lesson: what beyond the
// steady state the plan leaves room for.
type Planning struct {
	// MaxSurge is the default maxSurge of pools that do not set their own
	// ("33%" when empty, the production recommendation). A pool whose
	// maximum plus this surge would exceed 1,000 instances gets the most
	// surge nodes that fit instead.
	MaxSurge string `json:"maxSurge,omitempty" jsonschema:"pattern=^[0-9]+%?$"`
	// BlueGreenOverlapPercent, GrowthFactor and EmergencyHeadroomPercent
	// mean what they mean in a design. Blue/green overlap defaults to 0,
	// the growth factor to 1.5 (write 1 for none) and the emergency
	// headroom to 10% (write 0 for none). Every subnet and pod CIDR is
	// sized for the growth stage, which includes all of them.
	BlueGreenOverlapPercent  int     `json:"blueGreenOverlapPercent,omitempty" jsonschema:"minimum=0,maximum=100"`
	GrowthFactor             float64 `json:"growthFactor,omitempty" jsonschema:"minimum=0"`
	EmergencyHeadroomPercent *int    `json:"emergencyHeadroomPercent,omitempty" jsonschema:"minimum=0,maximum=1000"`
	// FutureClusters is how many more clusters per region and environment
	// the plan keeps room for (default 1).
	FutureClusters *int `json:"futureClusters,omitempty" jsonschema:"minimum=0"`
}

// Region is an Azure region of the estate.
type Region struct {
	Name string `json:"name"`
	// DRPair names the region that takes over when this one fails.
	DRPair string `json:"drPair,omitempty"`
	// Hub asks for a hub VNet in this region.
	Hub  *Hub   `json:"hub,omitempty"`
	Path string `json:"-"`
}

// Hub is a hub VNet: shared firewall (AzureFirewallSubnet, a /26),
// gateway (GatewaySubnet, a /27), bastion (AzureBastionSubnet, a /26) and
// DNS resolver (inbound and outbound /28s delegated to
// Microsoft.Network/dnsResolvers).
type Hub struct {
	Firewall    bool `json:"firewall,omitempty"`
	Gateway     bool `json:"gateway,omitempty"`
	Bastion     bool `json:"bastion,omitempty"`
	DNSResolver bool `json:"dnsResolver,omitempty"`
}

// EgressModel is how a cluster's traffic leaves Azure.
type EgressModel string

// Egress models.
const (
	EgressLoadBalancer EgressModel = "loadBalancer"
	EgressNATGateway   EgressModel = "natGateway"
	// EgressFirewall is UDR through the region's hub firewall.
	EgressFirewall EgressModel = "firewall"
)

// EnumValues lists the allowed values.
func (EgressModel) EnumValues() []string {
	return []string{"", "loadBalancer", "natGateway", "firewall"}
}

// ClusterReq is a cluster template.
type ClusterReq struct {
	// Name is the workload name; planned clusters are named
	// aks-<name>-<environment>-<region> (at most 58 characters, so that
	// their VNet vnet-<cluster> stays within 63) and live in their own
	// spoke VNet.
	Name string `json:"name"`
	// Regions and Environments limit where the template applies (default:
	// all of them).
	Regions      []string `json:"regions,omitempty"`
	Environments []string `json:"environments,omitempty"`
	// KubernetesVersion defaults to DefaultKubernetesVersion; 1.30 is the
	// oldest accepted.
	KubernetesVersion string    `json:"kubernetesVersion,omitempty"`
	NodePools         []PoolReq `json:"nodePools"`
	// PodIPsRoutable says external systems must reach pod IPs directly,
	// with the reason in PodIPsRoutableReason. It selects Azure CNI with a
	// pod subnet instead of Overlay.
	PodIPsRoutable       bool   `json:"podIPsRoutable,omitempty"`
	PodIPsRoutableReason string `json:"podIPsRoutableReason,omitempty"`
	// ExpectedServices sizes the Service CIDR (default 500).
	ExpectedServices int `json:"expectedServices,omitempty" jsonschema:"minimum=0"`
	// PrivateEndpoints are the PaaS services reached privately.
	PrivateEndpoints []EndpointReq `json:"privateEndpoints,omitempty"`
	// Ingress lists the entry points.
	Ingress []IngressReq `json:"ingress,omitempty"`
	// Egress is the egress model (default firewall when the region has a
	// hub with a firewall, else natGateway).
	Egress EgressModel `json:"egress,omitempty"`
	// EgressInspection says egress must pass an inspecting firewall.
	EgressInspection bool `json:"egressInspection,omitempty"`
	// PrivateCluster asks for a private API server (privateDnsZone system).
	PrivateCluster bool `json:"privateCluster,omitempty"`
	// APIServerVNetIntegration asks for a delegated /28 API server subnet.
	APIServerVNetIntegration bool `json:"apiServerVNetIntegration,omitempty"`
	// DualStack asks for IPv4 and IPv6 (not with Windows pools).
	DualStack bool `json:"dualStack,omitempty"`
	// NetworkPolicy says policies must be enforced (default true): Cilium
	// when every pool runs Linux, Calico when some run Windows.
	NetworkPolicy *bool `json:"networkPolicy,omitempty"`
	// SensitiveNamespaces get a default-deny baseline.
	SensitiveNamespaces []string `json:"sensitiveNamespaces,omitempty"`
	Path                string   `json:"-"`
}

// PoolReq is a node pool requirement. A pool without a mode is User,
// except the first Linux pool when no pool is System. A pool whose
// MinNodes equals MaxNodes gets a fixed count; others autoscale.
type PoolReq struct {
	Name   string          `json:"name"`
	Mode   design.PoolMode `json:"mode"`
	OS     design.OSType   `json:"os,omitempty"`
	OSSKU  design.OSSKU    `json:"osSku,omitempty"`
	VMSize string          `json:"vmSize,omitempty"`
	// MinNodes is the autoscaler minimum; 0 for a System pool means
	// min(3, MaxNodes), since System pools may not scale to zero.
	MinNodes int `json:"minNodes,omitempty" jsonschema:"minimum=0"`
	MaxNodes int `json:"maxNodes" jsonschema:"minimum=1"`
	// MaxPods defaults per CNI mode and OS (250 on Overlay, lowered when the
	// cluster would exceed 200,000 pods; 111 on a pod subnet; 110 for
	// Windows); the report states the value chosen and why.
	MaxPods  *int   `json:"maxPods,omitempty"`
	MaxSurge string `json:"maxSurge,omitempty" jsonschema:"pattern=^[0-9]+%?$"`
	Path     string `json:"-"`
}

// EndpointReq asks for private endpoints to one service.
type EndpointReq struct {
	Service design.PrivateLinkService `json:"service"`
	Count   int                       `json:"count,omitempty" jsonschema:"minimum=0"`
	Path    string                    `json:"-"`
}

// IngressReq is one entry point. Exposure defaults to internal (public for
// Application Gateway for Containers, which has no private frontends).
type IngressReq struct {
	Name     string             `json:"name"`
	Kind     design.IngressKind `json:"kind"`
	Exposure design.Exposure    `json:"exposure"`
	Path     string             `json:"-"`
}
