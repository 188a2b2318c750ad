package collect

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// fakeRunner answers commands from the files in testdata/shop: each
// command line maps to the file aksnet collect would write for it, and
// lists of things the cluster does not have are empty.
type fakeRunner struct {
	t     *testing.T
	calls []string
	// fail maps a command line prefix to (exit code, stderr).
	fail map[string]struct {
		code   int
		stderr string
	}
	missing map[string]bool // tools that are not installed
}

var answers = map[string]string{
	"az aks show --resource-group rg-aks-shop --name aks-shop-weu --output json":                                                   "az-aks-show.json",
	"az aks nodepool list --resource-group rg-aks-shop --cluster-name aks-shop-weu --output json":                                  "az-aks-nodepool-list.json",
	"az network vnet list --resource-group rg-net-shop --output json":                                                              "az-network-vnet-list.rg-net-shop.json",
	"az network route-table list --resource-group rg-net-shop --output json":                                                       "empty-list.json",
	"az network route-table list --resource-group rg-net-hub --output json":                                                        "az-network-route-table-list.rg-net-hub.json",
	"az network nat gateway list --resource-group rg-net-shop --output json":                                                       "empty-list.json",
	"az network nat gateway list --resource-group rg-net-hub --output json":                                                        "empty-list.json",
	"az network nsg list --resource-group rg-net-shop --output json":                                                               "az-network-nsg-list.rg-net-shop.json",
	"az network nsg list --resource-group rg-net-hub --output json":                                                                "empty-list.json",
	"az network private-endpoint list --resource-group rg-net-shop --output json":                                                  "az-network-private-endpoint-list.rg-net-shop.json",
	"az network private-dns zone list --resource-group rg-net-shop --output json":                                                  "az-network-private-dns-zone-list.rg-net-shop.json",
	"az network private-dns link vnet list --resource-group rg-net-shop --zone-name privatelink.vaultcore.azure.net --output json": "az-network-private-dns-link-vnet-list.rg-net-shop.privatelink.vaultcore.azure.net.json",
	"az network vnet peering list --resource-group rg-net-shop --vnet-name vnet-shop-weu --output json":                            "az-network-vnet-peering-list.rg-net-shop.vnet-shop-weu.json",
	"kubectl --context aks-shop-weu get nodes --output json":                                                                       "nodes.json",
	"kubectl --context aks-shop-weu get pods --all-namespaces --output json":                                                       "pods.json",
	"kubectl --context aks-shop-weu get services --all-namespaces --output json":                                                   "services.json",
	"kubectl --context aks-shop-weu get namespaces --output json":                                                                  "namespaces.json",
	"kubectl --context aks-shop-weu get networkpolicies --all-namespaces --output json":                                            "networkpolicies.json",
}

func (f *fakeRunner) Run(_ context.Context, name string, args []string, stdout, stderr io.Writer) (int, error) {
	line := name + " " + strings.Join(args, " ")
	f.calls = append(f.calls, line)
	if f.missing[name] {
		return -1, fmt.Errorf("exec: %q: %w", name, exec.ErrNotFound)
	}
	for prefix, r := range f.fail {
		if strings.HasPrefix(line, prefix) {
			fmt.Fprint(stderr, r.stderr)
			return r.code, nil
		}
	}
	file, ok := answers[line]
	if !ok {
		f.t.Errorf("unexpected command: %s", line)
		fmt.Fprintln(stderr, "ERROR: unexpected")
		return 2, nil
	}
	data, err := os.ReadFile(filepath.Join("testdata", "shop", file))
	if err != nil {
		f.t.Fatal(err)
	}
	_, err = stdout.Write(data)
	return 0, err
}

// clock advances by a second on every call.
func clock() func() time.Time {
	t := time.Date(2026, 10, 2, 8, 0, 0, 0, time.UTC)
	return func() time.Time { t = t.Add(time.Second); return t }
}

func shopOptions(t *testing.T, r Runner) Options {
	return Options{ResourceGroup: "rg-aks-shop", Cluster: "aks-shop-weu", Context: "aks-shop-weu",
		Dir: t.TempDir(), Runner: r, Now: clock(), Version: "v0.0.0-test"}
}

