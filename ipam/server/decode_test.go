package server

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/aksnet/aksnet/ipam/server/api"
)

func TestDecodeJSON(t *testing.T) {
	for _, tc := range []struct {
		in         string
		field, msg string
		line, col  int
		ok         bool
	}{
		{in: `{"bits":24,"owner":"a"}`, ok: true},
		{in: `{"bits":24,"owner":"a","need":null}`, ok: true},
		{in: `{"need":{"kind":"pod-cidr","pools":[{"maxNodes":3},{"maxNodes":4,"maxSurge":"10%"}]},"owner":"a"}`, ok: true},
		{in: `{"tags":{"a/b":"c","x y":"d"},"owner":"a"}`, ok: true},
		{in: `{"bits":1e2}`, field: "bits", msg: "whole number", line: 1, col: 9},
		{in: `{"bits":99999999999999999999}`, field: "bits", msg: "fits in 64 bits"},
		{in: `{"reservation":-1}`, ok: true},
		{in: `{"need":{"growthFactor":"2"}}`, field: "need.growthFactor", msg: "want a number"},
		{in: `{"need":{"pools":{}}}`, field: "need.pools", msg: "want an array"},
		{in: "{\n\"need\": {\n  \"kindd\": 1}}", field: "need.kindd", msg: "unknown field", line: 3, col: 3},
		{in: `{"tags":{"a":"b","a":"c"}}`, field: "tags.a", msg: "repeated key"},
		{in: `{"tags":{"a b":1}}`, field: `tags["a b"]`, msg: "want a string"},
		{in: `{"owner":"a"`, msg: "ends in the middle"},
		{in: `{"owner":}`, msg: "malformed JSON", line: 1, col: 10},
		{in: `null`, msg: "JSON object"},
		{in: `"x"`, msg: "JSON object"},
		{in: `{} x`, msg: "after the JSON object"},
		{in: "", msg: "empty"},
	} {
		var v api.AllocateRequest
		err := DecodeJSON([]byte(tc.in), &v)
		if tc.ok {
			if err != nil {
				t.Errorf("%s: %v", tc.in, err)
				continue
			}
			var w api.AllocateRequest
			if err := json.Unmarshal([]byte(tc.in), &w); err != nil || !reflect.DeepEqual(v, w) {
				t.Errorf("%s: decoded %+v, encoding/json %+v (%v)", tc.in, v, w, err)
			}
			continue
		}
		var be *BodyError
		if !errors.As(err, &be) {
			t.Errorf("%s: got %v, want a BodyError", tc.in, err)
			continue
		}
		if be.Field != tc.field || !strings.Contains(be.Msg, tc.msg) {
			t.Errorf("%s: field %q msg %q; want %q, %q", tc.in, be.Field, be.Msg, tc.field, tc.msg)
		}
		if tc.line != 0 && (be.Line != tc.line || be.Col != tc.col) {
			t.Errorf("%s: at %d:%d, want %d:%d", tc.in, be.Line, be.Col, tc.line, tc.col)
		}
	}
}

// FuzzDecodeJSON: DecodeJSON never panics, accepts only what
// encoding/json accepts (decoding to the same value), and locates its
// errors inside the input.
func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{
		`{"bits":24,"owner":"a"}`,
		`{"need":{"kind":"pod-cidr","pools":[{"maxNodes":3}]},"owner":"a","tags":{"k":"v"}}`,
		`{"cidr":"10.0.0.0/8","reservation":3,"idempotencyKey":"k"}`,
		`{"bits":1e2}`, `{"a":[[[[]]]]}`, `{"owner":"\u00e9"}`, "{\n}", `{"need":null}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var v api.AllocateRequest
		err := DecodeJSON(data, &v)
		var w api.AllocateRequest
		werr := json.Unmarshal(data, &w)
		if err == nil {
			if werr != nil {
				t.Fatalf("DecodeJSON accepted what encoding/json refuses (%v): %q", werr, data)
			}
			if !reflect.DeepEqual(v, w) {
				t.Fatalf("decoded %+v, encoding/json %+v", v, w)
			}
			return
		}
		var be *BodyError
		if !errors.As(err, &be) {
			t.Fatalf("not a BodyError: %v", err)
		}
		lines := strings.Count(string(data), "\n") + 1
		if be.Line < 0 || be.Line > lines || be.Col < 0 || be.Col > len(data)+1 {
			t.Fatalf("error at %d:%d outside the input (%d lines): %q", be.Line, be.Col, lines, data)
		}
	})
}
