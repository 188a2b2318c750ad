package sizing

import (
	"math"
	"net/netip"

	"github.com/aksnet/aksnet/cidr"
	"github.com/aksnet/aksnet/design"
)

// ConsumerKind says what takes addresses from a subnet.
type ConsumerKind string

// Kinds of consumer.
const (
	// ConsumerNodes is a node pool's nodes in their node subnet (with their
	// pods, for legacy Azure CNI).
	ConsumerNodes ConsumerKind = "nodes"
	// ConsumerPods is a node pool's pods in its pod subnet.
	ConsumerPods ConsumerKind = "pods"
	// ConsumerPrivateEndpoint is a private endpoint entry (Count endpoints).
	ConsumerPrivateEndpoint ConsumerKind = "privateEndpoint"
	// ConsumerInternalLB is a cluster's internal LoadBalancer frontends.
	ConsumerInternalLB ConsumerKind = "internalLoadBalancer"
	// ConsumerIngress is the internal frontend of an ingress controller.
	ConsumerIngress ConsumerKind = "ingress"
	// ConsumerAppGateway is an Application Gateway: one address per
	// instance plus its private frontend.
	ConsumerAppGateway ConsumerKind = "appGateway"
	// ConsumerAPIServer is the private endpoint of a private cluster's API
	// server, which sits in the subnet of the cluster's first node pool.
	ConsumerAPIServer ConsumerKind = "apiServer"
	// ConsumerAPIServerVNetIntegration is the API server load balancer in
	// an API Server VNet Integration subnet.
	ConsumerAPIServerVNetIntegration ConsumerKind = "apiServerVNetIntegration"
)

// Addresses taken by fixed consumers.
const (
	// APIServerVNetIntegrationAddresses is what AKS reserves (at least) in
	// an API Server VNet Integration subnet per cluster.
	APIServerVNetIntegrationAddresses = 9
	// AppGatewayV2MaxInstances is the autoscale ceiling of an Application
	// Gateway v2, used when an ingress does not state maxInstances.
	AppGatewayV2MaxInstances = 125
	// AppGatewayV1MaxInstances is the instance ceiling of a v1 gateway.
	AppGatewayV1MaxInstances = 32
)

// Consumer is one thing that takes addresses from a subnet.
type Consumer struct {
	Kind ConsumerKind `json:"kind"`
	// Cluster is the cluster the consumer belongs to; empty for private
	// endpoints.
	Cluster string `json:"cluster,omitempty"`
	// Name is the pool, ingress or private endpoint name; empty for a
	// cluster's internal load balancer frontends and API server.
	Name string `json:"name,omitempty"`
	// Subject and Path identify the object, as in findings.
	Subject string `json:"subject"`
	Path    string `json:"path"`
	// IPAM is how the pool addresses its pods (pools only).
	IPAM design.IPAM `json:"ipam,omitempty"`
	// Nodes is the pool's node count per stage (pools only).
	Nodes Needs `json:"nodes"`
	// PerNode is what one node takes from the subnet when fully used, and
	// PerNodeMin what it takes as soon as it starts; they differ only for
	// dynamic pod subnets. Both are 0 for consumers that are not pools.
	PerNode    uint64 `json:"perNode,omitempty"`
	PerNodeMin uint64 `json:"perNodeMin,omitempty"`
	// Need is the addresses taken per stage, MinNeed the same with
	// PerNodeMin.
	Need    Needs `json:"need"`
	MinNeed Needs `json:"minNeed"`
}

// IsPool reports whether the consumer is a node pool (nodes or pods).
func (c *Consumer) IsPool() bool { return c.Kind == ConsumerNodes || c.Kind == ConsumerPods }

