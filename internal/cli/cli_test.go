package cli_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/aksnet/aksnet/internal/cli"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"aksnet": func() {
			os.Exit(cli.Run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
		},
	})
}

// TestScripts runs the command-line scripts in testdata/script. Each script
// starts in a fresh folder with $REPO pointing at the repository root, so
// scripts can check the shipped examples.
func TestScripts(t *testing.T) {
	repo, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			env.Setenv("REPO", repo)
			env.Setenv("NO_COLOR", "")
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"summarize": summarize,
		},
	})
}

// summarize reads an aksnet JSON report and prints
// "errors=N warnings=N rules=a,b" where rules are the IDs of error findings.
func summarize(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: summarize FILE")
	}
	var rep struct {
		Findings []struct {
			Rule     string `json:"rule"`
			Severity string `json:"severity"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(ts.ReadFile(args[0])), &rep); err != nil {
		ts.Fatalf("%s is not an aksnet JSON report: %v", args[0], err)
	}
	var errs, warns int
	var ids []string
	for _, f := range rep.Findings {
		switch f.Severity {
		case "error":
			errs++
			ids = append(ids, f.Rule)
		case "warning":
			warns++
		}
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	if neg {
		ts.Fatalf("summarize does not support !")
	}
	fmt.Fprintf(ts.Stdout(), "errors=%d warnings=%d rules=%s\n", errs, warns, strings.Join(ids, ","))
}

// TestEveryCommandHasAScript fails when a subcommand is never exercised by
// a script in testdata/script.
func TestEveryCommandHasAScript(t *testing.T) {
	files, _ := filepath.Glob("testdata/script/*.txtar")
	var all strings.Builder
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		all.Write(data)
	}
	stdout, _, code := run("--help")
	if code != 0 {
		t.Fatal("aksnet --help failed")
	}
	inCommands := false
	n := 0
	for _, line := range strings.Split(stdout, "\n") {
		switch {
		case strings.HasPrefix(line, "Available Commands:"):
			inCommands = true
		case inCommands && strings.TrimSpace(line) == "":
			inCommands = false
		case inCommands:
			name := strings.Fields(line)[0]
			if name == "help" {
				continue
			}
			n++
			if !strings.Contains(all.String(), "aksnet "+name) {
				t.Errorf("no script in testdata/script runs 'aksnet %s'", name)
			}
		}
	}
	if n < 6 {
		t.Errorf("found only %d commands in --help", n)
	}
}
