package netpoldiff

import (
	"strings"
	"testing"
)

func TestParseConns(t *testing.T) {
	tests := []struct {
		in   string
		want string // TCP/UDP/SCTP port sets
		err  string
	}{
		{in: "All Connections", want: "1-65535/1-65535/1-65535"},
		{in: "No Connections", want: "none/none/none"},
		{in: "TCP 8080", want: "8080/none/none"},
		{in: "TCP 8080,9090,UDP 53", want: "8080,9090/53/none"},
		{in: "SCTP 1-9002,9004-65535,TCP 1-65535,UDP 1-52,54-65535", want: "1-65535/1-52,54-65535/1-9002,9004-65535"},
		{in: "TCP 10053-10054,UDP 10053", want: "10053-10054/10053/none"},
		{in: "8080", err: "before any protocol"},
		{in: "ICMP 8", err: "none of the protocols"},
		{in: "TCP 0", err: "not a port"},
		{in: "TCP 9-3", err: "not a port"},
		{in: "TCP http", err: "not a port"},
	}
	for _, tt := range tests {
		got, err := ParseConns(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("ParseConns(%q) error = %v; want one containing %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseConns(%q): %v", tt.in, err)
			continue
		}
		if s := got["TCP"].String() + "/" + got["UDP"].String() + "/" + got["SCTP"].String(); s != tt.want {
			t.Errorf("ParseConns(%q) = %s; want %s", tt.in, s, tt.want)
		}
	}
}

func TestParseConnlistText(t *testing.T) {
	in := `0.0.0.0-9.255.255.255, 11.0.0.0-255.255.255.255 => shop/web[Deployment] : TCP 443

shop/web[Deployment] => shop/db[StatefulSet] : All Connections
shop/web[Deployment] => 10.0.0.0-10.255.255.255 : UDP 53
`
	c, err := ParseConnlistText(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := `0.0.0.0-9.255.255.255 => shop/web[Deployment] : TCP 443
11.0.0.0-255.255.255.255 => shop/web[Deployment] : TCP 443
shop/web[Deployment] => 10.0.0.0-10.255.255.255 : UDP 53
shop/web[Deployment] => shop/db[StatefulSet] : TCP 1-65535
shop/web[Deployment] => shop/db[StatefulSet] : UDP 1-65535
shop/web[Deployment] => shop/db[StatefulSet] : SCTP 1-65535
`
	if got := rowStrings(c.Rows()); got != want {
		t.Errorf("rows:\n%s\nwant:\n%s", got, want)
	}
}

func TestParseConnlistTextErrors(t *testing.T) {
	tests := []struct{ in, err string }{
		{"a/b[Pod] -> a/c[Pod] : All Connections", `line 1: "a/b[Pod] -> a/c[Pod] : All Connections" has no " => "`},
		{"\na/b[Pod] => a/c[Pod] All Connections", `line 2: "a/b[Pod] => a/c[Pod] All Connections" has no " : "`},
		{"a/b => a/c[Pod] : All Connections", `line 1: source: "a/b" is neither`},
		{"a/b[Pod] => 10.0.0.0-9.0.0.0 : TCP 80", "line 1: destination: address range 10.0.0.0-9.0.0.0"},
		{"1.1.1.1 => 2.2.2.2 : TCP 80", "line 1: connection 1.1.1.1-1.1.1.1 => 2.2.2.2-2.2.2.2 has no workload end"},
		{"a/b[Pod] => a/c[Pod] : TCP eighty", `line 1: connections "TCP eighty"`},
	}
	for _, tt := range tests {
		_, err := ParseConnlistText(strings.NewReader(tt.in))
		if err == nil || !strings.HasPrefix(err.Error(), tt.err) {
			t.Errorf("ParseConnlistText(%q) error = %v; want it to start with %q", tt.in, err, tt.err)
		}
	}
}

// FuzzParseConnlistText checks that no input crashes the parser and that
// what it accepts comes back the same from its own canonical rows.
func FuzzParseConnlistText(f *testing.F) {
	for _, s := range []string{
		"a/b[Pod] => a/c[Deployment] : All Connections",
		"0.0.0.0-255.255.255.255 => ns/x[DaemonSet] : TCP 80,8080-8090,UDP 53",
		"ns/x[ReplicaSet] => 10.0.0.0-10.0.0.255, 10.0.2.0-10.0.2.9 : SCTP 1-9002,9004-65535",
		"ns/x[Pod] => fd00::-fd00::ff : UDP 53",
		"ns/x[Pod] => ns/y[Pod] : No Connections",
		"garbage",
		"a/b[Pod] => 1.2.3.4 : TCP 0-1",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseConnlistText(strings.NewReader(s))
		if err != nil {
			return
		}
		text := rowStrings(c.Rows())
		again, err := ParseConnlistText(strings.NewReader(text))
		if err != nil {
			t.Fatalf("canonical rows do not parse: %v\n%s", err, text)
		}
		if d := Diff(c, again); len(d) != 0 {
			t.Fatalf("canonical rows say something else: %v", d)
		}
	})
}
