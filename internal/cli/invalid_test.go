package cli_test

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestMalformedDesignsExit2 runs aksnet check on every malformed design in
// the loader's test data: each must exit 2, print nothing on stdout, and
// name the file and a line on stderr.
func TestMalformedDesignsExit2(t *testing.T) {
	files, _ := filepath.Glob("../../designfile/testdata/invalid/*.yaml")
	if len(files) < 30 {
		t.Fatalf("want at least 30 malformed designs, found %d", len(files))
	}
	for _, f := range files {
		stdout, stderr, code := run("check", f)
		if code != 2 {
			t.Errorf("%s: exit %d, want 2\n%s", f, code, stderr)
		}
		if stdout != "" {
			t.Errorf("%s: printed findings for an unreadable design:\n%s", f, stdout)
		}
		located := regexp.MustCompile(regexp.QuoteMeta(f) + `:[0-9]+: `)
		if !located.MatchString(stderr) {
			t.Errorf("%s: stderr does not name file:line:\n%s", f, stderr)
		}
		if strings.Contains(stderr, "panic") || strings.Contains(stderr, "goroutine") {
			t.Errorf("%s: looks like a crash:\n%s", f, stderr)
		}
	}
}
