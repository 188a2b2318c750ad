package rules

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/aksnet/aksnet/cidr"
	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/finding"
)

var privateEndpointsInNodeSubnet = &Rule{
	ID:       "private-endpoints-in-node-subnet",
	Title:    "Private endpoints sit in a subnet that node pools use",
	Severity: finding.Warning,
	Doc: "Every private endpoint takes one address from the subnet it is placed in. When that subnet " +
		"is a node or pod subnet, the endpoints compete with nodes, surge nodes and (with flat " +
		"Azure CNI) pods for the same addresses, so a routine upgrade or scale-out can fail for lack " +
		"of room, and the subnet cannot later be resized while resources are in it. Endpoints and " +
		"nodes also share one NSG and one route table, which blurs the boundary security reviewers " +
		"expect: rules meant for PaaS traffic have to be written into the node subnet's NSG, and a " +
		"0.0.0.0/0 route for node egress also applies to the endpoints' return path. Whether the " +
		"node subnet still has room is checked by the capacity rules; this rule flags the placement.",
	Remediation: "Move the private endpoints to a dedicated subnet (purpose privateEndpoints) in the cluster VNet or a peered hub, and size node subnets for nodes, surge and pods only.",
	Sources: []string{
		"https://learn.microsoft.com/azure/aks/concepts-network-ip-address-planning",
		"https://learn.microsoft.com/azure/aks/upgrade-aks-node-pools-rolling",
	},
	Check: checkPrivateEndpointsInNodeSubnet,
}

func checkPrivateEndpointsInNodeSubnet(p *Pass) {
	d := p.Design
	uses := accessSubnetUses(d)
	for i := range d.Spec.PrivateEndpoints {
		pe := &d.Spec.PrivateEndpoints[i]
		v, s := accessResolve(d, pe.Subnet, "")
		if s == nil {
			continue
		}
		var nodePools, podPools []string
		for _, u := range uses[s] {
			switch u.kind {
			case accessUseNodes:
				nodePools = append(nodePools, u.name)
			case accessUsePods:
				podPools = append(podPools, u.name)
			}
		}
		var role string
		switch {
		case len(nodePools) > 0:
			role = "the node subnet of " + accessJoin(nodePools)
			if len(podPools) > 0 {
				role += " and the pod subnet of " + accessJoin(podPools)
			}
		case len(podPools) > 0:
			role = "the pod subnet of " + accessJoin(podPools)
		case s.Purpose == design.PurposeNodes:
			role = "a subnet with purpose nodes"
		default:
			continue
		}
		n := pe.EffectiveCount()
		what := fmt.Sprintf("private endpoint %q (%s)", pe.Name, design.ServiceTitle(pe.Service))
		takes, shares := "it takes", "shares"
		if n > 1 {
			takes, shares = "they take", "share"
			what = fmt.Sprintf("private endpoint %q (%d %s endpoints)", pe.Name, n, design.ServiceTitle(pe.Service))
		}
		p.Report(Issue{
			Subject: pe.Subject(),
			Path:    design.Field(pe.Path, "subnet"),
			Message: fmt.Sprintf("%s is placed in subnet %s/%s, %s; %s %d of the subnet's %d usable addresses that nodes and pods need and %s their NSG and route table",
				what, v.Name, s.Name, role, takes, n, accessUsable(s), shares),
		})
	}
}

// The helpers below are shared by the access rules. accessSubnetUses and
// accessResolve would sit well in package design (a reverse index of
// subnet references); they live here so that this group touches only its
// own files.

// accessUseKind says how something uses a subnet.
type accessUseKind int

// Ways of using a subnet.
const (
	accessUseNodes accessUseKind = iota + 1
	accessUsePods
	accessUseEndpoint
	accessUseILB
	accessUseIngress
	accessUseAPIServer
)

// accessUse is one reference to a subnet: a pool's node or pod subnet, a
// private endpoint, internal load balancer frontends, an ingress or an API
// server VNet Integration subnet.
type accessUse struct {
	kind accessUseKind
	// name names the user for a message, such as `pool "aks1/system"`.
	name string
	// path is the source path of the reference (or of the object that
	// implies it).
	path    string
	cluster *design.Cluster
	ingress *design.Ingress
	pe      *design.PrivateEndpoint
}

// accessResolve resolves a subnet reference, returning nils when it does not
// resolve (validation reports those).
func accessResolve(d *design.Design, ref, defaultVNet string) (*design.VNet, *design.Subnet) {
	if ref == "" {
		return nil, nil
	}
	v, s, err := d.ResolveSubnet(ref, defaultVNet)
	if err != nil {
		return nil, nil
	}
	return v, s
}

