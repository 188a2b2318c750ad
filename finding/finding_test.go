package finding

import (
	"encoding/json"
	"testing"
)

func TestSeverity(t *testing.T) {
	for in, want := range map[string]Severity{"error": Error, "Warning": Warning, " info ": Info, "warn": Warning} {
		got, err := ParseSeverity(in)
		if err != nil || got != want {
			t.Errorf("ParseSeverity(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if _, err := ParseSeverity("fatal"); err == nil {
		t.Error("ParseSeverity(fatal) succeeded")
	}
	if !(Info < Warning && Warning < Error) {
		t.Error("severities are not ordered")
	}
	b, err := json.Marshal(struct{ S Severity }{Warning})
	if err != nil || string(b) != `{"S":"warning"}` {
		t.Errorf("marshal = %s, %v", b, err)
	}
	if _, err := json.Marshal(struct{ S Severity }{}); err == nil {
		t.Error("the zero severity marshalled")
	}
}

func TestSortAndCount(t *testing.T) {
	fs := []Finding{
		{Rule: "b", Severity: Warning, Location: Location{File: "a.yaml", Line: 3}},
		{Rule: "a", Severity: Error, Location: Location{File: "b.yaml", Line: 1}},
		{Rule: "c", Severity: Info},
		{Rule: "a", Severity: Error, Location: Location{File: "a.yaml", Line: 9}},
	}
	Sort(fs)
	order := ""
	for _, f := range fs {
		order += f.Rule + f.Location.String() + ";"
	}
	if want := "aa.yaml:9;ab.yaml:1;ba.yaml:3;c;"; order != want {
		t.Errorf("order = %s, want %s", order, want)
	}
	if got := CountAtLeast(fs, Warning); got != 3 {
		t.Errorf("CountAtLeast(warning) = %d, want 3", got)
	}
	e, w, i := Counts(fs)
	if e != 2 || w != 1 || i != 1 {
		t.Errorf("Counts = %d %d %d", e, w, i)
	}
}
