package netpol_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aksnet/aksnet/importer/manifests"
	"github.com/aksnet/aksnet/netpol"
)

// FuzzAnalyze runs whatever the loader accepts through the analysis: it
// returns a result or input errors, never panics, and lists only
// non-empty connections between known peers.
func FuzzAnalyze(f *testing.F) {
	files, _ := filepath.Glob("testdata/scenarios/*")
	for _, file := range files {
		if data, err := os.ReadFile(file); err == nil && !strings.HasSuffix(file, ".golden") {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		objs, _, err := manifests.Decode("fuzz.yaml", data)
		if err != nil {
			return
		}
		r, err := netpol.Analyze(objs)
		if err != nil {
			if !strings.Contains(err.Error(), "fuzz.yaml") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		known := map[string]bool{}
		for _, w := range r.Workloads() {
			known[w.Peer.String()] = true
		}
		for _, c := range r.Connections() {
			if c.Conns.IsEmpty() {
				t.Fatalf("empty connection %s", c)
			}
			for _, p := range []netpol.Peer{c.Src, c.Dst} {
				if !p.IsExternal() && !known[p.String()] {
					t.Fatalf("unknown peer %s", p)
				}
			}
		}
	})
}

// FuzzParseConnSet checks that ParseConnSet never panics and that what it
// accepts prints and parses back to the same set.
func FuzzParseConnSet(f *testing.F) {
	for _, s := range []string{"tcp/80", "UDP/53", "sctp", "TCP 80,8000-8080,UDP 53", "All Connections", "No Connections", "tcp/1-65535", "TCP 0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, ok := netpol.ParseConnSet(s)
		if !ok {
			return
		}
		back, ok := netpol.ParseConnSet(c.String())
		if !ok || !back.Equal(c) {
			t.Fatalf("%q -> %q -> %q (%v)", s, c.String(), back.String(), ok)
		}
	})
}

// FuzzParseIPRange checks that ParseIPRange never panics and that what it
// accepts prints and parses back to the same range.
func FuzzParseIPRange(f *testing.F) {
	for _, s := range []string{"10.0.0.1", "10.0.0.0/8", "10.0.0.0-10.0.0.255", "fd00::/8", "::ffff:10.0.0.0/104", "1.2.3.4-1.2.3.3", "fe80::1%eth0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := netpol.ParseIPRange(s)
		if err != nil {
			return
		}
		if !r.IsValid() {
			t.Fatalf("%q parsed to invalid range %v", s, r)
		}
		back, err := netpol.ParseIPRange(r.String())
		if err != nil || back != r {
			t.Fatalf("%q -> %q -> %v (%v)", s, r.String(), back, err)
		}
	})
}
