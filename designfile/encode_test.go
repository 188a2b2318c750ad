package designfile_test

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/designfile"
)

// stripSources clears what only loading fills in, so designs compare by content.
func stripSources(d *design.Design) *design.Design {
	d.Sources = nil
	v := reflect.ValueOf(d).Elem()
	clearPaths(v)
	return d
}

func clearPaths(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			clearPaths(v.Elem())
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).Name == "Path" && v.Field(i).Kind() == reflect.String {
				v.Field(i).SetString("")
				continue
			}
			clearPaths(v.Field(i))
		}
	case reflect.Slice:
		for i := range v.Len() {
			clearPaths(v.Index(i))
		}
	}
}

// TestMarshalRoundTrip writes every loadable design back out and loads it
// again: the content must survive unchanged.
func TestMarshalRoundTrip(t *testing.T) {
	var files []string
	for _, g := range []string{"testdata/valid/*.yaml", "../examples/seed*.yaml", "../rules/testdata/*/*.yaml"} {
		m, _ := filepath.Glob(g)
		files = append(files, m...)
	}
	if len(files) < 50 {
		t.Fatalf("only %d designs found", len(files))
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		d, err := designfile.Load(f, data)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out, err := designfile.Marshal(d, "generated for a test\nsecond line")
		if err != nil {
			t.Fatalf("%s: marshal: %v", f, err)
		}
		if !strings.HasPrefix(string(out), "# generated for a test\n# second line\napiVersion: ") {
			t.Errorf("%s: header missing:\n%.200s", f, out)
		}
		back, err := designfile.Load("round-trip.yaml", out)
		if err != nil {
			t.Fatalf("%s: marshalled design does not load: %v\n%s", f, err, out)
		}
		if !reflect.DeepEqual(stripSources(d), stripSources(back)) {
			t.Errorf("%s: round trip changed the design:\n%s", f, out)
		}
	}
}
