package ipam

import (
	"errors"
	"testing"
)

func TestParseScope(t *testing.T) {
	for _, s := range []string{"read", "admin", "allocate:vnets", "allocate:pod-overlay.we_1"} {
		got, err := ParseScope(s)
		if err != nil || string(got) != s {
			t.Errorf("ParseScope(%q) = %q, %v", s, got, err)
		}
	}
	for _, s := range []string{"", "write", "Read", "allocate:", "allocate:Vnets", "allocate:-x", "allocate:a b", " read"} {
		if _, err := ParseScope(s); !errors.Is(err, ErrInvalid) {
			t.Errorf("ParseScope(%q): %v, want an invalid scope", s, err)
		}
	}
}

func TestPermits(t *testing.T) {
	cases := []struct {
		scopes []Scope
		action Action
		pool   string
		want   bool
	}{
		{nil, ActionRead, "", false},
		{[]Scope{ScopeRead}, ActionRead, "", true},
		{[]Scope{ScopeRead}, ActionAllocate, "vnets", false},
		{[]Scope{ScopeRead}, ActionAdmin, "", false},
		{[]Scope{ScopeAllocate("vnets")}, ActionAllocate, "vnets", true},
		{[]Scope{ScopeAllocate("vnets")}, ActionAllocate, "pods", false},
		{[]Scope{ScopeAllocate("vnets")}, ActionAllocate, "", false},
		{[]Scope{ScopeAllocate("vnets")}, ActionRead, "", true},
		{[]Scope{ScopeAllocate("vnets")}, ActionAdmin, "vnets", false},
		{[]Scope{ScopeRead, ScopeAllocate("pods")}, ActionAllocate, "pods", true},
		{[]Scope{ScopeAdmin}, ActionAdmin, "", true},
		{[]Scope{ScopeAdmin}, ActionAllocate, "anything", true},
		{[]Scope{"allocate:*"}, ActionAllocate, "vnets", false},
		{[]Scope{"bogus"}, ActionRead, "", false},
	}
	for _, c := range cases {
		if got := Permits(c.scopes, c.action, c.pool); got != c.want {
			t.Errorf("Permits(%v, %d, %q) = %v, want %v", c.scopes, c.action, c.pool, got, c.want)
		}
	}
}

func TestValidate(t *testing.T) {
	good := Pool{Name: "vnets-we", CIDR: mpp("10.0.0.0/8"), Purpose: PurposeVNet, Tags: map[string]string{"region": "westeurope", "example.com/team": "net"}}
	if err := good.Validate(); err != nil {
		t.Fatal(err)
	}
	bad := []struct {
		mut   func(*Pool)
		field string
	}{
		{func(p *Pool) { p.Name = "" }, "name"},
		{func(p *Pool) { p.Name = "VNets" }, "name"},
		{func(p *Pool) { p.Name = "a/b" }, "name"},
		{func(p *Pool) { p.Name = "-a" }, "name"},
		{func(p *Pool) { p.CIDR = mpp("10.0.0.1/8") }, "cidr"},
		{func(p *Pool) { p.CIDR = mpp("::ffff:10.0.0.0/104") }, "cidr"},
		{func(p *Pool) { p.Purpose = "" }, "purpose"},
		{func(p *Pool) { p.Purpose = "pods" }, "purpose"},
		{func(p *Pool) { p.Tags = map[string]string{"": "x"} }, "tags"},
		{func(p *Pool) { p.Tags = map[string]string{"a b": "x"} }, "tags"},
		{func(p *Pool) { p.Tags = map[string]string{"a": "x\x00"} }, "tags.a"},
		{func(p *Pool) { p.Description = "bell\a" }, "description"},
	}
	for i, b := range bad {
		p := good
		b.mut(&p)
		var ie *InvalidError
		if err := p.Validate(); !errors.As(err, &ie) || ie.Field != b.field {
			t.Errorf("case %d (%+v): got %v, want an invalid %s", i, p, err, b.field)
		}
	}
}

func TestCheckPool(t *testing.T) {
	existing := []Pool{{Name: "a", CIDR: mpp("10.0.0.0/16")}, {Name: "b", CIDR: mpp("10.2.0.0/16")}}
	p := Pool{Name: "c", CIDR: mpp("10.0.0.0/14"), Purpose: PurposeVNet}
	var ce *ConflictError
	if err := CheckPool(existing, p); !errors.As(err, &ce) || len(ce.Conflicts) != 2 {
		t.Errorf("pool over two pools: %v", err)
	}
	p.CIDR = mpp("10.1.0.0/16")
	if err := CheckPool(existing, p); err != nil {
		t.Errorf("disjoint pool: %v", err)
	}
	p.Name = "a"
	if err := CheckPool(existing, p); !errors.Is(err, ErrExists) {
		t.Errorf("taken name: %v", err)
	}
}

func TestRequestCanonical(t *testing.T) {
	a := Request{Pool: "p", Bits: 24, Owner: "o", Tags: map[string]string{"b": "2", "a": "1"}, IdempotencyKey: "k1"}
	b := Request{Pool: "p", Bits: 24, Owner: "o", Tags: map[string]string{"a": "1", "b": "2"}, IdempotencyKey: "k2"}
	if a.Canonical() != b.Canonical() {
		t.Errorf("tag order or key changed the canonical form:\n%s\n%s", a.Canonical(), b.Canonical())
	}
	for _, c := range []Request{
		{Pool: "p", Bits: 23, Owner: "o", Tags: a.Tags},
		{Pool: "q", Bits: 24, Owner: "o", Tags: a.Tags},
		{Pool: "p", Bits: 24, Owner: "x", Tags: a.Tags},
		{Pool: "p", Bits: 24, Owner: "o"},
		{Pool: "p", Bits: 24, Owner: "o", Tags: a.Tags, Cluster: "c"},
		{Pool: "p", Bits: 24, Owner: "o", Tags: a.Tags, Reservation: 3},
		{Pool: "p", CIDR: mpp("10.0.0.0/24"), Owner: "o", Tags: a.Tags},
		{Pool: "p", Need: &Need{Kind: NeedServiceCIDR, Services: 10}, Owner: "o", Tags: a.Tags},
		{Pool: "p", Bits: 24, Owner: "o", Tags: map[string]string{"a": "1", "b": "3"}},
	} {
		if c.Canonical() == a.Canonical() {
			t.Errorf("%+v has the canonical form of %+v", c, a)
		}
	}
}
