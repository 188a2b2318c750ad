package rules

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/finding"
)

var privateDNSZoneNotLinked = &Rule{
	ID:       "private-dns-zone-not-linked",
	Title:    "A private DNS zone the cluster needs is not linked where its nodes resolve names",
	Severity: finding.Error,
	Doc: "A private DNS zone answers only queries that reach Azure DNS (168.63.129.16) from a VNet linked " +
		"to the zone. Nodes of a VNet with Azure-provided DNS ask Azure DNS from the cluster VNet, so " +
		"every zone the cluster needs must be linked to the cluster VNet. Nodes of a VNet with custom " +
		"DNS servers ask those servers, which forward to Azure DNS from their own VNet, so the zones must " +
		"be linked to the VNet that holds the servers (typically a hub resolver VNet). When the link is " +
		"missing the PaaS name resolves to its public IP and traffic bypasses the private endpoint. The " +
		"rule checks, for every VNet that holds a cluster, the zones of private endpoints placed in " +
		"that VNet or in a VNet of the design peered with it, and a private cluster's custom API server " +
		"zone. It also flags private-cluster DNS settings that cannot resolve: privateDnsZone none with " +
		"the public FQDN disabled is unsupported, and with the default system zone AKS links its zone " +
		"only to the cluster VNet, so custom DNS servers must forward privatelink.<region>.azmk8s.io to " +
		"168.63.129.16 from a VNet that is linked to that zone.",
	Remediation: "Link each zone to the VNet whose Azure DNS answers the nodes: the cluster VNet when it uses Azure-provided DNS, or the VNet of the custom DNS servers (the hub resolver).",
	Sources: []string{
		"https://learn.microsoft.com/azure/private-link/private-endpoint-dns",
		"https://learn.microsoft.com/azure/aks/private-clusters",
		"https://learn.microsoft.com/azure/aks/api-server-vnet-integration",
	},
	Check: checkPrivateDNSZoneNotLinked,
}

// accessResolver is where the nodes of a VNet send DNS queries that end at
// Azure DNS: the VNet itself (Azure-provided DNS or servers inside it), or
// another VNet (or external VNet range) that holds the custom servers.
type accessResolver struct {
	// link is the name a zone must list in its links: a VNet of the design
	// or an external range of kind peeredVNet or otherVNet.
	link    string
	servers []netip.Addr
}

// accessResolvers returns where the nodes of VNet v resolve names, and the
// indexes of custom DNS servers that lie in no VNet of the design (their
// path cannot be checked).
func accessResolvers(d *design.Design, v *design.VNet) (res []accessResolver, unknown []int) {
	if len(v.DNSServers) == 0 {
		return []accessResolver{{link: v.Name}}, nil
	}
	at := map[string]int{}
	for i, ip := range v.DNSServers {
		name := accessVNetHolding(d, v, ip)
		if name == "" {
			unknown = append(unknown, i)
			continue
		}
		j, ok := at[strings.ToLower(name)]
		if !ok {
			j = len(res)
			at[strings.ToLower(name)] = j
			res = append(res, accessResolver{link: name})
		}
		res[j].servers = append(res[j].servers, ip)
	}
	return res, unknown
}

// accessVNetHolding returns the name of the VNet of the design whose address
// space holds ip (preferring self), else of an external range of kind
// peeredVNet or otherVNet that holds it, else "".
func accessVNetHolding(d *design.Design, self *design.VNet, ip netip.Addr) string {
	holds := func(ps []netip.Prefix) bool {
		for _, p := range ps {
			if p.Contains(ip) {
				return true
			}
		}
		return false
	}
	if holds(self.AddressSpace) {
		return self.Name
	}
	for i := range d.Spec.VNets {
		if holds(d.Spec.VNets[i].AddressSpace) {
			return d.Spec.VNets[i].Name
		}
	}
	for i := range d.Spec.ExternalRanges {
		r := &d.Spec.ExternalRanges[i]
		if (r.Kind == design.RangePeeredVNet || r.Kind == design.RangeOtherVNet) && holds(r.CIDRs) {
			return r.Name
		}
	}
	return ""
}

// accessDNSIndex holds the lookups checkPrivateDNSZoneNotLinked needs, so
// that the rule stays near-linear on estates with thousands of clusters,
// endpoints and zone links.
type accessDNSIndex struct {
	clusters map[string][]*design.Cluster // by VNet name
	peers    map[string][]string          // VNet name to peer names, both directions
	zones    map[string]*design.PrivateDNSZone
	links    map[*design.PrivateDNSZone]map[string]bool // lower-case link names
	// endpoints are, per lower-case VNet name, the zones its private
	// endpoints need and who needs them, in document order.
	endpoints map[string][]accessZoneNeed
}

type accessZoneNeed struct {
	zone *design.PrivateDNSZone
	user string
}

