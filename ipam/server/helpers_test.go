package server

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/aksnet/aksnet/ipam"
	"github.com/aksnet/aksnet/ipam/store"
	"github.com/aksnet/aksnet/ipam/store/sqlite"
)

// env is a server over a fresh SQLite registry with one token of each
// kind.
type env struct {
	t     testing.TB
	srv   *Server
	reg   *store.Registry
	st    *sqlite.Store
	ts    *httptest.Server
	admin string // admin
	read  string // read
	vnets string // allocate:vnets
	other string // allocate:other
}

func newEnv(t testing.TB) *env {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "r.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	reg := store.NewRegistry(st, nil)
	srv, err := New(Config{Registry: reg})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, srv: srv, reg: reg, st: st}
	e.ts = httptest.NewServer(srv.Handler())
	t.Cleanup(e.ts.Close)
	mk := func(name string, scopes ...ipam.Scope) string {
		secret, _, err := reg.CreateToken(ctx, store.Actor{Name: "setup"}, name, scopes, rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		return secret
	}
	e.admin = mk("admin", ipam.ScopeAdmin)
	e.read = mk("reader", ipam.ScopeRead)
	e.vnets = mk("ci-vnets", ipam.ScopeAllocate("vnets"))
	e.other = mk("ci-other", ipam.ScopeAllocate("other"))
	return e
}

// resp is an answer.
type resp struct {
	status int
	header http.Header
	body   []byte
}

func (r resp) decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("answer is not JSON (%v): %s", err, r.body)
	}
}

// apiErr decodes an error body.
func (r resp) apiErr(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	r.decode(t, &m)
	if m["error"] == "" || m["code"] == "" {
		t.Fatalf("error body without error or code: %s", r.body)
	}
	return m
}

// call sends a request; hdr is name, value pairs.
func (e *env) call(method, path, token, body string, hdr ...string) resp {
	e.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, e.ts.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := e.ts.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return resp{status: res.StatusCode, header: res.Header, body: b}
}

// must sends a request and fails the test unless the status is want.
func (e *env) must(want int, method, path, token, body string, hdr ...string) resp {
	e.t.Helper()
	r := e.call(method, path, token, body, hdr...)
	if r.status != want {
		e.t.Fatalf("%s %s: status %d, want %d: %s", method, path, r.status, want, r.body)
	}
	return r
}

// auditCount returns the number of audit entries.
func (e *env) auditCount() int {
	e.t.Helper()
	n := 0
	err := e.st.View(context.Background(), func(tx store.ReadTx) error {
		es, err := tx.Audit(store.AuditFilter{})
		n = len(es)
		return err
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

// schemas validates answers against the OpenAPI document's schemas.
type schemas struct {
	doc map[string]any
	c   *jsonschema.Compiler
}

const docURL = "mem://aksnet/openapi.json"

func loadSchemas(t *testing.T) *schemas {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(openAPIDoc))
	if err != nil {
		t.Fatalf("openapi.json is not JSON: %v", err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	if err := c.AddResource(docURL, doc); err != nil {
		t.Fatal(err)
	}
	return &schemas{doc: doc.(map[string]any), c: c}
}

// check validates an answer to METHOD PATTERN-PATH against the schema the
// document declares for its status.
func (s *schemas) check(t *testing.T, method, docPath string, r resp) {
	t.Helper()
	if err := s.validate(method, docPath, r); err != nil {
		t.Error(err)
	}
}

func (s *schemas) validate(method, docPath string, r resp) error {
	paths := s.doc["paths"].(map[string]any)
	item, ok := paths[docPath].(map[string]any)
	if !ok {
		return fmt.Errorf("openapi.json has no path %s", docPath)
	}
	op, ok := item[strings.ToLower(method)].(map[string]any)
	if !ok {
		return fmt.Errorf("openapi.json has no %s %s", method, docPath)
	}
	rs := op["responses"].(map[string]any)
	entry, ok := rs[itoa(r.status)].(map[string]any)
	if !ok {
		return fmt.Errorf("openapi.json does not list status %d for %s %s; body %s", r.status, method, docPath, r.body)
	}
	ptr := "#/paths/" + escPtr(docPath) + "/" + strings.ToLower(method) + "/responses/" + itoa(r.status)
	if ref, ok := entry["$ref"].(string); ok {
		ptr = ref
		name := strings.TrimPrefix(ref, "#/components/responses/")
		entry = s.doc["components"].(map[string]any)["responses"].(map[string]any)[name].(map[string]any)
	}
	content, ok := entry["content"].(map[string]any)
	if !ok {
		if len(bytes.TrimSpace(r.body)) != 0 {
			return fmt.Errorf("%s %s %d: the document declares no body, got %s", method, docPath, r.status, r.body)
		}
		return nil
	}
	if _, ok := content["application/json"]; !ok {
		return nil // not JSON: nothing to validate
	}
	sch, err := s.c.Compile(docURL + ptr + "/content/application~1json/schema")
	if err != nil {
		return fmt.Errorf("compiling the schema of %s %s %d: %v", method, docPath, r.status, err)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(r.body))
	if err != nil {
		return fmt.Errorf("%s %s: answer is not JSON: %s", method, docPath, r.body)
	}
	if err := sch.Validate(v); err != nil {
		return fmt.Errorf("%s %s %d: the answer does not match the document: %v\nbody: %s", method, docPath, r.status, err, r.body)
	}
	return nil
}

func escPtr(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
