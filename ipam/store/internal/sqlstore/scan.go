package sqlstore

import (
	"fmt"
	"time"

	"github.com/aksnet/aksnet/ipam"
	"github.com/aksnet/aksnet/ipam/store"
	"github.com/aksnet/aksnet/ipam/store/internal/codec"
	"github.com/aksnet/aksnet/ipam/store/internal/spacecache"
)

// The columns each scan function reads, in its order.
const (
	poolCols  = `id, name, cidr, purpose, tags, description, created_at, generation, epoch`
	allocCols = `id, pool, cidr, owner, cluster, purpose, tags, idem_key, request, reservation, state, created_at, released_at`
	resCols   = `id, pool, cidr, owner, cluster, purpose, tags, note, state, created_at, released_at`
	avoidCols = `cidr, name, reason`
	auditCols = `id, at, actor, remote, request_id, action, pool, subject, detail`
	tokenCols = `id, name, hash, scopes, created_at, revoked_at`
)

// timeCol is the scan destination of a timestamp column, read through
// the dialect; NULL reads as the zero time.
type timeCol struct {
	parse func(any) (time.Time, error)
	t     time.Time
}

func (c *timeCol) Scan(src any) error {
	if src == nil {
		c.t = time.Time{}
		return nil
	}
	t, err := c.parse(src)
	if err != nil {
		return fmt.Errorf("stored time %v: %w", src, err)
	}
	c.t = t
	return nil
}

func (t *Tx) timeCol() *timeCol { return &timeCol{parse: t.d.ParseTime} }

func (t *Tx) scanPool(r Row) (p ipam.Pool, v spacecache.Version, err error) {
	var cidrText, purpose, tags string
	created := t.timeCol()
	if err = r.Scan(&v.ID, &p.Name, &cidrText, &purpose, &tags, &p.Description, created, &v.Gen, &v.Epoch); err != nil {
		return
	}
	p.Purpose, p.CreatedAt = ipam.Purpose(purpose), created.t
	if p.CIDR, err = codec.Prefix(cidrText); err != nil {
		return
	}
	p.Tags, err = codec.ParseTags(tags)
	return
}

func (t *Tx) scanPoolOnly(r Row) (ipam.Pool, error) {
	p, _, err := t.scanPool(r)
	return p, err
}

func (t *Tx) scanAlloc(r Row) (a ipam.Allocation, err error) {
	var cidrText, tags, state string
	var key *string
	created, released := t.timeCol(), t.timeCol()
	if err = r.Scan(&a.ID, &a.Pool, &cidrText, &a.Owner, &a.Cluster, &a.Purpose, &tags, &key, &a.Request,
		&a.Reservation, &state, created, released); err != nil {
		return
	}
	if key != nil {
		a.IdempotencyKey = *key
	}
	a.State, a.CreatedAt, a.ReleasedAt = ipam.State(state), created.t, released.t
	if a.CIDR, err = codec.Prefix(cidrText); err != nil {
		return
	}
	a.Tags, err = codec.ParseTags(tags)
	return
}

func (t *Tx) scanRes(r Row) (x ipam.Reservation, err error) {
	var cidrText, tags, state string
	created, released := t.timeCol(), t.timeCol()
	if err = r.Scan(&x.ID, &x.Pool, &cidrText, &x.Owner, &x.Cluster, &x.Purpose, &tags, &x.Note, &state,
		created, released); err != nil {
		return
	}
	x.State, x.CreatedAt, x.ReleasedAt = ipam.State(state), created.t, released.t
	if x.CIDR, err = codec.Prefix(cidrText); err != nil {
		return
	}
	x.Tags, err = codec.ParseTags(tags)
	return
}

func scanAvoid(r Row) (ipam.Avoid, error) {
	var a ipam.Avoid
	var cidrText string
	if err := r.Scan(&cidrText, &a.Name, &a.Reason); err != nil {
		return a, err
	}
	var err error
	a.CIDR, err = codec.Prefix(cidrText)
	return a, err
}

func (t *Tx) scanAudit(r Row) (store.AuditEntry, error) {
	var e store.AuditEntry
	at := t.timeCol()
	err := r.Scan(&e.ID, at, &e.Actor.Name, &e.Actor.Remote, &e.Actor.RequestID, &e.Action, &e.Pool, &e.Subject, &e.Detail)
	e.At = at.t
	return e, err
}

func (t *Tx) scanToken(r Row) (store.Token, error) {
	var tk store.Token
	var scopes string
	created, revoked := t.timeCol(), t.timeCol()
	if err := r.Scan(&tk.ID, &tk.Name, &tk.Hash, &scopes, created, revoked); err != nil {
		return tk, err
	}
	tk.Scopes, tk.CreatedAt, tk.RevokedAt = codec.ParseScopes(scopes), created.t, revoked.t
	return tk, nil
}

func scanName(r Row) (string, error) {
	var n string
	return n, r.Scan(&n)
}

// collect runs a query and scans every row with scan.
func collect[T any](t *Tx, scan func(Row) (T, error), query string, args ...any) ([]T, error) {
	rows, err := t.c.Query(t.ctx, query, args...)
	if err != nil {
		return nil, t.wrap(err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, t.wrap(err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, t.wrap(err)
	}
	return out, nil
}
