package rules_test

import (
	"testing"

	"github.com/aksnet/aksnet/internal/wantfixture"
	"github.com/aksnet/aksnet/rules"
)

// contract lists rule IDs that CI pipelines pin. Removing or renaming one
// breaks users; this test makes that a conscious act.
var contract = []string{
	"reserved-range-overlap", "service-cidr-overlap", "pod-cidr-overlap", "address-space-overlap",
	"subnet-outside-vnet", "dns-service-ip-outside-service-cidr", "dns-service-ip-reserved",
	"service-cidr-size", "node-subnet-too-small", "pod-cidr-too-small", "pod-subnet-too-small",
	"legacy-network-plugin", "flat-networking-without-requirement", "network-policy-not-enforced",
	"outbound-type-implicit", "udr-missing-default-route", "nat-gateway-missing", "snat-ports-insufficient",
	"private-endpoints-in-node-subnet", "private-dns-zone-missing", "private-dns-zone-not-linked",
	"ingress-subnet-size", "apiserver-subnet-size", "pod-cidr-reused", "max-pods-out-of-range",
	"pool-surge-exceeds-limit", "windows-pool-unsupported",
}

func TestContractRulesRegistered(t *testing.T) {
	for _, id := range contract {
		if rules.Lookup(id) == nil {
			t.Errorf("rule %s is part of the public contract but is not registered", id)
		}
	}
}

func TestRegistryWellFormed(t *testing.T) {
	all := rules.All()
	if len(all) < len(contract) {
		t.Fatalf("registry has %d rules, want at least %d", len(all), len(contract))
	}
	seen := map[string]bool{}
	for i, r := range all {
		if !rules.ValidID(r.ID) {
			t.Errorf("rule %q: ID is not kebab-case", r.ID)
		}
		if seen[r.ID] {
			t.Errorf("rule %q registered twice", r.ID)
		}
		seen[r.ID] = true
		if i > 0 && all[i-1].ID >= r.ID {
			t.Errorf("registry not sorted: %q before %q", all[i-1].ID, r.ID)
		}
		wantfixture.CheckMeta(t, wantfixture.Meta{ID: r.ID, Title: r.Title, Doc: r.Doc, Remediation: r.Remediation,
			Severity: r.Severity, Sources: r.Sources, HasCheck: r.Check != nil})
	}
}
