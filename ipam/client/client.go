// Package client is the Go client of aksnet's address registry HTTP API
// (ipam/server). The aksnet CLI uses it both against a server and, in
// serverless mode, against the same API run inside the process over a
// local database file.
//
// Every method takes a context and returns the registry's own types (from
// ipam and ipam/store) or the API's (ipam/server/api). A refusal by the
// server is an *Error carrying the HTTP status and the server's JSON
// error body.
//
// Reads, and allocations (which always carry an Idempotency-Key, made up
// when the caller gives none), are retried on network errors and on 502,
// 503 and 504 answers; a retried allocation gets the range of the first
// attempt.
package client

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/aksnet/aksnet/ipam"
	"github.com/aksnet/aksnet/ipam/server/api"
	"github.com/aksnet/aksnet/ipam/store"
)

// Client talks to one registry server. It is safe for concurrent use.
type Client struct {
	base    *url.URL
	token   string
	hc      *http.Client
	retries int
}

// Option configures a Client.
type Option func(*Client)

// WithHTTPClient makes the client send requests with hc.
func WithHTTPClient(hc *http.Client) Option { return func(c *Client) { c.hc = hc } }

// WithHandler makes the client call h directly, inside the process,
// instead of over a network.
func WithHandler(h http.Handler) Option {
	return func(c *Client) { c.hc = &http.Client{Transport: handlerTransport{h}} }
}

// WithRetries sets how many times a safe request is retried (default 3).
func WithRetries(n int) Option { return func(c *Client) { c.retries = max(0, n) } }

// New returns a client for the server at baseURL (such as
// http://127.0.0.1:8280) that sends token as its bearer token; an empty
// token sends none.
func New(baseURL, token string, opts ...Option) (*Client, error) {
	u, err := url.Parse(strings.TrimRight(baseURL, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("server URL %q: want http://HOST:PORT or https://HOST:PORT", baseURL)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return nil, fmt.Errorf("server URL %q: give only scheme, host, port and path", baseURL)
	}
	c := &Client{base: u, token: token, hc: &http.Client{Timeout: 60 * time.Second}, retries: 3}
	for _, o := range opts {
		o(c)
	}
	return c, nil
}

// Error is a refusal from the server: its status and JSON error body.
type Error struct {
	Status int
	Body   api.Error
}

// Error returns the server's message.
func (e *Error) Error() string {
	msg := e.Body.Error
	if msg == "" {
		msg = http.StatusText(e.Status)
	}
	return msg
}

// Is makes errors.Is match the registry's sentinel errors by status and
// code, so callers can branch as they would on a local registry.
func (e *Error) Is(target error) bool {
	switch target {
	case ipam.ErrInvalid:
		return e.Body.Code == api.CodeInvalid
	case ipam.ErrNotFound:
		return e.Body.Code == api.CodeNotFound
	case ipam.ErrExists:
		return e.Body.Code == api.CodeExists
	case ipam.ErrConflict:
		return e.Body.Code == api.CodeConflict
	case ipam.ErrExhausted:
		return e.Body.Code == api.CodeExhausted
	case ipam.ErrIdempotencyMismatch:
		return e.Body.Code == api.CodeIdempotencyMismatch
	case ipam.ErrInUse:
		return e.Body.Code == api.CodeInUse
	case store.ErrUnauthenticated:
		return e.Status == http.StatusUnauthorized
	}
	return false
}

// request is one call.
type request struct {
	method string
	path   string
	query  url.Values
	body   any    // JSON-encoded
	raw    []byte // sent as is with ctype
	ctype  string
	key    string // Idempotency-Key
	safe   bool   // may be retried
}

// do sends rq and decodes a 2xx answer into out (when not nil). It
// returns the response headers.
func (c *Client) do(ctx context.Context, rq request, out any) (http.Header, error) {
	var body []byte
	ctype := rq.ctype
	switch {
	case rq.raw != nil:
		body = rq.raw
	case rq.body != nil:
		b, err := json.Marshal(rq.body)
		if err != nil {
			return nil, err
		}
		body, ctype = b, "application/json"
	}
	target := c.base.String() + rq.path
	if len(rq.query) > 0 {
		target += "?" + rq.query.Encode()
	}
	var lastErr error
	for attempt := 0; ; attempt++ {
		var rd io.Reader
		if body != nil {
			rd = bytes.NewReader(body)
		}
		req, err := http.NewRequestWithContext(ctx, rq.method, target, rd)
		if err != nil {
			return nil, err
		}
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		req.Header.Set("Accept", "application/json")
		if c.token != "" {
			req.Header.Set("Authorization", "Bearer "+c.token)
		}
		if rq.key != "" {
			req.Header.Set(api.HeaderIdempotencyKey, rq.key)
		}
		resp, err := c.hc.Do(req)
		if err == nil {
			hdr, retry, err := c.read(resp, out)
			if !retry || !rq.safe || attempt >= c.retries {
				return hdr, err
			}
			lastErr = err
		} else {
			if ctx.Err() != nil || !rq.safe || attempt >= c.retries {
				var ue *url.Error
				if errors.As(err, &ue) {
					err = ue.Err
				}
				return nil, fmt.Errorf("cannot reach the registry at %s: %w", c.base, err)
			}
			lastErr = err
		}
		wait := time.Duration(50<<attempt) * time.Millisecond
		select {
		case <-ctx.Done():
			return nil, errors.Join(ctx.Err(), lastErr)
		case <-time.After(min(wait, 2*time.Second)):
		}
	}
}

// read decodes a response; retry says a safe request may be sent again.
func (c *Client) read(resp *http.Response, out any) (http.Header, bool, error) {
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return resp.Header, true, fmt.Errorf("reading the answer: %w", err)
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		if out == nil || resp.StatusCode == http.StatusNoContent {
			return resp.Header, false, nil
		}
		if err := json.Unmarshal(data, out); err != nil {
			return resp.Header, false, fmt.Errorf("the server's answer is not the expected JSON: %w", err)
		}
		return resp.Header, false, nil
	}
	e := &Error{Status: resp.StatusCode}
	if json.Unmarshal(data, &e.Body) != nil || e.Body.Error == "" {
		e.Body.Error = fmt.Sprintf("%s: %s", resp.Status, strings.TrimSpace(string(firstBytes(data, 200))))
	}
	switch resp.StatusCode {
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return resp.Header, true, e
	}
	return resp.Header, false, e
}

