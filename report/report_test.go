package report

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aksnet/aksnet/finding"
	"github.com/aksnet/aksnet/rules"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// testRules is a small fake catalogue. It does not use the real registry,
// which other work is filling.
func testRules() []*rules.Rule {
	return []*rules.Rule{
		{
			ID:          "service-cidr-overlap",
			Title:       "Service CIDR overlaps a network the cluster can reach",
			Severity:    finding.Error,
			Doc:         "Kubernetes Services take their virtual IPs from the service CIDR. When that range also exists on a network the nodes route to, traffic for those addresses never leaves the node, so the overlapping part of the network becomes unreachable from pods.",
			Remediation: "Move the service CIDR to a range that no VNet, peering or on-premises network uses.",
			Sources: []string{
				"https://learn.microsoft.com/azure/aks/configure-azure-cni",
				"https://kubernetes.io/docs/concepts/services-networking/cluster-ip-allocation/",
			},
		},
		{
			ID:          "node-subnet-too-small",
			Title:       "Node subnet cannot hold the pools at their maximum during an upgrade",
			Severity:    finding.Error,
			Doc:         "Every node takes an address from the node subnet, and an upgrade adds surge nodes before old ones go. Azure keeps 5 addresses of every subnet for itself.",
			Remediation: "Give the node subnet a shorter prefix, or lower the pools' maximum counts or surge.",
			Sources:     []string{"https://learn.microsoft.com/azure/aks/upgrade-aks-cluster"},
		},
		{
			ID:          "egress-route-bypasses-firewall",
			Title:       "Default route does not send egress through the firewall",
			Severity:    finding.Warning,
			Doc:         "With outbound type userDefinedRouting the cluster's egress follows the subnet's route table. Without a 0.0.0.0/0 route to the firewall, nodes cannot reach the API server and the cluster fails to provision.",
			Remediation: "Add a 0.0.0.0/0 route with next hop VirtualAppliance pointing at the firewall's private IP.",
			Sources:     []string{"https://learn.microsoft.com/azure/aks/egress-outboundtype"},
		},
		{
			ID:          "peering-missing-reverse",
			Title:       "Peering has no reverse direction",
			Severity:    finding.Warning,
			Doc:         "A VNet peering carries traffic only once both directions exist.",
			Remediation: "Add the peering from the other VNet back.",
			Sources:     []string{"https://learn.microsoft.com/azure/virtual-network/virtual-network-peering-overview"},
		},
		{
			ID:          "private-dns-zone-unlinked",
			Title:       "Private DNS zone is not linked to the cluster's VNet",
			Severity:    finding.Warning,
			Doc:         "Nodes resolve private endpoints only through zones linked to their VNet (or a resolver that is).",
			Remediation: "Link the zone to the VNet, or forward to a resolver in a linked VNet.",
			Sources:     []string{"https://learn.microsoft.com/azure/private-link/private-endpoint-dns"},
		},
		{
			ID:          "max-pods-default",
			Title:       "Node pool relies on the default max pods",
			Severity:    finding.Info,
			Doc:         "The default maximum pods per node depends on the network plugin. Writing it down makes the address plan explicit.",
			Remediation: "Set maxPods on the pool.",
			Sources:     []string{"https://learn.microsoft.com/azure/aks/azure-cni-overview"},
		},
	}
}

// testInput is a realistic report: every severity, a finding without file or
// line, a message with a pipe and angle brackets, a file name with a space,
// and a suppressed finding.
func testInput() Input {
	fs := []finding.Finding{
		{
			Rule: "max-pods-default", Severity: finding.Info, Subject: "cluster/aks-prod/pool/user1",
			Message:     "pool user1 uses the default max pods (250 with overlay)",
			Remediation: "Set maxPods on the pool.",
			Location:    finding.Location{File: "design.yaml", Line: 41, Path: "spec.clusters[0].nodePools[1]"},
		},
		{
			Rule: "service-cidr-overlap", Severity: finding.Error, Subject: "cluster/aks-prod",
			Message:     "service CIDR 10.0.0.0/16 overlaps VNet hub address space 10.0.0.0/8 | peered via hub-to-spoke",
			Remediation: "Move the service CIDR to a range that no VNet, peering or on-premises network uses.",
			Location:    finding.Location{File: "design.yaml", Line: 27, Path: "spec.clusters[0].network.serviceCidrs[0]"},
		},
		{
			Rule: "node-subnet-too-small", Severity: finding.Error, Subject: "subnet/spoke/aks-nodes",
			Message:     "node subnet 10.80.16.0/26 has 59 usable addresses; pools need 64 during an upgrade (system 3+1, user 50+5, plus 5 private endpoints)",
			Remediation: "Give the node subnet a shorter prefix, or lower the pools' maximum counts or surge.",
			Location:    finding.Location{File: "design.yaml", Line: 12, Path: "spec.vnets[0].subnets[0].addressPrefixes[0]"},
		},
		{
			Rule: "egress-route-bypasses-firewall", Severity: finding.Warning, Subject: "routeTable/aks-egress",
			Message:     "route table aks-egress has no 0.0.0.0/0 route; egress for <cluster aks-prod> goes out directly",
			Remediation: "Add a 0.0.0.0/0 route with next hop VirtualAppliance pointing at the firewall's private IP.",
			Location:    finding.Location{File: "envs/prod network.yaml", Line: 8, Path: "spec.routeTables[0]"},
		},
		{
			Rule: "peering-missing-reverse", Severity: finding.Warning, Subject: "peering/hub/spoke",
			Message:     "peering hub -> spoke has no spoke -> hub counterpart",
			Remediation: "Add the peering from the other VNet back.",
		},
	}
	finding.Sort(fs)
	return Input{
		Tool:    "aksnet",
		Version: "0.3.0",
		Files:   []string{"design.yaml", "envs/prod network.yaml"},
		Rules:   testRules(),
		FailOn:  finding.Error,
		Suppressed: []rules.Suppressed{{
			Finding: finding.Finding{
				Rule: "max-pods-default", Severity: finding.Info, Subject: "cluster/aks-dev/pool/user1",
				Message:     "pool user1 uses the default max pods (250 with overlay)",
				Remediation: "Set maxPods on the pool.",
				Location:    finding.Location{File: "design.yaml", Line: 63, Path: "spec.clusters[1].nodePools[1]"},
			},
			Reason: "dev pools are rebuilt weekly; defaults accepted",
		}},
		Findings: fs,
	}
}

