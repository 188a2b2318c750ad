// Package archtest holds tests about the shape of the code base.
package archtest

import (
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/aksnet/aksnet"

// domain are the packages that do no I/O: they take values and return values.
var domain = []string{"audit", "cidr", "design", "finding", "ipam", "netpol", "netpol/lint", "plan", "rules", "simulate", "sizing"}

// forbidden are standard-library packages that mean I/O, logging or process
// control; a domain package importing one has started to absorb the outside world.
var forbidden = []string{
	"os", "os/exec", "os/signal", "io/fs", "io/ioutil", "path/filepath", "net", "net/http",
	"database/sql", "log", "log/slog", "syscall", "embed",
}

// TestDomainHasNoIO fails when a domain package (non-test code) imports a
// forbidden standard package or anything outside the standard library and
// the other domain packages.
func TestDomainHasNoIO(t *testing.T) {
	for _, pkg := range domain {
		out, err := exec.Command("go", "list", "-f", `{{join .Imports "\n"}}`, module+"/"+pkg).Output()
		if err != nil {
			t.Fatalf("go list %s: %v", pkg, err)
		}
		imports := strings.Fields(string(out))
		if len(imports) == 0 {
			t.Fatalf("go list %s found no imports; the test is not looking at the package", pkg)
		}
		for _, imp := range imports {
			switch {
			case slices.Contains(forbidden, imp):
				t.Errorf("domain package %s imports %s (I/O belongs in importers, storage, server or CLI)", pkg, imp)
			case strings.HasPrefix(imp, module+"/"):
				if !slices.Contains(domain, strings.TrimPrefix(imp, module+"/")) {
					t.Errorf("domain package %s imports non-domain package %s", pkg, imp)
				}
			case strings.Contains(strings.SplitN(imp, "/", 2)[0], ".") && !strings.HasPrefix(imp, "k8s.io/api/") && !strings.HasPrefix(imp, "k8s.io/apimachinery/"): // Kubernetes API types and selectors are pure values
				t.Errorf("domain package %s imports third-party package %s", pkg, imp)
			}
		}
	}
}

// TestMainIsTiny keeps cmd/aksnet a thin shell over internal/cli.
func TestMainIsTiny(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{join .Imports "\n"}}`, module+"/cmd/aksnet").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, imp := range strings.Fields(string(out)) {
		if strings.HasPrefix(imp, module+"/") && imp != module+"/internal/cli" {
			t.Errorf("cmd/aksnet imports %s; it should only call internal/cli", imp)
		}
	}
}

// TestStreamsOnlyInMain checks that only cmd/ touches the process's
// standard streams or exits: everything else writes to what it is given.
func TestStreamsOnlyInMain(t *testing.T) {
	out, err := exec.Command("git", "-C", "../..", "ls-files", "*.go").Output()
	if err != nil {
		t.Skipf("not a git checkout: %v", err)
	}
	files := strings.Fields(string(out))
	if len(files) < 20 {
		t.Fatalf("git lists only %d Go files", len(files))
	}
	for _, f := range files {
		if strings.HasPrefix(f, "cmd/") || strings.HasSuffix(f, "_test.go") || strings.HasPrefix(f, "bench/") {
			continue
		}
		data, err := os.ReadFile("../../" + f)
		if err != nil {
			t.Fatal(err)
		}
		for _, bad := range []string{"os.Stdout", "os.Stderr", "os.Exit("} {
			if strings.Contains(string(data), bad) {
				t.Errorf("%s uses %s; write to injected streams and return exit codes instead", f, bad)
			}
		}
	}
}
