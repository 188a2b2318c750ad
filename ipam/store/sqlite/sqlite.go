// Package sqlite is the registry's storage in one SQLite file, through
// modernc.org/sqlite (pure Go, no cgo).
//
// The database runs in WAL mode with synchronous=FULL, so a commit that
// returned is on disk, and readers never wait for the writer. One
// goroutine writes, through one connection: concurrent updates are
// queued and committed together (group commit, one fsync for many
// changes), each in its own savepoint. Each write transaction starts with
// BEGIN IMMEDIATE and waits up to the busy timeout for writers in other
// processes (the CLI's serverless mode may share the file with a
// server). Schema migrations are applied when the store opens.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	sqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/aksnet/aksnet/ipam/store"
	"github.com/aksnet/aksnet/ipam/store/internal/batch"
	"github.com/aksnet/aksnet/ipam/store/internal/spacecache"
	"github.com/aksnet/aksnet/ipam/store/internal/sqlstore"
)

// Options tune a Store. The zero value is the default.
type Options struct {
	// BusyTimeout is how long a write waits for another process holding
	// the write lock; 0 means 10 seconds.
	BusyTimeout time.Duration
	// MaxBatch caps how many queued updates share one transaction and
	// one commit; 0 means 64, 1 turns group commit off.
	MaxBatch int
}

// Store is a registry in a SQLite file. It is safe for concurrent use.
type Store struct {
	path     string
	w, r     *sql.DB
	mu       sync.Mutex // one write transaction at a time in this process
	cache    spacecache.Cache
	dialect  *sqlstore.Dialect
	maxBatch int
	writer   *batch.Writer
	closing  sync.Once
}

var _ store.Store = (*Store)(nil)

// SchemaVersion returns the schema version this package writes.
func SchemaVersion() int { return len(migrations) }

// Open opens (creating if needed) the registry at path and brings its
// schema up to date. It returns an error naming the file when the file
// is not a SQLite database, is newer than this version of aksnet, or
// cannot be written.
func Open(ctx context.Context, path string, opt Options) (*Store, error) {
	if path == "" || strings.ContainsAny(path, "?#") || strings.HasPrefix(path, ":") || strings.HasPrefix(path, "file:") {
		return nil, fmt.Errorf("ipam sqlite: %q is not a usable database file path (no '?', '#', ':memory:' or file: URIs)", path)
	}
	busy := opt.BusyTimeout
	if busy <= 0 {
		busy = 10 * time.Second
	}
	q := url.Values{}
	q.Set("_busy_timeout", fmt.Sprint(busy.Milliseconds()))
	q.Set("_foreign_keys", "1")
	q.Set("_synchronous", "FULL")
	wq := url.Values{}
	for k, v := range q {
		wq[k] = v
	}
	wq.Set("_journal_mode", "WAL")
	wq.Set("_txlock", "immediate")
	w, err := sql.Open("sqlite", path+"?"+wq.Encode())
	if err != nil {
		return nil, fmt.Errorf("ipam sqlite %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxIdleTime(0)
	w.SetConnMaxLifetime(0)
	s := &Store{path: path, w: w, dialect: dialect(path)}
	if err := s.migrate(ctx); err != nil {
		w.Close()
		return nil, err
	}
	q.Set("_query_only", "1")
	r, err := sql.Open("sqlite", path+"?"+q.Encode())
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("ipam sqlite %s: %w", path, err)
	}
	r.SetMaxOpenConns(8)
	r.SetMaxIdleConns(8)
	s.r = r
	s.maxBatch = opt.MaxBatch
	if s.maxBatch <= 0 {
		s.maxBatch = 64
	}
	s.writer = batch.Start(s.maxBatch, errClosed, s.runBatch)
	return s, nil
}

// Close finishes the batch being written, refuses queued and new
// updates, and closes the database. Closing twice is harmless.
func (s *Store) Close() error {
	var err error
	s.closing.Do(func() {
		s.writer.Close()
		err = errors.Join(s.r.Close(), s.w.Close())
	})
	return err
}

// Path returns the database file.
func (s *Store) Path() string { return s.path }

// migrate applies missing schema versions in one transaction.
func (s *Store) migrate(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return s.openErr(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)`); err != nil {
		return s.openErr(err)
	}
	var have int
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&have); err != nil {
		return s.openErr(err)
	}
	if have > len(migrations) {
		return fmt.Errorf("ipam sqlite %s: schema version %d is newer than this aksnet knows (%d); use a newer aksnet",
			s.path, have, len(migrations))
	}
	for v := have; v < len(migrations); v++ {
		if _, err := tx.ExecContext(ctx, migrations[v]); err != nil {
			return fmt.Errorf("ipam sqlite %s: applying schema version %d: %w", s.path, v+1, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`,
			v+1, time.Now().UnixMicro()); err != nil {
			return s.openErr(err)
		}
	}
	if err := tx.Commit(); err != nil {
		return s.openErr(err)
	}
	return nil
}

