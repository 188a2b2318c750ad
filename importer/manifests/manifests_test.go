package manifests

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/api/meta"

	"github.com/aksnet/aksnet/netpol"
)

// describe lists objects as "Kind namespace/name @line".
func describe(objs []netpol.Object) []string {
	var out []string
	for _, o := range objs {
		m, err := meta.Accessor(o.Obj)
		if err != nil {
			panic(err)
		}
		out = append(out, fmt.Sprintf("%s %s/%s @%d", o.Obj.GetObjectKind().GroupVersionKind().Kind, m.GetNamespace(), m.GetName(), o.Source.Line))
	}
	return out
}

func decodeFile(t *testing.T, path string) ([]netpol.Object, []Warning, error) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return Decode(path, data)
}

func TestDecodeValid(t *testing.T) {
	tests := []struct {
		file  string
		objs  []string
		warns []string
	}{
		{
			file: "multi.yaml",
			objs: []string{"Namespace /shop @2", "Deployment shop/web @9", "Service shop/web @41", "NetworkPolicy shop/web-ingress @52"},
			warns: []string{
				"testdata/valid/multi.yaml:33: skipped ConfigMap shop/web-config (v1): not used by NetworkPolicy analysis",
				"testdata/valid/multi.yaml:69: skipped: not a Kubernetes object (no apiVersion and kind)",
			},
		},
		{
			file:  "pods-list.json",
			objs:  []string{"Pod data/db-0 @4", "NetworkPolicy data/db @44"},
			warns: []string{"testdata/valid/pods-list.json:56: skipped Endpoints data/db (v1): not used by NetworkPolicy analysis"},
		},
		{
			file: "typed-list.yaml",
			objs: []string{"NetworkPolicy data/deny-all @4", "NetworkPolicy data/allow-dns @9"},
		},
		{
			file: "concat.json",
			objs: []string{"Namespace /a @1", "Namespace /b @2"},
		},
		{
			file:  "helm.yaml",
			objs:  []string{"CronJob /release-shop-report @11", "DaemonSet /release-shop-agent @32"},
			warns: []string{"testdata/valid/helm.yaml:3: skipped ServiceAccount release-shop (v1): not used by NetworkPolicy analysis"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			objs, warns, err := decodeFile(t, filepath.Join("testdata", "valid", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if got := describe(objs); !slices.Equal(got, tt.objs) {
				t.Errorf("objects\n got %q\nwant %q", got, tt.objs)
			}
			var got []string
			for _, w := range warns {
				got = append(got, w.String())
			}
			if !slices.Equal(got, tt.warns) {
				t.Errorf("warnings\n got %q\nwant %q", got, tt.warns)
			}
			for _, o := range objs {
				if o.Source.File != filepath.Join("testdata", "valid", tt.file) {
					t.Errorf("source file %q", o.Source.File)
				}
			}
		})
	}
}

// TestDecodeFields checks that typed decoding keeps the fields the analysis
// reads.
func TestDecodeFields(t *testing.T) {
	objs, _, err := decodeFile(t, "testdata/valid/multi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	ns := objs[0].Obj.(*corev1.Namespace)
	if ns.Labels["team"] != "retail" {
		t.Errorf("namespace labels %v", ns.Labels)
	}
	dep := objs[1].Obj.(*appsv1.Deployment)
	if got := dep.Spec.Template.Labels; got["app"] != "web" || got["tier"] != "front" {
		t.Errorf("template labels %v", got)
	}
	if p := dep.Spec.Template.Spec.Containers[0].Ports[0]; p.Name != "http" || p.ContainerPort != 8080 {
		t.Errorf("container port %+v", p)
	}
	np := objs[3].Obj.(*networkingv1.NetworkPolicy)
	if got := np.Spec.Ingress[0].Ports[0].Port.String(); got != "http" {
		t.Errorf("named port %q", got)
	}
	if got := np.Spec.Ingress[0].From[0].NamespaceSelector.MatchExpressions[0].Values; !slices.Equal(got, []string{"retail", "ops"}) {
		t.Errorf("match expression values %v", got)
	}

	objs, _, err = decodeFile(t, "testdata/valid/typed-list.yaml")
	if err != nil {
		t.Fatal(err)
	}
	np = objs[1].Obj.(*networkingv1.NetworkPolicy)
	if got := np.Spec.Egress[0].Ports[0]; *got.Protocol != corev1.ProtocolUDP || got.Port.IntValue() != 53 {
		t.Errorf("egress port %+v", got)
	}
	if gvk := np.GetObjectKind().GroupVersionKind(); gvk.Kind != "NetworkPolicy" || gvk.Group != "networking.k8s.io" {
		t.Errorf("item kind %v", gvk)
	}
}

func TestDecodeInvalid(t *testing.T) {
	tests := []struct {
		file string
		want string // prefix of the error
	}{
		{"indent.yaml", "testdata/invalid/indent.yaml:10: not valid YAML near this line"},
		{"badtype.yaml", "testdata/invalid/badtype.yaml:6: Deployment web: spec.replicas is string, expected an integer"},
		{"badport.yaml", "testdata/invalid/badport.yaml:10: Pod web: spec.containers.ports.containerPort is array, expected an integer"},
		{"trailing-comma.json", "testdata/invalid/trailing-comma.json:5: not valid JSON near this line"},
		{"template.yaml", "testdata/invalid/template.yaml:"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			_, _, err := decodeFile(t, filepath.Join("testdata", "invalid", tt.file))
			if err == nil {
				t.Fatal("no error")
			}
			var me *Error
			if !errors.As(err, &me) {
				t.Fatalf("error %T is not *Error", err)
			}
			if !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("error\n got %s\nwant %s...", err, tt.want)
			}
			if me.Line < 1 {
				t.Errorf("error has no line: %v", err)
			}
		})
	}
	_, _, err := decodeFile(t, "testdata/invalid/template.yaml")
	if err == nil || !strings.Contains(err.Error(), "helm template") {
		t.Errorf("template error lacks the Helm hint: %v", err)
	}
}

func TestDecodeEdgeCases(t *testing.T) {
	tests := []struct {
		name, in string
		objs     int
		warns    int
		err      string
	}{
		{"empty", "", 0, 0, ""},
		{"only separators", "---\n---\n", 0, 0, ""},
		{"scalar document", "hello\n", 0, 1, ""},
		{"block sequence", "- a\n- b\n", 0, 1, ""},
		{"json array of objects", `[{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"x"}}]`, 1, 0, ""},
		{"utf16", "\xff\xfea\x00", 0, 0, "x:1: the file is UTF-16"},
		{"bom", "\xef\xbb\xbfapiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n", 1, 0, ""},
		{"binary", "apiVersion: v1\n\xff\xfe\xfd", 0, 0, "x:2: the file is not UTF-8 text"},
		{"custom resource named like a workload", "apiVersion: example.com/v1\nkind: Deployment\nmetadata: {name: a}\n", 0, 1, ""},
		{"old network policy group", "apiVersion: extensions/v1beta1\nkind: NetworkPolicy\nmetadata: {name: a}\nspec: {podSelector: {}}\n", 1, 0, ""},
		{"null items", "apiVersion: v1\nkind: List\nitems: null\n", 0, 0, ""},
		{"items not a list", "apiVersion: v1\nkind: List\nitems: 3\n", 0, 0, "x:3: List: items must be a list"},
		{"labels that are numbers", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  labels:\n    version: 1.5\n", 0, 0, "x:6: Namespace a: metadata.labels is number, expected a string"},
		{"non-string keys are formatted", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  labels:\n    1: one\n", 1, 0, ""},
		{"complex key", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  labels:\n    ? [1]\n    : one\n", 0, 0, "x:"},
		{"anchors", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  labels: &l {a: b}\n  annotations: *l\n", 1, 0, ""},
		{"bad json", "{\"a\": }", 0, 0, "x:1: not valid JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			objs, warns, err := Decode("x", []byte(tt.in))
			if tt.err != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tt.err) {
					t.Fatalf("error %v, want prefix %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(objs) != tt.objs || len(warns) != tt.warns {
				t.Errorf("got %d objects, %d warnings (%v); want %d, %d", len(objs), len(warns), warns, tt.objs, tt.warns)
			}
		})
	}
}

func TestFilesAndLoad(t *testing.T) {
	files, err := Files([]string{"testdata/tree", "testdata/tree/notes.txt"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"testdata/tree/apps/job.json", "testdata/tree/apps/web/deploy.yml", "testdata/tree/rc.yaml", "testdata/tree/notes.txt"}
	if !slices.Equal(files, want) {
		t.Errorf("files\n got %q\nwant %q", files, want)
	}

	set, err := Load([]string{"testdata/tree"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := describe(set.Objects)
	wantObjs := []string{"Job ops/migrate @1", "ReplicaSet /web-rs @1", "ReplicationController /legacy @1"}
	if !slices.Equal(got, wantObjs) {
		t.Errorf("objects\n got %q\nwant %q", got, wantObjs)
	}

	if _, err := Files([]string{"testdata/nope"}); err == nil || !strings.Contains(err.Error(), "testdata/nope: no such file or folder") {
		t.Errorf("missing path: %v", err)
	}
	// An explicitly named file that is not YAML is an error, with its line.
	if _, err := Load([]string{"testdata/tree/notes.txt"}, nil); err == nil || !strings.HasPrefix(err.Error(), "testdata/tree/notes.txt:1:") {
		t.Errorf("notes.txt: %v", err)
	}
	// readFile is used for every file.
	var read []string
	_, err = Load([]string{"testdata/tree"}, func(p string) ([]byte, error) {
		read = append(read, p)
		return os.ReadFile(p)
	})
	if err != nil || len(read) != 3 {
		t.Errorf("readFile saw %v (err %v)", read, err)
	}
}
