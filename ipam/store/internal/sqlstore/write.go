package sqlstore

import (
	"fmt"
	"net/netip"
	"time"

	"github.com/aksnet/aksnet/ipam"
	"github.com/aksnet/aksnet/ipam/store"
	"github.com/aksnet/aksnet/ipam/store/internal/codec"
)

// readOnly is the error of a write in a read transaction.
func (t *Tx) readOnly() error {
	return fmt.Errorf("%s: write in a read-only transaction", t.d.Name)
}

// Bump increments a pool's generation and returns the new value.
func (t *Tx) Bump(pool string) (int64, error) {
	var gen int64
	err := t.QueryRow(`UPDATE pools SET generation = generation + 1 WHERE name = $1 RETURNING generation`, pool).Scan(&gen)
	if err != nil {
		return 0, t.notFound(err, "no pool %q", pool)
	}
	return gen, nil
}

// overlaps asks the dialect's Overlaps, if any, whether a row of table
// overlaps first..last.
func (t *Tx) overlaps(table string, first, last []byte) (bool, error) {
	if t.d.Overlaps == nil {
		return false, nil
	}
	return t.d.Overlaps(t, table, first, last)
}

func (t *Tx) CreatePool(p ipam.Pool) error {
	if !t.write() {
		return t.readOnly()
	}
	if err := p.Validate(); err != nil {
		return err
	}
	first, last := codec.Bounds(p.CIDR)
	what := "pool " + p.Name + " " + p.CIDR.String()
	if hit, err := t.overlaps("pools", first, last); err != nil || hit {
		if hit {
			err = fmt.Errorf("%w: %s overlaps a registered pool", ipam.ErrConflict, what)
		}
		return err
	}
	_, err := t.c.Exec(t.ctx, `INSERT INTO pools (name, cidr, first, last, purpose, tags, description, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		p.Name, p.CIDR.String(), first, last, string(p.Purpose), codec.Tags(p.Tags), p.Description, t.d.Time(p.CreatedAt))
	if err != nil {
		return t.d.Constraint(err, what)
	}
	return nil
}

func (t *Tx) UpdatePool(p ipam.Pool) error {
	if !t.write() {
		return t.readOnly()
	}
	n, err := t.c.Exec(t.ctx, `UPDATE pools SET purpose = $1, tags = $2, description = $3, epoch = epoch + 1
		WHERE name = $4`, string(p.Purpose), codec.Tags(p.Tags), p.Description, p.Name)
	if err != nil {
		return t.d.Constraint(err, "pool "+p.Name)
	}
	if n == 0 {
		return fmt.Errorf("%w: no pool %q", ipam.ErrNotFound, p.Name)
	}
	t.work.Invalidate(p.Name)
	return nil
}

func (t *Tx) DeletePool(name string) error {
	if !t.write() {
		return t.readOnly()
	}
	if t.d.LockPool != "" {
		if _, _, err := t.poolRow(name, true); err != nil {
			return err
		}
	}
	var live int
	if err := t.QueryRow(`SELECT (SELECT COUNT(*) FROM allocations WHERE pool = $1 AND state = 'live')
		+ (SELECT COUNT(*) FROM reservations WHERE pool = $1 AND state = 'live')`, name).Scan(&live); err != nil {
		return t.wrap(err)
	}
	if live > 0 {
		return fmt.Errorf("%w: pool %s has %d live allocations and reservations", ipam.ErrInUse, name, live)
	}
	n, err := t.c.Exec(t.ctx, `DELETE FROM pools WHERE name = $1`, name)
	if err != nil {
		return t.d.Constraint(err, "pool "+name)
	}
	if n == 0 {
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

// NullString is s, or NULL when s is empty.
func NullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func (t *Tx) InsertAllocation(a ipam.Allocation) (ipam.Allocation, error) {
	if !t.write() {
		return a, t.readOnly()
	}
	if err := checkNew(a.ID, a.State, a.CIDR, "allocation"); err != nil {
		return a, err
	}
	first, last := codec.Bounds(a.CIDR)
	what := fmt.Sprintf("allocation %s in pool %s", a.CIDR, a.Pool)
	if hit, err := t.overlaps("allocations", first, last); err != nil || hit {
		if hit {
			err = fmt.Errorf("%w: the database refused %s: it overlaps a live allocation", ipam.ErrConflict, what)
		}
		return a, err
	}
	id, gen, err := t.d.InsertAllocation(t, a, first, last, what)
	if err != nil {
		return a, err
	}
	a.ID = id
	t.work.Apply(a.Pool, gen, func(sp *ipam.Space) error { return sp.Add(a) })
	return a, nil
}

// stored is at as a timestamp column gives it back.
func stored(at time.Time) time.Time { return at.UTC().Truncate(time.Microsecond) }

// release moves the generation of pool and marks row id of table
// (allocations or reservations; what names one) released at at. ok is
// false when the row was no longer live: another transaction released
// it since this one read it.
func (t *Tx) release(table, what string, id int64, pool string, at time.Time) (gen int64, ok bool, err error) {
	if gen, err = t.Bump(pool); err != nil {
		return 0, false, err
	}
	n, err := t.c.Exec(t.ctx, `UPDATE `+table+` SET state = 'released', released_at = $1, gen = $2
		WHERE id = $3 AND state = 'live'`, t.d.Time(at), gen, id)
	if err != nil {
		return 0, false, t.d.Constraint(err, fmt.Sprintf("release of %s %d", what, id))
	}
	return gen, n > 0, nil
}

// alreadyReleased is the error for releasing a released row; what is
// "allocation" or "reservation".
func alreadyReleased(what string, id int64, p netip.Prefix, at time.Time) error {
	return fmt.Errorf("%w: %s %d (%s) was already released at %s", ipam.ErrInUse, what, id, p, at.Format(time.RFC3339))
}

func (t *Tx) ReleaseAllocation(id int64, at time.Time) (ipam.Allocation, error) {
	if !t.write() {
		return ipam.Allocation{}, t.readOnly()
	}
	a, err := t.Allocation(id)
	if err != nil {
		return a, err
	}
	if a.State != ipam.StateLive {
		return a, alreadyReleased("allocation", id, a.CIDR, a.ReleasedAt)
	}
	gen, ok, err := t.release("allocations", "allocation", id, a.Pool, at)
	if err != nil {
		return a, err
	}
	if !ok {
		if cur, err := t.Allocation(id); err == nil {
			a = cur
		}
		return a, alreadyReleased("allocation", id, a.CIDR, a.ReleasedAt)
	}
	t.work.Apply(a.Pool, gen, func(sp *ipam.Space) error { _, err := sp.Release(id, at); return err })
	a.State, a.ReleasedAt = ipam.StateReleased, stored(at)
	return a, nil
}

func (t *Tx) InsertReservation(r ipam.Reservation) (ipam.Reservation, error) {
	if !t.write() {
		return r, t.readOnly()
	}
	if err := checkNew(r.ID, r.State, r.CIDR, "reservation"); err != nil {
		return r, err
	}
	first, last := codec.Bounds(r.CIDR)
	what := fmt.Sprintf("reservation %s in pool %s", r.CIDR, r.Pool)
	if hit, err := t.overlaps("reservations", first, last); err != nil || hit {
		if hit {
			err = fmt.Errorf("%w: the database refused %s: it overlaps a live reservation", ipam.ErrConflict, what)
		}
		return r, err
	}
	gen, err := t.Bump(r.Pool)
	if err != nil {
		return r, err
	}
	err = t.QueryRow(t.d.InsertReservation, r.Pool, r.CIDR.String(), first, last, r.Owner, r.Cluster, r.Purpose,
		codec.Tags(r.Tags), r.Note, t.d.Time(r.CreatedAt), gen).Scan(&r.ID)
	if err != nil {
		return r, t.d.Constraint(err, what)
	}
	t.work.Apply(r.Pool, gen, func(sp *ipam.Space) error { return sp.AddReservation(r) })
	return r, nil
}

func (t *Tx) ReleaseReservation(id int64, at time.Time) (ipam.Reservation, error) {
	if !t.write() {
		return ipam.Reservation{}, t.readOnly()
	}
	r, err := t.Reservation(id)
	if err != nil {
		return r, err
	}
	if r.State != ipam.StateLive {
		return r, alreadyReleased("reservation", id, r.CIDR, r.ReleasedAt)
	}
	gen, ok, err := t.release("reservations", "reservation", id, r.Pool, at)
	if err != nil {
		return r, err
	}
	if !ok {
		if cur, err := t.Reservation(id); err == nil {
			r = cur
		}
		return r, alreadyReleased("reservation", id, r.CIDR, r.ReleasedAt)
	}
	t.work.Apply(r.Pool, gen, func(sp *ipam.Space) error { _, err := sp.ReleaseReservation(id, at); return err })
	r.State, r.ReleasedAt = ipam.StateReleased, stored(at)
	return r, nil
}

// bumpOverlapping moves the epoch of every pool p overlaps, whose
// placement state includes the avoid list.
func (t *Tx) bumpOverlapping(p netip.Prefix) error {
	first, last := codec.Bounds(p)
	names, err := collect(t, scanName, `UPDATE pools SET epoch = epoch + 1 WHERE first <= $1 AND last >= $2 RETURNING name`, last, first)
	for _, n := range names {
		t.work.Invalidate(n)
	}
	return err
}

func (t *Tx) AddAvoid(a ipam.Avoid) error {
	if !t.write() {
		return t.readOnly()
	}
	if err := a.Validate(); err != nil {
		return err
	}
	first, last := codec.Bounds(a.CIDR)
	if _, err := t.c.Exec(t.ctx, `INSERT INTO avoid (cidr, first, last, name, reason) VALUES ($1, $2, $3, $4, $5)`,
		a.CIDR.String(), first, last, a.Name, a.Reason); err != nil {
		return t.d.Constraint(err, "range to avoid "+a.CIDR.String())
	}
	return t.bumpOverlapping(a.CIDR)
}

func (t *Tx) RemoveAvoid(p netip.Prefix) (ipam.Avoid, error) {
	if !t.write() {
		return ipam.Avoid{}, t.readOnly()
	}
	a, err := scanAvoid(t.QueryRow(`DELETE FROM avoid WHERE cidr = $1 RETURNING `+avoidCols, p.String()))
	if err != nil {
		return a, t.notFound(err, "no registered range to avoid %s", p)
	}
	return a, t.bumpOverlapping(a.CIDR)
}

func (t *Tx) AppendAudit(e store.AuditEntry) (store.AuditEntry, error) {
	if !t.write() {
		return e, t.readOnly()
	}
	err := t.QueryRow(`INSERT INTO audit (at, actor, remote, request_id, action, pool, subject, detail)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, t.d.Time(e.At), e.Actor.Name, e.Actor.Remote, e.Actor.RequestID,
		e.Action, e.Pool, e.Subject, e.Detail).Scan(&e.ID)
	if err != nil {
		return e, t.d.Constraint(err, "audit entry")
	}
	return e, nil
}

func (t *Tx) CreateToken(tk store.Token) (store.Token, error) {
	if !t.write() {
		return tk, t.readOnly()
	}
	err := t.QueryRow(`INSERT INTO tokens (name, hash, scopes, created_at) VALUES ($1, $2, $3, $4) RETURNING id`,
		tk.Name, tk.Hash, codec.Scopes(tk.Scopes), t.d.Time(tk.CreatedAt)).Scan(&tk.ID)
	if err != nil {
		return tk, t.d.Constraint(err, "token "+tk.Name)
	}
	return tk, nil
}

func (t *Tx) RevokeToken(id int64, at time.Time) (store.Token, error) {
	if !t.write() {
		return store.Token{}, t.readOnly()
	}
	tk, err := t.scanToken(t.QueryRow(`UPDATE tokens SET revoked_at = COALESCE(revoked_at, $1) WHERE id = $2
		RETURNING `+tokenCols, t.d.Time(at), id))
	if err != nil {
		return tk, t.notFound(err, "no token %d", id)
	}
	return tk, nil
}
