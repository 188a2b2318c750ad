package postgres

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/aksnet/aksnet/ipam"
	"github.com/aksnet/aksnet/ipam/store"
	"github.com/aksnet/aksnet/ipam/store/internal/codec"
	"github.com/aksnet/aksnet/ipam/store/internal/spacecache"
)

// txn is one transaction; write is true inside Update.
type txn struct {
	ctx   context.Context
	q     *conn
	s     *Store
	write bool
	work  *spacecache.Work // nil in View
}

var _ store.Tx = (*txn)(nil)

func utc(t time.Time) time.Time { return t.UTC() }

func nullTime(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

type scanner interface{ Scan(dest ...any) error }

const poolCols = `id, name, cidr, purpose, tags, description, created_at, generation, epoch`

func scanPool(r scanner) (p ipam.Pool, v spacecache.Version, err error) {
	var cidrText, purpose, tags string
	if err = r.Scan(&v.ID, &p.Name, &cidrText, &purpose, &tags, &p.Description, &p.CreatedAt, &v.Gen, &v.Epoch); err != nil {
		return
	}
	p.Purpose, p.CreatedAt = ipam.Purpose(purpose), utc(p.CreatedAt)
	if p.CIDR, err = codec.Prefix(cidrText); err != nil {
		return
	}
	p.Tags, err = codec.ParseTags(tags)
	return
}

func scanPoolOnly(r scanner) (ipam.Pool, error) {
	p, _, err := scanPool(r)
	return p, err
}

const allocCols = `id, pool, cidr, owner, cluster, purpose, tags, idem_key, request, reservation, state, created_at, released_at`

func scanAlloc(r scanner) (a ipam.Allocation, err error) {
	var cidrText, tags, state string
	var key *string
	var released *time.Time
	if err = r.Scan(&a.ID, &a.Pool, &cidrText, &a.Owner, &a.Cluster, &a.Purpose, &tags, &key, &a.Request,
		&a.Reservation, &state, &a.CreatedAt, &released); err != nil {
		return
	}
	if key != nil {
		a.IdempotencyKey = *key
	}
	a.State, a.CreatedAt, a.ReleasedAt = ipam.State(state), utc(a.CreatedAt), nullTime(released)
	if a.CIDR, err = codec.Prefix(cidrText); err != nil {
		return
	}
	a.Tags, err = codec.ParseTags(tags)
	return
}

const resCols = `id, pool, cidr, owner, cluster, purpose, tags, note, state, created_at, released_at`

func scanRes(r scanner) (x ipam.Reservation, err error) {
	var cidrText, tags, state string
	var released *time.Time
	if err = r.Scan(&x.ID, &x.Pool, &cidrText, &x.Owner, &x.Cluster, &x.Purpose, &tags, &x.Note, &state,
		&x.CreatedAt, &released); err != nil {
		return
	}
	x.State, x.CreatedAt, x.ReleasedAt = ipam.State(state), utc(x.CreatedAt), nullTime(released)
	if x.CIDR, err = codec.Prefix(cidrText); err != nil {
		return
	}
	x.Tags, err = codec.ParseTags(tags)
	return
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

// collect runs a query and scans every row with scan.
func collect[T any](t *txn, scan func(scanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := t.q.Query(t.ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("ipam postgres: %w", err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("ipam postgres: %w", err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ipam postgres: %w", err)
	}
	return out, nil
}

func notFound(err error, format string, args ...any) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("%w: "+format, append([]any{ipam.ErrNotFound}, args...)...)
	}
	return fmt.Errorf("ipam postgres: %w", err)
}

func (t *txn) poolRow(name string, lock bool) (ipam.Pool, spacecache.Version, error) {
	q := `SELECT ` + poolCols + ` FROM pools WHERE name = $1`
	if lock {
		q += ` FOR UPDATE`
	}
	p, v, err := scanPool(t.q.QueryRow(t.ctx, q, name))
	if err != nil {
		return ipam.Pool{}, v, notFound(err, "no pool %q", name)
	}
	return p, v, nil
}

func (t *txn) Pool(name string) (ipam.Pool, error) {
	p, _, err := t.poolRow(name, false)
	return p, err
}

func (t *txn) Pools() ([]ipam.Pool, error) {
	return collect(t, scanPoolOnly, `SELECT `+poolCols+` FROM pools ORDER BY first`)
}

// Space returns the pool's state. In a write transaction it locks the
// pool's row first; the state is then the transaction's own and follows
// its writes. In a read transaction it is a copy.
func (t *txn) Space(name string) (*ipam.Space, error) {
	if t.write {
		if sp := t.work.Space(name); sp != nil {
			return sp, nil
		}
	}
	p, v, err := t.poolRow(name, t.write)
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
	allocs, err := collect(t, scanAlloc, `SELECT `+allocCols+` FROM allocations WHERE pool = $1 AND state = 'live'`, p.Name)
	if err != nil {
		return nil, err
	}
	res, err := collect(t, scanRes, `SELECT `+resCols+` FROM reservations WHERE pool = $1 AND state = 'live'`, p.Name)
	if err != nil {
		return nil, err
	}
	first, last := codec.Bounds(p.CIDR)
	avoid, err := collect(t, scanAvoid, `SELECT cidr, name, reason FROM avoid WHERE first <= $1 AND last >= $2`, last, first)
	if err != nil {
		return nil, err
	}
	sp, err := ipam.NewSpace(p, allocs, res, avoid)
	if err != nil {
		return nil, fmt.Errorf("ipam postgres: %w", err)
	}
	return sp, nil
}

// catchUp applies the allocations and reservations of pool written after
// a cached generation (another server's writes).
func (t *txn) catchUp(pool string) spacecache.CatchUp {
	return func(sp *ipam.Space, from int64) bool {
		allocs, err := collect(t, scanAlloc, `SELECT `+allocCols+` FROM allocations WHERE pool = $1 AND gen > $2 ORDER BY id`, pool, from)
		if err != nil {
			return false
		}
		res, err := collect(t, scanRes, `SELECT `+resCols+` FROM reservations WHERE pool = $1 AND gen > $2 ORDER BY id`, pool, from)
		if err != nil {
			return false
		}
		return spacecache.Apply(sp, allocs, res) == nil
	}
}

func (t *txn) Allocation(id int64) (ipam.Allocation, error) {
	a, err := scanAlloc(t.q.QueryRow(t.ctx, `SELECT `+allocCols+` FROM allocations WHERE id = $1`, id))
	if err != nil {
		return a, notFound(err, "no allocation %d", id)
	}
	return a, nil
}

func (t *txn) AllocationByKey(pool, key string) (ipam.Allocation, error) {
	a, err := scanAlloc(t.q.QueryRow(t.ctx,
		`SELECT `+allocCols+` FROM allocations WHERE pool = $1 AND idem_key = $2`, pool, key))
	if err != nil {
		return a, notFound(err, "no allocation in pool %s with idempotency key %q", pool, key)
	}
	return a, nil
}

// where builds a WHERE clause; conditions use one %d verb per argument,
// replaced by the argument's $n.
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

func (w *where) String() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

func (w *where) overlapping(p netip.Prefix) {
	if p.IsValid() {
		first, last := codec.Bounds(p.Masked())
		w.add("first <= $%d AND last >= $%d", last, first)
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
		w.add("pool = $%d", f.Pool)
	}
	if f.Owner != "" {
		w.add("owner = $%d", f.Owner)
	}
	if f.Cluster != "" {
		w.add("cluster = $%d", f.Cluster)
	}
	if f.Purpose != "" {
		w.add("purpose = $%d", f.Purpose)
	}
	if f.State != "" {
		w.add("state = $%d", string(f.State))
	}
	if f.AfterID > 0 {
		w.add("id > $%d", f.AfterID)
	}
	w.overlapping(f.Overlapping)
	return collect(t, scanAlloc, `SELECT `+allocCols+` FROM allocations`+w.String()+` ORDER BY id`+limit(f.Limit), w.args...)
}

func (t *txn) Reservation(id int64) (ipam.Reservation, error) {
	r, err := scanRes(t.q.QueryRow(t.ctx, `SELECT `+resCols+` FROM reservations WHERE id = $1`, id))
	if err != nil {
		return r, notFound(err, "no reservation %d", id)
	}
	return r, nil
}

func (t *txn) Reservations(f store.ReservationFilter) ([]ipam.Reservation, error) {
	var w where
	if f.Pool != "" {
		w.add("pool = $%d", f.Pool)
	}
	if f.Owner != "" {
		w.add("owner = $%d", f.Owner)
	}
	if f.State != "" {
		w.add("state = $%d", string(f.State))
	}
	if f.AfterID > 0 {
		w.add("id > $%d", f.AfterID)
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
	p = p.Masked()
	first, last := codec.Bounds(p)
	var err error
	snap.Pools, err = collect(t, scanPoolOnly, `(SELECT `+poolCols+` FROM pools WHERE first >= $1 AND first <= $2)
		UNION ALL (SELECT `+poolCols+` FROM pools WHERE first < $1 ORDER BY first DESC LIMIT 1)`, first, last)
	if err != nil {
		return snap, err
	}
	snap.Pools = keepOverlapping(snap.Pools, p, func(x ipam.Pool) netip.Prefix { return x.CIDR })
	snap.Allocations, err = collect(t, scanAlloc, `(SELECT `+allocCols+` FROM allocations
		WHERE state = 'live' AND first >= $1 AND first <= $2)
		UNION ALL (SELECT `+allocCols+` FROM allocations WHERE state = 'live' AND first < $1 ORDER BY first DESC LIMIT 1)`,
		first, last)
	if err != nil {
		return snap, err
	}
	snap.Allocations = keepOverlapping(snap.Allocations, p, func(x ipam.Allocation) netip.Prefix { return x.CIDR })
	snap.Reservations, err = collect(t, scanRes, `(SELECT `+resCols+` FROM reservations
		WHERE state = 'live' AND first >= $1 AND first <= $2)
		UNION ALL (SELECT `+resCols+` FROM reservations WHERE state = 'live' AND first < $1 ORDER BY first DESC LIMIT 1)`,
		first, last)
	if err != nil {
		return snap, err
	}
	snap.Reservations = keepOverlapping(snap.Reservations, p, func(x ipam.Reservation) netip.Prefix { return x.CIDR })
	snap.Avoid, err = collect(t, scanAvoid, `SELECT cidr, name, reason FROM avoid WHERE first <= $1 AND last >= $2 ORDER BY first`, last, first)
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
		w.add("subject = $%d", f.Subject)
	}
	if f.Pool != "" {
		w.add("pool = $%d", f.Pool)
	}
	if f.Actor != "" {
		w.add("actor = $%d", f.Actor)
	}
	if f.BeforeID > 0 {
		w.add("id < $%d", f.BeforeID)
	}
	return collect(t, func(r scanner) (store.AuditEntry, error) {
		var e store.AuditEntry
		err := r.Scan(&e.ID, &e.At, &e.Actor.Name, &e.Actor.Remote, &e.Actor.RequestID, &e.Action, &e.Pool, &e.Subject, &e.Detail)
		e.At = e.At.UTC()
		return e, err
	}, `SELECT id, at, actor, remote, request_id, action, pool, subject, detail FROM audit`+w.String()+
		` ORDER BY id DESC`+limit(f.Limit), w.args...)
}

const tokenCols = `id, name, hash, scopes, created_at, revoked_at`

func scanToken(r scanner) (store.Token, error) {
	var tk store.Token
	var scopes string
	var revoked *time.Time
	if err := r.Scan(&tk.ID, &tk.Name, &tk.Hash, &scopes, &tk.CreatedAt, &revoked); err != nil {
		return tk, err
	}
	tk.Scopes, tk.CreatedAt, tk.RevokedAt = codec.ParseScopes(scopes), utc(tk.CreatedAt), nullTime(revoked)
	return tk, nil
}

func (t *txn) TokenByHash(hash []byte) (store.Token, error) {
	tk, err := scanToken(t.q.QueryRow(t.ctx, `SELECT `+tokenCols+` FROM tokens WHERE hash = $1`, hash))
	if err != nil {
		return tk, notFound(err, "no such token")
	}
	return tk, nil
}

func (t *txn) Tokens() ([]store.Token, error) {
	return collect(t, scanToken, `SELECT `+tokenCols+` FROM tokens ORDER BY id`)
}

// ---- writes ----

var errReadOnly = errors.New("ipam postgres: write in a read-only transaction")

// bump increments a pool's generation and returns the new value.
func (t *txn) bump(pool string) (int64, error) {
	var gen int64
	err := t.q.QueryRow(t.ctx, `UPDATE pools SET generation = generation + 1 WHERE name = $1 RETURNING generation`, pool).Scan(&gen)
	if err != nil {
		return 0, notFound(err, "no pool %q", pool)
	}
	return gen, nil
}

// overlapsLive reports whether a live row of table (allocations or
// reservations; pools when live is false) overlaps [first, last]. Rows
// of each table never overlap each other, so the row with the largest
// start not after last is the only candidate. It is the serializable
// guard's replacement for an exclusion constraint.
func (t *txn) overlapsLive(table string, live bool, first, last []byte) (bool, error) {
	cond := ""
	if live {
		cond = "state = 'live' AND "
	}
	var end []byte
	err := t.q.QueryRow(t.ctx, `SELECT last FROM `+table+` WHERE `+cond+`first <= $1 ORDER BY first DESC LIMIT 1`, last).Scan(&end)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("ipam postgres: %w", err)
	}
	return bytes.Compare(end, first) >= 0, nil
}

func (t *txn) CreatePool(p ipam.Pool) error {
	if !t.write {
		return errReadOnly
	}
	if err := p.Validate(); err != nil {
		return err
	}
	first, last := codec.Bounds(p.CIDR)
	what := "pool " + p.Name + " " + p.CIDR.String()
	if t.s.guard == GuardSerializable {
		if hit, err := t.overlapsLive("pools", false, first, last); err != nil || hit {
			if hit {
				err = fmt.Errorf("%w: %s overlaps a registered pool", ipam.ErrConflict, what)
			}
			return err
		}
	}
	_, err := t.q.Exec(t.ctx, `INSERT INTO pools (name, cidr, first, last, purpose, tags, description, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		p.Name, p.CIDR.String(), first, last, string(p.Purpose), codec.Tags(p.Tags), p.Description, p.CreatedAt)
	if err != nil {
		return constraint(err, what)
	}
	return nil
}

func (t *txn) UpdatePool(p ipam.Pool) error {
	if !t.write {
		return errReadOnly
	}
	tag, err := t.q.Exec(t.ctx, `UPDATE pools SET purpose = $1, tags = $2, description = $3, epoch = epoch + 1
		WHERE name = $4`, string(p.Purpose), codec.Tags(p.Tags), p.Description, p.Name)
	if err != nil {
		return constraint(err, "pool "+p.Name)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("%w: no pool %q", ipam.ErrNotFound, p.Name)
	}
	t.work.Invalidate(p.Name)
	return nil
}

func (t *txn) DeletePool(name string) error {
	if !t.write {
		return errReadOnly
	}
	if _, _, err := t.poolRow(name, true); err != nil {
		return err
	}
	var live int
	if err := t.q.QueryRow(t.ctx, `SELECT (SELECT COUNT(*) FROM allocations WHERE pool = $1 AND state = 'live')
		+ (SELECT COUNT(*) FROM reservations WHERE pool = $1 AND state = 'live')`, name).Scan(&live); err != nil {
		return fmt.Errorf("ipam postgres: %w", err)
	}
	if live > 0 {
		return fmt.Errorf("%w: pool %s has %d live allocations and reservations", ipam.ErrInUse, name, live)
	}
	if _, err := t.q.Exec(t.ctx, `DELETE FROM pools WHERE name = $1`, name); err != nil {
		return constraint(err, "pool "+name)
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
	first, last := codec.Bounds(a.CIDR)
	what := fmt.Sprintf("allocation %s in pool %s", a.CIDR, a.Pool)
	if t.s.guard == GuardSerializable {
		if hit, err := t.overlapsLive("allocations", true, first, last); err != nil || hit {
			if hit {
				err = fmt.Errorf("%w: the database refused %s: it overlaps a live allocation", ipam.ErrConflict, what)
			}
			return a, err
		}
	}
	// One round trip: move the pool's generation and insert the row
	// stamped with it.
	var gen int64
	err := t.q.QueryRow(t.ctx, `WITH g AS (
		UPDATE pools SET generation = generation + 1 WHERE name = $1 RETURNING name, first, last, generation)
		INSERT INTO allocations (pool, pool_first, pool_last, cidr, first, last, owner, cluster,
		purpose, tags, idem_key, request, reservation, state, created_at, gen)
		SELECT name, first, last, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'live', $12, generation FROM g
		RETURNING id, gen`,
		a.Pool, a.CIDR.String(), first, last, a.Owner, a.Cluster, a.Purpose, codec.Tags(a.Tags),
		nullString(a.IdempotencyKey), a.Request, a.Reservation, a.CreatedAt).Scan(&a.ID, &gen)
	if errors.Is(err, pgx.ErrNoRows) {
		return a, fmt.Errorf("%w: %s: no pool %q", ipam.ErrNotFound, what, a.Pool)
	}
	if err != nil {
		return a, constraint(err, what)
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
	gen, err := t.bump(a.Pool)
	if err != nil {
		return a, err
	}
	tag, err := t.q.Exec(t.ctx, `UPDATE allocations SET state = 'released', released_at = $1, gen = $2
		WHERE id = $3 AND state = 'live'`, at, gen, id)
	if err != nil {
		return a, constraint(err, fmt.Sprintf("release of allocation %d", id))
	}
	if tag.RowsAffected() == 0 {
		if cur, err := t.Allocation(id); err == nil {
			a = cur
		}
		return a, fmt.Errorf("%w: allocation %d (%s) was already released at %s", ipam.ErrInUse, id, a.CIDR,
			a.ReleasedAt.Format(time.RFC3339))
	}
	t.work.Apply(a.Pool, gen, func(sp *ipam.Space) error { _, err := sp.Release(id, at); return err })
	a.State, a.ReleasedAt = ipam.StateReleased, at.UTC().Truncate(time.Microsecond)
	return a, nil
}

func (t *txn) InsertReservation(r ipam.Reservation) (ipam.Reservation, error) {
	if !t.write {
		return r, errReadOnly
	}
	if err := checkNew(r.ID, r.State, r.CIDR, "reservation"); err != nil {
		return r, err
	}
	first, last := codec.Bounds(r.CIDR)
	what := fmt.Sprintf("reservation %s in pool %s", r.CIDR, r.Pool)
	if t.s.guard == GuardSerializable {
		if hit, err := t.overlapsLive("reservations", true, first, last); err != nil || hit {
			if hit {
				err = fmt.Errorf("%w: the database refused %s: it overlaps a live reservation", ipam.ErrConflict, what)
			}
			return r, err
		}
	}
	gen, err := t.bump(r.Pool)
	if err != nil {
		return r, err
	}
	err = t.q.QueryRow(t.ctx, `INSERT INTO reservations (pool, pool_first, pool_last, cidr, first, last, owner, cluster,
		purpose, tags, note, state, created_at, gen)
		SELECT name, first, last, $2, $3, $4, $5, $6, $7, $8, $9, 'live', $10, $11 FROM pools WHERE name = $1
		RETURNING id`,
		r.Pool, r.CIDR.String(), first, last, r.Owner, r.Cluster, r.Purpose, codec.Tags(r.Tags), r.Note, r.CreatedAt, gen).Scan(&r.ID)
	if err != nil {
		return r, constraint(err, what)
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
	gen, err := t.bump(r.Pool)
	if err != nil {
		return r, err
	}
	tag, err := t.q.Exec(t.ctx, `UPDATE reservations SET state = 'released', released_at = $1, gen = $2
		WHERE id = $3 AND state = 'live'`, at, gen, id)
	if err != nil {
		return r, constraint(err, fmt.Sprintf("release of reservation %d", id))
	}
	if tag.RowsAffected() == 0 {
		if cur, err := t.Reservation(id); err == nil {
			r = cur
		}
		return r, fmt.Errorf("%w: reservation %d (%s) was already released at %s", ipam.ErrInUse, id, r.CIDR,
			r.ReleasedAt.Format(time.RFC3339))
	}
	t.work.Apply(r.Pool, gen, func(sp *ipam.Space) error { _, err := sp.ReleaseReservation(id, at); return err })
	r.State, r.ReleasedAt = ipam.StateReleased, at.UTC().Truncate(time.Microsecond)
	return r, nil
}

// bumpOverlapping moves the epoch of every pool p overlaps, whose
// placement state includes the avoid list.
func (t *txn) bumpOverlapping(p netip.Prefix) error {
	first, last := codec.Bounds(p)
	names, err := collect(t, func(r scanner) (string, error) {
		var n string
		return n, r.Scan(&n)
	}, `UPDATE pools SET epoch = epoch + 1 WHERE first <= $1 AND last >= $2 RETURNING name`, last, first)
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
	if _, err := t.q.Exec(t.ctx, `INSERT INTO avoid (cidr, first, last, name, reason) VALUES ($1, $2, $3, $4, $5)`,
		a.CIDR.String(), first, last, a.Name, a.Reason); err != nil {
		return constraint(err, "range to avoid "+a.CIDR.String())
	}
	return t.bumpOverlapping(a.CIDR)
}

func (t *txn) RemoveAvoid(p netip.Prefix) (ipam.Avoid, error) {
	if !t.write {
		return ipam.Avoid{}, errReadOnly
	}
	a, err := scanAvoid(t.q.QueryRow(t.ctx, `DELETE FROM avoid WHERE cidr = $1 RETURNING cidr, name, reason`, p.String()))
	if err != nil {
		return a, notFound(err, "no registered range to avoid %s", p)
	}
	return a, t.bumpOverlapping(a.CIDR)
}

func (t *txn) AppendAudit(e store.AuditEntry) (store.AuditEntry, error) {
	if !t.write {
		return e, errReadOnly
	}
	err := t.q.QueryRow(t.ctx, `INSERT INTO audit (at, actor, remote, request_id, action, pool, subject, detail)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, e.At, e.Actor.Name, e.Actor.Remote, e.Actor.RequestID,
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
	err := t.q.QueryRow(t.ctx, `INSERT INTO tokens (name, hash, scopes, created_at) VALUES ($1, $2, $3, $4) RETURNING id`,
		tk.Name, tk.Hash, codec.Scopes(tk.Scopes), tk.CreatedAt).Scan(&tk.ID)
	if err != nil {
		return tk, constraint(err, "token "+tk.Name)
	}
	return tk, nil
}

func (t *txn) RevokeToken(id int64, at time.Time) (store.Token, error) {
	if !t.write {
		return store.Token{}, errReadOnly
	}
	tk, err := scanToken(t.q.QueryRow(t.ctx, `UPDATE tokens SET revoked_at = COALESCE(revoked_at, $1) WHERE id = $2
		RETURNING `+tokenCols, at, id))
	if err != nil {
		return tk, notFound(err, "no token %d", id)
	}
	return tk, nil
}
