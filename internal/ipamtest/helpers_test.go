package ipamtest

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"flag"
	"fmt"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/aksnet/aksnet/ipam"
	"github.com/aksnet/aksnet/ipam/client"
	"github.com/aksnet/aksnet/ipam/server"
	"github.com/aksnet/aksnet/ipam/store"
	"github.com/aksnet/aksnet/ipam/store/postgres"
)

var long = flag.Bool("long", false, "run the load tests at full size (64 clients × 10,000 operations)")

// full reports whether the tests run at full size.
func full() bool { return *long || os.Getenv("AKSNET_IPAM_LONG") == "1" }

// pgEnv names the PostgreSQL DSN the tests may create schemas in, as in
// ipam/store/postgres.
const pgEnv = "AKSNET_TEST_POSTGRES"

// postgresDSN returns the test database, skipping without one unless CI
// is set (then the test fails: CI never passes without running it).
func postgresDSN(t *testing.T) string {
	t.Helper()
	dsn := os.Getenv(pgEnv)
	if dsn == "" {
		msg := pgEnv + ` is not set; start a throwaway PostgreSQL with: export ` + pgEnv + `="$(bash .ci/postgres.sh)"`
		if os.Getenv("CI") != "" {
			t.Fatal(msg + " (CI is set, so this test may not be skipped)")
		}
		t.Skip(msg)
	}
	return dsn
}

// pgSchema returns a schema name for this test and drops it afterwards.
func pgSchema(t *testing.T, dsn string) string {
	name := fmt.Sprintf("aksnet_ipamtest_%d", time.Now().UnixNano()%1e12)
	t.Cleanup(func() {
		conn, err := pgx.Connect(context.Background(), dsn)
		if err != nil {
			t.Errorf("dropping schema %s: %v", name, err)
			return
		}
		defer conn.Close(context.Background())
		if _, err := conn.Exec(context.Background(), `DROP SCHEMA IF EXISTS `+pgx.Identifier{name}.Sanitize()+` CASCADE`); err != nil {
			t.Errorf("dropping schema %s: %v", name, err)
		}
	})
	return name
}

func openPostgres(t *testing.T, dsn, schema string, conns int32) *postgres.Store {
	t.Helper()
	st, err := postgres.Open(context.Background(), dsn, postgres.Options{Schema: schema, MaxConns: conns})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// liveServer is a registry server serving real HTTP on a loopback port
// inside the test process.
type liveServer struct {
	URL string
	reg *store.Registry
}

func startInProcess(t *testing.T, st store.Store) *liveServer {
	t.Helper()
	reg := store.NewRegistry(st, nil)
	srv, err := server.New(server.Config{Registry: reg})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("server: %v", err)
		}
	})
	return &liveServer{URL: "http://" + ln.Addr().String(), reg: reg}
}

// adminToken makes an admin token directly in the registry.
func adminToken(t *testing.T, reg *store.Registry) string {
	t.Helper()
	secret, _, err := reg.CreateToken(context.Background(), store.Actor{Name: "test-setup"}, "admin", []ipam.Scope{ipam.ScopeAdmin}, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return secret
}

// newClient returns a client with a transport that keeps enough idle
// connections for many goroutines.
func newClient(t *testing.T, url, token string) *client.Client {
	t.Helper()
	tr := &httpTransport
	c, err := client.New(url, token, client.WithHTTPClient(tr.client()), client.WithRetries(5))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// aksnetBinary builds cmd/aksnet once per test run.
var (
	binOnce sync.Once
	binPath string
	binErr  error
)

func aksnetBinary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "aksnet-ipamtest-")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "aksnet")
		if runtime.GOOS == "windows" {
			binPath += ".exe"
		}
		cmd := exec.Command("go", "build", "-o", binPath, "github.com/aksnet/aksnet/cmd/aksnet")
		out, err := cmd.CombinedOutput()
		if err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// run runs the aksnet binary to completion and returns its stdout.
func run(t *testing.T, bin string, args ...string) string {
	t.Helper()
	var out, errb bytes.Buffer
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("aksnet %s: %v\n%s", strings.Join(args, " "), err, errb.String())
	}
	return out.String()
}

// proc is an aksnet ipam serve subprocess.
type proc struct {
	cmd *exec.Cmd
	URL string
	log *syncBuffer
}

// startServe starts aksnet ipam serve on db and waits until it listens.
func startServe(t *testing.T, bin, db string) *proc {
	t.Helper()
	urlFile := filepath.Join(t.TempDir(), "url")
	p := &proc{log: &syncBuffer{}}
	p.cmd = exec.Command(bin, "ipam", "serve", "--db", db, "--listen", "127.0.0.1:0", "--url-file", urlFile, "--log-level", "warn")
	p.cmd.Stdout, p.cmd.Stderr = p.log, p.log
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if p.cmd.ProcessState == nil {
			p.cmd.Process.Kill()
			p.cmd.Wait()
		}
	})
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(urlFile); err == nil && bytes.HasSuffix(b, []byte("\n")) {
			p.URL = strings.TrimSpace(string(b))
			return p
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("aksnet ipam serve did not start within 20 s:\n%s", p.log.String())
	return nil
}

// syncBuffer is a bytes.Buffer safe for concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	sc := bufio.NewScanner(bytes.NewReader(s.b.Bytes()))
	var lines []string
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if len(lines) > 40 {
		lines = lines[len(lines)-40:]
	}
	return strings.Join(lines, "\n")
}

// overlaps returns a pair of live allocations that overlap, if any.
func overlaps(as []ipam.Allocation) (ipam.Allocation, ipam.Allocation, bool) {
	s := slices.Clone(as)
	slices.SortFunc(s, func(a, b ipam.Allocation) int {
		if c := a.CIDR.Addr().Compare(b.CIDR.Addr()); c != 0 {
			return c
		}
		return a.CIDR.Bits() - b.CIDR.Bits()
	})
	for i := 1; i < len(s); i++ {
		if s[i-1].CIDR.Overlaps(s[i].CIDR) {
			return s[i-1], s[i], true
		}
	}
	// Adjacent-only comparison is enough for prefixes: if a overlaps some
	// later c, it contains every prefix between them in address order.
	return ipam.Allocation{}, ipam.Allocation{}, false
}

func mustPrefix(s string) netip.Prefix { return netip.MustParsePrefix(s) }
