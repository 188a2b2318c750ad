package design

import (
	"net/netip"
	"strconv"
	"strings"
)

// IPAM is how a cluster gives addresses to pods, derived from the plugin,
// its mode and whether pools have pod subnets.
type IPAM int

// IPAM modes.
const (
	IPAMUnknown IPAM = iota
	// IPAMKubenet: pods get a /24 per node from the pod CIDR; nodes use the
	// node subnet; routes in a route table.
	IPAMKubenet
	// IPAMOverlay: Azure CNI Overlay; a /24 per node from the pod CIDR.
	IPAMOverlay
	// IPAMNodeSubnet: legacy Azure CNI; every pod takes a node-subnet IP and
	// each node reserves maxPods of them up front.
	IPAMNodeSubnet
	// IPAMPodSubnetDynamic: Azure CNI with a pod subnet, 16-IP batches.
	IPAMPodSubnetDynamic
	// IPAMPodSubnetStatic: Azure CNI with a pod subnet, /28 blocks per node.
	IPAMPodSubnetStatic
	// IPAMBYO: networkPlugin none; the user's CNI decides.
	IPAMBYO
)

// String names the mode as users know it.
func (m IPAM) String() string {
	switch m {
	case IPAMKubenet:
		return "kubenet"
	case IPAMOverlay:
		return "Azure CNI Overlay"
	case IPAMNodeSubnet:
		return "Azure CNI node subnet (legacy)"
	case IPAMPodSubnetDynamic:
		return "Azure CNI pod subnet (dynamic)"
	case IPAMPodSubnetStatic:
		return "Azure CNI pod subnet (static block)"
	case IPAMBYO:
		return "bring-your-own CNI"
	}
	return "unknown"
}

// UsesPodCIDR reports whether pods take addresses from a pod CIDR outside the VNet.
func (m IPAM) UsesPodCIDR() bool {
	return m == IPAMKubenet || m == IPAMOverlay || m == IPAMBYO
}

// PodIPsRoutable reports whether pod IPs are VNet addresses.
func (m IPAM) PodIPsRoutable() bool {
	return m == IPAMNodeSubnet || m == IPAMPodSubnetDynamic || m == IPAMPodSubnetStatic
}

// IPAM returns the cluster's pod addressing mode.
func (c *Cluster) IPAM() IPAM {
	switch c.Network.Plugin {
	case PluginKubenet:
		return IPAMKubenet
	case PluginNone:
		return IPAMBYO
	case PluginAzure:
		if c.Network.PluginMode == ModeOverlay {
			return IPAMOverlay
		}
		for _, p := range c.NodePools {
			if p.PodSubnet != "" {
				if c.Network.PodIPAllocationMode == AllocStaticBlock {
					return IPAMPodSubnetStatic
				}
				return IPAMPodSubnetDynamic
			}
		}
		return IPAMNodeSubnet
	}
	return IPAMUnknown
}

// DualStack reports whether the cluster asks for IPv6 as well as IPv4.
func (c *Cluster) DualStack() bool {
	for _, f := range c.Network.IPFamilies {
		if f == IPv6 {
			return true
		}
	}
	for _, p := range c.Network.PodCIDRs {
		if p.Addr().Is6() {
			return true
		}
	}
	for _, p := range c.Network.ServiceCIDRs {
		if p.Addr().Is6() {
			return true
		}
	}
	return false
}

// AKS network-profile defaults (ARM spec 2025-05-01 and the dual-stack docs).
var (
	DefaultPodCIDR       = netip.MustParsePrefix("10.244.0.0/16")
	DefaultPodCIDRv6     = netip.MustParsePrefix("fd12:3456:789a::/64")
	DefaultServiceCIDR   = netip.MustParsePrefix("10.0.0.0/16")
	DefaultServiceCIDRv6 = netip.MustParsePrefix("fd12:3456:789a:1::/108")
	DefaultDNSServiceIP  = netip.MustParseAddr("10.0.0.10")
)

// ServiceCIDRs returns the Service CIDRs the cluster gets: the ones written,
// or the AKS defaults when none are.
func (c *Cluster) ServiceCIDRs() []netip.Prefix {
	if len(c.Network.ServiceCIDRs) > 0 {
		return c.Network.ServiceCIDRs
	}
	if c.DualStack() {
		return []netip.Prefix{DefaultServiceCIDR, DefaultServiceCIDRv6}
	}
	return []netip.Prefix{DefaultServiceCIDR}
}

// DNSServiceIP returns the DNS service IP written, or the AKS default.
func (c *Cluster) DNSServiceIP() netip.Addr {
	if c.Network.DNSServiceIP.IsValid() {
		return c.Network.DNSServiceIP
	}
	return DefaultDNSServiceIP
}

// PodCIDRs returns the pod CIDRs for modes that use one (written, or the AKS
// default), and nil for modes where pods take VNet addresses.
func (c *Cluster) PodCIDRs() []netip.Prefix {
	if !c.IPAM().UsesPodCIDR() {
		return nil
	}
	if len(c.Network.PodCIDRs) > 0 {
		return c.Network.PodCIDRs
	}
	if c.DualStack() {
		return []netip.Prefix{DefaultPodCIDR, DefaultPodCIDRv6}
	}
	return []netip.Prefix{DefaultPodCIDR}
}

