// Command ipam-server measures aksnet's registry server end to end:
// allocations per second and their latency percentiles with N concurrent
// clients, each allocation a real HTTP request over loopback through
// authentication, the registry's transaction and a durable commit.
//
//	go run ./bench/ipam-server -clients 32 -n 20000
//	go run ./bench/ipam-server -db "$AKSNET_TEST_POSTGRES" -clients 32 -n 20000
//
// It starts the server inside the process on 127.0.0.1, on a new SQLite
// file (WAL, synchronous=FULL) or in a new schema of the PostgreSQL
// database given (durable defaults), registers a /8 pool and has the
// clients allocate prefixes of -bits until -n allocations are made.
package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/aksnet/aksnet/ipam"
	"github.com/aksnet/aksnet/ipam/client"
	"github.com/aksnet/aksnet/ipam/server"
	"github.com/aksnet/aksnet/ipam/server/api"
	"github.com/aksnet/aksnet/ipam/store"
	"github.com/aksnet/aksnet/ipam/store/postgres"
	"github.com/aksnet/aksnet/ipam/store/sqlite"
)

func main() {
	db := flag.String("db", "", "postgres:// DSN; empty means a new SQLite file in a temporary folder")
	clients := flag.Int("clients", 32, "concurrent clients")
	n := flag.Int("n", 20000, "allocations to make")
	bits := flag.Int("bits", 24, "prefix length of each allocation (from a 10.0.0.0/8 pool)")
	warmup := flag.Int("warmup", 500, "allocations made before timing starts")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the timed part to this file")
	flag.Parse()
	profile = *cpuProfile
	if err := run(*db, *clients, *n, *bits, *warmup); err != nil {
		fmt.Fprintln(os.Stderr, "ipam-server:", err)
		os.Exit(1)
	}
}

var profile string

func run(db string, clients, n, bits, warmup int) error {
	ctx := context.Background()
	st, desc, cleanup, err := open(ctx, db)
	if err != nil {
		return err
	}
	defer cleanup()
	reg := store.NewRegistry(st, nil)
	srv, err := server.New(server.Config{Registry: reg})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	sctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(sctx, ln) }()
	defer func() { stop(); <-done }()

	secret, _, err := reg.CreateToken(ctx, store.Actor{Name: "bench"}, "bench", []ipam.Scope{ipam.ScopeAdmin}, rand.Reader)
	if err != nil {
		return err
	}
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients * 2, MaxIdleConns: clients * 2}}
	c, err := client.New("http://"+ln.Addr().String(), secret, client.WithHTTPClient(hc), client.WithRetries(0))
	if err != nil {
		return err
	}
	if _, err := c.CreatePool(ctx, api.CreatePoolRequest{Name: "bench", CIDR: "10.0.0.0/8", Purpose: ipam.PurposeVNet}); err != nil {
		return err
	}
	if 1<<(bits-8) < n+warmup {
		return fmt.Errorf("a /8 holds %d /%d blocks, fewer than %d", 1<<(bits-8), bits, n+warmup)
	}
	req := api.AllocateRequest{Bits: bits, Owner: "bench"}
	for i := 0; i < warmup; i++ {
		if _, _, err := c.Allocate(ctx, "bench", req, ""); err != nil {
			return err
		}
	}
	if profile != "" {
		f, err := os.Create(profile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	var next atomic.Int64
	lat := make([][]time.Duration, clients)
	errs := make([]error, clients)
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < clients; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(n) {
				t0 := time.Now()
				_, _, err := c.Allocate(ctx, "bench", req, "")
				if err != nil {
					errs[w] = err
					return
				}
				lat[w] = append(lat[w], time.Since(t0))
			}
		}()
	}
	wg.Wait()
	took := time.Since(start)
	if err := errors.Join(errs...); err != nil {
		return err
	}
	all := slices.Concat(lat...)
	slices.Sort(all)
	pct := func(p float64) time.Duration { return all[int(p*float64(len(all)-1))].Round(10 * time.Microsecond) }
	fmt.Printf("database: %s\n", desc)
	fmt.Printf("clients: %d, allocations: %d of /%d after %d warm-up (pool 10.0.0.0/8)\n", clients, len(all), bits, warmup)
	fmt.Printf("took: %v\n", took.Round(time.Millisecond))
	fmt.Printf("allocations/s: %.0f\n", float64(len(all))/took.Seconds())
	fmt.Printf("latency: p50 %v, p90 %v, p99 %v, max %v\n", pct(0.5), pct(0.9), pct(0.99), all[len(all)-1].Round(10*time.Microsecond))
	return nil
}

func open(ctx context.Context, db string) (store.Store, string, func(), error) {
	if strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://") {
		schema := fmt.Sprintf("aksnet_bench_%d", time.Now().UnixNano()%1e12)
		st, err := postgres.Open(ctx, db, postgres.Options{Schema: schema})
		if err != nil {
			return nil, "", nil, err
		}
		return st, "PostgreSQL, schema " + schema, func() {
			st.Close()
			if conn, err := pgx.Connect(ctx, db); err == nil {
				conn.Exec(ctx, `DROP SCHEMA `+pgx.Identifier{schema}.Sanitize()+` CASCADE`)
				conn.Close(ctx)
			}
		}, nil
	}
	if db != "" {
		return nil, "", nil, fmt.Errorf("-db %q: give a postgres:// DSN, or nothing for SQLite", db)
	}
	dir, err := os.MkdirTemp("", "aksnet-bench-")
	if err != nil {
		return nil, "", nil, err
	}
	path := filepath.Join(dir, "bench.db")
	st, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		return nil, "", nil, err
	}
	return st, "SQLite " + path + " (WAL, synchronous=FULL)", func() { st.Close(); os.RemoveAll(dir) }, nil
}
