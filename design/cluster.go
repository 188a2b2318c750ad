package design

import "net/netip"

// Cluster is one AKS cluster.
type Cluster struct {
	Name              string `json:"name"`
	Region            string `json:"region"`
	Environment       string `json:"environment,omitempty" jsonschema:"description=Environment name such as prod or dev."`
	KubernetesVersion string `json:"kubernetesVersion" jsonschema:"pattern=^[0-9]+\\.[0-9]+(\\.[0-9]+)?$"`
	// VNet is the VNet the cluster's node subnets live in. Empty means an
	// AKS-managed VNet.
	VNet      string         `json:"vnet,omitempty"`
	Network   ClusterNetwork `json:"network"`
	Outbound  Outbound       `json:"outbound,omitempty"`
	APIServer APIServer      `json:"apiServer,omitempty"`
	NodePools []NodePool     `json:"nodePools"`
	Ingress   []Ingress      `json:"ingress,omitempty"`
	// InternalLoadBalancers are internal LoadBalancer Service frontends and
	// the subnets they take addresses from.
	InternalLoadBalancers []ILBFrontends `json:"internalLoadBalancers,omitempty"`
	Requirements          Requirements   `json:"requirements,omitempty"`
	Path                  string         `json:"-"`
}

// ClusterNetwork is the cluster's network profile.
type ClusterNetwork struct {
	Plugin     NetworkPlugin `json:"plugin"`
	PluginMode PluginMode    `json:"pluginMode,omitempty"`
	Dataplane  Dataplane     `json:"dataplane,omitempty"`
	// Policy is the NetworkPolicy engine; empty means none.
	Policy              PolicyEngine        `json:"policy,omitempty"`
	PodIPAllocationMode PodIPAllocationMode `json:"podIPAllocationMode,omitempty"`
	IPFamilies          []IPFamily          `json:"ipFamilies,omitempty"`
	PodCIDRs            []netip.Prefix      `json:"podCidrs,omitempty"`
	ServiceCIDRs        []netip.Prefix      `json:"serviceCidrs,omitempty"`
	DNSServiceIP        netip.Addr          `json:"dnsServiceIP,omitzero"`
	// LocalDNS says the cluster's node pools run AKS LocalDNS, a DNS proxy
	// on every node that pods reach at link-local addresses instead of the
	// CoreDNS pods, so egress policies must allow it.
	LocalDNS bool `json:"localDNS,omitempty"`
}

// Outbound is how the cluster's egress leaves Azure.
type Outbound struct {
	// Type is the outboundType; empty means it was not stated (AKS then
	// uses loadBalancer).
	Type         OutboundType         `json:"type,omitempty"`
	LoadBalancer *LoadBalancerProfile `json:"loadBalancer,omitempty"`
	NATGateway   *ManagedNATProfile   `json:"natGateway,omitempty"`
}

// LoadBalancerProfile is the outbound part of the Standard Load Balancer
// profile. Zero values mean the AKS defaults.
type LoadBalancerProfile struct {
	OutboundIPs            int `json:"outboundIPs,omitempty" jsonschema:"minimum=0,maximum=100"`
	OutboundIPv6s          int `json:"outboundIPv6s,omitempty" jsonschema:"minimum=0,maximum=100"`
	AllocatedOutboundPorts int `json:"allocatedOutboundPorts,omitempty" jsonschema:"minimum=0"`
	IdleTimeoutMinutes     int `json:"idleTimeoutMinutes,omitempty" jsonschema:"minimum=0,maximum=120"`
}

// ManagedNATProfile is the profile of an AKS-managed NAT gateway.
type ManagedNATProfile struct {
	OutboundIPs        int `json:"outboundIPs,omitempty" jsonschema:"minimum=0,maximum=16"`
	IdleTimeoutMinutes int `json:"idleTimeoutMinutes,omitempty" jsonschema:"minimum=0,maximum=120"`
}

