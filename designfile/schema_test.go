package designfile_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"gopkg.in/yaml.v3"

	"github.com/aksnet/aksnet/designfile"
)

func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	raw, err := designfile.Schema()
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("schema is not JSON: %v", err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(designfile.SchemaID, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(designfile.SchemaID)
	if err != nil {
		t.Fatalf("schema does not compile: %v", err)
	}
	return s
}

// yamlToJSONValue converts a YAML document to the value the JSON decoder
// would produce, so the schema sees what an editor sees.
func yamlToJSONValue(t *testing.T, data []byte) any {
	t.Helper()
	var v any
	if err := yaml.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	out, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestSchemaAcceptsValidDesigns validates every design the loader accepts
// (examples, valid fixtures and the rule fixtures) against the schema.
func TestSchemaAcceptsValidDesigns(t *testing.T) {
	s := compileSchema(t)
	var files []string
	for _, g := range []string{"testdata/valid/*.yaml", "../examples/seed*.yaml", "../rules/testdata/*/*.yaml"} {
		m, _ := filepath.Glob(g)
		files = append(files, m...)
	}
	if len(files) < 50 {
		t.Fatalf("found only %d designs to validate", len(files))
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := designfile.Load(f, data); err != nil {
			t.Errorf("%s does not load: %v", f, err)
			continue
		}
		if err := s.Validate(yamlToJSONValue(t, data)); err != nil {
			t.Errorf("%s: loader accepts it but the schema does not:\n%v", f, err)
		}
	}
}

// TestSchemaRejectsShapeErrors checks that the schema catches the shape
// mistakes an editor should underline (the loader catches the rest).
func TestSchemaRejectsShapeErrors(t *testing.T) {
	s := compileSchema(t)
	for _, name := range []string{
		"unknown-field-top", "unknown-field-subnet", "unknown-field-pool", "bad-enum-plugin", "bad-enum-mode",
		"count-not-number", "count-float", "missing-required", "wrong-kind", "wrong-api-version", "list-expected",
		"mapping-where-string", "bad-version",
	} {
		data, err := os.ReadFile(filepath.Join("testdata", "invalid", name+".yaml"))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Validate(yamlToJSONValue(t, data)); err == nil {
			t.Errorf("%s: schema accepts it", name)
		}
	}
}

func TestSchemaDescribesFormat(t *testing.T) {
	raw, err := designfile.Schema()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"const": "aksnet.dev/v1alpha1"`, `"const": "Design"`, `"podCidrs"`, `"StaticBlock"`, `"userDefinedRouting"`, `"keyVault"`} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("schema lacks %s", want)
		}
	}
}
