package planout

import (
	"bytes"
	"net/netip"
	"regexp"
	"strings"
	"testing"

	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/plan"
)

const seedCheckSummary = "**0 errors, 0 warnings.** `aksnet check` passed the planned design."

func TestReportGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := Report(&buf, seedResult(t), ReportOptions{DesignFile: "design.yaml", CheckSummary: seedCheckSummary}); err != nil {
		t.Fatal(err)
	}
	golden(t, "report-seed.md", buf.Bytes())
}

// headings returns the level-2 headings of a Markdown document in order.
func headings(md string) []string {
	var out []string
	for _, line := range strings.Split(md, "\n") {
		if h, ok := strings.CutPrefix(line, "## "); ok {
			out = append(out, h)
		}
	}
	return out
}

func TestReportHasTheDeliverablesInOrder(t *testing.T) {
	r := seedResult(t)
	var buf bytes.Buffer
	if err := Report(&buf, r, ReportOptions{CheckSummary: seedCheckSummary, NetworkPolicyFile: "out/policies.yaml"}); err != nil {
		t.Fatal(err)
	}
	md := buf.String()
	want := []string{
		"Summary",
		"1. CNI mode and why",
		"2. Address plan",
		"3. Egress path",
		"4. Ingress path for public and private APIs",
		"5. Private DNS strategy",
		"6. NetworkPolicy baseline",
		"7. Failure drills",
		"8. Monitoring",
		"Defaults applied",
		"Reserved for future clusters",
		"Address maps",
		"Check results",
	}
	if got := headings(md); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("headings:\ngot  %q\nwant %q", got, want)
	}
	for _, d := range r.Defaults {
		if !strings.Contains(md, "`"+d.Path+"`") {
			t.Errorf("default %s is not in the report", d.Path)
		}
	}
	for _, a := range r.Reservations {
		if !strings.Contains(md, "`"+a.Prefix.String()+"`") {
			t.Errorf("reservation %s is not in the report", a.Prefix)
		}
	}
	for _, img := range []string{
		"![pool vnets 10.64.0.0/11](address-map-vnets-0.svg)",
		"![pool pods 100.64.0.0/10](address-map-pods-0.svg)",
		"![pool services 10.96.0.0/12](address-map-services-0.svg)",
	} {
		if !strings.Contains(md, img) {
			t.Errorf("missing image %s", img)
		}
	}
	for _, want := range []string{
		seedCheckSummary,
		"[out/policies.yaml](out/policies.yaml)",
		"pattern C (highly restricted regulated cluster)",
		"**Azure CNI Overlay** for `aks-prod`",
		"| `aks-prod` | `spoke-prod` `10.80.0.0/16` | `spoke-prod/aks-nodes` `10.80.16.0/21` | pod CIDR `100.64.0.0/14` | `10.96.0.0/16` | `10.96.0.10` | `spoke-prod/ingress` `10.80.32.0/24` | `spoke-prod/private-endpoints` `10.80.40.0/24` |",
		"| spoke-prod/aks-nodes | 10.80.16.0/21 | 2,043 | 104 | 129 |",
		"UDR 0.0.0.0/0 to 10.70.0.4 (hub/AzureFirewallSubnet) via route table rt-aks-egress",
		"| `privatelink.vaultcore.azure.net` | Key Vault |",
		"### 7.1 Upgrade surge rehearsal: node subnet spoke-prod/aks-nodes (10.80.16.0/21)",
		"`SNATPortUtilization`",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("report does not contain %q", want)
		}
	}
	checkMarkdownHygiene(t, md)
}

var codeSpan = regexp.MustCompile("`[^`]*`")

// checkMarkdownHygiene rejects raw angle brackets outside code spans
// (they would become HTML) other than the <br> of table cells.
func checkMarkdownHygiene(t *testing.T, md string) {
	t.Helper()
	for i, line := range strings.Split(md, "\n") {
		plain := codeSpan.ReplaceAllString(line, "")
		plain = strings.ReplaceAll(plain, "<br>", "")
		plain = strings.ReplaceAll(plain, `\<`, "")
		if strings.ContainsAny(plain, "<>") {
			t.Errorf("line %d has a raw angle bracket outside code: %s", i+1, line)
		}
	}
}

func TestReportComputesOperationsWhenMissing(t *testing.T) {
	r := seedResult(t)
	var without, with bytes.Buffer
	if err := Report(&without, r, ReportOptions{}); err != nil {
		t.Fatal(err)
	}
	r.Drills, r.Monitoring = plan.Operations(r)
	if err := Report(&with, r, ReportOptions{}); err != nil {
		t.Fatal(err)
	}
	if without.String() != with.String() {
		t.Error("a result with operations filled in renders differently from one without")
	}
	if !strings.Contains(without.String(), "`aksnet check` was not run on this design.") {
		t.Error("no note that check did not run")
	}
}

