package sqlite

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/aksnet/aksnet/ipam"
	"github.com/aksnet/aksnet/ipam/store"
)

// crashEnv tells the test binary to act as the writer TestCrash kills.
const crashEnv = "AKSNET_IPAM_CRASH_DB"

// TestCrashWriter is the child of TestCrash: it allocates from 8
// goroutines and prints the ID and CIDR of each acknowledged allocation,
// until it is killed.
func TestCrashWriter(t *testing.T) {
	path := os.Getenv(crashEnv)
	if path == "" {
		t.Skip("run by TestCrash")
	}
	ctx := context.Background()
	s, err := Open(ctx, path, Options{})
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	r := store.NewRegistry(s, nil)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				a, _, err := r.Allocate(ctx, store.Actor{Name: "crash"}, ipam.Request{Pool: "p", Bits: 28, Owner: fmt.Sprint("w", w)})
				if err != nil {
					mu.Lock()
					fmt.Println("error", err)
					mu.Unlock()
					return
				}
				mu.Lock()
				fmt.Println("ack", a.ID, a.CIDR)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
}

// TestCrash kills a process that is writing to the registry (SIGKILL, no
// chance to clean up) and checks that the database opens cleanly and
// holds every allocation the process acknowledged.
func TestCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "crash.db")
	s, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.NewRegistry(s, nil).CreatePool(ctx, store.Actor{Name: "t"},
		ipam.Pool{Name: "p", CIDR: netipMust("10.0.0.0/12"), Purpose: ipam.PurposeVNet}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	for round := range 3 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashWriter$", "-test.count=1")
		cmd.Env = append(os.Environ(), crashEnv+"="+path)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		acked := map[int64]string{}
		sc := bufio.NewScanner(out)
		for sc.Scan() && len(acked) < 300*(round+1) {
			f := strings.Fields(sc.Text())
			if len(f) == 3 && f[0] == "ack" {
				id, _ := strconv.ParseInt(f[1], 10, 64)
				acked[id] = f[2]
			} else if f[0] == "error" {
				t.Fatalf("writer: %s", sc.Text())
			}
		}
		cmd.Process.Kill()
		cmd.Wait()
		if len(acked) == 0 {
			t.Fatal("the writer acknowledged nothing")
		}
		s, err := Open(ctx, path, Options{})
		if err != nil {
			t.Fatalf("round %d: reopening after kill -9: %v", round, err)
		}
		var live []ipam.Allocation
		if err := s.View(ctx, func(tx store.ReadTx) error {
			var err error
			live, err = tx.Allocations(store.AllocationFilter{Pool: "p", State: ipam.StateLive})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		have := map[int64]string{}
		for _, a := range live {
			have[a.ID] = a.CIDR.String()
		}
		for id, c := range acked {
			if have[id] != c {
				t.Errorf("round %d: acknowledged allocation %d %s is missing after the crash (have %q)", round, id, c, have[id])
			}
		}
		var check string
		if err := s.w.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
			t.Errorf("round %d: integrity_check: %q %v", round, check, err)
		}
		s.Close()
		t.Logf("round %d: %d acknowledged, %d live", round, len(acked), len(live))
	}
}