func TestCollectShop(t *testing.T) {
	r := &fakeRunner{t: t}
	opts := shopOptions(t, r)
	var log bytes.Buffer
	opts.Log = &log
	man, err := Collect(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.calls) != len(answers) {
		t.Errorf("ran %d commands, want %d:\n%s", len(r.calls), len(answers), strings.Join(r.calls, "\n"))
	}
	// Discovery order: the cluster, its pools, the VNet group, then the
	// route table group found on a subnet, zones, peerings, kubectl.
	for i, want := range []string{
		"az aks show ", "az aks nodepool list ", "az network vnet list --resource-group rg-net-shop ",
		"az network route-table list --resource-group rg-net-shop ", "az network route-table list --resource-group rg-net-hub ",
	} {
		if !strings.HasPrefix(r.calls[i], want) {
			t.Errorf("command %d: got %q, want it to start with %q", i, r.calls[i], want)
		}
	}
	for _, e := range man.Commands {
		line := strings.Join(e.Command, " ")
		want := answers[line]
		if e.File == "" || (want != "empty-list.json" && e.File != want) {
			t.Errorf("%s: file %q, want %q", line, e.File, want)
			continue
		}
		if !e.OK() || e.DurationMS != 1000 {
			t.Errorf("%s: exit %d, error %q, duration %d ms; want 0, none, 1000", line, e.ExitCode, e.Error, e.DurationMS)
		}
		got, err := os.ReadFile(filepath.Join(opts.Dir, e.File))
		if err != nil {
			t.Fatal(err)
		}
		src, _ := os.ReadFile(filepath.Join("testdata", "shop", want))
		if !bytes.Equal(got, src) || e.Bytes != int64(len(src)) {
			t.Errorf("%s: the bundle file differs from the command's output (%d bytes recorded)", e.File, e.Bytes)
		}
	}
	data, err := os.ReadFile(filepath.Join(opts.Dir, ManifestFile))
	if err != nil {
		t.Fatal(err)
	}
	back, err := ReadManifest(data)
	if err != nil {
		t.Fatal(err)
	}
	if back.Cluster != "aks-shop-weu" || len(back.Commands) != len(man.Commands) || !back.Created.Equal(time.Date(2026, 10, 2, 8, 0, 1, 0, time.UTC)) {
		t.Errorf("manifest read back: %+v", back)
	}
	if !strings.Contains(log.String(), "aksnet: running kubectl --context aks-shop-weu get pods --all-namespaces --output json > pods.json") {
		t.Errorf("log does not show the pods command:\n%s", log.String())
	}
}

