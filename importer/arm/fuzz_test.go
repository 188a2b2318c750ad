package arm

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/importer"
)

// FuzzImport feeds arbitrary bytes, as a template and as a parameters
// file, through Parse and Import: the result is a design that validates,
// or located problems; never a panic.
func FuzzImport(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.json")
	params, _ := os.ReadFile("testdata/aks-overlay.parameters.json")
	for _, file := range files {
		if data, err := os.ReadFile(file); err == nil {
			f.Add(data, params)
		}
	}
	f.Add([]byte(`{"$schema":"deploymentTemplate.json","variables":{"a":"[variables('b')]","b":"[variables('a')]"},"resources":[{"type":"Microsoft.Network/virtualNetworks","name":"[variables('a')]"}]}`), []byte(`{}`))
	f.Add([]byte(`{"$schema":"deploymentTemplate.json","resources":{"a":{"type":"Microsoft.Network/virtualNetworks","name":"v","location":"x","properties":{"addressSpace":{"addressPrefixes":["[cidrSubnet('10.0.0.0/8', 16, 300)]"]}}}}}`), []byte(`[]`))
	f.Fuzz(func(t *testing.T, tmpl, params []byte) {
		var docs []*importer.Doc
		for i, data := range [][]byte{tmpl, params} {
			doc, err := Parse([]string{"t.json", "p.json"}[i], data)
			if err != nil {
				var e *importer.Error
				if !errors.As(err, &e) || len(e.Problems) == 0 || e.Problems[0].Line < 1 {
					t.Fatalf("parse error without a located problem: %v", err)
				}
				continue
			}
			if Detect(doc) {
				docs = append(docs, doc)
			}
		}
		if len(docs) == 0 {
			return
		}
		d, warns, err := Import(docs)
		if err != nil {
			var e *importer.Error
			if !errors.As(err, &e) || len(e.Problems) == 0 {
				t.Fatalf("import error without problems: %T %v", err, err)
			}
			for _, p := range e.Problems {
				if p.File == "" || p.Line < 1 || p.Msg == "" {
					t.Fatalf("problem without a location or message: %+v", p)
				}
			}
			return
		}
		if d == nil {
			t.Fatal("nil design without error")
		}
		if vp := design.Validate(d); len(vp) > 0 {
			t.Fatalf("imported design does not validate: %v", vp)
		}
		for _, w := range warns {
			if w.File == "" || w.Line < 1 {
				t.Fatalf("warning without a location: %+v", w)
			}
		}
	})
}
