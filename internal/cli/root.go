// Package cli is the aksnet command tree. Run is the whole program as a
// function over its arguments and streams, so tests drive it directly.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"
)

// Exit codes, a contract with CI pipelines.
const (
	ExitOK       = 0 // no findings at or above --fail-on
	ExitFindings = 1 // findings at or above --fail-on
	ExitUsage    = 2 // usage or input error
)

// Version is the aksnet version, set at build time with
// -ldflags "-X github.com/aksnet/aksnet/internal/cli.Version=v1.2.3".
var Version = ""

func version() string {
	if Version != "" {
		return Version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

// env is what commands see of the outside world.
type env struct {
	ctx    context.Context
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	// readFile reads input files; tests may replace it.
	readFile func(string) ([]byte, error)
	// getenv reads environment variables.
	getenv func(string) string
}

// exitError carries an exit code and a message for stderr.
type exitError struct {
	code int
	msg  string
	hint string
}

func (e *exitError) Error() string { return e.msg }

func usageError(hint, format string, args ...any) error {
	return &exitError{code: ExitUsage, msg: fmt.Sprintf(format, args...), hint: hint}
}

// errFindings means findings at or above the threshold were printed.
var errFindings = errors.New("findings at or above the fail-on threshold")

// Run runs aksnet with args (without the program name) and returns the exit code.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr, readFile: os.ReadFile, getenv: os.Getenv}
	return e.run(args)
}

func (e *env) run(args []string) int {
	root := e.rootCommand()
	root.SetArgs(args)
	root.SetIn(e.stdin)
	root.SetOut(e.stdout)
	root.SetErr(e.stderr)
	err := root.ExecuteContext(e.ctx)
	if err == nil {
		return ExitOK
	}
	if errors.Is(err, errFindings) {
		return ExitFindings
	}
	var ee *exitError
	if errors.As(err, &ee) {
		for _, line := range strings.Split(ee.msg, "\n") {
			fmt.Fprintf(e.stderr, "aksnet: error: %s\n", line)
		}
		if ee.hint != "" {
			fmt.Fprintf(e.stderr, "aksnet: hint: %s\n", ee.hint)
		}
		return ee.code
	}
	// Cobra's own errors (unknown command, bad flag) are usage errors.
	fmt.Fprintf(e.stderr, "aksnet: error: %v\n", err)
	fmt.Fprintln(e.stderr, "aksnet: hint: run 'aksnet --help' for usage")
	return ExitUsage
}

func (e *env) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "aksnet",
		Short: "Plan and check Azure Kubernetes Service network designs",
		Long: `aksnet makes AKS networking an engineered, checked artifact.

It reads a design (VNets, subnets, external ranges, clusters and node pools)
and reports every way it will hurt: overlapping or reserved ranges, subnets
too small for the next upgrade, DNS service IPs that break DNS, retiring
network plugins, NetworkPolicies no engine enforces, egress nobody owns and
private endpoints whose names resolve publicly.

Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or input error.`,
		Version:       version(),
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetVersionTemplate("aksnet {{.Version}}\n")
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usageError("run '"+c.CommandPath()+" --help' for usage", "%v", err)
	})
	root.AddCommand(
		e.checkCommand(),
		e.auditCommand(),
		e.collectCommand(),
		e.planCommand(),
		e.simulateCommand(),
		e.netpolCommand(),
		e.capacityCommand(),
		e.ipamCommand(),
		e.rulesCommand(),
		e.explainCommand(),
		e.schemaCommand(),
		e.versionCommand(),
	)
	return root
}

func (e *env) versionCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the aksnet version",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			fmt.Fprintf(e.stdout, "aksnet %s\n", version())
			return nil
		},
	}
}

// colorFor decides whether to colour output written to w.
func (e *env) colorFor(w io.Writer, mode string) (bool, error) {
	switch mode {
	case "always":
		return true, nil
	case "never":
		return false, nil
	case "auto", "":
		if e.getenv("NO_COLOR") != "" || e.getenv("TERM") == "dumb" {
			return false, nil
		}
		f, ok := w.(*os.File)
		return ok && isatty.IsTerminal(f.Fd()), nil
	}
	return false, usageError("use --color auto, always or never", "unknown --color value %q", mode)
}