// accessSubnetUses returns, for every subnet that something references, the
// references in document order: clusters (pools, pod subnets, internal load
// balancers, ingress, API server) first, then private endpoints.
func accessSubnetUses(d *design.Design) map[*design.Subnet][]accessUse {
	out := map[*design.Subnet][]accessUse{}
	add := func(s *design.Subnet, u accessUse) {
		if s != nil {
			out[s] = append(out[s], u)
		}
	}
	for ci := range d.Spec.Clusters {
		c := &d.Spec.Clusters[ci]
		for pi := range c.NodePools {
			np := &c.NodePools[pi]
			name := fmt.Sprintf("pool %q", c.Name+"/"+np.Name)
			_, s := accessResolve(d, np.Subnet, c.VNet)
			add(s, accessUse{kind: accessUseNodes, name: name, path: design.Field(np.Path, "subnet"), cluster: c})
			_, ps := accessResolve(d, np.PodSubnet, c.VNet)
			add(ps, accessUse{kind: accessUsePods, name: name, path: design.Field(np.Path, "podSubnet"), cluster: c})
		}
		for li := range c.InternalLoadBalancers {
			l := &c.InternalLoadBalancers[li]
			ref, path := l.Subnet, design.Field(l.Path, "subnet")
			if ref == "" {
				if len(c.NodePools) == 0 {
					continue
				}
				ref, path = c.NodePools[0].Subnet, l.Path
			}
			_, s := accessResolve(d, ref, c.VNet)
			add(s, accessUse{kind: accessUseILB, name: fmt.Sprintf("internal load balancer frontends of cluster %q", c.Name), path: path, cluster: c})
		}
		for ii := range c.Ingress {
			in := &c.Ingress[ii]
			_, s := accessResolve(d, in.Subnet, c.VNet)
			add(s, accessUse{kind: accessUseIngress, name: fmt.Sprintf("%s ingress %q", accessIngressKind(in.Kind), c.Name+"/"+in.Name),
				path: design.Field(in.Path, "subnet"), cluster: c, ingress: in})
		}
		_, s := accessResolve(d, c.APIServer.VNetIntegrationSubnet, c.VNet)
		add(s, accessUse{kind: accessUseAPIServer, name: fmt.Sprintf("the API server of cluster %q", c.Name),
			path: design.Field(design.Field(c.Path, "apiServer"), "vnetIntegrationSubnet"), cluster: c})
	}
	for i := range d.Spec.PrivateEndpoints {
		pe := &d.Spec.PrivateEndpoints[i]
		_, s := accessResolve(d, pe.Subnet, "")
		add(s, accessUse{kind: accessUseEndpoint, name: fmt.Sprintf("private endpoint %q", pe.Name), path: design.Field(pe.Path, "subnet"), pe: pe})
	}
	return out
}

// accessIngressKind names an ingress kind for messages.
func accessIngressKind(k design.IngressKind) string {
	switch k {
	case design.IngressAppGateway:
		return "Application Gateway"
	case design.IngressAppGatewayForContainers:
		return "Application Gateway for Containers"
	case design.IngressAppRouting:
		return "application routing"
	case design.IngressController:
		return "ingress controller"
	case design.IngressInternalLoadBalancer:
		return "internal load balancer"
	}
	return string(k)
}

// accessFirstV4 returns the first IPv4 prefix of a subnet.
func accessFirstV4(s *design.Subnet) (netip.Prefix, bool) {
	for _, p := range s.AddressPrefixes {
		if cidr.Is4(p) {
			return p, true
		}
	}
	return netip.Prefix{}, false
}

// accessFirstV4Index returns the index of the first IPv4 prefix of a subnet,
// or 0.
func accessFirstV4Index(s *design.Subnet) int {
	for i, p := range s.AddressPrefixes {
		if cidr.Is4(p) {
			return i
		}
	}
	return 0
}

// accessAddresses returns the number of IPv4 addresses of a subnet.
func accessAddresses(s *design.Subnet) uint64 {
	var n uint64
	for _, p := range s.AddressPrefixes {
		if cidr.Is4(p) {
			n += cidr.Addresses(p)
		}
	}
	return n
}

// accessUsable returns the number of IPv4 addresses of a subnet left after
// Azure's five reserved addresses per prefix.
func accessUsable(s *design.Subnet) uint64 {
	var n uint64
	for _, p := range s.AddressPrefixes {
		if cidr.Is4(p) {
			n += cidr.AzureUsable(p)
		}
	}
	return n
}

// accessJoin joins names as "a", "a and b" or "a, b and c".
func accessJoin(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// accessPrefixes formats the prefixes of a subnet: "10.1.0.0/24, fd00::/64".
func accessPrefixes(s *design.Subnet) string {
	parts := make([]string, len(s.AddressPrefixes))
	for i, p := range s.AddressPrefixes {
		parts[i] = p.String()
	}
	return strings.Join(parts, ", ")
}
