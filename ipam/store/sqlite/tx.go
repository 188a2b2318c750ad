package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/aksnet/aksnet/ipam"
	"github.com/aksnet/aksnet/ipam/store"
	"github.com/aksnet/aksnet/ipam/store/internal/codec"
	"github.com/aksnet/aksnet/ipam/store/internal/spacecache"
)

// txn is one transaction; write is true inside Update.
type txn struct {
	ctx   context.Context
	q     *sql.Tx
	s     *Store
	write bool
	work  *spacecache.Work // shared by the batch; nil in View
}

var _ store.Tx = (*txn)(nil)

func micros(t time.Time) int64 { return t.UnixMicro() }

func fromMicros(v int64) time.Time { return time.UnixMicro(v).UTC() }

func nullMicros(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return fromMicros(v.Int64)
}

func orNull(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return micros(t)
}

type scanner interface{ Scan(dest ...any) error }

const poolCols = `id, name, cidr, purpose, tags, description, created_at, generation, epoch`

func scanPool(r scanner) (p ipam.Pool, v spacecache.Version, err error) {
	var cidrText, purpose, tags string
	var created int64
	if err = r.Scan(&v.ID, &p.Name, &cidrText, &purpose, &tags, &p.Description, &created, &v.Gen, &v.Epoch); err != nil {
		return
	}
	p.Purpose, p.CreatedAt = ipam.Purpose(purpose), fromMicros(created)
	if p.CIDR, err = codec.Prefix(cidrText); err != nil {
		return
	}
	p.Tags, err = codec.ParseTags(tags)
	return
}

const allocCols = `id, pool, cidr, owner, cluster, purpose, tags, idem_key, request, reservation, state, created_at, released_at`

func scanAlloc(r scanner) (a ipam.Allocation, err error) {
	var cidrText, tags, state string
	var key sql.NullString
	var created int64
	var released sql.NullInt64
	if err = r.Scan(&a.ID, &a.Pool, &cidrText, &a.Owner, &a.Cluster, &a.Purpose, &tags, &key, &a.Request,
		&a.Reservation, &state, &created, &released); err != nil {
		return
	}
	a.IdempotencyKey, a.State = key.String, ipam.State(state)
	a.CreatedAt, a.ReleasedAt = fromMicros(created), nullMicros(released)
	if a.CIDR, err = codec.Prefix(cidrText); err != nil {
		return
	}
	a.Tags, err = codec.ParseTags(tags)
	return
}

const resCols = `id, pool, cidr, owner, cluster, purpose, tags, note, state, created_at, released_at`

func scanRes(r scanner) (x ipam.Reservation, err error) {
	var cidrText, tags, state string
	var created int64
	var released sql.NullInt64
	if err = r.Scan(&x.ID, &x.Pool, &cidrText, &x.Owner, &x.Cluster, &x.Purpose, &tags, &x.Note, &state,
		&created, &released); err != nil {
		return
	}
	x.State, x.CreatedAt, x.ReleasedAt = ipam.State(state), fromMicros(created), nullMicros(released)
	if x.CIDR, err = codec.Prefix(cidrText); err != nil {
		return
	}
	x.Tags, err = codec.ParseTags(tags)
	return
}

