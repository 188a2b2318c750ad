package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/aksnet/aksnet/finding"
)

type junitTestSuites struct {
	XMLName  xml.Name         `xml:"testsuites"`
	Name     string           `xml:"name,attr"`
	Tests    int              `xml:"tests,attr"`
	Failures int              `xml:"failures,attr"`
	Errors   int              `xml:"errors,attr"`
	Skipped  int              `xml:"skipped,attr"`
	Suites   []junitTestSuite `xml:"testsuite"`
}

type junitTestSuite struct {
	Name     string          `xml:"name,attr"`
	Tests    int             `xml:"tests,attr"`
	Failures int             `xml:"failures,attr"`
	Errors   int             `xml:"errors,attr"`
	Skipped  int             `xml:"skipped,attr"`
	Cases    []junitTestCase `xml:"testcase"`
}

type junitTestCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Body    string `xml:",chardata"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

// JUnit writes JUnit XML for CI dashboards: a testsuites element with one
// testsuite per rule that ran (in.Rules, plus any rule a finding names that
// the catalogue lacks). Each finding is a testcase named by its subject with
// the rule ID as classname; errors and warnings carry a failure (message,
// severity as type, location and fix as body), info findings pass with the
// message as system-out, and suppressed findings are skipped with the
// reason. A rule with nothing to report yields one passing testcase named by
// its title, so that the dashboard shows what was checked.
func JUnit(w io.Writer, in Input) error {
	type bucket struct {
		title      string
		findings   []finding.Finding
		suppressed []int // indices into in.Suppressed
	}
	var order []string
	buckets := map[string]*bucket{}
	get := func(id string) *bucket {
		b, ok := buckets[id]
		if !ok {
			b = &bucket{}
			buckets[id] = b
			order = append(order, id)
		}
		return b
	}
	for _, r := range in.Rules {
		if r != nil {
			b := get(r.ID)
			if b.title == "" {
				b.title = r.Title
			}
		}
	}
	known := len(order)
	for _, f := range in.Findings {
		b := get(f.Rule)
		b.findings = append(b.findings, f)
	}
	for i, s := range in.Suppressed {
		b := get(s.Finding.Rule)
		b.suppressed = append(b.suppressed, i)
	}
	// Rules outside the catalogue follow it, sorted, so output is stable.
	slices.Sort(order[known:])

	doc := junitTestSuites{Name: in.tool()}
	for _, id := range order {
		b := buckets[id]
		suite := junitTestSuite{Name: id}
		names := map[string]int{}
		unique := func(name string) string {
			names[name]++
			if n := names[name]; n > 1 {
				return name + " #" + strconv.Itoa(n)
			}
			return name
		}
		for _, f := range b.findings {
			tc := junitTestCase{Name: unique(orDefault(f.Subject, f.Rule)), Classname: id}
			switch f.Severity {
			case finding.Error, finding.Warning:
				tc.Failure = &junitFailure{
					Message: oneLine(f.Message),
					Type:    severityName(f.Severity),
					Body:    junitBody(f),
				}
				suite.Failures++
			default:
				tc.SystemOut = severityName(f.Severity) + ": " + oneLine(f.Message) + "\n" + junitBody(f)
			}
			suite.Cases = append(suite.Cases, tc)
		}
		for _, i := range b.suppressed {
			s := in.Suppressed[i]
			tc := junitTestCase{
				Name:      unique(orDefault(s.Finding.Subject, s.Finding.Rule)),
				Classname: id,
				Skipped:   &junitSkipped{Message: "suppressed: " + oneLine(s.Reason)},
				SystemOut: severityName(s.Finding.Severity) + ": " + oneLine(s.Finding.Message) + "\n" + junitBody(s.Finding),
			}
			suite.Skipped++
			suite.Cases = append(suite.Cases, tc)
		}
		if len(suite.Cases) == 0 {
			suite.Cases = append(suite.Cases, junitTestCase{Name: orDefault(b.title, id), Classname: id})
		}
		suite.Tests = len(suite.Cases)
		doc.Tests += suite.Tests
		doc.Failures += suite.Failures
		doc.Skipped += suite.Skipped
		doc.Suites = append(doc.Suites, suite)
	}

	out := &errWriter{w: w}
	out.print(xml.Header)
	enc := xml.NewEncoder(out)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("write junit report: %w", err)
	}
	out.print("\n")
	return out.result("junit")
}

// junitBody is the location and the fix, one per line.
func junitBody(f finding.Finding) string {
	var b strings.Builder
	b.WriteString("location: ")
	b.WriteString(locationText(f.Location))
	if f.Location.Path != "" && f.Location.String() != f.Location.Path {
		b.WriteString(" (" + f.Location.Path + ")")
	}
	if f.Remediation != "" {
		b.WriteString("\nfix: ")
		b.WriteString(oneLine(f.Remediation))
	}
	return b.String()
}
