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

// Pools are the address pools of a plan.
type Pools struct {
	// VNets is routable space for hub and spoke VNets.
	VNets []netip.Prefix `json:"vnets"`
	// Pods is non-routable space for overlay pod CIDRs (e.g. 100.64.0.0/10).
	Pods []netip.Prefix `json:"pods,omitempty"`
	// Services is space for Service CIDRs, which must overlap nothing routed.
	Services []netip.Prefix `json:"services,omitempty"`
	// PodsIPv6 and ServicesIPv6 are the IPv6 pools for dual-stack clusters;
	// VNetsIPv6 holds the /64 subnets' parent ranges.
	VNetsIPv6    []netip.Prefix `json:"vnetsIPv6,omitempty"`
	PodsIPv6     []netip.Prefix `json:"podsIPv6,omitempty"`
	ServicesIPv6 []netip.Prefix `json:"servicesIPv6,omitempty"`
}

// Planning holds the factors of section 7 of the lesson: what beyond the
// steady state the plan leaves room for.
type Planning struct {
	// MaxSurge is the default maxSurge of pools that do not set their own
	// ("33%" when empty, the production recommendation).
	MaxSurge string `json:"maxSurge,omitempty" jsonschema:"pattern=^[0-9]+%?$"`
	// BlueGreenOverlapPercent, GrowthFactor and EmergencyHeadroomPercent
	// mean what they mean in a design.
	BlueGreenOverlapPercent  int     `json:"blueGreenOverlapPercent,omitempty" jsonschema:"minimum=0,maximum=100"`
	GrowthFactor             float64 `json:"growthFactor,omitempty" jsonschema:"minimum=0"`
	EmergencyHeadroomPercent int     `json:"emergencyHeadroomPercent,omitempty" jsonschema:"minimum=0,maximum=1000"`
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
	Hub *Hub `json:"hub,omitempty"`
	Path string `json:"-"`
}

// Hub is a hub VNet: shared firewall, gateway, bastion and DNS resolver.
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
func (EgressModel) EnumValues() []string { return []string{"", "loadBalancer", "natGateway", "firewall"} }

// ClusterReq is a cluster template.
type ClusterReq struct {
	// Name is the workload name; planned clusters are named
	// aks-<name>-<environment>-<region>.
	Name string `json:"name"`
	// Regions and Environments limit where the template applies (default:
	// all of them).
	Regions      []string `json:"regions,omitempty"`
	Environments []string `json:"environments,omitempty"`
	// KubernetesVersion defaults to the newest version the rules know.
	KubernetesVersion string    `json:"kubernetesVersion,omitempty"`
	NodePools         []PoolReq `json:"nodePools"`
	// PodIPsRoutable says external systems must reach pod IPs directly,
	// with the reason in PodIPsRoutableReason.
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
	// PrivateCluster asks for a private API server.
	PrivateCluster bool `json:"privateCluster,omitempty"`
	// APIServerVNetIntegration asks for a delegated API server subnet.
	APIServerVNetIntegration bool `json:"apiServerVNetIntegration,omitempty"`
	// DualStack asks for IPv4 and IPv6.
	DualStack bool `json:"dualStack,omitempty"`
	// NetworkPolicy says policies must be enforced (default true).
	NetworkPolicy *bool `json:"networkPolicy,omitempty"`
	// SensitiveNamespaces get a default-deny baseline.
	SensitiveNamespaces []string `json:"sensitiveNamespaces,omitempty"`
	Path                string   `json:"-"`
}

// PoolReq is a node pool requirement.
type PoolReq struct {
	Name     string          `json:"name"`
	Mode     design.PoolMode `json:"mode"`
	OS       design.OSType   `json:"os,omitempty"`
	OSSKU    design.OSSKU    `json:"osSku,omitempty"`
	VMSize   string          `json:"vmSize,omitempty"`
	MinNodes int             `json:"minNodes,omitempty" jsonschema:"minimum=0"`
	MaxNodes int             `json:"maxNodes" jsonschema:"minimum=1"`
	// MaxPods defaults per CNI mode and OS; the report states the value
	// chosen and why.
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

// IngressReq is one entry point.
type IngressReq struct {
	Name     string             `json:"name"`
	Kind     design.IngressKind `json:"kind"`
	Exposure design.Exposure    `json:"exposure"`
	Path     string             `json:"-"`
}
