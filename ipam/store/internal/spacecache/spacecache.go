// Package spacecache keeps the last known placement state of each pool in
// memory, so a backend does not reload every allocation of a pool for
// every decision.
//
// An entry is valid for one version of a pool: the pool's row ID (never
// reused, so a pool deleted and created again under the same name is a
// different pool) and its generation, a counter every write to the pool
// increments in the same transaction. A backend reads both with the pool
// row (under the pool's lock in a read-write transaction), uses the
// entry only when both match, and stores the state it ends with after a
// commit. Writers in other processes bump the generation too, so a stale
// entry is never used.
package spacecache

import (
	"sync"

	"github.com/aksnet/aksnet/ipam"
)

// Cache maps pool names to the state of one version of the pool. The
// zero value is ready to use; it is safe for concurrent use.
type Cache struct {
	mu sync.Mutex
	m  map[string]entry
}

type entry struct {
	id, gen int64
	sp      *ipam.Space
}

// Get returns a copy of the cached state of pool name at version (id,
// gen), or nil.
func (c *Cache) Get(name string, id, gen int64) *ipam.Space {
	c.mu.Lock()
	e, ok := c.m[name]
	c.mu.Unlock()
	if !ok || e.id != id || e.gen != gen {
		return nil
	}
	return e.sp.Clone()
}

// Put records sp as the state of pool name at version (id, gen). The
// cache takes sp over: the caller must not change it afterwards. An
// older generation never replaces a newer one of the same pool.
func (c *Cache) Put(name string, id, gen int64, sp *ipam.Space) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]entry{}
	}
	if e, ok := c.m[name]; ok && e.id == id && e.gen > gen {
		return
	}
	c.m[name] = entry{id: id, gen: gen, sp: sp}
}

// Forget drops the entry of pool name.
func (c *Cache) Forget(name string) {
	c.mu.Lock()
	delete(c.m, name)
	c.mu.Unlock()
}

// Work is a transaction's own copy of the pools it has read with their
// lock held, kept up to date with the transaction's writes. The zero
// value is ready to use; it is not safe for concurrent use.
type Work struct {
	m map[string]*work
}

type work struct {
	id, gen int64
	sp      *ipam.Space
	dirty   bool
	broken  bool
}

// Track records sp (owned by Work from now on) as the state of pool name
// at version (id, gen) as this transaction read it.
func (w *Work) Track(name string, id, gen int64, sp *ipam.Space) {
	if w.m == nil {
		w.m = map[string]*work{}
	}
	w.m[name] = &work{id: id, gen: gen, sp: sp}
}

// Space returns a copy of the tracked state of pool name, or nil.
func (w *Work) Space(name string) *ipam.Space {
	if x, ok := w.m[name]; ok && !x.broken {
		return x.sp.Clone()
	}
	return nil
}

// Apply changes the tracked state of pool name with fn after the
// transaction wrote to the pool and moved its generation to gen. A pool
// that is not tracked is ignored; if fn fails, the pool's state is no
// longer known and nothing is cached for it.
func (w *Work) Apply(name string, gen int64, fn func(*ipam.Space) error) {
	x, ok := w.m[name]
	if !ok || x.broken {
		return
	}
	if err := fn(x.sp); err != nil {
		x.broken = true
		return
	}
	x.gen, x.dirty = gen, true
}

// Forget stops tracking pool name.
func (w *Work) Forget(name string) { delete(w.m, name) }

// Commit stores the state of every pool the transaction changed in c;
// call it after the transaction committed.
func (w *Work) Commit(c *Cache) {
	for name, x := range w.m {
		if x.dirty && !x.broken {
			c.Put(name, x.id, x.gen, x.sp)
		}
	}
}
