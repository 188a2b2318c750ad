package designfile_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/aksnet/aksnet/designfile"
)

var expectLine = regexp.MustCompile(`(?m)^# expect-line: (\d+)$`)
var expectText = regexp.MustCompile(`(?m)^# expect: (.+)$`)

// TestInvalid loads every malformed design and checks that the first
// problem names the file, the expected line and the expected text.
func TestInvalid(t *testing.T) {
	files, _ := filepath.Glob("testdata/invalid/*.yaml")
	if len(files) < 30 {
		t.Fatalf("want at least 30 malformed designs, have %d", len(files))
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			ml, mt := expectLine.FindSubmatch(data), expectText.FindSubmatch(data)
			if ml == nil || mt == nil {
				t.Fatalf("fixture lacks '# expect-line:' and '# expect:' headers")
			}
			wantLine, _ := strconv.Atoi(string(ml[1]))
			d, err := designfile.Load(f, data)
			if err == nil {
				t.Fatalf("loaded without error: %+v", d.Metadata)
			}
			var e *designfile.Error
			if !errors.As(err, &e) || len(e.Problems) == 0 {
				t.Fatalf("error is %T %v, want *designfile.Error with problems", err, err)
			}
			p := e.Problems[0]
			if p.File != f {
				t.Errorf("problem file = %q, want %q", p.File, f)
			}
			if wantLine > 0 && p.Line != wantLine {
				t.Errorf("problem line = %d, want %d (%s)", p.Line, wantLine, p)
			}
			if !strings.Contains(err.Error(), string(mt[1])) {
				t.Errorf("error %q does not mention %q", err, mt[1])
			}
			if !strings.HasPrefix(err.Error(), f+":") {
				t.Errorf("error %q does not start with the file name", err)
			}
		})
	}
}

func TestValid(t *testing.T) {
	files, _ := filepath.Glob("testdata/valid/*.yaml")
	examples, _ := filepath.Glob("../examples/seed*.yaml")
	files = append(files, examples...)
	if len(files) < 4 {
		t.Fatalf("want the valid fixtures and the examples, found %v", files)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		d, err := designfile.Load(f, data)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if d.Metadata.Name == "" || len(d.Spec.VNets) == 0 {
			t.Errorf("%s: decoded an empty design", f)
		}
	}
}

// TestLocations checks that paths map to the lines they were written on.
func TestLocations(t *testing.T) {
	f := "testdata/valid/minimal.yaml"
	data, err := os.ReadFile(f)
	if err != nil {
		t.Fatal(err)
	}
	d, err := designfile.Load(f, data)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	for _, tc := range []struct {
		path, text string
	}{
		{"spec.vnets[0]", "- name: spoke"},
		{"spec.vnets[0].subnets[0].addressPrefixes[0]", "addressPrefixes: [10.1.0.0/22]"},
		{"spec.clusters[0].network.serviceCidrs[0]", "serviceCidrs:"},
		{"spec.clusters[0].network.dnsServiceIP", "dnsServiceIP:"},
		{"spec.clusters[0].nodePools[0]", "- name: system"},
		{"spec.clusters[0].nodePools[0].count", "count: 3"},
		// A path that was never written falls back to its nearest ancestor.
		{"spec.clusters[0].outbound.type", "- name: aks1"},
	} {
		loc := d.Locate(tc.path)
		if loc.File != f || loc.Line < 1 || loc.Line > len(lines) {
			t.Errorf("Locate(%s) = %+v", tc.path, loc)
			continue
		}
		if got := lines[loc.Line-1]; !strings.Contains(got, tc.text) {
			t.Errorf("Locate(%s) = line %d %q, want a line containing %q", tc.path, loc.Line, got, tc.text)
		}
	}
	if got := d.Spec.Clusters[0].NodePools[0].Path; got != "spec.clusters[0].nodePools[0]" {
		t.Errorf("pool Path = %q", got)
	}
}

func TestLimits(t *testing.T) {
	head := "apiVersion: aksnet.dev/v1alpha1\nkind: Design\nmetadata: {name: big}\nspec:\n  externalRanges:\n    - name: many\n      kind: other\n      cidrs: ["
	t.Run("too many values", func(t *testing.T) {
		var b strings.Builder
		b.WriteString(head)
		for i := range designfile.MaxNodes + 10 {
			if i > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, "10.%d.%d.0/24", (i>>8)&255, i&255)
		}
		b.WriteString("]\n")
		if b.Len() > designfile.MaxBytes {
			t.Skipf("generated document is %d bytes, above MaxBytes; limit tested by the size case", b.Len())
		}
		_, err := designfile.Load("big.yaml", []byte(b.String()))
		if err == nil || !strings.Contains(err.Error(), "more than") {
			t.Fatalf("err = %v, want a value-count limit error", err)
		}
	})
	t.Run("too many bytes", func(t *testing.T) {
		data := []byte(head + strings.Repeat(" ", designfile.MaxBytes) + "]\n")
		_, err := designfile.Load("huge.yaml", data)
		if err == nil || !strings.Contains(err.Error(), "at most") {
			t.Fatalf("err = %v, want a size limit error", err)
		}
	})
	t.Run("deep nesting", func(t *testing.T) {
		data := []byte("apiVersion: aksnet.dev/v1alpha1\nkind: Design\nmetadata: {name: deep}\nspec:\n  vnets: " +
			strings.Repeat("[", 5000) + strings.Repeat("]", 5000) + "\n")
		_, err := designfile.Load("deep.yaml", data)
		if err == nil {
			t.Fatal("deeply nested document loaded")
		}
		var e *designfile.Error
		if !errors.As(err, &e) || e.Problems[0].File != "deep.yaml" {
			t.Fatalf("err = %v, want a located problem", err)
		}
	})
	t.Run("empty", func(t *testing.T) {
		_, err := designfile.Load("empty.yaml", []byte("\n  \n"))
		if err == nil || !strings.Contains(err.Error(), "empty") {
			t.Fatalf("err = %v", err)
		}
	})
}

func FuzzLoad(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*/*.yaml")
	for _, s := range seeds {
		data, err := os.ReadFile(s)
		if err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("apiVersion: aksnet.dev/v1alpha1\nkind: Design\nmetadata: {name: x}\nspec: {vnets: [*a]}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := designfile.Load("fuzz.yaml", data)
		if err != nil {
			var e *designfile.Error
			if !errors.As(err, &e) || len(e.Problems) == 0 {
				t.Fatalf("error without problems: %T %v", err, err)
			}
			for _, p := range e.Problems {
				if p.File != "fuzz.yaml" || p.Msg == "" {
					t.Fatalf("problem without file or message: %+v", p)
				}
			}
			return
		}
		if d == nil {
			t.Fatal("nil design without error")
		}
	})
}