// cleanInput is a run that found nothing.
func cleanInput() Input {
	return Input{Tool: "aksnet", Version: "dev", Files: []string{"design.yaml"}, Rules: testRules()[:2], FailOn: finding.Warning}
}

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
		t.Fatalf("read golden file: %v (run go test ./report/ -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (run go test ./report/ -update and review the diff)\ngot:\n%s\nwant:\n%s", path, got, want)
	}
}

func render(t *testing.T, fn func(*bytes.Buffer) error) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := fn(&buf); err != nil {
		t.Fatalf("render: %v", err)
	}
	return buf.Bytes()
}

func TestGolden(t *testing.T) {
	extra := MarkdownOptions{Extra: []Section{
		{Title: "Capacity", Body: "| Subnet | Free |\n| --- | ---: |\n| spoke/aks-nodes | 0 |\n"},
	}}
	cases := []struct {
		name string
		fn   func(*bytes.Buffer, Input) error
	}{
		{"text", func(b *bytes.Buffer, in Input) error { return Text(b, in, TextOptions{}) }},
		{"text_color", func(b *bytes.Buffer, in Input) error { return Text(b, in, TextOptions{Color: true}) }},
		{"json", func(b *bytes.Buffer, in Input) error { return JSON(b, in) }},
		{"sarif", func(b *bytes.Buffer, in Input) error { return SARIF(b, in) }},
		{"junit", func(b *bytes.Buffer, in Input) error { return JUnit(b, in) }},
		{"markdown", func(b *bytes.Buffer, in Input) error { return Markdown(b, in, extra) }},
	}
	for _, c := range cases {
		for _, v := range []struct {
			suffix string
			in     Input
		}{{"", testInput()}, {"_clean", cleanInput()}} {
			name := c.name + v.suffix
			t.Run(name, func(t *testing.T) {
				golden(t, name+".golden", render(t, func(b *bytes.Buffer) error { return c.fn(b, v.in) }))
			})
		}
	}
	t.Run("rules_markdown", func(t *testing.T) {
		golden(t, "rules.md.golden", render(t, func(b *bytes.Buffer) error { return RulesMarkdown(b, testRules()) }))
	})
}

func TestRenderDispatch(t *testing.T) {
	in := testInput()
	for _, format := range Formats() {
		t.Run(format, func(t *testing.T) {
			var got bytes.Buffer
			if err := Render(format, &got, in); err != nil {
				t.Fatalf("Render(%q): %v", format, err)
			}
			if got.Len() == 0 {
				t.Fatalf("Render(%q) wrote nothing", format)
			}
		})
	}
	t.Run("text matches Text without colour", func(t *testing.T) {
		var viaRender, direct bytes.Buffer
		if err := Render("TEXT", &viaRender, in); err != nil {
			t.Fatal(err)
		}
		if err := Text(&direct, in, TextOptions{}); err != nil {
			t.Fatal(err)
		}
		if viaRender.String() != direct.String() {
			t.Errorf("Render(\"TEXT\") differs from Text")
		}
	})
	t.Run("unknown", func(t *testing.T) {
		err := Render("yaml", &bytes.Buffer{}, in)
		if err == nil {
			t.Fatal("got nil error for an unknown format, want one")
		}
		for _, f := range Formats() {
			if !strings.Contains(err.Error(), f) {
				t.Errorf("error %q does not list format %q", err, f)
			}
		}
	})
}

