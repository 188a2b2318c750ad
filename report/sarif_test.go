package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/aksnet/aksnet/finding"
	"github.com/aksnet/aksnet/internal/sarifcheck"
)

// sarifEdgeInput exercises the awkward cases: a dev version that is not a
// semantic version, absolute, Windows-style and "./" paths, a file name with
// a space, a rule missing from the catalogue, no subject.
func sarifEdgeInput() Input {
	return Input{
		Version: "dev",
		Files:   []string{"./a b/design.yaml", "/srv/designs/x.yaml", `C:\work\d.yaml`, "./a b/design.yaml"},
		Rules:   append(testRules()[:1], nil),
		Findings: []finding.Finding{
			{Rule: "service-cidr-overlap", Severity: finding.Error, Subject: "cluster/x", Message: "ends with a full stop.",
				Location: finding.Location{File: "./a b/design.yaml", Line: 3}},
			{Rule: "not-in-catalogue", Severity: finding.Warning, Message: "no subject, no remediation",
				Location: finding.Location{File: "/srv/designs/x.yaml"}},
			{Rule: "not-in-catalogue", Severity: finding.Info, Subject: "vnet/y", Message: "windows path",
				Location: finding.Location{File: `C:\work\d.yaml`, Line: 9}},
		},
	}
}

// TestSARIFValidates checks our SARIF output with Microsoft's multitool and
// against the official schema.
func TestSARIFValidates(t *testing.T) {
	bin := sarifcheck.Multitool(t)
	schema := sarifcheck.SchemaPath(t, bin)
	inputs := []struct {
		name string
		in   Input
	}{
		{"full", testInput()},
		{"clean", cleanInput()},
		{"edge", sarifEdgeInput()},
	}
	for _, c := range inputs {
		t.Run(c.name, func(t *testing.T) {
			doc := render(t, func(b *bytes.Buffer) error { return SARIF(b, c.in) })
			if err := sarifcheck.ValidateSchema(schema, doc); err != nil {
				t.Errorf("schema validation: %v", err)
			}
			rep, err := sarifcheck.Run(t, bin, doc)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range rep.Warnings {
				t.Logf("multitool: %s", w)
			}
			if len(rep.Errors) > 0 {
				t.Errorf("multitool reported %d errors:\n%s\nconsole:\n%s", len(rep.Errors), strings.Join(rep.Errors, "\n"), rep.Console)
			}
		})
	}
}

// brokenSARIF breaks the schema in several ways: the driver has no name, a
// level is not one of the allowed values, a message has no text and a
// region starts at line 0.
const brokenSARIF = `{
  "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
  "version": "2.1.0",
  "runs": [
    {
      "tool": {"driver": {"informationUri": "https://github.com/aksnet/aksnet"}},
      "results": [
        {
          "ruleId": "service-cidr-overlap",
          "level": "fatal",
          "message": {},
          "locations": [{"physicalLocation": {"artifactLocation": {"uri": "design.yaml"}, "region": {"startLine": 0}}}]
        }
      ]
    }
  ]
}
`

// unescapedURISARIF is valid against the schema's structure but names a file
// with an unescaped space: only the multitool's own rules (SARIF1002) catch
// that, which is why the renderer percent-encodes file names.
const unescapedURISARIF = `{
  "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
  "version": "2.1.0",
  "runs": [
    {
      "tool": {"driver": {"name": "aksnet", "version": "1.0.0", "informationUri": "https://github.com/aksnet/aksnet"}},
      "results": [
        {
          "ruleId": "service-cidr-overlap",
          "level": "error",
          "message": {"text": "cluster/a: overlap."},
          "locations": [{"physicalLocation": {"artifactLocation": {"uri": "envs/prod network.yaml", "uriBaseId": "%SRCROOT%"}, "region": {"startLine": 3}}}]
        }
      ]
    }
  ]
}
`

// TestSARIFValidatorsRejectBrokenLog proves that both validators can fail.
func TestSARIFValidatorsRejectBrokenLog(t *testing.T) {
	bin := sarifcheck.Multitool(t)
	schema := sarifcheck.SchemaPath(t, bin)
	doc := []byte(brokenSARIF)

	if err := sarifcheck.ValidateSchema(schema, doc); err == nil {
		t.Error("schema validation accepted a broken SARIF log")
	} else {
		t.Logf("schema validation rejected the broken log, as it should: %v", err)
	}

	rep, err := sarifcheck.Run(t, bin, doc)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Errors) == 0 {
		t.Errorf("multitool accepted a broken SARIF log; console:\n%s", rep.Console)
	}
	for _, want := range []string{"'name' is missing", `"fatal"`, "startLine"} {
		if !strings.Contains(strings.Join(rep.Errors, "\n")+rep.Console, want) {
			t.Errorf("multitool errors do not mention %s:\n%s", want, strings.Join(rep.Errors, "\n"))
		}
	}

	rep, err = sarifcheck.Run(t, bin, []byte(unescapedURISARIF))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(rep.Errors, "\n"), "SARIF1002") {
		t.Errorf("multitool did not flag an unescaped URI as error SARIF1002; errors:\n%s\nconsole:\n%s", strings.Join(rep.Errors, "\n"), rep.Console)
	}
}

