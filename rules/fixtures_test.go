package rules_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aksnet/aksnet/designfile"
	"github.com/aksnet/aksnet/internal/wantfixture"
	"github.com/aksnet/aksnet/rules"
)

type hit = wantfixture.Hit

// wants reads the "# want: rule-a, rule-b" annotations of a fixture.
func wants(t *testing.T, data []byte) []hit {
	t.Helper()
	hits, unknown := wantfixture.Wants(data, func(id string) bool { return rules.Lookup(id) != nil })
	for _, h := range unknown {
		t.Errorf("line %d: annotation names unknown rule %q", h.Line, h.Rule)
	}
	return hits
}

func sortHits(hs []hit) []hit { return slices.Compact(wantfixture.Sort(hs)) }

// TestFixtures runs every rule over its fixtures in testdata/<rule-id>/ and
// compares the findings with the fixtures' annotations, exactly.
func TestFixtures(t *testing.T) {
	for _, r := range rules.All() {
		t.Run(r.ID, func(t *testing.T) {
			dir := filepath.Join("testdata", r.ID)
			files, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
			var fails, passes int
			for _, f := range files {
				base := filepath.Base(f)
				switch {
				case strings.HasPrefix(base, "fail"):
					fails++
				case strings.HasPrefix(base, "pass"):
					passes++
				default:
					t.Errorf("%s: fixture names start with fail or pass", f)
					continue
				}
				checkFixture(t, r, f, strings.HasPrefix(base, "fail"))
			}
			if fails == 0 || passes == 0 {
				t.Errorf("rule %s needs at least one fail-*.yaml and one pass-*.yaml in %s (have %d and %d)", r.ID, dir, fails, passes)
			}
		})
	}
}

func checkFixture(t *testing.T, r *rules.Rule, file string, fail bool) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	d, err := designfile.Load(file, data)
	if err != nil {
		t.Errorf("%s does not load:\n%v", file, err)
		return
	}
	want := wants(t, data)
	run := []string{r.ID}
	ownWanted := false
	for _, w := range want {
		run = append(run, w.Rule)
		if w.Rule == r.ID {
			ownWanted = true
		}
	}
	if fail && !ownWanted {
		t.Errorf("%s: a fail fixture must annotate at least one %s finding", file, r.ID)
	}
	if !fail && ownWanted {
		t.Errorf("%s: a pass fixture must not expect %s", file, r.ID)
	}
	slices.Sort(run)
	run = slices.Compact(run)
	var got []hit
	for _, id := range run {
		rr := rules.Lookup(id)
		if rr == nil {
			continue
		}
		for _, f := range rules.RunRule(rr, d) {
			if f.Location.File != file || f.Location.Line <= 0 {
				t.Errorf("%s: finding %s %q has no file location (%+v)", file, f.Rule, f.Message, f.Location)
			}
			if f.Subject == "" || f.Message == "" || f.Remediation == "" {
				t.Errorf("%s: finding %s lacks subject, message or remediation: %+v", file, f.Rule, f)
			}
			got = append(got, hit{Line: f.Location.Line, Rule: f.Rule})
		}
	}
	got, want = sortHits(got), sortHits(want)
	if !slices.Equal(got, want) {
		t.Errorf("%s:\n got findings: %v\nwant findings: %v", file, got, want)
	}
}

// TestFixtureFoldersMatchRules fails on fixture folders that name no rule.
func TestFixtureFoldersMatchRules(t *testing.T) {
	entries, err := os.ReadDir("testdata")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() && rules.Lookup(e.Name()) == nil {
			t.Errorf("testdata/%s matches no registered rule", e.Name())
		}
	}
}
