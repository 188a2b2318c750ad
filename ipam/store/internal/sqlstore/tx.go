package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"

	"github.com/aksnet/aksnet/ipam"
	"github.com/aksnet/aksnet/ipam/store"
	"github.com/aksnet/aksnet/ipam/store/internal/codec"
	"github.com/aksnet/aksnet/ipam/store/internal/spacecache"
)

// Tx is a registry transaction over a Conn: a store.ReadTx in a read
// transaction, a store.Tx in a write transaction.
type Tx struct {
	ctx   context.Context
	c     Conn
	d     *Dialect
	cache *spacecache.Cache
	work  *spacecache.Work // nil in a read transaction
}

var _ store.Tx = (*Tx)(nil)

// NewTx returns a transaction on c that keeps pool states in cache. work
// is the placement state of the write transaction (shared by the updates
// of a batch); nil makes a read transaction, whose writes fail.
func NewTx(ctx context.Context, c Conn, d *Dialect, cache *spacecache.Cache, work *spacecache.Work) *Tx {
	return &Tx{ctx: ctx, c: c, d: d, cache: cache, work: work}
}

func (t *Tx) write() bool { return t.work != nil }

// QueryRow runs a statement that returns at most one row.
func (t *Tx) QueryRow(query string, args ...any) Row { return t.c.QueryRow(t.ctx, query, args...) }

// wrap marks an error as the database's.
func (t *Tx) wrap(err error) error { return fmt.Errorf("%s: %w", t.d.Name, err) }

// notFound turns a missing row into ipam.ErrNotFound with the message
// format, args; other errors are the database's.
func (t *Tx) notFound(err error, format string, args ...any) error {
	if errors.Is(err, t.d.NoRows) {
		return fmt.Errorf("%w: "+format, append([]any{ipam.ErrNotFound}, args...)...)
	}
	return t.wrap(err)
}

func (t *Tx) poolRow(name string, lock bool) (ipam.Pool, spacecache.Version, error) {
	q := `SELECT ` + poolCols + ` FROM pools WHERE name = $1`
	if lock {
		q += t.d.LockPool
	}
	p, v, err := t.scanPool(t.QueryRow(q, name))
	if err != nil {
		return ipam.Pool{}, v, t.notFound(err, "no pool %q", name)
	}
	return p, v, nil
}

func (t *Tx) Pool(name string) (ipam.Pool, error) {
	p, _, err := t.poolRow(name, false)
	return p, err
}

func (t *Tx) Pools() ([]ipam.Pool, error) {
	return collect(t, t.scanPoolOnly, `SELECT `+poolCols+` FROM pools ORDER BY first`)
}

// Space returns the pool's state. In a write transaction it locks the
// pool first (LockPool), and the state is then the transaction's own
// and follows its writes; in a read transaction it is a copy.
func (t *Tx) Space(name string) (*ipam.Space, error) {
	if t.write() {
		if sp := t.work.Space(name); sp != nil {
			return sp, nil
		}
	}
	p, v, err := t.poolRow(name, t.write())
	if err != nil {
		return nil, err
	}
	if t.write() && !t.work.Has(name) {
		if sp := t.cache.Checkout(name, v, t.catchUp(name)); sp != nil {
			t.work.Track(name, v, sp, true)
			return sp, nil
		}
	} else if sp := t.cache.Peek(name, v); sp != nil {
		return sp, nil
	}
	sp, err := t.load(p)
	if err != nil {
		return nil, err
	}
	if t.write() {
		t.work.Track(name, v, sp, false)
	} else {
		t.cache.Offer(name, v, sp.Clone())
	}
	return sp, nil
}