// SubnetUse is everything that takes addresses from one subnet.
type SubnetUse struct {
	VNet    string               `json:"vnet"`
	Subnet  string               `json:"subnet"`
	Subject string               `json:"subject"`
	Path    string               `json:"path"`
	Purpose design.SubnetPurpose `json:"purpose,omitempty"`
	// Prefixes are the subnet's address prefixes.
	Prefixes []netip.Prefix `json:"prefixes"`
	// Usable is the number of usable IPv4 addresses (5 reserved per prefix
	// taken off), or math.MaxUint64 when Unlimited.
	Usable uint64 `json:"usable"`
	// Unlimited is true for a subnet with only IPv6 prefixes.
	Unlimited bool `json:"unlimited,omitempty"`
	// Need is the addresses needed per stage, every consumer counted; MinNeed
	// counts dynamic pod-subnet nodes at one batch each.
	Need    Needs `json:"need"`
	MinNeed Needs `json:"minNeed"`
	// Consumers are in design order: clusters (pools, then the API
	// server, internal load balancers and ingress), then private endpoints.
	Consumers []Consumer `json:"consumers"`
}

// Ref returns "vnet/subnet".
func (u *SubnetUse) Ref() string { return u.VNet + "/" + u.Subnet }

// HasKind reports whether any consumer is of kind k.
func (u *SubnetUse) HasKind(k ConsumerKind) bool {
	for i := range u.Consumers {
		if u.Consumers[i].Kind == k {
			return true
		}
	}
	return false
}

// Spare returns usable − need at stage s; negative when the need does not
// fit.
func (u *SubnetUse) Spare(s Stage) int64 { return Spare(u.Usable, u.Need.At(s)) }

// PodRangeUse is a cluster's IPv4 pod CIDR (kubenet, Overlay or BYO CNI)
// and the nodes that take a /24 of it.
type PodRangeUse struct {
	Cluster string       `json:"cluster"`
	Subject string       `json:"subject"`
	Path    string       `json:"path"`
	IPAM    design.IPAM  `json:"ipam"`
	Prefix  netip.Prefix `json:"prefix"`
	// Default is true when the design writes no pod CIDR and AKS's default
	// applies; Path then points at the cluster's network.
	Default bool `json:"default,omitempty"`
	// NodeCapacity is how many /24 blocks (nodes) the prefix holds: 0 when
	// the prefix is longer than /24.
	NodeCapacity uint64 `json:"nodeCapacity"`
	// Nodes is the cluster's node count per stage, all pools summed.
	Nodes Needs `json:"nodes"`
	// Consumers are the cluster's pools; their Need counts /24 blocks.
	Consumers []Consumer `json:"consumers"`
}

// Spare returns capacity − nodes at stage s; negative when the nodes do not
// fit.
func (r *PodRangeUse) Spare(s Stage) int64 { return Spare(r.NodeCapacity, r.Nodes.At(s)) }

// PoolCapacity is one node pool's size and how far it can grow.
type PoolCapacity struct {
	Cluster string      `json:"cluster"`
	Pool    string      `json:"pool"`
	Subject string      `json:"subject"`
	Path    string      `json:"path"`
	IPAM    design.IPAM `json:"ipam"`
	// MaxNodes is maxCount when autoscaling, else count; Surge the surge
	// nodes an upgrade at that size adds.
	MaxNodes int `json:"maxNodes"`
	Surge    int `json:"surge"`
	// MaxPods is the pool's maxPods, or the mode default when MaxPodsDefault.
	MaxPods        int  `json:"maxPods"`
	MaxPodsDefault bool `json:"maxPodsDefault,omitempty"`
	// Nodes is the node count per stage.
	Nodes Needs `json:"nodes"`
	// NodeSubnet and PodSubnet are "vnet/subnet", or empty.
	NodeSubnet string `json:"nodeSubnet,omitempty"`
	PodSubnet  string `json:"podSubnet,omitempty"`
	// NodeSubnetPerNode and PodSubnetPerNode are what one node takes.
	NodeSubnetPerNode uint64 `json:"nodeSubnetPerNode"`
	PodSubnetPerNode  uint64 `json:"podSubnetPerNode,omitempty"`
	// LargestNodeCount is the largest node count (maxCount or count) the
	// pool can be given such that, with its upgrade surge and every other
	// consumer of its node subnet, pod subnet and pod CIDR at their upgrade
	// need, everything still fits, and the pool plus surge stays within
	// 1,000 instances. Pod subnets are counted at full nodes. It is -1
	// when the other consumers already overflow a shared range.
	LargestNodeCount int `json:"largestNodeCount"`
	// LimitedBy names what stops LargestNodeCount from being larger:
	// "subnet VNET/NAME", "pod CIDR PREFIX" or "pool instance limit".
	LimitedBy string `json:"limitedBy"`
}