func firstBytes(b []byte, n int) []byte {
	if len(b) > n {
		return b[:n]
	}
	return b
}

// NewIdempotencyKey returns a random key for a request.
func NewIdempotencyKey() string {
	var b [16]byte
	rand.Read(b[:])
	return "aksnet-" + hex.EncodeToString(b[:])
}

// handlerTransport calls a handler inside the process.
type handlerTransport struct{ h http.Handler }

func (t handlerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	t.h.ServeHTTP(rec, r)
	return rec.Result(), nil
}

func pathEsc(s string) string { return url.PathEscape(s) }

// ---- the API

// call sends rq and decodes the answer into a T.
func call[T any](ctx context.Context, c *Client, rq request) (T, error) {
	var out T
	_, err := c.do(ctx, rq, &out)
	return out, err
}

// get is a safe GET of path, with query parameters q (may be nil).
func get(path string, q url.Values) request {
	return request{method: "GET", path: path, query: q, safe: true}
}

// send is a mutation of path with a JSON body (may be nil); it is not
// retried.
func send(method, path string, body any) request {
	return request{method: method, path: path, body: body}
}

// params are query parameters; empty and zero values are left out.
type params url.Values

func (p params) str(k, v string) params {
	if v != "" {
		url.Values(p).Set(k, v)
	}
	return p
}

func (p params) num(k string, n int64) params {
	if n > 0 {
		url.Values(p).Set(k, strconv.FormatInt(n, 10))
	}
	return p
}

// WhoAmI returns the caller's token name and scopes.
func (c *Client) WhoAmI(ctx context.Context) (api.WhoAmI, error) {
	return call[api.WhoAmI](ctx, c, get("/api/v1/whoami", nil))
}

// Pools lists the pools with their usage.
func (c *Client) Pools(ctx context.Context) ([]api.Pool, error) {
	out, err := call[api.Pools](ctx, c, get("/api/v1/pools", nil))
	return out.Pools, err
}

// Pool returns one pool with its usage.
func (c *Client) Pool(ctx context.Context, name string) (api.Pool, error) {
	return call[api.Pool](ctx, c, get("/api/v1/pools/"+pathEsc(name), nil))
}

