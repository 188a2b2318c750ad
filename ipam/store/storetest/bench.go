package storetest

import (
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aksnet/aksnet/ipam"
	"github.com/aksnet/aksnet/ipam/store"
)

// BenchAllocations is how many /24s BenchmarkAllocate allocates from a
// /8 per run.
const BenchAllocations = 10_000

// BenchmarkAllocate measures allocating BenchAllocations /24s, lowest
// first, from an empty /8 pool through a Registry, with workers
// goroutines sharing the work. Each run opens a new store with open. It
// reports allocations per second and the p50 and p99 latency of one
// allocation (the whole read-decide-write-audit transaction, commit
// included), and checks afterwards that every allocation is live and
// none overlap.
func BenchmarkAllocate(b *testing.B, open func(b *testing.B) store.Store, workers int) {
	var rate, p50, p99 float64
	for b.Loop() {
		b.StopTimer()
		s := open(b)
		r := store.NewRegistry(s, nil)
		if _, err := r.CreatePool(ctx, admin, ipam.Pool{Name: "bench", CIDR: mpp("10.0.0.0/8"), Purpose: ipam.PurposeVNet}); err != nil {
			b.Fatal(err)
		}
		lat := make([]time.Duration, BenchAllocations)
		var next atomic.Int64
		var wg sync.WaitGroup
		var failed atomic.Value
		b.StartTimer()
		start := time.Now()
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					i := next.Add(1) - 1
					if i >= BenchAllocations {
						return
					}
					t0 := time.Now()
					_, _, err := r.Allocate(ctx, admin, ipam.Request{Pool: "bench", Bits: 24, Owner: fmt.Sprintf("w%d", w)})
					lat[i] = time.Since(t0)
					if err != nil {
						failed.Store(err)
						return
					}
				}
			}()
		}
		wg.Wait()
		elapsed := time.Since(start)
		b.StopTimer()
		if err, _ := failed.Load().(error); err != nil {
			b.Fatal(err)
		}
		live := liveAllocations(b, s, "bench")
		if len(live) != BenchAllocations {
			b.Fatalf("%d live allocations after %d acknowledged", len(live), BenchAllocations)
		}
		for i, a := range live {
			if want := fmt.Sprintf("10.%d.%d.0/24", i/256, i%256); a.CIDR.String() != want && workers == 1 {
				b.Fatalf("allocation %d is %s, want %s", i, a.CIDR, want)
			}
		}
		if msg := overlapReport(live); msg != "" {
			b.Fatal(msg)
		}
		s.Close()
		slices.Sort(lat)
		rate = float64(BenchAllocations) / elapsed.Seconds()
		p50 = float64(lat[len(lat)/2].Microseconds()) / 1000
		p99 = float64(lat[len(lat)*99/100].Microseconds()) / 1000
		b.StartTimer()
	}
	b.ReportMetric(rate, "allocs/s")
	b.ReportMetric(p50, "p50-ms")
	b.ReportMetric(p99, "p99-ms")
}
