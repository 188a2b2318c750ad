// Package spacecache keeps the last known placement state of each pool in
// memory, so a backend does not reload every allocation of a pool for
// every decision.
//
// A pool's state is identified by a Version: the pool's row ID (never
// reused, so a pool deleted and created again under the same name is a
// different pool), its epoch (bumped when the pool's own row or the
// ranges to avoid change) and its generation (bumped by every write to
// the pool's allocations and reservations, which record the generation
// they were last written at). A backend reads the version with the pool
// row, under the pool's lock in a write transaction. A cached state of
// the same ID and epoch but an older generation is brought up to date
// with only the rows written since (CatchUp), so other processes' writes
// cost what they changed, not the size of the pool.
//
// A write transaction checks a pool's state out of the cache, changes it
// as it writes and returns it when it ends: after a commit with its
// writes, after a rollback only if it wrote nothing. Nothing is copied
// on the way. A transaction that finds the state checked out by another
// (which can only be finishing, since it held the pool's lock) waits a
// little for it. Read transactions get a copy.
package spacecache

import (
	"sync"
	"time"

	"github.com/aksnet/aksnet/ipam"
)

// Version identifies one state of a pool.
type Version struct {
	ID, Epoch, Gen int64
}

// Cache maps pool names to states. The zero value is ready to use; it is
// safe for concurrent use.
type Cache struct {
	mu sync.Mutex
	m  map[string]*entry
	// returned is closed and replaced whenever a state is returned.
	returned chan struct{}
}

type entry struct {
	v   Version
	sp  *ipam.Space
	out bool // checked out by a write transaction
}

// wait is how long Checkout waits for a state another transaction holds.
const wait = 200 * time.Millisecond

// CatchUp brings sp from generation from to the version being read,
// applying the rows written since; it reports false when it cannot.
type CatchUp func(sp *ipam.Space, from int64) bool

// Checkout takes the state of pool name at version v out of the cache for
// a write transaction, catching it up when it is older; nil means the
// caller must load the pool. The caller owns the result until it gives
// it to Work.
func (c *Cache) Checkout(name string, v Version, catchUp CatchUp) *ipam.Space {
	deadline := time.Now().Add(wait)
	c.mu.Lock()
	for {
		e, ok := c.m[name]
		if !ok || e.v.ID != v.ID || e.v.Epoch != v.Epoch || e.v.Gen > v.Gen {
			c.mu.Unlock()
			return nil
		}
		if !e.out {
			e.out = true
			c.mu.Unlock()
			if e.v.Gen < v.Gen && !catchUp(e.sp, e.v.Gen) {
				c.Drop(name)
				return nil
			}
			return e.sp
		}
		// Another transaction has it; it is committing or rolling back.
		if c.returned == nil {
			c.returned = make(chan struct{})
		}
		ch := c.returned
		left := time.Until(deadline)
		c.mu.Unlock()
		if left <= 0 {
			return nil
		}
		select {
		case <-ch:
		case <-time.After(left):
		}
		c.mu.Lock()
	}
}

// Peek returns a copy of the state of pool name at version v for a read
// transaction, or nil when the cache does not hold exactly that state.
func (c *Cache) Peek(name string, v Version) *ipam.Space {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[name]
	if !ok || e.out || e.v != v {
		return nil
	}
	return e.sp.Clone()
}

// Offer stores sp, loaded by a read transaction, as the state at version
// v unless the cache holds the pool checked out or at a newer version.
// The cache takes sp over.
func (c *Cache) Offer(name string, v Version, sp *ipam.Space) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.m[name]; ok && (e.out || e.v.ID == v.ID && (e.v.Epoch > v.Epoch || e.v.Epoch == v.Epoch && e.v.Gen >= v.Gen)) {
		return
	}
	c.set(name, &entry{v: v, sp: sp})
}

// put returns a checked-out state, or records a new one.
func (c *Cache) put(name string, v Version, sp *ipam.Space) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.set(name, &entry{v: v, sp: sp})
}

// Drop forgets pool name, returning it if it was checked out.
func (c *Cache) Drop(name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[name]; ok {
		delete(c.m, name)
		c.wake()
	}
}

func (c *Cache) set(name string, e *entry) {
	if c.m == nil {
		c.m = map[string]*entry{}
	}
	c.m[name] = e
	c.wake()
}

func (c *Cache) wake() {
	if c.returned != nil {
		close(c.returned)
		c.returned = nil
	}
}

