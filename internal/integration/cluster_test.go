package integration

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	mathrand "math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// Environment variables that point the tests at their programs.
const (
	// envAPIServer is the path of a kube-apiserver binary; .ci/kube-apiserver.sh
	// builds one and prints its path.
	envAPIServer = "AKSNET_KUBE_APISERVER"
	// envEtcd is the path of an etcd binary; "etcd" on PATH when unset.
	envEtcd = "AKSNET_ETCD"
)

// Startup limits. They are generous because CI runs these tests next to
// the compilation of every other package on two cores.
const (
	etcdStartTimeout      = 60 * time.Second
	apiServerStartTimeout = 180 * time.Second
	stopTimeout           = 15 * time.Second
)

// requireBinaries returns the kube-apiserver and etcd binaries. Without
// them the test is skipped on a developer's machine, but fails under CI,
// where .ci/run must have provided both.
func requireBinaries(t *testing.T) (apiServer, etcd string) {
	t.Helper()
	missing := func(format string, args ...any) {
		t.Helper()
		msg := fmt.Sprintf(format, args...)
		if os.Getenv("CI") != "" {
			t.Fatalf("%s; CI must run this test: .ci/run sets %s from .ci/kube-apiserver.sh", msg, envAPIServer)
		}
		t.Skipf("%s; to run it: export %s=\"$(bash .ci/kube-apiserver.sh)\"", msg, envAPIServer)
	}
	apiServer = os.Getenv(envAPIServer)
	if apiServer == "" {
		missing("%s is not set", envAPIServer)
	}
	if _, err := os.Stat(apiServer); err != nil {
		missing("%s=%s: %v", envAPIServer, apiServer, err)
	}
	etcd = os.Getenv(envEtcd)
	if etcd == "" {
		etcd = "etcd"
	}
	p, err := exec.LookPath(etcd)
	if err != nil {
		missing("no etcd binary (%v); install Debian's etcd-server package or set %s", err, envEtcd)
	}
	return apiServer, p
}

// process is a server the test started. Its output goes to a log file that
// is printed when the test fails.
type process struct {
	name string
	cmd  *exec.Cmd
	log  string
	done chan struct{} // closed when the process has exited
	err  error         // its exit status, once done is closed
}

