package server

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aksnet/aksnet/ipam"
	"github.com/aksnet/aksnet/ipam/server/api"
	"github.com/aksnet/aksnet/ipam/store"
)

// routes registers every route. The OpenAPI document lists the same
// set; TestOpenAPIMatchesRoutes keeps them in step.
func (s *Server) routes() {
	p := api.Prefix
	for _, rt := range []route{
		{pattern: "GET " + p + "/openapi.json", h: s.openAPI},
		{pattern: "GET " + p + "/whoami", access: readAccess, h: s.whoami},

		{pattern: "GET " + p + "/pools", access: readAccess, h: s.listPools},
		{pattern: "POST " + p + "/pools", access: adminAccess, idem: idemMemory, body: true, h: s.createPool},
		{pattern: "GET " + p + "/pools/{pool}", access: readAccess, h: s.getPool},
		{pattern: "PATCH " + p + "/pools/{pool}", access: adminAccess, idem: idemMemory, body: true, h: s.updatePool},
		{pattern: "DELETE " + p + "/pools/{pool}", access: adminAccess, idem: idemMemory, h: s.deletePool},
		{pattern: "GET " + p + "/pools/{pool}/map", access: readAccess, h: s.poolMap},

		{pattern: "POST " + p + "/pools/{pool}/allocations", access: allocateAccess, idem: idemRegistry, body: true, h: s.allocate},
		{pattern: "DELETE " + p + "/pools/{pool}/allocations/{id}", access: allocateAccess, idem: idemMemory, h: s.release},
		{pattern: "GET " + p + "/allocations", access: readAccess, h: s.listAllocations},
		{pattern: "GET " + p + "/allocations/{id}", access: readAccess, h: s.getAllocation},

		{pattern: "POST " + p + "/pools/{pool}/reservations", access: allocateAccess, idem: idemMemory, body: true, h: s.reserve},
		{pattern: "DELETE " + p + "/pools/{pool}/reservations/{id}", access: allocateAccess, idem: idemMemory, h: s.releaseReservation},
		{pattern: "GET " + p + "/reservations", access: readAccess, h: s.listReservations},
		{pattern: "GET " + p + "/reservations/{id}", access: readAccess, h: s.getReservation},

		{pattern: "GET " + p + "/avoid", access: readAccess, h: s.listAvoid},
		{pattern: "POST " + p + "/avoid", access: adminAccess, idem: idemMemory, body: true, h: s.addAvoid},
		{pattern: "DELETE " + p + "/avoid", access: adminAccess, idem: idemMemory, h: s.removeAvoid},
		{pattern: "GET " + p + "/check", access: readAccess, h: s.check},

		{pattern: "GET " + p + "/designs", access: readAccess, h: s.listDesigns},
		{pattern: "POST " + p + "/designs", access: adminAccess, idem: idemMemory, body: true, h: s.importDesign},
		{pattern: "GET " + p + "/designs/{name}", access: readAccess, h: s.getDesign},

		{pattern: "GET " + p + "/tokens", access: adminAccess, h: s.listTokens},
		{pattern: "POST " + p + "/tokens", access: adminAccess, idem: idemRefuse, body: true, h: s.createToken},
		{pattern: "DELETE " + p + "/tokens/{id}", access: adminAccess, idem: idemMemory, h: s.revokeToken},

		{pattern: "GET " + p + "/audit", access: readAccess, h: s.audit},

		{pattern: "GET /healthz", h: s.healthz},
		{pattern: "GET /readyz", h: s.readyz},
		{pattern: "GET /metrics", access: readAccess, h: s.serveMetrics},
		{pattern: "GET /{$}", h: s.page},
		{pattern: "GET /assets/{name}", h: s.asset},
	} {
		s.handle(rt)
	}
}

// query checks a request's query parameters: only the named ones, each
// at most once unless listed in multi.
func query(r *http.Request, allowed []string, multi ...string) (url.Values, error) {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, badRequest("", "malformed query string: "+err.Error(), "encode query parameters with percent-encoding")
	}
	for k, v := range q {
		if !slices.Contains(allowed, k) {
			hint := "this endpoint takes no query parameters"
			if len(allowed) > 0 {
				hint = "known parameters: " + strings.Join(allowed, ", ")
			}
			return nil, badRequest(k, fmt.Sprintf("unknown query parameter %q", k), hint)
		}
		if len(v) > 1 && !slices.Contains(multi, k) {
			return nil, badRequest(k, fmt.Sprintf("query parameter %q given %d times", k, len(v)), "give it once")
		}
	}
	return q, nil
}

