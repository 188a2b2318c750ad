package netpoldiff

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/util/yaml"
)

// Scenario is one folder of np-guard's test manifests.
type Scenario struct {
	Name string // the folder's name under np-guard's tests folder
	Dir  string // its path
	// Kinds counts the Kubernetes objects of each kind in the folder,
	// looking inside List kinds.
	Kinds map[string]int
	// Rejected says why the scenario is not compared; empty when it is.
	Rejected string
}

// excludedKinds are objects whose semantics lie beyond plain
// networking.k8s.io/v1 NetworkPolicy: admin policies, OVN-Kubernetes user
// defined networks, and ingress through OpenShift routes or Ingress
// controllers.
var excludedKinds = []string{
	"AdminNetworkPolicy", "BaselineAdminNetworkPolicy",
	"UserDefinedNetwork", "ClusterUserDefinedNetwork",
	"Route", "Ingress",
}

// workloadKinds are the objects both tools turn into pods.
var workloadKinds = []string{
	"Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet",
	"ReplicationController", "Job", "CronJob",
}

// errorMarkers mark the folders np-guard keeps to test its handling of bad
// input rather than its analysis.
var errorMarkers = []string{"bad_path", "bad_", "malformed", "illegal", "syntax_error", "_err_", "severe_error"}

// manifestExts are the file name endings both tools read in a folder.
var manifestExts = []string{".yaml", ".yml", ".json"}

// SelectScenarios scans every folder of testsDir and decides which use
// plain NetworkPolicy only: at least one networking.k8s.io/v1
// NetworkPolicy and one workload, none of the excluded kinds, every
// document readable, and not a folder of bad input. All folders come back,
// sorted by name; those not chosen carry the reason.
func SelectScenarios(testsDir string) ([]Scenario, error) {
	entries, err := os.ReadDir(testsDir)
	if err != nil {
		return nil, fmt.Errorf("reading np-guard's scenarios: %w", err)
	}
	var out []Scenario
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		s := Scenario{Name: e.Name(), Dir: filepath.Join(testsDir, e.Name())}
		s.Kinds, s.Rejected, err = scanKinds(s.Dir)
		if err != nil {
			return nil, err
		}
		if s.Rejected == "" {
			s.Rejected = rejection(s)
		}
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

func rejection(s Scenario) string {
	for _, m := range errorMarkers {
		if strings.Contains(s.Name, m) {
			return "bad-input scenario (name has " + m + ")"
		}
	}
	for _, k := range excludedKinds {
		if s.Kinds[k] > 0 {
			return "uses " + k
		}
	}
	if s.Kinds["NetworkPolicy"] == 0 {
		return "no NetworkPolicy"
	}
	for _, k := range workloadKinds {
		if s.Kinds[k] > 0 {
			return ""
		}
	}
	return "no workload"
}

// scanKinds counts the kinds of the objects in the manifests under dir.
// A document that does not decode, or a NetworkPolicy of another API
// version, makes the folder rejected with the reason; err is for folders
// that cannot be read at all.
func scanKinds(dir string) (kinds map[string]int, rejected string, err error) {
	kinds = map[string]int{}
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !slices.Contains(manifestExts, strings.ToLower(filepath.Ext(path))) {
			return nil
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		r, err := countKinds(f, kinds)
		if err != nil {
			return err
		}
		if r != "" && rejected == "" {
			rel, _ := filepath.Rel(dir, path)
			rejected = rel + ": " + r
		}
		return nil
	})
	if err != nil {
		return nil, "", fmt.Errorf("scanning %s: %w", dir, err)
	}
	return kinds, rejected, nil
}

// countKinds adds the kinds of the documents in r to kinds and returns why
// the input is unusable, if it is.
func countKinds(r io.Reader, kinds map[string]int) (rejected string, err error) {
	dec := yaml.NewYAMLOrJSONDecoder(r, 4096)
	for doc := 0; ; doc++ {
		var v any
		err := dec.Decode(&v)
		if errors.Is(err, io.EOF) {
			return rejected, nil
		}
		if err != nil {
			return fmt.Sprintf("document %d does not decode: %v", doc+1, err), nil
		}
		// Documents that are not objects, such as a JSON array of
		// results kept beside the manifests, are no Kubernetes objects.
		obj, _ := v.(map[string]any)
		if r := countObject(obj, "", kinds); r != "" && rejected == "" {
			rejected = fmt.Sprintf("document %d: %s", doc+1, r)
		}
	}
}

// countObject counts obj and, for lists, their items. An item without a
// kind takes it from its list: the items of a PodList are Pods.
func countObject(obj map[string]any, itemKind string, kinds map[string]int) (rejected string) {
	if obj == nil {
		return ""
	}
	kind, _ := obj["kind"].(string)
	if kind == "" {
		kind = itemKind
	}
	if kind == "" {
		return ""
	}
	kinds[kind]++
	if kind == "NetworkPolicy" {
		if v, _ := obj["apiVersion"].(string); v != "networking.k8s.io/v1" && !(v == "" && itemKind == kind) {
			return fmt.Sprintf("NetworkPolicy of apiVersion %q", v)
		}
	}
	items, _ := obj["items"].([]any)
	for _, it := range items {
		m, _ := it.(map[string]any)
		if r := countObject(m, strings.TrimSuffix(kind, "List"), kinds); r != "" && rejected == "" {
			rejected = r
		}
	}
	return rejected
}

// Chosen returns the scenarios SelectScenarios chose.
func Chosen(all []Scenario) []Scenario {
	var out []Scenario
	for _, s := range all {
		if s.Rejected == "" {
			out = append(out, s)
		}
	}
	return out
}