func TestCollectKubectlOnly(t *testing.T) {
	r := &fakeRunner{t: t}
	opts := shopOptions(t, r)
	opts.ResourceGroup, opts.Cluster = "", ""
	man, err := Collect(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(man.Commands) != 5 || slices.ContainsFunc(r.calls, func(c string) bool { return strings.HasPrefix(c, "az ") }) {
		t.Errorf("want the 5 kubectl commands only, ran %q", r.calls)
	}
	opts.Cluster = "aks-shop-weu"
	if _, err := Collect(context.Background(), opts); err == nil || !strings.Contains(err.Error(), "both --resource-group and --cluster") {
		t.Errorf("cluster without resource group: got %v", err)
	}
}

func TestCollectSubscription(t *testing.T) {
	var calls []string
	r := runnerFunc(func(name string, args []string, stdout io.Writer) int {
		calls = append(calls, name+" "+strings.Join(args, " "))
		fmt.Fprint(stdout, "[]")
		if len(args) > 1 && args[0] == "aks" && args[1] == "show" {
			fmt.Fprint(stdout, "")
		}
		return 0
	})
	opts := shopOptions(t, r)
	opts.Subscription = "3c4d5e6f-7081-4293-a4b5-c6d7e8f90a1b"
	opts.Context = ""
	_, err := Collect(context.Background(), opts)
	// "[]" is not az aks show output: a discovery failure, reported.
	if err == nil || !strings.Contains(err.Error(), "unexpected output") {
		t.Errorf("got %v, want the az aks show output rejected", err)
	}
	if !strings.HasSuffix(calls[0], "--subscription 3c4d5e6f-7081-4293-a4b5-c6d7e8f90a1b") {
		t.Errorf("az command without --subscription: %s", calls[0])
	}
	if last := calls[len(calls)-1]; last != "kubectl get networkpolicies --all-namespaces --output json" {
		t.Errorf("kubectl without --context: got %q", last)
	}
}

type runnerFunc func(name string, args []string, stdout io.Writer) int

func (f runnerFunc) Run(_ context.Context, name string, args []string, stdout, _ io.Writer) (int, error) {
	return f(name, args, stdout), nil
}

func TestCollectFailures(t *testing.T) {
	type failure = struct {
		code   int
		stderr string
	}
	for _, tc := range []struct {
		name    string
		fail    map[string]failure
		missing map[string]bool
		want    []string // in the error
		files   int      // output files left in the bundle
	}{
		{"az login expired", map[string]failure{"az ": {1, "ERROR: AADSTS700082: The refresh token has expired due to inactivity.\nPlease run 'az login' to setup account.\n"}},
			nil, []string{"az aks show --resource-group rg-aks-shop", "exit 1", "AADSTS700082", "az login", "not run because", "az network vnet list --resource-group {group}"}, 5},
		{"cluster not found", map[string]failure{"az aks show": {3, "ERROR: (ResourceNotFound) The Resource 'Microsoft.ContainerService/managedClusters/aks-shop-weu' under resource group 'rg-aks-shop' was not found."}},
			nil, []string{"ResourceNotFound", "check --resource-group and --cluster"}, 17},
		{"az missing", nil, map[string]bool{"az": true}, []string{"az is not installed", "install the Azure CLI"}, 5},
		{"kubectl missing", nil, map[string]bool{"kubectl": true}, []string{"kubectl is not installed", "az aks install-cli", "kubectl --context aks-shop-weu get pods"}, 13},
		{"kubectl forbidden", map[string]failure{"kubectl --context aks-shop-weu get networkpolicies": {1, `Error from server (Forbidden): networkpolicies.networking.k8s.io is forbidden: User "dev@contoso.com" cannot list resource "networkpolicies" in API group "networking.k8s.io" at the cluster scope`}},
			nil, []string{"exit 1", "kubectl auth can-i list networkpolicies --all-namespaces"}, 17},
		{"private cluster unreachable", map[string]failure{"kubectl --context aks-shop-weu get nodes": {1, "E1002 08:16:03.123456   41 memcache.go:265] couldn't get current server API group list: Get \"https://aks-shop-weu-k3m9q2.privatelink.westeurope.azmk8s.io:443/api?timeout=32s\": dial tcp: lookup aks-shop-weu-k3m9q2.privatelink.westeurope.azmk8s.io: no such host\nUnable to connect to the server: dial tcp: lookup aks-shop-weu-k3m9q2.privatelink.westeurope.azmk8s.io: no such host\n"}},
			nil, []string{"Unable to connect", "private cluster"}, 17},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := &fakeRunner{t: t, fail: tc.fail, missing: tc.missing}
			opts := shopOptions(t, r)
			man, err := Collect(context.Background(), opts)
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("got %v, want a collect error", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error does not mention %q:\n%v", w, err)
				}
			}
			entries, _ := os.ReadDir(opts.Dir)
			var files []string
			for _, e := range entries {
				if e.Name() != ManifestFile {
					files = append(files, e.Name())
				}
			}
			if len(files) != tc.files {
				t.Errorf("bundle holds %d files, want %d: %q", len(files), tc.files, files)
			}
			failed := 0
			for _, e := range man.Commands {
				if !e.OK() {
					failed++
					if e.File != "" || e.Error == "" {
						t.Errorf("failed command %q: file %q, error %q; want no file and an error", e.Command, e.File, e.Error)
					}
				}
			}
			if failed == 0 {
				t.Error("the manifest records no failed command")
			}
			if _, err := os.Stat(filepath.Join(opts.Dir, ManifestFile)); err != nil {
				t.Errorf("no manifest after a failure: %v", err)
			}
		})
	}
}

func TestCollectManagedVNet(t *testing.T) {
	aks := `{"name":"aks-mini","nodeResourceGroup":"MC_rg-mini_aks-mini_westeurope","agentPoolProfiles":[{"name":"system","vnetSubnetId":null}]}`
	var calls []string
	r := runnerFunc(func(name string, args []string, stdout io.Writer) int {
		line := name + " " + strings.Join(args, " ")
		calls = append(calls, line)
		switch {
		case strings.HasPrefix(line, "az aks show"):
			fmt.Fprint(stdout, aks)
		default:
			fmt.Fprint(stdout, `{"apiVersion":"v1","items":[],"kind":"List"}`)
			if name == "az" {
				fmt.Fprint(stdout, "")
			}
		}
		if name == "az" && !strings.HasPrefix(line, "az aks show") {
			return 0
		}
		return 0
	})
	opts := shopOptions(t, r)
	opts.ResourceGroup, opts.Cluster = "rg-mini", "aks-mini"
	_, _ = Collect(context.Background(), opts)
	if !slices.Contains(calls, "az network vnet list --resource-group MC_rg-mini_aks-mini_westeurope --output json --subscription") &&
		!slices.Contains(calls, "az network vnet list --resource-group MC_rg-mini_aks-mini_westeurope --output json") {
		t.Errorf("the VNets of an AKS-managed VNet are in the node resource group; commands run:\n%s", strings.Join(calls, "\n"))
	}
}