func TestReportWithoutPlannerDetails(t *testing.T) {
	// A bare design: no decisions, defaults, pools or reservations.
	r := seedResult(t)
	r.Decisions, r.Defaults, r.Pools, r.Reservations, r.Allocations, r.Clusters = nil, nil, nil, nil, nil, nil
	var buf bytes.Buffer
	if err := Report(&buf, r, ReportOptions{}); err != nil {
		t.Fatal(err)
	}
	md := buf.String()
	for _, want := range []string{
		"The planner recorded no reasons",
		"None: the requirements stated every value.",
		"Nothing is reserved.",
		"No pools.",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("report does not contain %q", want)
		}
	}
	checkMarkdownHygiene(t, md)
}

func TestReportRejectsEmptyResult(t *testing.T) {
	if err := Report(&bytes.Buffer{}, &plan.Result{}, ReportOptions{}); err == nil {
		t.Error("got no error for a result without a design")
	}
}

// plannerRequirements is a small two-region estate in the spirit of the
// lesson's practice exercise.
func plannerRequirements() *plan.Requirements {
	pfxs := func(ss ...string) []netip.Prefix {
		out := make([]netip.Prefix, len(ss))
		for i, s := range ss {
			out[i] = netip.MustParsePrefix(s)
		}
		return out
	}
	return &plan.Requirements{
		APIVersion: design.APIVersion,
		Kind:       plan.Kind,
		Metadata:   design.Metadata{Name: "payments-estate", Description: "Two regions, one production API cluster each."},
		Spec: plan.Spec{
			Pools: plan.Pools{
				VNets:    pfxs("10.64.0.0/12"),
				Pods:     pfxs("100.64.0.0/10"),
				Services: pfxs("10.96.0.0/12"),
			},
			Avoid: []design.ExternalRange{{Name: "on-premises", Kind: design.RangeOnPrem, CIDRs: pfxs("10.0.0.0/14", "10.72.0.0/16")}},
			Regions: []plan.Region{
				{Name: "southeastasia", DRPair: "eastasia", Hub: &plan.Hub{Firewall: true}},
				{Name: "eastasia", DRPair: "southeastasia", Hub: &plan.Hub{Firewall: true}},
			},
			Environments: []string{"prod"},
			Clusters: []plan.ClusterReq{{
				Name:              "api",
				KubernetesVersion: "1.34",
				NodePools: []plan.PoolReq{
					{Name: "system", Mode: design.ModeSystem, MaxNodes: 3},
					{Name: "apps", Mode: design.ModeUser, MinNodes: 3, MaxNodes: 40},
				},
				PrivateEndpoints: []plan.EndpointReq{
					{Service: "keyVault"}, {Service: "storageBlob"}, {Service: "sqlDatabase"},
				},
				Ingress: []plan.IngressReq{
					{Name: "public-api", Kind: design.IngressAppGateway, Exposure: design.ExposurePublic},
					{Name: "admin-api", Kind: design.IngressInternalLoadBalancer, Exposure: design.ExposureInternal},
				},
				Egress:              plan.EgressFirewall,
				EgressInspection:    true,
				PrivateCluster:      true,
				SensitiveNamespaces: []string{"payments"},
			}},
		},
	}
}

func TestReportFromPlannerGolden(t *testing.T) {
	r, err := plan.Plan(plannerRequirements(), nil)
	if err != nil {
		t.Fatalf("plan: %v", err)
	}
	var buf bytes.Buffer
	if err := Report(&buf, r, ReportOptions{DesignFile: "design.yaml"}); err != nil {
		t.Fatal(err)
	}
	md := buf.String()
	checkMarkdownHygiene(t, md)
	golden(t, "report-planned.md", buf.Bytes())

	seen := map[string]int{}
	for _, u := range r.Pools {
		i := seen[u.Pool]
		seen[u.Pool]++
		name := AddressMapName(u.Pool, i)
		if !strings.Contains(md, "]("+name+")") {
			t.Errorf("report does not link %s", name)
		}
		var svg bytes.Buffer
		if err := AddressMap(&svg, u); err != nil {
			t.Fatal(err)
		}
		parseSVG(t, svg.Bytes())
		if u.Pool == "vnets" && i == 0 {
			golden(t, "planned-"+name, svg.Bytes())
		}
	}
	var np bytes.Buffer
	if err := NetworkPolicies(&np, r); err != nil {
		t.Fatal(err)
	}
	if docs := decodePolicies(t, np.Bytes()); len(docs) == 0 {
		t.Error("the planned estate has sensitive namespaces but no policies")
	}
}
