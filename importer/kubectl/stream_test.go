package kubectl

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/aksnet/aksnet/audit"
	"github.com/aksnet/aksnet/bench/audit/podgen"
)

// collect streams data and gathers what the handler saw.
func collect(name string, data []byte) (audit.Observed, error) {
	var obs audit.Observed
	err := Stream(name, bytes.NewReader(data), Handler{
		Node:    func(n audit.Node) error { obs.Nodes = append(obs.Nodes, n); return nil },
		Pod:     func(p audit.Pod) error { obs.Pods = append(obs.Pods, p); return nil },
		Service: func(s audit.Service) error { obs.Services = append(obs.Services, s); return nil },
	})
	return obs, err
}

// TestStreamMatchesWhole checks the streaming decoder against the
// whole-document decoder on every JSON fixture.
func TestStreamMatchesWhole(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.json")
	if len(files) < 5 {
		t.Fatalf("found only %d fixtures", len(files))
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		got, gerr := collect(f, data)
		want, werr := decodeWhole(f, bytes.TrimSpace(data))
		if (gerr == nil) != (werr == nil) {
			t.Errorf("%s: stream error %v, whole-document error %v", f, gerr, werr)
			continue
		}
		if gerr == nil && !reflect.DeepEqual(got, want) {
			t.Errorf("%s: stream gave\n%+v\nwhole document gave\n%+v", f, got, want)
		}
	}
}

// TestStreamKeyOrders reads the same list with the envelope keys in
// kubectl's order (sorted: items before kind), the API server's order
// (kind first) and with items that carry no kind.
func TestStreamKeyOrders(t *testing.T) {
	item := `{"metadata":{"name":"web-1","namespace":"shop"},"spec":{"nodeName":"n1"},"status":{"podIP":"100.64.0.9","podIPs":[{"ip":"100.64.0.9"}]}}`
	for _, doc := range []string{
		`{"apiVersion":"v1","items":[{"apiVersion":"v1","kind":"Pod",` + item[1:] + `],"kind":"List","metadata":{"resourceVersion":""}}`,
		`{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"42"},"items":[` + item + `]}`,
		"\n\n" + `{"kind":"PodList","items":[` + item + `]}`,
	} {
		obs, err := collect("pods.json", []byte(doc))
		if err != nil {
			t.Fatalf("%s: %v", doc, err)
		}
		want := []audit.Pod{{Namespace: "shop", Name: "web-1", NodeName: "n1", IPs: addrs("100.64.0.9")}}
		if !reflect.DeepEqual(obs.Pods, want) {
			t.Errorf("%s:\ngot  %+v\nwant %+v", doc, obs.Pods, want)
		}
	}
}

