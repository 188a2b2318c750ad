package manifests

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzDecode feeds arbitrary bytes to Decode: it returns objects that know
// their file and line, or an error naming the file, and never panics.
func FuzzDecode(f *testing.F) {
	for _, dir := range []string{"testdata/valid", "testdata/invalid", "testdata/tree"} {
		_ = filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				if data, err := os.ReadFile(path); err == nil {
					f.Add(data)
				}
			}
			return nil
		})
	}
	f.Add([]byte("{}{}[]"))
	f.Add([]byte("apiVersion: v1\nkind: List\nitems:\n- kind: Pod\n  metadata: {name: a}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		objs, warns, err := Decode("fuzz.yaml", data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.yaml") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		lines := strings.Count(string(data), "\n") + 1
		for _, o := range objs {
			if o.Source.File != "fuzz.yaml" || o.Source.Line < 1 || o.Source.Line > lines {
				t.Fatalf("object source %v outside the input (%d lines)", o.Source, lines)
			}
			if o.Obj == nil {
				t.Fatal("nil object")
			}
		}
		for _, w := range warns {
			if w.Line < 1 || w.Line > lines {
				t.Fatalf("warning line %d outside the input (%d lines): %v", w.Line, lines, w)
			}
		}
	})
}
