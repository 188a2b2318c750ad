package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/finding"
)

var privateDNSZoneMissing = &Rule{
	ID:       "private-dns-zone-missing",
	Title:    "A private endpoint or private cluster lacks its private DNS zone",
	Severity: finding.Error,
	Doc: "Clients reach a PaaS service through its public name, which Azure answers with a CNAME into " +
		"the service's privatelink zone (for example vault.azure.net names point into " +
		"privatelink.vaultcore.azure.net). Only when a private DNS zone of exactly that name exists and " +
		"holds the endpoint's A record does the name resolve to the private endpoint; without it the " +
		"name resolves to the public IP, traffic leaves through the egress path, and the day someone " +
		"disables public network access on the service the application breaks. Azure fills the zone " +
		"automatically (through a zone group) only for the recommended zone names, so an endpoint " +
		"registered in a differently named zone is never found through the CNAME. For private " +
		"clusters a custom API server zone must be named privatelink.<region>.azmk8s.io or " +
		"<subzone>.privatelink.<region>.azmk8s.io (private.<region>.azmk8s.io forms with API Server " +
		"VNet Integration), with a subzone of at most 32 characters, and cannot be changed after " +
		"creation.",
	Remediation: "Add the recommended private DNS zone for each private endpoint to spec.privateDnsZones (one zone per name, shared by all endpoints of that service type) and register the endpoints in it through a zone group.",
	Sources: []string{
		"https://learn.microsoft.com/azure/private-link/private-endpoint-dns",
		"https://learn.microsoft.com/azure/aks/private-clusters",
	},
	Check: checkPrivateDNSZoneMissing,
}

func checkPrivateDNSZoneMissing(p *Pass) {
	d := p.Design
	type missing struct {
		zone  string
		path  string
		users []string
	}
	var gaps []*missing
	byZone := map[string]*missing{}
	for i := range d.Spec.PrivateEndpoints {
		pe := &d.Spec.PrivateEndpoints[i]
		z := accessEndpointZones(d, pe)
		if !z.ok {
			continue
		}
		if pe.DNSZone != "" && len(z.recommended) > 0 && !accessContainsFold(z.recommended, pe.DNSZone) {
			p.Report(Issue{
				Subject:  pe.Subject(),
				Path:     design.Field(pe.Path, "dnsZone"),
				Severity: finding.Warning,
				Message: fmt.Sprintf("private endpoint %q (%s) registers in zone %s, not the recommended %s; the service's public name is a CNAME into the recommended zone, so resolvers never consult %s, and automatic registration only fills the recommended names",
					pe.Name, design.ServiceTitle(pe.Service), pe.DNSZone, accessJoin(z.recommended), pe.DNSZone),
				Remediation: "Register the endpoint in " + accessJoin(z.recommended) + " (remove dnsZone to use the recommended zone).",
			})
		}
		for _, zone := range z.needed {
			if d.ZoneByName(zone) != nil {
				continue
			}
			key := strings.ToLower(zone)
			m := byZone[key]
			if m == nil {
				path := pe.Path
				if pe.DNSZone != "" && strings.EqualFold(pe.DNSZone, zone) {
					path = design.Field(pe.Path, "dnsZone")
				}
				m = &missing{zone: zone, path: path}
				byZone[key] = m
				gaps = append(gaps, m)
			}
			m.users = append(m.users, fmt.Sprintf("%q (%s)", pe.Name, design.ServiceTitle(pe.Service)))
		}
	}
	for _, m := range gaps {
		noun := "private endpoint"
		if len(m.users) > 1 {
			noun = "private endpoints"
		}
		p.Report(Issue{
			Subject: (&design.PrivateDNSZone{Name: m.zone}).Subject(),
			Path:    m.path,
			Message: fmt.Sprintf("private DNS zone %s, needed by %s %s, is not in spec.privateDnsZones; the service name will resolve to its public IP, and disabling public access will break clients",
				m.zone, noun, accessJoin(m.users)),
			Remediation: "Add " + m.zone + " to spec.privateDnsZones, link it to the VNets whose DNS the clients use, and register the endpoints in it.",
		})
	}

	for ci := range d.Spec.Clusters {
		c := &d.Spec.Clusters[ci]
		if !c.APIServer.Private {
			continue
		}
		zone, custom := accessAPIZone(c)
		if !custom {
			continue
		}
		path := design.Field(design.Field(c.Path, "apiServer"), "privateDnsZone")
		integrated := c.APIServer.VNetIntegrationSubnet != ""
		form := accessAPIZoneForm(zone, c.Region)
		want := "privatelink." + accessRegion(c.Region) + ".azmk8s.io"
		if integrated {
			want = "private." + accessRegion(c.Region) + ".azmk8s.io"
		}
		switch {
		case form == accessZoneBad || (form == accessZonePrivate && !integrated):
			why := ""
			if form == accessZonePrivate {
				why = "; the private.<region> form is only for clusters with API Server VNet Integration"
			}
			p.Report(Issue{
				Subject: c.Subject(),
				Path:    path,
				Message: fmt.Sprintf("private cluster %q names custom private DNS zone %s; AKS accepts only %s or <subzone>.%s (subzone up to 32 characters) in region %s%s",
					c.Name, zone, want, want, c.Region, why),
				Remediation: "Name the zone " + want + " or <subzone>." + want + "; the zone of a private cluster cannot be changed after creation.",
			})
			continue
		case form == accessZonePrivateLink && integrated:
			p.Report(Issue{
				Subject:  c.Subject(),
				Path:     path,
				Severity: finding.Warning,
				Message: fmt.Sprintf("private cluster %q uses API Server VNet Integration but names zone %s; the AKS documentation asks for %s or <subzone>.%s with VNet Integration",
					c.Name, zone, want, want),
				Remediation: "Name the zone " + want + " or <subzone>." + want + " before the cluster is created.",
			})
		}
		if d.ZoneByName(zone) == nil {
			p.Report(Issue{
				Subject:  c.Subject(),
				Path:     path,
				Severity: finding.Warning,
				Message: fmt.Sprintf("private cluster %q uses custom private DNS zone %s, which is not in spec.privateDnsZones; aksnet cannot check that it exists and is linked where the nodes resolve names",
					c.Name, zone),
				Remediation: "Add " + zone + " to spec.privateDnsZones with its VNet links, or suppress this finding if the zone is managed in another design.",
			})
		}
	}
}