func accessDNSIndexFor(p *Pass) *accessDNSIndex {
	return p.Memo("access-dns-index", func() any {
		d := p.Design
		idx := &accessDNSIndex{
			clusters:  map[string][]*design.Cluster{},
			peers:     map[string][]string{},
			zones:     map[string]*design.PrivateDNSZone{},
			links:     map[*design.PrivateDNSZone]map[string]bool{},
			endpoints: map[string][]accessZoneNeed{},
		}
		for i := range d.Spec.Clusters {
			c := &d.Spec.Clusters[i]
			idx.clusters[c.VNet] = append(idx.clusters[c.VNet], c)
		}
		for _, pr := range d.Spec.Peerings {
			idx.peers[pr.From] = append(idx.peers[pr.From], pr.To)
			idx.peers[pr.To] = append(idx.peers[pr.To], pr.From)
		}
		for i := range d.Spec.PrivateDNSZones {
			z := &d.Spec.PrivateDNSZones[i]
			idx.zones[strings.ToLower(z.Name)] = z
			set := map[string]bool{}
			for _, l := range z.Links {
				set[strings.ToLower(l)] = true
			}
			idx.links[z] = set
		}
		for i := range d.Spec.PrivateEndpoints {
			pe := &d.Spec.PrivateEndpoints[i]
			z := accessEndpointZones(d, pe)
			if !z.ok {
				continue
			}
			for _, name := range z.needed {
				if zone := idx.zones[strings.ToLower(name)]; zone != nil {
					key := strings.ToLower(z.vnet.Name)
					idx.endpoints[key] = append(idx.endpoints[key], accessZoneNeed{zone, fmt.Sprintf("private endpoint %q", pe.Name)})
				}
			}
		}
		return idx
	}).(*accessDNSIndex)
}

// linked reports whether zone z links name (ignoring case).
func (idx *accessDNSIndex) linked(z *design.PrivateDNSZone, name string) bool {
	return idx.links[z][strings.ToLower(name)]
}

// accessAddrs formats addresses as "10.0.0.4, 10.0.0.5".
func accessAddrs(as []netip.Addr) string {
	parts := make([]string, len(as))
	for i, a := range as {
		parts[i] = a.String()
	}
	return strings.Join(parts, ", ")
}

func checkPrivateDNSZoneNotLinked(p *Pass) {
	d := p.Design
	type gap struct {
		zone     *design.PrivateDNSZone
		res      accessResolver
		via      []string // cluster VNets whose nodes resolve through res
		clusters []string
		users    []string // endpoints or clusters that need the zone
	}
	var gaps []*gap
	byKey := map[string]*gap{}
	note := func(list *[]string, s string) {
		if !accessContainsFold(*list, s) {
			*list = append(*list, s)
		}
	}

	idx := accessDNSIndexFor(p)
	for vi := range d.Spec.VNets {
		cv := &d.Spec.VNets[vi]
		clusters := idx.clusters[cv.Name]
		if len(clusters) == 0 {
			continue
		}
		names := make([]string, len(clusters))
		for i, c := range clusters {
			names[i] = fmt.Sprintf("%q", c.Name)
		}

		// The VNets whose private endpoints the clusters may use: their own
		// and those of the design peered with it.
		scope := []string{cv.Name}
		for _, peer := range idx.peers[cv.Name] {
			if d.VNetByName(peer) != nil && !accessContainsFold(scope, peer) {
				scope = append(scope, peer)
			}
		}
		type need struct {
			zone *design.PrivateDNSZone
			user string
			// clusters are the clusters of the VNet that need the zone.
			clusters []string
			// aksLinked is true for a custom API server zone, which AKS
			// links to the cluster VNet itself.
			aksLinked bool
		}
		var needs []need
		for _, vn := range scope {
			for _, e := range idx.endpoints[strings.ToLower(vn)] {
				needs = append(needs, need{zone: e.zone, user: e.user, clusters: names})
			}
		}
		for _, c := range clusters {
			if !c.APIServer.Private || c.APIServer.VNetIntegrationSubnet != "" {
				continue
			}
			if name, ok := accessAPIZone(c); ok {
				if zone := idx.zones[strings.ToLower(name)]; zone != nil {
					needs = append(needs, need{zone: zone, user: fmt.Sprintf("the API server of private cluster %q", c.Name),
						clusters: []string{fmt.Sprintf("%q", c.Name)}, aksLinked: true})
				}
			}
		}

		resolvers, unknown := accessResolvers(d, cv)
		for _, n := range needs {
			for _, r := range resolvers {
				if idx.linked(n.zone, r.link) {
					continue
				}
				if n.aksLinked && strings.EqualFold(r.link, cv.Name) {
					continue
				}
				key := strings.ToLower(n.zone.Name) + "\x00" + strings.ToLower(r.link)
				g := byKey[key]
				if g == nil {
					g = &gap{zone: n.zone, res: r}
					byKey[key] = g
					gaps = append(gaps, g)
				}
				note(&g.via, cv.Name)
				for _, c := range n.clusters {
					note(&g.clusters, c)
				}
				note(&g.users, n.user)
			}
		}
		if len(unknown) > 0 && len(needs) > 0 {
			var ips []netip.Addr
			for _, i := range unknown {
				ips = append(ips, cv.DNSServers[i])
			}
			var zones []string
			for _, n := range needs {
				if !accessContainsFold(zones, n.zone.Name) {
					zones = append(zones, n.zone.Name)
				}
			}
			p.Report(Issue{
				Subject:  cv.Subject(),
				Path:     design.Index(design.Field(cv.Path, "dnsServers"), unknown[0]),
				Severity: finding.Info,
				Message: fmt.Sprintf("VNet %q (cluster %s) uses DNS servers %s, which lie in no VNet of the design, so aksnet cannot check that they resolve %s; they must conditionally forward these zones to 168.63.129.16 from a VNet linked to them",
					cv.Name, accessJoin(names), accessAddrs(ips), accessJoin(zones)),
				Remediation: "Make the DNS servers forward each privatelink zone to a resolver in a VNet linked to the zones (for example an Azure DNS Private Resolver inbound endpoint in the hub), or add that VNet to the design.",
			})
		}

		for _, c := range clusters {
			accessCheckPrivateClusterDNS(p, c, cv, resolvers, unknown)
		}
	}

	for _, g := range gaps {
		path := g.zone.Path
		if len(g.zone.Links) > 0 {
			path = design.Field(g.zone.Path, "links")
		}
		var where string
		if len(g.res.servers) == 0 {
			where = fmt.Sprintf("VNet %q uses Azure-provided DNS, so the nodes of cluster %s resolve through that VNet", g.res.link, accessJoin(g.clusters))
		} else {
			where = fmt.Sprintf("the nodes of cluster %s (VNet %s) use DNS servers %s in %q, which resolve through that VNet",
				accessJoin(g.clusters), accessJoin(accessQuote(g.via)), accessAddrs(g.res.servers), g.res.link)
		}
		linked := "the zone has no VNet links"
		if len(g.zone.Links) > 0 {
			linked = "the zone links only " + accessJoin(accessQuote(g.zone.Links))
		}
		p.Report(Issue{
			Subject: g.zone.Subject(),
			Path:    path,
			Message: fmt.Sprintf("private DNS zone %s (needed by %s) is not linked to %q: %s; %s, so the nodes never see its private records",
				g.zone.Name, accessJoin(g.users), g.res.link, where, linked),
			Remediation: fmt.Sprintf("Add %q to the links of zone %s.", g.res.link, g.zone.Name),
		})
	}
}

