package storetest

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/aksnet/aksnet/ipam"
	"github.com/aksnet/aksnet/ipam/store"
)

// errClass names the registry sentinel err wraps, for comparing outcomes.
func errClass(err error) string {
	for _, s := range []error{ipam.ErrInvalid, ipam.ErrNotFound, ipam.ErrExists, ipam.ErrConflict, ipam.ErrExhausted,
		ipam.ErrIdempotencyMismatch, ipam.ErrInUse} {
		if errors.Is(err, s) {
			return s.Error()
		}
	}
	if err == nil {
		return "ok"
	}
	return "other: " + err.Error()
}

// testModelSequence drives the store through random operations on a small
// pool and checks every outcome against the same decisions taken by a
// pure ipam.Space kept in memory. The store is closed and reopened now
// and then, so cached and freshly loaded state are both exercised.
func testModelSequence(t *testing.T, h *harness) {
	db, s := h.fresh(t)
	r := registry(s)
	pool := mustPool(t, r, "p", "10.9.0.0/24")
	model, err := ipam.NewSpace(pool, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	var avoid []ipam.Avoid
	rnd := rand.New(rand.NewPCG(7, 11))
	owners := []string{"a", "b"}
	steps := 400
	if testing.Short() {
		steps = 120
	}
	var log []string
	fail := func(format string, args ...any) {
		t.Helper()
		t.Fatalf("step %d: %s\nsteps so far:\n%s", len(log), fmt.Sprintf(format, args...), joinLines(log))
	}
	randPrefix := func() netip.Prefix {
		bits := 24 + rnd.IntN(9)
		off := rnd.Uint32N(256) &^ (uint32(1)<<(32-bits) - 1)
		return netip.PrefixFrom(netip.AddrFrom4([4]byte{10, 9, 0, byte(off)}), bits)
	}
	for step := 0; step < steps; step++ {
		if step%97 == 96 {
			s.Close()
			s = h.reopen(t, db)
			r = registry(s)
			log = append(log, "reopen")
		}
		owner := owners[rnd.IntN(2)]
		switch op := rnd.IntN(10); {
		case op < 4: // allocate by size or claim, sometimes in a reservation
			req := ipam.Request{Pool: "p", Owner: owner}
			if rnd.IntN(3) == 0 {
				req.CIDR = randPrefix()
			} else {
				req.Bits = 26 + rnd.IntN(7)
			}
			if res := model.Reservations(); len(res) > 0 && rnd.IntN(3) == 0 {
				req.Reservation = res[rnd.IntN(len(res))].ID
			}
			want, wantErr := model.Allocate(req, time.Time{})
			got, _, gotErr := r.Allocate(ctx, admin, req)
			log = append(log, fmt.Sprintf("allocate %s -> %s %v", req.Canonical(), got.CIDR, gotErr))
			if errClass(gotErr) != errClass(wantErr) || gotErr == nil && got.CIDR != want.CIDR {
				fail("store gave %s (%v), model %s (%v)", got.CIDR, gotErr, want.CIDR, wantErr)
			}
			if gotErr == nil {
				if err := model.Add(got); err != nil {
					fail("%v", err)
				}
			}
		case op < 6: // release
			live := model.Allocations()
			id := int64(999999)
			if len(live) > 0 && rnd.IntN(8) > 0 {
				id = live[rnd.IntN(len(live))].ID
			}
			_, wantErr := model.Clone().Release(id, time.Time{})
			got, gotErr := r.Release(ctx, admin, "p", id)
			log = append(log, fmt.Sprintf("release %d -> %v", id, gotErr))
			if errClass(gotErr) != errClass(wantErr) {
				fail("release %d: store %v, model %v", id, gotErr, wantErr)
			}
			if gotErr == nil {
				if got.State != ipam.StateReleased {
					fail("released allocation is %s", got.State)
				}
				model.Release(id, time.Time{})
			}
		case op < 7: // reserve
			req := ipam.ReserveRequest{Pool: "p", Owner: owner, Bits: 25 + rnd.IntN(4)}
			want, wantErr := model.Reserve(req, time.Time{})
			got, gotErr := r.Reserve(ctx, admin, req)
			log = append(log, fmt.Sprintf("reserve /%d for %s -> %s %v", req.Bits, owner, got.CIDR, gotErr))
			if errClass(gotErr) != errClass(wantErr) || gotErr == nil && got.CIDR != want.CIDR {
				fail("store gave %s (%v), model %s (%v)", got.CIDR, gotErr, want.CIDR, wantErr)
			}
			if gotErr == nil {
				model.AddReservation(got)
			}
		case op < 8: // release a reservation
			res := model.Reservations()
			if len(res) == 0 {
				continue
			}
			id := res[rnd.IntN(len(res))].ID
			_, gotErr := r.ReleaseReservation(ctx, admin, "p", id)
			log = append(log, fmt.Sprintf("unreserve %d -> %v", id, gotErr))
			if gotErr != nil {
				fail("release reservation %d: %v", id, gotErr)
			}
			model.ReleaseReservation(id, time.Time{})
		default: // add or remove a range to avoid
			if len(avoid) > 0 && rnd.IntN(2) == 0 {
				i := rnd.IntN(len(avoid))
				if _, err := r.RemoveAvoid(ctx, admin, avoid[i].CIDR); err != nil {
					fail("remove avoid %s: %v", avoid[i].CIDR, err)
				}
				log = append(log, "unavoid "+avoid[i].CIDR.String())
				avoid = slices.Delete(avoid, i, i+1)
			} else {
				av := ipam.Avoid{CIDR: randPrefix(), Name: "x"}
				if av.CIDR.Bits() < 27 {
					continue
				}
				_, err := r.AddAvoid(ctx, admin, av)
				log = append(log, fmt.Sprintf("avoid %s -> %v", av.CIDR, err))
				dup := slices.ContainsFunc(avoid, func(a ipam.Avoid) bool { return a.CIDR == av.CIDR })
				if dup != errors.Is(err, ipam.ErrExists) || !dup && err != nil {
					fail("avoid %s (registered before: %v): %v", av.CIDR, dup, err)
				}
				if !dup {
					avoid = append(avoid, av)
				}
			}
			if model, err = ipam.NewSpace(pool, model.Allocations(), model.Reservations(), avoid); err != nil {
				t.Fatal(err)
			}
		}
		// The stored state equals the model's.
		sp := spaceOf(t, s, "p")
		if g, w := ids(sp.Allocations()), ids(model.Allocations()); !slices.Equal(g, w) {
			fail("stored live allocations %v, model %v", g, w)
		}
		if g, w := len(sp.Reservations()), len(model.Reservations()); g != w {
			fail("stored live reservations %d, model %d", g, w)
		}
		if g, w := sp.Usage(), model.Usage(); g.Free != w.Free || g.Allocated != w.Allocated || g.Reserved != w.Reserved {
			fail("stored usage %+v, model %+v", g, w)
		}
	}
	noOverlaps(t, liveAllocations(t, s, "p"))
}

func ids(as []ipam.Allocation) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = fmt.Sprintf("%d:%s", a.ID, a.CIDR)
	}
	return out
}

