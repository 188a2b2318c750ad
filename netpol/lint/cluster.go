package lint

import (
	"net/netip"
	"slices"

	"github.com/aksnet/aksnet/design"
)

// Cluster is what lint knows of the cluster the manifests run on. The zero
// Cluster means nothing is known: the rules that depend on the cluster
// either skip or assume AKS defaults, as each rule's documentation says.
type Cluster struct {
	// Name names the cluster in findings; empty when it is not known.
	Name string
	// Design is the cluster as a design describes it (network plugin,
	// mode, dataplane, policy engine, IP families, node pools). The
	// network-policy-not-enforced-* rules run only when it is set.
	Design *design.Cluster
	// PodRanges are the addresses pods take: the pod CIDRs with Overlay
	// and kubenet, the pod subnets with pod-subnet Azure CNI, the node
	// subnets with node-subnet Azure CNI. Empty when not known.
	PodRanges []netip.Prefix
	// NodeRanges are the node subnets' addresses. Empty when not known.
	NodeRanges []netip.Prefix
	// LocalDNS says that pods resolve names through AKS LocalDNS, a DNS
	// proxy on every node, instead of reaching CoreDNS themselves.
	LocalDNS bool
	// SensitiveNamespaces must be isolated by NetworkPolicy.
	SensitiveNamespaces []string
}

// FromDesign returns what design d says of its cluster c: the network
// profile, the pod and node address ranges (resolving the pools' subnets
// in d), whether it runs LocalDNS, and the sensitive namespaces of the
// cluster's requirements.
func FromDesign(d *design.Design, c *design.Cluster) Cluster {
	out := Cluster{Name: c.Name, Design: c, LocalDNS: c.Network.LocalDNS, SensitiveNamespaces: slices.Clone(c.Requirements.SensitiveNamespaces)}
	m := c.IPAM()
	out.PodRanges = slices.Clone(c.PodCIDRs())
	for i := range c.NodePools {
		p := &c.NodePools[i]
		if _, s := d.PoolSubnet(c, p); s != nil {
			out.NodeRanges = appendNew(out.NodeRanges, s.AddressPrefixes...)
			if m == design.IPAMNodeSubnet {
				out.PodRanges = appendNew(out.PodRanges, s.AddressPrefixes...)
			}
		}
		if _, s := d.PoolPodSubnet(c, p); s != nil {
			out.PodRanges = appendNew(out.PodRanges, s.AddressPrefixes...)
		}
	}
	return out
}

func appendNew(list []netip.Prefix, ps ...netip.Prefix) []netip.Prefix {
	for _, p := range ps {
		p = p.Masked()
		if !slices.Contains(list, p) {
			list = append(list, p)
		}
	}
	return list
}

// subject returns "cluster/NAME", or "" when the cluster has no name.
func (c *Cluster) subject() string {
	if c.Name == "" {
		return ""
	}
	return "cluster/" + c.Name
}

// label names the cluster in messages.
func (c *Cluster) label() string {
	if c.Name == "" {
		return "the cluster"
	}
	return "cluster " + c.Name
}

func (c *Cluster) dualStack() bool {
	if c.Design != nil && c.Design.DualStack() {
		return true
	}
	return slices.ContainsFunc(c.PodRanges, func(p netip.Prefix) bool { return p.Addr().Is6() })
}

// engine returns the NetworkPolicy engine that runs in the cluster. The
// Cilium dataplane enforces policies itself, so an unwritten policy with
// the Cilium dataplane counts as Cilium; an explicit none stays none.
func (c *Cluster) engine() design.PolicyEngine {
	if c.Design == nil {
		return ""
	}
	if c.Design.Network.Policy == "" && c.Design.Dataplane() == design.DataplaneCilium {
		return design.PolicyCilium
	}
	return c.Design.Policy()
}

// windowsPools returns the cluster's Windows node pools.
func (c *Cluster) windowsPools() []*design.NodePool {
	if c.Design == nil {
		return nil
	}
	var out []*design.NodePool
	for i := range c.Design.NodePools {
		if p := &c.Design.NodePools[i]; p.IsWindows() {
			out = append(out, p)
		}
	}
	return out
}

// engineName names an engine as users know it.
func engineName(e design.PolicyEngine) string {
	switch e {
	case design.PolicyAzure:
		return "Azure Network Policy Manager"
	case design.PolicyCalico:
		return "Calico"
	case design.PolicyCilium:
		return "Cilium"
	}
	return "no engine"
}
