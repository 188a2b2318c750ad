package arm

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/aksnet/aksnet/finding"
	"github.com/aksnet/aksnet/rules"
)

// TestCheckImportedTemplate runs the rules the way aksnet check does on
// imported templates and checks that findings point at the line the user
// must change: in the template, or in the parameters file that set the
// value.
func TestCheckImportedTemplate(t *testing.T) {
	for _, tc := range []struct {
		name        string
		files       []string
		rule        string
		file        string
		after, text string
		msg         string
	}{
		{"service CIDR overlapping the node subnet, written in the template",
			[]string{"aks-service-overlap.json"}, "service-cidr-overlap",
			"aks-service-overlap.json", `"networkProfile"`, `"serviceCidr"`, `overlaps subnet "vnet-claims-uks/snet-aks"`},
		{"DNS service IP outside the Service CIDR, set in the parameters file",
			[]string{"aks-overlay.json", "aks-overlay.dns-outside.parameters.json"}, "dns-service-ip-outside-service-cidr",
			"aks-overlay.dns-outside.parameters.json", `"dnsServiceIP"`, `"value"`, "dnsServiceIP 10.245.0.10 is outside serviceCidrs 10.244.0.0/16"},
		{"private endpoint without its DNS zone",
			[]string{"private-endpoint.json"}, "private-dns-zone-missing",
			"private-endpoint.json", `"name": "vault",`, `"type": "Microsoft.Network/privateEndpoints"`, "privatelink.blob.core.windows.net"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, _ := importOK(t, tc.files...)
			res := rules.Run(d, rules.Options{})
			var got []finding.Finding
			for _, f := range res.Findings {
				if f.Rule == tc.rule {
					got = append(got, f)
				}
			}
			if len(got) != 1 {
				t.Fatalf("got %d %s findings, want 1; all findings: %v", len(got), tc.rule, res.Findings)
			}
			f := got[0]
			line := lineOf(t, tc.file, tc.after, tc.text)
			if tc.rule == "private-dns-zone-missing" {
				line-- // the endpoint's object starts the line before its type
			}
			if f.Location.File != filepath.Join("testdata", tc.file) || f.Location.Line != line {
				t.Errorf("finding at %s:%d, want testdata/%s:%d: %s", f.Location.File, f.Location.Line, tc.file, line, f.Message)
			}
			if !strings.Contains(f.Message, tc.msg) {
				t.Errorf("message %q does not say %q", f.Message, tc.msg)
			}
		})
	}
	// The sound templates have no error findings.
	for _, files := range [][]string{{"aks-overlay.json", "aks-overlay.parameters.json"}, {"aks-podsubnet.json"}, {"deployment.json"}} {
		d, _ := importOK(t, files...)
		for _, f := range rules.Run(d, rules.Options{}).Findings {
			if f.Severity == finding.Error {
				t.Errorf("%v: unexpected error finding %s at %s: %s", files, f.Rule, f.Location, f.Message)
			}
			if f.Location.File == "" || f.Location.Line == 0 {
				t.Errorf("%v: finding %s has no location", files, f.Rule)
			}
		}
	}
}