func joinLines(ls []string) string {
	if len(ls) > 40 {
		ls = ls[len(ls)-40:]
	}
	out := ""
	for _, l := range ls {
		out += "  " + l + "\n"
	}
	return out
}

// hammer runs workers goroutines, each doing ops random allocations and
// releases through one of regs (round robin), and checks afterwards that
// no two live allocations overlap, that every acknowledged allocation
// that was not released is live with the range it was given, and that
// the audit log has exactly one entry per acknowledged change.
func hammer(t *testing.T, s store.Store, regs []*store.Registry, workers, ops int) {
	mustPool(t, regs[0], "p", "10.64.0.0/16")
	type result struct {
		kept     map[int64]netip.Prefix
		released int
		errs     []error
	}
	results := make([]result, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			reg := regs[w%len(regs)]
			rnd := rand.New(rand.NewPCG(uint64(w), 99))
			res := result{kept: map[int64]netip.Prefix{}}
			var mine []int64
			for i := range ops {
				if len(mine) > 0 && rnd.IntN(3) == 0 {
					k := rnd.IntN(len(mine))
					id := mine[k]
					if _, err := reg.Release(ctx, admin, "p", id); err != nil {
						res.errs = append(res.errs, fmt.Errorf("release %d: %w", id, err))
						continue
					}
					delete(res.kept, id)
					mine = slices.Delete(mine, k, k+1)
					res.released++
					continue
				}
				req := ipam.Request{Pool: "p", Bits: 26 + rnd.IntN(5), Owner: fmt.Sprintf("w%d", w),
					IdempotencyKey: fmt.Sprintf("w%d-%d", w, i)}
				a, _, err := reg.Allocate(ctx, admin, req)
				if err != nil {
					res.errs = append(res.errs, fmt.Errorf("allocate: %w", err))
					continue
				}
				res.kept[a.ID] = a.CIDR
				mine = append(mine, a.ID)
			}
			results[w] = res
		}()
	}
	wg.Wait()
	want := map[int64]netip.Prefix{}
	acks := 0
	for w, res := range results {
		for _, err := range res.errs {
			t.Errorf("worker %d: %v", w, err)
		}
		for id, p := range res.kept {
			if _, dup := want[id]; dup {
				t.Errorf("allocation ID %d acknowledged twice", id)
			}
			want[id] = p
		}
		acks += len(res.kept) + 2*res.released
	}
	wantLive(t, s, "p", want) // acknowledged and not released
	// One entry per acknowledged change, and one for the pool's creation.
	if entries := len(auditLog(t, s, store.AuditFilter{Pool: "p"})) - 1; entries != acks {
		t.Errorf("audit log has %d allocation and release entries, want %d", entries, acks)
	}
}

func testConcurrent(t *testing.T, h *harness) {
	_, s := h.fresh(t)
	ops := 40
	if testing.Short() {
		ops = 10
	}
	hammer(t, s, []*store.Registry{registry(s)}, 16, ops)
}

func testConcurrentTwoStores(t *testing.T, h *harness) {
	db, s1 := h.fresh(t)
	s2 := h.reopen(t, db)
	ops := 30
	if testing.Short() {
		ops = 8
	}
	hammer(t, s1, []*store.Registry{registry(s1), registry(s2)}, 16, ops)
}
