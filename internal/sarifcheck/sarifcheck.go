// Package sarifcheck validates SARIF logs in tests: against the official
// SARIF 2.1.0 schema and with Microsoft's SARIF multitool, whose path
// AKSNET_SARIF_MULTITOOL gives (.ci/install-sarif-multitool.sh installs it).
package sarifcheck

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Env names the environment variable that points at Microsoft's
// SARIF multitool binary (Sarif.Multitool). .ci/install-sarif-multitool.sh
// installs it and prints the path.
const Env = "AKSNET_SARIF_MULTITOOL"

// Multitool returns the multitool's path. Without it the validation
// tests skip, except under CI, where they fail so that CI can never pass
// without validating.
func Multitool(t *testing.T) string {
	t.Helper()
	bin := os.Getenv(Env)
	if bin == "" {
		msg := Env + ` is not set; install the SARIF multitool and point at it with: export ` +
			Env + `="$(bash .ci/install-sarif-multitool.sh)"`
		if os.Getenv("CI") != "" {
			t.Fatal(msg + " (CI is set, so SARIF validation may not be skipped)")
		}
		t.Skip(msg)
	}
	if fi, err := os.Stat(bin); err != nil {
		t.Fatalf("%s=%s: %v", Env, bin, err)
	} else if fi.Mode()&0o111 == 0 {
		t.Fatalf("%s=%s is not executable (chmod u+x it, as the install script does)", Env, bin)
	}
	return bin
}

// SchemaPath is the official SARIF 2.1.0 schema that the multitool's
// npm package ships beside the binary.
func SchemaPath(t *testing.T, bin string) string {
	t.Helper()
	p := filepath.Join(filepath.Dir(bin), "sarif-2.1.0.json")
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("SARIF schema beside the multitool: %v", err)
	}
	return p
}

// Report is what one `Sarif.Multitool validate` run found.
type Report struct {
	Errors   []string // error-level results and notifications
	Warnings []string // everything else it reported
	Console  string
}

// Run validates doc with `Sarif.Multitool validate FILE -o OUT`.
//
// The multitool's exit code does not say whether the file is valid: it is 0
// after a completed analysis even when the file breaks the schema (or is not
// JSON at all), and non-zero only when the tool itself could not run (bad
// arguments, no file to analyse). Problems are results in the output SARIF
// log: schema violations (JSONxxxx) and SARIF rule violations (SARIFxxxx)
// at level "error", advice at "warning" or "note". So an error is a non-zero
// exit, an unsuccessful invocation, or any error-level result or
// notification in the output.
func Run(t *testing.T, bin string, doc []byte) (Report, error) {
	t.Helper()
	dir := t.TempDir()
	input := filepath.Join(dir, "input.sarif")
	output := filepath.Join(dir, "validation.sarif")
	if err := os.WriteFile(input, doc, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "validate", input, "-o", output)
	cmd.Dir = dir
	console, err := cmd.CombinedOutput()
	rep := Report{Console: string(console)}
	if err != nil {
		return rep, fmt.Errorf("multitool validate failed: %w\n%s", err, console)
	}
	raw, err := os.ReadFile(output)
	if err != nil {
		return rep, fmt.Errorf("multitool wrote no output log: %w\n%s", err, console)
	}
	var log struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Rules []struct {
						ID                   string `json:"id"`
						DefaultConfiguration struct {
							Level string `json:"level"`
						} `json:"defaultConfiguration"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Invocations []struct {
				ExecutionSuccessful            bool           `json:"executionSuccessful"`
				ToolExecutionNotifications     []notification `json:"toolExecutionNotifications"`
				ToolConfigurationNotifications []notification `json:"toolConfigurationNotifications"`
			} `json:"invocations"`
			Results []struct {
				RuleID    string `json:"ruleId"`
				RuleIndex *int   `json:"ruleIndex"`
				Level     string `json:"level"`
				Message   struct {
					Text      string   `json:"text"`
					ID        string   `json:"id"`
					Arguments []string `json:"arguments"`
				} `json:"message"`
				Locations []struct {
					PhysicalLocation struct {
						Region struct {
							StartLine   int `json:"startLine"`
							StartColumn int `json:"startColumn"`
						} `json:"region"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(raw, &log); err != nil {
		return rep, fmt.Errorf("multitool output is not SARIF: %w", err)
	}
	if len(log.Runs) == 0 {
		return rep, errors.New("multitool output has no runs")
	}
	for _, run := range log.Runs {
		defaults := map[string]string{}
		for _, r := range run.Tool.Driver.Rules {
			defaults[r.ID] = r.DefaultConfiguration.Level
		}
		for _, inv := range run.Invocations {
			if !inv.ExecutionSuccessful {
				rep.Errors = append(rep.Errors, "multitool invocation was not successful")
			}
			for _, n := range append(inv.ToolExecutionNotifications, inv.ToolConfigurationNotifications...) {
				if n.Level == "error" {
					rep.Errors = append(rep.Errors, "notification: "+n.Message.Text)
				}
			}
		}
		for _, res := range run.Results {
			// A result without a level takes its rule's default level, and
			// "warning" when the rule has none (SARIF 2.1.0, 3.27.10).
			level := res.Level
			if level == "" {
				level = defaults[res.RuleID]
			}
			if level == "" {
				level = "warning"
			}
			where := ""
			if len(res.Locations) > 0 {
				r := res.Locations[0].PhysicalLocation.Region
				where = fmt.Sprintf("(%d,%d) ", r.StartLine, r.StartColumn)
			}
			text := res.Message.Text
			if text == "" {
				text = res.Message.ID + " " + strings.Join(res.Message.Arguments, "; ")
			}
			line := fmt.Sprintf("%s%s %s: %s", where, level, res.RuleID, text)
			if level == "error" {
				rep.Errors = append(rep.Errors, line)
			} else {
				rep.Warnings = append(rep.Warnings, line)
			}
		}
	}
	return rep, nil
}

type notification struct {
	Level   string `json:"level"`
	Message struct {
		Text string `json:"text"`
	} `json:"message"`
}

// ValidateSchema checks doc against the official schema file.
func ValidateSchema(schemaPath string, doc []byte) error {
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	sch, err := c.Compile(schemaPath)
	if err != nil {
		return fmt.Errorf("compile SARIF schema: %w", err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return fmt.Errorf("parse SARIF document: %w", err)
	}
	return sch.Validate(inst)
}
