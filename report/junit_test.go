package report

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"

	"github.com/aksnet/aksnet/finding"
)

// The test's own view of JUnit XML, independent of the renderer's types.
type xTestSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Suites   []xTestSuite `xml:"testsuite"`
}

type xTestSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Cases    []xTestCase `xml:"testcase"`
}

type xTestCase struct {
	Name      string `xml:"name,attr"`
	Classname string `xml:"classname,attr"`
	Failure   *struct {
		Message string `xml:"message,attr"`
		Type    string `xml:"type,attr"`
		Body    string `xml:",chardata"`
	} `xml:"failure"`
	Skipped *struct {
		Message string `xml:"message,attr"`
	} `xml:"skipped"`
	SystemOut string `xml:"system-out"`
}

func parseJUnit(t *testing.T, in Input) xTestSuites {
	t.Helper()
	raw := render(t, func(b *bytes.Buffer) error { return JUnit(b, in) })
	if !bytes.HasPrefix(raw, []byte(`<?xml version="1.0" encoding="UTF-8"?>`)) {
		t.Errorf("JUnit output lacks the XML declaration")
	}
	var doc xTestSuites
	if err := xml.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("JUnit output is not valid XML: %v\n%s", err, raw)
	}
	return doc
}

func TestJUnitCounts(t *testing.T) {
	in := testInput()
	doc := parseJUnit(t, in)

	if len(doc.Suites) != len(in.Rules) {
		t.Fatalf("got %d test suites, want one per rule (%d)", len(doc.Suites), len(in.Rules))
	}
	errs, warns, infos := finding.Counts(in.Findings)
	// Every finding and suppressed finding is a test case, and every rule
	// without any gets one passing case.
	wantTests := len(in.Findings) + len(in.Suppressed) + 1 // private-dns-zone-unlinked found nothing
	if doc.Tests != wantTests || doc.Failures != errs+warns || doc.Skipped != len(in.Suppressed) || doc.Errors != 0 {
		t.Errorf("testsuites tests=%d failures=%d skipped=%d errors=%d, want %d, %d, %d, 0",
			doc.Tests, doc.Failures, doc.Skipped, doc.Errors, wantTests, errs+warns, len(in.Suppressed))
	}

	var tests, failures, skipped, outs int
	for i, s := range doc.Suites {
		if s.Name != in.Rules[i].ID {
			t.Errorf("suite %d = %s, want %s (catalogue order)", i, s.Name, in.Rules[i].ID)
		}
		if s.Tests != len(s.Cases) {
			t.Errorf("suite %s says tests=%d but has %d cases", s.Name, s.Tests, len(s.Cases))
		}
		var f, sk int
		for _, c := range s.Cases {
			if c.Classname != s.Name {
				t.Errorf("case %q classname = %q, want %q", c.Name, c.Classname, s.Name)
			}
			if c.Failure != nil {
				f++
				if c.Failure.Type != "error" && c.Failure.Type != "warning" {
					t.Errorf("failure type = %q, want error or warning", c.Failure.Type)
				}
				if !strings.Contains(c.Failure.Body, "fix: ") || !strings.Contains(c.Failure.Body, "location: ") {
					t.Errorf("failure body lacks location or fix: %q", c.Failure.Body)
				}
			}
			if c.Skipped != nil {
				sk++
			}
			if c.Failure == nil && c.Skipped == nil && c.SystemOut != "" {
				outs++
			}
		}
		if f != s.Failures || sk != s.Skipped {
			t.Errorf("suite %s says failures=%d skipped=%d, cases have %d and %d", s.Name, s.Failures, s.Skipped, f, sk)
		}
		tests += s.Tests
		failures += f
		skipped += sk
	}
	if tests != doc.Tests || failures != doc.Failures || skipped != doc.Skipped {
		t.Errorf("suite totals %d/%d/%d differ from testsuites %d/%d/%d", tests, failures, skipped, doc.Tests, doc.Failures, doc.Skipped)
	}
	if outs != infos {
		t.Errorf("got %d passing cases with system-out, want one per info finding (%d)", outs, infos)
	}

	// The rule that found nothing has one passing case named by its title.
	for _, s := range doc.Suites {
		if s.Name != "private-dns-zone-unlinked" {
			continue
		}
		if len(s.Cases) != 1 || s.Cases[0].Failure != nil || s.Cases[0].Name != "Private DNS zone is not linked to the cluster's VNet" {
			t.Errorf("clean rule's cases = %+v, want one passing case named by the title", s.Cases)
		}
	}
}

func TestJUnitUnknownRuleAndDuplicateNames(t *testing.T) {
	in := Input{Rules: testRules()[:1], Findings: []finding.Finding{
		{Rule: "zz-not-in-catalogue", Severity: finding.Error, Subject: "vnet/hub", Message: "m1"},
		{Rule: "service-cidr-overlap", Severity: finding.Error, Subject: "cluster/a", Message: "m1 <&>\x01"},
		{Rule: "service-cidr-overlap", Severity: finding.Warning, Subject: "cluster/a", Message: "m2"},
	}}
	doc := parseJUnit(t, in)
	if len(doc.Suites) != 2 || doc.Suites[1].Name != "zz-not-in-catalogue" {
		t.Fatalf("suites = %+v, want the catalogue's rule then the unknown one", doc.Suites)
	}
	cases := doc.Suites[0].Cases
	if len(cases) != 2 || cases[0].Name == cases[1].Name {
		t.Errorf("test case names = %+v, want two distinct names", cases)
	}
	if doc.Failures != 3 {
		t.Errorf("failures = %d, want 3", doc.Failures)
	}
}
