package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aksnet/aksnet/ipam"
	"github.com/aksnet/aksnet/ipam/server/api"
)

const designDoc = `apiVersion: aksnet.dev/v1alpha1
kind: Design
metadata:
  name: contoso-prod
  owner: platform-team
spec:
  externalRanges:
    - name: on-premises
      kind: onPrem
      cidrs: [192.168.0.0/16]
  vnets:
    - name: spoke-prod
      region: westeurope
      addressSpace: [10.0.64.0/18]
      subnets:
        - name: aks-nodes
          purpose: nodes
          addressPrefixes: [10.0.64.0/21]
  clusters:
    - name: aks-prod
      region: westeurope
      kubernetesVersion: "1.33"
      vnet: spoke-prod
      network:
        plugin: azure
        pluginMode: overlay
        podCidrs: [100.64.0.0/16]
        serviceCidrs: [10.0.128.0/20]
        dnsServiceIP: 10.0.128.10
      outbound:
        type: userDefinedRouting
      nodePools:
        - name: system
          mode: System
          subnet: aks-nodes
          count: 3
`

// TestEndpoints walks every endpoint through its normal use, checks each
// answer against the OpenAPI document, and checks that every successful
// change adds exactly the audit entries it should.
func TestEndpoints(t *testing.T) {
	e := newEnv(t)
	sc := loadSchemas(t)
	audit := e.auditCount()
	// mut sends a mutation and checks status, document and audit growth.
	mut := func(want, entries int, method, docPath, path, token, body string, hdr ...string) resp {
		t.Helper()
		r := e.must(want, method, path, token, body, hdr...)
		sc.check(t, method, docPath, r)
		if got := e.auditCount(); got != audit+entries {
			t.Errorf("%s %s: audit log grew by %d entries, want %d", method, path, got-audit, entries)
		}
		audit = e.auditCount()
		return r
	}
	get := func(want int, docPath, path, token string) resp {
		t.Helper()
		r := e.must(want, "GET", path, token, "")
		sc.check(t, "GET", docPath, r)
		if got := e.auditCount(); got != audit {
			t.Errorf("GET %s changed the audit log", path)
		}
		return r
	}

	// Pools.
	mut(201, 1, "POST", "/api/v1/pools", "/api/v1/pools", e.admin,
		`{"name":"vnets","cidr":"10.0.0.0/16","purpose":"vnet","tags":{"region":"westeurope"}}`)
	mut(201, 1, "POST", "/api/v1/pools", "/api/v1/pools", e.admin, `{"name":"pods","cidr":"100.64.0.0/10","purpose":"pod-overlay"}`)
	r := mut(409, 0, "POST", "/api/v1/pools", "/api/v1/pools", e.admin, `{"name":"dup","cidr":"10.0.128.0/17","purpose":"vnet"}`)
	if m := r.apiErr(t); m["code"] != api.CodeConflict {
		t.Errorf("overlapping pool: code %v", m["code"])
	}
	var pools api.Pools
	get(200, "/api/v1/pools", "/api/v1/pools", e.read).decode(t, &pools)
	if len(pools.Pools) != 2 || pools.Pools[0].Name != "vnets" || pools.Pools[0].Usage.Size != 65536 {
		t.Errorf("pools: %+v", pools)
	}
	get(200, "/api/v1/pools/{pool}", "/api/v1/pools/vnets", e.read)
	get(404, "/api/v1/pools/{pool}", "/api/v1/pools/nope", e.read)
	r = mut(200, 1, "PATCH", "/api/v1/pools/{pool}", "/api/v1/pools/vnets", e.admin, `{"description":"spokes"}`)
	var pool ipam.Pool
	r.decode(t, &pool)
	if pool.Description != "spokes" || pool.Tags["region"] != "westeurope" {
		t.Errorf("patched pool: %+v", pool)
	}

	// Allocations: by prefix length, by AKS need, by claim.
	var a1, a2, a3 api.Allocation
	mut(201, 1, "POST", "/api/v1/pools/{pool}/allocations", "/api/v1/pools/vnets/allocations", e.vnets,
		`{"bits":24,"owner":"team-a","cluster":"aks-a","purpose":"vnet"}`).decode(t, &a1)
	if a1.CIDR.String() != "10.0.0.0/24" {
		t.Errorf("first /24: %s", a1.CIDR)
	}
	mut(201, 1, "POST", "/api/v1/pools/{pool}/allocations", "/api/v1/pools/vnets/allocations", e.vnets,
		`{"need":{"kind":"node-subnet","mode":"overlay","pools":[{"maxNodes":50}]},"owner":"team-b"}`).decode(t, &a2)
	if a2.Sizing == nil || a2.Sizing.Bits != a2.CIDR.Bits() || a2.Purpose != "" && a2.Purpose != "node-subnet" {
		t.Errorf("need allocation: %+v sizing %+v", a2.Allocation, a2.Sizing)
	}
	mut(201, 1, "POST", "/api/v1/pools/{pool}/allocations", "/api/v1/pools/vnets/allocations", e.admin,
		`{"cidr":"10.0.200.0/24","owner":"team-c"}`).decode(t, &a3)
	r = mut(409, 0, "POST", "/api/v1/pools/{pool}/allocations", "/api/v1/pools/vnets/allocations", e.admin,
		`{"cidr":"10.0.200.128/25","owner":"team-d"}`)
	var conflict api.Error
	r.decode(t, &conflict)
	if conflict.Code != api.CodeConflict || len(conflict.Conflicts) != 1 || conflict.Conflicts[0].ID != a3.ID {
		t.Errorf("claim over an allocation: %s", r.body)
	}
	r = mut(400, 0, "POST", "/api/v1/pools/{pool}/allocations", "/api/v1/pools/vnets/allocations", e.admin,
		`{"cidr":"10.0.200.1/24","owner":"team-d"}`)
	if m := r.apiErr(t); m["field"] != "cidr" || !strings.Contains(m["error"].(string), "10.0.200.0/24") {
		t.Errorf("host bits: %s", r.body)
	}
	r = mut(409, 0, "POST", "/api/v1/pools/{pool}/allocations", "/api/v1/pools/vnets/allocations", e.admin, `{"bits":16,"owner":"x"}`)
	if m := r.apiErr(t); m["code"] != api.CodeExhausted {
		t.Errorf("too big: %s", r.body)
	}
	mut(404, 0, "POST", "/api/v1/pools/{pool}/allocations", "/api/v1/pools/nope/allocations", e.admin, `{"bits":24,"owner":"x"}`)

	var list api.Allocations
	get(200, "/api/v1/allocations", "/api/v1/allocations?pool=vnets", e.read).decode(t, &list)
	if len(list.Allocations) != 3 {
		t.Errorf("list: %d allocations", len(list.Allocations))
	}
	get(200, "/api/v1/allocations", "/api/v1/allocations?q=team-b", e.read).decode(t, &list)
	if len(list.Allocations) != 1 || list.Allocations[0].ID != a2.ID {
		t.Errorf("search by owner: %+v", list.Allocations)
	}
	get(200, "/api/v1/allocations", "/api/v1/allocations?q=10.0.200.7", e.read).decode(t, &list)
	if len(list.Allocations) != 1 || list.Allocations[0].ID != a3.ID {
		t.Errorf("search by address: %+v", list.Allocations)
	}
	get(200, "/api/v1/allocations", "/api/v1/allocations?limit=2", e.read).decode(t, &list)
	if len(list.Allocations) != 2 || list.Next != list.Allocations[1].ID {
		t.Errorf("page: %+v", list)
	}
	get(200, "/api/v1/allocations", fmt.Sprintf("/api/v1/allocations?limit=2&after=%d", list.Next), e.read).decode(t, &list)
	if len(list.Allocations) != 1 || list.Allocations[0].ID != a3.ID {
		t.Errorf("second page: %+v", list)
	}
	get(400, "/api/v1/allocations", "/api/v1/allocations?limit=0", e.read)
	get(400, "/api/v1/allocations", "/api/v1/allocations?colour=red", e.read)
	get(200, "/api/v1/allocations/{id}", fmt.Sprintf("/api/v1/allocations/%d", a1.ID), e.read)
	get(404, "/api/v1/allocations/{id}", "/api/v1/allocations/999", e.read)
	get(400, "/api/v1/allocations/{id}", "/api/v1/allocations/x", e.read)

	// Release, twice.
	path := fmt.Sprintf("/api/v1/pools/vnets/allocations/%d", a1.ID)
	mut(200, 1, "DELETE", "/api/v1/pools/{pool}/allocations/{id}", path, e.vnets, "")
	mut(409, 0, "DELETE", "/api/v1/pools/{pool}/allocations/{id}", path, e.vnets, "")
	mut(404, 0, "DELETE", "/api/v1/pools/{pool}/allocations/{id}", fmt.Sprintf("/api/v1/pools/pods/allocations/%d", a2.ID), e.admin, "")

	// Reservations.
	var res ipam.Reservation
	mut(201, 1, "POST", "/api/v1/pools/{pool}/reservations", "/api/v1/pools/vnets/reservations", e.vnets,
		`{"bits":20,"owner":"team-a","note":"growth"}`).decode(t, &res)
	get(200, "/api/v1/reservations", "/api/v1/reservations?pool=vnets", e.read)
	get(200, "/api/v1/reservations/{id}", fmt.Sprintf("/api/v1/reservations/%d", res.ID), e.read)
	mut(200, 1, "DELETE", "/api/v1/pools/{pool}/reservations/{id}", fmt.Sprintf("/api/v1/pools/vnets/reservations/%d", res.ID), e.vnets, "")

	// Ranges to avoid and checks.
	mut(201, 1, "POST", "/api/v1/avoid", "/api/v1/avoid", e.admin, `{"cidr":"10.0.240.0/20","name":"vpn","reason":"VPN clients"}`)
	mut(409, 0, "POST", "/api/v1/avoid", "/api/v1/avoid", e.admin, `{"cidr":"10.0.240.0/20","name":"vpn"}`)
	var avoid api.AvoidList
	get(200, "/api/v1/avoid", "/api/v1/avoid", e.read).decode(t, &avoid)
	if n := len(avoid.Avoid); n != len(ipam.BuiltInAvoid())+1 || avoid.Avoid[n-1].Name != "vpn" {
		t.Errorf("avoid: %+v", avoid)
	}
	var chk api.Check
	get(200, "/api/v1/check", "/api/v1/check?cidr=10.0.200.0/23&cidr=172.30.1.0/24&cidr=203.0.113.0/24", e.read).decode(t, &chk)
	if len(chk.Results) != 3 || len(chk.Results[0].Conflicts) != 2 || len(chk.Results[1].Conflicts) != 1 || len(chk.Results[2].Conflicts) != 0 {
		t.Errorf("check: %+v", chk)
	}
	r = get(400, "/api/v1/check", "/api/v1/check?cidr=10.0.0.0/8&cidr=banana", e.read)
	if m := r.apiErr(t); m["field"] != "cidr[1]" {
		t.Errorf("bad check field: %s", r.body)
	}
	get(400, "/api/v1/check", "/api/v1/check", e.read)
	mut(200, 1, "DELETE", "/api/v1/avoid", "/api/v1/avoid?cidr=10.0.240.0/20", e.admin, "")
	mut(404, 0, "DELETE", "/api/v1/avoid", "/api/v1/avoid?cidr=10.0.240.0/20", e.admin, "")

	// The map of a pool.
	var m api.PoolMap
	get(200, "/api/v1/pools/{pool}/map", "/api/v1/pools/vnets/map", e.read).decode(t, &m)
	var kinds []string
	var covered uint64
	for _, b := range m.Blocks {
		kinds = append(kinds, b.Kind)
		covered += 1 << b.SizeLog2
	}
	if m.HostBits != 16 || covered != 1<<16 || slices.Index(kinds, api.BlockAllocation) < 0 || slices.Index(kinds, api.BlockFree) < 0 {
		t.Errorf("map: host bits %d, blocks cover %d addresses, kinds %v", m.HostBits, covered, kinds)
	}

	// Designs: dry run, import, import again, list, get.
	var imp api.Import
	r = e.must(200, "POST", "/api/v1/designs?dryRun=true", e.admin, designDoc, "Content-Type", "application/yaml")
	sc.check(t, "POST", "/api/v1/designs", r)
	r.decode(t, &imp)
	if e.auditCount() != audit || len(imp.Ranges) != 4 || imp.Ranges[0].Status != api.RangeWouldAllocate {
		t.Errorf("dry run: %s", r.body)
	}
	r = mut(201, 4, "POST", "/api/v1/designs", "/api/v1/designs", e.admin, designDoc, "Content-Type", "application/yaml")
	r.decode(t, &imp)
	want := []string{api.RangeAllocated, api.RangeAllocated, api.RangeAllocated, api.RangeSkipped}
	for i, rg := range imp.Ranges {
		if rg.Status != want[i] {
			t.Errorf("import range %d %s: status %s, want %s", i, rg.Path, rg.Status, want[i])
		}
	}
	r = mut(201, 1, "POST", "/api/v1/designs", "/api/v1/designs", e.admin, designDoc, "Content-Type", "application/yaml")
	r.decode(t, &imp)
	if imp.Ranges[0].Status != api.RangeExisting {
		t.Errorf("second import: %s", r.body)
	}
	var ds api.Designs
	get(200, "/api/v1/designs", "/api/v1/designs", e.read).decode(t, &ds)
	if len(ds.Designs) != 1 || ds.Designs[0].Name != "contoso-prod" || ds.Designs[0].RangeCount != 4 {
		t.Errorf("designs: %+v", ds)
	}
	var d api.Design
	get(200, "/api/v1/designs/{name}", "/api/v1/designs/contoso-prod", e.read).decode(t, &d)
	if d.YAML != designDoc || len(d.Ranges) != 4 {
		t.Errorf("design: %+v", d.DesignSummary)
	}
	get(404, "/api/v1/designs/{name}", "/api/v1/designs/nope", e.read)
	r = mut(400, 0, "POST", "/api/v1/designs", "/api/v1/designs", e.admin, "kind: Design\nspec: {vnets: [{name: x}]}\n",
		"Content-Type", "application/yaml")
	var de api.Error
	r.decode(t, &de)
	if len(de.Problems) == 0 {
		t.Errorf("bad design: %s", r.body)
	}

	// Tokens.
	var nt api.NewToken
	mut(201, 1, "POST", "/api/v1/tokens", "/api/v1/tokens", e.admin, `{"name":"ci","scopes":["allocate:vnets"]}`).decode(t, &nt)
	if !strings.HasPrefix(nt.Secret, "aksnet_") {
		t.Errorf("secret %q", nt.Secret)
	}
	mut(409, 0, "POST", "/api/v1/tokens", "/api/v1/tokens", e.admin, `{"name":"ci","scopes":["read"]}`)
	r = mut(400, 0, "POST", "/api/v1/tokens", "/api/v1/tokens", e.admin, `{"name":"x","scopes":["read","root"]}`)
	if m := r.apiErr(t); m["field"] != "scopes[1]" {
		t.Errorf("bad scope: %s", r.body)
	}
	var who api.WhoAmI
	r = e.must(200, "GET", "/api/v1/whoami", nt.Secret, "")
	sc.check(t, "GET", "/api/v1/whoami", r)
	r.decode(t, &who)
	if who.Name != "ci" {
		t.Errorf("whoami: %+v", who)
	}
	get(200, "/api/v1/tokens", "/api/v1/tokens", e.admin)
	mut(200, 1, "DELETE", "/api/v1/tokens/{id}", fmt.Sprintf("/api/v1/tokens/%d", nt.ID), e.admin, "")
	e.must(401, "GET", "/api/v1/whoami", nt.Secret, "")

	// Audit: who, what, from where, under which request ID.
	var au api.Audit
	get(200, "/api/v1/audit", "/api/v1/audit?limit=500", e.read).decode(t, &au)
	if len(au.Entries) != audit {
		t.Errorf("audit endpoint lists %d entries, the store has %d", len(au.Entries), audit)
	}
	top := au.Entries[0]
	if top.Action != "token.revoke" || top.Actor.Name != "admin" || !strings.HasPrefix(top.Actor.Remote, "127.0.0.1:") || top.Actor.RequestID == "" {
		t.Errorf("newest audit entry: %+v", top)
	}
	r = e.must(201, "POST", "/api/v1/pools/vnets/allocations", e.vnets, `{"bits":28,"owner":"x"}`, api.HeaderRequestID, "req-42")
	audit = e.auditCount()
	get(200, "/api/v1/audit", "/api/v1/audit?limit=1&actor=ci-vnets", e.read).decode(t, &au)
	if au.Entries[0].Actor.RequestID != "req-42" || r.header.Get(api.HeaderRequestID) != "req-42" {
		t.Errorf("request ID not carried: %+v", au.Entries[0].Actor)
	}

	// Delete a pool: refused while in use, then done.
	mut(409, 0, "DELETE", "/api/v1/pools/{pool}", "/api/v1/pools/vnets", e.admin, "")
	mut(201, 1, "POST", "/api/v1/pools", "/api/v1/pools", e.admin, `{"name":"spare","cidr":"10.9.0.0/16","purpose":"other"}`)
	mut(204, 1, "DELETE", "/api/v1/pools/{pool}", "/api/v1/pools/spare", e.admin, "")

	// Probes, metrics, page, document.
	r = e.must(200, "GET", "/healthz", "", "")
	sc.check(t, "GET", "/healthz", r)
	r = e.must(200, "GET", "/readyz", "", "")
	sc.check(t, "GET", "/readyz", r)
	e.must(401, "GET", "/metrics", "", "")
	r = e.must(200, "GET", "/metrics", e.read, "")
	for _, want := range []string{
		`aksnet_ipam_pool_size_addresses{cidr="10.0.0.0/16",pool="vnets",purpose="vnet"} 65536`,
		`aksnet_ipam_allocations_total{pool="vnets"}`,
		`aksnet_ipam_pool_largest_free_block_addresses{cidr="100.64.0.0/10"`,
		`aksnet_ipam_database_up 1`,
	} {
		if !strings.Contains(string(r.body), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	r = e.must(200, "GET", "/", "", "")
	if !strings.Contains(r.header.Get("Content-Type"), "text/html") || r.header.Get("Content-Security-Policy") == "" {
		t.Errorf("page headers: %v", r.header)
	}
	e.must(200, "GET", "/assets/app.js", "", "")
	e.must(404, "GET", "/assets/nope.js", "", "")
	r = e.must(200, "GET", "/api/v1/openapi.json", "", "")
	var doc map[string]any
	r.decode(t, &doc)
	if doc["openapi"] != "3.1.0" {
		t.Errorf("openapi: %v", doc["openapi"])
	}

	// This test went through every route (the request counter knows).
	mfs, err := e.srv.metrics.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	served := map[string]bool{}
	for _, mf := range mfs {
		if mf.GetName() != "aksnet_ipam_http_requests_total" {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "route" {
					served[l.GetValue()] = true
				}
			}
		}
	}
	for _, p := range e.srv.patterns {
		if !served[p] {
			t.Errorf("TestEndpoints never called %s", p)
		}
	}
}

// TestUnknownRoutes: JSON 404 and 405 with Allow.
func TestUnknownRoutes(t *testing.T) {
	e := newEnv(t)
	r := e.must(404, "GET", "/api/v1/nothing", e.read, "")
	r.apiErr(t)
	r = e.must(405, "PUT", "/api/v1/pools", e.admin, "")
	if r.header.Get("Allow") != "GET, POST" {
		t.Errorf("Allow: %q", r.header.Get("Allow"))
	}
	r.apiErr(t)
}

// TestMetricsCountAllocations checks the allocation counter a rate is
// derived from.
func TestMetricsCountAllocations(t *testing.T) {
	e := newEnv(t)
	e.must(201, "POST", "/api/v1/pools", e.admin, `{"name":"vnets","cidr":"10.0.0.0/16","purpose":"vnet"}`)
	for i := 0; i < 7; i++ {
		e.must(201, "POST", "/api/v1/pools/vnets/allocations", e.vnets, `{"bits":26,"owner":"a"}`)
	}
	e.must(201, "POST", "/api/v1/pools/vnets/allocations", e.vnets, `{"bits":26,"owner":"a"}`, "Idempotency-Key", "k")
	e.must(201, "POST", "/api/v1/pools/vnets/allocations", e.vnets, `{"bits":26,"owner":"a"}`, "Idempotency-Key", "k")
	r := e.must(200, "GET", "/metrics", e.read, "")
	for _, want := range []string{
		`aksnet_ipam_allocations_total{pool="vnets"} 8`,
		`aksnet_ipam_pool_used_addresses{cidr="10.0.0.0/16",pool="vnets",purpose="vnet"} 512`,
		`aksnet_ipam_pool_allocations{cidr="10.0.0.0/16",pool="vnets",purpose="vnet"} 8`,
		`aksnet_ipam_pool_largest_free_block_prefix_length{cidr="10.0.0.0/16",pool="vnets",purpose="vnet"} 17`,
	} {
		if !strings.Contains(string(r.body), want+"\n") {
			t.Errorf("metrics lack %q", want)
		}
	}
}

// TestIdempotency: the same key and body give the same answer; the same
// key with another body is refused.
func TestIdempotency(t *testing.T) {
	e := newEnv(t)
	// Registry-kept keys (allocations).
	e.must(201, "POST", "/api/v1/pools", e.admin, `{"name":"vnets","cidr":"10.0.0.0/16","purpose":"vnet"}`)
	body := `{"bits":24,"owner":"team-a"}`
	r1 := e.must(201, "POST", "/api/v1/pools/vnets/allocations", e.vnets, body, "Idempotency-Key", "k1")
	n := e.auditCount()
	r2 := e.must(201, "POST", "/api/v1/pools/vnets/allocations", e.vnets, body, "Idempotency-Key", "k1")
	if string(r1.body) != string(r2.body) || r2.header.Get(api.HeaderReplayed) != "true" || r1.header.Get(api.HeaderReplayed) != "" {
		t.Errorf("replay differs:\n%s\n%s", r1.body, r2.body)
	}
	if e.auditCount() != n {
		t.Error("a replay wrote to the audit log")
	}
	r3 := e.must(422, "POST", "/api/v1/pools/vnets/allocations", e.vnets, `{"bits":25,"owner":"team-a"}`, "Idempotency-Key", "k1")
	if m := r3.apiErr(t); m["code"] != api.CodeIdempotencyMismatch {
		t.Errorf("mismatch: %s", r3.body)
	}
	// The key in the body counts like the header.
	r4 := e.must(201, "POST", "/api/v1/pools/vnets/allocations", e.vnets, `{"bits":24,"owner":"team-a","idempotencyKey":"k1"}`)
	if string(r4.body) != string(r1.body) {
		t.Errorf("body key: %s", r4.body)
	}
	e.must(400, "POST", "/api/v1/pools/vnets/allocations", e.vnets, `{"bits":24,"owner":"team-a","idempotencyKey":"k2"}`, "Idempotency-Key", "k1")
	e.must(400, "POST", "/api/v1/pools/vnets/allocations", e.vnets, body, "Idempotency-Key", "has space")

	// Server-kept keys (other mutations), per token.
	p1 := e.must(201, "POST", "/api/v1/pools", e.admin, `{"name":"pods","cidr":"100.64.0.0/10","purpose":"pod-overlay"}`, "Idempotency-Key", "p")
	n = e.auditCount()
	p2 := e.must(201, "POST", "/api/v1/pools", e.admin, `{"name":"pods","cidr":"100.64.0.0/10","purpose":"pod-overlay"}`, "Idempotency-Key", "p")
	if string(p1.body) != string(p2.body) || p2.header.Get(api.HeaderReplayed) != "true" || e.auditCount() != n {
		t.Errorf("pool replay: %s / %s", p1.body, p2.body)
	}
	e.must(422, "POST", "/api/v1/pools", e.admin, `{"name":"pods2","cidr":"100.128.0.0/10","purpose":"pod-overlay"}`, "Idempotency-Key", "p")
	var a ipam.Allocation
	r1.decode(t, &a)
	rel := fmt.Sprintf("/api/v1/pools/vnets/allocations/%d", a.ID)
	d1 := e.must(200, "DELETE", rel, e.vnets, "", "Idempotency-Key", "r")
	d2 := e.must(200, "DELETE", rel, e.vnets, "", "Idempotency-Key", "r")
	if string(d1.body) != string(d2.body) {
		t.Errorf("release replay: %s / %s", d1.body, d2.body)
	}
	e.must(409, "DELETE", rel, e.vnets, "", "Idempotency-Key", "r2")
	// Tokens refuse keys: the secret is never kept.
	e.must(400, "POST", "/api/v1/tokens", e.admin, `{"name":"t","scopes":["read"]}`, "Idempotency-Key", "t")
}

// TestIdemCacheBounds checks eviction and expiry of server-kept keys.
func TestIdemCacheBounds(t *testing.T) {
	now := int64(0)
	c := newIdemCache(3, 10*time.Second, func() time.Time { return time.Unix(now, 0) })
	fp := [32]byte{1}
	for i := 0; i < 5; i++ {
		e, st := c.begin(fmt.Sprint(i), fp)
		if st != idemNew {
			t.Fatalf("key %d: state %d", i, st)
		}
		c.finish(fmt.Sprint(i), e, 200, nil, nil)
	}
	if len(c.m) != 3 {
		t.Errorf("%d entries kept, want 3", len(c.m))
	}
	if _, st := c.begin("0", fp); st != idemNew {
		t.Errorf("evicted key 0 still known")
	}
	if _, st := c.begin("4", fp); st != idemReplay {
		t.Errorf("key 4 forgotten")
	}
	if _, st := c.begin("4", [32]byte{2}); st != idemMismatch {
		t.Errorf("key 4 with another request not refused")
	}
	now = 11
	if _, st := c.begin("4", fp); st != idemNew {
		t.Errorf("expired key 4 still known")
	}
	e, _ := c.begin("x", fp)
	if _, st := c.begin("x", fp); st != idemBusy {
		t.Errorf("running key not busy")
	}
	c.finish("x", e, 503, nil, nil)
	if _, st := c.begin("x", fp); st != idemNew {
		t.Errorf("a key whose request failed on the server is kept")
	}
}

// TestOpenAPIMatchesRoutes: every route the mux serves is in the
// document, every operation of the document is served, and each
// operation's security matches the route's.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	e := newEnv(t)
	var doc struct {
		Paths map[string]map[string]struct {
			Security *[]any `json:"security"`
			Scope    string `json:"x-aksnet-scope"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(openAPIDoc, &doc); err != nil {
		t.Fatal(err)
	}
	inDoc := map[string]bool{}
	for p, ops := range doc.Paths {
		for m, op := range ops {
			pat := strings.ToUpper(m) + " " + p
			if p == "/" {
				pat = strings.ToUpper(m) + " /{$}"
			}
			inDoc[pat] = true
			// The mux must route a request for it to that very pattern.
			u := strings.NewReplacer("{pool}", "vnets", "{id}", "7", "{name}", "x").Replace(p)
			req, _ := http.NewRequest(strings.ToUpper(m), u, nil)
			if _, got := e.srv.mux.Handler(req); got != pat {
				t.Errorf("document has %s; the mux routes %s %s to %q", pat, strings.ToUpper(m), u, got)
			}
			public := op.Security != nil && len(*op.Security) == 0
			if public != (op.Scope == "") {
				t.Errorf("%s: security and x-aksnet-scope disagree", pat)
			}
		}
	}
	for _, p := range e.srv.patterns {
		if !inDoc[p] {
			t.Errorf("route %s is not in openapi.json", p)
		}
	}
	if len(inDoc) != len(e.srv.patterns) {
		t.Errorf("document has %d operations, the mux %d routes", len(inDoc), len(e.srv.patterns))
	}
	// Security as documented is security as enforced.
	for p, ops := range doc.Paths {
		for m, op := range ops {
			if op.Scope == "" {
				continue
			}
			u := strings.NewReplacer("{pool}", "vnets", "{id}", "7", "{name}", "x").Replace(p)
			r := e.call(strings.ToUpper(m), u, "", "")
			if r.status != 401 {
				t.Errorf("%s %s without a token: %d, documented as needing %s", m, p, r.status, op.Scope)
			}
		}
	}
}

func TestRequestIDSanitised(t *testing.T) {
	e := newEnv(t)
	r := e.must(200, "GET", "/healthz", "", "", api.HeaderRequestID, "bad id\twith tab")
	if id := r.header.Get(api.HeaderRequestID); id == "" || strings.ContainsAny(id, " \t") {
		t.Errorf("request ID %q", id)
	}
}

// TestSchemasCatchDrift makes sure the document checks in these tests can
// fail: answers that differ from the document are caught.
func TestSchemasCatchDrift(t *testing.T) {
	sc := loadSchemas(t)
	for _, tc := range []struct {
		method, path string
		r            resp
	}{
		{"GET", "/api/v1/pools/{pool}", resp{status: 200, body: []byte(`{"name":"p","cidr":"10.0.0.0/8","purpose":"vnet","createdAt":"2026-01-01T00:00:00Z"}`)}},
		{"GET", "/api/v1/whoami", resp{status: 200, body: []byte(`{"name":"a","scopes":["read"],"extra":1}`)}},
		{"POST", "/api/v1/pools/{pool}/allocations", resp{status: 409, body: []byte(`{"error":"x","code":"nonsense"}`)}},
	} {
		if sc.validate(tc.method, tc.path, tc.r) == nil {
			t.Errorf("%s %s: a wrong answer passed the document check: %s", tc.method, tc.path, tc.r.body)
		}
	}
}
