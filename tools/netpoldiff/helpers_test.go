package netpoldiff

import (
	"flag"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

var npGuardRoot = sync.OnceValues(func() (string, error) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/np-guard/netpol-analyzer").Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			return "", &listError{err, string(ee.Stderr)}
		}
		return "", err
	}
	return strings.TrimSpace(string(out)), nil
})

type listError struct {
	err    error
	stderr string
}

func (e *listError) Error() string { return e.err.Error() + ": " + e.stderr }

// npGuardModule returns the folder of the np-guard module this module
// requires, where its scenarios (tests/) and expected outputs
// (test_outputs/) live.
func npGuardModule(t testing.TB) string {
	t.Helper()
	dir, err := npGuardRoot()
	if err != nil {
		t.Fatalf("locating np-guard's module (run with GONOSUMDB=github.com/np-guard/models): %v", err)
	}
	return dir
}

// scenarios returns every np-guard scenario with the selector's verdict.
func scenarios(t testing.TB) []Scenario {
	t.Helper()
	all, err := SelectScenarios(filepath.Join(npGuardModule(t), "tests"))
	if err != nil {
		t.Fatal(err)
	}
	return all
}
