// Package export renders a design as infrastructure code: Terraform for the
// azurerm provider (Terraform), an ARM/Bicep deployment parameters file
// (BicepParams) and an Azure CLI bash script (AzCLI).
//
// Every renderer writes to an io.Writer and nothing else: it opens no file
// and never touches the process's standard streams. Output is deterministic:
// objects appear in the order the design lists them.
//
// The exports cover the network of a design (VNets, subnets, route tables,
// NSGs, NAT gateways, peerings, private DNS zones, private endpoints) and
// the network side of its clusters (network profile, API server access,
// node pools). They do not cover identities and role assignments beyond a
// system-assigned cluster identity, monitoring, add-ons, ingress resources
// (Application Gateway and friends) or resource groups, which must exist.
package export

import (
	"errors"
	"strconv"
	"strings"

	"github.com/aksnet/aksnet/design"
)

// DefaultVMSize is the VM size the exports use for node pools whose design
// gives none. It is a default of a variable, never a hard-wired value.
const DefaultVMSize = "Standard_D4ds_v5"

// errNilDesign is returned by every renderer given a nil design.
var errNilDesign = errors.New("export: nil design")

// sanitize turns a design name into a lowercase identifier of [a-z0-9_]
// that starts with a letter: runs of other characters become one '_', and
// a leading digit gets an "n_" prefix.
func sanitize(s string) string {
	var b strings.Builder
	under := false
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
			under = false
		default:
			if !under && b.Len() > 0 {
				b.WriteByte('_')
				under = true
			}
		}
	}
	out := strings.TrimRight(b.String(), "_")
	if out == "" {
		return "unnamed"
	}
	if out[0] >= '0' && out[0] <= '9' {
		out = "n_" + out
	}
	return out
}

// namer hands out unique sanitized names within one namespace (a Terraform
// resource type, or the shell variables of a script).
type namer struct{ used map[string]bool }

func newNamer() *namer { return &namer{used: map[string]bool{}} }

// take returns sanitize(raw), with "_2", "_3", ... appended when the name
// is taken already.
func (n *namer) take(raw string) string {
	base := sanitize(raw)
	name := base
	for i := 2; n.used[name]; i++ {
		name = base + "_" + strconv.Itoa(i)
	}
	n.used[name] = true
	return name
}

// dnsPrefix derives an AKS DNS prefix from a cluster name: letters, digits
// and hyphens, starting and ending with a letter or digit, at most 54
// characters.
func dnsPrefix(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	s := b.String()
	for strings.Contains(s, "--") {
		s = strings.ReplaceAll(s, "--", "-")
	}
	if len(s) > 54 {
		s = s[:54]
	}
	s = strings.Trim(s, "-")
	if s == "" {
		return "aks"
	}
	return s
}

// oneLine flattens text for a comment.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// subresources maps each private-link service of the design model to the
// subresource (group ID) its endpoints connect to.
var subresources = map[design.PrivateLinkService]string{
	"keyVault":           "vault",
	"keyVaultManagedHSM": "managedhsm",
	"storageBlob":        "blob",
	"storageTable":       "table",
	"storageQueue":       "queue",
	"storageFile":        "file",
	"storageWeb":         "web",
	"storageDfs":         "dfs",
	"sqlDatabase":        "sqlServer",
	"containerRegistry":  "registry",
	"serviceBus":         "namespace",
	"eventHubs":          "namespace",
	"relay":              "namespace",
	"cosmosDbSql":        "Sql",
	"azureMonitor":       "azuremonitor",
	"managedPrometheus":  "prometheusMetrics",
	"redisCache":         "redisCache",
	"redisEnterprise":    "redisEnterprise",
	"managedRedis":       "redisEnterprise",
	"postgresqlFlexible": "postgresqlServer",
	"aksAPIServer":       "management",
}

// subresource returns the group ID for a service; unknown services get
// their own name, so the output shows what to fix.
func subresource(s design.PrivateLinkService) string {
	if g, ok := subresources[s]; ok {
		return g
	}
	return string(s)
}

// delegationActions lists the actions Azure puts on a subnet delegated to
// a service. Services not listed get no actions: Azure fills them in.
var delegationActions = map[string][]string{
	"Microsoft.ContainerService/managedClusters":     {"Microsoft.Network/virtualNetworks/subnets/join/action"},
	"Microsoft.ServiceNetworking/trafficControllers": {"Microsoft.Network/virtualNetworks/subnets/join/action"},
	"Microsoft.DBforPostgreSQL/flexibleServers":      {"Microsoft.Network/virtualNetworks/subnets/join/action"},
}

// estate is the read-only view of a design that all exports share: where
// each object lives (resource group, region) and which objects each
// cluster depends on.
type estate struct {
	d *design.Design
	// home is the VNet whose subnet first references a route table, NSG or
	// NAT gateway (keyed by kind and name); it gives them a region and a
	// resource group.
	home map[string]*design.VNet
}

const (
	kindRouteTable = "rt/"
	kindNSG        = "nsg/"
	kindNAT        = "nat/"
)

func newEstate(d *design.Design) *estate {
	e := &estate{d: d, home: map[string]*design.VNet{}}
	for i := range d.Spec.VNets {
		v := &d.Spec.VNets[i]
		for _, s := range v.Subnets {
			for _, k := range [...]struct{ kind, name string }{
				{kindRouteTable, s.RouteTable}, {kindNSG, s.NSG}, {kindNAT, s.NATGateway},
			} {
				if k.name == "" {
					continue
				}
				if _, ok := e.home[k.kind+k.name]; !ok {
					e.home[k.kind+k.name] = v
				}
			}
		}
	}
	return e
}