// intParam parses an optional integer query parameter in [lo, hi].
func intParam(q url.Values, name string, def, lo, hi int64) (int64, error) {
	v := q.Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < lo || n > hi {
		return 0, badRequest(name, fmt.Sprintf("query parameter %s=%q must be a whole number from %d to %d", name, v, lo, hi), "")
	}
	return n, nil
}

// idParam parses the {id} of a URL.
func idParam(r *http.Request) (int64, error) {
	v := r.PathValue("id")
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 1 {
		return 0, badRequest("id", fmt.Sprintf("%q is not an ID (a whole number from 1)", v), "")
	}
	return n, nil
}

// parsePrefix parses a CIDR a client sent in field.
func parsePrefix(field, v string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(strings.TrimSpace(v))
	if err != nil {
		return netip.Prefix{}, badRequest(field, fmt.Sprintf("%q is not a CIDR", v), "write a CIDR such as 10.1.0.0/24 or fd00::/64")
	}
	return p, nil
}

// parseRange parses a CIDR or a single address (as a /32 or /128).
func parseRange(field, v string) (netip.Prefix, error) {
	if a, err := netip.ParseAddr(strings.TrimSpace(v)); err == nil {
		return netip.PrefixFrom(a, a.BitLen()), nil
	}
	p, err := parsePrefix(field, v)
	if err != nil {
		return p, badRequest(field, fmt.Sprintf("%q is not a CIDR or an address", v), "write a CIDR such as 10.1.0.0/24 or an address such as 10.1.0.7")
	}
	return p.Masked(), nil
}

func (s *Server) whoami(w http.ResponseWriter, c *call) error {
	writeJSON(w, http.StatusOK, api.WhoAmI{Name: c.token.Name, Scopes: c.token.Scopes})
	return nil
}

// ---- pools

