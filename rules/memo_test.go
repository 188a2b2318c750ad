package rules

import (
	"testing"

	"github.com/aksnet/aksnet/design"
)

// TestMemoSharedWithinRun checks that derived data is computed once per
// Run and not shared between designs.
func TestMemoSharedWithinRun(t *testing.T) {
	memo := map[string]any{}
	d := &design.Design{}
	calls := 0
	build := func() any { calls++; return calls }
	p1 := &Pass{Design: d, memo: memo}
	p2 := &Pass{Design: d, memo: memo}
	if got := p1.Memo("k", build); got != 1 {
		t.Fatalf("first Memo = %v", got)
	}
	if got := p2.Memo("k", build); got != 1 || calls != 1 {
		t.Fatalf("second Memo = %v after %d builds, want the first value and one build", got, calls)
	}
	p3 := &Pass{Design: d, memo: map[string]any{}}
	if got := p3.Memo("k", build); got != 2 {
		t.Fatalf("a new run reused the old value: %v", got)
	}
}