// load reads the pool's live allocations and reservations and the avoid
// ranges that overlap it.
func (t *Tx) load(p ipam.Pool) (*ipam.Space, error) {
	allocs, err := collect(t, t.scanAlloc, `SELECT `+allocCols+` FROM allocations WHERE pool = $1 AND state = 'live'`, p.Name)
	if err != nil {
		return nil, err
	}
	res, err := collect(t, t.scanRes, `SELECT `+resCols+` FROM reservations WHERE pool = $1 AND state = 'live'`, p.Name)
	if err != nil {
		return nil, err
	}
	first, last := codec.Bounds(p.CIDR)
	avoid, err := collect(t, scanAvoid, `SELECT `+avoidCols+` FROM avoid WHERE first <= $1 AND last >= $2`, last, first)
	if err != nil {
		return nil, err
	}
	sp, err := ipam.NewSpace(p, allocs, res, avoid)
	if err != nil {
		source := t.d.Source
		if source == "" {
			source = t.d.Name
		}
		return nil, fmt.Errorf("%s: %w", source, err)
	}
	return sp, nil
}

// catchUp applies the allocations and reservations of pool written after
// a cached generation (another process's writes).
func (t *Tx) catchUp(pool string) spacecache.CatchUp {
	return func(sp *ipam.Space, from int64) bool {
		allocs, err := collect(t, t.scanAlloc, `SELECT `+allocCols+` FROM allocations WHERE pool = $1 AND gen > $2 ORDER BY id`, pool, from)
		if err != nil {
			return false
		}
		res, err := collect(t, t.scanRes, `SELECT `+resCols+` FROM reservations WHERE pool = $1 AND gen > $2 ORDER BY id`, pool, from)
		if err != nil {
			return false
		}
		return spacecache.Apply(sp, allocs, res) == nil
	}
}

func (t *Tx) Allocation(id int64) (ipam.Allocation, error) {
	a, err := t.scanAlloc(t.QueryRow(`SELECT `+allocCols+` FROM allocations WHERE id = $1`, id))
	if err != nil {
		return a, t.notFound(err, "no allocation %d", id)
	}
	return a, nil
}

func (t *Tx) AllocationByKey(pool, key string) (ipam.Allocation, error) {
	a, err := t.scanAlloc(t.QueryRow(`SELECT `+allocCols+` FROM allocations WHERE pool = $1 AND idem_key = $2`, pool, key))
	if err != nil {
		return a, t.notFound(err, "no allocation in pool %s with idempotency key %q", pool, key)
	}
	return a, nil
}

func (t *Tx) Allocations(f store.AllocationFilter) ([]ipam.Allocation, error) {
	var w where
	w.equal("pool", f.Pool)
	w.equal("owner", f.Owner)
	w.equal("cluster", f.Cluster)
	w.equal("purpose", f.Purpose)
	w.equal("state", string(f.State))
	w.after(f.AfterID)
	w.overlapping(f.Overlapping)
	return collect(t, t.scanAlloc, `SELECT `+allocCols+` FROM allocations`+w.String()+` ORDER BY id`+limit(f.Limit), w.args...)
}

func (t *Tx) Reservation(id int64) (ipam.Reservation, error) {
	r, err := t.scanRes(t.QueryRow(`SELECT `+resCols+` FROM reservations WHERE id = $1`, id))
	if err != nil {
		return r, t.notFound(err, "no reservation %d", id)
	}
	return r, nil
}

func (t *Tx) Reservations(f store.ReservationFilter) ([]ipam.Reservation, error) {
	var w where
	w.equal("pool", f.Pool)
	w.equal("owner", f.Owner)
	w.equal("state", string(f.State))
	w.after(f.AfterID)
	w.overlapping(f.Overlapping)
	return collect(t, t.scanRes, `SELECT `+resCols+` FROM reservations`+w.String()+` ORDER BY id`+limit(f.Limit), w.args...)
}

func (t *Tx) Avoid() ([]ipam.Avoid, error) {
	return collect(t, scanAvoid, `SELECT `+avoidCols+` FROM avoid ORDER BY first, last DESC`)
}

