package collect

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzReadManifest: ReadManifest never panics, and a manifest it accepts
// names only plain files inside the bundle.
func FuzzReadManifest(f *testing.F) {
	f.Add([]byte(`{"tool":"aksnet collect","version":"v1","created":"2026-10-02T08:00:00Z","cluster":"aks","commands":[{"file":"nodes.json","tool":"kubectl","resource":"nodes","command":["kubectl","get","nodes","--output","json"],"exitCode":0,"durationMs":812,"bytes":5120}]}`))
	f.Add([]byte(`{"tool":"aksnet collect","version":"v1","created":"2026-10-02T08:00:00Z","commands":[{"file":"","tool":"az","command":["az","aks","show"],"exitCode":1,"durationMs":3,"bytes":0,"error":"ERROR: run az login"}]}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ReadManifest(data)
		if err != nil {
			return
		}
		for _, e := range m.Commands {
			if e.OK() && (strings.ContainsAny(e.File, `/\`) || e.File == ".." || e.File == "" || e.File == ManifestFile) {
				t.Fatalf("accepted file %q", e.File)
			}
		}
	})
}

// FuzzDiscover: Discover never panics on any output of any discovery step,
// and every resource group it returns is non-empty.
func FuzzDiscover(f *testing.F) {
	files, _ := filepath.Glob("testdata/shop/az-*.json")
	for _, file := range files {
		if data, err := os.ReadFile(file); err == nil {
			f.Add(uint8(len(f.Name())%4), data)
		}
	}
	for i := range 4 {
		f.Add(uint8(i), []byte(`[{"name":"x","subnets":[{"routeTable":{"id":"/subscriptions/s/resourceGroups/g/providers/Microsoft.Network/routeTables/rt"}}]}]`))
	}
	patterns := []string{"az-aks-show.json", "az-aks-nodepool-list.json", "az-network-vnet-list.{group}.json", "az-network-private-dns-zone-list.{group}.json"}
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		found, err := Discover(patterns[int(which)%len(patterns)], "rg-list", data)
		if err != nil {
			return
		}
		for _, g := range append(append([]string{}, found.NetworkGroups...), found.AttachmentGroups...) {
			if g == "" {
				t.Fatalf("empty resource group from %q", data)
			}
		}
		for _, p := range append(append([][2]string{}, found.VNets...), found.Zones...) {
			if p[0] == "" || p[1] == "" {
				t.Fatalf("empty group or name %v from %q", p, data)
			}
		}
	})
}
