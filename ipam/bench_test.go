package ipam

import (
	"fmt"
	"net/netip"
	"testing"
	"time"
)

// BenchmarkSpaceAllocate10k measures the domain's part of allocating
// 10,000 /24s lowest first from a /8: decide, then record, with no
// storage. Each op is the whole run of 10,000.
func BenchmarkSpaceAllocate10k(b *testing.B) {
	pool := Pool{Name: "p", CIDR: netip.MustParsePrefix("10.0.0.0/8"), Purpose: PurposeVNet}
	for b.Loop() {
		s, err := NewSpace(pool, nil, nil, nil)
		if err != nil {
			b.Fatal(err)
		}
		for i := range 10_000 {
			a, err := s.Allocate(Request{Pool: "p", Bits: 24, Owner: "o"}, time.Time{})
			if err != nil {
				b.Fatal(err)
			}
			if want := fmt.Sprintf("10.%d.%d.0/24", i/256, i%256); a.CIDR.String() != want {
				b.Fatalf("allocation %d: %s, want %s", i, a.CIDR, want)
			}
			a.ID = int64(i + 1)
			if err := s.Add(a); err != nil {
				b.Fatal(err)
			}
		}
	}
}
