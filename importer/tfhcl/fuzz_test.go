package tfhcl

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/aksnet/aksnet/importer"
)

// FuzzImport feeds arbitrary .tf and .tfvars text through parsing,
// evaluation and import: a design or located problems, never a panic.
func FuzzImport(f *testing.F) {
	dirs, _ := filepath.Glob("testdata/*")
	for _, dir := range dirs {
		files, _ := filepath.Glob(filepath.Join(dir, "*.tf"))
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				continue
			}
			vars, _ := os.ReadFile(filepath.Join(dir, "terraform.tfvars"))
			f.Add(data, vars)
		}
	}
	f.Add([]byte(`locals { a = cidrsubnets("10.0.0.0/8", 8, 8) }`), []byte(""))
	f.Add([]byte(`resource "azurerm_subnet" "s" { count = 3 name = "s${count.index}" }`), []byte("x = 1"))
	f.Fuzz(func(t *testing.T, tf, tfvars []byte) {
		files := []File{{Name: "main.tf", Data: tf}}
		if len(tfvars) > 0 {
			files = append(files, File{Name: "terraform.tfvars", Data: tfvars})
		}
		d, warns, err := Import(files)
		if err != nil {
			var e *importer.Error
			if !errors.As(err, &e) || len(e.Problems) == 0 {
				t.Fatalf("import error without problems: %T %v", err, err)
			}
			for _, p := range e.Problems {
				if p.File == "" || p.Msg == "" {
					t.Fatalf("problem without file or message: %+v", p)
				}
			}
			return
		}
		if d == nil {
			t.Fatal("nil design without error")
		}
		for _, w := range warns {
			if w.File == "" || w.Line < 1 {
				t.Fatalf("warning without location: %+v", w)
			}
		}
		for k, loc := range d.Sources {
			if loc.File == "" || loc.Line < 1 {
				t.Fatalf("source %s has no location: %+v", k, loc)
			}
		}
	})
}
