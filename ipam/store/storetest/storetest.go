// Package storetest is the conformance suite every registry storage
// backend passes. A backend's test calls Run with a function that opens
// its store:
//
//	func TestConformance(t *testing.T) {
//		dir := t.TempDir()
//		storetest.Run(t, func(t *testing.T, db string) store.Store {
//			s, err := sqlite.Open(context.Background(), filepath.Join(dir, db+".db"), sqlite.Options{})
//			if err != nil {
//				t.Fatal(err)
//			}
//			return s
//		})
//	}
package storetest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aksnet/aksnet/cidr"
	"github.com/aksnet/aksnet/ipam"
	"github.com/aksnet/aksnet/ipam/store"
)

// Opener opens the database named db: the same name reopens the same
// database (after the suite closed the previous store), a new name gives
// a new, empty one. Names are short lower-case words and digits. Two
// stores may be open on one database at the same time, as two registry
// servers would be.
type Opener func(t *testing.T, db string) store.Store

// Run runs every conformance test against the backend open opens.
func Run(t *testing.T, open Opener) {
	h := &harness{open: open}
	tests := []struct {
		name string
		fn   func(*testing.T, *harness)
	}{
		{"Pools", testPools},
		{"PoolOverlapRefusedByDatabase", testPoolOverlapDB},
		{"AllocateLowestFirst", testAllocateLowestFirst},
		{"AllocateByNeed", testAllocateByNeed},
		{"Claim", testClaim},
		{"Release", testRelease},
		{"Idempotency", testIdempotency},
		{"OverlapRefusedByDatabase", testOverlapDB},
		{"Reservations", testReservations},
		{"Avoid", testAvoid},
		{"Check", testCheck},
		{"Usage", testUsage},
		{"Audit", testAudit},
		{"Tokens", testTokens},
		{"Filters", testFilters},
		{"Rollback", testRollback},
		{"ConcurrentFailures", testConcurrentFailures},
		{"TwoStoresOneDatabase", testTwoStores},
		{"Reopen", testReopen},
		{"ModelSequence", testModelSequence},
		{"ConcurrentAllocations", testConcurrent},
		{"ConcurrentTwoStores", testConcurrentTwoStores},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, h) })
	}
}

type harness struct {
	open Opener
	n    atomic.Int64
}

// fresh opens a new empty database and returns its name and store; the
// store is closed when the test ends.
func (h *harness) fresh(t *testing.T) (string, store.Store) {
	t.Helper()
	db := fmt.Sprintf("t%d%s", h.n.Add(1), strings.ToLower(strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
			return r
		}
		return -1
	}, t.Name())))
	if len(db) > 40 {
		db = db[:40]
	}
	return db, h.reopen(t, db)
}

// reopen opens database db again; the store is closed when the test ends.
func (h *harness) reopen(t *testing.T, db string) store.Store {
	t.Helper()
	s := h.open(t, db)
	t.Cleanup(func() { s.Close() })
	return s
}

// newRegistry opens a new empty database and returns its store and a
// registry over it with the given pools, each written "name=CIDR".
func (h *harness) newRegistry(t *testing.T, pools ...string) (store.Store, *store.Registry) {
	t.Helper()
	_, s := h.fresh(t)
	r := registry(s)
	for _, p := range pools {
		name, c, _ := strings.Cut(p, "=")
		mustPool(t, r, name, c)
	}
	return s, r
}

// clock is a deterministic clock: each call is one second after the last.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 7, 1, 9, 0, 0, 0, time.UTC)} }

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Second)
	return c.t
}

var (
	ctx   = context.Background()
	admin = store.Actor{Name: "admin", Remote: "127.0.0.1", RequestID: "req-1"}
)

func mpp(s string) netip.Prefix { return netip.MustParsePrefix(s) }

func registry(s store.Store) *store.Registry { return store.NewRegistry(s, newClock().now) }

func mustPool(t *testing.T, r *store.Registry, name, c string) ipam.Pool {
	t.Helper()
	p, err := r.CreatePool(ctx, admin, ipam.Pool{Name: name, CIDR: mpp(c), Purpose: ipam.PurposeVNet,
		Tags: map[string]string{"region": "westeurope"}})
	if err != nil {
		t.Fatalf("CreatePool %s %s: %v", name, c, err)
	}
	return p
}

func mustAlloc(t *testing.T, r *store.Registry, req ipam.Request) ipam.Allocation {
	t.Helper()
	a, _, err := r.Allocate(ctx, admin, req)
	if err != nil {
		t.Fatalf("Allocate %s: %v", req.Canonical(), err)
	}
	return a
}

func wantErr(t *testing.T, what string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("%s: got error %v, want one wrapping %q", what, err, target)
	}
}

func view(t testing.TB, s store.Store, fn func(store.ReadTx) error) {
	t.Helper()
	if err := s.View(ctx, fn); err != nil {
		t.Fatal(err)
	}
}

// read returns what fn reads in a read transaction of s.
func read[T any](t testing.TB, s store.Store, fn func(store.ReadTx) (T, error)) T {
	t.Helper()
	var out T
	view(t, s, func(tx store.ReadTx) error {
		var err error
		out, err = fn(tx)
		return err
	})
	return out
}

func liveAllocations(t testing.TB, s store.Store, pool string) []ipam.Allocation {
	t.Helper()
	return read(t, s, func(tx store.ReadTx) ([]ipam.Allocation, error) {
		return tx.Allocations(store.AllocationFilter{Pool: pool, State: ipam.StateLive})
	})
}

func spaceOf(t *testing.T, s store.Store, pool string) *ipam.Space {
	t.Helper()
	return read(t, s, func(tx store.ReadTx) (*ipam.Space, error) { return tx.Space(pool) })
}

// auditLog returns the audit entries f selects, newest first.
func auditLog(t *testing.T, s store.Store, f store.AuditFilter) []store.AuditEntry {
	t.Helper()
	return read(t, s, func(tx store.ReadTx) ([]store.AuditEntry, error) { return tx.Audit(f) })
}

// countAction counts the entries of es with action.
func countAction(es []store.AuditEntry, action string) int {
	n := 0
	for _, e := range es {
		if e.Action == action {
			n++
		}
	}
	return n
}

// wantLive checks that the live allocations of pool are those of want
// (ID to CIDR), and that no two overlap.
func wantLive(t *testing.T, s store.Store, pool string, want map[int64]netip.Prefix) {
	t.Helper()
	live := liveAllocations(t, s, pool)
	noOverlaps(t, live)
	if len(live) != len(want) {
		t.Errorf("%d live allocations, want %d", len(live), len(want))
	}
	for _, a := range live {
		if p, ok := want[a.ID]; !ok || p != a.CIDR {
			t.Errorf("live allocation %d %s: acknowledged as %s (%v)", a.ID, a.CIDR, p, ok)
		}
	}
}

