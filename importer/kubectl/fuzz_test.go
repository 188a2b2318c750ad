package kubectl

import (
	"os"
	"path/filepath"
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