func (s *Store) openErr(err error) error {
	var se *sqlite.Error
	if errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_NOTADB {
		return fmt.Errorf("ipam sqlite %s: not a SQLite database (%v); give a new file name or the registry's database", s.path, err)
	}
	return fmt.Errorf("ipam sqlite %s: %w", s.path, err)
}

// View runs fn in a read transaction on a snapshot of the database.
func (s *Store) View(ctx context.Context, fn func(store.ReadTx) error) error {
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("ipam sqlite: %w", err)
	}
	defer tx.Rollback()
	return fn(sqlstore.NewTx(ctx, conn{tx}, s.dialect, &s.cache, nil))
}

// Update runs fn in a write transaction.
//
// SQLite has one writer, so writes are queued to the store's writer
// goroutine, which runs every queued fn in one database transaction, each
// inside its own savepoint, and commits them together (group commit):
// one durable commit, one fsync, for many changes. A fn that fails is
// rolled back to its savepoint without touching the others; if the
// commit fails, every fn of the batch gets the error and nothing is kept.
// There are no serialization conflicts to retry. A write lock held by
// another process is waited for up to the busy timeout.
//
// Once fn has started, cancelling ctx does not interrupt it (that could
// roll back the whole batch); a fn whose ctx is done before it starts is
// not run.
func (s *Store) Update(ctx context.Context, fn func(store.Tx) error) error {
	return s.writer.Do(ctx, fn)
}

var errClosed = errors.New("ipam sqlite: the store is closed")

// runBatch runs one batch in one transaction and answers every request.
func (s *Store) runBatch(reqs []*batch.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	errs := make([]error, len(reqs))
	answer := func() {
		for i, r := range reqs {
			r.Done <- errs[i]
		}
	}
	tx, err := s.w.BeginTx(context.Background(), nil)
	if err != nil {
		for i := range errs {
			errs[i] = fmt.Errorf("ipam sqlite: begin: %w", err)
		}
		answer()
		return
	}
	var work spacecache.Work
	ok := 0
	var broken error
	for i, r := range reqs {
		if broken != nil {
			errs[i] = broken
			continue
		}
		if err := r.Ctx.Err(); err != nil {
			errs[i] = err
			continue
		}
		bg := context.WithoutCancel(r.Ctx)
		if _, err := tx.ExecContext(bg, `SAVEPOINT fn`); err != nil {
			broken = fmt.Errorf("ipam sqlite: savepoint: %w", err)
			errs[i] = broken
			continue
		}
		work.Begin()
		t := sqlstore.NewTx(bg, conn{tx}, s.dialect, &s.cache, &work)
		if err := batch.Call(r.Fn, t); err != nil {
			errs[i] = err
			work.Fail()
			if _, rerr := tx.ExecContext(bg, `ROLLBACK TO fn`); rerr != nil {
				broken = fmt.Errorf("ipam sqlite: rolling back a failed change: %w", rerr)
			}
		} else {
			ok++
		}
		if _, err := tx.ExecContext(bg, `RELEASE fn`); err != nil && broken == nil {
			broken = fmt.Errorf("ipam sqlite: release savepoint: %w", err)
		}
	}
	if broken != nil {
		tx.Rollback()
		work.Abort(&s.cache)
		for i := range errs {
			if errs[i] == nil {
				errs[i] = broken
			}
		}
		answer()
		return
	}
	if ok == 0 {
		tx.Rollback()
		work.Abort(&s.cache)
		answer()
		return
	}
	if err := tx.Commit(); err != nil {
		tx.Rollback()
		work.Abort(&s.cache)
		for i := range errs {
			if errs[i] == nil {
				errs[i] = fmt.Errorf("ipam sqlite: commit: %w", err)
			}
		}
		answer()
		return
	}
	work.Commit(&s.cache)
	answer()
}
