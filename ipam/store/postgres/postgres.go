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
	"slices"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/aksnet/aksnet/ipam/store"
	"github.com/aksnet/aksnet/ipam/store/internal/batch"
	"github.com/aksnet/aksnet/ipam/store/internal/spacecache"
	"github.com/aksnet/aksnet/ipam/store/internal/sqlstore"
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
	// MaxBatch caps how many concurrent updates of this Store share one
	// transaction (see Store.Update); 0 means 32, 1 runs every update in
	// its own transaction.
	MaxBatch int
}

// Store is a registry in a PostgreSQL database. It is safe for
// concurrent use, and several Stores (in several processes) may share
// one database.
type Store struct {
	pool     *pgxpool.Pool
	guard    Guard
	attempts int
	maxBatch int
	cache    spacecache.Cache
	dialect  *sqlstore.Dialect
	writer   *batch.Writer // nil when MaxBatch is 1
	closing  sync.Once
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
	s := &Store{pool: pool, attempts: opt.MaxAttempts, maxBatch: opt.MaxBatch}
	if s.attempts <= 0 {
		s.attempts = 100
	}
	if s.maxBatch <= 0 {
		s.maxBatch = 32
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
	s.dialect = dialect(s.guard)
	if s.maxBatch > 1 {
		s.writer = batch.Start(s.maxBatch, errClosed, s.runBatch)
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

// Close finishes the batch being written, refuses queued and new
// updates, and closes every connection. Closing twice is harmless.
func (s *Store) Close() error {
	s.closing.Do(func() {
		if s.writer != nil {
			s.writer.Close()
		}
		s.pool.Close()
	})
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
	return fn(sqlstore.NewTx(ctx, &conn{tx: tx}, s.dialect, &s.cache, nil))
}

// Update runs fn in a write transaction, again when the database aborts
// it with a serialization failure or a deadlock.
//
// Concurrent updates of one Store are queued to a writer goroutine that
// runs them one after another in one transaction, each inside its own
// savepoint, and commits them together: a busy pool is locked and
// committed once per batch instead of once per change. A fn that fails
// is rolled back to its savepoint without touching the others. When the
// database aborts the batch (serialization failure, deadlock), the whole
// batch runs again; when the batch fails otherwise, each fn runs again
// in a transaction of its own. Once fn has started, cancelling ctx does
// not interrupt it; a fn whose ctx is done before it starts is not run.
func (s *Store) Update(ctx context.Context, fn func(store.Tx) error) error {
	if s.writer == nil {
		return batch.Repanic(s.alone(ctx, fn))
	}
	return s.writer.Do(ctx, fn)
}

var errClosed = errors.New("ipam postgres: the store is closed")

func (s *Store) iso() pgx.TxIsoLevel {
	if s.guard == GuardSerializable {
		return pgx.Serializable
	}
	return pgx.ReadCommitted
}

// backoff waits before attempt+1: a random time up to 1 ms doubled per
// attempt, capped at 64 ms (full jitter), so contending writers spread
// out.
func backoff(ctx context.Context, attempt int) error {
	d := time.Duration(rand.Int64N(int64(time.Millisecond)<<min(attempt, 6)) + 1)
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(d):
		return nil
	}
}

// alone runs fn in a transaction of its own, retrying serialization
// failures and deadlocks. A panic of fn comes back as a panicked error.
func (s *Store) alone(ctx context.Context, fn func(store.Tx) error) error {
	var err error
	for attempt := 1; ; attempt++ {
		var errs []error
		errs, err = s.tryBatch(ctx, []*batch.Request{{Ctx: ctx, Fn: fn}})
		if err == nil {
			err = errs[0]
		}
		if !retryable(err) || attempt >= s.attempts {
			break
		}
		if berr := backoff(ctx, attempt); berr != nil {
			return errors.Join(err, berr)
		}
	}
	if retryable(err) {
		return fmt.Errorf("ipam postgres: gave up after %d attempts: %w", s.attempts, err)
	}
	return err
}

// runBatch runs a batch, retrying it as a whole when the database aborts
// it, and answers every request.
func (s *Store) runBatch(reqs []*batch.Request) {
	ctx := context.Background()
	var errs []error
	var err error
	for attempt := 1; ; attempt++ {
		errs, err = s.tryBatch(ctx, reqs)
		if err == nil && !slices.ContainsFunc(errs, retryable) {
			break
		}
		if err == nil {
			err = errs[slices.IndexFunc(errs, retryable)]
		}
		if !retryable(err) || attempt >= s.attempts {
			break
		}
		backoff(ctx, attempt)
	}
	if err != nil && len(reqs) > 1 && !retryable(err) {
		// The batch failed for a reason one of its changes may have
		// caused: give each its own transaction.
		for _, r := range reqs {
			go func() { r.Done <- s.alone(r.Ctx, r.Fn) }()
		}
		return
	}
	for i, r := range reqs {
		switch {
		case err != nil && retryable(err):
			r.Done <- fmt.Errorf("ipam postgres: gave up after %d attempts: %w", s.attempts, err)
		case err != nil:
			r.Done <- err
		default:
			r.Done <- errs[i]
		}
	}
}

// tryBatch runs the changes of batch in one transaction, each in its own
// savepoint, and commits. errs are the changes' own errors; err is an
// error of the whole batch, after which nothing was kept.
func (s *Store) tryBatch(ctx context.Context, reqs []*batch.Request) (errs []error, err error) {
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: s.iso()})
	if err != nil {
		return nil, fmt.Errorf("ipam postgres: begin: %w", err)
	}
	work := &spacecache.Work{}
	fail := func(err error) ([]error, error) {
		tx.Rollback(ctx)
		work.Abort(&s.cache)
		return nil, err
	}
	errs = make([]error, len(reqs))
	ok := 0
	single := len(reqs) == 1
	for i, r := range reqs {
		if err := r.Ctx.Err(); err != nil {
			errs[i] = err
			continue
		}
		bg := context.WithoutCancel(r.Ctx)
		c := &conn{tx: tx}
		if !single {
			// Sent with the change's first statement.
			c.prefix = `SAVEPOINT fn`
		}
		work.Begin()
		t := sqlstore.NewTx(bg, c, s.dialect, &s.cache, work)
		err := batch.Call(r.Fn, t)
		if err == nil {
			ok++
			continue
		}
		errs[i] = err
		if retryable(err) || single {
			// The database aborted the transaction; nothing of it holds.
			return fail(err)
		}
		work.Fail()
		switch {
		case !c.sent:
			continue // the change ran no statement: nothing to undo
		case !c.done:
			// Its savepoint was never made; rolling back to "fn" would
			// undo the change before it.
			return fail(fmt.Errorf("ipam postgres: savepoint: %w", err))
		}
		if _, rerr := tx.Exec(bg, `ROLLBACK TO SAVEPOINT fn`); rerr != nil {
			return fail(fmt.Errorf("ipam postgres: rolling back a failed change: %w", rerr))
		}
	}
	if ok == 0 {
		tx.Rollback(ctx)
		work.Abort(&s.cache)
		return errs, nil
	}
	if err := tx.Commit(ctx); err != nil {
		work.Abort(&s.cache)
		return nil, fmt.Errorf("ipam postgres: commit: %w", err)
	}
	work.Commit(&s.cache)
	return errs, nil
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
