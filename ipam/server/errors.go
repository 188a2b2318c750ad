package server

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/aksnet/aksnet/designfile"
	"github.com/aksnet/aksnet/ipam"
	"github.com/aksnet/aksnet/ipam/server/api"
	"github.com/aksnet/aksnet/ipam/store"
)

// statusError is an error with its HTTP answer already decided.
type statusError struct {
	status       int
	body         api.Error
	invalidToken bool
}

func (e *statusError) Error() string { return e.body.Error }

// badRequest is a 400 about one field or query parameter.
func badRequest(field, msg, hint string) error {
	return &statusError{status: http.StatusBadRequest, body: api.Error{Code: api.CodeInvalid, Field: field, Error: msg, Hint: hint}}
}

// pathError is an error about one range of a design: its answer names
// the range's path in the design as the field.
type pathError struct {
	path string
	err  error
}

func (e *pathError) Error() string { return e.err.Error() }
func (e *pathError) Unwrap() error { return e.err }

// atPath names the design path err is about.
func atPath(path string, err error) error { return &pathError{path: path, err: err} }

// fail answers a request with the status and body err calls for. Errors
// that are the client's are 4xx; only failures of the server itself or
// its database are 5xx, and their details go to the log, not the client.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	status, body := s.classify(r, err)
	if pe, ok := err.(*pathError); ok {
		body.Field = pe.path
	}
	if se, ok := err.(*statusError); ok && se.status == http.StatusUnauthorized {
		v := `Bearer realm="aksnet-ipam"`
		if se.invalidToken {
			v += `, error="invalid_token"`
		}
		w.Header().Set("WWW-Authenticate", v)
	}
	s.writeError(w, r, status, body)
}

func (s *Server) classify(r *http.Request, err error) (int, *api.Error) {
	var (
		se  *statusError
		be  *BodyError
		mbe *http.MaxBytesError
		ie  *ipam.InvalidError
		ce  *ipam.ConflictError
		ee  *ipam.ExhaustedError
		de  *designfile.Error
	)
	switch {
	case errors.As(err, &se):
		b := se.body
		return se.status, &b
	case errors.As(err, &mbe):
		return http.StatusRequestEntityTooLarge, &api.Error{Code: api.CodeTooLarge,
			Error: "the request body is larger than " + strconv.FormatInt(mbe.Limit, 10) + " bytes",
			Hint:  "send a smaller body; the server's limit is set with --max-body"}
	case errors.As(err, &be):
		return http.StatusBadRequest, &api.Error{Code: api.CodeInvalid, Field: be.Field, Error: be.Error(), Hint: be.Hint}
	case errors.As(err, &de):
		out := &api.Error{Code: api.CodeInvalid, Error: "the design cannot be read: " + firstLine(de.Error()),
			Hint: "fix the problems listed (aksnet check reports the same ones with their lines)"}
		for _, p := range de.Problems {
			out.Problems = append(out.Problems, api.Problem{Line: p.Line, Path: p.Path, Msg: p.Msg, Hint: p.Hint})
		}
		return http.StatusBadRequest, out
	case errors.As(err, &ie):
		return http.StatusBadRequest, &api.Error{Code: api.CodeInvalid, Field: ie.Field, Error: err.Error(), Hint: invalidHint(ie)}
	case errors.Is(err, ipam.ErrInvalid):
		return http.StatusBadRequest, &api.Error{Code: api.CodeInvalid, Error: err.Error()}
	case errors.Is(err, ipam.ErrNotFound):
		return http.StatusNotFound, &api.Error{Code: api.CodeNotFound, Error: err.Error()}
	case errors.Is(err, ipam.ErrExists):
		return http.StatusConflict, &api.Error{Code: api.CodeExists, Error: err.Error(),
			Hint: "pick another name or CIDR, or use the one registered"}
	case errors.As(err, &ce):
		return http.StatusConflict, &api.Error{Code: api.CodeConflict, Error: err.Error(), Conflicts: ce.Conflicts,
			Hint: "pick a free range (GET " + api.Prefix + "/pools/{pool} lists the free blocks) or ask for a prefix length instead of a CIDR"}
	case errors.Is(err, ipam.ErrConflict):
		return http.StatusConflict, &api.Error{Code: api.CodeConflict, Error: err.Error(),
			Hint: "another request took the range first; ask again"}
	case errors.As(err, &ee):
		return http.StatusConflict, &api.Error{Code: api.CodeExhausted, Error: err.Error(), Free: ee.Free, Largest: ee.Largest,
			Hint: "ask for a smaller block, release allocations, or register another pool"}
	case errors.Is(err, ipam.ErrExhausted):
		return http.StatusConflict, &api.Error{Code: api.CodeExhausted, Error: err.Error()}
	case errors.Is(err, ipam.ErrIdempotencyMismatch):
		return http.StatusUnprocessableEntity, &api.Error{Code: api.CodeIdempotencyMismatch, Error: err.Error(),
			Hint: "use a new Idempotency-Key for a different request"}
	case errors.Is(err, ipam.ErrInUse):
		return http.StatusConflict, &api.Error{Code: api.CodeInUse, Error: err.Error()}
	case errors.Is(err, store.ErrUnauthenticated):
		return http.StatusUnauthorized, &api.Error{Code: api.CodeUnauthenticated, Error: err.Error()}
	case errors.Is(err, context.DeadlineExceeded):
		return http.StatusServiceUnavailable, &api.Error{Code: api.CodeTimeout,
			Error: "the request took longer than the server allows", Hint: "retry; with an Idempotency-Key a retry is safe"}
	case errors.Is(err, context.Canceled):
		// The client went away; nobody reads this answer.
		return http.StatusServiceUnavailable, &api.Error{Code: api.CodeUnavailable, Error: "request cancelled"}
	}
	id := info(r).id
	s.log.Error("internal error", "request_id", id, "method", r.Method, "path", r.URL.Path, "err", err)
	return http.StatusInternalServerError, &api.Error{Code: api.CodeInternal, Error: "internal error",
		Hint: "the server log has the details under request ID " + id}
}

func invalidHint(ie *ipam.InvalidError) string {
	switch ie.Field {
	case "":
		return "send exactly one of bits, need and cidr"
	case "bits":
		return "give a prefix length such as 24"
	}
	return ""
}

func firstLine(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			return s[:i] + " (and more)"
		}
	}
	return s
}

func (s *Server) writeError(w http.ResponseWriter, r *http.Request, status int, body *api.Error) {
	body.RequestID = info(r).id
	writeJSON(w, status, body)
}

func notFoundBody(msg string) *api.Error {
	return &api.Error{Code: api.CodeNotFound, Error: msg}
}
