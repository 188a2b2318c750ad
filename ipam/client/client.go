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

// WhoAmI returns the caller's token name and scopes.
func (c *Client) WhoAmI(ctx context.Context) (api.WhoAmI, error) {
	var out api.WhoAmI
	_, err := c.do(ctx, request{method: "GET", path: "/api/v1/whoami", safe: true}, &out)
	return out, err
}

// Pools lists the pools with their usage.
func (c *Client) Pools(ctx context.Context) ([]api.Pool, error) {
	var out api.Pools
	_, err := c.do(ctx, request{method: "GET", path: "/api/v1/pools", safe: true}, &out)
	return out.Pools, err
}

// Pool returns one pool with its usage.
func (c *Client) Pool(ctx context.Context, name string) (api.Pool, error) {
	var out api.Pool
	_, err := c.do(ctx, request{method: "GET", path: "/api/v1/pools/" + pathEsc(name), safe: true}, &out)
	return out, err
}

// CreatePool registers a pool.
func (c *Client) CreatePool(ctx context.Context, req api.CreatePoolRequest) (ipam.Pool, error) {
	var out ipam.Pool
	_, err := c.do(ctx, request{method: "POST", path: "/api/v1/pools", body: req}, &out)
	return out, err
}

// UpdatePool changes a pool's purpose, tags or description.
func (c *Client) UpdatePool(ctx context.Context, name string, req api.UpdatePoolRequest) (ipam.Pool, error) {
	var out ipam.Pool
	_, err := c.do(ctx, request{method: "PATCH", path: "/api/v1/pools/" + pathEsc(name), body: req}, &out)
	return out, err
}

// DeletePool removes a pool without live allocations or reservations.
func (c *Client) DeletePool(ctx context.Context, name string) error {
	_, err := c.do(ctx, request{method: "DELETE", path: "/api/v1/pools/" + pathEsc(name)}, nil)
	return err
}

// PoolMap returns a pool laid out for drawing.
func (c *Client) PoolMap(ctx context.Context, name string) (api.PoolMap, error) {
	var out api.PoolMap
	_, err := c.do(ctx, request{method: "GET", path: "/api/v1/pools/" + pathEsc(name) + "/map", safe: true}, &out)
	return out, err
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
	var out ipam.Allocation
	_, err := c.do(ctx, request{method: "DELETE", path: fmt.Sprintf("/api/v1/pools/%s/allocations/%d", pathEsc(pool), id)}, &out)
	return out, err
}

// Allocation returns allocation id, live or released.
func (c *Client) Allocation(ctx context.Context, id int64) (ipam.Allocation, error) {
	var out ipam.Allocation
	_, err := c.do(ctx, request{method: "GET", path: fmt.Sprintf("/api/v1/allocations/%d", id), safe: true}, &out)
	return out, err
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
	v := url.Values{}
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	set("pool", q.Pool)
	set("owner", q.Owner)
	set("cluster", q.Cluster)
	set("purpose", q.Purpose)
	set("state", q.State)
	set("overlapping", q.Overlapping)
	set("q", q.Q)
	if q.After > 0 {
		v.Set("after", strconv.FormatInt(q.After, 10))
	}
	if q.Limit > 0 {
		v.Set("limit", strconv.Itoa(q.Limit))
	}
	return v
}

// Allocations returns one page of allocations.
func (c *Client) Allocations(ctx context.Context, q AllocationQuery) (api.Allocations, error) {
	var out api.Allocations
	_, err := c.do(ctx, request{method: "GET", path: "/api/v1/allocations", query: q.values(), safe: true}, &out)
	return out, err
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
	var out ipam.Reservation
	_, err := c.do(ctx, request{method: "POST", path: "/api/v1/pools/" + pathEsc(pool) + "/reservations", body: req}, &out)
	return out, err
}

// ReleaseReservation releases reservation id of pool.
func (c *Client) ReleaseReservation(ctx context.Context, pool string, id int64) (ipam.Reservation, error) {
	var out ipam.Reservation
	_, err := c.do(ctx, request{method: "DELETE", path: fmt.Sprintf("/api/v1/pools/%s/reservations/%d", pathEsc(pool), id)}, &out)
	return out, err
}

// Reservations returns one page of reservations of pool ("" for all)
// in state ("" for live).
func (c *Client) Reservations(ctx context.Context, pool, state string, after int64) (api.Reservations, error) {
	v := url.Values{}
	if pool != "" {
		v.Set("pool", pool)
	}
	if state != "" {
		v.Set("state", state)
	}
	if after > 0 {
		v.Set("after", strconv.FormatInt(after, 10))
	}
	var out api.Reservations
	_, err := c.do(ctx, request{method: "GET", path: "/api/v1/reservations", query: v, safe: true}, &out)
	return out, err
}