func TestFormats(t *testing.T) {
	got := strings.Join(Formats(), ",")
	want := "text,json,sarif,junit,markdown"
	if got != want {
		t.Errorf("Formats() = %s, want %s", got, want)
	}
}

type failWriter struct{ after int }

func (w *failWriter) Write(p []byte) (int, error) {
	if w.after <= 0 {
		return 0, errors.New("disk full")
	}
	w.after--
	return len(p), nil
}

func TestWriteErrorsAreReturned(t *testing.T) {
	in := testInput()
	for _, format := range Formats() {
		t.Run(format, func(t *testing.T) {
			err := Render(format, &failWriter{}, in)
			if err == nil || !strings.Contains(err.Error(), "disk full") {
				t.Errorf("Render(%q) to a failing writer: got %v, want the write error", format, err)
			}
		})
	}
	if err := RulesMarkdown(&failWriter{}, testRules()); err == nil {
		t.Error("RulesMarkdown to a failing writer: got nil error, want one")
	}
}

func TestTextSummary(t *testing.T) {
	got := string(render(t, func(b *bytes.Buffer) error { return Text(b, testInput(), TextOptions{}) }))
	for _, want := range []string{
		"design.yaml:27: error service-cidr-overlap: cluster/aks-prod: service CIDR",
		"\n    fix: Move the service CIDR",
		"\nwarning peering-missing-reverse: peering/hub/spoke:",
		"2 errors, 2 warnings, 1 info; 1 suppressed\n",
		"2 findings at or above error\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("text output lacks %q", want)
		}
	}
	if strings.Contains(got, "\x1b[") {
		t.Error("text output without Color contains ANSI escapes")
	}
	// Groups come in severity order.
	iErr, iWarn, iInfo := strings.Index(got, "Errors ("), strings.Index(got, "Warnings ("), strings.Index(got, "Info (")
	if !(iErr >= 0 && iErr < iWarn && iWarn < iInfo) {
		t.Errorf("groups out of order: Errors at %d, Warnings at %d, Info at %d", iErr, iWarn, iInfo)
	}

	clean := string(render(t, func(b *bytes.Buffer) error { return Text(b, cleanInput(), TextOptions{}) }))
	if clean != "no findings\n" {
		t.Errorf("clean text = %q, want %q", clean, "no findings\n")
	}
	colored := string(render(t, func(b *bytes.Buffer) error { return Text(b, testInput(), TextOptions{Color: true}) }))
	if !strings.Contains(colored, "\x1b[31merror\x1b[0m") {
		t.Error("coloured text lacks a red severity")
	}
}

func TestMarkdownEscapesCells(t *testing.T) {
	in := testInput()
	in.Findings = []finding.Finding{{
		Rule: "service-cidr-overlap", Severity: finding.Error, Subject: "cluster/a|b",
		Message: "line one | still one\nline two", Remediation: "Fix it.",
		Location: finding.Location{File: "d.yaml", Line: 3},
	}}
	got := string(render(t, func(b *bytes.Buffer) error { return Markdown(b, in, MarkdownOptions{}) }))
	for _, line := range strings.Split(got, "\n") {
		if !strings.HasPrefix(line, "| 1 |") {
			continue
		}
		if !strings.Contains(line, `line one \| still one<br>line two`) || !strings.Contains(line, "`cluster/a\\|b`") {
			t.Errorf("table row not escaped: %q", line)
		}
		if n := strings.Count(strings.ReplaceAll(line, `\|`, ""), "|"); n != 7 {
			t.Errorf("table row has %d cell separators, want 7: %q", n, line)
		}
		return
	}
	t.Fatalf("no findings table row in:\n%s", got)
}

func TestMarkdownCode(t *testing.T) {
	cases := map[string]string{
		"":        "-",
		"a":       "`a`",
		"a`b":     "`` a`b ``",
		"a``b`":   "``` a``b` ```",
		"two\nln": "`two ln`",
	}
	for in, want := range cases {
		if got := mdCode(in); got != want {
			t.Errorf("mdCode(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRulesMarkdownDeterministic(t *testing.T) {
	rs := testRules()
	a := render(t, func(b *bytes.Buffer) error { return RulesMarkdown(b, rs) })
	rev := make([]*rules.Rule, len(rs))
	for i, r := range rs {
		rev[len(rs)-1-i] = r
	}
	b := render(t, func(b *bytes.Buffer) error { return RulesMarkdown(b, rev) })
	if !bytes.Equal(a, b) {
		t.Error("RulesMarkdown output depends on the order of its input")
	}
	for _, r := range rs {
		if !bytes.Contains(a, []byte("\n## "+r.ID+"\n")) {
			t.Errorf("no section for %s", r.ID)
		}
		if !bytes.Contains(a, []byte("(#"+r.ID+")")) {
			t.Errorf("index does not link to %s", r.ID)
		}
		for _, s := range r.Sources {
			if !bytes.Contains(a, []byte("<"+s+">")) {
				t.Errorf("source %s of %s is not a link", s, r.ID)
			}
		}
	}
}
