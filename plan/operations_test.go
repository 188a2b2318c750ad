package plan_test

import (
	"os"
	"strings"
	"testing"

	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/designfile"
	"github.com/aksnet/aksnet/plan"
)

// opsSeedResult builds a Result by hand around the lesson's fixed example
// design, with a second sensitive namespace from the cluster summary and an
// Azure SQL endpoint added.
func opsSeedResult(t *testing.T) *plan.Result {
	t.Helper()
	data, err := os.ReadFile("../examples/seed-fixed.yaml")
	if err != nil {
		t.Fatal(err)
	}
	d, err := designfile.Load("seed-fixed.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	d.Spec.PrivateEndpoints = append(d.Spec.PrivateEndpoints, design.PrivateEndpoint{
		Name: "pe-sql", Service: "sqlDatabase", Subnet: "spoke-prod/private-endpoints",
	})
	return &plan.Result{
		Design: d,
		Clusters: []plan.ClusterPlan{{
			Name: "aks-prod", Template: "api", Region: "westeurope", Environment: "prod", VNet: "spoke-prod",
			Pattern: plan.PatternRestricted, SensitiveNamespaces: []string{"admin-api", "payments"},
		}},
	}
}

func findDrill(drills []plan.Drill, title string) *plan.Drill {
	for i := range drills {
		if strings.Contains(drills[i].Title, title) {
			return &drills[i]
		}
	}
	return nil
}

func findMonitor(ms []plan.Monitor, signal string) *plan.Monitor {
	for i := range ms {
		if strings.Contains(ms[i].Signal, signal) {
			return &ms[i]
		}
	}
	return nil
}

func drillText(d *plan.Drill) string {
	return d.Title + "\n" + strings.Join(d.Steps, "\n") + "\n" + d.Proves
}

func TestOperationsCoverSensitiveNamespacesAndZones(t *testing.T) {
	r := opsSeedResult(t)
	drills, _ := plan.Operations(r)

	// Every sensitive namespace, from the summary and the design, once.
	for _, ns := range []string{"payments", "admin-api"} {
		d := findDrill(drills, "NetworkPolicy negative test: aks-prod namespace "+ns)
		if d == nil {
			t.Errorf("no NetworkPolicy drill for namespace %s", ns)
			continue
		}
		text := drillText(d)
		for _, want := range []string{"dig +short kubernetes.default", "dig +tcp +short", "10.96.0.1", "-l aksnet.dev/cluster=aks-prod", "cilium"} {
			if !strings.Contains(text, want) {
				t.Errorf("drill for %s: got %q, want it to contain %q", ns, text, want)
			}
		}
	}
	if got := len(r.ClusterSensitiveNamespaces(&r.Design.Spec.Clusters[0])); got != 2 {
		t.Errorf("sensitive namespaces: got %d, want 2 (no duplicates)", got)
	}

	// Every private endpoint zone, with the exact name to look up and the
	// subnet the private answer must come from.
	zones := []struct{ zone, host, alias string }{
		{"privatelink.vaultcore.azure.net", "nslookup <vault>.vault.azure.net", "<vault>.privatelink.vaultcore.azure.net"},
		{"privatelink.blob.core.windows.net", "nslookup <account>.blob.core.windows.net", "<account>.privatelink.blob.core.windows.net"},
		{"privatelink.azurecr.io", "nslookup <registry>.azurecr.io", "<registry>.privatelink.azurecr.io"},
		{"privatelink.database.windows.net", "nslookup <server>.database.windows.net", "<server>.privatelink.database.windows.net"},
	}
	for _, z := range zones {
		d := findDrill(drills, "Private DNS: "+z.zone)
		if d == nil {
			t.Errorf("no private DNS drill for %s", z.zone)
			continue
		}
		text := drillText(d)
		for _, want := range []string{z.host, z.alias, "10.80.40.0/24", "kubectl debug node/", "aks-prod"} {
			if !strings.Contains(text, want) {
				t.Errorf("DNS drill %s: got %q, want it to contain %q", z.zone, text, want)
			}
		}
	}
	// The SQL zone is not declared in the design: the drill says so.
	if d := findDrill(drills, "Private DNS: privatelink.database.windows.net"); d != nil && !strings.Contains(drillText(d), "does not declare the zone") {
		t.Errorf("SQL drill should say the zone is missing: %q", drillText(d))
	}
}

