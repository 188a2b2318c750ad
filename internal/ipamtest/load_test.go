package ipamtest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aksnet/aksnet/ipam"
	"github.com/aksnet/aksnet/ipam/client"
	"github.com/aksnet/aksnet/ipam/server/api"
	"github.com/aksnet/aksnet/ipam/store"
)

// ledger is what the clients were told: every acknowledged allocation
// and release, and the requests whose answer never came.
type ledger struct {
	mu       sync.Mutex
	acked    map[int64]ipam.Allocation
	released map[int64]bool
	unsure   map[int64]bool                 // release sent, answer lost
	inflight map[string]api.AllocateRequest // key → request whose answer was lost
	replays  int
	failures []error
	lat      []time.Duration // allocation latencies
}

func newLedger() *ledger {
	return &ledger{acked: map[int64]ipam.Allocation{}, released: map[int64]bool{}, unsure: map[int64]bool{},
		inflight: map[string]api.AllocateRequest{}}
}

func (l *ledger) fail(err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.failures) < 20 {
		l.failures = append(l.failures, err)
	}
}

// load drives one client's share: ops mixed operations on pool (about
// half allocations of /24 to /28, most of the rest releases of its own
// allocations, and some replays of an earlier request under its
// idempotency key). When stop closes, the client stops, and errors from
// then on are expected (the server is being killed).
type load struct {
	pool    string
	clients int
	ops     int
	stop    chan struct{}
	stopped atomic.Bool
}

type held struct {
	id  int64
	key string
	req api.AllocateRequest
}

func (ld *load) run(ctx context.Context, led *ledger, cls []*client.Client) time.Duration {
	start := time.Now()
	var wg sync.WaitGroup
	for w := 0; w < ld.clients; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ld.worker(ctx, w, cls[w%len(cls)], led)
		}()
	}
	wg.Wait()
	return time.Since(start)
}

func (ld *load) worker(ctx context.Context, w int, c *client.Client, led *ledger) {
	rng := rand.New(rand.NewPCG(uint64(w), 20260601))
	var mine []held
	var done []held // released, for replays
	owner := fmt.Sprintf("client-%02d", w)
	for i := 0; i < ld.ops; i++ {
		if ld.stopped.Load() {
			return
		}
		r := rng.IntN(100)
		switch {
		case r < 45 && len(mine) > 0:
			j := rng.IntN(len(mine))
			h := mine[j]
			mine = slices.Delete(mine, j, j+1)
			a, err := c.Release(ctx, ld.pool, h.id)
			led.mu.Lock()
			switch {
			case err == nil && a.ID == h.id && a.State == ipam.StateReleased:
				led.released[h.id] = true
			case ld.stopped.Load():
				led.unsure[h.id] = true
			default:
				led.failures = append(led.failures, fmt.Errorf("release %d: %v", h.id, err))
			}
			led.mu.Unlock()
			done = append(done, h)
		case r < 50 && len(done)+len(mine) > 0:
			// A retry of an earlier request must get the same allocation,
			// live or released, and write nothing.
			all := append(slices.Clone(mine), done...)
			h := all[rng.IntN(len(all))]
			a, replayed, err := c.Allocate(ctx, ld.pool, h.req, h.key)
			if err != nil {
				if !ld.stopped.Load() {
					led.fail(fmt.Errorf("replay %s: %v", h.key, err))
				}
				continue
			}
			if a.ID != h.id || !replayed {
				led.fail(fmt.Errorf("replay of %s gave allocation %d (replayed %v), want %d", h.key, a.ID, replayed, h.id))
			}
			led.mu.Lock()
			led.replays++
			led.mu.Unlock()
		default:
			key := fmt.Sprintf("%s-%d", owner, i)
			req := api.AllocateRequest{Bits: 24 + rng.IntN(5), Owner: owner, Purpose: "load"}
			t0 := time.Now()
			a, replayed, err := c.Allocate(ctx, ld.pool, req, key)
			lat := time.Since(t0)
			led.mu.Lock()
			switch {
			case err == nil && !replayed:
				led.acked[a.ID] = a.Allocation
				led.lat = append(led.lat, lat)
				mine = append(mine, held{a.ID, key, req})
			case err == nil:
				led.failures = append(led.failures, fmt.Errorf("fresh key %s was replayed as %d", key, a.ID))
			case ld.stopped.Load():
				led.inflight[key] = req
			default:
				led.failures = append(led.failures, fmt.Errorf("allocate %s: %v", key, err))
			}
			led.mu.Unlock()
		}
	}
}

