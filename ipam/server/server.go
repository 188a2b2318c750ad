package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/aksnet/aksnet/ipam"
	"github.com/aksnet/aksnet/ipam/server/api"
	"github.com/aksnet/aksnet/ipam/store"
)

// Defaults of a Config.
const (
	// DefaultMaxBodyBytes is the largest request body accepted: 1 MiB.
	DefaultMaxBodyBytes = 1 << 20
	// DefaultRequestTimeout bounds the work of one request.
	DefaultRequestTimeout = 30 * time.Second
	// MaxIdempotencyEntries is how many idempotency keys of mutations
	// other than allocations one server remembers.
	MaxIdempotencyEntries = 10_000
	// IdempotencyTTL is how long it remembers them.
	IdempotencyTTL = 24 * time.Hour
)

// Config configures a Server.
type Config struct {
	// Registry is the registry the server serves; required.
	Registry *store.Registry
	// Logger receives one line per request and every internal error;
	// nil discards them.
	Logger *slog.Logger
	// MaxBodyBytes limits request bodies (413 beyond); 0 means
	// DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// RequestTimeout bounds each request's work; 0 means
	// DefaultRequestTimeout.
	RequestTimeout time.Duration
	// Now is the clock for idempotency expiry; nil means time.Now.
	Now func() time.Time
	// Rand is the randomness for token secrets and request IDs; nil
	// means crypto/rand.
	Rand io.Reader
	// Local, when not empty, makes a request without an Authorization
	// header act as an admin token of that name. It exists for running
	// the API inside one process over a database file the caller owns
	// (the CLI's serverless mode); a server reachable over a network must
	// leave it empty.
	Local string
}

// Server is the registry's HTTP handler. It is safe for concurrent use.
type Server struct {
	cfg      Config
	reg      *store.Registry
	log      *slog.Logger
	mux      *http.ServeMux
	patterns []string
	metrics  *metrics
	idem     *idemCache
	designs  *designIndex
}

// New returns a Server for cfg.
func New(cfg Config) (*Server, error) {
	if cfg.Registry == nil {
		return nil, errors.New("server: Config.Registry is required")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = DefaultRequestTimeout
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.Reader
	}
	s := &Server{cfg: cfg, reg: cfg.Registry, log: cfg.Logger, mux: http.NewServeMux()}
	s.idem = newIdemCache(MaxIdempotencyEntries, IdempotencyTTL, cfg.Now)
	s.designs = newDesignIndex()
	s.metrics = newMetrics(s)
	s.routes()
	return s, nil
}

// Handler returns the server's HTTP handler.
func (s *Server) Handler() http.Handler { return http.HandlerFunc(s.serveHTTP) }

// Serve serves HTTP on ln until ctx is cancelled, then shuts down
// gracefully (waiting up to 10 seconds for requests in flight). The
// http.Server has header, read, write and idle timeouts, so a slow or
// stalled client cannot hold a connection for ever.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	hs := NewHTTPServer(s.Handler(), s.log)
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// NewHTTPServer wraps h in an http.Server with the registry's timeouts:
// 5 s to read request headers (of at most 64 KiB), 30 s to read a whole
// request, 60 s to write a response, 2 minutes for an idle keep-alive
// connection.
func NewHTTPServer(h http.Handler, log *slog.Logger) *http.Server {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}

// access is what a route requires of the caller's token.
type access int

const (
	public access = iota
	readAccess
	allocateAccess // allocate in the pool of the URL
	adminAccess
)

// idemMode says how a route honours Idempotency-Key.
type idemMode int

const (
	idemIgnore   idemMode = iota // safe methods: the header changes nothing
	idemMemory                   // this server remembers keys
	idemRegistry                 // the registry keeps keys durably
	idemRefuse                   // refused with a reason
)

// call is one authenticated request as a handler sees it.
type call struct {
	r     *http.Request
	ctx   context.Context
	actor store.Actor
	token store.Token
	body  []byte
	key   string // Idempotency-Key
}

// handlerFunc answers a call. An error it returns, before it has written
// anything, becomes the answer (see fail).
type handlerFunc func(w http.ResponseWriter, c *call) error

// serve runs h and answers with its error, if any.
func (s *Server) serve(w http.ResponseWriter, c *call, h handlerFunc) {
	if err := h(w, c); err != nil {
		s.fail(w, c.r, err)
	}
}

type route struct {
	pattern string
	access  access
	idem    idemMode
	body    bool // reads a request body
	h       handlerFunc
}

// handle registers a route.
func (s *Server) handle(rt route) {
	s.patterns = append(s.patterns, rt.pattern)
	s.mux.HandleFunc(rt.pattern, func(w http.ResponseWriter, r *http.Request) { s.run(w, r, rt) })
}

// reqInfo is what the outer handler learns about a request for its log
// line; the route fills in the actor.
type reqInfo struct {
	id    string
	actor string
}

type infoKey struct{}

