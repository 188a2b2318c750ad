package terraform

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/aksnet/aksnet/importer"
)

// FuzzImport feeds arbitrary bytes through parsing and import: a design or
// located problems, never a panic.
func FuzzImport(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.json")
	for _, file := range files {
		if data, err := os.ReadFile(file); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := importer.Parse("fuzz.json", data)
		if err != nil || !Detect(doc) {
			return
		}
		d, _, err := Import([]*importer.Doc{doc})
		if err != nil {
			var e *importer.Error
			if !errors.As(err, &e) || len(e.Problems) == 0 {
				t.Fatalf("import error without problems: %T %v", err, err)
			}
			return
		}
		if d == nil {
			t.Fatal("nil design without error")
		}
	})
}