// accessQuote quotes each name.
func accessQuote(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = fmt.Sprintf("%q", n)
	}
	return out
}

// accessCheckPrivateClusterDNS reports private-cluster DNS settings that
// leave the API server name unresolvable from the nodes.
func accessCheckPrivateClusterDNS(p *Pass, c *design.Cluster, cv *design.VNet, resolvers []accessResolver, unknown []int) {
	if !c.APIServer.Private {
		return
	}
	api := design.Field(c.Path, "apiServer")
	switch accessAPIZoneMode(c) {
	case "none":
		if f := c.APIServer.PublicFQDN; f != nil && !*f {
			p.Report(Issue{
				Subject: c.Subject(),
				Path:    design.Field(api, "publicFQDN"),
				Message: fmt.Sprintf("private cluster %q sets privateDnsZone none and publicFQDN false; with no private zone the API server name exists only in public DNS, so AKS does not support this combination",
					c.Name),
				Remediation: "Keep the public FQDN (publicFQDN: true) with privateDnsZone none, or use privateDnsZone system or a custom zone.",
			})
		}
	case "system":
		if len(cv.DNSServers) == 0 || c.APIServer.VNetIntegrationSubnet != "" {
			// Azure DNS in the cluster VNet sees the zone AKS links there;
			// VNet-integrated nodes reach the API server by IP, not by name.
			return
		}
		path := api
		if c.APIServer.PrivateDNSZone != "" {
			path = design.Field(api, "privateDnsZone")
		}
		zone := "privatelink." + accessRegion(c.Region) + ".azmk8s.io"
		var elsewhere []string
		for _, r := range resolvers {
			if !strings.EqualFold(r.link, cv.Name) {
				elsewhere = append(elsewhere, fmt.Sprintf("%s in %q", accessAddrs(r.servers), r.link))
			}
		}
		for _, i := range unknown {
			elsewhere = append(elsewhere, cv.DNSServers[i].String()+" (outside the design)")
		}
		msg := fmt.Sprintf("private cluster %q uses the system private DNS zone while VNet %q has custom DNS servers %s; AKS links the zone %s only to %q, so the servers must forward it to 168.63.129.16",
			c.Name, cv.Name, accessAddrs(cv.DNSServers), zone, cv.Name)
		if len(elsewhere) > 0 {
			msg += fmt.Sprintf(", and servers %s can only resolve it once the zone is also linked to their VNet", accessJoin(elsewhere))
		}
		p.Report(Issue{
			Subject:     c.Subject(),
			Path:        path,
			Severity:    finding.Warning,
			Message:     msg,
			Remediation: "Conditionally forward " + zone + " to 168.63.129.16 from a VNet linked to the zone (link the AKS-created zone to the DNS servers' VNet), or bring a custom zone that is linked to the DNS servers' VNet.",
		})
	}
}