// noOverlaps fails if two live allocations overlap.
func noOverlaps(t *testing.T, as []ipam.Allocation) {
	t.Helper()
	if msg := overlapReport(as); msg != "" {
		t.Fatal(msg)
	}
}

// overlapReport describes the overlapping pairs among as, or returns "".
func overlapReport(as []ipam.Allocation) string {
	ps := make([]netip.Prefix, len(as))
	for i, a := range as {
		ps[i] = a.CIDR
	}
	pairs := cidr.OverlapPairs(ps)
	if len(pairs) == 0 {
		return ""
	}
	p := pairs[0]
	return fmt.Sprintf("%d pairs of live allocations overlap, first %d %s and %d %s", len(pairs),
		as[p[0]].ID, as[p[0]].CIDR, as[p[1]].ID, as[p[1]].CIDR)
}

func testPools(t *testing.T, h *harness) {
	s, r := h.newRegistry(t)
	b := mustPool(t, r, "b-pool", "10.1.0.0/16")
	a := mustPool(t, r, "a-pool", "10.2.0.0/16")
	mustPool(t, r, "v6", "fd00:1::/48")
	_, err := r.CreatePool(ctx, admin, ipam.Pool{Name: "b-pool", CIDR: mpp("10.9.0.0/16"), Purpose: ipam.PurposeVNet})
	wantErr(t, "duplicate name", err, ipam.ErrExists)
	_, err = r.CreatePool(ctx, admin, ipam.Pool{Name: "inner", CIDR: mpp("10.1.128.0/17"), Purpose: ipam.PurposeVNet})
	wantErr(t, "pool inside a pool", err, ipam.ErrConflict)
	_, err = r.CreatePool(ctx, admin, ipam.Pool{Name: "outer", CIDR: mpp("10.0.0.0/8"), Purpose: ipam.PurposeVNet})
	wantErr(t, "pool around pools", err, ipam.ErrConflict)
	_, err = r.CreatePool(ctx, admin, ipam.Pool{Name: "Bad Name", CIDR: mpp("10.9.0.0/16"), Purpose: ipam.PurposeVNet})
	wantErr(t, "bad name", err, ipam.ErrInvalid)
	view(t, s, func(tx store.ReadTx) error {
		got, err := tx.Pool("b-pool")
		if err != nil {
			return err
		}
		if got.CIDR != b.CIDR || got.Purpose != b.Purpose || got.Tags["region"] != "westeurope" || !got.CreatedAt.Equal(b.CreatedAt) {
			t.Errorf("Pool(b-pool) = %+v, want %+v", got, b)
		}
		ps, err := tx.Pools()
		if err != nil {
			return err
		}
		var names []string
		for _, p := range ps {
			names = append(names, p.Name)
		}
		if want := []string{"b-pool", "a-pool", "v6"}; !slices.Equal(names, want) {
			t.Errorf("Pools() = %v, want %v (address order, IPv4 first)", names, want)
		}
		_, err = tx.Pool("nope")
		wantErr(t, "Pool(nope)", err, ipam.ErrNotFound)
		return nil
	})
	upd, err := r.UpdatePool(ctx, admin, ipam.Pool{Name: "a-pool", Purpose: ipam.PurposeService, Description: "services",
		Tags: map[string]string{"environment": "prod"}})
	if err != nil {
		t.Fatal(err)
	}
	if upd.CIDR != a.CIDR || upd.Purpose != ipam.PurposeService || upd.Tags["environment"] != "prod" {
		t.Errorf("UpdatePool = %+v", upd)
	}
	sp := spaceOf(t, s, "a-pool")
	if sp.Pool().Purpose != ipam.PurposeService {
		t.Errorf("Space after UpdatePool has purpose %q", sp.Pool().Purpose)
	}
	al := mustAlloc(t, r, ipam.Request{Pool: "v6", Bits: 64, Owner: "o"})
	if al.CIDR != mpp("fd00:1::/64") {
		t.Errorf("first /64 of v6 pool: got %s", al.CIDR)
	}
	wantErr(t, "delete pool in use", r.DeletePool(ctx, admin, "v6"), ipam.ErrInUse)
	if _, err := r.Release(ctx, admin, "", al.ID); err != nil {
		t.Fatal(err)
	}
	if err := r.DeletePool(ctx, admin, "v6"); err != nil {
		t.Fatal(err)
	}
	wantErr(t, "delete deleted pool", r.DeletePool(ctx, admin, "v6"), ipam.ErrNotFound)
	// A pool created again under the same name starts empty.
	mustPool(t, r, "v6", "fd00:1::/48")
	if n := len(spaceOf(t, s, "v6").Allocations()); n != 0 {
		t.Errorf("re-created pool has %d live allocations", n)
	}
	if al := mustAlloc(t, r, ipam.Request{Pool: "v6", Bits: 64, Owner: "o"}); al.CIDR != mpp("fd00:1::/64") {
		t.Errorf("first /64 of re-created pool: got %s", al.CIDR)
	}
}

func testPoolOverlapDB(t *testing.T, h *harness) {
	_, s := h.fresh(t)
	mustPool(t, registry(s), "p", "10.1.0.0/16")
	for _, c := range []string{"10.1.0.0/16", "10.1.4.0/24", "10.0.0.0/8"} {
		err := s.Update(ctx, func(tx store.Tx) error {
			return tx.CreatePool(ipam.Pool{Name: "x", CIDR: mpp(c), Purpose: ipam.PurposeOther, CreatedAt: time.Now()})
		})
		wantErr(t, "Tx.CreatePool "+c+" over pool 10.1.0.0/16", err, ipam.ErrConflict)
	}
	err := s.Update(ctx, func(tx store.Tx) error {
		return tx.CreatePool(ipam.Pool{Name: "x", CIDR: mpp("10.2.0.0/16"), Purpose: ipam.PurposeOther, CreatedAt: time.Now()})
	})
	if err != nil {
		t.Fatalf("adjacent pool refused: %v", err)
	}
}