// sarifDoc is the part of our own SARIF output the structure test reads.
type sarifDoc struct {
	Schema  string `json:"$schema"`
	Version string `json:"version"`
	Runs    []struct {
		Tool struct {
			Driver struct {
				Name, Version, SemanticVersion, InformationURI string
				Rules                                          []struct {
					ID, Name, HelpURI    string
					ShortDescription     struct{ Text string }
					FullDescription      struct{ Text string }
					Help                 struct{ Text, Markdown string }
					DefaultConfiguration struct{ Level string }
					Properties           struct{ Tags []string }
				}
			}
		}
		Artifacts []struct {
			Location struct {
				URI       string `json:"uri"`
				URIBaseID string `json:"uriBaseId"`
			}
		}
		Invocations []struct {
			ExecutionSuccessful bool
		}
		Results []struct {
			RuleID    string
			RuleIndex *int
			Level     string
			Message   struct{ Text string }
			Locations []struct {
				PhysicalLocation *struct {
					ArtifactLocation struct {
						URI       string `json:"uri"`
						URIBaseID string `json:"uriBaseId"`
						Index     *int
					}
					Region *struct{ StartLine int }
				}
				LogicalLocations []struct{ FullyQualifiedName string }
			}
			PartialFingerprints map[string]string
			Suppressions        []struct{ Kind, Status, Justification string }
		}
	}
}

func decodeSARIF(t *testing.T, in Input) sarifDoc {
	t.Helper()
	raw := render(t, func(b *bytes.Buffer) error { return SARIF(b, in) })
	var doc sarifDoc
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("SARIF output is not JSON: %v", err)
	}
	if len(doc.Runs) != 1 {
		t.Fatalf("got %d runs, want 1", len(doc.Runs))
	}
	return doc
}

// TestSARIFStructure checks what code scanning relies on, without the
// external tool.
func TestSARIFStructure(t *testing.T) {
	in := testInput()
	doc := decodeSARIF(t, in)
	run := doc.Runs[0]
	if doc.Schema != SARIFSchema || doc.Version != "2.1.0" {
		t.Errorf("$schema, version = %q, %q", doc.Schema, doc.Version)
	}
	d := run.Tool.Driver
	if d.Name != "aksnet" || d.Version != "0.3.0" || d.SemanticVersion != "0.3.0" || d.InformationURI != "https://github.com/aksnet/aksnet" {
		t.Errorf("driver = %+v", d)
	}
	if len(d.Rules) != len(in.Rules) {
		t.Fatalf("driver has %d rules, want every catalogue rule (%d)", len(d.Rules), len(in.Rules))
	}
	for i, r := range d.Rules {
		want := in.Rules[i]
		if r.ID != want.ID || r.ShortDescription.Text != want.Title || r.FullDescription.Text != want.Doc || r.HelpURI != want.Sources[0] {
			t.Errorf("rule %d = %+v, want %s's metadata", i, r, want.ID)
		}
		if !strings.HasPrefix(r.Help.Text, want.Remediation) || !strings.Contains(r.Help.Text, want.Sources[0]) {
			t.Errorf("rule %s help = %q, want remediation and sources", r.ID, r.Help.Text)
		}
		if len(r.Properties.Tags) == 0 {
			t.Errorf("rule %s has no tags", r.ID)
		}
	}
	if d.Rules[0].Name != "ServiceCidrOverlap" || d.Rules[0].DefaultConfiguration.Level != "error" || d.Rules[5].DefaultConfiguration.Level != "note" {
		t.Errorf("rule 0 name %q level %q, rule 5 level %q", d.Rules[0].Name, d.Rules[0].DefaultConfiguration.Level, d.Rules[5].DefaultConfiguration.Level)
	}
	if len(run.Invocations) != 1 || !run.Invocations[0].ExecutionSuccessful {
		t.Errorf("invocations = %+v", run.Invocations)
	}
	if len(run.Artifacts) != 2 || run.Artifacts[1].Location.URI != "envs/prod%20network.yaml" || run.Artifacts[1].Location.URIBaseID != "%SRCROOT%" {
		t.Errorf("artifacts = %+v", run.Artifacts)
	}

	if got, want := len(run.Results), len(in.Findings)+len(in.Suppressed); got != want {
		t.Fatalf("got %d results, want %d", got, want)
	}
	seen := map[string]bool{}
	for i, res := range run.Results {
		var f finding.Finding
		if i < len(in.Findings) {
			f = in.Findings[i]
			if len(res.Suppressions) != 0 {
				t.Errorf("result %d is suppressed, want not", i)
			}
		} else {
			f = in.Suppressed[i-len(in.Findings)].Finding
			if len(res.Suppressions) != 1 || res.Suppressions[0].Kind != "inSource" || res.Suppressions[0].Justification != in.Suppressed[0].Reason {
				t.Errorf("suppressed result's suppressions = %+v", res.Suppressions)
			}
		}
		if res.RuleID != f.Rule || res.RuleIndex == nil || d.Rules[*res.RuleIndex].ID != f.Rule {
			t.Errorf("result %d rule %s index %v, want %s", i, res.RuleID, res.RuleIndex, f.Rule)
		}
		if res.Level != map[finding.Severity]string{finding.Error: "error", finding.Warning: "warning", finding.Info: "note"}[f.Severity] {
			t.Errorf("result %d level %q for severity %v", i, res.Level, f.Severity)
		}
		if !strings.HasPrefix(res.Message.Text, f.Subject+": "+f.Message) || !strings.Contains(res.Message.Text, " Fix: "+f.Remediation) {
			t.Errorf("result %d message %q", i, res.Message.Text)
		}
		if len(res.Locations) != 1 || len(res.Locations[0].LogicalLocations) != 1 || res.Locations[0].LogicalLocations[0].FullyQualifiedName != f.Subject {
			t.Fatalf("result %d locations = %+v", i, res.Locations)
		}
		pl := res.Locations[0].PhysicalLocation
		switch {
		case f.Location.File == "":
			if pl != nil {
				t.Errorf("result %d has a physical location, want none (no file known)", i)
			}
		case f.Location.Line == 0:
			if pl == nil || pl.Region != nil {
				t.Errorf("result %d physical location %+v, want one without region", i, pl)
			}
		default:
			if pl == nil || pl.Region == nil || pl.Region.StartLine != f.Location.Line || pl.ArtifactLocation.URIBaseID != "%SRCROOT%" || pl.ArtifactLocation.Index == nil {
				t.Errorf("result %d physical location %+v", i, pl)
			}
		}
		fp := res.PartialFingerprints[SARIFFingerprintKey]
		if fp == "" || seen[fp] {
			t.Errorf("result %d fingerprint %q is empty or repeated", i, fp)
		}
		seen[fp] = true
	}

	// Fingerprints ignore where the finding is, so moving an object keeps it.
	f := in.Findings[0]
	moved := f
	moved.Location = finding.Location{File: "other.yaml", Line: 99}
	if Fingerprint(f) != Fingerprint(moved) {
		t.Error("fingerprint changed with the location")
	}
	other := f
	other.Message += " (changed)"
	if Fingerprint(f) == Fingerprint(other) {
		t.Error("fingerprint ignores the message")
	}
}

