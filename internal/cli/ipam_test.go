package cli

import (
	"testing"

	"github.com/aksnet/aksnet/ipam"
)

func TestRedactDSN(t *testing.T) {
	for in, want := range map[string]string{
		"postgres://ipam:s3cret@db:5432/ipam?sslmode=require": "postgres://ipam:***@db:5432/ipam?sslmode=require",
		"postgres://ipam@db/ipam":                             "postgres://ipam@db/ipam",
		"postgres://db/ipam":                                  "postgres://db/ipam",
		"postgresql://a:b:c@h/d":                              "postgresql://a:***@h/d",
	} {
		if got := redactDSN(in); got != want {
			t.Errorf("redactDSN(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseIPAMDB(t *testing.T) {
	for in, want := range map[string]ipamDB{
		"r.db":             {target: "r.db"},
		"sqlite:/var/r.db": {target: "/var/r.db"},
		"postgres://h/d":   {postgres: true, target: "postgres://h/d"},
		"postgresql://h/d": {postgres: true, target: "postgresql://h/d"},
	} {
		got, err := parseIPAMDB(in)
		if err != nil || got != want {
			t.Errorf("parseIPAMDB(%q) = %+v, %v", in, got, err)
		}
	}
	if _, err := parseIPAMDB("sqlite:"); err == nil {
		t.Error("sqlite: with no path accepted")
	}
}

func TestParseNodePool(t *testing.T) {
	got, err := parseNodePool("50, maxPods=110,maxSurge=33%,name=user")
	want := ipam.NodePoolNeed{Name: "user", MaxNodes: 50, MaxPods: 110, MaxSurge: "33%"}
	if err != nil || got != want {
		t.Errorf("got %+v, %v", got, err)
	}
	for _, bad := range []string{"", "x", "5,maxPods", "5,maxPods=x", "5,color=red"} {
		if _, err := parseNodePool(bad); err == nil {
			t.Errorf("parseNodePool(%q) accepted", bad)
		}
	}
}
