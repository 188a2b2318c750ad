package cidr_test

// Benchmarks for finding all overlapping pairs among 1,000,000 random mixed
// IPv4/IPv6 prefixes (see bench/cidr/prefixgen for the distribution):
//
//	BenchmarkSortFloor        sorting a copy by address, then length
//	BenchmarkOverlapPairs     cidr.ForEachOverlap, counting pairs
//	BenchmarkBartInsertLookup insert into a bart.Table, then ask for each
//	                          prefix's supernets
//
// Run them with bench/cidr/run.sh, which also runs the Python comparison.

import (
	"cmp"
	"net/netip"
	"slices"
	"sync"
	"testing"

	"github.com/gaissmai/bart"

	"github.com/aksnet/aksnet/bench/cidr/prefixgen"
	"github.com/aksnet/aksnet/cidr"
)

const benchN = 1_000_000

var benchPrefixes = sync.OnceValue(func() []netip.Prefix {
	return prefixgen.Generate(benchN, prefixgen.DefaultSeed)
})

// compareAddrLen orders prefixes by address, then length: the order the
// sweep needs, and the cheapest comparison that gives it.
func compareAddrLen(a, b netip.Prefix) int {
	if c := a.Addr().Compare(b.Addr()); c != 0 {
		return c
	}
	return cmp.Compare(a.Bits(), b.Bits())
}

func BenchmarkSortFloor(b *testing.B) {
	ps := benchPrefixes()
	buf := make([]netip.Prefix, len(ps))
	for b.Loop() {
		copy(buf, ps)
		slices.SortFunc(buf, compareAddrLen)
	}
	b.ReportMetric(float64(len(ps)), "prefixes")
}

func countOverlaps(ps []netip.Prefix) int {
	n := 0
	cidr.ForEachOverlap(ps, func(i, j int) { n++ })
	return n
}

func BenchmarkOverlapPairs(b *testing.B) {
	ps := benchPrefixes()
	pairs := 0
	for b.Loop() {
		pairs = countOverlaps(ps)
	}
	b.ReportMetric(float64(pairs), "pairs")
}

// bartCountPairs counts overlapping pairs the way a user of a routing
// table library would: insert every prefix, then look up each prefix's
// supernets. Two prefixes overlap exactly when one contains the other, so
// each pair is found once, from the longer prefix. The table holds each
// distinct prefix once with its multiplicity as the value, so duplicates
// are counted as they are inserted.
func bartCountPairs(ps []netip.Prefix) int {
	var t bart.Table[int]
	pairs := 0
	for _, p := range ps {
		t.Modify(p, func(n int, found bool) (int, bool) {
			pairs += n // n copies are already in: n new equal pairs
			return n + 1, false
		})
	}
	for _, p := range ps {
		for s, n := range t.Supernets(p) {
			if s.Bits() < p.Bits() {
				pairs += n
			}
		}
	}
	return pairs
}

func BenchmarkBartInsertLookup(b *testing.B) {
	ps := benchPrefixes()
	if got, want := bartCountPairs(ps), countOverlaps(ps); got != want {
		b.Fatalf("bart counted %d pairs, cidr.ForEachOverlap %d", got, want)
	}
	pairs := 0
	for b.Loop() {
		pairs = bartCountPairs(ps)
	}
	b.ReportMetric(float64(pairs), "pairs")
}

// TestBartPairCount checks the benchmark's bart method against ours and
// against the O(n²) model, so that the benchmark compares equal work.
func TestBartPairCount(t *testing.T) {
	ps := prefixgen.Generate(10_000, prefixgen.DefaultSeed)
	want := len(slowOverlapPairs(ps))
	if want == 0 {
		t.Fatal("the benchmark data has no overlapping pairs; the comparison would be empty")
	}
	if got := bartCountPairs(ps); got != want {
		t.Errorf("bart counted %d pairs, the O(n²) model %d", got, want)
	}
	if got := countOverlaps(ps); got != want {
		t.Errorf("cidr.ForEachOverlap counted %d pairs, the O(n²) model %d", got, want)
	}
}
