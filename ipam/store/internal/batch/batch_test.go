package batch

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"testing"

	"github.com/aksnet/aksnet/ipam/store"
)

// recorder runs batches: it answers each request with what its fn
// returns and records the batch sizes.
type recorder struct {
	mu    sync.Mutex
	sizes []int
	hold  chan struct{} // when set, the first batch waits until it is closed
}

func (rc *recorder) run(reqs []*Request) {
	rc.mu.Lock()
	rc.sizes = append(rc.sizes, len(reqs))
	first := len(rc.sizes) == 1
	rc.mu.Unlock()
	if first && rc.hold != nil {
		<-rc.hold
	}
	for _, r := range reqs {
		r.Done <- Call(r.Fn, nil)
	}
}

// waitFirst waits until the first batch has started.
func (rc *recorder) waitFirst() {
	for {
		rc.mu.Lock()
		started := len(rc.sizes) > 0
		rc.mu.Unlock()
		if started {
			return
		}
		runtime.Gosched()
	}
}

func TestBatchesCollectWaitingUpdates(t *testing.T) {
	const max, n = 4, 13
	rc := &recorder{hold: make(chan struct{})}
	w := Start(max, errors.New("closed"), rc.run)
	defer w.Close()
	var wg sync.WaitGroup
	errs := make([]error, n+1)
	do := func(i int) {
		defer wg.Done()
		errs[i] = w.Do(context.Background(), func(store.Tx) error { return fmt.Errorf("update %d", i) })
	}
	wg.Add(1)
	go do(0)
	// Update 0 is being run and held; the others queue behind it.
	rc.waitFirst()
	for i := 1; i <= n; i++ {
		wg.Add(1)
		go do(i)
	}
	close(rc.hold)
	wg.Wait()
	for i, err := range errs {
		if want := fmt.Sprintf("update %d", i); err == nil || err.Error() != want {
			t.Errorf("update %d got %v, want its own result %q", i, err, want)
		}
	}
	total := 0
	for _, size := range rc.sizes {
		if size < 1 || size > max {
			t.Errorf("batch of %d updates; want 1 to %d", size, max)
		}
		total += size
	}
	if total != n+1 {
		t.Errorf("batches %v hold %d updates, want %d", rc.sizes, total, n+1)
	}
}

func TestClosedWriterRefuses(t *testing.T) {
	closed := errors.New("closed")
	rc := &recorder{}
	w := Start(8, closed, rc.run)
	if err := w.Do(context.Background(), func(store.Tx) error { return nil }); err != nil {
		t.Fatalf("Do before Close: %v", err)
	}
	w.Close()
	ran := false
	if err := w.Do(context.Background(), func(store.Tx) error { ran = true; return nil }); !errors.Is(err, closed) || ran {
		t.Errorf("Do after Close: got %v (ran %v), want the closed error without running", err, ran)
	}
}

func TestDoHonoursContext(t *testing.T) {
	rc := &recorder{hold: make(chan struct{})}
	w := Start(1, errors.New("closed"), rc.run)
	defer w.Close()
	defer close(rc.hold)
	go w.Do(context.Background(), func(store.Tx) error { return nil }) // keeps the writer busy
	rc.waitFirst()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ran := false
	if err := w.Do(ctx, func(store.Tx) error { ran = true; return nil }); !errors.Is(err, context.Canceled) || ran {
		t.Errorf("Do with a cancelled context while the writer is busy: got %v (ran %v), want context.Canceled", err, ran)
	}
}

func TestPanicReachesCaller(t *testing.T) {
	rc := &recorder{}
	w := Start(8, errors.New("closed"), rc.run)
	defer w.Close()
	func() {
		defer func() {
			if p := recover(); p != "oops" {
				t.Errorf("recovered %v, want the update's panic", p)
			}
		}()
		w.Do(context.Background(), func(store.Tx) error { panic("oops") })
	}()
	if err := w.Do(context.Background(), func(store.Tx) error { return nil }); err != nil {
		t.Errorf("writer after a panic: %v", err)
	}
	if err := Repanic(errors.New("plain")); err == nil || err.Error() != "plain" {
		t.Errorf("Repanic changed a plain error: %v", err)
	}
}
