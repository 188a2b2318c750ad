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