// Report is the address need of a whole design.
type Report struct {
	// Subnets are the subnets something takes addresses from, in the
	// order of spec.vnets and their subnets.
	Subnets []SubnetUse `json:"subnets"`
	// PodRanges are the IPv4 pod CIDRs of clusters that use one, in
	// cluster order.
	PodRanges []PodRangeUse `json:"podRanges"`
	// Pools are every node pool, in cluster and pool order.
	Pools []PoolCapacity `json:"pools"`
}

// Subnet returns the use of subnet vnet/name, or nil.
func (r Report) Subnet(vnet, name string) *SubnetUse {
	for i := range r.Subnets {
		if r.Subnets[i].VNet == vnet && r.Subnets[i].Subnet == name {
			return &r.Subnets[i]
		}
	}
	return nil
}

// PodRange returns the pod CIDR use of cluster, or nil.
func (r Report) PodRange(cluster string) *PodRangeUse {
	for i := range r.PodRanges {
		if r.PodRanges[i].Cluster == cluster {
			return &r.PodRanges[i]
		}
	}
	return nil
}

// Pool returns the capacity of pool cluster/pool, or nil.
func (r Report) Pool(cluster, pool string) *PoolCapacity {
	for i := range r.Pools {
		if r.Pools[i].Cluster == cluster && r.Pools[i].Pool == pool {
			return &r.Pools[i]
		}
	}
	return nil
}

// Analyze computes the address need of a validated design. References that
// do not resolve are skipped. The result depends only on the design and is
// in a deterministic order.
func Analyze(d *design.Design) Report { return analyze(d, true) }

