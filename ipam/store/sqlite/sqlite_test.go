package sqlite

import (
	"context"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aksnet/aksnet/ipam"
	"github.com/aksnet/aksnet/ipam/store"
	"github.com/aksnet/aksnet/ipam/store/storetest"
)

func TestConformance(t *testing.T) {
	dir := t.TempDir()
	storetest.Run(t, func(t *testing.T, db string) store.Store {
		s, err := Open(context.Background(), filepath.Join(dir, db+".db"), Options{})
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

func TestAuditAppendOnly(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "r.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	r := store.NewRegistry(s, nil)
	if _, err := r.CreatePool(ctx, store.Actor{Name: "a"}, ipam.Pool{Name: "p", CIDR: netipMust("10.0.0.0/16"), Purpose: ipam.PurposeVNet}); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`UPDATE audit SET actor = 'mallory'`, `DELETE FROM audit`} {
		_, err := s.w.ExecContext(ctx, q)
		if err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: got %v, want the append-only refusal", q, err)
		}
	}
	_, err = s.w.ExecContext(ctx, `UPDATE allocations SET state = 'live'`)
	if err != nil {
		t.Errorf("no-op update over no rows: %v", err)
	}
}

func TestOpenErrors(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	junk := filepath.Join(dir, "junk.db")
	if err := os.WriteFile(junk, []byte(strings.Repeat("not a database ", 100)), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Open(ctx, junk, Options{})
	if err == nil || !strings.Contains(err.Error(), junk) || !strings.Contains(err.Error(), "not a SQLite database") {
		t.Errorf("Open(junk): %v", err)
	}
	for _, bad := range []string{"", ":memory:", "a?b.db", "file:x.db"} {
		if _, err := Open(ctx, bad, Options{}); err == nil {
			t.Errorf("Open(%q) succeeded", bad)
		}
	}
	// A database from a newer aksnet is refused, not silently used.
	p := filepath.Join(dir, "new.db")
	s, err := Open(ctx, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.w.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES (?, 0)`, SchemaVersion()+1); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := Open(ctx, p, Options{}); err == nil || !strings.Contains(err.Error(), "newer") {
		t.Errorf("Open(newer schema): %v", err)
	}
}

func netipMust(s string) netip.Prefix { return netip.MustParsePrefix(s) }

// TestUpdatePanic checks that a panic in an update reaches its caller and
// leaves the store working.
func TestUpdatePanic(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "r.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	func() {
		defer func() {
			if p := recover(); p != "oops" {
				t.Errorf("recovered %v, want the update's panic", p)
			}
		}()
		s.Update(ctx, func(tx store.Tx) error { panic("oops") })
	}()
	r := store.NewRegistry(s, nil)
	if _, err := r.CreatePool(ctx, store.Actor{Name: "a"}, ipam.Pool{Name: "p", CIDR: netipMust("10.0.0.0/16"), Purpose: ipam.PurposeVNet}); err != nil {
		t.Fatalf("store after a panic: %v", err)
	}
}
