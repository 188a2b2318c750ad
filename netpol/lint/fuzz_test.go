package lint_test

import (
	"net/netip"
	"os"
	"path/filepath"
	"testing"

	"github.com/aksnet/aksnet/importer/manifests"
	"github.com/aksnet/aksnet/netpol"
	"github.com/aksnet/aksnet/netpol/lint"
)

// FuzzLint feeds arbitrary manifests through every rule, with clusters of
// every engine, LocalDNS and a pod range: no input may make a rule panic,
// and every finding must point at a line of the input.
func FuzzLint(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*", "*.yaml"))
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	d := clusters(f)
	opts := []lint.Options{{}}
	for i := range d.Spec.Clusters {
		cl := lint.FromDesign(d, &d.Spec.Clusters[i])
		cl.LocalDNS = i%2 == 0
		opts = append(opts, lint.Options{Cluster: cl, SensitiveNamespaces: []string{"shop", "payments"}})
	}
	opts = append(opts, lint.Options{Cluster: lint.Cluster{PodRanges: []netip.Prefix{netip.MustParsePrefix("0.0.0.0/0")}}})
	f.Fuzz(func(t *testing.T, data []byte) {
		objs, _, err := manifests.Decode("fuzz.yaml", data)
		if err != nil {
			return
		}
		r, err := netpol.Analyze(objs)
		if err != nil {
			return
		}
		for _, o := range opts {
			for _, fd := range lint.Check(r, objs, o) {
				if fd.Location.File != "fuzz.yaml" || fd.Location.Line <= 0 || fd.Message == "" {
					t.Fatalf("finding without a place or message: %+v", fd)
				}
			}
		}
	})
}