// accessZones is what a private endpoint needs from private DNS.
type accessZones struct {
	// ok is false when the endpoint's subnet does not resolve.
	ok bool
	// vnet is the VNet the endpoint sits in; its region fills {region}.
	vnet *design.VNet
	// recommended are the zones the service's endpoints register in.
	recommended []string
	// needed are the zones that must exist: the recommended zones, or the
	// explicit dnsZone when it is not one of them.
	needed []string
}

// accessEndpointZones returns the zones private endpoint pe needs. An
// explicit dnsZone that is one of the recommended zones stands for all of
// them (Azure Monitor needs five); any other explicit zone replaces them.
func accessEndpointZones(d *design.Design, pe *design.PrivateEndpoint) accessZones {
	v, s := accessResolve(d, pe.Subnet, "")
	if s == nil {
		return accessZones{}
	}
	rec, _ := design.ZonesFor(pe.Service, accessRegion(v.Region))
	z := accessZones{ok: true, vnet: v, recommended: rec, needed: rec}
	if pe.DNSZone != "" && !accessContainsFold(rec, pe.DNSZone) {
		z.needed = []string{pe.DNSZone}
	}
	return z
}

// accessContainsFold reports whether list holds s, ignoring case.
func accessContainsFold(list []string, s string) bool {
	return slices.ContainsFunc(list, func(x string) bool { return strings.EqualFold(x, s) })
}

// accessRegion normalises a region name as it appears in DNS names:
// "West Europe" becomes "westeurope".
func accessRegion(r string) string {
	return strings.ToLower(strings.ReplaceAll(strings.TrimSpace(r), " ", ""))
}

// accessAPIZone returns the custom private DNS zone name of a private
// cluster's API server (the last segment of a resource ID), and false for
// "system", "none" or unset.
func accessAPIZone(c *design.Cluster) (string, bool) {
	z := strings.TrimSpace(c.APIServer.PrivateDNSZone)
	switch strings.ToLower(z) {
	case "", "system", "none":
		return "", false
	}
	if i := strings.LastIndexByte(z, '/'); i >= 0 {
		z = z[i+1:]
	}
	return strings.ToLower(strings.TrimSuffix(z, ".")), z != ""
}

// accessAPIZoneMode returns the cluster's privateDnsZone mode: "system"
// (also when unset), "none" or "custom".
func accessAPIZoneMode(c *design.Cluster) string {
	switch strings.ToLower(strings.TrimSpace(c.APIServer.PrivateDNSZone)) {
	case "", "system":
		return "system"
	case "none":
		return "none"
	}
	return "custom"
}

// accessZoneForm classifies a custom API server zone name.
type accessZoneForm int

// Forms of API server zone name.
const (
	accessZoneBad accessZoneForm = iota
	accessZonePrivateLink
	accessZonePrivate
)

// accessAPIZoneForm says whether zone is privatelink.<region>.azmk8s.io,
// private.<region>.azmk8s.io, one of those with a single subzone label of at
// most 32 characters in front, or something else.
func accessAPIZoneForm(zone, region string) accessZoneForm {
	zone = strings.ToLower(zone)
	suffix := "." + accessRegion(region) + ".azmk8s.io"
	rest, ok := strings.CutSuffix(zone, suffix)
	if !ok {
		return accessZoneBad
	}
	sub, mid, found := "", rest, false
	if i := strings.LastIndexByte(rest, '.'); i >= 0 {
		sub, mid, found = rest[:i], rest[i+1:], true
	}
	if found && !accessSubzoneOK(sub) {
		return accessZoneBad
	}
	switch mid {
	case "privatelink":
		return accessZonePrivateLink
	case "private":
		return accessZonePrivate
	}
	return accessZoneBad
}

// accessSubzoneOK reports whether s is one DNS label of 1 to 32 letters,
// digits and inner hyphens.
func accessSubzoneOK(s string) bool {
	if s == "" || len(s) > 32 || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}
