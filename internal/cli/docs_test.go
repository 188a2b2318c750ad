package cli_test

import (
	"bytes"
	"context"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aksnet/aksnet/internal/cli"
)

var update = flag.Bool("update", false, "rewrite docs/rules.md and the README quick start from the current code")

func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

func run(args ...string) (stdout, stderr string, code int) {
	var out, errb bytes.Buffer
	code = cli.Run(context.Background(), args, strings.NewReader(""), &out, &errb)
	return out.String(), errb.String(), code
}

// TestRulesDocCurrent fails when docs/rules.md differs from what
// 'aksnet rules -o markdown' generates. Regenerate with
// go test ./internal/cli/ -run TestRulesDocCurrent -update.
func TestRulesDocCurrent(t *testing.T) {
	path := filepath.Join(repoRoot(t), "docs", "rules.md")
	got, stderr, code := run("rules", "-o", "markdown")
	if code != 0 {
		t.Fatalf("aksnet rules -o markdown: exit %d: %s", code, stderr)
	}
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (generate it with -update)", err)
	}
	if got != string(want) {
		t.Errorf("docs/rules.md is stale; run: go test ./internal/cli/ -run TestRulesDocCurrent -update")
	}
}

const (
	quickStartBegin = "<!-- quickstart:begin -->"
	quickStartEnd   = "<!-- quickstart:end -->"
)

// TestReadmeQuickStart runs the README's quick start exactly as written: the
// block must hold two commands, 'go run ./cmd/aksnet check ...' followed by
// its output, and 'go test ./...', which .ci/run must run too. The shown
// output must be what the command prints today (regenerate with -update).
func TestReadmeQuickStart(t *testing.T) {
	root := repoRoot(t)
	readmePath := filepath.Join(root, "README.md")
	data, err := os.ReadFile(readmePath)
	if err != nil {
		t.Fatal(err)
	}
	readme := string(data)
	i, j := strings.Index(readme, quickStartBegin), strings.Index(readme, quickStartEnd)
	if i < 0 || j < i {
		t.Fatalf("README.md lacks the %s ... %s block", quickStartBegin, quickStartEnd)
	}
	block := readme[i+len(quickStartBegin) : j]
	var cmds []string
	for _, line := range strings.Split(block, "\n") {
		if strings.HasPrefix(line, "$ ") {
			cmds = append(cmds, strings.TrimPrefix(line, "$ "))
		}
	}
	if len(cmds) != 2 {
		t.Fatalf("quick start has %d commands %q, want 2", len(cmds), cmds)
	}
	const prefix = "go run ./cmd/aksnet "
	if !strings.HasPrefix(cmds[0], prefix) {
		t.Fatalf("first quick-start command %q does not start with %q", cmds[0], prefix)
	}
	if cmds[1] != "go test ./..." {
		t.Fatalf("second quick-start command is %q, want \"go test ./...\"", cmds[1])
	}
	ci, err := os.ReadFile(filepath.Join(root, ".ci", "run"))
	if err != nil || !strings.Contains(string(ci), "\ngo test ./...\n") {
		t.Errorf(".ci/run does not run the README's test command 'go test ./...'")
	}

	// Run the first command for real, through the go tool, from the root.
	args := strings.Fields(cmds[0])
	var out bytes.Buffer
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "NO_COLOR=1")
	cmd.Stdout = &out
	cmd.Stderr = &out
	err = cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("%s: %v", cmds[0], err)
	}
	if code != 1 {
		t.Errorf("%s: exit %d, want 1 (the seed plan has one error)\n%s", cmds[0], code, out.String())
	}
	shown := block[strings.Index(block, cmds[0])+len(cmds[0]) : strings.Index(block, "$ "+cmds[1])]
	shown = strings.TrimPrefix(shown, "\n")
	// The block shows the output then a blank line before the next command.
	actual := out.String()
	if *update {
		newBlock := "\n```console\n$ " + cmds[0] + "\n" + actual + "\n$ " + cmds[1] + "\n```\n"
		readme = readme[:i+len(quickStartBegin)] + newBlock + readme[j:]
		if err := os.WriteFile(readmePath, []byte(readme), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if strings.TrimSpace(shown) != strings.TrimSpace(actual) {
		t.Errorf("README quick-start output is stale; run: go test ./internal/cli/ -run TestReadmeQuickStart -update\n--- README shows:\n%s\n--- command prints:\n%s", shown, actual)
	}
}
