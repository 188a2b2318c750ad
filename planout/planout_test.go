package planout

import (
	"bytes"
	"flag"
	"net/netip"
	"os"
	"path/filepath"
	"testing"

	"github.com/aksnet/aksnet/cidr"
	"github.com/aksnet/aksnet/designfile"
	"github.com/aksnet/aksnet/plan"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got with testdata/name, or rewrites the file with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./planout/ -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; run with -update and review the diff.\ngot:\n%s", name, firstDiff(got, want))
	}
}

// firstDiff shows the first differing line.
func firstDiff(got, want []byte) string {
	g, w := bytes.Split(got, []byte("\n")), bytes.Split(want, []byte("\n"))
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl []byte
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if !bytes.Equal(gl, wl) {
			return "line " + itoa(i+1) + "\n got: " + string(gl) + "\nwant: " + string(wl)
		}
	}
	return ""
}

func itoa(i int) string { return string(appendInt(nil, i)) }

func appendInt(b []byte, i int) []byte {
	if i >= 10 {
		b = appendInt(b, i/10)
	}
	return append(b, byte('0'+i%10))
}

func pfx(s string) netip.Prefix { return netip.MustParsePrefix(s) }

// usage builds the PoolUsage of pool from its allocations and avoided
// ranges, with the free blocks computed.
func usage(name, pool string, allocs []plan.Allocation, avoided ...string) plan.PoolUsage {
	u := plan.PoolUsage{Pool: name, Prefix: pfx(pool), Allocated: allocs}
	var used []netip.Prefix
	for _, a := range allocs {
		used = append(used, a.Prefix)
	}
	for _, s := range avoided {
		u.Avoided = append(u.Avoided, pfx(s))
		used = append(used, pfx(s))
	}
	u.Free = cidr.Free(u.Prefix, used)
	return u
}

// seedResult is a plan result built by hand around the lesson's fixed
// example design: the decisions, defaults and pools a planner would
// produce for it.
func seedResult(t *testing.T) *plan.Result {
	t.Helper()
	data, err := os.ReadFile("../examples/seed-fixed.yaml")
	if err != nil {
		t.Fatal(err)
	}
	d, err := designfile.Load("seed-fixed.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	alloc := func(pool, prefix, purpose, owner string) plan.Allocation {
		return plan.Allocation{Pool: pool, Prefix: pfx(prefix), Purpose: purpose, Owner: owner}
	}
	vnets := []plan.Allocation{
		alloc("vnets", "10.70.0.0/22", "hub VNet", "hub"),
		alloc("vnets", "10.70.0.0/26", "firewall subnet", "hub"),
		alloc("vnets", "10.70.1.0/27", "gateway subnet", "hub"),
		alloc("vnets", "10.80.0.0/16", "spoke VNet", "spoke-prod"),
		alloc("vnets", "10.80.16.0/21", "node subnet", "aks-prod"),
		alloc("vnets", "10.80.32.0/24", "ingress subnet", "aks-prod"),
		alloc("vnets", "10.80.40.0/24", "private endpoint subnet", "spoke-prod"),
	}
	vnetReserved := alloc("vnets", "10.81.0.0/16", "reserved for a future cluster", "westeurope/prod")
	vnetReserved.Kept = false
	pods := []plan.Allocation{alloc("pods", "100.64.0.0/14", "pod CIDR", "aks-prod")}
	podReserved := alloc("pods", "100.68.0.0/14", "reserved for a future cluster", "westeurope/prod")
	services := []plan.Allocation{alloc("services", "10.96.0.0/16", "Service CIDR", "aks-prod")}

	r := &plan.Result{
		Design: d,
		Decisions: []plan.Decision{
			{Cluster: "aks-prod", Topic: plan.TopicCNI, Choice: "Azure CNI Overlay", Pattern: plan.PatternRestricted,
				Reason: "No external system needs to reach pod IPs (podIPsRoutable is false), so pods take addresses from a /14 outside the VNet and only nodes use VNet addresses."},
			{Cluster: "aks-prod", Topic: plan.TopicDataplane, Choice: "Cilium dataplane", Pattern: plan.PatternRestricted,
				Reason: "NetworkPolicy must be enforced and every pool runs Linux, so the Cilium dataplane enforces policies without a separate engine."},
			{Cluster: "aks-prod", Topic: plan.TopicPolicy, Choice: "cilium", Pattern: plan.PatternRestricted,
				Reason: "The Cilium dataplane enforces NetworkPolicy itself; the namespaces payments and admin-api get a default-deny baseline."},
			{Cluster: "aks-prod", Topic: plan.TopicOutbound, Choice: "userDefinedRouting through the hub firewall", Pattern: plan.PatternRestricted,
				Reason: "Egress must be inspected, so the node subnet's default route points at the firewall in the hub."},
			{Cluster: "aks-prod", Topic: plan.TopicIngress, Choice: "Application Gateway WAF_v2, public", Pattern: plan.PatternRestricted,
				Reason: "Customer APIs are public and need a WAF; the gateway has its own /24 so it never competes with nodes."},
			{Cluster: "aks-prod", Topic: plan.TopicAPIServer, Choice: "private API server", Pattern: plan.PatternRestricted,
				Reason: "A regulated workload: the control plane has no public endpoint; admins and CI reach it from the hub."},
			{Cluster: "aks-prod", Topic: plan.TopicPrivateDNS, Choice: "privatelink zones linked to the spoke and the hub",
				Reason: "Pods resolve through CoreDNS and Azure DNS in the spoke; the hub link serves the jump hosts."},
			{Cluster: "aks-prod", Topic: plan.TopicAddressing, Choice: "spoke /16 from 10.64.0.0/11",
				Reason: "One /16 per spoke keeps room for ingress, private endpoints and a second node subnet."},
		},
		Defaults: []plan.Default{
			{Path: "spec.planning.maxSurge", Value: "33%", Reason: "The production recommendation for upgrade surge."},
			{Path: "spec.planning.futureClusters", Value: "1", Reason: "Room for one more cluster per region and environment."},
			{Path: "spec.clusters[0].expectedServices", Value: "500", Reason: "Sizes the Service CIDR when the requirements give no figure."},
		},
		Allocations:  append(append(append([]plan.Allocation{}, vnets...), pods...), services...),
		Reservations: []plan.Allocation{vnetReserved, podReserved},
		Pools: []plan.PoolUsage{
			usage("vnets", "10.64.0.0/11", append(append([]plan.Allocation{}, vnets...), vnetReserved), "10.76.0.0/15"),
			usage("pods", "100.64.0.0/10", []plan.Allocation{pods[0], podReserved}),
			usage("services", "10.96.0.0/12", services),
		},
		Clusters: []plan.ClusterPlan{{
			Name: "aks-prod", Template: "api", Region: "westeurope", Environment: "prod", VNet: "spoke-prod",
			Pattern: plan.PatternRestricted, SensitiveNamespaces: []string{"payments", "admin-api"},
		}},
	}
	return r
}
