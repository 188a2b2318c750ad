package plan_test

import (
	"os"
	"testing"

	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/designfile"
	"github.com/aksnet/aksnet/finding"
	"github.com/aksnet/aksnet/plan"
	"github.com/aksnet/aksnet/rules"
)

// TestFinancialExample plans the lesson's practice exercise and checks
// the design the way aksnet check does: no structural problem and no
// finding of error or warning severity.
func TestFinancialExample(t *testing.T) {
	data, err := os.ReadFile("../examples/financial-saas.yaml")
	if err != nil {
		t.Skipf("example not available: %v", err)
	}
	r, err := designfile.LoadRequirements("financial-saas.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	res, err := plan.Plan(r, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range design.Validate(res.Design) {
		t.Errorf("design problem: %s: %s", p.Path, p.Msg)
	}
	for _, f := range rules.Run(res.Design, rules.Options{}).Findings {
		if f.Severity >= finding.Warning {
			t.Errorf("%s %s %s: %s", f.Severity, f.Rule, f.Subject, f.Message)
		}
	}
	if got := len(res.Design.Spec.Clusters); got != 3 {
		t.Errorf("got %d clusters, want 3 (core in both regions, rehearsal in Southeast Asia)", got)
	}
	for _, c := range res.Clusters {
		if c.Pattern != plan.PatternRestricted {
			t.Errorf("cluster %s follows pattern %s, want C (private, egress through the firewall)", c.Name, c.Pattern)
		}
	}
}
