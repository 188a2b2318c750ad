package postgres

import (
	"context"
	"fmt"
	"net/netip"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/aksnet/aksnet/ipam"
	"github.com/aksnet/aksnet/ipam/store"
	"github.com/aksnet/aksnet/ipam/store/storetest"
)

// dsnEnv names the environment variable with the connection string of a
// PostgreSQL database the tests may create schemas in. .ci/postgres.sh
// starts a throwaway cluster and prints one.
const dsnEnv = "AKSNET_TEST_POSTGRES"

// testDSN returns the test database's DSN. Without it the tests skip,
// except under CI, where they fail so that CI never passes without
// running them.
func testDSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(dsnEnv)
	if dsn == "" {
		msg := dsnEnv + ` is not set; start a throwaway PostgreSQL and point at it with: export ` +
			dsnEnv + `="$(bash .ci/postgres.sh)"`
		if os.Getenv("CI") != "" {
			t.Fatal(msg + " (CI is set, so the PostgreSQL tests may not be skipped)")
		}
		t.Skip(msg)
	}
	return dsn
}

// schemas hands out schema names unique to this test run and drops them
// when the test ends.
type schemas struct {
	dsn, run string
	mu       sync.Mutex
	made     map[string]bool
}

func newSchemas(t testing.TB, dsn string) *schemas {
	s := &schemas{dsn: dsn, run: fmt.Sprintf("aksnet_t%d", time.Now().UnixNano()%1e9), made: map[string]bool{}}
	t.Cleanup(func() {
		conn, err := pgx.Connect(context.Background(), dsn)
		if err != nil {
			t.Errorf("dropping test schemas: %v", err)
			return
		}
		defer conn.Close(context.Background())
		for name := range s.made {
			if _, err := conn.Exec(context.Background(), `DROP SCHEMA `+pgx.Identifier{name}.Sanitize()+` CASCADE`); err != nil {
				t.Errorf("dropping schema %s: %v", name, err)
			}
		}
	})
	return s
}

func (s *schemas) name(db string) string {
	n := s.run + "_" + db
	s.mu.Lock()
	s.made[n] = true
	s.mu.Unlock()
	return n
}

func TestConformance(t *testing.T) {
	dsn := testDSN(t)
	for _, g := range []Guard{GuardExclusion, GuardSerializable} {
		t.Run(string(g), func(t *testing.T) {
			sc := newSchemas(t, dsn)
			storetest.Run(t, func(t *testing.T, db string) store.Store {
				s, err := Open(context.Background(), dsn, Options{Schema: sc.name(string(g[0]) + db), Guard: g})
				if err != nil {
					t.Fatal(err)
				}
				if s.Guard() != g {
					t.Fatalf("opened with guard %s, store reports %s", g, s.Guard())
				}
				return s
			})
		})
	}
}

// TestDatabaseRefuses checks what the exclusion guard's database refuses
// on its own, with SQL that bypasses the store.
func TestDatabaseRefuses(t *testing.T) {
	dsn := testDSN(t)
	sc := newSchemas(t, dsn)
	ctx := context.Background()
	schema := sc.name("refuse")
	s, err := Open(ctx, dsn, Options{Schema: schema})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	r := store.NewRegistry(s, nil)
	a := store.Actor{Name: "t"}
	if _, err := r.CreatePool(ctx, a, ipam.Pool{Name: "p", CIDR: netip.MustParsePrefix("10.0.0.0/16"), Purpose: ipam.PurposeVNet}); err != nil {
		t.Fatal(err)
	}
	al, _, err := r.Allocate(ctx, a, ipam.Request{Pool: "p", Bits: 24, Owner: "o"})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ sql, want string }{
		{`UPDATE audit SET actor = 'mallory'`, "append-only"},
		{`DELETE FROM audit`, "append-only"},
		{`TRUNCATE audit`, "append-only"},
		{`UPDATE allocations SET cidr = '10.0.9.0/24'`, "can only be released"},
		{fmt.Sprintf(`UPDATE allocations SET state = 'live' WHERE id = %d`, al.ID), "can only be released"},
		// Same row copied with another ID: the exclusion constraint.
		{`INSERT INTO allocations (pool, pool_first, pool_last, cidr, first, last, owner, cluster, purpose, tags,
			request, reservation, state, created_at, gen)
			SELECT pool, pool_first, pool_last, '10.0.0.128/25', first, last, owner, cluster, purpose, tags,
			request, reservation, state, created_at, gen FROM allocations`, "allocations_no_overlap"},
		{`INSERT INTO pools (name, cidr, first, last, purpose, tags, description, created_at)
			SELECT 'q', '10.0.128.0/17', first, last, purpose, tags, description, created_at FROM pools`, "pools_no_overlap"},
	} {
		_, err := s.pool.Exec(ctx, c.sql)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s\n  got %v, want an error mentioning %q", c.sql, err, c.want)
		}
	}
	// Opening with the other guard is refused.
	if _, err := Open(ctx, dsn, Options{Schema: schema, Guard: GuardSerializable}); err == nil || !strings.Contains(err.Error(), "guard") {
		t.Errorf("reopen with another guard: %v", err)
	}
}

// TestConformanceUnbatched runs the suite with every update in its own
// transaction (MaxBatch 1), the path a batch falls back to.
func TestConformanceUnbatched(t *testing.T) {
	dsn := testDSN(t)
	sc := newSchemas(t, dsn)
	storetest.Run(t, func(t *testing.T, db string) store.Store {
		s, err := Open(context.Background(), dsn, Options{Schema: sc.name("u" + db), MaxBatch: 1})
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

// TestUpdatePanic checks that a panic in an update reaches its caller and
// leaves the store working, batched or not.
func TestUpdatePanic(t *testing.T) {
	dsn := testDSN(t)
	sc := newSchemas(t, dsn)
	ctx := context.Background()
	for _, batch := range []int{0, 1} {
		s, err := Open(ctx, dsn, Options{Schema: sc.name(fmt.Sprint("panic", batch)), MaxBatch: batch})
		if err != nil {
			t.Fatal(err)
		}
		func() {
			defer func() {
				if p := recover(); p != "oops" {
					t.Errorf("MaxBatch %d: recovered %v, want the update's panic", batch, p)
				}
			}()
			s.Update(ctx, func(tx store.Tx) error { panic("oops") })
		}()
		r := store.NewRegistry(s, nil)
		if _, err := r.CreatePool(ctx, store.Actor{Name: "a"}, ipam.Pool{Name: "p", CIDR: netip.MustParsePrefix("10.0.0.0/16"), Purpose: ipam.PurposeVNet}); err != nil {
			t.Errorf("MaxBatch %d: store after a panic: %v", batch, err)
		}
		s.Close()
	}
}
