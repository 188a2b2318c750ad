package importer

import (
	"strings"
	"testing"
)

func TestParseKeepsLines(t *testing.T) {
	data := []byte(`{
  "name": "aks1",
  "networkProfile": {
    "podCidrs": ["100.64.0.0/16", "100.65.0.0/16"]
  },
  "agentPoolProfiles": [
    {"name": "system"},
    {
      "name": "user1"
    }
  ]
}`)
	doc, err := Parse("aks.json", data)
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]int{
		"name":                        2,
		"networkProfile.podCidrs[1]":  4,
		"agentPoolProfiles[0].name":   7,
		"agentPoolProfiles[1].name":   9,
		"agentPoolProfiles[1].absent": 8, // falls back to the object
		"nothing.here":                1,
	} {
		if got := doc.Line(path); got != want {
			t.Errorf("Line(%s) = %d, want %d", path, got, want)
		}
	}
	var v struct {
		Name string `yaml:"name"`
	}
	if p := doc.Decode("agentPoolProfiles[1]", &v); p != nil || v.Name != "user1" {
		t.Errorf("Decode = %v, %+v", p, v)
	}
	var n struct {
		Count int `yaml:"name"`
	}
	if p := doc.Decode("agentPoolProfiles[0]", &n); p == nil || p.Line != 7 {
		t.Errorf("Decode of a string into an int: problem %+v, want one at line 7", p)
	}
}

func TestParseErrors(t *testing.T) {
	_, err := Parse("bad.json", []byte("{\n  \"a\": [1,\n"))
	if err == nil || !strings.HasPrefix(err.Error(), "bad.json:") {
		t.Fatalf("err = %v, want a located error", err)
	}
}

func TestResourceID(t *testing.T) {
	id := "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet-a/subnets/snet-b"
	r, ok := ParseResourceID(id)
	if !ok || r.ResourceGroup != "rg" || !r.Is("microsoft.network", "virtualNetworks", "subnets") || r.Name() != "snet-b" {
		t.Fatalf("ParseResourceID = %+v, %v", r, ok)
	}
	if ref, ok := SubnetRef(id); !ok || ref != "vnet-a/snet-b" {
		t.Errorf("SubnetRef = %q, %v", ref, ok)
	}
	for _, bad := range []string{"", "/subscriptions/s1", "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks",
		"/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet-a/subnet/x/y"} {
		if _, ok := SubnetRef(bad); ok {
			t.Errorf("SubnetRef(%q) accepted", bad)
		}
	}
}
