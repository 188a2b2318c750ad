package export

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/aksnet/aksnet/design"
)

func renderAzCLI(t *testing.T, d *design.Design) []byte {
	t.Helper()
	return render(t, d, func(w *bytes.Buffer, d *design.Design) error { return AzCLI(w, d) })
}

func TestAzCLIGolden(t *testing.T) {
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			golden(t, sc.name+".sh", renderAzCLI(t, sc.load(t)))
		})
	}
}

func needBash(t *testing.T) string {
	t.Helper()
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("bash is not installed")
	}
	return bash
}

func TestAzCLISyntax(t *testing.T) {
	bash := needBash(t)
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			cmd := exec.Command(bash, "-n")
			cmd.Stdin = bytes.NewReader(renderAzCLI(t, sc.load(t)))
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("bash -n: %v\n%s", err, out)
			}
		})
	}
}

// required matches the settings a script refuses to run without.
var required = regexp.MustCompile(`(?m)^([A-Z0-9_]+)="\$\{[A-Z0-9_]+:\?`)

// azCall is one recorded call of the fake az: its arguments as received.
type azCall []string

func (c azCall) String() string { return strings.Join(c, " ") }

// is reports whether the call starts with the given words.
func (c azCall) is(words ...string) bool {
	return len(c) >= len(words) && slices.Equal(c[:len(words)], words)
}

// value returns the argument after option name, and whether it is there.
func (c azCall) value(name string) (string, bool) {
	i := slices.Index(c, name)
	if i < 0 || i+1 >= len(c) {
		return "", false
	}
	return c[i+1], true
}

func (c azCall) has(name string) bool { return slices.Contains(c, name) }

// runScript runs a generated script with a fake az first on PATH that
// records every call and answers show commands with a fake ID.
func runScript(t *testing.T, script []byte) []azCall {
	t.Helper()
	bash := needBash(t)
	dir := t.TempDir()
	log := filepath.Join(dir, "calls")
	fake := "#!" + bash + "\n" +
		`for a in "$@"; do printf '%s\037' "$a"; done >> "$AZ_LOG"` + "\n" +
		`printf '\n' >> "$AZ_LOG"` + "\n" +
		`case " $* " in *" show "*) echo "/fake/$*";; esac` + "\n"
	if err := os.WriteFile(filepath.Join(dir, "az"), []byte(fake), 0o755); err != nil {
		t.Fatal(err)
	}
	env := []string{"PATH=" + dir + string(os.PathListSeparator) + os.Getenv("PATH"), "AZ_LOG=" + log}
	for _, m := range required.FindAllSubmatch(script, -1) {
		env = append(env, string(m[1])+"=set-by-test")
	}
	cmd := exec.Command(bash, "-s")
	cmd.Stdin = bytes.NewReader(script)
	cmd.Env = env
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("script failed: %v\n%s", err, out)
	}
	data, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	var calls []azCall
	for _, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		calls = append(calls, strings.Split(strings.TrimSuffix(line, "\037"), "\037"))
	}
	return calls
}

func TestAzCLIRun(t *testing.T) {
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			d := sc.load(t)
			calls := runScript(t, renderAzCLI(t, d))
			if !calls[0].is("account", "set", "--subscription", "set-by-test") {
				t.Errorf("first call: got %v, want account set", calls[0])
			}
			count := func(words ...string) int {
				n := 0
				for _, c := range calls {
					if c.is(words...) {
						n++
					}
				}
				return n
			}
			subnets := 0
			for _, v := range d.Spec.VNets {
				subnets += len(v.Subnets)
			}
			if got := count("network", "vnet", "create"); got != len(d.Spec.VNets) {
				t.Errorf("vnet create: got %d, want %d", got, len(d.Spec.VNets))
			}
			if got := count("network", "vnet", "subnet", "create"); got != subnets {
				t.Errorf("subnet create: got %d, want %d", got, subnets)
			}
			if got := count("network", "route-table", "create"); got != len(d.Spec.RouteTables) {
				t.Errorf("route-table create: got %d, want %d", got, len(d.Spec.RouteTables))
			}
			if got := count("network", "private-dns", "zone", "create"); got != len(d.Spec.PrivateDNSZones) {
				t.Errorf("private-dns zone create: got %d, want %d", got, len(d.Spec.PrivateDNSZones))
			}
			pools := 0
			for i := range d.Spec.Clusters {
				c := &d.Spec.Clusters[i]
				pools += len(c.NodePools) - 1
				var create azCall
				for _, call := range calls {
					if call.is("aks", "create") {
						if n, _ := call.value("--name"); n == c.Name {
							create = call
						}
					}
				}
				if create == nil {
					t.Errorf("no az aks create for cluster %s", c.Name)
					continue
				}
				checkCreate(t, c, create)
			}
			if got := count("aks", "nodepool", "add"); got != pools {
				t.Errorf("nodepool add: got %d, want %d", got, pools)
			}
		})
	}
}