func TestOperationsThresholdsAreThePlansNumbers(t *testing.T) {
	drills, monitors := plan.Operations(opsSeedResult(t))

	// aks-nodes is a /21: 2,048 − 5 = 2,043 usable. Steady: 3 + 60 + 40
	// nodes + 1 private API endpoint = 104. Surge: ceil(3×33%) = 1,
	// ceil(60×33%) = 20, ceil(40×10%) = 4, so 25 more at upgrade (129).
	// Blue/green 100% adds 103, headroom 20% adds 1 + 12 + 8 = 21: the
	// headroom stage is 104 + 25 + 103 + 21 = 253, 149 above steady.
	d := findDrill(drills, "Upgrade surge rehearsal: node subnet spoke-prod/aks-nodes (10.80.16.0/21)")
	if d == nil {
		t.Fatalf("no surge drill for spoke-prod/aks-nodes in %v", titles(drills))
	}
	text := drillText(d)
	for _, want := range []string{"129 of 2,043", "1,914 spare", "about 104 of 2,043", "aks-prod/apps at 60 nodes with surge 20",
		"pod CIDR 100.64.0.0/14", "128 of 1,024 blocks", "896 spare"} {
		if !strings.Contains(strings.ToLower(text), strings.ToLower(want)) {
			t.Errorf("surge drill: got %q, want it to contain %q", text, want)
		}
	}

	m := findMonitor(monitors, "subnet spoke-prod/aks-nodes")
	if m == nil {
		t.Fatal("no monitor for spoke-prod/aks-nodes")
	}
	// Page when fewer than 25 are free: above 2,043 − 25 = 2,018 in use.
	// Warn when fewer than 149 are free: above 1,894.
	for _, want := range []string{"Page above 2,018 in use (fewer than 25 free", "warn above 1,894 in use (fewer than 149 free"} {
		if !strings.Contains(m.Threshold, want) {
			t.Errorf("subnet threshold: got %q, want it to contain %q", m.Threshold, want)
		}
	}

	// The pod CIDR /14 holds 1,024 /24 blocks; nodes: 103 steady, 128 at
	// upgrade (surge 25), 103 + 25 + 103 + 21 = 252 at headroom (149 more).
	m = findMonitor(monitors, "pod CIDR 100.64.0.0/14")
	if m == nil {
		t.Fatal("no pod CIDR monitor")
	}
	if want := "Page above 999 nodes (fewer than 25 free /24 blocks"; !strings.Contains(m.Threshold, want) {
		t.Errorf("pod CIDR threshold: got %q, want it to contain %q", m.Threshold, want)
	}
	if want := "warn above 875 nodes"; !strings.Contains(m.Threshold, want) {
		t.Errorf("pod CIDR threshold: got %q, want it to contain %q", m.Threshold, want)
	}

	// Egress is UDR through the hub firewall at 10.70.0.4.
	if d := findDrill(drills, "Firewall and UDR failure: egress of aks-prod through 10.70.0.4 (hub/AzureFirewallSubnet)"); d == nil {
		t.Errorf("no firewall drill in %v", titles(drills))
	}
	for _, metric := range []string{"`FirewallHealth`", "`SNATPortUtilization`", "`Throughput`", "`FirewallLatencyPng`"} {
		if findMonitor(monitors, metric) == nil {
			t.Errorf("no monitor on %s", metric)
		}
	}
	if findDrill(drills, "Private API server reachability: aks-prod") == nil {
		t.Error("no API server drill for the private cluster")
	}
	if m := findMonitor(monitors, "coredns_dns_responses_total"); m == nil {
		t.Error("no CoreDNS monitor")
	}
	if m := findMonitor(monitors, "cilium_drop_count_total"); m == nil {
		t.Error("no Cilium drop monitor")
	}
}

