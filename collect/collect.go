// Package collect writes a bundle folder for aksnet audit by running the
// az and kubectl commands in Steps with the user's existing logins, one
// output file per command, plus manifest.json recording each command, its
// exit code and how long it took.
//
// Commands run through a Runner, so tests use a fake one; ExecRunner runs
// the real tools. The az commands discover what to collect next: the
// resource groups of the cluster's VNets come from the subnet IDs of
// az aks show and az aks nodepool list, the groups of route tables, NAT
// gateways and NSGs from the subnets of the VNet lists, the private DNS
// zones from the zone lists.
package collect

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Runner runs one command with its standard output going to stdout and
// its standard error to stderr. It returns the exit code; err is set only
// when the command could not be run at all (wrapping exec.ErrNotFound when
// the tool is not installed).
type Runner interface {
	Run(ctx context.Context, name string, args []string, stdout, stderr io.Writer) (exitCode int, err error)
}

// ExecRunner runs commands with os/exec, looking the tool up on PATH.
type ExecRunner struct{}

// Run implements Runner.
func (ExecRunner) Run(ctx context.Context, name string, args []string, stdout, stderr io.Writer) (int, error) {
	path, err := exec.LookPath(name)
	if err != nil {
		return -1, err
	}
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Stdout, cmd.Stderr = stdout, stderr
	err = cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode(), nil
	}
	if err != nil {
		return -1, err
	}
	return 0, nil
}

// Options say what to collect and where.
type Options struct {
	// ResourceGroup and Cluster name the AKS cluster; when both are empty
	// only the kubectl steps run.
	ResourceGroup, Cluster string
	// Subscription is passed to every az command when set.
	Subscription string
	// Context is passed to every kubectl command when set.
	Context string
	// Dir is the bundle folder; it must exist.
	Dir    string
	Runner Runner
	// Now is the clock (time.Now when nil).
	Now func() time.Time
	// Version is the aksnet version recorded in the manifest.
	Version string
	// Log, when set, gets one line per command as it starts.
	Log io.Writer
}

// ManifestFile is the name of the manifest in a bundle.
const ManifestFile = "manifest.json"

// Manifest is a bundle's manifest.json.
type Manifest struct {
	// Tool is always "aksnet collect".
	Tool          string    `json:"tool"`
	Version       string    `json:"version"`
	Created       time.Time `json:"created"`
	ResourceGroup string    `json:"resourceGroup,omitempty"`
	Cluster       string    `json:"cluster,omitempty"`
	Subscription  string    `json:"subscription,omitempty"`
	Context       string    `json:"context,omitempty"`
	Commands      []Entry   `json:"commands"`
}

// Entry is one command of a bundle.
type Entry struct {
	// File is the output file, relative to the bundle folder.
	File string `json:"file"`
	// Tool is az or kubectl; Resource, for kubectl, what it lists.
	Tool     string `json:"tool"`
	Resource string `json:"resource,omitempty"`
	// Command is the full command line.
	Command    []string `json:"command"`
	ExitCode   int      `json:"exitCode"`
	DurationMS int64    `json:"durationMs"`
	Bytes      int64    `json:"bytes"`
	// Error says why the command failed; empty when it succeeded.
	Error string `json:"error,omitempty"`
}

// OK reports whether the command succeeded and its file can be read.
func (e Entry) OK() bool { return e.ExitCode == 0 && e.Error == "" }

// Failure is one command that did not succeed.
type Failure struct {
	Command  string
	ExitCode int
	// Stderr is the end of what the command printed on standard error.
	Stderr string
	Hint   string
}

// Error lists every command of a collection that failed or could not run.
type Error struct {
	Failures []Failure
	// Skipped are commands not run because a command they depend on failed.
	Skipped []string
}

func (e *Error) Error() string {
	var lines []string
	for _, f := range e.Failures {
		s := f.Command
		if f.ExitCode >= 0 {
			s += fmt.Sprintf(": exit %d", f.ExitCode)
		}
		if f.Stderr != "" {
			s += ": " + f.Stderr
		}
		if f.Hint != "" {
			s += " (" + f.Hint + ")"
		}
		lines = append(lines, s)
	}
	if len(e.Skipped) > 0 {
		lines = append(lines, fmt.Sprintf("not run because of the failures above: %s", strings.Join(e.Skipped, "; ")))
	}
	return strings.Join(lines, "\n")
}

// collector is one run of Collect.
type collector struct {
	opts     Options
	man      *Manifest
	fail     *Error
	missing  map[string]bool // tools not installed
	files    map[string]bool
	nodeRG   string   // the AKS node resource group
	netRGs   []string // resource groups holding the cluster's VNets
	attRGs   []string // ... plus those of attached route tables, NAT gateways, NSGs
	vnets    []groupName
	zones    []groupName
	azFailed bool // a discovery command failed
}

type groupName struct{ group, name string }

