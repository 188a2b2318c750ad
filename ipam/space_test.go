package ipam

import (
	"errors"
	"net/netip"
	"testing"
	"time"
)

var t0 = time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)

func mpp(s string) netip.Prefix { return netip.MustParsePrefix(s) }

func testPool(cidr string) Pool {
	return Pool{Name: "p", CIDR: mpp(cidr), Purpose: PurposeVNet, CreatedAt: t0}
}

// place allocates req in s and records it with the next ID.
func place(t *testing.T, s *Space, id int64, req Request) Allocation {
	t.Helper()
	a, err := s.Allocate(req, t0)
	if err != nil {
		t.Fatalf("Allocate(%s): %v", req.Canonical(), err)
	}
	a.ID = id
	if err := s.Add(a); err != nil {
		t.Fatal(err)
	}
	return a
}

func TestAllocateLowestFirst(t *testing.T) {
	s, err := NewSpace(testPool("10.0.0.0/16"), nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"10.0.0.0/24", "10.0.1.0/24", "10.0.4.0/22", "10.0.2.0/25"}
	bits := []int{24, 24, 22, 25}
	for i, b := range bits {
		a := place(t, s, int64(i+1), Request{Pool: "p", Bits: b, Owner: "team-a"})
		if got := a.CIDR.String(); got != want[i] {
			t.Errorf("allocation %d: got %s, want %s", i+1, got, want[i])
		}
	}
	if _, err := s.Release(2, t0); err != nil {
		t.Fatal(err)
	}
	a := place(t, s, 9, Request{Pool: "p", Bits: 24, Owner: "team-b"})
	if got, want := a.CIDR.String(), "10.0.1.0/24"; got != want {
		t.Errorf("after release: got %s, want %s", got, want)
	}
	_, err = s.Allocate(Request{Pool: "p", CIDR: mpp("10.0.0.128/25"), Owner: "x"}, t0)
	var ce *ConflictError
	if !errors.As(err, &ce) || len(ce.Conflicts) != 1 || ce.Conflicts[0].ID != 1 {
		t.Errorf("claim over allocation 1: got %v, want a conflict with allocation 1", err)
	}
}