// CreatePool registers a pool.
func (c *Client) CreatePool(ctx context.Context, req api.CreatePoolRequest) (ipam.Pool, error) {
	return call[ipam.Pool](ctx, c, send("POST", "/api/v1/pools", req))
}

// UpdatePool changes a pool's purpose, tags or description.
func (c *Client) UpdatePool(ctx context.Context, name string, req api.UpdatePoolRequest) (ipam.Pool, error) {
	return call[ipam.Pool](ctx, c, send("PATCH", "/api/v1/pools/"+pathEsc(name), req))
}

// DeletePool removes a pool without live allocations or reservations.
func (c *Client) DeletePool(ctx context.Context, name string) error {
	_, err := c.do(ctx, send("DELETE", "/api/v1/pools/"+pathEsc(name), nil), nil)
	return err
}

// PoolMap returns a pool laid out for drawing.
func (c *Client) PoolMap(ctx context.Context, name string) (api.PoolMap, error) {
	return call[api.PoolMap](ctx, c, get("/api/v1/pools/"+pathEsc(name)+"/map", nil))
}

// Allocate allocates in pool. key is the Idempotency-Key; when empty a
// random one is used, so retries after a lost answer are safe. replayed
// is true when the server answered with an allocation it made earlier
// for the same key.
func (c *Client) Allocate(ctx context.Context, pool string, req api.AllocateRequest, key string) (a api.Allocation, replayed bool, err error) {
	if key == "" && req.IdempotencyKey == "" {
		key = NewIdempotencyKey()
	}
	hdr, err := c.do(ctx, request{method: "POST", path: "/api/v1/pools/" + pathEsc(pool) + "/allocations", body: req, key: key, safe: true}, &a)
	if err != nil {
		return api.Allocation{}, false, err
	}
	return a, hdr.Get(api.HeaderReplayed) == "true", nil
}

// Release releases allocation id of pool.
func (c *Client) Release(ctx context.Context, pool string, id int64) (ipam.Allocation, error) {
	return call[ipam.Allocation](ctx, c, send("DELETE", fmt.Sprintf("/api/v1/pools/%s/allocations/%d", pathEsc(pool), id), nil))
}

// Allocation returns allocation id, live or released.
func (c *Client) Allocation(ctx context.Context, id int64) (ipam.Allocation, error) {
	return call[ipam.Allocation](ctx, c, get(fmt.Sprintf("/api/v1/allocations/%d", id), nil))
}

// AllocationQuery selects allocations; zero fields match everything.
type AllocationQuery struct {
	Pool, Owner, Cluster, Purpose string
	// State is live (the default), released or all.
	State string
	// Overlapping is a CIDR or an address.
	Overlapping string
	// Q searches: an address or CIDR finds overlapping allocations,
	// anything else matches owner, cluster or purpose exactly.
	Q     string
	After int64
	Limit int
}

func (q AllocationQuery) values() url.Values {
	p := params{}.str("pool", q.Pool).str("owner", q.Owner).str("cluster", q.Cluster).str("purpose", q.Purpose).
		str("state", q.State).str("overlapping", q.Overlapping).str("q", q.Q).
		num("after", q.After).num("limit", int64(q.Limit))
	return url.Values(p)
}

// Allocations returns one page of allocations.
func (c *Client) Allocations(ctx context.Context, q AllocationQuery) (api.Allocations, error) {
	return call[api.Allocations](ctx, c, get("/api/v1/allocations", q.values()))
}

// AllAllocations pages through every allocation q selects.
func (c *Client) AllAllocations(ctx context.Context, q AllocationQuery) ([]ipam.Allocation, error) {
	var all []ipam.Allocation
	if q.Limit == 0 {
		q.Limit = 1000
	}
	for {
		page, err := c.Allocations(ctx, q)
		if err != nil {
			return nil, err
		}
		all = append(all, page.Allocations...)
		if page.Next == 0 {
			return all, nil
		}
		q.After = page.Next
	}
}

// Reserve reserves a range in pool.
func (c *Client) Reserve(ctx context.Context, pool string, req api.ReserveRequest) (ipam.Reservation, error) {
	return call[ipam.Reservation](ctx, c, send("POST", "/api/v1/pools/"+pathEsc(pool)+"/reservations", req))
}

// ReleaseReservation releases reservation id of pool.
func (c *Client) ReleaseReservation(ctx context.Context, pool string, id int64) (ipam.Reservation, error) {
	return call[ipam.Reservation](ctx, c, send("DELETE", fmt.Sprintf("/api/v1/pools/%s/reservations/%d", pathEsc(pool), id), nil))
}

