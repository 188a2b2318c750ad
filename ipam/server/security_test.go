package server

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aksnet/aksnet/ipam/server/api"
)

// validBodies are bodies each mutating route would accept, so a refusal
// in the tests below is the refusal under test and not a bad body.
var validBodies = map[string]string{
	"POST /api/v1/pools":                            `{"name":"extra","cidr":"10.9.0.0/16","purpose":"vnet"}`,
	"PATCH /api/v1/pools/{pool}":                    `{"description":"changed"}`,
	"DELETE /api/v1/pools/{pool}":                   ``,
	"POST /api/v1/pools/{pool}/allocations":         `{"bits":24,"owner":"team-a"}`,
	"DELETE /api/v1/pools/{pool}/allocations/{id}":  ``,
	"POST /api/v1/pools/{pool}/reservations":        `{"bits":24,"owner":"team-a"}`,
	"DELETE /api/v1/pools/{pool}/reservations/{id}": ``,
	"POST /api/v1/avoid":                            `{"cidr":"10.8.0.0/16","name":"vpn"}`,
	"DELETE /api/v1/avoid":                          ``,
	"POST /api/v1/designs":                          designDoc,
	"POST /api/v1/tokens":                           `{"name":"new","scopes":["read"]}`,
	"DELETE /api/v1/tokens/{id}":                    ``,
}

// mutating lists the server's routes that change the registry.
func mutating(s *Server) []string {
	var out []string
	for _, p := range s.patterns {
		if !strings.HasPrefix(p, "GET ") {
			out = append(out, p)
		}
	}
	return out
}

// securityEnv is an env with a pool, an allocation, a reservation and a
// range to avoid, so every mutating route has something to act on.
func securityEnv(t *testing.T) (*env, func(pattern string) string) {
	e := newEnv(t)
	e.must(201, "POST", "/api/v1/pools", e.admin, `{"name":"vnets","cidr":"10.0.0.0/16","purpose":"vnet"}`)
	e.must(201, "POST", "/api/v1/pools", e.admin, `{"name":"other","cidr":"10.1.0.0/16","purpose":"vnet"}`)
	e.must(201, "POST", "/api/v1/pools/vnets/allocations", e.admin, `{"bits":24,"owner":"a"}`)  // id 1
	e.must(201, "POST", "/api/v1/pools/vnets/reservations", e.admin, `{"bits":24,"owner":"a"}`) // id 1
	e.must(201, "POST", "/api/v1/avoid", e.admin, `{"cidr":"10.7.0.0/16","name":"old"}`)
	url := func(pattern string) string {
		_, p, _ := strings.Cut(pattern, " ")
		p = strings.NewReplacer("{pool}", "vnets", "{id}", "1").Replace(p)
		if pattern == "DELETE /api/v1/avoid" {
			p += "?cidr=10.7.0.0/16"
		}
		return p
	}
	return e, url
}

