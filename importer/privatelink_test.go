package importer

import (
	"testing"

	"github.com/aksnet/aksnet/design"
)

func TestPrivateLinkServicesKnownToDesign(t *testing.T) {
	for k, s := range privateLinkServices {
		if _, ok := design.ZonesFor(s, "westeurope"); !ok {
			t.Errorf("%v maps to %q, which the design does not know", k, s)
		}
	}
}

func TestPrivateLinkServiceOfGroup(t *testing.T) {
	tests := []struct {
		group string
		want  design.PrivateLinkService
	}{
		{"vault", "keyVault"},
		{"Blob", "storageBlob"},
		{"namespace", ""}, // Service Bus, Event Hubs and Relay all use it
		{"batchAccount", ""},
	}
	for _, tt := range tests {
		if got := PrivateLinkServiceOfGroup(tt.group); got != tt.want {
			t.Errorf("PrivateLinkServiceOfGroup(%q) = %q, want %q", tt.group, got, tt.want)
		}
	}
	kv, _ := ParseResourceID("/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv1")
	if got := PrivateLinkServiceOf(kv, "VAULT"); got != "keyVault" {
		t.Errorf("PrivateLinkServiceOf(key vault, VAULT) = %q, want keyVault", got)
	}
	sub, _ := ParseResourceID("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/s")
	if got := PrivateLinkServiceOf(sub, "vault"); got != "" {
		t.Errorf("PrivateLinkServiceOf(subnet, vault) = %q, want empty", got)
	}
}
