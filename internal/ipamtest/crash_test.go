package ipamtest

import (
	"context"
	"database/sql"
	"net/http"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/aksnet/aksnet/ipam"
	"github.com/aksnet/aksnet/ipam/client"
)

// TestCrashRecovery starts aksnet ipam serve as a process on a SQLite
// file, loads it with 16 clients, kills it with SIGKILL in the middle of
// the load, and restarts it on the same file. The database must pass
// SQLite's integrity check, every acknowledged allocation must be there
// in the state its client was told, and a retry of each request whose
// answer was lost must get one allocation, never two.
func TestCrashRecovery(t *testing.T) {
	bin := aksnetBinary(t)
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "crash.db")
	token := strings.TrimSpace(run(t, bin, "ipam", "token", "create", "--admin", "--name", "admin", "--db", db))
	p := startServe(t, bin, db)
	c := newClient(t, p.URL, token)
	setupPool(t, ctx, c, "crash", "10.0.0.0/8")

	want := 400
	if full() {
		want = 5000
	}
	led := newLedger()
	ld := &load{pool: "crash", clients: 16, ops: 1 << 30}
	done := make(chan struct{})
	go func() {
		defer close(done)
		ld.run(ctx, led, []*client.Client{c})
	}()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		led.mu.Lock()
		n := len(led.acked)
		led.mu.Unlock()
		if n >= want {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("only %d allocations in 2 minutes:\n%s", n, p.log.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	ld.stopped.Store(true)
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	p.cmd.Wait()
	<-done
	for _, err := range led.failures {
		t.Error(err)
	}
	t.Logf("killed the server after %d acknowledged allocations and %d releases; %d allocations and %d releases in flight",
		len(led.acked), len(led.released), len(led.inflight), len(led.unsure))

	// The file opens cleanly and passes SQLite's own check.
	h, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	var res string
	if err := h.QueryRow(`PRAGMA integrity_check`).Scan(&res); err != nil || res != "ok" {
		t.Fatalf("integrity_check: %q, %v", res, err)
	}
	h.Close()

	// Restart on the same file.
	p2 := startServe(t, bin, db)
	c2 := newClient(t, p2.URL, token)
	if r, err := http.Get(p2.URL + "/readyz"); err != nil || r.StatusCode != 200 {
		t.Fatalf("readyz after restart: %v %v", r, err)
	}
	verify(t, ctx, c2, "crash", led)

	// A retry of each request whose answer was lost gets exactly one
	// allocation: the one made before the crash, or a new one.
	for key, req := range led.inflight {
		a, replayed, err := c2.Allocate(ctx, "crash", req, key)
		if err != nil {
			t.Errorf("retrying %s after the restart: %v", key, err)
			continue
		}
		if replayed {
			t.Logf("%s had been committed before the crash as allocation %d", key, a.ID)
		}
		led.acked[a.ID] = a.Allocation
	}
	clear(led.inflight)
	all := verify(t, ctx, c2, "crash", led)
	keys := map[string]int64{}
	for _, a := range all {
		if prev, dup := keys[a.IdempotencyKey]; dup {
			t.Errorf("key %s has two allocations: %d and %d", a.IdempotencyKey, prev, a.ID)
		}
		keys[a.IdempotencyKey] = a.ID
	}
	// And the restarted server keeps working.
	a, _, err := c2.Allocate(ctx, "crash", apiReq(24, "after-restart"), "")
	if err != nil || a.State != ipam.StateLive {
		t.Fatalf("allocating after the restart: %v", err)
	}
}