// verify checks the registry against the ledger: no two live
// allocations overlap, every acknowledged allocation is there with its
// range, in the state the client was told, and nothing is there that no
// client asked for. It returns all allocations.
func verify(t *testing.T, ctx context.Context, c *client.Client, pool string, led *ledger) []ipam.Allocation {
	t.Helper()
	all, err := c.AllAllocations(ctx, client.AllocationQuery{Pool: pool, State: "all"})
	if err != nil {
		t.Fatal(err)
	}
	byID := map[int64]ipam.Allocation{}
	var live []ipam.Allocation
	for _, a := range all {
		byID[a.ID] = a
		if a.State == ipam.StateLive {
			live = append(live, a)
		}
	}
	if a, b, bad := overlaps(live); bad {
		t.Errorf("live allocations overlap: %d %s and %d %s", a.ID, a.CIDR, b.ID, b.CIDR)
	}
	missing := 0
	for id, want := range led.acked {
		got, ok := byID[id]
		switch {
		case !ok:
			missing++
			if missing < 5 {
				t.Errorf("acknowledged allocation %d %s is missing", id, want.CIDR)
			}
		case got.CIDR != want.CIDR || got.Owner != want.Owner:
			t.Errorf("allocation %d is %s of %s, was acknowledged as %s of %s", id, got.CIDR, got.Owner, want.CIDR, want.Owner)
		case led.released[id] && got.State != ipam.StateReleased:
			t.Errorf("allocation %d: release was acknowledged, state is %s", id, got.State)
		case !led.released[id] && !led.unsure[id] && got.State != ipam.StateLive:
			t.Errorf("allocation %d was never released, state is %s", id, got.State)
		}
	}
	if missing > 0 {
		t.Errorf("%d acknowledged allocations are missing", missing)
	}
	for _, a := range all {
		if _, ok := led.acked[a.ID]; ok {
			continue
		}
		if _, ok := led.inflight[a.IdempotencyKey]; !ok {
			t.Errorf("allocation %d %s (key %q) was never asked for", a.ID, a.CIDR, a.IdempotencyKey)
		}
	}
	return all
}

// auditCounts counts the audit entries of each action about pool.
func auditCounts(t *testing.T, ctx context.Context, c *client.Client, pool string) map[string]int {
	t.Helper()
	n := map[string]int{}
	q := client.AuditQuery{Pool: pool, Limit: 1000}
	for {
		page, err := c.Audit(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range page.Entries {
			n[e.Action]++
		}
		if page.Next == 0 {
			return n
		}
		q.Before = page.Next
	}
}

func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(p * float64(len(s)-1))
	return s[i]
}

// size returns the number of clients and operations per client.
func size() (int, int) {
	if full() {
		return 64, 10_000
	}
	return 64, 150
}

func setupPool(t *testing.T, ctx context.Context, c *client.Client, name, cidr string) {
	t.Helper()
	if _, err := c.CreatePool(ctx, api.CreatePoolRequest{Name: name, CIDR: cidr, Purpose: ipam.PurposeVNet}); err != nil {
		t.Fatal(err)
	}
}

// concurrent runs the load against the servers at urls (the clients are
// spread over them) and checks the outcome.
func concurrent(t *testing.T, urls []string, token string) {
	ctx := context.Background()
	clients, ops := size()
	var cls []*client.Client
	for _, u := range urls {
		cls = append(cls, newClient(t, u, token))
	}
	setupPool(t, ctx, cls[0], "load", "10.0.0.0/8")
	led := newLedger()
	ld := &load{pool: "load", clients: clients, ops: ops}
	took := ld.run(ctx, led, cls)
	for _, err := range led.failures {
		t.Error(err)
	}
	all := verify(t, ctx, cls[len(cls)-1], "load", led)
	counts := auditCounts(t, ctx, cls[0], "load")
	releases := 0
	for _, a := range all {
		if a.State == ipam.StateReleased {
			releases++
		}
	}
	if counts[store.ActionAllocate] != len(all) || counts[store.ActionRelease] != releases {
		t.Errorf("audit log: %d allocation and %d release entries; the registry holds %d allocations, %d released",
			counts[store.ActionAllocate], counts[store.ActionRelease], len(all), releases)
	}
	total := clients * ops
	t.Logf("%d clients × %d operations against %d server(s): %d allocations, %d releases, %d replays in %v (%.0f operations/s); allocation latency p50 %v, p99 %v",
		clients, ops, len(urls), len(led.acked), len(led.released), led.replays, took.Round(time.Millisecond),
		float64(total)/took.Seconds(), percentile(led.lat, 0.5), percentile(led.lat, 0.99))
	if len(led.acked) < total/4 {
		t.Errorf("only %d allocations in %d operations; the load is not what it should be", len(led.acked), total)
	}
}

func apiReq(bits int, owner string) api.AllocateRequest {
	return api.AllocateRequest{Bits: bits, Owner: owner}
}