func testAllocateLowestFirst(t *testing.T, h *harness) {
	s, r := h.newRegistry(t, "p=10.0.0.0/16")
	steps := []struct {
		bits int
		want string
	}{{24, "10.0.0.0/24"}, {26, "10.0.1.0/26"}, {24, "10.0.2.0/24"}, {26, "10.0.1.64/26"}, {23, "10.0.4.0/23"}, {25, "10.0.1.128/25"}, {24, "10.0.3.0/24"}}
	for i, st := range steps {
		a := mustAlloc(t, r, ipam.Request{Pool: "p", Bits: st.bits, Owner: "team-a", Cluster: "aks-1", Purpose: "nodes",
			Tags: map[string]string{"env": "prod"}})
		if a.CIDR.String() != st.want {
			t.Errorf("step %d /%d: got %s, want %s", i, st.bits, a.CIDR, st.want)
		}
		if a.ID == 0 || a.State != ipam.StateLive || a.Pool != "p" || a.Owner != "team-a" || a.CreatedAt.IsZero() {
			t.Errorf("step %d: allocation %+v", i, a)
		}
		view(t, s, func(tx store.ReadTx) error {
			got, err := tx.Allocation(a.ID)
			if err != nil {
				return err
			}
			if got.CIDR != a.CIDR || got.Cluster != "aks-1" || got.Purpose != "nodes" || got.Tags["env"] != "prod" ||
				!got.CreatedAt.Equal(a.CreatedAt) || got.Request != a.Request {
				t.Errorf("step %d: stored %+v, returned %+v", i, got, a)
			}
			return nil
		})
	}
	_, _, err := r.Allocate(ctx, admin, ipam.Request{Pool: "p", Bits: 15, Owner: "x"})
	wantErr(t, "/15 in a /16", err, ipam.ErrInvalid)
	_, _, err = r.Allocate(ctx, admin, ipam.Request{Pool: "p", Bits: 16, Owner: "x"})
	wantErr(t, "/16 in a used /16", err, ipam.ErrExhausted)
	_, _, err = r.Allocate(ctx, admin, ipam.Request{Pool: "nope", Bits: 24, Owner: "x"})
	wantErr(t, "unknown pool", err, ipam.ErrNotFound)
	_, _, err = r.Allocate(ctx, admin, ipam.Request{Pool: "p", Bits: 24})
	wantErr(t, "no owner", err, ipam.ErrInvalid)
	_, _, err = r.Allocate(ctx, store.Actor{}, ipam.Request{Pool: "p", Bits: 24, Owner: "x"})
	wantErr(t, "no actor", err, ipam.ErrInvalid)
}

func testAllocateByNeed(t *testing.T, h *harness) {
	_, r := h.newRegistry(t, "vnets=10.0.0.0/16", "pods=100.64.0.0/10")
	// Overlay, 100 nodes, default surge (10% on 1.33): 110 node-subnet
	// addresses + 5 reserved fit in a /25 (123 usable), not a /26 (59).
	a := mustAlloc(t, r, ipam.Request{Pool: "vnets", Owner: "team-a",
		Need: &ipam.Need{Kind: ipam.NeedNodeSubnet, Mode: ipam.ModeOverlay, Pools: []ipam.NodePoolNeed{{MaxNodes: 100}}}})
	if a.CIDR != mpp("10.0.0.0/25") || a.Purpose != "node-subnet" {
		t.Errorf("overlay node subnet for 100 nodes: got %s purpose %q, want 10.0.0.0/25 node-subnet", a.CIDR, a.Purpose)
	}
	// Legacy Azure CNI, 10 nodes, maxPods 30, surge 1: 11 nodes × 31 =
	// 341 addresses: a /23 (507 usable), not a /24 (251).
	b := mustAlloc(t, r, ipam.Request{Pool: "vnets", Owner: "team-a", Need: &ipam.Need{Kind: ipam.NeedNodeSubnet,
		Mode: ipam.ModeNodeSubnet, Pools: []ipam.NodePoolNeed{{MaxNodes: 10, MaxPods: 30, MaxSurge: "1"}}}})
	if b.CIDR != mpp("10.0.2.0/23") {
		t.Errorf("legacy CNI node subnet: got %s, want 10.0.2.0/23", b.CIDR)
	}
	// Overlay pod CIDR for 300 nodes, surge 10%: 330 /24s → a /15.
	c := mustAlloc(t, r, ipam.Request{Pool: "pods", Owner: "team-a", Need: &ipam.Need{Kind: ipam.NeedPodCIDR,
		Pools: []ipam.NodePoolNeed{{MaxNodes: 300}}}})
	if c.CIDR != mpp("100.64.0.0/15") {
		t.Errorf("pod CIDR: got %s, want 100.64.0.0/15", c.CIDR)
	}
	_, _, err := r.Allocate(ctx, admin, ipam.Request{Pool: "vnets", Owner: "x", Need: &ipam.Need{Kind: ipam.NeedPodSubnet,
		Mode: ipam.ModeOverlay, Pools: []ipam.NodePoolNeed{{MaxNodes: 3}}}})
	wantErr(t, "pod subnet in overlay mode", err, ipam.ErrInvalid)
}

func testClaim(t *testing.T, h *harness) {
	_, r := h.newRegistry(t, "p=10.0.0.0/16", "wide=172.16.0.0/12")
	a := mustAlloc(t, r, ipam.Request{Pool: "p", CIDR: mpp("10.0.8.0/24"), Owner: "team-a"})
	if a.CIDR != mpp("10.0.8.0/24") {
		t.Fatalf("claim: got %s", a.CIDR)
	}
	_, _, err := r.Allocate(ctx, admin, ipam.Request{Pool: "p", CIDR: mpp("10.0.8.128/25"), Owner: "team-b"})
	var ce *ipam.ConflictError
	if !errors.As(err, &ce) || len(ce.Conflicts) != 1 || ce.Conflicts[0].ID != a.ID || ce.Conflicts[0].Kind != ipam.ConflictAllocation {
		t.Fatalf("claim inside a live allocation: got %v, want a conflict with allocation %d", err, a.ID)
	}
	_, _, err = r.Allocate(ctx, admin, ipam.Request{Pool: "p", CIDR: mpp("10.1.0.0/24"), Owner: "team-b"})
	wantErr(t, "claim outside the pool", err, ipam.ErrInvalid)
	_, _, err = r.Allocate(ctx, admin, ipam.Request{Pool: "wide", CIDR: mpp("172.30.4.0/24"), Owner: "team-b"})
	if !errors.As(err, &ce) || ce.Conflicts[0].Kind != ipam.ConflictAvoid || ce.Conflicts[0].CIDR != mpp("172.30.0.0/16") {
		t.Fatalf("claim in 172.30.0.0/16: got %v, want a conflict with the AKS-reserved range", err)
	}
	// Next-available skips the reserved ranges too.
	x := mustAlloc(t, r, ipam.Request{Pool: "wide", CIDR: mpp("172.16.0.0/13"), Owner: "o"})
	y := mustAlloc(t, r, ipam.Request{Pool: "wide", CIDR: mpp("172.24.0.0/14"), Owner: "o"})
	z := mustAlloc(t, r, ipam.Request{Pool: "wide", Bits: 15, Owner: "o"})
	if z.CIDR != mpp("172.28.0.0/15") {
		t.Errorf("after %s and %s, next /15: got %s, want 172.28.0.0/15", x.CIDR, y.CIDR, z.CIDR)
	}
	_, _, err = r.Allocate(ctx, admin, ipam.Request{Pool: "wide", Bits: 16, Owner: "o"})
	wantErr(t, "/16 in 172.16.0.0/12 once 172.16/13, 172.24/14 and 172.28/15 are taken", err, ipam.ErrExhausted)
}

