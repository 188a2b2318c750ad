// Package api holds the JSON bodies of aksnet's address registry HTTP API
// (/api/v1), shared by the server (ipam/server) and its Go client
// (ipam/client). The OpenAPI document served at /api/v1/openapi.json
// describes the same shapes.
//
// Request bodies carry CIDRs as strings, so the server can name the
// offending field when one is malformed; responses use the registry's own
// types (package ipam and ipam/store).
package api

import (
	"net/netip"
	"time"

	"github.com/aksnet/aksnet/finding"
	"github.com/aksnet/aksnet/ipam"
	"github.com/aksnet/aksnet/ipam/store"
	"github.com/aksnet/aksnet/rules"
)

// Prefix is the path every API route starts with.
const Prefix = "/api/v1"

// Headers the API reads or sets.
const (
	// HeaderIdempotencyKey makes a mutating request safe to retry: the
	// same key with the same body gets the same response, the same key
	// with another body gets 422.
	HeaderIdempotencyKey = "Idempotency-Key"
	// HeaderReplayed is "true" on a response that repeats an earlier one
	// for the same idempotency key.
	HeaderReplayed = "Idempotent-Replayed"
	// HeaderRequestID correlates a request with the audit log and the
	// server's log. A client may send one (1 to 64 letters, digits, '-',
	// '_' and '.'); the server makes one up otherwise.
	HeaderRequestID = "X-Request-Id"
)

// Error codes, the stable part of an [Error].
const (
	CodeInvalid             = "invalid"
	CodeUnauthenticated     = "unauthenticated"
	CodeForbidden           = "forbidden"
	CodeNotFound            = "not-found"
	CodeMethodNotAllowed    = "method-not-allowed"
	CodeExists              = "exists"
	CodeConflict            = "conflict"
	CodeExhausted           = "exhausted"
	CodeIdempotencyMismatch = "idempotency-mismatch"
	CodeIdempotencyBusy     = "idempotency-in-progress"
	CodeInUse               = "in-use"
	CodeTooLarge            = "too-large"
	CodeUnsupportedMedia    = "unsupported-media-type"
	CodeTimeout             = "timeout"
	CodeUnavailable         = "unavailable"
	CodeInternal            = "internal"
)

// Error is the body of every response with a 4xx or 5xx status.
type Error struct {
	// Error says what is wrong, in one sentence.
	Error string `json:"error"`
	// Hint says how to fix it, when there is something useful to say.
	Hint string `json:"hint,omitempty"`
	// Code is one of the Code* constants.
	Code string `json:"code"`
	// Field is the JSON path of the offending field of the request body
	// ("need.pools[0].maxNodes"), or the query parameter, when known.
	Field string `json:"field,omitempty"`
	// Conflicts lists what a refused range overlaps (code conflict).
	Conflicts []ipam.Conflict `json:"conflicts,omitempty"`
	// Free and Largest say what a full pool still has (code exhausted).
	Free    uint64       `json:"free,omitempty"`
	Largest netip.Prefix `json:"largest,omitzero"`
	// Problems are the problems of a design that could not be imported,
	// each with its line.
	Problems []Problem `json:"problems,omitempty"`
	// RequestID is the request's ID, as in the X-Request-Id header.
	RequestID string `json:"requestId,omitempty"`
}

// Problem is one problem of a design document.
type Problem struct {
	Line int    `json:"line,omitempty"`
	Path string `json:"path,omitempty"`
	Msg  string `json:"message"`
	Hint string `json:"hint,omitempty"`
}

// CreatePoolRequest registers a pool (POST /api/v1/pools).
type CreatePoolRequest struct {
	Name        string            `json:"name"`
	CIDR        string            `json:"cidr"`
	Purpose     ipam.Purpose      `json:"purpose"`
	Tags        map[string]string `json:"tags,omitempty"`
	Description string            `json:"description,omitempty"`
}

// UpdatePoolRequest replaces a pool's purpose, tags and description
// (PATCH /api/v1/pools/{pool}); omitted fields keep their value.
type UpdatePoolRequest struct {
	Purpose     *ipam.Purpose      `json:"purpose,omitempty"`
	Tags        *map[string]string `json:"tags,omitempty"`
	Description *string            `json:"description,omitempty"`
}

// Pool is a pool with its usage.
type Pool struct {
	ipam.Pool
	Usage ipam.Usage `json:"usage"`
}

// Pools is the list of pools (GET /api/v1/pools).
type Pools struct {
	Pools []Pool `json:"pools"`
}

