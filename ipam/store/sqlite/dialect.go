package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	sqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/aksnet/aksnet/ipam"
	"github.com/aksnet/aksnet/ipam/store/internal/codec"
	"github.com/aksnet/aksnet/ipam/store/internal/sqlstore"
)

// dialect tells the shared SQL store how SQLite differs: times are
// microseconds since 1970 in INTEGER columns, a write transaction holds
// the database's write lock from BEGIN IMMEDIATE (so a pool needs no row
// lock of its own), and triggers refuse overlaps (see schema.go), so
// there is no overlap check before inserts.
func dialect(path string) *sqlstore.Dialect {
	return &sqlstore.Dialect{
		Name:             "ipam sqlite",
		Source:           "ipam sqlite " + path,
		NoRows:           sql.ErrNoRows,
		Time:             func(t time.Time) any { return t.UnixMicro() },
		ParseTime:        parseTime,
		Constraint:       constraint,
		InsertAllocation: insertAllocation,
		InsertReservation: `INSERT INTO reservations (pool, cidr, first, last, owner, cluster, purpose, tags,
		note, state, created_at, gen) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'live', $10, $11) RETURNING id`,
	}
}

func parseTime(src any) (time.Time, error) {
	v, ok := src.(int64)
	if !ok {
		return time.Time{}, fmt.Errorf("got %T, want microseconds since 1970", src)
	}
	return time.UnixMicro(v).UTC(), nil
}

// insertAllocation moves the pool's generation, then inserts the row
// (SQLite has no UPDATE inside WITH to do both in one statement).
func insertAllocation(t *sqlstore.Tx, a ipam.Allocation, first, last []byte, what string) (id, gen int64, err error) {
	if gen, err = t.Bump(a.Pool); err != nil {
		return 0, 0, err
	}
	err = t.QueryRow(`INSERT INTO allocations (pool, cidr, first, last, owner, cluster, purpose, tags,
		idem_key, request, reservation, state, created_at, gen)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'live', $12, $13) RETURNING id`,
		a.Pool, a.CIDR.String(), first, last, a.Owner, a.Cluster, a.Purpose, codec.Tags(a.Tags),
		sqlstore.NullString(a.IdempotencyKey), a.Request, a.Reservation, a.CreatedAt.UnixMicro(), gen).Scan(&id)
	if err != nil {
		return 0, 0, constraint(err, what)
	}
	return id, gen, nil
}

// conn runs the shared store's statements on a database/sql transaction.
// SQLite numbers placeholders ?1, ?2, ... where PostgreSQL writes $1, $2,
// ..., and no statement has a '$' of its own, so every '$' becomes '?'.
type conn struct{ tx *sql.Tx }

func numbered(query string) string { return strings.ReplaceAll(query, "$", "?") }

func (c conn) Query(ctx context.Context, query string, args ...any) (sqlstore.Rows, error) {
	rows, err := c.tx.QueryContext(ctx, numbered(query), args...)
	if err != nil {
		return nil, err
	}
	return sqlRows{rows}, nil
}

func (c conn) QueryRow(ctx context.Context, query string, args ...any) sqlstore.Row {
	return c.tx.QueryRowContext(ctx, numbered(query), args...)
}

func (c conn) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	res, err := c.tx.ExecContext(ctx, numbered(query), args...)
	if err != nil {
		return 0, err
	}
	n, _ := res.RowsAffected()
	return n, nil
}

type sqlRows struct{ *sql.Rows }

func (r sqlRows) Close() { r.Rows.Close() }

// constraint maps a SQLite constraint error to the registry's errors;
// what names the row for the message.
func constraint(err error, what string) error {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return fmt.Errorf("ipam sqlite: %s: %w", what, err)
	}
	msg := se.Error()
	switch {
	case strings.Contains(msg, "aksnet_overlap"):
		return fmt.Errorf("%w: the database refused %s: %s", ipam.ErrConflict, what, trimMsg(msg))
	case strings.Contains(msg, "aksnet_outside"):
		return fmt.Errorf("%w: the database refused %s: %s", ipam.ErrInvalid, what, trimMsg(msg))
	case strings.Contains(msg, "aksnet_"):
		return fmt.Errorf("ipam sqlite: the database refused %s: %s", what, trimMsg(msg))
	}
	switch se.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return fmt.Errorf("%w: %s", ipam.ErrExists, what)
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		return fmt.Errorf("%w: %s refers to a pool that does not exist", ipam.ErrNotFound, what)
	}
	return fmt.Errorf("ipam sqlite: %s: %w", what, err)
}

// trimMsg keeps the part of a trigger message after its tag.
func trimMsg(msg string) string {
	if i := strings.Index(msg, "aksnet_"); i >= 0 {
		msg = msg[i:]
		if j := strings.Index(msg, ": "); j >= 0 {
			msg = msg[j+2:]
		}
	}
	if i := strings.Index(msg, " ("); i >= 0 {
		msg = msg[:i]
	}
	return msg
}
