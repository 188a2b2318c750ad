package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/aksnet/aksnet/ipam/store/internal/sqlstore"
)

// conn is the transaction the shared store runs its statements on
// (sqlstore.Conn). When prefix is
// set, it is sent in the same round trip as the next statement (a pgx
// batch): that is how each change of a batch opens its savepoint without
// a round trip of its own.
type conn struct {
	tx     pgx.Tx
	prefix string
	// sent says the prefix went out; done says it succeeded.
	sent, done bool
}

// take returns the pending prefix statement and clears it.
func (c *conn) take() string {
	p := c.prefix
	c.prefix = ""
	if p != "" {
		c.sent = true
	}
	return p
}

func (c *conn) Exec(ctx context.Context, sql string, args ...any) (int64, error) {
	tag, err := c.exec(ctx, sql, args)
	return tag.RowsAffected(), err
}

func (c *conn) exec(ctx context.Context, sql string, args []any) (pgconn.CommandTag, error) {
	p := c.take()
	if p == "" {
		return c.tx.Exec(ctx, sql, args...)
	}
	br, err := c.send(ctx, p, sql, args)
	if err != nil {
		return pgconn.CommandTag{}, err
	}
	defer br.Close()
	return br.Exec()
}

func (c *conn) QueryRow(ctx context.Context, sql string, args ...any) sqlstore.Row {
	p := c.take()
	if p == "" {
		return c.tx.QueryRow(ctx, sql, args...)
	}
	br, err := c.send(ctx, p, sql, args)
	if err != nil {
		return errRow{err}
	}
	return batchRow{br: br, row: br.QueryRow()}
}

func (c *conn) Query(ctx context.Context, sql string, args ...any) (sqlstore.Rows, error) {
	p := c.take()
	if p == "" {
		return c.tx.Query(ctx, sql, args...)
	}
	br, err := c.send(ctx, p, sql, args)
	if err != nil {
		return nil, err
	}
	rows, err := br.Query()
	if err != nil {
		br.Close()
		return nil, err
	}
	return &batchRows{Rows: rows, br: br}, nil
}

// send sends prefix and the statement sql in one round trip and reads
// the prefix's result. The caller reads the statement's and closes the
// batch; after an error there is nothing to close.
func (c *conn) send(ctx context.Context, prefix, sql string, args []any) (pgx.BatchResults, error) {
	b := &pgx.Batch{}
	b.Queue(prefix)
	b.Queue(sql, args...)
	br := c.tx.SendBatch(ctx, b)
	if _, err := br.Exec(); err != nil {
		br.Close()
		return nil, err
	}
	c.done = true
	return br, nil
}

// errRow is a row whose query failed before it ran.
type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }

// batchRow scans the row of a batch's last statement and closes the
// batch.
type batchRow struct {
	br  pgx.BatchResults
	row pgx.Row
}

func (r batchRow) Scan(dest ...any) error {
	err := r.row.Scan(dest...)
	if cerr := r.br.Close(); err == nil {
		err = cerr
	}
	return err
}

// batchRows closes the batch with the rows.
type batchRows struct {
	pgx.Rows
	br pgx.BatchResults
}

func (r *batchRows) Close() {
	r.Rows.Close()
	r.br.Close()
}

func (r *batchRows) Err() error {
	if err := r.Rows.Err(); err != nil {
		return err
	}
	return nil
}