func (s *Server) listPools(w http.ResponseWriter, c *call) error {
	if _, err := query(c.r, nil); err != nil {
		return err
	}
	out := api.Pools{Pools: []api.Pool{}}
	err := s.reg.Store().View(c.ctx, func(tx store.ReadTx) error {
		pools, err := tx.Pools()
		if err != nil {
			return err
		}
		for _, p := range pools {
			sp, err := tx.Space(p.Name)
			if err != nil {
				return err
			}
			out.Pools = append(out.Pools, api.Pool{Pool: p, Usage: sp.Usage()})
		}
		return nil
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) getPool(w http.ResponseWriter, c *call) error {
	if _, err := query(c.r, nil); err != nil {
		return err
	}
	var out api.Pool
	err := s.reg.Store().View(c.ctx, func(tx store.ReadTx) error {
		sp, err := tx.Space(c.r.PathValue("pool"))
		if err != nil {
			return err
		}
		out = api.Pool{Pool: sp.Pool(), Usage: sp.Usage()}
		return nil
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) createPool(w http.ResponseWriter, c *call) error {
	var req api.CreatePoolRequest
	if err := DecodeJSON(c.body, &req); err != nil {
		return err
	}
	p, err := parsePrefix("cidr", req.CIDR)
	if err != nil {
		return err
	}
	pool, err := s.reg.CreatePool(c.ctx, c.actor, ipam.Pool{Name: req.Name, CIDR: p, Purpose: req.Purpose, Tags: req.Tags, Description: req.Description})
	if err != nil {
		return err
	}
	w.Header().Set("Location", api.Prefix+"/pools/"+url.PathEscape(pool.Name))
	writeJSON(w, http.StatusCreated, pool)
	return nil
}

func (s *Server) updatePool(w http.ResponseWriter, c *call) error {
	var req api.UpdatePoolRequest
	if err := DecodeJSON(c.body, &req); err != nil {
		return err
	}
	name := c.r.PathValue("pool")
	var cur ipam.Pool
	err := s.reg.Store().View(c.ctx, func(tx store.ReadTx) error {
		var err error
		cur, err = tx.Pool(name)
		return err
	})
	if err != nil {
		return err
	}
	if req.Purpose != nil {
		cur.Purpose = *req.Purpose
	}
	if req.Tags != nil {
		cur.Tags = *req.Tags
	}
	if req.Description != nil {
		cur.Description = *req.Description
	}
	out, err := s.reg.UpdatePool(c.ctx, c.actor, cur)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) deletePool(w http.ResponseWriter, c *call) error {
	name := c.r.PathValue("pool")
	if err := s.reg.DeletePool(c.ctx, c.actor, name); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// poolMap lays the pool out for drawing.
func (s *Server) poolMap(w http.ResponseWriter, c *call) error {
	if _, err := query(c.r, nil); err != nil {
		return err
	}
	var sp *ipam.Space
	err := s.reg.Store().View(c.ctx, func(tx store.ReadTx) error {
		var err error
		sp, err = tx.Space(c.r.PathValue("pool"))
		return err
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, buildMap(sp))
	return nil
}

// buildMap lists every block of a pool in address order.
func buildMap(sp *ipam.Space) api.PoolMap {
	pool := sp.Pool()
	u := sp.Usage()
	base := addrInt(pool.CIDR.Addr())
	bitLen := pool.CIDR.Addr().BitLen()
	block := func(kind string, p netip.Prefix) api.MapBlock {
		off := new(big.Int).Sub(addrInt(p.Addr()), base)
		return api.MapBlock{Kind: kind, CIDR: p, Offset: off.String(), SizeLog2: bitLen - p.Bits()}
	}
	var blocks []api.MapBlock
	for _, a := range sp.Allocations() {
		b := block(api.BlockAllocation, a.CIDR)
		b.ID, b.Owner, b.Cluster, b.Purpose = a.ID, a.Owner, a.Cluster, a.Purpose
		blocks = append(blocks, b)
	}
	for _, r := range sp.Reservations() {
		b := block(api.BlockReservation, r.CIDR)
		b.ID, b.Owner, b.Cluster, b.Purpose = r.ID, r.Owner, r.Cluster, r.Purpose
		blocks = append(blocks, b)
	}
	for _, av := range sp.Avoid() {
		p := av.CIDR
		if p.Bits() < pool.CIDR.Bits() { // wider than the pool: show its part
			p = pool.CIDR
		}
		b := block(api.BlockAvoid, p)
		b.Name, b.Reason = av.Name, av.Reason
		blocks = append(blocks, b)
	}
	for _, f := range u.FreeBlocks {
		blocks = append(blocks, block(api.BlockFree, f))
	}
	slices.SortStableFunc(blocks, func(a, b api.MapBlock) int {
		if c := a.CIDR.Addr().Compare(b.CIDR.Addr()); c != 0 {
			return c
		}
		return a.CIDR.Bits() - b.CIDR.Bits()
	})
	if blocks == nil {
		blocks = []api.MapBlock{}
	}
	return api.PoolMap{Pool: pool, Usage: u, HostBits: bitLen - pool.CIDR.Bits(), Blocks: blocks}
}

func addrInt(a netip.Addr) *big.Int {
	b := a.As16()
	if a.Is4() {
		v := a.As4()
		return new(big.Int).SetBytes(v[:])
	}
	return new(big.Int).SetBytes(b[:])
}

// ---- allocations

func (s *Server) allocate(w http.ResponseWriter, c *call) error {
	var req api.AllocateRequest
	if err := DecodeJSON(c.body, &req); err != nil {
		return err
	}
	key := c.key
	if req.IdempotencyKey != "" {
		if key != "" && key != req.IdempotencyKey {
			return badRequest("idempotencyKey", "the body's idempotencyKey differs from the Idempotency-Key header", "send one of them, or the same key in both")
		}
		key = req.IdempotencyKey
	}
	ir := ipam.Request{Pool: c.r.PathValue("pool"), Bits: req.Bits, Need: req.Need, Reservation: req.Reservation,
		Owner: req.Owner, Cluster: req.Cluster, Purpose: req.Purpose, Tags: req.Tags, IdempotencyKey: key}
	if req.CIDR != "" {
		p, err := parsePrefix("cidr", req.CIDR)
		if err != nil {
			return err
		}
		ir.CIDR = p
	}
	a, replayed, err := s.reg.Allocate(c.ctx, c.actor, ir)
	if err != nil {
		return err
	}
	out := api.Allocation{Allocation: a}
	if req.Need != nil {
		if sz, err := req.Need.Size(); err == nil {
			out.Sizing = &sz
		}
	}
	if replayed {
		w.Header().Set(api.HeaderReplayed, "true")
	} else {
		s.metrics.allocated(a.Pool)
	}
	w.Header().Set("Location", fmt.Sprintf("%s/allocations/%d", api.Prefix, a.ID))
	writeJSON(w, http.StatusCreated, out)
	return nil
}

func (s *Server) release(w http.ResponseWriter, c *call) error {
	id, err := idParam(c.r)
	if err != nil {
		return err
	}
	a, err := s.reg.Release(c.ctx, c.actor, c.r.PathValue("pool"), id)
	if err != nil {
		return err
	}
	s.metrics.released(a.Pool)
	writeJSON(w, http.StatusOK, a)
	return nil
}

func (s *Server) getAllocation(w http.ResponseWriter, c *call) error {
	id, err := idParam(c.r)
	if err != nil {
		return err
	}
	var a ipam.Allocation
	err = s.reg.Store().View(c.ctx, func(tx store.ReadTx) error {
		a, err = tx.Allocation(id)
		return err
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a)
	return nil
}

// Page sizes of list endpoints.
const (
	defaultLimit = 100
	maxLimit     = 1000
)

// pageParams parses the paging parameters of a list: the ID to go on
// from (named cursor: after or before) and limit.
func pageParams(q url.Values, cursor string) (from int64, limit int, err error) {
	if from, err = intParam(q, cursor, 0, 0, 1<<62); err != nil {
		return 0, 0, err
	}
	n, err := intParam(q, "limit", defaultLimit, 1, maxLimit)
	return from, int(n), err
}

// page cuts a list to limit items and returns the ID to go on from, 0
// when nothing may follow. The list it returns is never nil, so it
// encodes as [].
func page[T any](items []T, limit int, id func(T) int64) ([]T, int64) {
	var next int64
	if len(items) >= limit {
		items = items[:limit]
		next = id(items[limit-1])
	}
	if items == nil {
		items = []T{}
	}
	return items, next
}

// rangeParams parses the state and overlapping parameters of the lists
// of allocations and reservations.
func rangeParams(q url.Values) (ipam.State, netip.Prefix, error) {
	st, err := stateParam(q)
	if err != nil {
		return "", netip.Prefix{}, err
	}
	var p netip.Prefix
	if v := q.Get("overlapping"); v != "" {
		if p, err = parseRange("overlapping", v); err != nil {
			return "", netip.Prefix{}, err
		}
	}
	return st, p, nil
}

func stateParam(q url.Values) (ipam.State, error) {
	switch v := q.Get("state"); v {
	case "", "live":
		return ipam.StateLive, nil
	case "released":
		return ipam.StateReleased, nil
	case "all":
		return "", nil
	default:
		return "", badRequest("state", fmt.Sprintf("unknown state %q", v), "use live (the default), released or all")
	}
}

// listAllocations lists and searches allocations. q is a search term:
// an address or CIDR finds the allocations that overlap it, anything
// else the ones whose owner, cluster or purpose is exactly q.
func (s *Server) listAllocations(w http.ResponseWriter, c *call) error {
	q, err := query(c.r, []string{"pool", "owner", "cluster", "purpose", "state", "overlapping", "q", "after", "limit"})
	if err != nil {
		return err
	}
	f := store.AllocationFilter{Pool: q.Get("pool"), Owner: q.Get("owner"), Cluster: q.Get("cluster"), Purpose: q.Get("purpose")}
	if f.State, f.Overlapping, err = rangeParams(q); err != nil {
		return err
	}
	if f.AfterID, f.Limit, err = pageParams(q, "after"); err != nil {
		return err
	}
	var filters []store.AllocationFilter
	term := strings.TrimSpace(q.Get("q"))
	switch {
	case term == "":
		filters = []store.AllocationFilter{f}
	case f.Overlapping.IsValid():
		return badRequest("q", "give q or overlapping, not both", "")
	default:
		if p, err := parseRange("q", term); err == nil {
			g := f
			g.Overlapping = p
			filters = []store.AllocationFilter{g}
		} else {
			for _, set := range []func(*store.AllocationFilter){
				func(g *store.AllocationFilter) { g.Owner = term },
				func(g *store.AllocationFilter) { g.Cluster = term },
				func(g *store.AllocationFilter) { g.Purpose = term },
			} {
				g := f
				set(&g)
				filters = append(filters, g)
			}
		}
	}
	var all []ipam.Allocation
	err = s.reg.Store().View(c.ctx, func(tx store.ReadTx) error {
		for _, g := range filters {
			as, err := tx.Allocations(g)
			if err != nil {
				return err
			}
			all = append(all, as...)
		}
		return nil
	})
	if err != nil {
		return err
	}
	slices.SortFunc(all, func(a, b ipam.Allocation) int { return compareInt(a.ID, b.ID) })
	all = slices.CompactFunc(all, func(a, b ipam.Allocation) bool { return a.ID == b.ID })
	var out api.Allocations
	out.Allocations, out.Next = page(all, f.Limit, func(a ipam.Allocation) int64 { return a.ID })
	writeJSON(w, http.StatusOK, out)
	return nil
}

func compareInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// ---- reservations

func (s *Server) reserve(w http.ResponseWriter, c *call) error {
	var req api.ReserveRequest
	if err := DecodeJSON(c.body, &req); err != nil {
		return err
	}
	rr := ipam.ReserveRequest{Pool: c.r.PathValue("pool"), Bits: req.Bits, Need: req.Need, Owner: req.Owner,
		Cluster: req.Cluster, Purpose: req.Purpose, Tags: req.Tags, Note: req.Note}
	if req.CIDR != "" {
		p, err := parsePrefix("cidr", req.CIDR)
		if err != nil {
			return err
		}
		rr.CIDR = p
	}
	res, err := s.reg.Reserve(c.ctx, c.actor, rr)
	if err != nil {
		return err
	}
	w.Header().Set("Location", fmt.Sprintf("%s/reservations/%d", api.Prefix, res.ID))
	writeJSON(w, http.StatusCreated, res)
	return nil
}

func (s *Server) releaseReservation(w http.ResponseWriter, c *call) error {
	id, err := idParam(c.r)
	if err != nil {
		return err
	}
	res, err := s.reg.ReleaseReservation(c.ctx, c.actor, c.r.PathValue("pool"), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

func (s *Server) getReservation(w http.ResponseWriter, c *call) error {
	id, err := idParam(c.r)
	if err != nil {
		return err
	}
	var res ipam.Reservation
	err = s.reg.Store().View(c.ctx, func(tx store.ReadTx) error {
		res, err = tx.Reservation(id)
		return err
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

func (s *Server) listReservations(w http.ResponseWriter, c *call) error {
	q, err := query(c.r, []string{"pool", "owner", "state", "overlapping", "after", "limit"})
	if err != nil {
		return err
	}
	f := store.ReservationFilter{Pool: q.Get("pool"), Owner: q.Get("owner")}
	if f.State, f.Overlapping, err = rangeParams(q); err != nil {
		return err
	}
	if f.AfterID, f.Limit, err = pageParams(q, "after"); err != nil {
		return err
	}
	var out api.Reservations
	err = s.reg.Store().View(c.ctx, func(tx store.ReadTx) error {
		out.Reservations, err = tx.Reservations(f)
		return err
	})
	if err != nil {
		return err
	}
	out.Reservations, out.Next = page(out.Reservations, f.Limit, func(r ipam.Reservation) int64 { return r.ID })
	writeJSON(w, http.StatusOK, out)
	return nil
}

// ---- ranges to avoid and checks

func (s *Server) listAvoid(w http.ResponseWriter, c *call) error {
	if _, err := query(c.r, nil); err != nil {
		return err
	}
	out := api.AvoidList{Avoid: ipam.BuiltInAvoid()}
	err := s.reg.Store().View(c.ctx, func(tx store.ReadTx) error {
		av, err := tx.Avoid()
		out.Avoid = append(out.Avoid, av...)
		return err
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) addAvoid(w http.ResponseWriter, c *call) error {
	var req api.AvoidRequest
	if err := DecodeJSON(c.body, &req); err != nil {
		return err
	}
	p, err := parsePrefix("cidr", req.CIDR)
	if err != nil {
		return err
	}
	av, err := s.reg.AddAvoid(c.ctx, c.actor, ipam.Avoid{CIDR: p, Name: req.Name, Reason: req.Reason})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, av)
	return nil
}

func (s *Server) removeAvoid(w http.ResponseWriter, c *call) error {
	q, err := query(c.r, []string{"cidr"})
	if err != nil {
		return err
	}
	if q.Get("cidr") == "" {
		return badRequest("cidr", "give the range to remove as ?cidr=CIDR", "")
	}
	p, err := parsePrefix("cidr", q.Get("cidr"))
	if err != nil {
		return err
	}
	av, err := s.reg.RemoveAvoid(c.ctx, c.actor, p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, av)
	return nil
}

// maxCheck is the most ranges one check takes.
const maxCheck = 256

func (s *Server) check(w http.ResponseWriter, c *call) error {
	q, err := query(c.r, []string{"cidr"}, "cidr")
	if err != nil {
		return err
	}
	vs := q["cidr"]
	if len(vs) == 0 || len(vs) > maxCheck {
		return badRequest("cidr", fmt.Sprintf("give 1 to %d ranges as ?cidr=CIDR&cidr=CIDR, got %d", maxCheck, len(vs)), "")
	}
	out := api.Check{Results: []api.CheckResult{}}
	for i, v := range vs {
		p, err := parsePrefix(fmt.Sprintf("cidr[%d]", i), v)
		if err != nil {
			return err
		}
		cs, err := s.reg.Check(c.ctx, p)
		if err != nil {
			var ie *ipam.InvalidError
			if errors.As(err, &ie) {
				ie.Field = fmt.Sprintf("cidr[%d]", i)
			}
			return err
		}
		if cs == nil {
			cs = []ipam.Conflict{}
		}
		out.Results = append(out.Results, api.CheckResult{CIDR: p, Conflicts: cs})
		out.Conflicts += len(cs)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// ---- tokens

func (s *Server) listTokens(w http.ResponseWriter, c *call) error {
	if _, err := query(c.r, nil); err != nil {
		return err
	}
	var out api.Tokens
	err := s.reg.Store().View(c.ctx, func(tx store.ReadTx) error {
		var err error
		out.Tokens, err = tx.Tokens()
		return err
	})
	if err != nil {
		return err
	}
	if out.Tokens == nil {
		out.Tokens = []store.Token{}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) createToken(w http.ResponseWriter, c *call) error {
	var req api.TokenRequest
	if err := DecodeJSON(c.body, &req); err != nil {
		return err
	}
	scopes := make([]ipam.Scope, len(req.Scopes))
	for i, sc := range req.Scopes {
		p, err := ipam.ParseScope(sc)
		if err != nil {
			return badRequest(fmt.Sprintf("scopes[%d]", i), err.Error(), "use read, admin or allocate:POOL")
		}
		scopes[i] = p
	}
	secret, tok, err := s.reg.CreateToken(c.ctx, c.actor, req.Name, scopes, s.cfg.Rand)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, api.NewToken{Token: tok, Secret: secret})
	return nil
}

func (s *Server) revokeToken(w http.ResponseWriter, c *call) error {
	id, err := idParam(c.r)
	if err != nil {
		return err
	}
	tok, err := s.reg.RevokeToken(c.ctx, c.actor, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, tok)
	return nil
}

// ---- audit

func (s *Server) audit(w http.ResponseWriter, c *call) error {
	q, err := query(c.r, []string{"subject", "pool", "actor", "before", "limit"})
	if err != nil {
		return err
	}
	f := store.AuditFilter{Subject: q.Get("subject"), Pool: q.Get("pool"), Actor: q.Get("actor")}
	if f.BeforeID, f.Limit, err = pageParams(q, "before"); err != nil {
		return err
	}
	var out api.Audit
	err = s.reg.Store().View(c.ctx, func(tx store.ReadTx) error {
		out.Entries, err = tx.Audit(f)
		return err
	})
	if err != nil {
		return err
	}
	out.Entries, out.Next = page(out.Entries, f.Limit, func(e store.AuditEntry) int64 { return e.ID })
	writeJSON(w, http.StatusOK, out)
	return nil
}

// ---- probes

func (s *Server) healthz(w http.ResponseWriter, c *call) error {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	return nil
}

// readyz answers 200 when the database answers a query within 2 seconds.
func (s *Server) readyz(w http.ResponseWriter, c *call) error {
	ctx, cancel := context.WithTimeout(c.ctx, 2*time.Second)
	defer cancel()
	err := s.reg.Store().View(ctx, func(tx store.ReadTx) error {
		_, err := tx.Pools()
		return err
	})
	if err != nil {
		s.log.Warn("readiness check failed", "err", err)
		s.writeError(w, c.r, http.StatusServiceUnavailable, &api.Error{Code: api.CodeUnavailable,
			Error: "the database does not answer", Hint: "the server log has the database error"})
		return nil
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	return nil
}
