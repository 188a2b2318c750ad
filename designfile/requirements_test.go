package designfile_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/aksnet/aksnet/designfile"
)

func TestLoadRequirementsExample(t *testing.T) {
	f := "../examples/financial-saas.yaml"
	data, err := os.ReadFile(f)
	if err != nil {
		t.Fatal(err)
	}
	r, err := designfile.LoadRequirements(f, data)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Spec.Regions) != 2 || r.Spec.Regions[0].DRPair != "eastasia" || len(r.Spec.Clusters) != 2 {
		t.Errorf("decoded %+v", r.Spec)
	}
	if got := r.Spec.Clusters[0].NodePools[1].Path; got != "spec.clusters[0].nodePools[1]" {
		t.Errorf("pool Path = %q", got)
	}
	// The schema accepts it too.
	raw, err := designfile.RequirementsSchema()
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(designfile.RequirementsSchemaID, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(designfile.RequirementsSchemaID)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Validate(yamlToJSONValue(t, data)); err != nil {
		t.Errorf("schema rejects the example: %v", err)
	}
}

// TestLoadRequirementsInvalid checks that requirements get the same strict,
// located errors as designs.
func TestLoadRequirementsInvalid(t *testing.T) {
	base, err := os.ReadFile("../examples/financial-saas.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, from, to, want string
	}{
		{"unknown field", "    growthFactor: 1.2", "    growthFactr: 1.2", `did you mean "growthFactor"`},
		{"host bits", "vnets: [10.80.0.0/12]", "vnets: [10.81.0.0/12]", "did you mean 10.80.0.0/12"},
		{"bad enum", "egress: firewall", "egress: Firewall", "case-sensitive"},
		{"wrong kind", "kind: Requirements", "kind: Design", "is not a Requirements"},
		{"unknown region", "regions: [southeastasia]", "regions: [westeurope]", "westeurope"},
	} {
		if !bytes.Contains(base, []byte(tc.from)) {
			t.Fatalf("%s: example lacks %q", tc.name, tc.from)
		}
		data := bytes.Replace(base, []byte(tc.from), []byte(tc.to), 1)
		_, err := designfile.LoadRequirements("req.yaml", data)
		var e *designfile.Error
		if !errors.As(err, &e) {
			t.Errorf("%s: err = %v, want located problems", tc.name, err)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) || e.Problems[0].Line == 0 || e.Problems[0].File != "req.yaml" {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
}

func FuzzLoadRequirements(f *testing.F) {
	files, _ := filepath.Glob("../examples/*.yaml")
	for _, file := range files {
		if data, err := os.ReadFile(file); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := designfile.LoadRequirements("fuzz.yaml", data)
		if err != nil {
			var e *designfile.Error
			if !errors.As(err, &e) || len(e.Problems) == 0 {
				t.Fatalf("error without problems: %T %v", err, err)
			}
			return
		}
		if r == nil {
			t.Fatal("nil requirements without error")
		}
	})
}
