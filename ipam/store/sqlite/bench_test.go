package sqlite

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/aksnet/aksnet/ipam/store"
	"github.com/aksnet/aksnet/ipam/store/storetest"
)

// BenchmarkAllocate10k allocates 10,000 /24s from a /8 in a new database
// file, durably (WAL, synchronous=FULL), from 1 and from 32 goroutines.
// bench/ipam/run.sh runs it; figures are in docs/benchmarks.md.
func BenchmarkAllocate10k(b *testing.B) {
	for _, workers := range []int{1, 32} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			n := 0
			dir := b.TempDir()
			storetest.BenchmarkAllocate(b, func(b *testing.B) store.Store {
				n++
				s, err := Open(context.Background(), filepath.Join(dir, fmt.Sprintf("bench%d.db", n)), Options{})
				if err != nil {
					b.Fatal(err)
				}
				return s
			}, workers)
		})
	}
}
