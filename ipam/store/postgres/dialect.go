package postgres

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/aksnet/aksnet/ipam"
	"github.com/aksnet/aksnet/ipam/store/internal/codec"
	"github.com/aksnet/aksnet/ipam/store/internal/sqlstore"
)

// dialect tells the shared SQL store how PostgreSQL differs: times are
// TIMESTAMPTZ, a write transaction locks the pool's row (SELECT ... FOR
// UPDATE) before deciding on it, allocations and reservations carry
// their pool's bounds (see schema.go), and under GuardSerializable the
// store looks for overlaps itself before each insert.
func dialect(guard Guard) *sqlstore.Dialect {
	d := &sqlstore.Dialect{
		Name:             "ipam postgres",
		NoRows:           pgx.ErrNoRows,
		LockPool:         ` FOR UPDATE`,
		Time:             func(t time.Time) any { return t },
		ParseTime:        parseTime,
		Constraint:       constraint,
		InsertAllocation: insertAllocation,
		InsertReservation: `INSERT INTO reservations (pool, pool_first, pool_last, cidr, first, last, owner, cluster,
		purpose, tags, note, state, created_at, gen)
		SELECT name, first, last, $2, $3, $4, $5, $6, $7, $8, $9, 'live', $10, $11 FROM pools WHERE name = $1
		RETURNING id`,
	}
	if guard == GuardSerializable {
		d.Overlaps = overlapsLive
	}
	return d
}

func parseTime(src any) (time.Time, error) {
	t, ok := src.(time.Time)
	if !ok {
		return time.Time{}, fmt.Errorf("got %T, want a timestamp", src)
	}
	return t.UTC(), nil
}

// insertAllocation moves the pool's generation and inserts the row
// stamped with it in one round trip.
func insertAllocation(t *sqlstore.Tx, a ipam.Allocation, first, last []byte, what string) (id, gen int64, err error) {
	err = t.QueryRow(`WITH g AS (
		UPDATE pools SET generation = generation + 1 WHERE name = $1 RETURNING name, first, last, generation)
		INSERT INTO allocations (pool, pool_first, pool_last, cidr, first, last, owner, cluster,
		purpose, tags, idem_key, request, reservation, state, created_at, gen)
		SELECT name, first, last, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'live', $12, generation FROM g
		RETURNING id, gen`,
		a.Pool, a.CIDR.String(), first, last, a.Owner, a.Cluster, a.Purpose, codec.Tags(a.Tags),
		sqlstore.NullString(a.IdempotencyKey), a.Request, a.Reservation, a.CreatedAt).Scan(&id, &gen)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, 0, fmt.Errorf("%w: %s: no pool %q", ipam.ErrNotFound, what, a.Pool)
	}
	if err != nil {
		return 0, 0, constraint(err, what)
	}
	return id, gen, nil
}

// overlapsLive reports whether a row of table (pools; live allocations
// or reservations) overlaps first..last. Rows of each table never
// overlap each other, so the row with the largest start not after last
// is the only candidate. It is GuardSerializable's replacement for an
// exclusion constraint.
func overlapsLive(t *sqlstore.Tx, table string, first, last []byte) (bool, error) {
	cond := "state = 'live' AND "
	if table == "pools" {
		cond = ""
	}
	var end []byte
	err := t.QueryRow(`SELECT last FROM `+table+` WHERE `+cond+`first <= $1 ORDER BY first DESC LIMIT 1`, last).Scan(&end)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("ipam postgres: %w", err)
	}
	return bytes.Compare(end, first) >= 0, nil
}

// constraint maps a database error to the registry's errors; what names
// the row for the message. Serialization failures pass through wrapped,
// so Update can retry them.
func constraint(err error, what string) error {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return fmt.Errorf("ipam postgres: %s: %w", what, err)
	}
	switch pe.Code {
	case "23P01":
		return fmt.Errorf("%w: the database refused %s: it overlaps a live range (%s)", ipam.ErrConflict, what, pe.ConstraintName)
	case "23505":
		return fmt.Errorf("%w: %s (%s)", ipam.ErrExists, what, pe.ConstraintName)
	case "23503":
		return fmt.Errorf("%w: %s refers to a pool that does not exist", ipam.ErrNotFound, what)
	case "23514":
		if strings.HasSuffix(pe.ConstraintName, "_inside_pool") {
			return fmt.Errorf("%w: the database refused %s: it must lie inside its pool", ipam.ErrInvalid, what)
		}
	case "P0001":
		if strings.HasPrefix(pe.Message, "aksnet_") {
			return fmt.Errorf("ipam postgres: the database refused %s: %s", what, pe.Message)
		}
	}
	return fmt.Errorf("ipam postgres: %s: %w", what, err)
}
