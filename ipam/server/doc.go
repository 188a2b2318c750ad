// Package server is aksnet's address registry over HTTP: the JSON API
// under /api/v1 (described by the OpenAPI document it serves at
// /api/v1/openapi.json), the web page at /, Prometheus metrics at
// /metrics and the /healthz and /readyz probes.
//
// The server holds no registry logic: every change is a call to
// store.Registry, which decides with package ipam and writes one audit
// entry per change. The server authenticates bearer tokens
// (store.Registry.Authenticate) and checks their scopes (ipam.Permits)
// before it reads a request body, limits body sizes, decodes bodies
// strictly (unknown fields, wrong types and syntax errors are 400s that
// name the field), maps the registry's errors to statuses (never a 500
// for a client's mistake) and honours Idempotency-Key.
//
// Allocations use the registry's durable idempotency keys, so a retried
// allocation gets the same range even from another server sharing the
// database. Other mutations remember their keys in the server's memory
// for a day (at most MaxIdempotencyEntries of them): a retry sent to the
// same server process gets the same answer.
package server