func info(r *http.Request) *reqInfo {
	if ri, ok := r.Context().Value(infoKey{}).(*reqInfo); ok {
		return ri
	}
	return &reqInfo{}
}

// serveHTTP is the outer handler: request ID, security headers, panics,
// the access log and metrics, JSON 404 and 405.
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	ri := &reqInfo{id: s.requestID(r)}
	r = r.WithContext(context.WithValue(r.Context(), infoKey{}, ri))
	h := w.Header()
	h.Set(api.HeaderRequestID, ri.id)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-store")
	rec := &recorder{ResponseWriter: w}
	_, pattern := s.mux.Handler(r)
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			s.log.Error("panic serving request", "request_id", ri.id, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			if !rec.wrote {
				s.writeError(rec, r, http.StatusInternalServerError, &api.Error{Code: api.CodeInternal,
					Error: "internal error", Hint: "the server log has the details under request ID " + ri.id})
			}
		}
		dur := time.Since(start)
		route := pattern
		if route == "" {
			route = "unmatched"
		}
		s.metrics.observe(route, r.Method, rec.status(), dur)
		s.log.Info("request", "method", r.Method, "path", r.URL.Path, "status", rec.status(),
			"duration_ms", float64(dur.Microseconds())/1000, "request_id", ri.id, "actor", ri.actor, "remote", r.RemoteAddr)
	}()
	if pattern == "" {
		s.unmatched(rec, r)
		return
	}
	s.mux.ServeHTTP(rec, r)
}

// unmatched answers a request no route takes: 405 when the path exists
// with other methods, 404 otherwise.
func (s *Server) unmatched(w http.ResponseWriter, r *http.Request) {
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPatch, http.MethodDelete} {
		r2 := r.Clone(r.Context())
		r2.Method = m
		if _, p := s.mux.Handler(r2); p != "" {
			allow = append(allow, m)
		}
	}
	if len(allow) > 0 {
		w.Header().Set("Allow", strings.Join(allow, ", "))
		s.writeError(w, r, http.StatusMethodNotAllowed, &api.Error{Code: api.CodeMethodNotAllowed,
			Error: fmt.Sprintf("%s is not allowed on %s", r.Method, r.URL.Path),
			Hint:  "use " + strings.Join(allow, " or ")})
		return
	}
	s.writeError(w, r, http.StatusNotFound, &api.Error{Code: api.CodeNotFound,
		Error: fmt.Sprintf("no such endpoint: %s %s", r.Method, r.URL.Path),
		Hint:  "the API is described at " + api.Prefix + "/openapi.json"})
}

// requestID returns the client's X-Request-Id when it is sane, or a new
// random one.
func (s *Server) requestID(r *http.Request) string {
	if id := r.Header.Get(api.HeaderRequestID); id != "" && len(id) <= 64 {
		ok := true
		for i := 0; i < len(id); i++ {
			c := id[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
				ok = false
				break
			}
		}
		if ok {
			return id
		}
	}
	var b [8]byte
	if _, err := io.ReadFull(s.cfg.Rand, b[:]); err != nil {
		return fmt.Sprintf("t%x", time.Now().UnixNano())
	}
	return hex.EncodeToString(b[:])
}

// run is a route's pipeline: timeout, authentication, permission, body,
// idempotency, handler.
func (s *Server) run(w http.ResponseWriter, r *http.Request, rt route) {
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.RequestTimeout)
	defer cancel()
	r = r.WithContext(ctx)
	c := &call{r: r, ctx: ctx}
	ri := info(r)
	if rt.access != public {
		tok, err := s.authenticate(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		ri.actor = tok.Name
		c.token = tok
		remote := r.RemoteAddr
		if s.cfg.Local != "" && remote == "" {
			remote = "local"
		}
		c.actor = store.Actor{Name: tok.Name, Remote: remote, RequestID: ri.id}
		if err := s.authorize(tok, rt.access, r.PathValue("pool")); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if rt.body {
		if ct := r.Header.Get("Content-Type"); !acceptable(ct, rt.pattern) {
			s.fail(w, r, &statusError{status: http.StatusUnsupportedMediaType, body: api.Error{Code: api.CodeUnsupportedMedia,
				Error: fmt.Sprintf("Content-Type %q is not accepted here", ct), Hint: mediaHint(rt.pattern)}})
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes))
		if err != nil {
			s.fail(w, r, err)
			return
		}
		c.body = body
	}
	key := r.Header.Get(api.HeaderIdempotencyKey)
	if key != "" && rt.idem != idemIgnore {
		if err := validKey(key); err != nil {
			s.fail(w, r, err)
			return
		}
		c.key = key
		switch rt.idem {
		case idemRefuse:
			s.fail(w, r, &statusError{status: http.StatusBadRequest, body: api.Error{Code: api.CodeInvalid, Field: api.HeaderIdempotencyKey,
				Error: "token creation does not take an Idempotency-Key: the secret is shown once and never kept",
				Hint:  "send the request without the header; a retry with the same name is refused as a duplicate"}})
			return
		case idemMemory:
			s.withMemoryKey(w, c, rt.h)
			return
		}
	}
	s.serve(w, c, rt.h)
}

