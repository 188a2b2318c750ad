package ipamtest

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/aksnet/aksnet/ipam/store/sqlite"
)

// TestConcurrentSQLite: 64 clients of one server on SQLite, mixed
// allocations, releases and replays over loopback HTTP. Afterwards no two
// live allocations overlap, every acknowledged allocation is there, and
// the audit log has one entry per change.
func TestConcurrentSQLite(t *testing.T) {
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "load.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	srv := startInProcess(t, st)
	concurrent(t, []string{srv.URL}, adminToken(t, srv.reg))
}

// TestConcurrentTwoServersPostgres: the same load spread over two
// servers that share one PostgreSQL database.
func TestConcurrentTwoServersPostgres(t *testing.T) {
	dsn := postgresDSN(t)
	schema := pgSchema(t, dsn)
	a := startInProcess(t, openPostgres(t, dsn, schema, 32))
	b := startInProcess(t, openPostgres(t, dsn, schema, 32))
	concurrent(t, []string{a.URL, b.URL}, adminToken(t, a.reg))
}