// collect runs a query and scans every row with scan.
func collect[T any](t *txn, scan func(scanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := t.q.QueryContext(t.ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("ipam sqlite: %w", err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("ipam sqlite: %w", err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ipam sqlite: %w", err)
	}
	return out, nil
}

func notFound(err error, format string, args ...any) error {
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%w: "+format, append([]any{ipam.ErrNotFound}, args...)...)
	}
	return fmt.Errorf("ipam sqlite: %w", err)
}

func (t *txn) poolRow(name string) (ipam.Pool, spacecache.Version, error) {
	p, v, err := scanPool(t.q.QueryRowContext(t.ctx, `SELECT `+poolCols+` FROM pools WHERE name = ?`, name))
	if err != nil {
		return ipam.Pool{}, v, notFound(err, "no pool %q", name)
	}
	return p, v, nil
}

func (t *txn) Pool(name string) (ipam.Pool, error) {
	p, _, err := t.poolRow(name)
	return p, err
}

func (t *txn) Pools() ([]ipam.Pool, error) {
	return collect(t, func(r scanner) (ipam.Pool, error) {
		p, _, err := scanPool(r)
		return p, err
	}, `SELECT `+poolCols+` FROM pools ORDER BY first`)
}

// Space returns the pool's state. In a write transaction, which already
// holds SQLite's write lock (BEGIN IMMEDIATE) and so the pool lock the
// interface promises, the state is the transaction's own and follows its
// writes; in a read transaction it is a copy.
func (t *txn) Space(name string) (*ipam.Space, error) {
	if t.write {
		if sp := t.work.Space(name); sp != nil {
			return sp, nil
		}
	}
	p, v, err := t.poolRow(name)
	if err != nil {
		return nil, err
	}
	if t.write && !t.work.Has(name) {
		if sp := t.s.cache.Checkout(name, v, t.catchUp(name)); sp != nil {
			t.work.Track(name, v, sp, true)
			return sp, nil
		}
	} else if sp := t.s.cache.Peek(name, v); sp != nil {
		return sp, nil
	}
	sp, err := t.load(p)
	if err != nil {
		return nil, err
	}
	if t.write {
		t.work.Track(name, v, sp, false)
	} else {
		t.s.cache.Offer(name, v, sp.Clone())
	}
	return sp, nil
}

// load reads the pool's live allocations and reservations and the avoid
// ranges that overlap it.
func (t *txn) load(p ipam.Pool) (*ipam.Space, error) {
	allocs, err := collect(t, scanAlloc, `SELECT `+allocCols+` FROM allocations WHERE pool = ? AND state = 'live'`, p.Name)
	if err != nil {
		return nil, err
	}
	res, err := collect(t, scanRes, `SELECT `+resCols+` FROM reservations WHERE pool = ? AND state = 'live'`, p.Name)
	if err != nil {
		return nil, err
	}
	first, last := codec.Bounds(p.CIDR)
	avoid, err := collect(t, scanAvoid, `SELECT cidr, name, reason FROM avoid WHERE first <= ? AND last >= ?`, last, first)
	if err != nil {
		return nil, err
	}
	sp, err := ipam.NewSpace(p, allocs, res, avoid)
	if err != nil {
		return nil, fmt.Errorf("ipam sqlite %s: %w", t.s.path, err)
	}
	return sp, nil
}

// catchUp applies the allocations and reservations of pool written after
// a cached generation (another process's writes).
func (t *txn) catchUp(pool string) spacecache.CatchUp {
	return func(sp *ipam.Space, from int64) bool {
		allocs, err := collect(t, scanAlloc, `SELECT `+allocCols+` FROM allocations WHERE pool = ? AND gen > ? ORDER BY id`, pool, from)
		if err != nil {
			return false
		}
		res, err := collect(t, scanRes, `SELECT `+resCols+` FROM reservations WHERE pool = ? AND gen > ? ORDER BY id`, pool, from)
		if err != nil {
			return false
		}
		return spacecache.Apply(sp, allocs, res) == nil
	}
}

func scanAvoid(r scanner) (ipam.Avoid, error) {
	var a ipam.Avoid
	var cidrText string
	if err := r.Scan(&cidrText, &a.Name, &a.Reason); err != nil {
		return a, err
	}
	var err error
	a.CIDR, err = codec.Prefix(cidrText)
	return a, err
}

func (t *txn) Allocation(id int64) (ipam.Allocation, error) {
	a, err := scanAlloc(t.q.QueryRowContext(t.ctx, `SELECT `+allocCols+` FROM allocations WHERE id = ?`, id))
	if err != nil {
		return a, notFound(err, "no allocation %d", id)
	}
	return a, nil
}

func (t *txn) AllocationByKey(pool, key string) (ipam.Allocation, error) {
	a, err := scanAlloc(t.q.QueryRowContext(t.ctx,
		`SELECT `+allocCols+` FROM allocations WHERE pool = ? AND idem_key = ?`, pool, key))
	if err != nil {
		return a, notFound(err, "no allocation in pool %s with idempotency key %q", pool, key)
	}
	return a, nil
}

// where builds a WHERE clause from conditions.
type where struct {
	conds []string
	args  []any
}

func (w *where) add(cond string, args ...any) {
	w.conds = append(w.conds, cond)
	w.args = append(w.args, args...)
}

func (w *where) String() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

func (w *where) overlapping(p netip.Prefix) {
	if p.IsValid() {
		first, last := codec.Bounds(p.Masked())
		w.add("first <= ? AND last >= ?", last, first)
	}
}

func limit(n int) string {
	if n > 0 {
		return fmt.Sprintf(" LIMIT %d", n)
	}
	return ""
}

func (t *txn) Allocations(f store.AllocationFilter) ([]ipam.Allocation, error) {
	var w where
	if f.Pool != "" {
		w.add("pool = ?", f.Pool)
	}
	if f.Owner != "" {
		w.add("owner = ?", f.Owner)
	}
	if f.Cluster != "" {
		w.add("cluster = ?", f.Cluster)
	}
	if f.Purpose != "" {
		w.add("purpose = ?", f.Purpose)
	}
	if f.State != "" {
		w.add("state = ?", string(f.State))
	}
	if f.AfterID > 0 {
		w.add("id > ?", f.AfterID)
	}
	w.overlapping(f.Overlapping)
	return collect(t, scanAlloc, `SELECT `+allocCols+` FROM allocations`+w.String()+` ORDER BY id`+limit(f.Limit), w.args...)
}

func (t *txn) Reservation(id int64) (ipam.Reservation, error) {
	r, err := scanRes(t.q.QueryRowContext(t.ctx, `SELECT `+resCols+` FROM reservations WHERE id = ?`, id))
	if err != nil {
		return r, notFound(err, "no reservation %d", id)
	}
	return r, nil
}

func (t *txn) Reservations(f store.ReservationFilter) ([]ipam.Reservation, error) {
	var w where
	if f.Pool != "" {
		w.add("pool = ?", f.Pool)
	}
	if f.Owner != "" {
		w.add("owner = ?", f.Owner)
	}
	if f.State != "" {
		w.add("state = ?", string(f.State))
	}
	if f.AfterID > 0 {
		w.add("id > ?", f.AfterID)
	}
	w.overlapping(f.Overlapping)
	return collect(t, scanRes, `SELECT `+resCols+` FROM reservations`+w.String()+` ORDER BY id`+limit(f.Limit), w.args...)
}

func (t *txn) Avoid() ([]ipam.Avoid, error) {
	return collect(t, scanAvoid, `SELECT cidr, name, reason FROM avoid ORDER BY first, last DESC`)
}

// Overlapping uses the fact that pools never overlap each other and live
// allocations (and live reservations) never overlap each other: the rows
// overlapping p are those starting inside p plus at most one starting
// before p and reaching into it.
func (t *txn) Overlapping(p netip.Prefix) (ipam.Snapshot, error) {
	var snap ipam.Snapshot
	if !p.IsValid() {
		return snap, &ipam.InvalidError{Field: "cidr", Msg: "missing or invalid CIDR"}
	}
	first, last := codec.Bounds(p.Masked())
	var err error
	snap.Pools, err = collect(t, func(r scanner) (ipam.Pool, error) {
		p, _, err := scanPool(r)
		return p, err
	}, `SELECT `+poolCols+` FROM pools WHERE first >= ?1 AND first <= ?2
		UNION ALL SELECT * FROM (SELECT `+poolCols+` FROM pools WHERE first < ?1 ORDER BY first DESC LIMIT 1)`,
		first, last)
	if err != nil {
		return snap, err
	}
	// The second half of each query keeps the row before p even when it
	// ends before p; drop it to keep the snapshot tight.
	snap.Pools = keepOverlapping(snap.Pools, p, func(x ipam.Pool) netip.Prefix { return x.CIDR })
	snap.Allocations, err = collect(t, scanAlloc, `SELECT `+allocCols+` FROM allocations
		WHERE state = 'live' AND first >= ?1 AND first <= ?2
		UNION ALL SELECT * FROM (SELECT `+allocCols+` FROM allocations
		WHERE state = 'live' AND first < ?1 ORDER BY first DESC LIMIT 1)`, first, last)
	if err != nil {
		return snap, err
	}
	snap.Allocations = keepOverlapping(snap.Allocations, p, func(x ipam.Allocation) netip.Prefix { return x.CIDR })
	snap.Reservations, err = collect(t, scanRes, `SELECT `+resCols+` FROM reservations
		WHERE state = 'live' AND first >= ?1 AND first <= ?2
		UNION ALL SELECT * FROM (SELECT `+resCols+` FROM reservations
		WHERE state = 'live' AND first < ?1 ORDER BY first DESC LIMIT 1)`, first, last)
	if err != nil {
		return snap, err
	}
	snap.Reservations = keepOverlapping(snap.Reservations, p, func(x ipam.Reservation) netip.Prefix { return x.CIDR })
	snap.Avoid, err = collect(t, scanAvoid, `SELECT cidr, name, reason FROM avoid WHERE first <= ? AND last >= ? ORDER BY first`, last, first)
	return snap, err
}

func keepOverlapping[T any](xs []T, p netip.Prefix, cidrOf func(T) netip.Prefix) []T {
	out := xs[:0]
	for _, x := range xs {
		if cidrOf(x).Overlaps(p) {
			out = append(out, x)
		}
	}
	return out
}

func (t *txn) Audit(f store.AuditFilter) ([]store.AuditEntry, error) {
	var w where
	if f.Subject != "" {
		w.add("subject = ?", f.Subject)
	}
	if f.Pool != "" {
		w.add("pool = ?", f.Pool)
	}
	if f.Actor != "" {
		w.add("actor = ?", f.Actor)
	}
	if f.BeforeID > 0 {
		w.add("id < ?", f.BeforeID)
	}
	return collect(t, func(r scanner) (store.AuditEntry, error) {
		var e store.AuditEntry
		var at int64
		err := r.Scan(&e.ID, &at, &e.Actor.Name, &e.Actor.Remote, &e.Actor.RequestID, &e.Action, &e.Pool, &e.Subject, &e.Detail)
		e.At = fromMicros(at)
		return e, err
	}, `SELECT id, at, actor, remote, request_id, action, pool, subject, detail FROM audit`+w.String()+
		` ORDER BY id DESC`+limit(f.Limit), w.args...)
}

const tokenCols = `id, name, hash, scopes, created_at, revoked_at`

func scanToken(r scanner) (store.Token, error) {
	var tk store.Token
	var scopes string
	var created int64
	var revoked sql.NullInt64
	if err := r.Scan(&tk.ID, &tk.Name, &tk.Hash, &scopes, &created, &revoked); err != nil {
		return tk, err
	}
	tk.Scopes, tk.CreatedAt, tk.RevokedAt = codec.ParseScopes(scopes), fromMicros(created), nullMicros(revoked)
	return tk, nil
}

func (t *txn) TokenByHash(hash []byte) (store.Token, error) {
	tk, err := scanToken(t.q.QueryRowContext(t.ctx, `SELECT `+tokenCols+` FROM tokens WHERE hash = ?`, hash))
	if err != nil {
		return tk, notFound(err, "no such token")
	}
	return tk, nil
}

func (t *txn) Tokens() ([]store.Token, error) {
	return collect(t, scanToken, `SELECT `+tokenCols+` FROM tokens ORDER BY id`)
}

// ---- writes ----

var errReadOnly = errors.New("ipam sqlite: write in a read-only transaction")

// bump increments a pool's generation and returns the new value.
func (t *txn) bump(pool string) (int64, error) {
	var gen int64
	err := t.q.QueryRowContext(t.ctx, `UPDATE pools SET generation = generation + 1 WHERE name = ? RETURNING generation`, pool).Scan(&gen)
	if err != nil {
		return 0, notFound(err, "no pool %q", pool)
	}
	return gen, nil
}

func (t *txn) CreatePool(p ipam.Pool) error {
	if !t.write {
		return errReadOnly
	}
	if err := p.Validate(); err != nil {
		return err
	}
	first, last := codec.Bounds(p.CIDR)
	_, err := t.q.ExecContext(t.ctx, `INSERT INTO pools (name, cidr, first, last, purpose, tags, description, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		p.Name, p.CIDR.String(), first, last, string(p.Purpose), codec.Tags(p.Tags), p.Description, micros(p.CreatedAt))
	if err != nil {
		return constraint(err, "pool "+p.Name+" "+p.CIDR.String())
	}
	return nil
}

func (t *txn) UpdatePool(p ipam.Pool) error {
	if !t.write {
		return errReadOnly
	}
	res, err := t.q.ExecContext(t.ctx, `UPDATE pools SET purpose = ?, tags = ?, description = ?, epoch = epoch + 1
		WHERE name = ?`, string(p.Purpose), codec.Tags(p.Tags), p.Description, p.Name)
	if err != nil {
		return constraint(err, "pool "+p.Name)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("%w: no pool %q", ipam.ErrNotFound, p.Name)
	}
	t.work.Invalidate(p.Name)
	return nil
}

func (t *txn) DeletePool(name string) error {
	if !t.write {
		return errReadOnly
	}
	var live int
	if err := t.q.QueryRowContext(t.ctx, `SELECT (SELECT COUNT(*) FROM allocations WHERE pool = ?1 AND state = 'live')
		+ (SELECT COUNT(*) FROM reservations WHERE pool = ?1 AND state = 'live')`, name).Scan(&live); err != nil {
		return fmt.Errorf("ipam sqlite: %w", err)
	}
	if live > 0 {
		return fmt.Errorf("%w: pool %s has %d live allocations and reservations", ipam.ErrInUse, name, live)
	}
	res, err := t.q.ExecContext(t.ctx, `DELETE FROM pools WHERE name = ?`, name)
	if err != nil {
		return constraint(err, "pool "+name)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("%w: no pool %q", ipam.ErrNotFound, name)
	}
	t.work.Invalidate(name)
	return nil
}

func checkNew(id int64, state ipam.State, p netip.Prefix, what string) error {
	switch {
	case id != 0:
		return &ipam.InvalidError{Field: "id", Msg: fmt.Sprintf("a new %s has no ID yet (got %d)", what, id)}
	case state != ipam.StateLive:
		return &ipam.InvalidError{Field: "state", Msg: fmt.Sprintf("a new %s is live (got %q)", what, state)}
	case !p.IsValid() || p.Masked() != p:
		return &ipam.InvalidError{Field: "cidr", Msg: fmt.Sprintf("%s %s is not a masked prefix", what, p)}
	}
	return nil
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func (t *txn) InsertAllocation(a ipam.Allocation) (ipam.Allocation, error) {
	if !t.write {
		return a, errReadOnly
	}
	if err := checkNew(a.ID, a.State, a.CIDR, "allocation"); err != nil {
		return a, err
	}
	gen, err := t.bump(a.Pool)
	if err != nil {
		return a, err
	}
	first, last := codec.Bounds(a.CIDR)
	err = t.q.QueryRowContext(t.ctx, `INSERT INTO allocations (pool, cidr, first, last, owner, cluster, purpose, tags,
		idem_key, request, reservation, state, created_at, gen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'live', ?, ?) RETURNING id`,
		a.Pool, a.CIDR.String(), first, last, a.Owner, a.Cluster, a.Purpose, codec.Tags(a.Tags),
		nullString(a.IdempotencyKey), a.Request, a.Reservation, micros(a.CreatedAt), gen).Scan(&a.ID)
	if err != nil {
		return a, constraint(err, fmt.Sprintf("allocation %s in pool %s", a.CIDR, a.Pool))
	}
	t.work.Apply(a.Pool, gen, func(sp *ipam.Space) error { return sp.Add(a) })
	return a, nil
}

func (t *txn) ReleaseAllocation(id int64, at time.Time) (ipam.Allocation, error) {
	if !t.write {
		return ipam.Allocation{}, errReadOnly
	}
	a, err := t.Allocation(id)
	if err != nil {
		return a, err
	}
	if a.State != ipam.StateLive {
		return a, fmt.Errorf("%w: allocation %d (%s) was already released at %s", ipam.ErrInUse, id, a.CIDR,
			a.ReleasedAt.Format(time.RFC3339))
	}
	gen, err := t.bump(a.Pool)
	if err != nil {
		return a, err
	}
	if _, err := t.q.ExecContext(t.ctx, `UPDATE allocations SET state = 'released', released_at = ?, gen = ? WHERE id = ?`,
		micros(at), gen, id); err != nil {
		return a, constraint(err, fmt.Sprintf("release of allocation %d", id))
	}
	t.work.Apply(a.Pool, gen, func(sp *ipam.Space) error { _, err := sp.Release(id, at); return err })
	a.State, a.ReleasedAt = ipam.StateReleased, fromMicros(micros(at))
	return a, nil
}

func (t *txn) InsertReservation(r ipam.Reservation) (ipam.Reservation, error) {
	if !t.write {
		return r, errReadOnly
	}
	if err := checkNew(r.ID, r.State, r.CIDR, "reservation"); err != nil {
		return r, err
	}
	gen, err := t.bump(r.Pool)
	if err != nil {
		return r, err
	}
	first, last := codec.Bounds(r.CIDR)
	err = t.q.QueryRowContext(t.ctx, `INSERT INTO reservations (pool, cidr, first, last, owner, cluster, purpose, tags,
		note, state, created_at, gen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'live', ?, ?) RETURNING id`,
		r.Pool, r.CIDR.String(), first, last, r.Owner, r.Cluster, r.Purpose, codec.Tags(r.Tags), r.Note,
		micros(r.CreatedAt), gen).Scan(&r.ID)
	if err != nil {
		return r, constraint(err, fmt.Sprintf("reservation %s in pool %s", r.CIDR, r.Pool))
	}
	t.work.Apply(r.Pool, gen, func(sp *ipam.Space) error { return sp.AddReservation(r) })
	return r, nil
}

func (t *txn) ReleaseReservation(id int64, at time.Time) (ipam.Reservation, error) {
	if !t.write {
		return ipam.Reservation{}, errReadOnly
	}
	r, err := t.Reservation(id)
	if err != nil {
		return r, err
	}
	if r.State != ipam.StateLive {
		return r, fmt.Errorf("%w: reservation %d (%s) was already released at %s", ipam.ErrInUse, id, r.CIDR,
			r.ReleasedAt.Format(time.RFC3339))
	}
	gen, err := t.bump(r.Pool)
	if err != nil {
		return r, err
	}
	if _, err := t.q.ExecContext(t.ctx, `UPDATE reservations SET state = 'released', released_at = ?, gen = ? WHERE id = ?`,
		micros(at), gen, id); err != nil {
		return r, constraint(err, fmt.Sprintf("release of reservation %d", id))
	}
	t.work.Apply(r.Pool, gen, func(sp *ipam.Space) error { _, err := sp.ReleaseReservation(id, at); return err })
	r.State, r.ReleasedAt = ipam.StateReleased, fromMicros(micros(at))
	return r, nil
}

// bumpOverlapping moves the epoch of every pool p overlaps, whose
// placement state includes the avoid list.
func (t *txn) bumpOverlapping(p netip.Prefix) error {
	first, last := codec.Bounds(p)
	names, err := collect(t, func(r scanner) (string, error) {
		var n string
		return n, r.Scan(&n)
	}, `UPDATE pools SET epoch = epoch + 1 WHERE first <= ? AND last >= ? RETURNING name`, last, first)
	for _, n := range names {
		t.work.Invalidate(n)
	}
	return err
}

func (t *txn) AddAvoid(a ipam.Avoid) error {
	if !t.write {
		return errReadOnly
	}
	if err := a.Validate(); err != nil {
		return err
	}
	first, last := codec.Bounds(a.CIDR)
	if _, err := t.q.ExecContext(t.ctx, `INSERT INTO avoid (cidr, first, last, name, reason) VALUES (?, ?, ?, ?, ?)`,
		a.CIDR.String(), first, last, a.Name, a.Reason); err != nil {
		return constraint(err, "range to avoid "+a.CIDR.String())
	}
	return t.bumpOverlapping(a.CIDR)
}

func (t *txn) RemoveAvoid(p netip.Prefix) (ipam.Avoid, error) {
	if !t.write {
		return ipam.Avoid{}, errReadOnly
	}
	a, err := scanAvoid(t.q.QueryRowContext(t.ctx, `DELETE FROM avoid WHERE cidr = ? RETURNING cidr, name, reason`, p.String()))
	if err != nil {
		return a, notFound(err, "no registered range to avoid %s", p)
	}
	return a, t.bumpOverlapping(a.CIDR)
}

func (t *txn) AppendAudit(e store.AuditEntry) (store.AuditEntry, error) {
	if !t.write {
		return e, errReadOnly
	}
	err := t.q.QueryRowContext(t.ctx, `INSERT INTO audit (at, actor, remote, request_id, action, pool, subject, detail)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, micros(e.At), e.Actor.Name, e.Actor.Remote, e.Actor.RequestID,
		e.Action, e.Pool, e.Subject, e.Detail).Scan(&e.ID)
	if err != nil {
		return e, constraint(err, "audit entry")
	}
	return e, nil
}

func (t *txn) CreateToken(tk store.Token) (store.Token, error) {
	if !t.write {
		return tk, errReadOnly
	}
	err := t.q.QueryRowContext(t.ctx, `INSERT INTO tokens (name, hash, scopes, created_at) VALUES (?, ?, ?, ?) RETURNING id`,
		tk.Name, tk.Hash, codec.Scopes(tk.Scopes), micros(tk.CreatedAt)).Scan(&tk.ID)
	if err != nil {
		return tk, constraint(err, "token "+tk.Name)
	}
	return tk, nil
}

func (t *txn) RevokeToken(id int64, at time.Time) (store.Token, error) {
	if !t.write {
		return store.Token{}, errReadOnly
	}
	tk, err := scanToken(t.q.QueryRowContext(t.ctx, `UPDATE tokens SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?
		RETURNING `+tokenCols, micros(at), id))
	if err != nil {
		return tk, notFound(err, "no token %d", id)
	}
	return tk, nil
}