func testRelease(t *testing.T, h *harness) {
	s, r := h.newRegistry(t, "p=10.0.0.0/24", "q=10.0.1.0/24")
	a := mustAlloc(t, r, ipam.Request{Pool: "p", Bits: 26, Owner: "o"})
	b := mustAlloc(t, r, ipam.Request{Pool: "p", Bits: 26, Owner: "o"})
	_, err := r.Release(ctx, admin, "q", a.ID)
	wantErr(t, "release in the wrong pool", err, ipam.ErrNotFound)
	rel, err := r.Release(ctx, admin, "p", a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if rel.State != ipam.StateReleased || rel.ReleasedAt.IsZero() || rel.CIDR != a.CIDR {
		t.Errorf("released: %+v", rel)
	}
	_, err = r.Release(ctx, admin, "p", a.ID)
	wantErr(t, "release twice", err, ipam.ErrInUse)
	_, err = r.Release(ctx, admin, "", 99999)
	wantErr(t, "release unknown", err, ipam.ErrNotFound)
	c := mustAlloc(t, r, ipam.Request{Pool: "p", Bits: 26, Owner: "o"})
	if c.CIDR != a.CIDR || c.ID == a.ID {
		t.Errorf("after releasing %s (id %d), next /26 got %s (id %d); want the released range under a new ID", a.CIDR, a.ID, c.CIDR, c.ID)
	}
	view(t, s, func(tx store.ReadTx) error {
		got, err := tx.Allocation(a.ID)
		if err != nil {
			return err
		}
		if got.State != ipam.StateReleased || !got.ReleasedAt.Equal(rel.ReleasedAt) {
			t.Errorf("stored released allocation: %+v", got)
		}
		return nil
	})
	if got := liveAllocations(t, s, "p"); len(got) != 2 || got[0].ID != b.ID || got[1].ID != c.ID {
		t.Errorf("live allocations after release: %v", got)
	}
}

func testIdempotency(t *testing.T, h *harness) {
	s, r := h.newRegistry(t, "p=10.0.0.0/16", "q=10.1.0.0/16")
	req := ipam.Request{Pool: "p", Bits: 24, Owner: "o", Cluster: "aks", IdempotencyKey: "create-aks-nodes"}
	a, replayed, err := r.Allocate(ctx, admin, req)
	if err != nil || replayed {
		t.Fatalf("first: %v replayed=%v", err, replayed)
	}
	b, replayed, err := r.Allocate(ctx, admin, req)
	if err != nil || !replayed || b.ID != a.ID || b.CIDR != a.CIDR {
		t.Fatalf("replay: got %+v replayed=%v err=%v, want allocation %d again", b, replayed, err, a.ID)
	}
	diff := req
	diff.Bits = 23
	_, _, err = r.Allocate(ctx, admin, diff)
	wantErr(t, "same key, other request", err, ipam.ErrIdempotencyMismatch)
	other := req
	other.Pool = "q"
	c, replayed, err := r.Allocate(ctx, admin, other)
	if err != nil || replayed || c.CIDR != mpp("10.1.0.0/24") {
		t.Fatalf("same key in another pool: %+v replayed=%v err=%v", c, replayed, err)
	}
	// Released allocations keep their key.
	if _, err := r.Release(ctx, admin, "p", a.ID); err != nil {
		t.Fatal(err)
	}
	d, replayed, err := r.Allocate(ctx, admin, req)
	if err != nil || !replayed || d.ID != a.ID || d.State != ipam.StateReleased {
		t.Fatalf("replay after release: %+v replayed=%v err=%v", d, replayed, err)
	}
	// The database refuses a second row with the key, whatever the caller.
	err = s.Update(ctx, func(tx store.Tx) error {
		dup := ipam.Allocation{Pool: "p", CIDR: mpp("10.0.200.0/24"), Owner: "o", Request: "x", State: ipam.StateLive,
			IdempotencyKey: "create-aks-nodes", CreatedAt: time.Now()}
		_, err := tx.InsertAllocation(dup)
		return err
	})
	wantErr(t, "Tx.InsertAllocation with a used key", err, ipam.ErrExists)
	if n := countAction(auditLog(t, s, store.AuditFilter{Pool: "p"}), store.ActionAllocate); n != 1 {
		t.Errorf("pool p has %d allocation audit entries, want 1 (replays write nothing)", n)
	}
}

func testOverlapDB(t *testing.T, h *harness) {
	s, r := h.newRegistry(t, "p=10.0.0.0/16", "q=10.1.0.0/16")
	mustAlloc(t, r, ipam.Request{Pool: "p", CIDR: mpp("10.0.4.0/22"), Owner: "o"})
	insert := func(pool, c string) error {
		return s.Update(ctx, func(tx store.Tx) error {
			_, err := tx.InsertAllocation(ipam.Allocation{Pool: pool, CIDR: mpp(c), Owner: "o", Request: "raw",
				State: ipam.StateLive, CreatedAt: time.Now()})
			return err
		})
	}
	for _, c := range []string{"10.0.4.0/22", "10.0.5.0/24", "10.0.0.0/16", "10.0.7.255/32"} {
		wantErr(t, "Tx.InsertAllocation "+c+" over live 10.0.4.0/22", insert("p", c), ipam.ErrConflict)
	}
	if err := insert("p", "10.0.8.0/22"); err != nil {
		t.Fatalf("adjacent allocation refused: %v", err)
	}
	if err := insert("q", "10.0.12.0/24"); err == nil {
		t.Fatal("the database accepted an allocation outside its pool")
	}
	if err := insert("nope", "10.0.12.0/24"); err == nil {
		t.Fatal("the database accepted an allocation in a pool that does not exist")
	}
	// A released allocation no longer blocks its range.
	live := liveAllocations(t, s, "p")
	if _, err := r.Release(ctx, admin, "p", live[0].ID); err != nil {
		t.Fatal(err)
	}
	if err := insert("p", "10.0.5.0/24"); err != nil {
		t.Fatalf("allocation over a released range refused: %v", err)
	}
	// Reservations likewise.
	reserve := func(c string) error {
		return s.Update(ctx, func(tx store.Tx) error {
			_, err := tx.InsertReservation(ipam.Reservation{Pool: "q", CIDR: mpp(c), Owner: "o", State: ipam.StateLive, CreatedAt: time.Now()})
			return err
		})
	}
	if err := reserve("10.1.0.0/20"); err != nil {
		t.Fatal(err)
	}
	wantErr(t, "Tx.InsertReservation over a live reservation", reserve("10.1.8.0/24"), ipam.ErrConflict)
}

func testReservations(t *testing.T, h *harness) {
	s, r := h.newRegistry(t, "p=10.0.0.0/16")
	res, err := r.Reserve(ctx, admin, ipam.ReserveRequest{Pool: "p", Bits: 20, Owner: "team-a", Cluster: "aks-1", Note: "growth"})
	if err != nil {
		t.Fatal(err)
	}
	if res.CIDR != mpp("10.0.0.0/20") || res.ID == 0 || res.State != ipam.StateLive || res.Note != "growth" {
		t.Fatalf("reservation: %+v", res)
	}
	// Plain allocations skip reservations, even the owner's.
	a := mustAlloc(t, r, ipam.Request{Pool: "p", Bits: 24, Owner: "team-a"})
	if a.CIDR != mpp("10.0.16.0/24") {
		t.Errorf("allocation without reservation: got %s, want 10.0.16.0/24", a.CIDR)
	}
	// Naming the reservation allocates inside it.
	b := mustAlloc(t, r, ipam.Request{Pool: "p", Bits: 24, Owner: "team-a", Reservation: res.ID})
	if b.CIDR != mpp("10.0.0.0/24") || b.Reservation != res.ID {
		t.Errorf("allocation in reservation: got %s (reservation %d), want 10.0.0.0/24", b.CIDR, b.Reservation)
	}
	_, _, err = r.Allocate(ctx, admin, ipam.Request{Pool: "p", Bits: 24, Owner: "team-b", Reservation: res.ID})
	wantErr(t, "another owner's reservation", err, ipam.ErrConflict)
	_, _, err = r.Allocate(ctx, admin, ipam.Request{Pool: "p", CIDR: mpp("10.0.4.0/24"), Owner: "team-b"})
	wantErr(t, "claim in another owner's reservation", err, ipam.ErrConflict)
	_, _, err = r.Allocate(ctx, admin, ipam.Request{Pool: "p", Bits: 19, Owner: "team-a", Reservation: res.ID})
	wantErr(t, "a /19 in a /20 reservation", err, ipam.ErrExhausted)
	_, err = r.Reserve(ctx, admin, ipam.ReserveRequest{Pool: "p", CIDR: mpp("10.0.16.0/20"), Owner: "team-c"})
	wantErr(t, "reservation over a live allocation", err, ipam.ErrConflict)
	rel, err := r.ReleaseReservation(ctx, admin, "p", res.ID)
	if err != nil || rel.State != ipam.StateReleased {
		t.Fatalf("release reservation: %+v %v", rel, err)
	}
	_, err = r.ReleaseReservation(ctx, admin, "p", res.ID)
	wantErr(t, "release reservation twice", err, ipam.ErrInUse)
	// The allocation taken from it stays; its space is free for anyone.
	c := mustAlloc(t, r, ipam.Request{Pool: "p", Bits: 24, Owner: "team-b"})
	if c.CIDR != mpp("10.0.1.0/24") {
		t.Errorf("after releasing the reservation: got %s, want 10.0.1.0/24", c.CIDR)
	}
	view(t, s, func(tx store.ReadTx) error {
		got, err := tx.Reservation(res.ID)
		if err != nil {
			return err
		}
		if got.State != ipam.StateReleased || got.Owner != "team-a" || got.Cluster != "aks-1" {
			t.Errorf("stored reservation: %+v", got)
		}
		live, err := tx.Reservations(store.ReservationFilter{Pool: "p", State: ipam.StateLive})
		if len(live) != 0 {
			t.Errorf("live reservations after release: %v", live)
		}
		return err
	})
}

func testAvoid(t *testing.T, h *harness) {
	s, r := h.newRegistry(t, "p=10.0.0.0/16")
	mustAlloc(t, r, ipam.Request{Pool: "p", Bits: 24, Owner: "o"})
	if _, err := r.AddAvoid(ctx, admin, ipam.Avoid{CIDR: mpp("10.0.1.0/24"), Name: "on-prem", Reason: "datacentre"}); err != nil {
		t.Fatal(err)
	}
	_, err := r.AddAvoid(ctx, admin, ipam.Avoid{CIDR: mpp("10.0.1.0/24"), Name: "again"})
	wantErr(t, "same avoid range twice", err, ipam.ErrExists)
	a := mustAlloc(t, r, ipam.Request{Pool: "p", Bits: 24, Owner: "o"})
	if a.CIDR != mpp("10.0.2.0/24") {
		t.Errorf("allocation after avoiding 10.0.1.0/24: got %s, want 10.0.2.0/24", a.CIDR)
	}
	view(t, s, func(tx store.ReadTx) error {
		av, err := tx.Avoid()
		if len(av) != 1 || av[0].Name != "on-prem" || av[0].Reason != "datacentre" || av[0].CIDR != mpp("10.0.1.0/24") {
			t.Errorf("Avoid() = %+v", av)
		}
		return err
	})
	if _, err := r.RemoveAvoid(ctx, admin, mpp("10.0.1.0/24")); err != nil {
		t.Fatal(err)
	}
	_, err = r.RemoveAvoid(ctx, admin, mpp("10.0.1.0/24"))
	wantErr(t, "remove twice", err, ipam.ErrNotFound)
	b := mustAlloc(t, r, ipam.Request{Pool: "p", Bits: 24, Owner: "o"})
	if b.CIDR != mpp("10.0.1.0/24") {
		t.Errorf("allocation after removing the avoid range: got %s, want 10.0.1.0/24", b.CIDR)
	}
}

func testCheck(t *testing.T, h *harness) {
	_, r := h.newRegistry(t, "p=10.0.0.0/16", "q=10.1.0.0/16", "far=10.200.0.0/16")
	a := mustAlloc(t, r, ipam.Request{Pool: "p", CIDR: mpp("10.0.255.0/24"), Owner: "team-a", Cluster: "aks-1"})
	res, err := r.Reserve(ctx, admin, ipam.ReserveRequest{Pool: "q", CIDR: mpp("10.1.0.0/24"), Owner: "team-b"})
	if err != nil {
		t.Fatal(err)
	}
	mustAlloc(t, r, ipam.Request{Pool: "q", CIDR: mpp("10.1.9.0/24"), Owner: "team-c"})
	if _, err := r.AddAvoid(ctx, admin, ipam.Avoid{CIDR: mpp("10.0.254.0/23"), Name: "vpn"}); err != nil {
		t.Fatal(err)
	}
	got, err := r.Check(ctx, mpp("10.0.254.0/23"))
	if err != nil {
		t.Fatal(err)
	}
	want := []ipam.Conflict{
		{Kind: ipam.ConflictAvoid, CIDR: mpp("10.0.254.0/23"), Name: "vpn"},
		{Kind: ipam.ConflictPool, CIDR: mpp("10.0.0.0/16"), Pool: "p"},
		{Kind: ipam.ConflictAllocation, CIDR: a.CIDR, Pool: "p", ID: a.ID, Owner: "team-a", Cluster: "aks-1"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("Check(10.0.254.0/23):\n got %+v\nwant %+v", got, want)
	}
	got, err = r.Check(ctx, mpp("10.0.255.0/24"))
	if err != nil || len(got) != 3 {
		t.Errorf("Check(10.0.255.0/24) = %+v, %v; want the same three", got, err)
	}
	got, err = r.Check(ctx, mpp("10.1.0.128/25"))
	if err != nil {
		t.Fatal(err)
	}
	want = []ipam.Conflict{
		{Kind: ipam.ConflictPool, CIDR: mpp("10.1.0.0/16"), Pool: "q"},
		{Kind: ipam.ConflictReservation, CIDR: res.CIDR, Pool: "q", ID: res.ID, Owner: "team-b"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("Check(10.1.0.128/25):\n got %+v\nwant %+v", got, want)
	}
	got, err = r.Check(ctx, mpp("10.0.0.0/8"))
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[ipam.ConflictKind]int{}
	for _, c := range got {
		kinds[c.Kind]++
	}
	if kinds[ipam.ConflictPool] != 3 || kinds[ipam.ConflictAllocation] != 2 || kinds[ipam.ConflictReservation] != 1 || kinds[ipam.ConflictAvoid] != 1 {
		t.Errorf("Check(10.0.0.0/8) kinds %v: %+v", kinds, got)
	}
	got, err = r.Check(ctx, mpp("172.31.0.0/24"))
	if err != nil || len(got) != 1 || got[0].Kind != ipam.ConflictAvoid || got[0].Name != "aks-internal" {
		t.Errorf("Check(172.31.0.0/24) = %+v, %v; want the AKS-reserved range", got, err)
	}
	got, err = r.Check(ctx, mpp("192.168.0.0/16"))
	if err != nil || len(got) != 0 {
		t.Errorf("Check(192.168.0.0/16) = %+v, %v; want nothing", got, err)
	}
	_, err = r.Check(ctx, netip.Prefix{})
	wantErr(t, "Check(invalid)", err, ipam.ErrInvalid)
}

func testUsage(t *testing.T, h *harness) {
	_, r := h.newRegistry(t, "p=10.0.0.0/24")
	mustAlloc(t, r, ipam.Request{Pool: "p", Bits: 26, Owner: "o"})
	mustAlloc(t, r, ipam.Request{Pool: "p", Bits: 28, Owner: "o"})
	if _, err := r.Reserve(ctx, admin, ipam.ReserveRequest{Pool: "p", CIDR: mpp("10.0.0.128/26"), Owner: "o"}); err != nil {
		t.Fatal(err)
	}
	u, err := r.Usage(ctx, "p")
	if err != nil {
		t.Fatal(err)
	}
	if u.Size != 256 || u.Allocated != 80 || u.Reserved != 64 || u.Avoided != 0 || u.Free != 112 ||
		u.Largest != mpp("10.0.0.192/26") || u.Allocations != 2 || u.Reservations != 1 {
		t.Errorf("Usage = %+v", u)
	}
	_, err = r.Usage(ctx, "nope")
	wantErr(t, "Usage(nope)", err, ipam.ErrNotFound)
}

func testAudit(t *testing.T, h *harness) {
	s, r := h.newRegistry(t, "p=10.0.0.0/16")
	a := mustAlloc(t, r, ipam.Request{Pool: "p", Bits: 24, Owner: "o"})
	who := store.Actor{Name: "ci-token", Remote: "192.0.2.7:5123", RequestID: "r-42"}
	if _, err := r.Release(ctx, who, "p", a.ID); err != nil {
		t.Fatal(err)
	}
	res, err := r.Reserve(ctx, admin, ipam.ReserveRequest{Pool: "p", Bits: 24, Owner: "o"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.ReleaseReservation(ctx, admin, "", res.ID); err != nil {
		t.Fatal(err)
	}
	// A failed change writes nothing.
	if _, _, err := r.Allocate(ctx, admin, ipam.Request{Pool: "p", Bits: 8, Owner: "o"}); err == nil {
		t.Fatal("a /8 in a /16 was accepted")
	}
	es := auditLog(t, s, store.AuditFilter{})
	var actions []string
	for _, e := range es {
		actions = append(actions, e.Action)
	}
	want := []string{store.ActionReservationRelease, store.ActionReserve, store.ActionRelease, store.ActionAllocate, store.ActionPoolCreate}
	if !slices.Equal(actions, want) {
		t.Fatalf("audit actions (newest first) = %v, want %v", actions, want)
	}
	rel := es[2]
	if rel.Actor != who || rel.Pool != "p" || rel.Subject != fmt.Sprintf("allocation/%d", a.ID) ||
		!strings.Contains(rel.Detail, `"state":"released"`) || rel.At.IsZero() {
		t.Errorf("release entry: %+v", rel)
	}
	for i := 1; i < len(es); i++ {
		if es[i].ID >= es[i-1].ID || es[i].At.After(es[i-1].At) {
			t.Errorf("entries %d and %d out of order: %+v, %+v", i-1, i, es[i-1], es[i])
		}
	}
	view(t, s, func(tx store.ReadTx) error {
		bySubject, err := tx.Audit(store.AuditFilter{Subject: rel.Subject})
		if err != nil {
			return err
		}
		if len(bySubject) != 2 {
			t.Errorf("entries for %s: %d, want 2 (allocate, release)", rel.Subject, len(bySubject))
		}
		byActor, err := tx.Audit(store.AuditFilter{Actor: "ci-token"})
		if len(byActor) != 1 {
			t.Errorf("entries by ci-token: %d, want 1", len(byActor))
		}
		page, err := tx.Audit(store.AuditFilter{BeforeID: es[1].ID, Limit: 2})
		if len(page) != 2 || page[0].ID != es[2].ID || page[1].ID != es[3].ID {
			t.Errorf("page before %d: %+v", es[1].ID, page)
		}
		return err
	})
}

func testTokens(t *testing.T, h *harness) {
	s, r := h.newRegistry(t)
	rnd := rand.NewChaCha8([32]byte{1})
	secret, tok, err := r.CreateToken(ctx, admin, "ci", []ipam.Scope{ipam.ScopeRead, ipam.ScopeAllocate("vnets")}, rnd)
	if err != nil {
		t.Fatal(err)
	}
	if tok.ID == 0 || !strings.HasPrefix(secret, "aksnet_") || strings.Contains(fmt.Sprintf("%+v", tok), secret) {
		t.Fatalf("token %+v, secret %q", tok, secret)
	}
	got, err := r.Authenticate(ctx, secret)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != tok.ID || got.Name != "ci" || !slices.Equal(got.Scopes, tok.Scopes) || !got.CreatedAt.Equal(tok.CreatedAt) {
		t.Errorf("Authenticate = %+v, want %+v", got, tok)
	}
	for _, bad := range []string{"", "aksnet_", secret + "x", strings.TrimPrefix(secret, "aksnet_")} {
		if _, err := r.Authenticate(ctx, bad); !errors.Is(err, store.ErrUnauthenticated) {
			t.Errorf("Authenticate(%q): %v, want ErrUnauthenticated", bad, err)
		}
	}
	_, _, err = r.CreateToken(ctx, admin, "ci", []ipam.Scope{ipam.ScopeRead}, rnd)
	wantErr(t, "token name taken", err, ipam.ErrExists)
	_, _, err = r.CreateToken(ctx, admin, "x", []ipam.Scope{"write"}, rnd)
	wantErr(t, "unknown scope", err, ipam.ErrInvalid)
	view(t, s, func(tx store.ReadTx) error {
		ts, err := tx.Tokens()
		if len(ts) != 1 || string(ts[0].Hash) != string(store.HashToken(secret)) {
			t.Errorf("Tokens() = %+v", ts)
		}
		return err
	})
	rev, err := r.RevokeToken(ctx, admin, tok.ID)
	if err != nil || rev.RevokedAt.IsZero() {
		t.Fatalf("revoke: %+v %v", rev, err)
	}
	if _, err := r.Authenticate(ctx, secret); !errors.Is(err, store.ErrUnauthenticated) {
		t.Errorf("revoked token authenticated: %v", err)
	}
	_, err = r.RevokeToken(ctx, admin, 9999)
	wantErr(t, "revoke unknown", err, ipam.ErrNotFound)
}

func testFilters(t *testing.T, h *harness) {
	s, r := h.newRegistry(t, "p=10.0.0.0/16", "q=10.1.0.0/16")
	var ids []int64
	for i := range 6 {
		pool := []string{"p", "q"}[i%2]
		a := mustAlloc(t, r, ipam.Request{Pool: pool, Bits: 24, Owner: fmt.Sprintf("team-%d", i%3), Cluster: fmt.Sprintf("aks-%d", i%2), Purpose: "nodes"})
		ids = append(ids, a.ID)
	}
	if _, err := r.Release(ctx, admin, "", ids[0]); err != nil {
		t.Fatal(err)
	}
	count := func(f store.AllocationFilter) []int64 {
		var out []int64
		view(t, s, func(tx store.ReadTx) error {
			as, err := tx.Allocations(f)
			for _, a := range as {
				out = append(out, a.ID)
			}
			return err
		})
		return out
	}
	cases := []struct {
		f    store.AllocationFilter
		want []int64
	}{
		{store.AllocationFilter{}, ids},
		{store.AllocationFilter{Pool: "p"}, []int64{ids[0], ids[2], ids[4]}},
		{store.AllocationFilter{Pool: "p", State: ipam.StateLive}, []int64{ids[2], ids[4]}},
		{store.AllocationFilter{State: ipam.StateReleased}, []int64{ids[0]}},
		{store.AllocationFilter{Owner: "team-1"}, []int64{ids[1], ids[4]}},
		{store.AllocationFilter{Cluster: "aks-1"}, []int64{ids[1], ids[3], ids[5]}},
		{store.AllocationFilter{Purpose: "nodes", AfterID: ids[3]}, []int64{ids[4], ids[5]}},
		{store.AllocationFilter{Limit: 2}, ids[:2]},
		{store.AllocationFilter{Overlapping: mpp("10.1.0.0/23")}, []int64{ids[1], ids[3]}},
		{store.AllocationFilter{Overlapping: mpp("10.0.1.7/32")}, []int64{ids[2]}},
	}
	for _, c := range cases {
		if got := count(c.f); !slices.Equal(got, c.want) {
			t.Errorf("Allocations(%+v) = %v, want %v", c.f, got, c.want)
		}
	}
}

func testRollback(t *testing.T, h *harness) {
	s, r := h.newRegistry(t, "p=10.0.0.0/16")
	first := mustAlloc(t, r, ipam.Request{Pool: "p", Bits: 24, Owner: "o"})
	boom := errors.New("boom")
	err := s.Update(ctx, func(tx store.Tx) error {
		sp, err := tx.Space("p")
		if err != nil {
			return err
		}
		a, err := sp.Allocate(ipam.Request{Pool: "p", Bits: 24, Owner: "o"}, time.Now())
		if err != nil {
			return err
		}
		if _, err := tx.InsertAllocation(a); err != nil {
			return err
		}
		// The transaction sees its own write.
		sp2, err := tx.Space("p")
		if err != nil {
			return err
		}
		if n := len(sp2.Allocations()); n != 2 {
			t.Errorf("Space inside the transaction has %d allocations, want 2", n)
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update returned %v, want fn's error", err)
	}
	if got := liveAllocations(t, s, "p"); len(got) != 1 || got[0].ID != first.ID {
		t.Fatalf("after rollback: %v", got)
	}
	second := mustAlloc(t, r, ipam.Request{Pool: "p", Bits: 24, Owner: "o"})
	if second.CIDR != mpp("10.0.1.0/24") {
		t.Errorf("after a rolled-back allocation, next /24: got %s, want 10.0.1.0/24", second.CIDR)
	}
}

func testTwoStores(t *testing.T, h *harness) {
	db, s1 := h.fresh(t)
	s2 := h.reopen(t, db)
	r1, r2 := registry(s1), registry(s2)
	mustPool(t, r1, "p", "10.0.0.0/16")
	for i, want := range []string{"10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24"} {
		r := []*store.Registry{r1, r2}[i%2]
		if a := mustAlloc(t, r, ipam.Request{Pool: "p", Bits: 24, Owner: "o"}); a.CIDR.String() != want {
			t.Errorf("allocation %d through store %d: got %s, want %s", i, i%2+1, a.CIDR, want)
		}
	}
	live := liveAllocations(t, s2, "p")
	if _, err := r2.Release(ctx, admin, "", live[0].ID); err != nil {
		t.Fatal(err)
	}
	if a := mustAlloc(t, r1, ipam.Request{Pool: "p", Bits: 24, Owner: "o"}); a.CIDR != mpp("10.0.0.0/24") {
		t.Errorf("store 1 after store 2 released 10.0.0.0/24: got %s", a.CIDR)
	}
	if _, err := r2.AddAvoid(ctx, admin, ipam.Avoid{CIDR: mpp("10.0.4.0/24"), Name: "x"}); err != nil {
		t.Fatal(err)
	}
	if a := mustAlloc(t, r1, ipam.Request{Pool: "p", Bits: 24, Owner: "o"}); a.CIDR != mpp("10.0.5.0/24") {
		t.Errorf("store 1 after store 2 avoided 10.0.4.0/24: got %s", a.CIDR)
	}
	if err := r2.DeletePool(ctx, admin, "p"); !errors.Is(err, ipam.ErrInUse) {
		t.Fatalf("delete: %v", err)
	}
}

func testReopen(t *testing.T, h *harness) {
	db, s := h.fresh(t)
	r := registry(s)
	mustPool(t, r, "p", "10.0.0.0/16")
	a := mustAlloc(t, r, ipam.Request{Pool: "p", Bits: 24, Owner: "o", IdempotencyKey: "k"})
	res, err := r.Reserve(ctx, admin, ipam.ReserveRequest{Pool: "p", Bits: 20, Owner: "o"})
	if err != nil {
		t.Fatal(err)
	}
	secret, _, err := r.CreateToken(ctx, admin, "t", []ipam.Scope{ipam.ScopeAdmin}, rand.NewChaCha8([32]byte{2}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.AddAvoid(ctx, admin, ipam.Avoid{CIDR: mpp("10.0.1.0/24"), Name: "x"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	for round := range 2 {
		s = h.reopen(t, db)
		r = registry(s)
		got, replayed, err := r.Allocate(ctx, admin, ipam.Request{Pool: "p", Bits: 24, Owner: "o", IdempotencyKey: "k"})
		if err != nil || !replayed || got.ID != a.ID || got.CIDR != a.CIDR {
			t.Fatalf("round %d: replay after reopen: %+v %v %v", round, got, replayed, err)
		}
		if _, err := r.Authenticate(ctx, secret); err != nil {
			t.Fatalf("round %d: token after reopen: %v", round, err)
		}
		sp := spaceOf(t, s, "p")
		if len(sp.Reservations()) != 1 || sp.Reservations()[0].ID != res.ID {
			t.Errorf("round %d: reservations after reopen: %+v", round, sp.Reservations())
		}
		b := mustAlloc(t, r, ipam.Request{Pool: "p", Bits: 24, Owner: "o"})
		if want := fmt.Sprintf("10.0.%d.0/24", 2+round); b.CIDR.String() != want {
			t.Errorf("round %d: next /24 after reopen: got %s, want %s", round, b.CIDR, want)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

// testConcurrentFailures runs many concurrent changes of which some fail
// after writing (a release), and checks that the failed ones left
// nothing behind, the others everything, and that the store's view of
// the pool matches a freshly opened store's.
func testConcurrentFailures(t *testing.T, h *harness) {
	db, s := h.fresh(t)
	r := registry(s)
	mustPool(t, r, "p", "10.0.0.0/16")
	var pre []ipam.Allocation
	for range 16 {
		pre = append(pre, mustAlloc(t, r, ipam.Request{Pool: "p", Bits: 26, Owner: "pre"}))
	}
	boom := errors.New("boom")
	var wg sync.WaitGroup
	results := make([]ipam.Allocation, 48)
	errs := make([]error, 48)
	for i := range 48 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s.Update(ctx, func(tx store.Tx) error {
				sp, err := tx.Space("p")
				if err != nil {
					return err
				}
				if i%3 == 0 {
					if _, err := tx.ReleaseAllocation(pre[i/3].ID, time.Now()); err != nil {
						return err
					}
					if _, err := tx.AppendAudit(store.AuditEntry{At: time.Now(), Actor: admin, Action: "test", Subject: "x", Detail: "{}"}); err != nil {
						return err
					}
					return boom
				}
				a, err := sp.Allocate(ipam.Request{Pool: "p", Bits: 24 + i%4, Owner: fmt.Sprint("w", i)}, time.Now())
				if err != nil {
					return err
				}
				if results[i], err = tx.InsertAllocation(a); err != nil {
					return err
				}
				_, err = tx.AppendAudit(store.AuditEntry{At: time.Now(), Actor: admin, Action: "test", Subject: "x", Detail: "{}"})
				return err
			})
		}()
	}
	wg.Wait()
	want := map[int64]netip.Prefix{}
	for _, a := range pre {
		want[a.ID] = a.CIDR
	}
	added := 0
	for i, err := range errs {
		switch {
		case i%3 == 0 && !errors.Is(err, boom):
			t.Errorf("change %d: got %v, want its own error", i, err)
		case i%3 != 0 && err != nil:
			t.Errorf("change %d: %v", i, err)
		case i%3 != 0:
			want[results[i].ID] = results[i].CIDR
			added++
		}
	}
	wantLive(t, s, "p", want) // failed releases are undone
	if audits := countAction(auditLog(t, s, store.AuditFilter{Actor: admin.Name}), "test"); audits != added {
		t.Errorf("%d audit entries, want %d (failed changes leave none)", audits, added)
	}
	// The store's cached state and a fresh store's agree, and both place
	// the next allocations in the same spots.
	fresh := h.reopen(t, db)
	if g, w := ids(spaceOf(t, s, "p").Allocations()), ids(spaceOf(t, fresh, "p").Allocations()); !slices.Equal(g, w) {
		t.Fatalf("cached state %v\ndatabase %v", g, w)
	}
	for range 3 {
		var next netip.Prefix
		view(t, fresh, func(tx store.ReadTx) error {
			sp, err := tx.Space("p")
			if err != nil {
				return err
			}
			a, err := sp.Allocate(ipam.Request{Pool: "p", Bits: 26, Owner: "o"}, time.Now())
			next = a.CIDR
			return err
		})
		if a := mustAlloc(t, r, ipam.Request{Pool: "p", Bits: 26, Owner: "o"}); a.CIDR != next {
			t.Errorf("next /26 through the store: %s, from the database: %s", a.CIDR, next)
		}
	}
}
