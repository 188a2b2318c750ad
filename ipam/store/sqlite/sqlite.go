// Package sqlite is the registry's storage in one SQLite file, through
// modernc.org/sqlite (pure Go, no cgo).
//
// The database runs in WAL mode with synchronous=FULL, so a commit that
// returned is on disk, and readers never wait for the writer. One
// connection writes; each write transaction starts with BEGIN IMMEDIATE
// and waits up to the busy timeout for writers in other processes (the
// CLI's serverless mode may share the file with a server). Schema
// migrations are applied when the store opens.
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

	"github.com/aksnet/aksnet/ipam"
	"github.com/aksnet/aksnet/ipam/store"
	"github.com/aksnet/aksnet/ipam/store/internal/spacecache"
)

// Options tune a Store. The zero value is the default.
type Options struct {
	// BusyTimeout is how long a write waits for another process holding
	// the write lock; 0 means 10 seconds.
	BusyTimeout time.Duration
}

// Store is a registry in a SQLite file. It is safe for concurrent use.
type Store struct {
	path  string
	w, r  *sql.DB
	mu    sync.Mutex // one write transaction at a time in this process
	cache spacecache.Cache
}

var _ store.Store = (*Store)(nil)

// SchemaVersion is the schema version this package writes.
var SchemaVersion = len(migrations)

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
	s := &Store{path: path, w: w}
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
	return s, nil
}

// Close closes the database.
func (s *Store) Close() error {
	return errors.Join(s.r.Close(), s.w.Close())
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
	t := &txn{ctx: ctx, q: tx, s: s}
	return fn(t)
}

// Update runs fn in a write transaction. SQLite has one writer at a
// time, so there are no serialization conflicts to retry; a write lock
// held by another process is waited for up to the busy timeout.
func (s *Store) Update(ctx context.Context, fn func(store.Tx) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("ipam sqlite: begin: %w", err)
	}
	t := &txn{ctx: ctx, q: tx, s: s, write: true}
	if err := fn(t); err != nil {
		tx.Rollback()
		t.work.Abort(&s.cache)
		return err
	}
	if err := tx.Commit(); err != nil {
		tx.Rollback()
		t.work.Abort(&s.cache)
		return fmt.Errorf("ipam sqlite: commit: %w", err)
	}
	t.work.Commit(&s.cache)
	return nil
}

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
