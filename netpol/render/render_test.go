package render_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aksnet/aksnet/importer/manifests"
	"github.com/aksnet/aksnet/netpol"
	"github.com/aksnet/aksnet/netpol/render"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func analyze(t *testing.T, path string) *netpol.Result {
	t.Helper()
	set, err := manifests.Load([]string{path}, nil)
	if err != nil {
		t.Fatal(err)
	}
	r, err := netpol.Analyze(set.Objects)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (run with -update and review the diff)\n--- got\n%s--- want\n%s", path, got, want)
	}
}

const shop = "../testdata/scenarios/shop.yaml"

func TestList(t *testing.T) {
	r := analyze(t, shop)
	for _, f := range render.ListFormats() {
		var b bytes.Buffer
		if err := render.List(&b, f, r.AllConnections(), r.Workloads()); err != nil {
			t.Fatal(err)
		}
		golden(t, "shop-list."+f, b.Bytes())
		switch f {
		case "json":
			var v []map[string]string
			if err := json.Unmarshal(b.Bytes(), &v); err != nil || len(v) != len(r.Connections()) {
				t.Errorf("json: %v, %d entries", err, len(v))
			}
		case "csv":
			rows, err := csv.NewReader(&b).ReadAll()
			if err != nil || len(rows) != len(r.Connections())+1 {
				t.Errorf("csv: %v, %d rows", err, len(rows))
			}
		case "dot":
			if strings.Count(b.String(), "{") != strings.Count(b.String(), "}") {
				t.Error("dot: unbalanced braces")
			}
		}
	}
	if err := render.List(&bytes.Buffer{}, "yaml", slices.Values([]netpol.Connection(nil)), nil); err == nil {
		t.Error("unknown format accepted")
	}
}

func TestMatrix(t *testing.T) {
	r := analyze(t, shop)
	for _, by := range []string{"namespace", "workload"} {
		m, err := render.NewMatrix(by, r.AllConnections(), r.Workloads())
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range render.MatrixFormats() {
			var b bytes.Buffer
			if err := render.WriteMatrix(&b, f, m); err != nil {
				t.Fatal(err)
			}
			golden(t, "shop-matrix-"+by+"."+f, b.Bytes())
		}
	}
	if _, err := render.NewMatrix("pod", r.AllConnections(), nil); err == nil {
		t.Error("unknown grouping accepted")
	}
}

func TestExplain(t *testing.T) {
	r := analyze(t, shop)
	cases := []struct{ name, src, dst, q string }{
		{"allowed", "monitoring/prometheus", "shop/api", "tcp/9100"},
		{"partly", "shop/web", "shop/api", ""},
		{"external", "203.0.112.0/23", "shop/web", "tcp/8080"},
		{"egress-denied", "shop/api", "10.21.0.1", ""},
	}
	for _, c := range cases {
		src, err := r.ParseEndpoint(c.src)
		if err != nil {
			t.Fatal(err)
		}
		dst, err := r.ParseEndpoint(c.dst)
		if err != nil {
			t.Fatal(err)
		}
		var q netpol.ConnSet
		if c.q != "" {
			q, _ = netpol.ParseConnSet(c.q)
		}
		ex := r.Explain(src, dst, q)
		for _, f := range render.ExplainFormats() {
			var b bytes.Buffer
			if err := render.Explain(&b, f, ex); err != nil {
				t.Fatal(err)
			}
			golden(t, "shop-explain-"+c.name+"."+f, b.Bytes())
		}
	}
}

func TestDiff(t *testing.T) {
	before := analyze(t, shop)
	after := analyze(t, "testdata/shop-v2.yaml")
	d := netpol.Diff(before, after)
	for _, f := range render.DiffFormats() {
		var b bytes.Buffer
		if err := render.Diff(&b, f, d); err != nil {
			t.Fatal(err)
		}
		golden(t, "shop-diff."+f, b.Bytes())
	}
}