// Collect runs Steps and writes the bundle into opts.Dir: one file per
// command and manifest.json. It returns the manifest; when commands fail,
// the bundle still holds what succeeded, the manifest records the failures
// and err is an *Error naming each failed command with a hint.
func Collect(ctx context.Context, opts Options) (*Manifest, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if (opts.ResourceGroup == "") != (opts.Cluster == "") {
		return nil, fmt.Errorf("pass both --resource-group and --cluster, or neither (then only the kubectl commands run)")
	}
	c := &collector{opts: opts, fail: &Error{}, missing: map[string]bool{}, files: map[string]bool{},
		man: &Manifest{Tool: "aksnet collect", Version: opts.Version, Created: opts.Now().UTC(),
			ResourceGroup: opts.ResourceGroup, Cluster: opts.Cluster, Subscription: opts.Subscription, Context: opts.Context}}
	for _, st := range Steps {
		if err := ctx.Err(); err != nil {
			return c.man, err
		}
		if st.Tool == "az" && opts.Cluster == "" {
			continue
		}
		for _, v := range c.expand(st) {
			data, ok, err := c.run(ctx, st, v)
			if err != nil {
				return c.man, err
			}
			if ok {
				c.discover(st, v, data)
			}
		}
	}
	if err := c.writeManifest(); err != nil {
		return c.man, err
	}
	if len(c.fail.Failures) > 0 {
		return c.man, c.fail
	}
	return c.man, nil
}

// vars are the placeholder values of one run of a step.
type vars struct{ group, zone, vnet string }

func (c *collector) expand(st Step) []vars {
	var out []vars
	switch st.Scope {
	case Once:
		out = []vars{{}}
	case PerNetworkGroup:
		groups := c.netRGs
		if len(groups) == 0 && c.nodeRG != "" {
			// No subnet IDs: an AKS-managed VNet in the node resource group.
			groups = []string{c.nodeRG}
		}
		for _, g := range groups {
			out = append(out, vars{group: g})
		}
	case PerAttachmentGroup:
		for _, g := range c.attRGs {
			out = append(out, vars{group: g})
		}
	case PerZone:
		for _, z := range c.zones {
			out = append(out, vars{group: z.group, zone: z.name})
		}
	case PerVNet:
		for _, v := range c.vnets {
			out = append(out, vars{group: v.group, vnet: v.name})
		}
	}
	if len(out) == 0 && st.Scope != Once && c.azFailed {
		c.fail.Skipped = append(c.fail.Skipped, st.Command())
	}
	return out
}

func (c *collector) fill(s string, v vars) string {
	return strings.NewReplacer("{resourceGroup}", c.opts.ResourceGroup, "{cluster}", c.opts.Cluster,
		"{group}", v.group, "{zone}", v.zone, "{vnet}", v.vnet).Replace(s)
}

// fileName fills a file pattern and makes it a safe, unique base name.
func (c *collector) fileName(pattern string, v vars) string {
	name := c.fill(pattern, vars{group: safe(v.group), zone: safe(v.zone), vnet: safe(v.vnet)})
	base := strings.TrimSuffix(name, ".json")
	for i := 2; c.files[name]; i++ {
		name = fmt.Sprintf("%s.%d.json", base, i)
	}
	c.files[name] = true
	return name
}

// safe lowercases a name and keeps only letters, digits, '.', '-' and '_'.
func safe(s string) string {
	b := []byte(strings.ToLower(s))
	for i, ch := range b {
		if !(ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9' || ch == '.' || ch == '-' || ch == '_') {
			b[i] = '_'
		}
	}
	if len(b) == 0 || strings.Trim(string(b), ".") == "" {
		return "_"
	}
	return string(b)
}

// tailWriter keeps the last max bytes written to it.
type tailWriter struct {
	buf []byte
	max int
}

func (t *tailWriter) Write(p []byte) (int, error) {
	t.buf = append(t.buf, p...)
	if len(t.buf) > t.max {
		t.buf = append(t.buf[:0], t.buf[len(t.buf)-t.max:]...)
	}
	return len(p), nil
}