// acceptable reports whether a request's Content-Type suits a route:
// JSON everywhere, YAML too for design imports; empty is taken as the
// route's default.
func acceptable(ct, pattern string) bool {
	if ct == "" {
		return true
	}
	mt, _, _ := strings.Cut(ct, ";")
	mt = strings.ToLower(strings.TrimSpace(mt))
	if mt == "application/json" {
		return true
	}
	if strings.HasSuffix(pattern, "/designs") {
		switch mt {
		case "application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml", "text/plain":
			return true
		}
	}
	return false
}

func mediaHint(pattern string) string {
	if strings.HasSuffix(pattern, "/designs") {
		return "send the design as application/yaml or application/json"
	}
	return "send the body as application/json"
}

// validKey checks an Idempotency-Key: 1 to 200 printable ASCII
// characters.
func validKey(k string) error {
	bad := len(k) > 200
	for i := 0; i < len(k) && !bad; i++ {
		if k[i] < 0x21 || k[i] > 0x7e {
			bad = true
		}
	}
	if bad {
		return &statusError{status: http.StatusBadRequest, body: api.Error{Code: api.CodeInvalid, Field: api.HeaderIdempotencyKey,
			Error: "the Idempotency-Key header must be 1 to 200 printable ASCII characters without spaces",
			Hint:  "use a UUID or another unique string per operation"}}
	}
	return nil
}

// authenticate finds the caller's token.
func (s *Server) authenticate(r *http.Request) (store.Token, error) {
	h := r.Header.Get("Authorization")
	if h == "" {
		if s.cfg.Local != "" {
			return store.Token{Name: s.cfg.Local, Scopes: []ipam.Scope{ipam.ScopeAdmin}}, nil
		}
		return store.Token{}, &statusError{status: http.StatusUnauthorized, body: api.Error{Code: api.CodeUnauthenticated,
			Error: "this endpoint needs a bearer token",
			Hint:  "send Authorization: Bearer aksnet_...; an admin creates tokens with 'aksnet ipam token create'"}}
	}
	scheme, cred, ok := strings.Cut(h, " ")
	cred = strings.TrimSpace(cred)
	if !ok || !strings.EqualFold(scheme, "Bearer") || cred == "" {
		return store.Token{}, &statusError{status: http.StatusUnauthorized, body: api.Error{Code: api.CodeUnauthenticated,
			Error: "the Authorization header is not \"Bearer TOKEN\"", Hint: "send Authorization: Bearer aksnet_..."}}
	}
	tok, err := s.reg.Authenticate(r.Context(), cred)
	if errors.Is(err, store.ErrUnauthenticated) {
		return store.Token{}, &statusError{status: http.StatusUnauthorized, invalidToken: true, body: api.Error{Code: api.CodeUnauthenticated,
			Error: "unknown or revoked token", Hint: "check the token, or ask an admin for a new one"}}
	}
	return tok, err
}

// authorize checks the token's scopes against what the route needs.
func (s *Server) authorize(tok store.Token, acc access, pool string) error {
	var action ipam.Action
	var need string
	switch acc {
	case readAccess:
		action, need = ipam.ActionRead, "read"
	case allocateAccess:
		action, need = ipam.ActionAllocate, string(ipam.ScopeAllocate(pool))
	default:
		action, need = ipam.ActionAdmin, "admin"
	}
	if ipam.Permits(tok.Scopes, action, pool) {
		return nil
	}
	have := make([]string, len(tok.Scopes))
	for i, sc := range tok.Scopes {
		have[i] = string(sc)
	}
	what := "do this"
	switch acc {
	case allocateAccess:
		what = fmt.Sprintf("allocate, release or reserve in pool %q", pool)
	case adminAccess:
		what = "change pools, ranges to avoid, designs or tokens"
	}
	return &statusError{status: http.StatusForbidden, body: api.Error{Code: api.CodeForbidden,
		Error: fmt.Sprintf("token %q may not %s", tok.Name, what),
		Hint:  fmt.Sprintf("it has scopes %s; this needs %s (or admin)", strings.Join(have, ", "), need)}}
}

// recorder remembers the status of a response and, when asked, its body.
type recorder struct {
	http.ResponseWriter
	code  int
	wrote bool
	keep  bool
	buf   []byte
}

func (r *recorder) WriteHeader(code int) {
	if !r.wrote {
		r.code, r.wrote = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if !r.wrote {
		r.code, r.wrote = http.StatusOK, true
	}
	if r.keep {
		r.buf = append(r.buf, b...)
	}
	return r.ResponseWriter.Write(b)
}

func (r *recorder) status() int {
	if !r.wrote {
		return http.StatusOK
	}
	return r.code
}

// Unwrap lets http.ResponseController reach the connection.
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// writeJSON writes v with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		b = []byte(`{"error":"internal error: response could not be encoded","code":"internal"}`)
		status = http.StatusInternalServerError
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}
