package postgres

import (
	"context"
	"fmt"
	"testing"

	"github.com/aksnet/aksnet/ipam/store"
	"github.com/aksnet/aksnet/ipam/store/storetest"
)

// BenchmarkAllocate10k allocates 10,000 /24s from a /8 in a new schema,
// under each guard, from 1 and from 32 goroutines. It needs
// AKSNET_TEST_POSTGRES; bench/ipam/run.sh starts a throwaway cluster.
func BenchmarkAllocate10k(b *testing.B) {
	dsn := testDSN(b)
	for _, g := range []Guard{GuardExclusion, GuardSerializable} {
		for _, workers := range []int{1, 32} {
			b.Run(fmt.Sprintf("guard=%s/workers=%d", g, workers), func(b *testing.B) {
				sc := newSchemas(b, dsn)
				n := 0
				storetest.BenchmarkAllocate(b, func(b *testing.B) store.Store {
					n++
					s, err := Open(context.Background(), dsn, Options{Schema: sc.name(fmt.Sprintf("bench%d", n)), Guard: g, MaxConns: 32})
					if err != nil {
						b.Fatal(err)
					}
					return s
				}, workers)
			})
		}
	}
}