// Avoid lists the ranges to avoid, built-in ones first.
func (c *Client) Avoid(ctx context.Context) ([]ipam.Avoid, error) {
	var out api.AvoidList
	_, err := c.do(ctx, request{method: "GET", path: "/api/v1/avoid", safe: true}, &out)
	return out.Avoid, err
}

// AddAvoid registers a range to avoid.
func (c *Client) AddAvoid(ctx context.Context, req api.AvoidRequest) (ipam.Avoid, error) {
	var out ipam.Avoid
	_, err := c.do(ctx, request{method: "POST", path: "/api/v1/avoid", body: req}, &out)
	return out, err
}

// RemoveAvoid removes a registered range to avoid.
func (c *Client) RemoveAvoid(ctx context.Context, p netip.Prefix) (ipam.Avoid, error) {
	var out ipam.Avoid
	_, err := c.do(ctx, request{method: "DELETE", path: "/api/v1/avoid", query: url.Values{"cidr": {p.String()}}}, &out)
	return out, err
}

// Check lists what each range overlaps.
func (c *Client) Check(ctx context.Context, ps []netip.Prefix) (api.Check, error) {
	v := url.Values{}
	for _, p := range ps {
		v.Add("cidr", p.String())
	}
	var out api.Check
	_, err := c.do(ctx, request{method: "GET", path: "/api/v1/check", query: v, safe: true}, &out)
	return out, err
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
	v := url.Values{}
	if o.DryRun {
		v.Set("dryRun", "true")
	}
	if o.External != "" {
		v.Set("external", o.External)
	}
	if o.Outside != "" {
		v.Set("outside", o.Outside)
	}
	if o.Owner != "" {
		v.Set("owner", o.Owner)
	}
	var out api.Import
	_, err := c.do(ctx, request{method: "POST", path: "/api/v1/designs", query: v, raw: doc, ctype: "application/yaml"}, &out)
	return out, err
}

// Designs lists the imported designs.
func (c *Client) Designs(ctx context.Context) ([]api.DesignSummary, error) {
	var out api.Designs
	_, err := c.do(ctx, request{method: "GET", path: "/api/v1/designs", safe: true}, &out)
	return out.Designs, err
}

// Design returns an imported design with its findings.
func (c *Client) Design(ctx context.Context, name string) (api.Design, error) {
	var out api.Design
	_, err := c.do(ctx, request{method: "GET", path: "/api/v1/designs/" + pathEsc(name), safe: true}, &out)
	return out, err
}

// Tokens lists the API tokens.
func (c *Client) Tokens(ctx context.Context) ([]store.Token, error) {
	var out api.Tokens
	_, err := c.do(ctx, request{method: "GET", path: "/api/v1/tokens", safe: true}, &out)
	return out.Tokens, err
}

// CreateToken creates a token and returns it with its secret.
func (c *Client) CreateToken(ctx context.Context, name string, scopes []string) (api.NewToken, error) {
	var out api.NewToken
	_, err := c.do(ctx, request{method: "POST", path: "/api/v1/tokens", body: api.TokenRequest{Name: name, Scopes: scopes}}, &out)
	return out, err
}

// RevokeToken revokes token id.
func (c *Client) RevokeToken(ctx context.Context, id int64) (store.Token, error) {
	var out store.Token
	_, err := c.do(ctx, request{method: "DELETE", path: fmt.Sprintf("/api/v1/tokens/%d", id)}, &out)
	return out, err
}

// AuditQuery selects audit entries; zero fields match everything.
type AuditQuery struct {
	Subject, Pool, Actor string
	Before               int64
	Limit                int
}

// Audit returns one page of the audit log, newest first.
func (c *Client) Audit(ctx context.Context, q AuditQuery) (api.Audit, error) {
	v := url.Values{}
	for k, s := range map[string]string{"subject": q.Subject, "pool": q.Pool, "actor": q.Actor} {
		if s != "" {
			v.Set(k, s)
		}
	}
	if q.Before > 0 {
		v.Set("before", strconv.FormatInt(q.Before, 10))
	}
	if q.Limit > 0 {
		v.Set("limit", strconv.Itoa(q.Limit))
	}
	var out api.Audit
	_, err := c.do(ctx, request{method: "GET", path: "/api/v1/audit", query: v, safe: true}, &out)
	return out, err
}