func TestOperationsEgressByOutboundType(t *testing.T) {
	r := opsSeedResult(t)
	c := &r.Design.Spec.Clusters[0]
	c.Outbound = design.Outbound{Type: design.OutboundLoadBalancer, LoadBalancer: &design.LoadBalancerProfile{OutboundIPs: 2}}
	drills, monitors := plan.Operations(r)
	d := findDrill(drills, "SNAT load test: aks-prod egress through the cluster load balancer")
	if d == nil {
		t.Fatalf("no LB SNAT drill in %v", titles(drills))
	}
	// 128 nodes at upgrade: automatic allocation is 256 ports per node
	// (101-200 instances); 2 IPs × 64,000 / 256 = 500 nodes.
	if want := "gives each node 256 ports at 128 backend instances, which covers 500 nodes"; !strings.Contains(drillText(d), want) {
		t.Errorf("got %q, want it to contain %q", drillText(d), want)
	}
	m := findMonitor(monitors, "SNAT ports of aks-prod")
	if m == nil || !strings.Contains(m.Threshold, "80% of its 256 allocated ports (204)") {
		t.Errorf("LB monitor: got %+v", m)
	}
	if findDrill(drills, "Firewall and UDR failure") != nil {
		t.Error("firewall drill for a cluster without UDR egress")
	}

	c.Outbound = design.Outbound{Type: design.OutboundManagedNATGateway, NATGateway: &design.ManagedNATProfile{OutboundIPs: 3}}
	drills, monitors = plan.Operations(r)
	if d := findDrill(drills, "through the AKS-managed NAT gateway"); d == nil || !strings.Contains(drillText(d), "193,536 SNAT ports") {
		t.Errorf("NAT drill: got %+v", d)
	}
	if m := findMonitor(monitors, "`SNATConnectionCount`"); m == nil || !strings.Contains(m.Threshold, "`PacketDropCount`") {
		t.Errorf("NAT monitor: got %+v", m)
	}
}

func TestOperationsLocalDNSAndFailover(t *testing.T) {
	r := opsSeedResult(t)
	r.Design.Spec.Clusters[0].KubernetesVersion = "1.37"
	dr := r.Design.Spec.Clusters[0]
	dr.Name, dr.Region = "aks-prod-dr", "northeurope"
	r.Design.Spec.Clusters = append(r.Design.Spec.Clusters, dr)
	r.Clusters = append(r.Clusters, plan.ClusterPlan{Name: "aks-prod-dr", Template: "api", Region: "northeurope", Environment: "prod"})
	drills, _ := plan.Operations(r)
	d := findDrill(drills, "NetworkPolicy negative test: aks-prod namespace payments")
	if d == nil || !strings.Contains(drillText(d), "169.254.10.10") {
		t.Errorf("LocalDNS: got %+v, want a step about 169.254.10.10", d)
	}
	if findDrill(drills, "Region failover: aks-prod (westeurope) to aks-prod-dr (northeurope)") == nil {
		t.Errorf("no failover drill in %v", titles(drills))
	}
}

func TestOperationsDeterministic(t *testing.T) {
	d1, m1 := plan.Operations(opsSeedResult(t))
	d2, m2 := plan.Operations(opsSeedResult(t))
	if len(d1) != len(d2) || len(m1) != len(m2) {
		t.Fatal("different lengths")
	}
	for i := range d1 {
		if drillText(&d1[i]) != drillText(&d2[i]) {
			t.Errorf("drill %d differs", i)
		}
	}
	for i := range m1 {
		if m1[i] != m2[i] {
			t.Errorf("monitor %d differs", i)
		}
	}
	if d, m := plan.Operations(nil); d != nil || m != nil {
		t.Error("nil result should give nothing")
	}
}

func titles(ds []plan.Drill) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.Title
	}
	return out
}
