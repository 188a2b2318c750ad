package wantfixture

import (
	"net/url"
	"strings"
	"testing"

	"github.com/aksnet/aksnet/finding"
)

// Meta is what a rule registry says of one rule, for CheckMeta.
type Meta struct {
	ID, Title, Doc, Remediation string
	Severity                    finding.Severity
	Sources                     []string
	HasCheck                    bool
}

// CheckMeta reports, through t, what a rule's entry lacks to be explained
// by 'aksnet explain' and the generated catalogues: a title phrase, a doc
// long enough to say why it matters, a remediation sentence, a valid
// severity, a check function and https sources.
func CheckMeta(t testing.TB, r Meta) {
	t.Helper()
	if strings.TrimSpace(r.Title) == "" || strings.HasSuffix(r.Title, ".") {
		t.Errorf("rule %s: title must be a non-empty phrase without a final period: %q", r.ID, r.Title)
	}
	if len(r.Doc) < 80 {
		t.Errorf("rule %s: doc is too short to explain why it matters (%d chars)", r.ID, len(r.Doc))
	}
	if !strings.HasSuffix(strings.TrimSpace(r.Remediation), ".") {
		t.Errorf("rule %s: remediation must end with a period: %q", r.ID, r.Remediation)
	}
	if r.Severity < finding.Info || r.Severity > finding.Error {
		t.Errorf("rule %s: invalid severity %d", r.ID, r.Severity)
	}
	if !r.HasCheck {
		t.Errorf("rule %s: no Check", r.ID)
	}
	if len(r.Sources) == 0 {
		t.Errorf("rule %s: no sources", r.ID)
	}
	for _, s := range r.Sources {
		u, err := url.Parse(s)
		if err != nil || u.Scheme != "https" || u.Host == "" {
			t.Errorf("rule %s: source %q is not an https URL", r.ID, s)
		}
	}
}
