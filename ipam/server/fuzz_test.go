package server

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzAPI sends arbitrary requests, with an admin token, to a server over
// a registry with a pool and an allocation: whatever the client sends,
// the answer is never a 5xx, and every error is a JSON body with an error
// and a code.
func FuzzAPI(f *testing.F) {
	fe := newEnv(f)
	fe.must(201, "POST", "/api/v1/pools", fe.admin, `{"name":"vnets","cidr":"10.0.0.0/16","purpose":"vnet"}`)
	fe.must(201, "POST", "/api/v1/pools/vnets/allocations", fe.admin, `{"bits":24,"owner":"a"}`)
	f.Add(uint8(1), "/api/v1/pools/vnets/allocations", []byte(`{"bits":24,"owner":"a"}`))
	f.Add(uint8(1), "/api/v1/pools", []byte(`{"name":"p2","cidr":"10.5.0.0/16","purpose":"vnet"}`))
	f.Add(uint8(2), "/api/v1/pools/vnets", []byte(`{"tags":{"a":"b"}}`))
	f.Add(uint8(3), "/api/v1/pools/vnets/allocations/1", []byte(nil))
	f.Add(uint8(0), "/api/v1/allocations?q=10.0.0.1&limit=5", []byte(nil))
	f.Add(uint8(0), "/api/v1/check?cidr=10.0.0.0/8", []byte(nil))
	f.Add(uint8(1), "/api/v1/designs?dryRun=true", []byte(designDoc))
	f.Add(uint8(1), "/api/v1/pools/vnets/allocations", []byte(`{"need":{"kind":"service-cidr","services":100000},"owner":"a"}`))
	f.Add(uint8(1), "/api/v1/pools/vnets/reservations", []byte(`{"cidr":"::/0","owner":"a"}`))
	f.Fuzz(func(t *testing.T, m uint8, path string, body []byte) {
		if !strings.HasPrefix(path, "/") || !utf8.ValidString(path) || strings.ContainsAny(path, " \r\n\x00#") {
			return
		}
		if _, err := url.ParseRequestURI(path); err != nil {
			return // not something an HTTP client can send
		}
		method := []string{"GET", "POST", "PATCH", "DELETE", "PUT"}[int(m)%5]
		req := httptest.NewRequest(method, "http://x"+path, bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+fe.admin)
		rec := httptest.NewRecorder()
		fe.srv.Handler().ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %s %q: status %d: %s", method, path, body, rec.Code, rec.Body)
		}
		if rec.Code >= 400 {
			var eb struct{ Error, Code string }
			if json.Unmarshal(rec.Body.Bytes(), &eb) != nil || eb.Error == "" || eb.Code == "" {
				t.Fatalf("%s %s: %d without a JSON error body: %s", method, path, rec.Code, rec.Body)
			}
		}
		if rec.Code == http.StatusOK && strings.HasPrefix(path, "/api/") && !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("%s %s: 200 that is not JSON", method, path)
		}
	})
}
