// Package postgres is the registry's storage in PostgreSQL, through pgx,
// for registries that several servers share.
//
// Two guards keep concurrent servers from handing out one range twice:
//
//   - GuardExclusion (the default, PostgreSQL only): GiST exclusion
//     constraints make the database refuse overlapping pools and
//     overlapping live allocations and reservations, whatever the
//     application does. Write transactions run at READ COMMITTED and lock
//     the pool's row (SELECT ... FOR UPDATE) before deciding, so
//     allocations in one pool are serialized and the constraint never
//     fires in normal operation.
//   - GuardSerializable, for Postgres-compatible distributed databases
//     without GiST exclusion constraints (CockroachDB, YugabyteDB): write
//     transactions run at SERIALIZABLE, lock the pool's row as above and
//     check for overlaps with indexed range queries before each insert;
//     the database aborts one of two transactions that could overlap,
//     and Update retries it.
//
// The guard is chosen when the schema is created and recorded with it.
// Update retries transactions the database aborts with a serialization
// failure or a deadlock. docs/ipam-storage.md lists the database features
// each guard relies on.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/aksnet/aksnet/ipam"
	"github.com/aksnet/aksnet/ipam/store"
	"github.com/aksnet/aksnet/ipam/store/internal/spacecache"
)

// Guard is how the database refuses overlapping ranges.
type Guard string

// Guards.
const (
	// GuardExclusion uses GiST exclusion constraints (PostgreSQL).
	GuardExclusion Guard = "exclusion"
	// GuardSerializable uses serializable transactions with overlap
	// checks (PostgreSQL and Postgres-compatible distributed databases).
	GuardSerializable Guard = "serializable"
)

// Options tune a Store. The zero value is the default.
type Options struct {
	// Schema, when not empty, is the PostgreSQL schema (namespace) the
	// registry's tables live in; it is created if missing. Empty means
	// the connection's search_path, usually public.
	Schema string
	// Guard is the guard for a new database; empty means GuardExclusion.
	// Opening an existing database with a different guard is an error.
	Guard Guard
	// MaxConns caps the connection pool; 0 means pgxpool's default
	// (the larger of 4 and the number of CPUs).
	MaxConns int32
	// MaxAttempts is how many times Update runs a transaction that the
	// database keeps aborting with serialization failures; 0 means 100.
	// Under GuardSerializable every concurrent write to one pool but one
	// is aborted, so busy pools need many attempts.
	MaxAttempts int
}

// Store is a registry in a PostgreSQL database. It is safe for
// concurrent use, and several Stores (in several processes) may share
// one database.
type Store struct {
	pool     *pgxpool.Pool
	guard    Guard
	attempts int
	cache    spacecache.Cache
}

var _ store.Store = (*Store)(nil)

// SchemaVersion returns the schema version this package writes.
func SchemaVersion() int { return len(migrations) }

// Open connects to the database dsn names (a postgres:// URL or a
// key=value string) and brings the registry schema up to date.
func Open(ctx context.Context, dsn string, opt Options) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("ipam postgres: connection string: %w", err)
	}
	if opt.MaxConns > 0 {
		cfg.MaxConns = opt.MaxConns
	}
	if opt.Schema != "" {
		cfg.ConnConfig.RuntimeParams["search_path"] = opt.Schema
	}
	switch opt.Guard {
	case "", GuardExclusion, GuardSerializable:
	default:
		return nil, fmt.Errorf("ipam postgres: unknown guard %q; use %q or %q", opt.Guard, GuardExclusion, GuardSerializable)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("ipam postgres: %w", err)
	}
	s := &Store{pool: pool, attempts: opt.MaxAttempts}
	if s.attempts <= 0 {
		s.attempts = 100
	}
	if opt.Schema != "" {
		if _, err := pool.Exec(ctx, `CREATE SCHEMA IF NOT EXISTS `+pgx.Identifier{opt.Schema}.Sanitize()); err != nil &&
			!isCode(err, "42P06", "23505") {
			pool.Close()
			return nil, fmt.Errorf("ipam postgres: creating schema %s: %w", opt.Schema, err)
		}
	}
	// Servers starting together race to migrate; the loser's DDL fails
	// or is aborted, and it finds the schema current on the next try.
	for attempt := 0; ; attempt++ {
		err = s.migrate(ctx, opt.Guard)
		if err == nil || attempt == 4 || errors.Is(err, errSchema) {
			break
		}
		time.Sleep(time.Duration(50*(attempt+1)) * time.Millisecond)
	}
	if err != nil {
		pool.Close()
		return nil, err
	}
	return s, nil
}