// APIServer is how the Kubernetes API server is reached.
type APIServer struct {
	Private bool `json:"private,omitempty"`
	// PrivateDNSZone is "system" (default for private clusters), "none", or
	// a custom zone name or resource ID.
	PrivateDNSZone string `json:"privateDnsZone,omitempty"`
	// PublicFQDN says whether a private cluster also gets a public FQDN.
	PublicFQDN *bool `json:"publicFQDN,omitempty"`
	// VNetIntegrationSubnet is a subnet reference for API Server VNet
	// Integration.
	VNetIntegrationSubnet string         `json:"vnetIntegrationSubnet,omitempty"`
	AuthorizedIPRanges    []netip.Prefix `json:"authorizedIPRanges,omitempty"`
}

// NodePool is an AKS agent pool.
type NodePool struct {
	Name   string   `json:"name"`
	Mode   PoolMode `json:"mode"`
	OS     OSType   `json:"os,omitempty"`
	OSSKU  OSSKU    `json:"osSku,omitempty"`
	VMSize string   `json:"vmSize,omitempty"`
	// Subnet is the node subnet reference ("subnet" in the cluster's VNet
	// or "vnet/subnet"); empty only for AKS-managed VNets.
	Subnet    string `json:"subnet,omitempty"`
	PodSubnet string `json:"podSubnet,omitempty"`
	// Count is the fixed node count; with autoscaling set MinCount and
	// MaxCount instead.
	Count    *int `json:"count,omitempty" jsonschema:"minimum=0,maximum=100000"`
	MinCount *int `json:"minCount,omitempty" jsonschema:"minimum=0,maximum=100000"`
	MaxCount *int `json:"maxCount,omitempty" jsonschema:"minimum=0,maximum=100000"`
	MaxPods  *int `json:"maxPods,omitempty" jsonschema:"minimum=1,maximum=10000"`
	// MaxSurge is an integer ("1") or a percentage ("33%"); empty means the
	// AKS default for the Kubernetes version.
	MaxSurge       string `json:"maxSurge,omitempty" jsonschema:"pattern=^[0-9]+%?$"`
	MaxUnavailable string `json:"maxUnavailable,omitempty" jsonschema:"pattern=^[0-9]+%?$"`
	Path           string `json:"-"`
}

// Ingress is one way traffic enters the cluster.
type Ingress struct {
	Name     string      `json:"name"`
	Kind     IngressKind `json:"kind"`
	Exposure Exposure    `json:"exposure,omitempty"`
	// Subnet is the subnet the ingress takes its addresses from.
	Subnet string `json:"subnet,omitempty"`
	// MaxInstances is the autoscale ceiling of an Application Gateway.
	MaxInstances int    `json:"maxInstances,omitempty" jsonschema:"minimum=0,maximum=10000"`
	SKU          string `json:"sku,omitempty" jsonschema:"description=Application Gateway SKU: Standard_v2 or WAF_v2 (Standard and WAF are the retired v1)."`
	Path         string `json:"-"`
}

// ILBFrontends is a number of internal load balancer frontend IPs taken from
// one subnet. An empty Subnet means the subnet of the first node pool.
type ILBFrontends struct {
	Subnet string `json:"subnet,omitempty"`
	Count  int    `json:"count" jsonschema:"minimum=0"`
	Path   string `json:"-"`
}

// Requirements are the needs that justify network decisions.
type Requirements struct {
	// PodIPsRoutable says external systems must reach pod IPs directly.
	PodIPsRoutable bool `json:"podIPsRoutable,omitempty"`
	// Reason explains why pod IPs must be routable.
	PodIPsRoutableReason string `json:"podIPsRoutableReason,omitempty"`
	// ExpectedServices is how many Kubernetes Services the cluster will run.
	ExpectedServices int `json:"expectedServices,omitempty" jsonschema:"minimum=0"`
	// NetworkPolicy says NetworkPolicies must be enforced.
	NetworkPolicy bool `json:"networkPolicy,omitempty"`
	// SensitiveNamespaces must be isolated by NetworkPolicy.
	SensitiveNamespaces []string `json:"sensitiveNamespaces,omitempty"`
	// EgressInspection says egress must pass an inspecting firewall.
	EgressInspection bool `json:"egressInspection,omitempty"`
}