// TestMutationsRefuseBadTokens: for every mutating route, no token, a
// wrong token, a revoked token, and a token scoped to another pool (or
// without admin) are refused, and nothing changes.
func TestMutationsRefuseBadTokens(t *testing.T) {
	e, url := securityEnv(t)
	revoked := e.must(201, "POST", "/api/v1/tokens", e.admin, `{"name":"gone","scopes":["admin"]}`)
	var nt api.NewToken
	revoked.decode(t, &nt)
	e.must(200, "DELETE", fmt.Sprintf("/api/v1/tokens/%d", nt.ID), e.admin, "")
	before := e.auditCount()
	routes := mutating(e.srv)
	if len(routes) < 12 {
		t.Fatalf("only %d mutating routes found", len(routes))
	}
	for _, pattern := range routes {
		body, ok := validBodies[pattern]
		if !ok {
			t.Errorf("%s: no valid body in validBodies; add one so the route is tested", pattern)
			continue
		}
		method, _, _ := strings.Cut(pattern, " ")
		path := url(pattern)
		try := func(want int, what string, hdr ...string) {
			t.Helper()
			r := e.call(method, path, "", body, hdr...)
			if r.status != want {
				t.Errorf("%s %s: status %d, want %d: %s", pattern, what, r.status, want, r.body)
				return
			}
			m := r.apiErr(t)
			if want == 401 && (r.header.Get("WWW-Authenticate") == "" || m["code"] != api.CodeUnauthenticated) {
				t.Errorf("%s %s: 401 without WWW-Authenticate or code: %v %s", pattern, what, r.header, r.body)
			}
			if want == 403 && m["code"] != api.CodeForbidden {
				t.Errorf("%s %s: code %v", pattern, what, m["code"])
			}
		}
		try(401, "without a token")
		try(401, "with a wrong token", "Authorization", "Bearer aksnet_"+strings.Repeat("x", 43))
		try(401, "with a token not from aksnet", "Authorization", "Bearer hunter2")
		try(401, "with a basic credential", "Authorization", "Basic YWRtaW46YWRtaW4=")
		try(401, "with an empty bearer", "Authorization", "Bearer ")
		try(401, "with a revoked admin token", "Authorization", "Bearer "+nt.Secret)
		try(403, "with a token for another pool", "Authorization", "Bearer "+e.other)
		try(403, "with a read token", "Authorization", "Bearer "+e.read)
		if !strings.Contains(pattern, "{pool}/") {
			// Admin routes: a token that may allocate in the very pool is
			// still not an admin.
			try(403, "with an allocate:vnets token", "Authorization", "Bearer "+e.vnets)
		}
	}
	if got := e.auditCount(); got != before {
		t.Errorf("refused requests changed the audit log: %d entries, want %d", got, before)
	}
	// And the rightful tokens do get through (so the refusals above were
	// about the tokens).
	for _, pattern := range routes {
		method, _, _ := strings.Cut(pattern, " ")
		tok := e.admin
		if strings.Contains(pattern, "{pool}/") {
			tok = e.vnets
		}
		if pattern == "DELETE /api/v1/pools/{pool}" {
			continue // the pool is in use; covered in TestEndpoints
		}
		hdr := []string{}
		if pattern == "POST /api/v1/designs" {
			hdr = []string{"Content-Type", "application/yaml"}
		}
		r := e.call(method, url(pattern), tok, validBodies[pattern], hdr...)
		if r.status >= 300 && !(pattern == "POST /api/v1/designs" && r.status == 400) {
			t.Errorf("%s with the right token: %d %s", pattern, r.status, r.body)
		}
	}
}