func checkCreate(t *testing.T, c *design.Cluster, call azCall) {
	t.Helper()
	want := map[string]string{
		"--network-plugin": plugin(c),
		"--dns-service-ip": c.DNSServiceIP().String(),
		"--outbound-type":  string(c.OutboundType()),
		"--nodepool-name":  c.NodePools[systemPool(c)].Name,
		"--location":       c.Region,
	}
	if svc := texts(c.ServiceCIDRs()); len(svc) == 1 {
		want["--service-cidr"] = svc[0]
	} else {
		want["--service-cidrs"] = strings.Join(svc, ",")
	}
	if pods := texts(c.PodCIDRs()); len(pods) == 1 {
		want["--pod-cidr"] = pods[0]
	} else if len(pods) > 1 {
		want["--pod-cidrs"] = strings.Join(pods, ",")
	}
	if c.Network.PluginMode != "" {
		want["--network-plugin-mode"] = string(c.Network.PluginMode)
	}
	if c.Network.Dataplane != "" {
		want["--network-dataplane"] = string(c.Network.Dataplane)
	}
	if pol := c.Policy(); pol != design.PolicyNone {
		want["--network-policy"] = string(pol)
	}
	if c.KubernetesVersion != "" {
		want["--kubernetes-version"] = c.KubernetesVersion
	}
	for name, v := range want {
		if got, ok := call.value(name); !ok || got != v {
			t.Errorf("cluster %s: %s got %q, want %q\n%v", c.Name, name, got, v, call)
		}
	}
	sys := &c.NodePools[systemPool(c)]
	if sys.Subnet != "" {
		if got, _ := call.value("--vnet-subnet-id"); !strings.HasPrefix(got, "/fake/network vnet subnet show") {
			t.Errorf("cluster %s: --vnet-subnet-id got %q, want a looked-up subnet ID", c.Name, got)
		}
	} else if call.has("--vnet-subnet-id") {
		t.Errorf("cluster %s in an AKS-managed VNet got --vnet-subnet-id", c.Name)
	}
	if call.has("--enable-private-cluster") != c.APIServer.Private {
		t.Errorf("cluster %s: --enable-private-cluster present %v, want %v", c.Name, call.has("--enable-private-cluster"), c.APIServer.Private)
	}
	if call.has("--enable-cluster-autoscaler") != sys.Autoscaling() {
		t.Errorf("cluster %s: --enable-cluster-autoscaler present %v, want %v", c.Name, call.has("--enable-cluster-autoscaler"), sys.Autoscaling())
	}
}

