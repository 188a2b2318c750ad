package simulate

import (
	"net/netip"
	"strconv"

	"github.com/aksnet/aksnet/design"
)

// tpool is a node pool for test designs.
type tpool struct {
	name string
	// count is the fixed node count; with max > 0 the pool autoscales from
	// min to max instead.
	count, min, max int
	maxPods         int // 0: the mode's default
	surge, unavail  string
	system          bool
	noPodSubnet     bool // in pod-subnet clusters: leave the pod subnet out
}

// tdesign is a one-cluster design: a node subnet 10.1.0.0/nodeBits, for
// pod-subnet modes a pod subnet 10.2.0.0/podBits, and pes private
// endpoints in the node subnet (podPEs in the pod subnet).
type tdesign struct {
	mode     string // overlay, kubenet, legacy, dynamic, static
	version  string // default 1.33
	nodeBits int
	podBits  int
	podCIDR  string // overlay and kubenet; default 10.244.0.0/16
	pes      int
	podPEs   int
	pools    []tpool
}

func ip(n int) *int { return &n }

func (td tdesign) build() *design.Design {
	d := &design.Design{APIVersion: design.APIVersion, Kind: design.Kind}
	d.Metadata.Name = "t"
	v := design.VNet{Name: "spoke", Region: "westeurope", Path: "spec.vnets[0]",
		AddressSpace: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}}
	v.Subnets = append(v.Subnets, design.Subnet{Name: "nodes", Purpose: design.PurposeNodes, Path: "spec.vnets[0].subnets[0]",
		AddressPrefixes: []netip.Prefix{netip.PrefixFrom(netip.MustParseAddr("10.1.0.0"), td.nodeBits)}})
	pod := td.mode == "dynamic" || td.mode == "static"
	if pod {
		v.Subnets = append(v.Subnets, design.Subnet{Name: "pods", Purpose: design.PurposePods, Path: "spec.vnets[0].subnets[1]",
			AddressPrefixes: []netip.Prefix{netip.PrefixFrom(netip.MustParseAddr("10.2.0.0"), td.podBits)}})
	}
	d.Spec.VNets = []design.VNet{v}
	if td.pes > 0 {
		d.Spec.PrivateEndpoints = append(d.Spec.PrivateEndpoints, design.PrivateEndpoint{Name: "pe-nodes", Service: "keyVault", Subnet: "spoke/nodes", Count: td.pes, Path: "spec.privateEndpoints[0]"})
	}
	if td.podPEs > 0 {
		d.Spec.PrivateEndpoints = append(d.Spec.PrivateEndpoints, design.PrivateEndpoint{Name: "pe-pods", Service: "keyVault", Subnet: "spoke/pods", Count: td.podPEs, Path: "spec.privateEndpoints[1]"})
	}
	ver := td.version
	if ver == "" {
		ver = "1.33"
	}
	c := design.Cluster{Name: "aks1", Region: "westeurope", KubernetesVersion: ver, VNet: "spoke", Path: "spec.clusters[0]"}
	switch td.mode {
	case "overlay":
		c.Network = design.ClusterNetwork{Plugin: design.PluginAzure, PluginMode: design.ModeOverlay}
	case "kubenet":
		c.Network = design.ClusterNetwork{Plugin: design.PluginKubenet}
	case "legacy", "dynamic":
		c.Network = design.ClusterNetwork{Plugin: design.PluginAzure}
	case "static":
		c.Network = design.ClusterNetwork{Plugin: design.PluginAzure, PodIPAllocationMode: design.AllocStaticBlock}
	default:
		panic("unknown mode " + td.mode)
	}
	if td.podCIDR != "" {
		c.Network.PodCIDRs = []netip.Prefix{netip.MustParsePrefix(td.podCIDR)}
	}
	for i, tp := range td.pools {
		p := design.NodePool{Name: tp.name, Mode: design.ModeUser, Subnet: "nodes", MaxSurge: tp.surge, MaxUnavailable: tp.unavail,
			Path: "spec.clusters[0].nodePools[" + strconv.Itoa(i) + "]"}
		if tp.system {
			p.Mode = design.ModeSystem
		}
		if tp.max > 0 {
			p.MinCount, p.MaxCount = ip(tp.min), ip(tp.max)
		} else {
			p.Count = ip(tp.count)
		}
		if tp.maxPods > 0 {
			p.MaxPods = ip(tp.maxPods)
		}
		if pod && !tp.noPodSubnet {
			p.PodSubnet = "pods"
		}
		c.NodePools = append(c.NodePools, p)
	}
	d.Spec.Clusters = []design.Cluster{c}
	if probs := design.Validate(d); len(probs) > 0 {
		panic("invalid test design: " + probs[0].Path + ": " + probs[0].Msg)
	}
	return d
}
