package kubectl

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// FuzzDecode feeds arbitrary bytes to Decode: it returns observations or an
// error naming the file, and never panics.
func FuzzDecode(f *testing.F) {
	files, _ := filepath.Glob("testdata/*")
	for _, file := range files {
		if data, err := os.ReadFile(file); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if _, err := Decode("fuzz.json", data); err != nil && !strings.Contains(err.Error(), "fuzz.json") {
			t.Fatalf("error does not name the file: %v", err)
		}
	})
}

// FuzzStream checks the streaming decoder against the whole-document
// decoder: errors name the file, nothing panics, and when both accept a
// document they return the same nodes, pods and Services.
func FuzzStream(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.json")
	for _, file := range files {
		if data, err := os.ReadFile(file); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte(`{"kind":"PodList","items":[{"metadata":{"name":"p","namespace":"n"},"status":{"podIP":"10.0.0.1"}}]}`))
	f.Add([]byte(`{"apiVersion":"v1","items":[{"kind":"Deployment","spec":{"selector":{"matchLabels":{"a":"b"}}}}],"kind":"List"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, gerr := collect("fuzz.json", data)
		if gerr != nil && !strings.HasPrefix(gerr.Error(), "fuzz.json") {
			t.Fatalf("error does not name the file: %v", gerr)
		}
		t2 := bytes.TrimSpace(data)
		if len(t2) == 0 || t2[0] != '{' {
			return
		}
		want, werr := decodeWhole("fuzz.json", t2)
		if gerr == nil && werr == nil && !reflect.DeepEqual(got, want) {
			t.Fatalf("stream gave\n%+v\nwhole document gave\n%+v", got, want)
		}
	})
}
