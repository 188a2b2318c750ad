package lint

import (
	"fmt"
	"regexp"
	"slices"

	"github.com/aksnet/aksnet/finding"
	"github.com/aksnet/aksnet/netpol"
)

// Rule is one check. All fields except Check are documentation that
// `aksnet netpol lint --rules` and docs/netpol-rules.md show.
type Rule struct {
	// ID is the stable kebab-case identifier. Never rename it.
	ID string
	// Title is a one-line summary.
	Title string
	// Severity is the severity of the rule's findings unless a finding
	// says otherwise.
	Severity finding.Severity
	// Doc explains, in a paragraph, why the problem matters.
	Doc string
	// Remediation says how to fix it; it ends with a period.
	Remediation string
	// Sources are links to the documentation the rule rests on.
	Sources []string
	// NeedsCluster marks rules about the cluster's NetworkPolicy engine:
	// they run only when the cluster's network profile is known
	// (Cluster.Design is set).
	NeedsCluster bool
	// Check inspects the input and reports through the pass.
	Check func(p *Pass)
}

// Issue is what a rule reports. Zero Severity and empty Remediation take
// the rule's own.
type Issue struct {
	// Subject names what the finding is about, such as
	// "networkpolicy/shop/default-deny" or "namespace/payments".
	Subject string
	// Source is the object the finding points at; Path is the field
	// inside it, such as "spec.egress[0].to[1]".
	Source      netpol.Source
	Path        string
	Message     string
	Severity    finding.Severity
	Remediation string
}

// Pass is one rule's run over one input.
type Pass struct {
	// Result is the analysis of the manifests.
	Result *netpol.Result
	// Cluster is what is known of the cluster they run on.
	Cluster *Cluster
	in      *input
	rule    *Rule
	out     []finding.Finding
}

// Report records an issue as a finding of the running rule.
func (p *Pass) Report(is Issue) {
	f := finding.Finding{
		Rule:        p.rule.ID,
		Severity:    is.Severity,
		Subject:     is.Subject,
		Message:     is.Message,
		Remediation: is.Remediation,
		Location:    finding.Location{File: is.Source.File, Line: is.Source.Line, Path: is.Path},
	}
	if f.Severity == 0 {
		f.Severity = p.rule.Severity
	}
	if f.Remediation == "" {
		f.Remediation = p.rule.Remediation
	}
	p.out = append(p.out, f)
}

// Reportf is Report with a formatted message and the rule's severity.
func (p *Pass) Reportf(subject string, src netpol.Source, path, format string, args ...any) {
	p.Report(Issue{Subject: subject, Source: src, Path: path, Message: fmt.Sprintf(format, args...)})
}

// Options tune Run and Check.
type Options struct {
	// Cluster is what is known of the cluster the manifests run on; the
	// zero Cluster means nothing is.
	Cluster Cluster
	// SensitiveNamespaces are namespaces that must be isolated, in
	// addition to the cluster's and those labelled or annotated
	// aksnet.dev/sensitive: "true".
	SensitiveNamespaces []string
	// Ignore lists rule IDs not to run.
	Ignore []string
}

// Run analyses objs with netpol (with the IPv6 address space when the
// cluster is dual-stack) and runs every rule not ignored. An error means
// the objects could not be analysed (netpol.InputErrors).
func Run(objs []netpol.Object, opts Options) ([]finding.Finding, error) {
	r, err := netpol.AnalyzeWith(objs, netpol.Options{IPv6: opts.Cluster.dualStack()})
	if err != nil {
		return nil, err
	}
	return Check(r, objs, opts), nil
}

// Check runs every rule not ignored over r, the analysis of objs, and
// returns the findings sorted. Rules that need the cluster's network
// profile are skipped when it is unknown.
func Check(r *netpol.Result, objs []netpol.Object, opts Options) []finding.Finding {
	in := newInput(r, objs, opts)
	var out []finding.Finding
	for _, rule := range All() {
		if slices.Contains(opts.Ignore, rule.ID) {
			continue
		}
		out = append(out, runRule(rule, in)...)
	}
	finding.Sort(out)
	return out
}

// RunRule runs one rule over r, the analysis of objs, and returns its
// findings unsorted and unfiltered.
func RunRule(rule *Rule, r *netpol.Result, objs []netpol.Object, opts Options) []finding.Finding {
	return runRule(rule, newInput(r, objs, opts))
}

func runRule(rule *Rule, in *input) []finding.Finding {
	if rule.NeedsCluster && in.cluster.Design == nil {
		return nil
	}
	p := &Pass{Result: in.r, Cluster: &in.cluster, in: in, rule: rule}
	rule.Check(p)
	return p.out
}

// Lookup returns the rule with the given ID, or nil.
func Lookup(id string) *Rule {
	for _, r := range All() {
		if r.ID == id {
			return r
		}
	}
	return nil
}

var idPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// ValidID reports whether id is a well-formed kebab-case rule ID.
func ValidID(id string) bool { return idPattern.MatchString(id) }