func TestSafeAndUnique(t *testing.T) {
	for in, want := range map[string]string{"rg-net-shop": "rg-net-shop", "RG_Net(Prod)": "rg_net_prod_", "..": "_", "": "_", "a/b": "a_b"} {
		if got := safe(in); got != want {
			t.Errorf("safe(%q) = %q, want %q", in, got, want)
		}
	}
	c := &collector{files: map[string]bool{}}
	a := c.fileName("az-network-vnet-list.{group}.json", vars{group: "RG(1)"})
	b := c.fileName("az-network-vnet-list.{group}.json", vars{group: "rg_1_"})
	if a == b || b != "az-network-vnet-list.rg_1_.2.json" {
		t.Errorf("names for colliding groups: %q and %q", a, b)
	}
}

func TestWriteTable(t *testing.T) {
	var b bytes.Buffer
	if err := WriteTable(&b); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != len(Steps)+2 {
		t.Fatalf("got %d lines, want %d", len(lines), len(Steps)+2)
	}
	if !strings.Contains(b.String(), "| `kubectl get pods --all-namespaces --output json` | `pods.json` | once |") {
		t.Errorf("table lacks the pods row:\n%s", b.String())
	}
}

func TestReadManifestErrors(t *testing.T) {
	for _, tc := range []struct{ data, want string }{
		{`{"tool":"aksnet collect","version":"x","created":"2026-10-02T08:00:00Z","commands":[],"extra":1}`, "unknown field"},
		{`{"tool":"kubectl","version":"x","created":"2026-10-02T08:00:00Z","commands":[]}`, "tool"},
		{`{"tool":"aksnet collect","version":"x","created":"2026-10-02T08:00:00Z","commands":[{"file":"../etc/passwd","tool":"az","command":["az"],"exitCode":0,"durationMs":1,"bytes":1}]}`, "not a file name"},
		{`{"tool":"aksnet collect","version":"x","created":"2026-10-02T08:00:00Z","commands":[{"file":"a.json","tool":"az","command":["az"],"exitCode":0,"durationMs":1,"bytes":1},{"file":"a.json","tool":"az","command":["az"],"exitCode":0,"durationMs":1,"bytes":1}]}`, "twice"},
		{`{"tool":"aksnet collect","version":"x","created":"2026-10-02T08:00:00Z","commands":[]} {}`, "more than one"},
	} {
		if _, err := ReadManifest([]byte(tc.data)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want an error saying %q", tc.data, err, tc.want)
		}
	}
}

func TestDiscover(t *testing.T) {
	data, _ := os.ReadFile("testdata/shop/az-network-vnet-list.rg-net-shop.json")
	f, err := Discover("az-network-vnet-list.{group}.json", "rg-net-shop", data)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(f.AttachmentGroups, ","), "rg-net-shop,rg-net-hub"; got != want {
		t.Errorf("attachment groups: got %s, want %s", got, want)
	}
	if len(f.VNets) != 1 || f.VNets[0] != [2]string{"rg-net-shop", "vnet-shop-weu"} {
		t.Errorf("VNets: got %v", f.VNets)
	}
	data, _ = os.ReadFile("testdata/shop/az-aks-show.json")
	f, err = Discover("az-aks-show.json", "", data)
	if err != nil || strings.Join(f.NetworkGroups, ",") != "rg-net-shop" || f.NodeResourceGroup != "MC_rg-aks-shop_aks-shop-weu_westeurope" {
		t.Errorf("az aks show: got %+v, %v", f, err)
	}
	if _, err := Discover("az-aks-nodepool-list.json", "", []byte(`[{"vnetSubnetId":"/subscriptions/x/resourceGroups/rg/providers/Microsoft.Network/routeTables/rt"}]`)); err == nil ||
		!strings.Contains(err.Error(), "[0].vnetSubnetId") {
		t.Errorf("a route table ID as subnet: got %v", err)
	}
	if f, err := Discover("nodes.json", "", []byte(`garbage`)); err != nil || len(f.VNets) != 0 {
		t.Errorf("non-discovery output: got %+v, %v", f, err)
	}
}