// Work is the pools a write transaction has read with their lock held,
// kept up to date with its writes. The zero value is ready to use; it is
// not safe for concurrent use.
type Work struct {
	m   map[string]*work
	seq int // the current change of a batch; see Begin
}

type work struct {
	v      Version
	sp     *ipam.Space
	cached bool // checked out of the cache, must go back
	dirty  bool
	broken bool
	seq    int // the change that last tracked or changed it
}

// Begin starts the next change of a batch that shares one transaction
// (SQLite's group commit); Fail undoes what the change did to the
// tracked states after it was rolled back to its savepoint.
func (w *Work) Begin() { w.seq++ }

// Fail marks every state the current change tracked or changed as
// unknown: the database rolled those writes back, and a state loaded
// during the change may include them.
func (w *Work) Fail() {
	for _, x := range w.m {
		if x.seq == w.seq {
			x.broken = true
		}
	}
}

// Has reports whether pool name is tracked, known or not. A pool whose
// state became unknown is still checked out of the cache by this
// transaction, so it must be loaded from the database, not checked out
// again.
func (w *Work) Has(name string) bool {
	_, ok := w.m[name]
	return ok
}

// Track records sp as the state of pool name at version v as this
// transaction read it; cached says it was checked out of the cache. A
// pool tracked before keeps its checkout.
func (w *Work) Track(name string, v Version, sp *ipam.Space, cached bool) {
	if w.m == nil {
		w.m = map[string]*work{}
	}
	if old, ok := w.m[name]; ok {
		cached = cached || old.cached
	}
	w.m[name] = &work{v: v, sp: sp, cached: cached, seq: w.seq}
}

// Space returns the tracked state of pool name, or nil. The state
// belongs to the transaction: it changes with the transaction's writes,
// and callers must not change it themselves.
func (w *Work) Space(name string) *ipam.Space {
	if x, ok := w.m[name]; ok && !x.broken {
		return x.sp
	}
	return nil
}

// Apply changes the tracked state of pool name with fn after the
// transaction wrote to the pool and moved its generation to gen. A pool
// that is not tracked is ignored; if fn fails, the state is no longer
// known and is not cached.
func (w *Work) Apply(name string, gen int64, fn func(*ipam.Space) error) {
	x, ok := w.m[name]
	if !ok || x.broken {
		return
	}
	x.seq = w.seq
	if err := fn(x.sp); err != nil {
		x.broken = true
		return
	}
	x.v.Gen, x.dirty = gen, true
}

// Invalidate marks the tracked state of pool name unknown, after a write
// the state cannot follow (the pool's row or the ranges to avoid).
func (w *Work) Invalidate(name string) {
	if x, ok := w.m[name]; ok {
		x.broken = true
	}
}

// Commit returns every tracked state to c after the transaction
// committed: the ones it changed at their new version.
func (w *Work) Commit(c *Cache) {
	for name, x := range w.m {
		switch {
		case x.broken:
			c.Drop(name)
		case x.cached || x.dirty:
			c.put(name, x.v, x.sp)
		default:
			c.Offer(name, x.v, x.sp)
		}
	}
	w.m = nil
}

// Abort returns the states the transaction did not change to c after a
// rollback, and drops the others.
func (w *Work) Abort(c *Cache) {
	for name, x := range w.m {
		switch {
		case x.broken || x.dirty:
			if x.cached {
				c.Drop(name)
			}
		case x.cached:
			c.put(name, x.v, x.sp)
		}
	}
	w.m = nil
}

// Apply brings sp up to date with rows written since it was cached:
// allocations and reservations that are live and missing are added, and
// those released but present are removed.
func Apply(sp *ipam.Space, allocs []ipam.Allocation, res []ipam.Reservation) error {
	for _, a := range allocs {
		_, present := sp.Allocation(a.ID)
		switch {
		case a.State == ipam.StateLive && !present:
			if err := sp.Add(a); err != nil {
				return err
			}
		case a.State != ipam.StateLive && present:
			if _, err := sp.Release(a.ID, a.ReleasedAt); err != nil {
				return err
			}
		}
	}
	for _, r := range res {
		_, present := sp.Reservation(r.ID)
		switch {
		case r.State == ipam.StateLive && !present:
			if err := sp.AddReservation(r); err != nil {
				return err
			}
		case r.State != ipam.StateLive && present:
			if _, err := sp.ReleaseReservation(r.ID, r.ReleasedAt); err != nil {
				return err
			}
		}
	}
	return nil
}
