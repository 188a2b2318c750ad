// Package batch queues a store's concurrent updates to one writer
// goroutine, which takes them in batches: what is waiting when it is free
// goes into the next batch. How a batch is run (one transaction, a
// savepoint per update, retries) is the backend's.
package batch

import (
	"context"
	"fmt"
	"sync"

	"github.com/aksnet/aksnet/ipam/store"
)

// Request is one queued update. The writer answers it by sending fn's
// result (or the batch's error) on Done, exactly once.
type Request struct {
	Ctx  context.Context
	Fn   func(store.Tx) error
	Done chan error
}

// Writer is the writer goroutine and its queue.
type Writer struct {
	max    int
	closed error
	run    func([]*Request)
	queue  chan *Request
	quit   chan struct{}
	wg     sync.WaitGroup
}

// Start starts a writer that passes batches of at most max requests to
// run, one batch at a time; run must answer every request of its batch.
// Requests made after Close get closed.
func Start(max int, closed error, run func([]*Request)) *Writer {
	w := &Writer{max: max, closed: closed, run: run, queue: make(chan *Request), quit: make(chan struct{})}
	w.wg.Add(1)
	go w.loop()
	return w
}

// Do queues fn, waits until the writer has run it and returns its error.
// It returns ctx's error when ctx ends before fn is queued; once fn is
// queued, Do waits for it. A panic of fn (see Call) is raised again
// here, in the caller's goroutine.
func (w *Writer) Do(ctx context.Context, fn func(store.Tx) error) error {
	r := &Request{Ctx: ctx, Fn: fn, Done: make(chan error, 1)}
	select {
	case w.queue <- r:
	case <-ctx.Done():
		return ctx.Err()
	case <-w.quit:
		return w.closed
	}
	return Repanic(<-r.Done)
}

// Close stops the writer and waits for it. The batch it is running
// finishes; updates still waiting get the closed error (a few may run
// first), and so do updates asked for afterwards. Call it once.
func (w *Writer) Close() {
	close(w.quit)
	w.wg.Wait()
}

func (w *Writer) loop() {
	defer w.wg.Done()
	for {
		var first *Request
		select {
		case first = <-w.queue:
		case <-w.quit:
			for {
				select {
				case r := <-w.queue:
					r.Done <- w.closed
				default:
					return
				}
			}
		}
		batch := []*Request{first}
	drain:
		for len(batch) < w.max {
			select {
			case r := <-w.queue:
				batch = append(batch, r)
			default:
				break drain
			}
		}
		w.run(batch)
	}
}

// panicked carries a panic of an update's fn back to the goroutine that
// asked for the update.
type panicked struct{ value any }

func (p panicked) Error() string { return fmt.Sprint("panic: ", p.value) }

// Call runs fn on tx. A panic of fn is returned as an error, so that the
// writer survives it; Repanic raises it again.
func Call(fn func(store.Tx) error, tx store.Tx) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = panicked{p}
		}
	}()
	return fn(tx)
}

// Repanic panics with the value of a panic Call caught; it returns any
// other error unchanged.
func Repanic(err error) error {
	if p, ok := err.(panicked); ok {
		panic(p.value)
	}
	return err
}