// TestStreamSkipsOtherKinds reads `kubectl get all -A -o json`-like output:
// a Deployment's spec.selector is an object where a Service's is a map of
// strings, and must not stop the pods from being read.
func TestStreamSkipsOtherKinds(t *testing.T) {
	doc := `{"apiVersion":"v1","items":[
	 {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"shop"},"spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}}}},
	 {"apiVersion":"v1","kind":"Namespace","metadata":{"name":"shop"},"spec":{"finalizers":["kubernetes"]},"status":{"phase":"Active"}},
	 {"apiVersion":"v1","kind":"Pod","metadata":{"name":"web-1","namespace":"shop"},"status":{"podIP":"100.64.0.9"}},
	 {"apiVersion":"v1","kind":"Service","metadata":{"name":"web","namespace":"shop"},"spec":{"clusterIP":"10.2.0.7","selector":{"app":"web"},"type":"ClusterIP"},"status":{"loadBalancer":{}}},
	 {"apiVersion":"v1","kind":"Node","metadata":{"name":"n1"},"status":{"phase":"Running","conditions":[{"type":"Ready","status":"True","lastHeartbeatTime":"2026-10-02T08:16:03Z"}],"addresses":[{"type":"InternalIP","address":"10.1.0.4"}]}}
	],"kind":"List","metadata":{"resourceVersion":""}}`
	obs, err := collect("all.json", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if len(obs.Pods) != 1 || len(obs.Services) != 1 || len(obs.Nodes) != 1 {
		t.Fatalf("got %d pods, %d Services, %d nodes; want 1 of each", len(obs.Pods), len(obs.Services), len(obs.Nodes))
	}
	if got, want := obs.Nodes[0].InternalIPs, addrs("10.1.0.4"); !reflect.DeepEqual(got, want) {
		t.Errorf("node addresses: got %v, want %v", got, want)
	}
	if got, want := obs.Services[0].ClusterIPs, addrs("10.2.0.7"); !reflect.DeepEqual(got, want) {
		t.Errorf("ClusterIPs: got %v, want %v", got, want)
	}
}

func TestStreamErrors(t *testing.T) {
	pod := `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web-1","namespace":"shop"},"status":{"podIP":"100.64.0.9"}}`
	for _, tc := range []struct{ name, data string }{
		{"truncated", `{"apiVersion":"v1","items":[` + pod + `,` + pod[:40]},
		{"two documents", `{"apiVersion":"v1","kind":"List","items":[]}{"apiVersion":"v1","kind":"List","items":[]}`},
		{"items twice", `{"apiVersion":"v1","kind":"List","items":[],"Items":[]}`},
		{"items not an array", `{"apiVersion":"v1","kind":"List","items":{}}`},
		{"wrong type in a pod", `{"apiVersion":"v1","kind":"List","items":[` + pod + `,{"kind":"Pod","metadata":{"name":"web-2","namespace":"shop"},"spec":{"hostNetwork":"yes"}}]}`},
		{"item without kind", `{"apiVersion":"v1","kind":"List","items":[{"metadata":{"name":"x"}}]}`},
		{"bad IP", `{"apiVersion":"v1","kind":"List","items":[{"kind":"Pod","metadata":{"name":"web-3","namespace":"shop"},"status":{"podIP":"100.64.0.999"}}]}`},
		{"not an object", `{"apiVersion":"v1","kind":"List","items":[` + pod + `,7]}`},
		{"apiVersion", `{"apiVersion":"apps/v1","kind":"List","items":[]}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := collect("pods.json", []byte(tc.data))
			if err == nil {
				t.Fatal("got no error")
			}
			if !strings.HasPrefix(err.Error(), "pods.json: ") {
				t.Errorf("error %q does not start with the file name", err)
			}
			t.Log(err)
		})
	}
	// The error names the item and the pod.
	_, err := collect("pods.json", []byte(`{"apiVersion":"v1","kind":"List","items":[`+pod+`,{"kind":"Pod","metadata":{"name":"web-2","namespace":"shop"},"spec":{"hostNetwork":"yes"}}]}`))
	for _, w := range []string{"items[1]", "shop/web-2", "spec.hostNetwork"} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("error %v does not mention %q", err, w)
		}
	}
}

func TestStreamHandlerErrorStops(t *testing.T) {
	stop := errors.New("enough")
	n := 0
	var buf bytes.Buffer
	if _, err := podgen.WritePods(&buf, podgen.Options{Pods: 10, Compact: true}); err != nil {
		t.Fatal(err)
	}
	err := Stream("pods.json", &buf, Handler{Pod: func(audit.Pod) error {
		n++
		if n == 3 {
			return stop
		}
		return nil
	}})
	if !errors.Is(err, stop) || n != 3 {
		t.Errorf("got %v after %d pods, want %v after 3", err, n, stop)
	}
}

// TestStreamBoundedMemory streams 150,000 generated pods through a pipe,
// samples the live heap as it goes and checks it stays far below what
// holding the list would take (the document alone is about 50 MB; the pods
// as core/v1 objects several times that).
func TestStreamBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 150,000 pods")
	}
	const pods = 150_000
	o := podgen.Options{Pods: pods, Compact: true, Outside: podgen.Spread(pods, 5)}
	pr, pw := io.Pipe()
	var size int64
	go func() {
		n, err := podgen.WritePods(pw, o)
		size = n
		pw.CloseWithError(err)
	}()
	runtime.GC()
	var ms runtime.MemStats
	var peak uint64
	n, outside := 0, 0
	err := Stream("pods.json", pr, Handler{Pod: func(p audit.Pod) error {
		if n%10_000 == 0 {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc)
		}
		if ns, name := podgen.PodName(n); p.Namespace != ns || p.Name != name {
			t.Fatalf("pod %d is %s/%s, want %s/%s", n, p.Namespace, p.Name, ns, name)
		}
		if p.IPs[0].As4()[0] == 10 {
			outside++
		}
		n++
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	if n != pods || outside != 5 {
		t.Errorf("got %d pods, %d outside; want %d and 5", n, outside, pods)
	}
	const limit = 32 << 20
	t.Logf("document %d bytes, peak live heap sampled %d bytes", size, peak)
	if peak > limit {
		t.Errorf("live heap reached %d bytes while streaming, want at most %d", peak, limit)
	}
}