// errSchema marks migration errors that retrying cannot fix.
var errSchema = errors.New("schema")

func (s *Store) migrate(ctx context.Context, want Guard) error {
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.Serializable})
	if err != nil {
		return fmt.Errorf("ipam postgres: %w", err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, guard TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL)`); err != nil {
		return fmt.Errorf("ipam postgres: %w", err)
	}
	var have int
	var guard *string
	if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(version), 0), MIN(guard) FROM schema_migrations`).Scan(&have, &guard); err != nil {
		return fmt.Errorf("ipam postgres: %w", err)
	}
	g := want
	if guard != nil {
		if want != "" && Guard(*guard) != want {
			return fmt.Errorf("%w: ipam postgres: the database was created with guard %q, not %q", errSchema, *guard, want)
		}
		g = Guard(*guard)
	}
	if g == "" {
		g = GuardExclusion
	}
	if have > len(migrations) {
		return fmt.Errorf("%w: ipam postgres: schema version %d is newer than this aksnet knows (%d); use a newer aksnet",
			errSchema, have, len(migrations))
	}
	for v := have; v < len(migrations); v++ {
		m := migrations[v]
		sql := m.base
		if g == GuardExclusion {
			sql += m.exclusion
		}
		if _, err := tx.Exec(ctx, sql); err != nil {
			return fmt.Errorf("ipam postgres: applying schema version %d (guard %s): %w", v+1, g, err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, guard, applied_at) VALUES ($1, $2, now())`,
			v+1, string(g)); err != nil {
			return fmt.Errorf("ipam postgres: %w", err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("ipam postgres: %w", err)
	}
	s.guard = g
	return nil
}

// Guard returns the guard the database was created with.
func (s *Store) Guard() Guard { return s.guard }

// Close closes every connection.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// View runs fn in a read-only REPEATABLE READ transaction, which sees one
// snapshot of the database.
func (s *Store) View(ctx context.Context, fn func(store.ReadTx) error) error {
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return fmt.Errorf("ipam postgres: %w", err)
	}
	defer tx.Rollback(ctx)
	return fn(&txn{ctx: ctx, q: tx, s: s})
}

// Update runs fn in a write transaction, again when the database aborts
// it with a serialization failure or a deadlock.
func (s *Store) Update(ctx context.Context, fn func(store.Tx) error) error {
	iso := pgx.ReadCommitted
	if s.guard == GuardSerializable {
		iso = pgx.Serializable
	}
	var err error
	for attempt := 1; ; attempt++ {
		var t *txn
		t, err = s.try(ctx, iso, fn)
		if err == nil {
			t.work.Commit(&s.cache)
			return nil
		}
		if !retryable(err) || attempt >= s.attempts {
			break
		}
		// Back off with full jitter: a random wait up to 1 ms doubled per
		// attempt, capped at 64 ms, so that contending writers spread out.
		d := time.Duration(rand.Int64N(int64(time.Millisecond)<<min(attempt, 6)) + 1)
		select {
		case <-ctx.Done():
			return errors.Join(err, ctx.Err())
		case <-time.After(d):
		}
	}
	if retryable(err) {
		return fmt.Errorf("ipam postgres: gave up after %d attempts: %w", s.attempts, err)
	}
	return err
}

func (s *Store) try(ctx context.Context, iso pgx.TxIsoLevel, fn func(store.Tx) error) (*txn, error) {
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: iso})
	if err != nil {
		return nil, fmt.Errorf("ipam postgres: begin: %w", err)
	}
	t := &txn{ctx: ctx, q: tx, s: s, write: true, work: &spacecache.Work{}}
	if err := fn(t); err != nil {
		tx.Rollback(ctx)
		t.work.Abort(&s.cache)
		return nil, err
	}
	if err := tx.Commit(ctx); err != nil {
		t.work.Abort(&s.cache)
		return nil, fmt.Errorf("ipam postgres: commit: %w", err)
	}
	return t, nil
}

// retryable reports whether err is a serialization failure or deadlock.
func retryable(err error) bool { return isCode(err, "40001", "40P01") }

func isCode(err error, codes ...string) bool {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return false
	}
	for _, c := range codes {
		if pe.Code == c {
			return true
		}
	}
	return false
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