// analyze is Analyze; withLargest false leaves LargestNodeCount and
// LimitedBy unset.
func analyze(d *design.Design, withLargest bool) Report {
	var rep Report
	if d == nil {
		return rep
	}
	a := analyzer{d: d, uses: map[*design.Subnet][]Consumer{}}
	pl := d.Spec.Planning
	for ci := range d.Spec.Clusters {
		c := &d.Spec.Clusters[ci]
		var rng *PodRangeUse
		if c.IPAM().UsesPodCIDR() {
			rng = podRange(c)
		}
		for pi := range c.NodePools {
			p := &c.NodePools[pi]
			nodes := PoolNodes(c, p, pl)
			pc := PoolCapacity{
				Cluster: c.Name, Pool: p.Name, Subject: design.PoolSubject(c, p), Path: p.Path,
				IPAM: PoolIPAM(c, p), MaxNodes: max(p.MaxNodes(), 0), Surge: c.SurgeNodes(p, max(p.MaxNodes(), 0)),
				MaxPods: c.MaxPodsFor(p), MaxPodsDefault: p.MaxPods == nil, Nodes: nodes,
				NodeSubnetPerNode: NodeSubnetPerNode(c, p),
			}
			base := Consumer{Cluster: c.Name, Name: p.Name, Subject: pc.Subject, Path: p.Path, IPAM: pc.IPAM, Nodes: nodes}
			if v, s := d.PoolSubnet(c, p); s != nil {
				pc.NodeSubnet = v.Name + "/" + s.Name
				k := base
				k.Kind, k.PerNode, k.PerNodeMin = ConsumerNodes, pc.NodeSubnetPerNode, pc.NodeSubnetPerNode
				k.Need = nodes.Times(k.PerNode)
				k.MinNeed = k.Need
				a.add(s, k)
			}
			if full, floor := PodSubnetPerNode(c, p); full > 0 {
				if v, s := d.PoolPodSubnet(c, p); s != nil {
					pc.PodSubnet, pc.PodSubnetPerNode = v.Name+"/"+s.Name, full
					k := base
					k.Kind, k.PerNode, k.PerNodeMin = ConsumerPods, full, floor
					k.Need, k.MinNeed = nodes.Times(full), nodes.Times(floor)
					a.add(s, k)
				}
			}
			if rng != nil {
				k := base
				k.Kind, k.PerNode, k.PerNodeMin = ConsumerNodes, 1, 1
				k.Need, k.MinNeed = nodes, nodes
				rng.Consumers = append(rng.Consumers, k)
				rng.Nodes = rng.Nodes.Plus(nodes)
			}
			rep.Pools = append(rep.Pools, pc)
		}
		if rng != nil {
			rep.PodRanges = append(rep.PodRanges, *rng)
		}
		a.clusterExtras(c)
	}
	for i := range d.Spec.PrivateEndpoints {
		pe := &d.Spec.PrivateEndpoints[i]
		if s := a.resolve(pe.Subnet, ""); s != nil {
			a.add(s, fixed(ConsumerPrivateEndpoint, "", pe.Name, pe.Subject(), pe.Path, uint64(pe.EffectiveCount())))
		}
	}
	for vi := range d.Spec.VNets {
		v := &d.Spec.VNets[vi]
		for si := range v.Subnets {
			s := &v.Subnets[si]
			cs, ok := a.uses[s]
			if !ok {
				continue
			}
			rep.Subnets = append(rep.Subnets, subnetUse(v, s, cs))
		}
	}
	if !withLargest {
		return rep
	}
	idx := indexShares(&rep)
	i := 0
	for ci := range d.Spec.Clusters {
		c := &d.Spec.Clusters[ci]
		for pi := range c.NodePools {
			largest(&rep, idx, &rep.Pools[i], c, &c.NodePools[pi])
			i++
		}
	}
	return rep
}

// analyzer gathers consumers per subnet.
type analyzer struct {
	d    *design.Design
	uses map[*design.Subnet][]Consumer
}

func (a *analyzer) add(s *design.Subnet, k Consumer) {
	a.uses[s] = append(a.uses[s], k)
}

func (a *analyzer) resolve(ref, defaultVNet string) *design.Subnet {
	if ref == "" {
		return nil
	}
	_, s, err := a.d.ResolveSubnet(ref, defaultVNet)
	if err != nil {
		return nil
	}
	return s
}

// fixed builds a consumer that takes n addresses at every stage.
func fixed(kind ConsumerKind, cluster, name, subject, path string, n uint64) Consumer {
	return Consumer{Kind: kind, Cluster: cluster, Name: name, Subject: subject, Path: path,
		Need: Flat(n), MinNeed: Flat(n)}
}

// clusterExtras adds what a cluster takes besides its pools: the private
// API server endpoint, internal load balancer frontends and ingress.
func (a *analyzer) clusterExtras(c *design.Cluster) {
	var first *design.Subnet
	if len(c.NodePools) > 0 {
		first = a.resolve(c.NodePools[0].Subnet, c.VNet)
	}
	api := design.Field(c.Path, "apiServer")
	switch {
	case c.APIServer.VNetIntegrationSubnet != "":
		if s := a.resolve(c.APIServer.VNetIntegrationSubnet, c.VNet); s != nil {
			a.add(s, fixed(ConsumerAPIServerVNetIntegration, c.Name, "", c.Subject(), design.Field(api, "vnetIntegrationSubnet"), APIServerVNetIntegrationAddresses))
		}
	case c.APIServer.Private:
		if first != nil {
			a.add(first, fixed(ConsumerAPIServer, c.Name, "", c.Subject(), design.Field(api, "private"), 1))
		}
	}
	for i := range c.InternalLoadBalancers {
		l := &c.InternalLoadBalancers[i]
		if l.Count <= 0 {
			continue
		}
		s := first
		if l.Subnet != "" {
			s = a.resolve(l.Subnet, c.VNet)
		}
		if s != nil {
			a.add(s, fixed(ConsumerInternalLB, c.Name, "", c.Subject(), l.Path, uint64(l.Count)))
		}
	}
	for i := range c.Ingress {
		in := &c.Ingress[i]
		kind, n := ingressAddresses(in)
		if n == 0 {
			continue
		}
		s := first
		if in.Subnet != "" {
			s = a.resolve(in.Subnet, c.VNet)
		} else if kind == ConsumerAppGateway {
			s = nil // an Application Gateway never sits in a node subnet by default
		}
		if s != nil {
			a.add(s, fixed(kind, c.Name, in.Name, design.IngressSubject(c, in), in.Path, n))
		}
	}
}