func TestAzCLIValues(t *testing.T) {
	calls := runScript(t, renderAzCLI(t, branchesDesign()))
	find := func(pred func(azCall) bool) azCall {
		t.Helper()
		for _, c := range calls {
			if pred(c) {
				return c
			}
		}
		t.Fatal("no matching call")
		return nil
	}
	named := func(words []string, name string) func(azCall) bool {
		return func(c azCall) bool { v, _ := c.value("--name"); return c.is(words...) && v == name }
	}

	// A name with a space arrives as one argument.
	v2 := find(named([]string{"network", "vnet", "create"}, "2nd vnet"))
	if got, _ := v2.value("--resource-group"); got != "rg-branches-edge-cases" {
		t.Errorf("default resource group: got %q", got)
	}
	// Subnet attachments: same group by name, other group by looked-up ID.
	ds := find(func(c azCall) bool {
		v, _ := c.value("--vnet-name")
		n, _ := c.value("--name")
		return v == "spoke-ds" && n == "nodes"
	})
	for name, want := range map[string]string{"--route-table": "rt-spoke", "--network-security-group": "nsg-nodes", "--nat-gateway": "natgw-1"} {
		if got, _ := ds.value(name); got != want {
			t.Errorf("spoke-ds/nodes %s: got %q, want %q", name, got, want)
		}
	}
	other := find(func(c azCall) bool {
		v, _ := c.value("--vnet-name")
		return c.is("network", "vnet", "subnet", "create") && v == "2nd vnet"
	})
	if got, _ := other.value("--route-table"); !strings.HasPrefix(got, "/fake/network route-table show --resource-group rg-net --name rt-spoke") {
		t.Errorf("2nd vnet/nodes --route-table: got %q, want an ID from rg-net", got)
	}
	pods := find(func(c azCall) bool {
		v, _ := c.value("--vnet-name")
		n, _ := c.value("--name")
		return v == "spoke-ds" && n == "pods"
	})
	if got, _ := pods.value("--delegations"); got != "Microsoft.ContainerService/managedClusters" {
		t.Errorf("pods --delegations: got %q", got)
	}
	nat := find(named([]string{"network", "nat", "gateway", "create"}, "natgw-1"))
	if i := slices.Index(nat, "--public-ip-addresses"); i < 0 || !slices.Equal(nat[i+1:i+4], []string{"natgw-1-pip-1", "natgw-1-pip-2", "natgw-1-pip6-1"}) {
		t.Errorf("NAT gateway public IPs: got %v", nat)
	}
	ext := find(named([]string{"network", "vnet", "peering", "create"}, "spoke-ds-to-corp-hub"))
	if got, _ := ext.value("--remote-vnet"); got != "set-by-test" {
		t.Errorf("external peering --remote-vnet: got %q, want the CORP_HUB_VNET_ID setting", got)
	}
	// Two endpoints for pe-sql, each with its own target and zone group.
	for _, n := range []string{"pe-sql-1", "pe-sql-2"} {
		pe := find(named([]string{"network", "private-endpoint", "create"}, n))
		if got, _ := pe.value("--group-id"); got != "sqlServer" {
			t.Errorf("%s --group-id: got %q", n, got)
		}
		find(func(c azCall) bool {
			v, _ := c.value("--endpoint-name")
			return c.is("network", "private-endpoint", "dns-zone-group", "create") && v == n
		})
	}

	dsCreate := find(named([]string{"aks", "create"}, "aks-ds"))
	for name, want := range map[string]string{
		"--ip-families":                     "ipv4,ipv6",
		"--pod-cidrs":                       "100.64.0.0/16,fd10:64::/64",
		"--service-cidrs":                   "10.200.0.0/16,fd10:200::/108",
		"--api-server-authorized-ip-ranges": "203.0.113.0/24,198.51.100.7/32",
		"--windows-admin-password":          "set-by-test",
		"--node-vm-size":                    "Standard_D4ds_v5",
	} {
		if got, _ := dsCreate.value(name); got != want {
			t.Errorf("aks-ds %s: got %q, want %q", name, got, want)
		}
	}
	if !dsCreate.has("--enable-apiserver-vnet-integration") {
		t.Error("aks-ds lacks --enable-apiserver-vnet-integration")
	}
	win := find(named([]string{"aks", "nodepool", "add"}, "win1"))
	if got, _ := win.value("--os-type"); got != "Windows" {
		t.Errorf("win1 --os-type: got %q", got)
	}

	ps := find(named([]string{"aks", "create"}, "aks-podsub"))
	for name, want := range map[string]string{
		"--pod-ip-allocation-mode":                  "StaticBlock",
		"--load-balancer-managed-outbound-ip-count": "2",
		"--load-balancer-outbound-ports":            "8000",
		"--load-balancer-idle-timeout":              "10",
		"--min-count":                               "1",
		"--max-count":                               "3",
		"--node-count":                              "1",
	} {
		if got, _ := ps.value(name); got != want {
			t.Errorf("aks-podsub %s: got %q, want %q", name, got, want)
		}
	}
	if got, _ := ps.value("--private-dns-zone"); !strings.HasPrefix(got, "/fake/network private-dns zone show") {
		t.Errorf("aks-podsub --private-dns-zone: got %q", got)
	}
	if !ps.has("--disable-public-fqdn") {
		t.Error("aks-podsub lacks --disable-public-fqdn")
	}
	up := find(func(c azCall) bool {
		v, _ := c.value("--cluster-name")
		return c.is("aks", "nodepool", "update") && v == "aks-podsub"
	})
	if got, _ := up.value("--max-surge"); got != "33%" {
		t.Errorf("aks-podsub sys --max-surge: got %q", got)
	}
	user := find(named([]string{"aks", "nodepool", "add"}, "user1"))
	for name, want := range map[string]string{"--max-unavailable": "1", "--max-surge": "50%", "--node-count": "4", "--max-pods": "50"} {
		if got, _ := user.value(name); got != want {
			t.Errorf("user1 %s: got %q, want %q", name, got, want)
		}
	}

	mg := find(named([]string{"aks", "create"}, "aks-managed"))
	for name, want := range map[string]string{
		"--nat-gateway-managed-outbound-ip-count": "2",
		"--nat-gateway-idle-timeout":              "8",
		"--private-dns-zone":                      "none",
		"--pod-cidr":                              "10.244.0.0/16",
	} {
		if got, _ := mg.value(name); got != want {
			t.Errorf("aks-managed %s: got %q, want %q", name, got, want)
		}
	}
}

func TestShellQuote(t *testing.T) {
	bash := needBash(t)
	for _, v := range []string{"plain", "two words", "it's", `a"b`, "$HOME", "`id`", "x;y", "", "*", "33%", "a\\b", "new\nline"} {
		out, err := exec.Command(bash, "-c", "printf %s "+sq(v)).Output()
		if err != nil {
			t.Fatalf("bash on %q: %v", sq(v), err)
		}
		if string(out) != v {
			t.Errorf("sq(%q) = %s reads back as %q", v, sq(v), out)
		}
	}
	for _, v := range []string{"rg-x", `a"b`, "$HOME", "a}b", "`id`", `back\slash`} {
		out, err := exec.Command(bash, "-c", `X="${X:-`+dqEscape(v)+`}"; printf %s "$X"`).Output()
		if err != nil {
			t.Fatalf("bash on default %q: %v", v, err)
		}
		if string(out) != v {
			t.Errorf("dqEscape(%q) reads back as %q", v, out)
		}
	}
}