// Policy returns the NetworkPolicy engine, with empty meaning none.
func (c *Cluster) Policy() PolicyEngine {
	if c.Network.Policy == "" {
		return PolicyNone
	}
	return c.Network.Policy
}

// Dataplane returns the dataplane, with empty meaning azure.
func (c *Cluster) Dataplane() Dataplane {
	if c.Network.Dataplane == "" {
		return DataplaneAzure
	}
	return c.Network.Dataplane
}

// OutboundType returns the outbound type, with empty meaning loadBalancer.
func (c *Cluster) OutboundType() OutboundType {
	if c.Outbound.Type == "" {
		return OutboundLoadBalancer
	}
	return c.Outbound.Type
}

// Version returns the major and minor Kubernetes version; ok is false when
// the version does not parse.
func (c *Cluster) Version() (major, minor int, ok bool) {
	return ParseVersion(c.KubernetesVersion)
}

// VersionAtLeast reports whether the cluster's Kubernetes version is at
// least major.minor. An unparsable version counts as new (the rules that
// depend on it then use current behaviour).
func (c *Cluster) VersionAtLeast(major, minor int) bool {
	ma, mi, ok := c.Version()
	if !ok {
		return true
	}
	return ma > major || (ma == major && mi >= minor)
}

// ParseVersion parses "1.32" or "1.32.4".
func ParseVersion(s string) (major, minor int, ok bool) {
	parts := strings.Split(s, ".")
	if len(parts) < 2 || len(parts) > 3 {
		return 0, 0, false
	}
	ma, err1 := strconv.Atoi(parts[0])
	mi, err2 := strconv.Atoi(parts[1])
	if err1 != nil || err2 != nil || ma < 0 || mi < 0 {
		return 0, 0, false
	}
	if len(parts) == 3 {
		if _, err := strconv.Atoi(parts[2]); err != nil {
			return 0, 0, false
		}
	}
	return ma, mi, true
}

// Autoscaling reports whether the pool has both MinCount and MaxCount.
func (p *NodePool) Autoscaling() bool { return p.MinCount != nil && p.MaxCount != nil }

// MaxNodes returns the most nodes the pool runs in steady state: MaxCount
// when autoscaling, else Count.
func (p *NodePool) MaxNodes() int {
	if p.MaxCount != nil {
		return *p.MaxCount
	}
	if p.Count != nil {
		return *p.Count
	}
	return 0
}

// MinNodes returns MinCount when autoscaling, else Count.
func (p *NodePool) MinNodes() int {
	if p.MinCount != nil {
		return *p.MinCount
	}
	if p.Count != nil {
		return *p.Count
	}
	return 0
}

// IsWindows reports whether the pool runs Windows nodes.
func (p *NodePool) IsWindows() bool {
	return p.OS == OSWindows || strings.HasPrefix(string(p.OSSKU), "Windows")
}

// DefaultMaxPods returns the AKS default maxPods for a mode. For pod subnets
// the docs disagree (110 and 250); 250 is used because it is the larger need.
func DefaultMaxPods(m IPAM) int {
	switch m {
	case IPAMOverlay, IPAMPodSubnetDynamic, IPAMPodSubnetStatic:
		return 250
	case IPAMKubenet:
		return 110
	case IPAMNodeSubnet:
		return 30
	}
	return 110
}

// MaxPodsFor returns the pool's maxPods, or the mode default when unset.
func (c *Cluster) MaxPodsFor(p *NodePool) int {
	if p.MaxPods != nil {
		return *p.MaxPods
	}
	return DefaultMaxPods(c.IPAM())
}

// ParseSurge parses a maxSurge or maxUnavailable value: "5" or "33%". It
// returns the number and whether it is a percentage.
func ParseSurge(s string) (n int, percent bool, ok bool) {
	if strings.HasSuffix(s, "%") {
		percent = true
		s = strings.TrimSuffix(s, "%")
	}
	v, err := strconv.Atoi(s)
	if err != nil || v < 0 {
		return 0, false, false
	}
	return v, percent, true
}

// SurgeNodes returns how many extra nodes an upgrade of pool p adds at
// once, for a pool of size nodes: the integer given, or the percentage of
// the pool rounded up, capped at the pool size. When maxSurge is unset, the
// default is 10% for Kubernetes 1.32 and later and 1 node before.
func (c *Cluster) SurgeNodes(p *NodePool, nodes int) int {
	if nodes <= 0 {
		return 0
	}
	spec := p.MaxSurge
	if spec == "" {
		if c.VersionAtLeast(1, 32) {
			spec = "10%"
		} else {
			spec = "1"
		}
	}
	n, pct, ok := ParseSurge(spec)
	if !ok {
		return 0
	}
	if pct {
		n = (n*nodes + 99) / 100
	}
	if n > nodes {
		n = nodes
	}
	return n
}

// MarshalText encodes the mode as its name, for JSON reports.
func (m IPAM) MarshalText() ([]byte, error) { return []byte(m.String()), nil }