func TestSARIFEdgeCases(t *testing.T) {
	doc := decodeSARIF(t, sarifEdgeInput())
	run := doc.Runs[0]
	if run.Tool.Driver.SemanticVersion != "" {
		t.Errorf("semanticVersion for \"dev\" = %q, want none", run.Tool.Driver.SemanticVersion)
	}
	if len(run.Tool.Driver.Rules) != 1 {
		t.Errorf("driver rules = %d, want 1 (nil rules dropped)", len(run.Tool.Driver.Rules))
	}
	var uris []string
	for _, a := range run.Artifacts {
		uris = append(uris, a.Location.URI+"|"+a.Location.URIBaseID)
	}
	if got, want := strings.Join(uris, " "), "a%20b/design.yaml|%SRCROOT% file:///srv/designs/x.yaml| file:///C:/work/d.yaml|"; got != want {
		t.Errorf("artifacts = %s, want %s", got, want)
	}
	if r := run.Results[1]; r.RuleIndex != nil {
		t.Errorf("result for a rule outside the catalogue has ruleIndex %d, want none", *r.RuleIndex)
	}
	if got := run.Results[0].Message.Text; got != "cluster/x: ends with a full stop." {
		t.Errorf("message = %q", got)
	}
	if got := run.Results[1].Message.Text; got != "no subject, no remediation." {
		t.Errorf("message = %q", got)
	}
}

func TestCamelCaseAndSemver(t *testing.T) {
	for in, want := range map[string]string{
		"service-cidr-overlap": "ServiceCidrOverlap",
		"ipv6-dual-stack":      "Ipv6DualStack",
		"x":                    "X",
	} {
		if got := camelCase(in); got != want {
			t.Errorf("camelCase(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"1.2.3": "1.2.3", "v0.4.0-rc.1": "0.4.0-rc.1", "1.2.3+abc": "1.2.3+abc",
		"dev": "", "1.2": "", "v1.2.3-dirty.": "", "(devel)": "",
	} {
		if got := semanticVersion(in); got != want {
			t.Errorf("semanticVersion(%q) = %q, want %q", in, got, want)
		}
	}
}