// homeOf returns the VNet a route table, NSG or NAT gateway is placed
// with, or nil when no subnet uses it.
func (e *estate) homeOf(kind, name string) *design.VNet { return e.home[kind+name] }

// systemPool returns the index of the pool that becomes the cluster's
// default (first) pool: the first System pool, else the first pool, else -1.
func systemPool(c *design.Cluster) int {
	for i := range c.NodePools {
		if c.NodePools[i].Mode == design.ModeSystem {
			return i
		}
	}
	if len(c.NodePools) > 0 {
		return 0
	}
	return -1
}

// subnetRef is a resolved subnet reference.
type subnetRef struct {
	VNet   *design.VNet
	Subnet *design.Subnet
}

func (r subnetRef) ok() bool { return r.VNet != nil && r.Subnet != nil }

// resolve resolves a subnet reference of cluster c; the zero subnetRef
// means no subnet (empty or unresolvable reference).
func (e *estate) resolve(ref string, c *design.Cluster) subnetRef {
	if ref == "" {
		return subnetRef{}
	}
	vnet := ""
	if c != nil {
		vnet = c.VNet
	}
	v, s, err := e.d.ResolveSubnet(ref, vnet)
	if err != nil {
		return subnetRef{}
	}
	return subnetRef{v, s}
}

// clusterSubnets returns the distinct subnets a cluster's pools and API
// server use, in order of first use.
func (e *estate) clusterSubnets(c *design.Cluster) []subnetRef {
	var out []subnetRef
	seen := map[*design.Subnet]bool{}
	add := func(r subnetRef) {
		if r.ok() && !seen[r.Subnet] {
			seen[r.Subnet] = true
			out = append(out, r)
		}
	}
	for i := range c.NodePools {
		add(e.resolve(c.NodePools[i].Subnet, c))
		add(e.resolve(c.NodePools[i].PodSubnet, c))
	}
	add(e.resolve(c.APIServer.VNetIntegrationSubnet, c))
	return out
}

// endpointZones returns the private DNS zones a private endpoint registers
// in: the one the design names, or the recommended ones for its service.
func endpointZones(pe *design.PrivateEndpoint, region string) []string {
	if pe.DNSZone != "" {
		return []string{pe.DNSZone}
	}
	zs, _ := design.ZonesFor(pe.Service, region)
	return zs
}

// ipFamilies returns the IP families to write for a cluster: the design's,
// or IPv4 and IPv6 for a dual-stack cluster that lists none, or nil.
func ipFamilies(c *design.Cluster) []string {
	var out []string
	for _, f := range c.Network.IPFamilies {
		out = append(out, string(f))
	}
	if len(out) == 0 && c.DualStack() {
		out = []string{string(design.IPv4), string(design.IPv6)}
	}
	return out
}

// plugin returns the network plugin, with empty meaning kubenet (the ARM
// default when no network profile is given).
func plugin(c *design.Cluster) string {
	if c.Network.Plugin == "" {
		return string(design.PluginKubenet)
	}
	return string(c.Network.Plugin)
}

// privateDNSZoneKind classifies apiServer.privateDnsZone: "system", "none",
// "id" (an Azure resource ID) or "name" (a zone name).
func privateDNSZoneKind(s string) string {
	switch strings.ToLower(s) {
	case "", "system":
		return "system"
	case "none":
		return "none"
	}
	if strings.HasPrefix(s, "/") {
		return "id"
	}
	return "name"
}

// texts renders values with String methods (prefixes, addresses).
func texts[T interface{ String() string }](in []T) []string {
	out := make([]string, len(in))
	for i, v := range in {
		out[i] = v.String()
	}
	return out
}

// initialCount is the node count a pool starts with: Count when written,
// else MinCount, else 0.
func initialCount(p *design.NodePool) int {
	if p.Count != nil {
		return *p.Count
	}
	if p.MinCount != nil {
		return *p.MinCount
	}
	return 0
}

// outboundNote explains outbound types the azurerm provider and the az CLI
// did not list when this code was written.
func outboundNote(t design.OutboundType) string {
	switch t {
	case design.OutboundManagedNATGatewayV2, design.OutboundBlock:
		return "outbound type " + string(t) + " is newer than the azurerm provider and az CLI releases this export was checked against; check that yours accept it"
	}
	return ""
}

// peeringDir is one direction of a peering to create. The JSON form is the
// peerings parameter of BicepParams.
type peeringDir struct {
	Name             string `json:"name"`
	VNet             string `json:"vnet"`
	RemoteVNet       string `json:"remoteVnet"`
	RemoteIsExternal bool   `json:"remoteIsExternal"`
}

// peeringDirections lists every peering direction to create: each design
// peering, plus its reverse when both ends are design VNets and the design
// does not list the reverse itself. Directions starting at a VNet outside
// the design are left to its owner.
func peeringDirections(d *design.Design) []peeringDir {
	explicit := map[[2]string]bool{}
	for _, p := range d.Spec.Peerings {
		explicit[[2]string{p.From, p.To}] = true
	}
	done := map[[2]string]bool{}
	var out []peeringDir
	add := func(from, to, name string) {
		key := [2]string{from, to}
		if done[key] || d.VNetByName(from) == nil {
			return
		}
		done[key] = true
		if name == "" {
			name = from + "-to-" + to
		}
		out = append(out, peeringDir{name, from, to, d.VNetByName(to) == nil})
	}
	for _, p := range d.Spec.Peerings {
		add(p.From, p.To, p.Name)
		if !explicit[[2]string{p.To, p.From}] {
			add(p.To, p.From, "")
		}
	}
	return out
}