// TestBodies: oversized bodies get 413; malformed ones 400 naming the
// field, line and column; wrong media types 415. Never a 500.
func TestBodies(t *testing.T) {
	e, url := securityEnv(t)
	before := e.auditCount()
	big := `{"owner":"` + strings.Repeat("a", DefaultMaxBodyBytes) + `"}`
	for _, pattern := range mutating(e.srv) {
		method, _, _ := strings.Cut(pattern, " ")
		if validBodies[pattern] == "" {
			continue
		}
		tok := e.admin
		path := url(pattern)
		r := e.call(method, path, tok, big)
		if r.status != 413 || r.apiErr(t)["code"] != api.CodeTooLarge {
			t.Errorf("%s oversized: %d %s", pattern, r.status, firstN(r.body))
		}
		r = e.call(method, path, tok, `{"owner": "a",`)
		var ae api.Error
		r.decode(t, &ae)
		if r.status != 400 || !strings.Contains(ae.Error, "line 1") && (len(ae.Problems) == 0 || ae.Problems[0].Line != 1) {
			t.Errorf("%s truncated JSON: %d %s", pattern, r.status, r.body)
		}
		r = e.call(method, path, tok, validBodies[pattern], "Content-Type", "application/xml")
		if r.status != 415 {
			t.Errorf("%s as XML: %d %s", pattern, r.status, r.body)
		}
	}
	for _, tc := range []struct {
		pattern, body, field, msg string
	}{
		{"POST /api/v1/pools/{pool}/allocations", `{"bits":"24","owner":"a"}`, "bits", "want a number"},
		{"POST /api/v1/pools/{pool}/allocations", `{"bits":24,"ownr":"a"}`, "ownr", "unknown field"},
		{"POST /api/v1/pools/{pool}/allocations", `{"bits":24,"owner":"a","owner":"b"}`, "owner", "repeated"},
		{"POST /api/v1/pools/{pool}/allocations", `{"need":{"kind":"node-subnet","pools":[{"maxNodes":"3"}]},"owner":"a"}`, "need.pools[0].maxNodes", "want a number"},
		{"POST /api/v1/pools/{pool}/allocations", `{"need":{"kind":"node-subnet","mode":"overlay","pools":[{"maxNodes":0}]},"owner":"a"}`, "need.pools[0].maxNodes", "must be 1"},
		{"POST /api/v1/pools/{pool}/allocations", `{"bits":24.5,"owner":"a"}`, "bits", "whole number"},
		{"POST /api/v1/pools/{pool}/allocations", `{"cidr":"10.0.0.0/33","owner":"a"}`, "cidr", "not a CIDR"},
		{"POST /api/v1/pools/{pool}/allocations", `{"bits":24,"cidr":"10.0.9.0/24","owner":"a"}`, "", "exactly one"},
		{"POST /api/v1/pools/{pool}/allocations", `{"bits":24}`, "owner", "missing"},
		{"POST /api/v1/pools/{pool}/allocations", `[1,2]`, "", "JSON object"},
		{"POST /api/v1/pools/{pool}/allocations", `{"bits":24,"owner":"a"} {}`, "", "after the JSON object"},
		{"POST /api/v1/pools/{pool}/allocations", ` `, "", "empty"},
		{"POST /api/v1/pools/{pool}/allocations", `{"bits":24,"owner":"a","tags":{"k":1}}`, "tags.k", "want a string"},
		{"POST /api/v1/pools", `{"name":"Bad Name","cidr":"10.9.0.0/16","purpose":"vnet"}`, "name", "lower-case"},
		{"POST /api/v1/pools", `{"name":"x","cidr":"10.9.0.0/16","purpose":"vnets"}`, "purpose", "unknown purpose"},
		{"POST /api/v1/pools", `{"Name":"x","cidr":"10.9.0.0/16","purpose":"vnet"}`, "Name", "case-sensitive"},
		{"POST /api/v1/avoid", `{"cidr":"10.9.0.1/16","name":"x"}`, "cidr", "host bits"},
		{"POST /api/v1/tokens", `{"name":"x","scopes":"read"}`, "scopes", "want an array"},
		{"PATCH /api/v1/pools/{pool}", `{"tags":{"bad key":"v"}}`, "tags", "tag key"},
	} {
		method, _, _ := strings.Cut(tc.pattern, " ")
		r := e.call(method, url(tc.pattern), e.admin, tc.body)
		if r.status != 400 {
			t.Errorf("%s %s: status %d, want 400: %s", tc.pattern, tc.body, r.status, r.body)
			continue
		}
		m := r.apiErr(t)
		hint, _ := m["hint"].(string)
		if f, _ := m["field"].(string); f != tc.field || !strings.Contains(m["error"].(string)+" "+hint, tc.msg) {
			t.Errorf("%s %s: field %q error %q; want field %q and %q", tc.pattern, tc.body, f, m["error"], tc.field, tc.msg)
		}
	}
	// A syntax error on line 3 is reported there.
	r := e.call("POST", "/api/v1/pools/vnets/allocations", e.admin, "{\n  \"bits\": 24,\n  \"owner\" \"a\"\n}")
	if m := r.apiErr(t); r.status != 400 || !strings.Contains(m["error"].(string), "line 3") {
		t.Errorf("syntax error position: %s", r.body)
	}
	if got := e.auditCount(); got != before {
		t.Errorf("refused bodies changed the audit log")
	}
}

func firstN(b []byte) string {
	if len(b) > 200 {
		return string(b[:200])
	}
	return string(b)
}