// AllocateRequest asks for an allocation in the pool of the URL (POST
// /api/v1/pools/{pool}/allocations). Exactly one of Bits, Need and CIDR
// says what to allocate; see ipam.Request.
type AllocateRequest struct {
	Bits        int               `json:"bits,omitempty"`
	Need        *ipam.Need        `json:"need,omitempty"`
	CIDR        string            `json:"cidr,omitempty"`
	Reservation int64             `json:"reservation,omitempty"`
	Owner       string            `json:"owner"`
	Cluster     string            `json:"cluster,omitempty"`
	Purpose     string            `json:"purpose,omitempty"`
	Tags        map[string]string `json:"tags,omitempty"`
	// IdempotencyKey may be given here or in the Idempotency-Key header
	// (they must agree when both are given).
	IdempotencyKey string `json:"idempotencyKey,omitempty"`
}

// Allocation is an allocation as the API returns it: the allocation and,
// for a request sized by an AKS need, how the size was worked out.
type Allocation struct {
	ipam.Allocation
	Sizing *ipam.Sizing `json:"sizing,omitempty"`
}

// Allocations is a page of allocations (GET /api/v1/allocations). When
// Next is not 0 there may be more: ask again with after=Next.
type Allocations struct {
	Allocations []ipam.Allocation `json:"allocations"`
	Next        int64             `json:"next,omitempty"`
}

// ReserveRequest asks for a reservation in the pool of the URL (POST
// /api/v1/pools/{pool}/reservations); see ipam.ReserveRequest.
type ReserveRequest struct {
	Bits    int               `json:"bits,omitempty"`
	Need    *ipam.Need        `json:"need,omitempty"`
	CIDR    string            `json:"cidr,omitempty"`
	Owner   string            `json:"owner"`
	Cluster string            `json:"cluster,omitempty"`
	Purpose string            `json:"purpose,omitempty"`
	Tags    map[string]string `json:"tags,omitempty"`
	Note    string            `json:"note,omitempty"`
}

// Reservations is a page of reservations (GET /api/v1/reservations).
type Reservations struct {
	Reservations []ipam.Reservation `json:"reservations"`
	Next         int64              `json:"next,omitempty"`
}

// AvoidRequest registers a range to avoid (POST /api/v1/avoid).
type AvoidRequest struct {
	CIDR   string `json:"cidr"`
	Name   string `json:"name"`
	Reason string `json:"reason,omitempty"`
}

// AvoidList lists the ranges to avoid (GET /api/v1/avoid): the built-in
// ones first, then the registered ones.
type AvoidList struct {
	Avoid []ipam.Avoid `json:"avoid"`
}

// CheckResult is what one checked range overlaps.
type CheckResult struct {
	CIDR      netip.Prefix    `json:"cidr"`
	Conflicts []ipam.Conflict `json:"conflicts"`
}

// Check is the answer to GET /api/v1/check?cidr=...: one result per
// range, in the order asked, and the total number of conflicts.
type Check struct {
	Results   []CheckResult `json:"results"`
	Conflicts int           `json:"conflicts"`
}

// PoolMap is a pool laid out for drawing (GET /api/v1/pools/{pool}/map):
// every live allocation, live reservation, range to avoid and free block
// inside it, in address order, with its place relative to the pool's
// first address.
type PoolMap struct {
	Pool  ipam.Pool  `json:"pool"`
	Usage ipam.Usage `json:"usage"`
	// HostBits is the number of host bits of the pool (32 − prefix length
	// for IPv4): the pool holds 2^HostBits addresses.
	HostBits int        `json:"hostBits"`
	Blocks   []MapBlock `json:"blocks"`
}

// Kinds of map block.
const (
	BlockAllocation  = "allocation"
	BlockReservation = "reservation"
	BlockAvoid       = "avoid"
	BlockFree        = "free"
)

// MapBlock is one block of a [PoolMap].
type MapBlock struct {
	Kind string       `json:"kind"`
	CIDR netip.Prefix `json:"cidr"`
	// Offset is the block's first address minus the pool's, in decimal
	// (it may exceed 2^53 in IPv6 pools); SizeLog2 is its host bits, so it
	// covers 2^SizeLog2 addresses.
	Offset   string `json:"offset"`
	SizeLog2 int    `json:"sizeLog2"`
	// ID, Owner, Cluster and Purpose describe an allocation or a
	// reservation; Name and Reason a range to avoid.
	ID      int64  `json:"id,omitempty"`
	Owner   string `json:"owner,omitempty"`
	Cluster string `json:"cluster,omitempty"`
	Purpose string `json:"purpose,omitempty"`
	Name    string `json:"name,omitempty"`
	Reason  string `json:"reason,omitempty"`
}

