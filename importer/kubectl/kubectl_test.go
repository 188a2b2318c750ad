package kubectl

import (
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/aksnet/aksnet/audit"
)

func load(t *testing.T, name string) (audit.Observed, error) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return Decode(name, data)
}

func addrs(ss ...string) []netip.Addr {
	var out []netip.Addr
	for _, s := range ss {
		out = append(out, netip.MustParseAddr(s))
	}
	return out
}

func TestDecodeNodes(t *testing.T) {
	obs, err := load(t, "nodes.json")
	if err != nil {
		t.Fatal(err)
	}
	want := []audit.Node{
		{Name: "aks-system-31415926-vmss000000", InternalIPs: addrs("10.1.0.4"), Pool: "system",
			Cluster: "MC_rg-aks_aks-prod_westeurope", PodCIDRs: []netip.Prefix{netip.MustParsePrefix("100.64.0.0/24")}},
		{Name: "aks-user1-27182818-vmss000002", InternalIPs: addrs("10.1.0.7"), Pool: "user1",
			Cluster: "MC_rg-aks_aks-prod_westeurope", PodCIDRs: []netip.Prefix{netip.MustParsePrefix("100.64.3.0/24")}},
	}
	if !reflect.DeepEqual(obs.Nodes, want) {
		t.Errorf("nodes:\ngot  %+v\nwant %+v", obs.Nodes, want)
	}
	if len(obs.Pods) != 0 || len(obs.Services) != 0 {
		t.Errorf("got %d pods and %d services, want none", len(obs.Pods), len(obs.Services))
	}
}

func TestDecodePods(t *testing.T) {
	obs, err := load(t, "pods.json")
	if err != nil {
		t.Fatal(err)
	}
	want := []audit.Pod{
		{Namespace: "kube-system", Name: "coredns-6f7b9c8d5-x2lqp", IPs: addrs("100.64.0.17"), NodeName: "aks-system-31415926-vmss000000"},
		{Namespace: "kube-system", Name: "kube-proxy-7kq9d", IPs: addrs("10.1.0.7"), HostNetwork: true, NodeName: "aks-user1-27182818-vmss000002"},
		{Namespace: "shop", Name: "web-5d8c7b6a4f-pending"},
	}
	if !reflect.DeepEqual(obs.Pods, want) {
		t.Errorf("pods:\ngot  %+v\nwant %+v", obs.Pods, want)
	}
}

func TestDecodeServicesYAML(t *testing.T) {
	obs, err := load(t, "services.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want := []audit.Service{
		{Namespace: "default", Name: "kubernetes", ClusterIPs: addrs("10.2.0.1"), Type: "ClusterIP"},
		{Namespace: "kube-system", Name: "kube-dns", ClusterIPs: addrs("10.2.0.10"), Type: "ClusterIP"},
		{Namespace: "shop", Name: "orders-headless", Type: "ClusterIP"},
		{Namespace: "shop", Name: "web", ClusterIPs: addrs("10.2.41.7"), Type: "LoadBalancer"},
	}
	if !reflect.DeepEqual(obs.Services, want) {
		t.Errorf("services:\ngot  %+v\nwant %+v", obs.Services, want)
	}
}

func TestDecodeMixedList(t *testing.T) {
	obs, err := load(t, "mixed.json")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(obs.Nodes), 1; got != want {
		t.Fatalf("got %d nodes, want %d", got, want)
	}
	if got, want := obs.Nodes[0].InternalIPs, addrs("10.1.0.4", "fd00:1::4"); !reflect.DeepEqual(got, want) {
		t.Errorf("InternalIPs: got %v, want %v", got, want)
	}
	if got, want := obs.Pods[0].IPs, addrs("100.64.0.9"); !reflect.DeepEqual(got, want) {
		t.Errorf("pod IPs from status.podIP: got %v, want %v", got, want)
	}
	if got, want := obs.Services[0].ClusterIPs, addrs("10.2.0.77"); !reflect.DeepEqual(got, want) {
		t.Errorf("ClusterIPs from spec.clusterIP: got %v, want %v", got, want)
	}
}

func TestDecodeSingleObjectAndTypedList(t *testing.T) {
	obs, err := Decode("node.yaml", []byte("apiVersion: v1\nkind: Node\nmetadata:\n  name: n1\nstatus:\n  addresses:\n  - type: InternalIP\n    address: 10.1.0.9\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(obs.Nodes) != 1 || obs.Nodes[0].Name != "n1" {
		t.Errorf("got %+v, want node n1", obs.Nodes)
	}
	// The API server's own list form: kind PodList, items without kind.
	obs, err = Decode("raw.json", []byte(`{"apiVersion":"v1","kind":"PodList","items":[{"metadata":{"name":"p","namespace":"ns"},"status":{"podIP":"10.244.1.5"}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if len(obs.Pods) != 1 || obs.Pods[0].Name != "p" {
		t.Errorf("got %+v, want pod ns/p", obs.Pods)
	}
	// A UTF-8 byte-order mark is skipped.
	obs, err = Decode("bom.json", append([]byte{0xEF, 0xBB, 0xBF}, `{"apiVersion":"v1","kind":"List","items":[{"kind":"Service","metadata":{"name":"s","namespace":"ns"},"spec":{"clusterIP":"10.0.0.1"}}]}`...))
	if err != nil || len(obs.Services) != 1 {
		t.Errorf("BOM: got %+v, %v", obs, err)
	}
	// An empty list is fine: a cluster with no Services in scope.
	obs, err = Decode("empty.json", []byte(`{"apiVersion":"v1","kind":"List","items":[]}`))
	if err != nil || len(obs.Services) != 0 {
		t.Errorf("empty list: got %+v, %v", obs, err)
	}
}

func TestDecodeErrors(t *testing.T) {
	for _, tc := range []struct {
		file string
		want []string
	}{
		{"invalid-kind.json", []string{"invalid-kind.json", "apiVersion \"apps/v1\""}},
		{"invalid-ip.json", []string{"invalid-ip.json", "items[1]", "shop/broken", "100.64.0.999"}},
		{"invalid-syntax.json", []string{"invalid-syntax.json", "not JSON or YAML"}},
		{"invalid-type.json", []string{"invalid-type.json", "items[0]", "Node"}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			_, err := load(t, tc.file)
			if err == nil {
				t.Fatal("got no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
	for _, tc := range []struct{ name, data, want string }{
		{"empty.json", "  \n", "empty document"},
		{"cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n", `kind "ConfigMap"`},
		{"nokind.json", `{"items":[]}`, "no kind"},
		{"noitems.json", `{"apiVersion":"v1","kind":"List"}`, "no items"},
		{"array.json", `[1,2]`, "not kubectl output"},
		{"ps.json", "\xff\xfe{\x00", "UTF-16"},
	} {
		_, err := Decode(tc.name, []byte(tc.data))
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), tc.name) {
			t.Errorf("%s: got error %v, want one naming the file and saying %q", tc.name, err, tc.want)
		}
	}
}
