package server

import (
	"crypto/sha256"
	"net/http"
	"sync"
	"time"

	"github.com/aksnet/aksnet/ipam/server/api"
)

// idemCache remembers the answers to mutations sent with an
// Idempotency-Key, for the routes whose idempotency the registry does not
// keep itself. Keys are scoped to the token that sent them.
type idemCache struct {
	mu    sync.Mutex
	m     map[string]*idemEntry
	order []idemRef // insertion order, for eviction
	max   int
	ttl   time.Duration
	now   func() time.Time
}

// idemRef is one insertion; a key forgotten and used again has two, and
// only the one matching the map's entry counts.
type idemRef struct {
	key string
	e   *idemEntry
}

type idemEntry struct {
	fp     [32]byte
	at     time.Time
	done   bool
	status int
	header http.Header
	body   []byte
}

func newIdemCache(max int, ttl time.Duration, now func() time.Time) *idemCache {
	return &idemCache{m: map[string]*idemEntry{}, max: max, ttl: ttl, now: now}
}

type idemState int

const (
	idemNew idemState = iota
	idemReplay
	idemBusy
	idemMismatch
)

// begin looks key up. A new key is recorded as in progress.
func (c *idemCache) begin(key string, fp [32]byte) (*idemEntry, idemState) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	c.expire(now)
	if e, ok := c.m[key]; ok {
		switch {
		case e.fp != fp:
			return e, idemMismatch
		case !e.done:
			return e, idemBusy
		}
		return e, idemReplay
	}
	for len(c.m) >= c.max && len(c.order) > 0 {
		if ref := c.order[0]; c.m[ref.key] == ref.e {
			delete(c.m, ref.key)
		}
		c.order = c.order[1:]
	}
	e := &idemEntry{fp: fp, at: now}
	c.m[key] = e
	c.order = append(c.order, idemRef{key, e})
	return e, idemNew
}

// expire drops entries older than the TTL; order is oldest first.
func (c *idemCache) expire(now time.Time) {
	n := 0
	for n < len(c.order) {
		ref := c.order[n]
		if c.m[ref.key] == ref.e {
			if now.Sub(ref.e.at) < c.ttl || !ref.e.done {
				break // young, or still running: keep it and what follows
			}
			delete(c.m, ref.key)
		}
		n++
	}
	c.order = c.order[n:]
}

// finish stores the answer, or forgets the key when the answer says
// nothing about the request (a server failure), so a retry runs again.
func (c *idemCache) finish(key string, e *idemEntry, status int, header http.Header, body []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if status >= 500 || status == http.StatusRequestTimeout || status == http.StatusTooManyRequests {
		if c.m[key] == e {
			delete(c.m, key)
		}
		return
	}
	e.done, e.status, e.header, e.body = true, status, header, body
}

// withMemoryKey runs h at most once per (token, key): a retry with the
// same method, path and body gets the stored answer, one with another
// request gets 422, and one while the first is running gets 409.
func (s *Server) withMemoryKey(w http.ResponseWriter, c *call, h handlerFunc) {
	hs := sha256.New()
	hs.Write([]byte(c.r.Method + " " + c.r.URL.Path + "?" + c.r.URL.RawQuery + "\n"))
	hs.Write(c.body)
	var fp [32]byte
	hs.Sum(fp[:0])
	key := c.token.Name + "\x00" + c.key
	e, st := s.idem.begin(key, fp)
	switch st {
	case idemMismatch:
		s.fail(w, c.r, &statusError{status: http.StatusUnprocessableEntity, body: api.Error{Code: api.CodeIdempotencyMismatch,
			Field: api.HeaderIdempotencyKey,
			Error: "this Idempotency-Key was already used for a different request",
			Hint:  "use a new key for a different request"}})
		return
	case idemBusy:
		s.fail(w, c.r, &statusError{status: http.StatusConflict, body: api.Error{Code: api.CodeIdempotencyBusy,
			Field: api.HeaderIdempotencyKey,
			Error: "a request with this Idempotency-Key is still running", Hint: "retry in a moment"}})
		return
	case idemReplay:
		for k, v := range e.header {
			w.Header()[k] = v
		}
		w.Header().Set(api.HeaderReplayed, "true")
		w.WriteHeader(e.status)
		w.Write(e.body)
		return
	}
	rec := &recorder{ResponseWriter: w, keep: true}
	defer func() {
		// A panic leaves the key unfinished; forget it so a retry runs.
		if !rec.wrote {
			s.idem.finish(key, e, http.StatusInternalServerError, nil, nil)
		}
	}()
	s.serve(rec, c, h)
	hdr := http.Header{}
	for _, k := range []string{"Content-Type", "Location"} {
		if v := w.Header().Values(k); len(v) > 0 {
			hdr[k] = v
		}
	}
	s.idem.finish(key, e, rec.status(), hdr, rec.buf)
}
