package tfhcl

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/designfile"
	"github.com/aksnet/aksnet/export"
	"github.com/aksnet/aksnet/plan"
)

// summary writes what a .tf configuration can carry of a design, one
// fact a line, sorted: what the round trip through export.Terraform must
// keep.
func summary(d *design.Design) string {
	var out []string
	add := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	for _, v := range d.Spec.VNets {
		add("vnet %s region=%s space=%v dns=%v", v.Name, v.Region, v.AddressSpace, v.DNSServers)
		for _, s := range v.Subnets {
			add("subnet %s/%s %v delegation=%s rt=%s nat=%s", v.Name, s.Name, s.AddressPrefixes, s.Delegation, s.RouteTable, s.NATGateway)
		}
	}
	for _, r := range d.Spec.RouteTables {
		add("rt %s nobgp=%v", r.Name, r.DisableBGPPropagation)
		for _, x := range r.Routes {
			add("route %s/%s %s %s %v", r.Name, x.Name, x.AddressPrefix, x.NextHopType, x.NextHopIPAddress)
		}
	}
	for _, g := range d.Spec.NATGateways {
		add("nat %s sku=%s ips=%d idle=%d", g.Name, g.SKU, g.PublicIPs, g.IdleTimeoutMinutes)
	}
	for _, z := range d.Spec.PrivateDNSZones {
		links := append([]string(nil), z.Links...)
		sort.Strings(links)
		add("zone %s links=%v", z.Name, links)
	}
	ptr := func(p *int) string {
		if p == nil {
			return "-"
		}
		return fmt.Sprint(*p)
	}
	// Subnet references are written "subnet" or "vnet/subnet"; compare
	// them resolved.
	full := func(ref, vnet string) string {
		if v, s, err := d.ResolveSubnet(ref, vnet); err == nil {
			return v.Name + "/" + s.Name
		}
		return ref
	}
	for _, c := range d.Spec.Clusters {
		n := c.Network
		add("cluster %s region=%s k8s=%s vnet=%s", c.Name, c.Region, c.KubernetesVersion, c.VNet)
		add("network %s %s/%s/%s/%s pods=%v svc=%v dns=%v fam=%v", c.Name, n.Plugin, n.PluginMode, n.Dataplane, n.Policy, n.PodCIDRs, n.ServiceCIDRs, n.DNSServiceIP, n.IPFamilies)
		// The export writes the outbound type AKS uses when the design
		// leaves it out.
		add("outbound %s %s", c.Name, c.OutboundType())
		a := c.APIServer
		add("api %s private=%v zone=%s vnetint=%s ranges=%v", c.Name, a.Private, a.PrivateDNSZone, full(a.VNetIntegrationSubnet, c.VNet), a.AuthorizedIPRanges)
		for _, p := range c.NodePools {
			add("pool %s/%s mode=%s os=%s sku=%s subnet=%s pods=%s count=%s min=%s max=%s maxPods=%s surge=%s",
				c.Name, p.Name, p.Mode, p.OS, p.OSSKU, full(p.Subnet, c.VNet), full(p.PodSubnet, c.VNet), ptr(p.Count), ptr(p.MinCount), ptr(p.MaxCount), ptr(p.MaxPods), p.MaxSurge)
		}
	}
	sort.Strings(out)
	return strings.Join(out, "\n")
}

// TestExportRoundTrip writes designs as Terraform with aksnet's own
// exporter and imports the .tf file back: everything a .tf file carries
// comes back. Private endpoints do not: the export leaves the ID of each
// endpoint's target to a variable without a value, so each is left out
// with a warning naming that attribute.
func TestExportRoundTrip(t *testing.T) {
	var designs []*design.Design
	var names []string
	for _, f := range []string{"seed.yaml", "seed-fixed.yaml", "seed-anti.yaml"} {
		path := filepath.Join("..", "..", "examples", f)
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		d, err := designfile.Load(path, data)
		if err != nil {
			t.Fatal(err)
		}
		designs, names = append(designs, d), append(names, f)
	}
	path := filepath.Join("..", "..", "examples", "financial-saas.yaml")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	req, err := designfile.LoadRequirements(path, data)
	if err != nil {
		t.Fatal(err)
	}
	res, err := plan.Plan(req, nil)
	if err != nil {
		t.Fatal(err)
	}
	designs, names = append(designs, res.Design), append(names, "plan of financial-saas.yaml")

	for i, d := range designs {
		var buf bytes.Buffer
		if err := export.Terraform(&buf, d); err != nil {
			t.Fatal(err)
		}
		got, warns, err := Import([]File{{Name: "main.tf", Data: buf.Bytes()}})
		if err != nil {
			t.Fatalf("%s: import of the export: %v", names[i], err)
		}
		if a, b := summary(d), summary(got); a != b {
			t.Errorf("%s: the round trip changed the design:\n--- design\n%s\n--- imported\n%s", names[i], a, b)
		}
		endpoints := 0
		for _, pe := range d.Spec.PrivateEndpoints {
			endpoints += pe.EffectiveCount()
		}
		if len(got.Spec.PrivateEndpoints) != 0 || len(warns) != endpoints {
			t.Errorf("%s: %d endpoints imported, %d warnings; want none and %d", names[i], len(got.Spec.PrivateEndpoints), len(warns), endpoints)
		}
		for _, w := range warns {
			if !strings.HasSuffix(w.Path, ".private_service_connection[0].private_connection_resource_id") || !strings.Contains(w.Msg, "has no default and no value") {
				t.Errorf("%s: warning %s", names[i], w)
			}
		}
		if len(d.Spec.Clusters) == 0 || len(d.Spec.VNets) == 0 {
			t.Errorf("%s: nothing to compare", names[i])
		}
	}
}
