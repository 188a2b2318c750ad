// Package sqlstore is what the registry's SQL backends (ipam/store/sqlite,
// ipam/store/postgres) share: [Tx], the store.Tx of both, with the
// statements they run alike, the reading of rows into registry values,
// the WHERE clauses of filters and the use of the placement cache.
//
// A backend describes how its database differs in a [Dialect] (time
// columns, row locks, constraint errors, the inserts its schema shapes
// differently, an overlap check where the database makes none) and runs
// a Tx over a [Conn] on its driver's transaction.
//
// Statements are written with numbered placeholders in PostgreSQL's form
// ($1, $2, ...; a number may repeat); a Conn whose database spells them
// otherwise rewrites them (SQLite reads ?1, ?2, ...).
package sqlstore

import (
	"context"
	"time"

	"github.com/aksnet/aksnet/ipam"
)

// Conn runs statements in one database transaction.
type Conn interface {
	Query(ctx context.Context, sql string, args ...any) (Rows, error)
	// QueryRow runs a statement that returns at most one row; Scan
	// returns the dialect's NoRows error when there is none.
	QueryRow(ctx context.Context, sql string, args ...any) Row
	// Exec runs a statement and returns how many rows it changed.
	Exec(ctx context.Context, sql string, args ...any) (int64, error)
}

// Rows is the result of a query, read with Next and Scan like
// database/sql's.
type Rows interface {
	Row
	Next() bool
	Err() error
	Close()
}

// Row is one row to scan.
type Row interface {
	Scan(dest ...any) error
}

// Dialect is what a backend's database and driver do differently.
type Dialect struct {
	// Name starts error messages: "ipam sqlite", "ipam postgres".
	Name string
	// Source, when set, names the database in errors about what it
	// holds ("ipam sqlite /srv/ipam.db"); Name does otherwise.
	Source string
	// NoRows is the driver's error for a missing row.
	NoRows error
	// LockPool ends the query of the pool row a write transaction is
	// about to decide on, so that the pool stays locked until the
	// transaction ends (" FOR UPDATE"). It is empty where a write
	// transaction holds the whole database.
	LockPool string
	// Time is the argument a timestamp column is written with.
	Time func(time.Time) any
	// ParseTime reads a timestamp column's value as the driver returns
	// it (never NULL).
	ParseTime func(src any) (time.Time, error)
	// Constraint maps the error of a write to the registry's errors
	// (ipam.ErrConflict for a refused overlap, ipam.ErrExists for a taken
	// name or key, ...); what names the row for the message.
	Constraint func(err error, what string) error
	// InsertAllocation moves the generation of a's pool and inserts live
	// allocation a, whose CIDR runs from first to last, stamped with the
	// new generation; it returns a's ID and that generation. what names
	// a for error messages.
	InsertAllocation func(t *Tx, a ipam.Allocation, first, last []byte, what string) (id, gen int64, err error)
	// InsertReservation is the statement that inserts a live
	// reservation with the arguments $1 pool, $2 cidr, $3 first, $4
	// last, $5 owner, $6 cluster, $7 purpose, $8 tags, $9 note, $10
	// created_at and $11 gen, and returns its ID.
	InsertReservation string
	// Overlaps, when set, reports whether a row of table overlaps
	// first..last: a pool, or a live allocation or reservation. The Tx
	// asks before inserting into that table and refuses the insert, for
	// databases that do not refuse overlaps themselves.
	Overlaps func(t *Tx, table string, first, last []byte) (bool, error)
}
