package netpoldiff

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestNpGuardMatchesItsExpectedOutput checks the np-guard side of the
// comparison: for every chosen scenario that np-guard ships an expected
// "list" output for, the connections its Go API returns here (built with
// this module's Kubernetes libraries), once canonical, are those of the
// expected text.
func TestNpGuardMatchesItsExpectedOutput(t *testing.T) {
	root := npGuardModule(t)
	checked := 0
	for _, s := range Chosen(scenarios(t)) {
		want := filepath.Join(root, "test_outputs", "connlist", s.Name+"_connlist_output.txt")
		data, err := os.ReadFile(want)
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		checked++
		t.Run(s.Name, func(t *testing.T) {
			expected, err := ParseConnlistText(strings.NewReader(string(data)))
			if err != nil {
				t.Fatalf("%s: %v", want, err)
			}
			got, _, err := NpGuard(s.Dir)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range Diff(expected, got) {
				// Diff's first side is the expected text, its second the API.
				t.Errorf("expected output %s; API %s: %s => %s : %s", d.NpGuard, d.Aksnet, d.Src, d.Dst, d.Proto)
			}
			if len(got.Rows()) == 0 && len(expected.Rows()) != 0 {
				t.Error("no connections")
			}
		})
	}
	if checked < 20 {
		t.Errorf("only %d chosen scenarios have an expected output; want at least 20", checked)
	}
	t.Logf("%d chosen scenarios checked against np-guard's expected output", checked)
}

func TestNpGuardRejectsBadInput(t *testing.T) {
	dir := filepath.Join(npGuardModule(t), "tests", "np_test_with_empty_port_range")
	if _, _, err := NpGuard(dir); err == nil || !strings.Contains(err.Error(), "10-1") {
		t.Errorf("NpGuard(%s) error = %v; want one about port range 10-1", dir, err)
	}
}

func TestNpGuardTinyScenario(t *testing.T) {
	dir := t.TempDir()
	manifest := `apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop, labels: {app: web}}
spec:
  containers: [{name: c, image: nginx, ports: [{containerPort: 8080, name: http}]}]
---
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: shop, labels: {app: client}}
spec:
  containers: [{name: c, image: busybox}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress:
  - from:
    - podSelector: {matchLabels: {app: client}}
    ports: [{port: http}, {port: 9000, endPort: 9010, protocol: UDP}]
  - from:
    - ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}
    ports: [{port: 443}]
`
	if err := os.WriteFile(filepath.Join(dir, "m.yaml"), []byte(manifest), 0o644); err != nil {
		t.Fatal(err)
	}
	c, _, err := NpGuard(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range c.Rows() {
		got = append(got, r.String())
	}
	want := []string{
		"0.0.0.0-255.255.255.255 => shop/client[Pod] : TCP 1-65535",
		"0.0.0.0-255.255.255.255 => shop/client[Pod] : UDP 1-65535",
		"0.0.0.0-255.255.255.255 => shop/client[Pod] : SCTP 1-65535",
		"10.0.0.0-10.0.255.255 => shop/web[Pod] : TCP 443",
		"10.2.0.0-10.255.255.255 => shop/web[Pod] : TCP 443",
		"shop/client[Pod] => 0.0.0.0-255.255.255.255 : TCP 1-65535",
		"shop/client[Pod] => 0.0.0.0-255.255.255.255 : UDP 1-65535",
		"shop/client[Pod] => 0.0.0.0-255.255.255.255 : SCTP 1-65535",
		"shop/client[Pod] => shop/web[Pod] : TCP 8080",
		"shop/client[Pod] => shop/web[Pod] : UDP 9000-9010",
		"shop/web[Pod] => 0.0.0.0-255.255.255.255 : TCP 1-65535",
		"shop/web[Pod] => 0.0.0.0-255.255.255.255 : UDP 1-65535",
		"shop/web[Pod] => 0.0.0.0-255.255.255.255 : SCTP 1-65535",
		"shop/web[Pod] => shop/client[Pod] : TCP 1-65535",
		"shop/web[Pod] => shop/client[Pod] : UDP 1-65535",
		"shop/web[Pod] => shop/client[Pod] : SCTP 1-65535",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
