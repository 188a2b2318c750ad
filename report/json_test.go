package report

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// TestJSONContract decodes the JSON output generically and checks the
// documented fields and their types, so that a change to the contract is
// noticed even when someone regenerates the golden file.
func TestJSONContract(t *testing.T) {
	in := testInput()
	raw := render(t, func(b *bytes.Buffer) error { return JSON(b, in) })

	if !bytes.HasSuffix(raw, []byte("}\n")) {
		t.Error("JSON output does not end with a newline")
	}
	if !bytes.HasPrefix(raw, []byte("{\n  \"tool\": ")) {
		t.Errorf("JSON output is not indented by two spaces: %.40q", raw)
	}
	if got, want := topLevelKeys(t, raw), []string{"tool", "version", "files", "summary", "findings", "suppressed"}; !slices.Equal(got, want) {
		t.Errorf("top-level keys = %v, want %v", got, want)
	}

	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("output is not JSON: %v", err)
	}
	wantString(t, doc, "tool", "aksnet")
	wantString(t, doc, "version", "0.3.0")

	sum, ok := doc["summary"].(map[string]any)
	if !ok {
		t.Fatalf("summary is %T, want an object", doc["summary"])
	}
	for key, want := range map[string]float64{"errors": 2, "warnings": 2, "infos": 1, "suppressed": 1, "failing": 2} {
		if got, ok := sum[key].(float64); !ok || got != want {
			t.Errorf("summary.%s = %v, want %v", key, sum[key], want)
		}
	}
	wantString(t, sum, "failOn", "error")

	findings, ok := doc["findings"].([]any)
	if !ok {
		t.Fatalf("findings is %T, want an array", doc["findings"])
	}
	if len(findings) != len(in.Findings) {
		t.Fatalf("got %d findings, want %d", len(findings), len(in.Findings))
	}
	for i, f := range findings {
		checkJSONFinding(t, f)
		got := f.(map[string]any)
		if got["rule"] != in.Findings[i].Rule || got["subject"] != in.Findings[i].Subject {
			t.Errorf("finding %d = %v/%v, want %s/%s (order kept)", i, got["rule"], got["subject"], in.Findings[i].Rule, in.Findings[i].Subject)
		}
	}
	// The finding without a location still has file and line, and no path.
	for _, f := range findings {
		if f.(map[string]any)["rule"] != "peering-missing-reverse" {
			continue
		}
		loc := f.(map[string]any)["location"].(map[string]any)
		if _, has := loc["path"]; has || loc["file"] != "" || loc["line"] != float64(0) {
			t.Errorf("location of a finding with no location = %v, want file \"\", line 0, no path", loc)
		}
	}

	sup, ok := doc["suppressed"].([]any)
	if !ok || len(sup) != 1 {
		t.Fatalf("suppressed = %v, want an array of 1", doc["suppressed"])
	}
	s := sup[0].(map[string]any)
	checkJSONFinding(t, s["finding"])
	wantString(t, s, "reason", "dev pools are rebuilt weekly; defaults accepted")
}

func TestJSONCleanHasEmptyArrays(t *testing.T) {
	raw := string(render(t, func(b *bytes.Buffer) error { return JSON(b, Input{}) }))
	for _, want := range []string{`"findings": []`, `"suppressed": []`, `"files": []`, `"tool": "aksnet"`} {
		if !strings.Contains(raw, want) {
			t.Errorf("clean JSON lacks %s:\n%s", want, raw)
		}
	}
	if strings.Contains(raw, "null") {
		t.Errorf("clean JSON contains null:\n%s", raw)
	}
	if strings.Contains(raw, "failOn") {
		t.Errorf("JSON without a threshold mentions failOn:\n%s", raw)
	}
}

func checkJSONFinding(t *testing.T, v any) {
	t.Helper()
	f, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("finding is %T, want an object", v)
	}
	keys := make([]string, 0, len(f))
	for k := range f {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if want := []string{"location", "message", "remediation", "rule", "severity", "subject"}; !slices.Equal(keys, want) {
		t.Errorf("finding keys = %v, want %v", keys, want)
	}
	for _, k := range []string{"rule", "subject", "message", "remediation"} {
		if s, ok := f[k].(string); !ok || s == "" {
			t.Errorf("finding.%s = %#v, want a non-empty string", k, f[k])
		}
	}
	switch f["severity"] {
	case "error", "warning", "info":
	default:
		t.Errorf("finding.severity = %#v, want error, warning or info", f["severity"])
	}
	loc, ok := f["location"].(map[string]any)
	if !ok {
		t.Fatalf("finding.location is %T, want an object", f["location"])
	}
	if _, ok := loc["file"].(string); !ok {
		t.Errorf("location.file = %#v, want a string", loc["file"])
	}
	if n, ok := loc["line"].(float64); !ok || n < 0 || n != float64(int(n)) {
		t.Errorf("location.line = %#v, want a whole number", loc["line"])
	}
	if p, has := loc["path"]; has {
		if s, ok := p.(string); !ok || s == "" {
			t.Errorf("location.path = %#v, want a non-empty string when present", p)
		}
	}
	for k := range loc {
		if k != "file" && k != "line" && k != "path" {
			t.Errorf("location has unexpected key %q", k)
		}
	}
}

func wantString(t *testing.T, m map[string]any, key, want string) {
	t.Helper()
	if got, ok := m[key].(string); !ok || got != want {
		t.Errorf("%s = %#v, want %q", key, m[key], want)
	}
}

// topLevelKeys returns the keys of a JSON object in document order.
func topLevelKeys(t *testing.T, raw []byte) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("output does not start with an object: %v %v", tok, err)
	}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}