// start runs a server program and registers its stop with t.Cleanup.
func start(t *testing.T, name, dir, bin string, args ...string) *process {
	t.Helper()
	logPath := filepath.Join(dir, name+".log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	cmd.Dir = dir
	dieWithTest(cmd)
	if err := cmd.Start(); err != nil {
		logFile.Close()
		t.Fatalf("starting %s: %v", name, err)
	}
	p := &process{name: name, cmd: cmd, log: logPath, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		logFile.Close()
		close(p.done)
	}()
	t.Cleanup(func() {
		p.stop(t)
		if t.Failed() {
			t.Logf("last lines of %s's log (%s):\n%s", name, logPath, tail(logPath, 40))
		}
	})
	return p
}

// exited reports whether the process has ended, and how.
func (p *process) exited() (bool, error) {
	select {
	case <-p.done:
		return true, p.err
	default:
		return false, nil
	}
}

// stop asks the process to end and kills it if it does not in time.
func (p *process) stop(t *testing.T) {
	if ok, _ := p.exited(); ok {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(stopTimeout):
		t.Logf("%s did not stop within %s of SIGTERM; killing it", p.name, stopTimeout)
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// tail returns the last n lines of a file.
func tail(path string, n int) string {
	f, err := os.Open(path)
	if err != nil {
		return err.Error()
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		lines = append(lines, sc.Text())
		if len(lines) > n {
			lines = lines[1:]
		}
	}
	return strings.Join(lines, "\n")
}

// freePort returns a loopback TCP port that was free a moment ago. It
// prefers ports below Linux's default ephemeral range (32768-60999), which
// the outgoing connections of other programs do not take in the meantime.
func freePort(t *testing.T) int {
	t.Helper()
	for range 50 {
		port := 20000 + mathrand.IntN(12000)
		l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err == nil {
			l.Close()
			return port
		}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startAttempts is how often a server is started on new ports when the
// ones picked were taken before it could bind them.
const startAttempts = 3

// errPortTaken means a server could not bind a port it was given.
var errPortTaken = errors.New("port taken")

// waitFor polls check until it returns nil, the process exits or the
// timeout passes. A process that exits because a port was taken yields an
// error wrapping errPortTaken.
func waitFor(p *process, timeout time.Duration, check func(context.Context) error) error {
	deadline := time.Now().Add(timeout)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		last := check(ctx)
		cancel()
		if last == nil {
			return nil
		}
		if ok, err := p.exited(); ok {
			log := tail(p.log, 40)
			if strings.Contains(log, "address already in use") {
				return fmt.Errorf("%s: %w", p.name, errPortTaken)
			}
			return fmt.Errorf("%s exited before it was ready (%v); last check: %v\n%s", p.name, err, last, log)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s not ready after %s: %v", p.name, timeout, last)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// startEtcd runs a single-member etcd on free loopback ports with a data
// directory under dir and returns its client URL.
func startEtcd(t *testing.T, etcd, dir string) string {
	t.Helper()
	for attempt := 1; ; attempt++ {
		client := fmt.Sprintf("http://127.0.0.1:%d", freePort(t))
		peer := fmt.Sprintf("http://127.0.0.1:%d", freePort(t))
		err := tryEtcd(t, etcd, dir, attempt, client, peer)
		if err == nil {
			return client
		}
		if !errors.Is(err, errPortTaken) || attempt == startAttempts {
			t.Fatal(err)
		}
		t.Logf("%v; starting etcd again on other ports", err)
	}
}

func tryEtcd(t *testing.T, etcd, dir string, attempt int, client, peer string) error {
	p := start(t, fmt.Sprintf("etcd-%d", attempt), dir, etcd,
		"--name", "aksnet-it",
		"--data-dir", filepath.Join(dir, fmt.Sprintf("etcd-data-%d", attempt)),
		"--listen-client-urls", client,
		"--advertise-client-urls", client,
		"--listen-peer-urls", peer,
		"--initial-advertise-peer-urls", peer,
		"--initial-cluster", "aksnet-it="+peer,
		"--initial-cluster-state", "new",
		"--logger", "zap",
		"--log-level", "warn",
	)
	return waitFor(p, etcdStartTimeout, func(ctx context.Context) error {
		body, err := get(ctx, http.DefaultClient, client+"/health", "")
		if err != nil {
			return err
		}
		if !strings.Contains(body, `"health":"true"`) {
			return fmt.Errorf("/health: %s", body)
		}
		return nil
	})
}

// apiServer is a running kube-apiserver and what a client needs to reach it.
type apiServer struct {
	URL    string
	CAFile string // the self-signed serving certificate bundle kube-apiserver wrote
	Token  string // bearer token of a user in system:masters
}

// startAPIServer runs kube-apiserver on a free loopback port against the
// etcd at etcdURL, allocating Service ClusterIPs from serviceCIDR, and
// waits until /readyz answers ok.
//
// It authenticates one user, by a static token, and authorizes everything
// (AlwaysAllow). The ServiceAccount admission plugin is off: it needs the
// default ServiceAccount that kube-controller-manager, not run here,
// creates in every namespace.
func startAPIServer(t *testing.T, bin, dir, etcdURL, serviceCIDR string) *apiServer {
	t.Helper()
	certDir := filepath.Join(dir, "certs")
	if err := os.Mkdir(certDir, 0o700); err != nil {
		t.Fatal(err)
	}
	saKey := filepath.Join(dir, "service-account.key")
	writeECKey(t, saKey)
	token := randomHex(t, 16)
	tokens := filepath.Join(dir, "tokens.csv")
	// token,user,uid,"group1,group2"
	if err := os.WriteFile(tokens, []byte(token+`,aksnet-admin,aksnet-admin,"system:masters"`+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for attempt := 1; ; attempt++ {
		s := &apiServer{Token: token}
		err := s.try(t, bin, dir, attempt, etcdURL, serviceCIDR, certDir, saKey, tokens)
		if err == nil {
			return s
		}
		if !errors.Is(err, errPortTaken) || attempt == startAttempts {
			t.Fatal(err)
		}
		t.Logf("%v; starting kube-apiserver again on another port", err)
	}
}

func (s *apiServer) try(t *testing.T, bin, dir string, attempt int, etcdURL, serviceCIDR, certDir, saKey, tokens string) error {
	port := freePort(t)
	s.URL = fmt.Sprintf("https://127.0.0.1:%d", port)
	s.CAFile = filepath.Join(certDir, "apiserver.crt")
	p := start(t, fmt.Sprintf("kube-apiserver-%d", attempt), dir, bin,
		"--etcd-servers", etcdURL,
		"--etcd-prefix", "/aksnet-it",
		"--bind-address", "127.0.0.1",
		"--advertise-address", "127.0.0.1",
		"--secure-port", strconv.Itoa(port),
		"--cert-dir", certDir,
		"--token-auth-file", tokens,
		"--authorization-mode", "AlwaysAllow",
		"--service-account-issuer", "https://kubernetes.default.svc.cluster.local",
		"--service-account-key-file", saKey,
		"--service-account-signing-key-file", saKey,
		"--service-cluster-ip-range", serviceCIDR,
		"--disable-admission-plugins", "ServiceAccount",
		// The loopback address cannot be published in the default/kubernetes
		// Endpoints; nothing here needs them.
		"--endpoint-reconciler-type", "none",
		"--profiling=false",
	)
	return waitFor(p, apiServerStartTimeout, func(ctx context.Context) error {
		c, err := s.httpClient()
		if err != nil {
			return err
		}
		body, err := get(ctx, c, s.URL+"/readyz", s.Token)
		if err != nil {
			return err
		}
		if strings.TrimSpace(body) != "ok" {
			return fmt.Errorf("/readyz: %s", body)
		}
		return nil
	})
}

// httpClient trusts the server's self-signed certificate, once written.
func (s *apiServer) httpClient() (*http.Client, error) {
	pemData, err := os.ReadFile(s.CAFile)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pemData) {
		return nil, fmt.Errorf("%s holds no PEM certificate", s.CAFile)
	}
	return &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}, nil
}

// writeKubeconfig writes a kubeconfig for the server with one context,
// "live", as kubectl would find it, and returns its path.
func (s *apiServer) writeKubeconfig(t *testing.T, dir string) string {
	t.Helper()
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["live"] = &clientcmdapi.Cluster{Server: s.URL, CertificateAuthority: s.CAFile}
	cfg.AuthInfos["aksnet-admin"] = &clientcmdapi.AuthInfo{Token: s.Token}
	cfg.Contexts["live"] = &clientcmdapi.Context{Cluster: "live", AuthInfo: "aksnet-admin", Namespace: "default"}
	cfg.CurrentContext = "live"
	path := filepath.Join(dir, "kubeconfig")
	if err := clientcmd.WriteToFile(*cfg, path); err != nil {
		t.Fatal(err)
	}
	return path
}

// get fetches url, with a bearer token when one is given, and returns the
// body of a 200 answer.
func get(ctx context.Context, c *http.Client, url, token string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "", err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64*1024))
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", errors.New(resp.Status + ": " + string(body))
	}
	return string(body), nil
}

// writeECKey writes a new P-256 private key in PEM, the key kube-apiserver
// signs and verifies ServiceAccount tokens with.
func writeECKey(t *testing.T, path string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
}

func randomHex(t *testing.T, n int) string {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}