// Overlapping uses the fact that pools never overlap each other and live
// allocations (and live reservations) never overlap each other: the rows
// overlapping p are those starting inside p plus at most one starting
// before p and reaching into it.
func (t *Tx) Overlapping(p netip.Prefix) (ipam.Snapshot, error) {
	var snap ipam.Snapshot
	if !p.IsValid() {
		return snap, &ipam.InvalidError{Field: "cidr", Msg: "missing or invalid CIDR"}
	}
	p = p.Masked()
	first, last := codec.Bounds(p)
	// The rows starting in p, then the last row starting before p, which
	// may or may not reach into it.
	around := func(cols, from, live string) string {
		return `SELECT ` + cols + ` FROM ` + from + ` WHERE ` + live + `first >= $1 AND first <= $2
			UNION ALL SELECT * FROM (SELECT ` + cols + ` FROM ` + from + ` WHERE ` + live + `first < $1
			ORDER BY first DESC LIMIT 1) AS before_p`
	}
	var err error
	snap.Pools, err = collect(t, t.scanPoolOnly, around(poolCols, "pools", ""), first, last)
	if err != nil {
		return snap, err
	}
	snap.Pools = keepOverlapping(snap.Pools, p, func(x ipam.Pool) netip.Prefix { return x.CIDR })
	snap.Allocations, err = collect(t, t.scanAlloc, around(allocCols, "allocations", "state = 'live' AND "), first, last)
	if err != nil {
		return snap, err
	}
	snap.Allocations = keepOverlapping(snap.Allocations, p, func(x ipam.Allocation) netip.Prefix { return x.CIDR })
	snap.Reservations, err = collect(t, t.scanRes, around(resCols, "reservations", "state = 'live' AND "), first, last)
	if err != nil {
		return snap, err
	}
	snap.Reservations = keepOverlapping(snap.Reservations, p, func(x ipam.Reservation) netip.Prefix { return x.CIDR })
	snap.Avoid, err = collect(t, scanAvoid, `SELECT `+avoidCols+` FROM avoid WHERE first <= $1 AND last >= $2 ORDER BY first`, last, first)
	return snap, err
}

// keepOverlapping drops the row before p that Overlapping reads when it
// ends before p.
func keepOverlapping[T any](xs []T, p netip.Prefix, cidrOf func(T) netip.Prefix) []T {
	out := xs[:0]
	for _, x := range xs {
		if cidrOf(x).Overlaps(p) {
			out = append(out, x)
		}
	}
	return out
}

func (t *Tx) Audit(f store.AuditFilter) ([]store.AuditEntry, error) {
	var w where
	w.equal("subject", f.Subject)
	w.equal("pool", f.Pool)
	w.equal("actor", f.Actor)
	if f.BeforeID > 0 {
		w.add("id < $%d", f.BeforeID)
	}
	return collect(t, t.scanAudit, `SELECT `+auditCols+` FROM audit`+w.String()+` ORDER BY id DESC`+limit(f.Limit), w.args...)
}

func (t *Tx) TokenByHash(hash []byte) (store.Token, error) {
	tk, err := t.scanToken(t.QueryRow(`SELECT `+tokenCols+` FROM tokens WHERE hash = $1`, hash))
	if err != nil {
		return tk, t.notFound(err, "no such token")
	}
	return tk, nil
}

func (t *Tx) Tokens() ([]store.Token, error) {
	return collect(t, t.scanToken, `SELECT `+tokenCols+` FROM tokens ORDER BY id`)
}

// where builds the WHERE clause of a filter. Conditions have one %d verb
// per argument, which becomes the argument's placeholder number.
type where struct {
	conds []string
	args  []any
}

func (w *where) add(cond string, args ...any) {
	nums := make([]any, len(args))
	for i := range args {
		nums[i] = len(w.args) + i + 1
	}
	w.conds = append(w.conds, fmt.Sprintf(cond, nums...))
	w.args = append(w.args, args...)
}

// equal keeps rows whose column is value, unless value is empty.
func (w *where) equal(column, value string) {
	if value != "" {
		w.add(column+" = $%d", value)
	}
}

// after keeps rows with a larger ID than id, unless id is 0.
func (w *where) after(id int64) {
	if id > 0 {
		w.add("id > $%d", id)
	}
}

// overlapping keeps rows that overlap p, unless p is invalid.
func (w *where) overlapping(p netip.Prefix) {
	if p.IsValid() {
		first, last := codec.Bounds(p.Masked())
		w.add("first <= $%d AND last >= $%d", last, first)
	}
}

func (w *where) String() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

func limit(n int) string {
	if n > 0 {
		return fmt.Sprintf(" LIMIT %d", n)
	}
	return ""
}
