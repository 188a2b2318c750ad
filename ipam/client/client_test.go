package client

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/aksnet/aksnet/ipam"
	"github.com/aksnet/aksnet/ipam/server/api"
)

func TestNewRefusesBadURLs(t *testing.T) {
	for _, u := range []string{"", "127.0.0.1:8280", "ftp://x", "http://", "http://u:p@h", "http://h?x=1"} {
		if _, err := New(u, ""); err == nil {
			t.Errorf("New(%q) accepted", u)
		}
	}
	if _, err := New("http://127.0.0.1:8280/", "t"); err != nil {
		t.Error(err)
	}
}

// TestRetries: safe requests (reads, and allocations, which always carry
// an Idempotency-Key) are retried on 503 and keep their key; releases are
// not retried.
func TestRetries(t *testing.T) {
	var calls atomic.Int32
	var mu sync.Mutex
	var keys []string
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		n := calls.Add(1)
		if r.Header.Get("Authorization") != "Bearer tok" {
			t.Errorf("Authorization %q", r.Header.Get("Authorization"))
		}
		keys = append(keys, r.Header.Get(api.HeaderIdempotencyKey))
		body, _ := io.ReadAll(r.Body)
		if n < 3 {
			w.WriteHeader(http.StatusServiceUnavailable)
			w.Write([]byte(`{"error":"busy","code":"unavailable"}`))
			return
		}
		if r.Method == "POST" && !strings.Contains(string(body), `"bits":24`) {
			t.Errorf("body %s", body)
		}
		w.Header().Set(api.HeaderReplayed, "true")
		w.WriteHeader(http.StatusCreated)
		w.Write([]byte(`{"id":7,"pool":"p","cidr":"10.0.0.0/24","owner":"a","request":"x","state":"live","createdAt":"2026-01-01T00:00:00Z"}`))
	}))
	defer ts.Close()
	c, err := New(ts.URL, "tok")
	if err != nil {
		t.Fatal(err)
	}
	a, replayed, err := c.Allocate(context.Background(), "p", api.AllocateRequest{Bits: 24, Owner: "a"}, "")
	if err != nil || a.ID != 7 || !replayed || calls.Load() != 3 {
		t.Fatalf("allocate: %+v %v %v after %d calls", a, replayed, err, calls.Load())
	}
	mu.Lock()
	if keys[0] == "" || keys[0] != keys[1] || keys[1] != keys[2] {
		t.Errorf("the retries did not keep one Idempotency-Key: %q", keys)
	}
	mu.Unlock()
	calls.Store(0)
	_, err = c.Release(context.Background(), "p", 7)
	var ce *Error
	if !errors.As(err, &ce) || ce.Status != 503 || calls.Load() != 1 {
		t.Errorf("release: %v after %d calls, want one 503", err, calls.Load())
	}
}

func TestErrorIs(t *testing.T) {
	for code, want := range map[string]error{
		api.CodeInvalid: ipam.ErrInvalid, api.CodeNotFound: ipam.ErrNotFound, api.CodeConflict: ipam.ErrConflict,
		api.CodeExhausted: ipam.ErrExhausted, api.CodeExists: ipam.ErrExists, api.CodeInUse: ipam.ErrInUse,
		api.CodeIdempotencyMismatch: ipam.ErrIdempotencyMismatch,
	} {
		e := &Error{Status: 409, Body: api.Error{Code: code, Error: "x"}}
		if !errors.Is(e, want) {
			t.Errorf("code %s is not %v", code, want)
		}
		if code != api.CodeNotFound && errors.Is(e, ipam.ErrNotFound) {
			t.Errorf("code %s is ErrNotFound", code)
		}
	}
	// A non-JSON error body still gives a message.
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "bad gateway from the proxy", http.StatusBadGateway)
	}))
	defer ts.Close()
	c, _ := New(ts.URL, "", WithRetries(0))
	_, err := c.Pools(context.Background())
	if err == nil || !strings.Contains(err.Error(), "bad gateway from the proxy") {
		t.Errorf("proxy error: %v", err)
	}
}