// Reservations returns one page of reservations of pool ("" for all)
// in state ("" for live).
func (c *Client) Reservations(ctx context.Context, pool, state string, after int64) (api.Reservations, error) {
	q := params{}.str("pool", pool).str("state", state).num("after", after)
	return call[api.Reservations](ctx, c, get("/api/v1/reservations", url.Values(q)))
}

// Avoid lists the ranges to avoid, built-in ones first.
func (c *Client) Avoid(ctx context.Context) ([]ipam.Avoid, error) {
	out, err := call[api.AvoidList](ctx, c, get("/api/v1/avoid", nil))
	return out.Avoid, err
}

// AddAvoid registers a range to avoid.
func (c *Client) AddAvoid(ctx context.Context, req api.AvoidRequest) (ipam.Avoid, error) {
	return call[ipam.Avoid](ctx, c, send("POST", "/api/v1/avoid", req))
}

// RemoveAvoid removes a registered range to avoid.
func (c *Client) RemoveAvoid(ctx context.Context, p netip.Prefix) (ipam.Avoid, error) {
	rq := send("DELETE", "/api/v1/avoid", nil)
	rq.query = url.Values{"cidr": {p.String()}}
	return call[ipam.Avoid](ctx, c, rq)
}

// Check lists what each range overlaps.
func (c *Client) Check(ctx context.Context, ps []netip.Prefix) (api.Check, error) {
	v := url.Values{}
	for _, p := range ps {
		v.Add("cidr", p.String())
	}
	return call[api.Check](ctx, c, get("/api/v1/check", v))
}

// ImportOptions tune ImportDesign.
type ImportOptions struct {
	DryRun bool
	// External is "skip" (the default) or "avoid".
	External string
	// Outside is "error" (the default) or "skip".
	Outside string
	// Owner overrides the owner of the allocations.
	Owner string
}

// ImportDesign registers the ranges of a design document (YAML or JSON).
func (c *Client) ImportDesign(ctx context.Context, doc []byte, o ImportOptions) (api.Import, error) {
	q := params{}.str("external", o.External).str("outside", o.Outside).str("owner", o.Owner)
	if o.DryRun {
		q.str("dryRun", "true")
	}
	return call[api.Import](ctx, c, request{method: "POST", path: "/api/v1/designs", query: url.Values(q), raw: doc, ctype: "application/yaml"})
}

// Designs lists the imported designs.
func (c *Client) Designs(ctx context.Context) ([]api.DesignSummary, error) {
	out, err := call[api.Designs](ctx, c, get("/api/v1/designs", nil))
	return out.Designs, err
}

// Design returns an imported design with its findings.
func (c *Client) Design(ctx context.Context, name string) (api.Design, error) {
	return call[api.Design](ctx, c, get("/api/v1/designs/"+pathEsc(name), nil))
}

// Tokens lists the API tokens.
func (c *Client) Tokens(ctx context.Context) ([]store.Token, error) {
	out, err := call[api.Tokens](ctx, c, get("/api/v1/tokens", nil))
	return out.Tokens, err
}

// CreateToken creates a token and returns it with its secret.
func (c *Client) CreateToken(ctx context.Context, name string, scopes []string) (api.NewToken, error) {
	return call[api.NewToken](ctx, c, send("POST", "/api/v1/tokens", api.TokenRequest{Name: name, Scopes: scopes}))
}

// RevokeToken revokes token id.
func (c *Client) RevokeToken(ctx context.Context, id int64) (store.Token, error) {
	return call[store.Token](ctx, c, send("DELETE", fmt.Sprintf("/api/v1/tokens/%d", id), nil))
}

// AuditQuery selects audit entries; zero fields match everything.
type AuditQuery struct {
	Subject, Pool, Actor string
	Before               int64
	Limit                int
}

// Audit returns one page of the audit log, newest first.
func (c *Client) Audit(ctx context.Context, q AuditQuery) (api.Audit, error) {
	p := params{}.str("subject", q.Subject).str("pool", q.Pool).str("actor", q.Actor).
		num("before", q.Before).num("limit", int64(q.Limit))
	return call[api.Audit](ctx, c, get("/api/v1/audit", url.Values(p)))
}
