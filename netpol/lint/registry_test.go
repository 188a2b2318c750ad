package lint_test

import (
	"strings"
	"testing"

	"github.com/aksnet/aksnet/internal/wantfixture"
	"github.com/aksnet/aksnet/netpol/lint"
	"github.com/aksnet/aksnet/rules"
)

// contract lists rule IDs that CI pipelines pin. Removing or renaming one
// breaks users; this test makes that a conscious act.
var contract = []string{
	"dns-egress-blocked", "policy-selects-no-pod", "namespace-selector-matches-nothing",
	"peer-matches-nothing", "named-port-undefined", "policy-redundant", "sensitive-namespace-not-isolated",
	"ipblock-selects-pod-ips", "network-policy-not-enforced-no-engine", "network-policy-not-enforced-unsupported-engine",
	"network-policy-not-enforced-npm-scale", "network-policy-not-enforced-named-port-windows",
	"network-policy-not-enforced-sctp-windows", "network-policy-not-enforced-negative-selector-windows",
	"network-policy-not-enforced-except-windows", "network-policy-not-enforced-ipblock-cilium",
}

func TestContractRulesRegistered(t *testing.T) {
	for _, id := range contract {
		if lint.Lookup(id) == nil {
			t.Errorf("rule %s is part of the public contract but is not registered", id)
		}
	}
	if lint.Lookup("no-such-rule") != nil {
		t.Error("Lookup found a rule that does not exist")
	}
}

func TestRegistryWellFormed(t *testing.T) {
	all := lint.All()
	if len(all) < len(contract) {
		t.Fatalf("registry has %d rules, want at least %d", len(all), len(contract))
	}
	seen := map[string]bool{}
	for i, r := range all {
		if !lint.ValidID(r.ID) {
			t.Errorf("rule %q: ID is not kebab-case", r.ID)
		}
		if seen[r.ID] {
			t.Errorf("rule %q registered twice", r.ID)
		}
		seen[r.ID] = true
		if i > 0 && all[i-1].ID >= r.ID {
			t.Errorf("registry not sorted: %q before %q", all[i-1].ID, r.ID)
		}
		if rules.Lookup(r.ID) != nil {
			t.Errorf("rule %s: aksnet check has a design rule with the same ID", r.ID)
		}
		engine := strings.HasPrefix(r.ID, "network-policy-not-enforced-")
		if engine != r.NeedsCluster {
			t.Errorf("rule %s: the network-policy-not-enforced-* rules, and only they, need the cluster (NeedsCluster is %v)", r.ID, r.NeedsCluster)
		}
		wantfixture.CheckMeta(t, wantfixture.Meta{ID: r.ID, Title: r.Title, Doc: r.Doc, Remediation: r.Remediation,
			Severity: r.Severity, Sources: r.Sources, HasCheck: r.Check != nil})
	}
}
