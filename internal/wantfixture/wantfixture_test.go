package wantfixture

import (
	"slices"
	"testing"
)

func TestWants(t *testing.T) {
	data := []byte("a: 1\nb: 2 # want: rule-a, rule-b\nc: 3 #want:rule-a,rule-a\n# want: typo-rule\n")
	known := func(id string) bool { return id == "rule-a" || id == "rule-b" }
	hits, unknown := Wants(data, known)
	want := []Hit{{2, "rule-a"}, {2, "rule-b"}, {3, "rule-a"}, {3, "rule-a"}, {4, "typo-rule"}}
	if !slices.Equal(Sort(hits), want) {
		t.Errorf("hits = %v, want %v", hits, want)
	}
	if !slices.Equal(unknown, []Hit{{4, "typo-rule"}}) {
		t.Errorf("unknown = %v, want [line 4: typo-rule]", unknown)
	}
}

// recorder counts the errors CheckMeta reports instead of failing.
type recorder struct {
	testing.TB
	errors int
}

func (r *recorder) Helper()               {}
func (r *recorder) Errorf(string, ...any) { r.errors++ }

func TestCheckMeta(t *testing.T) {
	good := Meta{ID: "r", Title: "A phrase", Remediation: "Do this.", Severity: 3, HasCheck: true,
		Doc:     "A paragraph long enough to explain why the problem matters to the people who run the cluster.",
		Sources: []string{"https://learn.microsoft.com/azure/aks/"}}
	rec := &recorder{TB: t}
	CheckMeta(rec, good)
	if rec.errors != 0 {
		t.Errorf("a complete entry got %d errors", rec.errors)
	}
	bad := Meta{ID: "r", Title: "Ends.", Doc: "short", Remediation: "no period", Severity: 9,
		Sources: []string{"http://example.com"}}
	rec = &recorder{TB: t}
	CheckMeta(rec, bad)
	if rec.errors != 6 {
		t.Errorf("an entry wrong in six ways got %d errors, want 6", rec.errors)
	}
}