// run runs one command into its file. ok says the command succeeded; data
// is the output of az commands (kept for discovery; kubectl output is not
// held in memory). err is only for failures of the bundle folder itself.
func (c *collector) run(ctx context.Context, st Step, v vars) (data []byte, ok bool, err error) {
	args := make([]string, 0, len(st.Args)+2)
	for _, a := range st.Args {
		args = append(args, c.fill(a, v))
	}
	if st.Tool == "az" && c.opts.Subscription != "" {
		args = append(args, "--subscription", c.opts.Subscription)
	}
	if st.Tool == "kubectl" && c.opts.Context != "" {
		args = append([]string{"--context", c.opts.Context}, args...)
	}
	cmdline := st.Tool + " " + strings.Join(args, " ")
	if c.missing[st.Tool] {
		c.fail.Skipped = append(c.fail.Skipped, cmdline)
		return nil, false, nil
	}
	name := c.fileName(st.File, v)
	path := filepath.Join(c.opts.Dir, name)
	if c.opts.Log != nil {
		fmt.Fprintf(c.opts.Log, "aksnet: running %s > %s\n", cmdline, name)
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, false, fmt.Errorf("bundle folder: %w", err)
	}
	var out io.Writer = f
	var keep bytes.Buffer
	if st.Tool == "az" {
		out = io.MultiWriter(f, &keep)
	}
	stderr := &tailWriter{max: 2048}
	start := c.opts.Now()
	code, runErr := c.opts.Runner.Run(ctx, st.Tool, args, out, stderr)
	dur := c.opts.Now().Sub(start)
	size, _ := f.Seek(0, io.SeekCurrent)
	if cerr := f.Close(); cerr != nil && runErr == nil {
		return nil, false, fmt.Errorf("bundle folder: %w", cerr)
	}
	e := Entry{File: name, Tool: st.Tool, Resource: st.Resource, Command: append([]string{st.Tool}, args...),
		ExitCode: code, DurationMS: dur.Milliseconds(), Bytes: size}
	switch {
	case runErr != nil:
		e.ExitCode = -1
		e.Error = runErr.Error()
		fl := Failure{Command: cmdline, ExitCode: -1, Stderr: runErr.Error(), Hint: missingHint(st.Tool)}
		if errors.Is(runErr, exec.ErrNotFound) {
			c.missing[st.Tool] = true
			fl.Stderr = st.Tool + " is not installed or not on PATH"
		}
		c.fail.Failures = append(c.fail.Failures, fl)
	case code != 0:
		msg := strings.TrimSpace(string(stderr.buf))
		e.Error = lastLine(msg)
		c.fail.Failures = append(c.fail.Failures, Failure{Command: cmdline, ExitCode: code, Stderr: oneLine(msg), Hint: failureHint(st, msg)})
	case st.Tool == "az" && !json.Valid(keep.Bytes()):
		e.Error = "output is not JSON"
		c.fail.Failures = append(c.fail.Failures, Failure{Command: cmdline, ExitCode: code, Stderr: "the output is not JSON",
			Hint: "check that no az configuration changes the output format (az config get core.output) and that the command prints JSON by itself"})
	}
	c.man.Commands = append(c.man.Commands, e)
	if !e.OK() {
		_ = os.Remove(path)
		delete(c.files, name)
		c.man.Commands[len(c.man.Commands)-1].File = ""
		if st.Tool == "az" {
			c.azFailed = true
		}
		return nil, false, nil
	}
	return keep.Bytes(), true, nil
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return strings.TrimSpace(s[i+1:])
	}
	return s
}

// oneLine joins the lines of a tool's error output, dropping blank ones.
func oneLine(s string) string {
	var parts []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			parts = append(parts, l)
		}
	}
	return strings.Join(parts, " / ")
}

func missingHint(tool string) string {
	if tool == "az" {
		return "install the Azure CLI, then sign in with az login"
	}
	return "install kubectl (az aks install-cli does it), then fetch credentials with az aks get-credentials --resource-group RG --name CLUSTER"
}

// failureHint reads a failed command's error output and says what to do.
func failureHint(st Step, msg string) string {
	m := strings.ToLower(msg)
	has := func(ss ...string) bool {
		for _, s := range ss {
			if strings.Contains(m, strings.ToLower(s)) {
				return true
			}
		}
		return false
	}
	if st.Tool == "az" {
		switch {
		case has("az login", "aadsts", "expired", "interactive authentication is needed", "no subscription found"):
			return "sign in again with az login (and az account set --subscription SUB if the cluster is in another subscription)"
		case has("authorizationfailed", "does not have authorization"):
			return "your account may not read this resource group; it needs at least the Reader role"
		case has("resourcegroupnotfound", "resourcenotfound", "was not found", "could not be found"):
			return "check --resource-group and --cluster, and the subscription (az account show; pass --subscription)"
		}
		return "run the command yourself to see the full error"
	}
	switch {
	case has("current-context is not set", "context was not found", "no configuration has been provided", "does not exist"):
		return "fetch credentials with az aks get-credentials --resource-group RG --name CLUSTER, or pass --context (kubectl config get-contexts lists them)"
	case has("forbidden"):
		return fmt.Sprintf("your user may not list %s; check with kubectl auth can-i list %s --all-namespaces", st.Resource, st.Resource)
	case has("unauthorized", "must be logged in", "kubelogin"):
		return "refresh credentials with az aks get-credentials (and kubelogin convert-kubeconfig -l azurecli for Entra ID clusters)"
	case has("unable to connect", "dial tcp", "no such host", "i/o timeout", "connection refused"):
		return "the API server is not reachable from here; a private cluster needs a connection into its VNet (or az aks command invoke)"
	}
	return "run the command yourself to see the full error"
}

func (c *collector) writeManifest() error {
	data, err := json.MarshalIndent(c.man, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(c.opts.Dir, ManifestFile), append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("bundle folder: %w", err)
	}
	return nil
}

// addGroup adds a resource group to a list, without duplicates (Azure
// compares resource group names without regard to case).
func addGroup(list []string, g string) []string {
	if g == "" || slices.ContainsFunc(list, func(x string) bool { return strings.EqualFold(x, g) }) {
		return list
	}
	return append(list, g)
}