// TokenRequest creates an API token (POST /api/v1/tokens).
type TokenRequest struct {
	Name   string   `json:"name"`
	Scopes []string `json:"scopes"`
}

// NewToken is a created token with its secret, which is shown only once.
type NewToken struct {
	store.Token
	Secret string `json:"secret"`
}

// Tokens lists the API tokens (GET /api/v1/tokens); secrets are never
// listed.
type Tokens struct {
	Tokens []store.Token `json:"tokens"`
}

// WhoAmI is the caller's token (GET /api/v1/whoami).
type WhoAmI struct {
	Name   string       `json:"name"`
	Scopes []ipam.Scope `json:"scopes"`
}

// Audit is a page of the audit log, newest first (GET /api/v1/audit).
// When Next is not 0 there may be more: ask again with before=Next.
type Audit struct {
	Entries []store.AuditEntry `json:"entries"`
	Next    int64              `json:"next,omitempty"`
}

// Statuses of an imported range.
const (
	// RangeAllocated is a range the import registered.
	RangeAllocated = "allocated"
	// RangeExisting is a range an earlier import of the same design
	// registered.
	RangeExisting = "existing"
	// RangeShared is a range that appears more than once in the design
	// (an Overlay pod CIDR reused by several clusters); it is registered
	// once, under its first place.
	RangeShared = "shared"
	// RangeAvoided is an external range registered as a range to avoid.
	RangeAvoided = "avoided"
	// RangeOutside is a range inside no pool, left unregistered.
	RangeOutside = "outside"
	// RangeSkipped is an external range left alone.
	RangeSkipped = "skipped"
	// RangeWouldAllocate is what a dry run says of a range it would
	// register.
	RangeWouldAllocate = "would-allocate"
	// RangeConflict is what a dry run says of a range the registry would
	// refuse; Conflicts says why.
	RangeConflict = "conflict"
)

// ImportedRange is one range of an imported design and what the import
// did with it.
type ImportedRange struct {
	// Path is where the range is written in the design
	// ("spec.vnets[0].addressSpace[0]").
	Path string `json:"path"`
	// Line is its line in the document, when known.
	Line int          `json:"line,omitempty"`
	CIDR netip.Prefix `json:"cidr"`
	// Purpose is vnet, pod-cidr, service-cidr or external.
	Purpose string `json:"purpose"`
	Cluster string `json:"cluster,omitempty"`
	Pool    string `json:"pool,omitempty"`
	Status  string `json:"status"`
	// Allocation is the allocation that holds the range, when there is
	// one.
	Allocation int64 `json:"allocation,omitempty"`
	// Conflicts is what the range overlaps (dry runs).
	Conflicts []ipam.Conflict `json:"conflicts,omitempty"`
}

// Import is the answer to POST /api/v1/designs.
type Import struct {
	Design string          `json:"design"`
	DryRun bool            `json:"dryRun,omitempty"`
	Ranges []ImportedRange `json:"ranges"`
	// Errors, Warnings and Infos count the findings of aksnet check on
	// the design.
	Errors   int `json:"errors"`
	Warnings int `json:"warnings"`
	Infos    int `json:"infos"`
}

// DesignSummary describes an imported design (GET /api/v1/designs).
type DesignSummary struct {
	Name       string    `json:"name"`
	ImportedAt time.Time `json:"importedAt"`
	ImportedBy string    `json:"importedBy"`
	// Audit is the ID of the audit entry of the latest import.
	Audit      int64 `json:"audit"`
	RangeCount int   `json:"rangeCount"`
	Errors     int   `json:"errors"`
	Warnings   int   `json:"warnings"`
	Infos      int   `json:"infos"`
}

// Designs lists the imported designs by name.
type Designs struct {
	Designs []DesignSummary `json:"designs"`
}

// Design is an imported design with the findings of aksnet check on it,
// as the running aksnet's rules see it (GET /api/v1/designs/{name}).
type Design struct {
	DesignSummary
	YAML       string             `json:"yaml"`
	Ranges     []ImportedRange    `json:"ranges"`
	Findings   []finding.Finding  `json:"findings"`
	Suppressed []rules.Suppressed `json:"suppressed,omitempty"`
	// Problem says why there are no findings when this aksnet can no
	// longer read the design (a newer, stricter format).
	Problem string `json:"problem,omitempty"`
}