// ingressAddresses returns how many addresses an ingress takes from its
// subnet (or, for internal frontends without a subnet, from the first node
// pool's subnet):
//   - Application Gateway: one per instance (maxInstances, else the SKU's
//     ceiling: 125 for v2, 32 for v1) plus a private frontend unless the
//     gateway is explicitly public;
//   - an internal load balancer ingress: 1 frontend;
//   - an ingress controller: 1 frontend when it is internal or names a
//     subnet; application routing: 1 when it is internal.
//
// Application Gateway for Containers lives in its own delegated subnet and
// public frontends take no subnet address; both count 0.
func ingressAddresses(in *design.Ingress) (ConsumerKind, uint64) {
	switch in.Kind {
	case design.IngressAppGateway:
		n := in.MaxInstances
		if n <= 0 {
			n = AppGatewayV2MaxInstances
			if in.SKU == "Standard" || in.SKU == "WAF" {
				n = AppGatewayV1MaxInstances
			}
		}
		if in.Exposure != design.ExposurePublic {
			n++
		}
		return ConsumerAppGateway, uint64(n)
	case design.IngressInternalLoadBalancer:
		return ConsumerIngress, 1
	case design.IngressController:
		if in.Exposure == design.ExposureInternal || (in.Subnet != "" && in.Exposure != design.ExposurePublic) {
			return ConsumerIngress, 1
		}
	case design.IngressAppRouting:
		if in.Exposure == design.ExposureInternal {
			return ConsumerIngress, 1
		}
	}
	return "", 0
}

// podRange returns the pod CIDR use of cluster c, without consumers, or
// nil when the cluster has no IPv4 pod CIDR.
func podRange(c *design.Cluster) *PodRangeUse {
	for i, p := range c.PodCIDRs() {
		if !cidr.Is4(p) {
			continue
		}
		r := &PodRangeUse{Cluster: c.Name, Subject: c.Subject(), IPAM: c.IPAM(), Prefix: p, NodeCapacity: PodCIDRNodeCapacity(p)}
		net := design.Field(c.Path, "network")
		if len(c.Network.PodCIDRs) == 0 {
			r.Default, r.Path = true, net
		} else {
			r.Path = design.Index(design.Field(net, "podCidrs"), i)
		}
		return r
	}
	return nil
}

// subnetUse totals the consumers of one subnet.
func subnetUse(v *design.VNet, s *design.Subnet, cs []Consumer) SubnetUse {
	u := SubnetUse{
		VNet: v.Name, Subnet: s.Name, Subject: design.SubnetSubject(v, s), Path: s.Path,
		Purpose: s.Purpose, Prefixes: s.AddressPrefixes, Consumers: cs,
	}
	var v4, v6 bool
	for _, p := range s.AddressPrefixes {
		switch {
		case cidr.Is4(p):
			v4 = true
			u.Usable = satAdd(u.Usable, cidr.AzureUsable(p))
		case p.IsValid():
			v6 = true
		}
	}
	if v6 && !v4 {
		u.Unlimited, u.Usable = true, math.MaxUint64
	}
	for i := range cs {
		u.Need = u.Need.Plus(cs[i].Need)
		u.MinNeed = u.MinNeed.Plus(cs[i].MinNeed)
	}
	return u
}
