// Package store is the storage interface of aksnet's address registry and
// the registry operations built on it.
//
// A backend (ipam/store/sqlite, ipam/store/postgres) implements [Store]:
// transactions over pools, allocations, reservations, ranges to avoid,
// the append-only audit log and API tokens. [Registry] runs each
// operation as "read the pool's state, decide with package ipam, write
// the result and its audit entry" inside one [Store.Update], so two
// registry servers sharing one database never hand out overlapping
// ranges. Every backend passes the conformance suite in
// ipam/store/storetest.
//
// Errors returned for refused operations wrap the sentinels of package
// ipam (ipam.ErrNotFound, ipam.ErrConflict, ...); other errors mean the
// database could not be used.
package store

import (
	"context"
	"net/netip"
	"time"

	"github.com/aksnet/aksnet/ipam"
)

// Store is a registry's durable state. Implementations are safe for
// concurrent use by many goroutines, and by several processes sharing one
// database.
type Store interface {
	// View runs fn in a read-only transaction that sees one consistent
	// snapshot. The ReadTx must not be used after fn returns.
	View(ctx context.Context, fn func(ReadTx) error) error
	// Update runs fn in a read-write transaction and commits it when fn
	// returns nil; when fn returns an error, nothing fn wrote is kept and
	// Update returns that error. When the database reports a
	// serialization conflict with another writer, Update rolls back and
	// runs fn again (a bounded number of times), so fn must have no
	// effects outside tx. The Tx must not be used after fn returns.
	Update(ctx context.Context, fn func(Tx) error) error
	// Close releases the database. Using the store afterwards is an
	// error.
	Close() error
}

// ReadTx reads registry state inside a transaction. Its methods use the
// context given to View or Update.
type ReadTx interface {
	// Pool returns the named pool; the error wraps ipam.ErrNotFound when
	// there is none.
	Pool(name string) (ipam.Pool, error)
	// Pools returns every pool in address order (IPv4 first).
	Pools() ([]ipam.Pool, error)
	// Space returns the placement state of the named pool: its live
	// allocations and reservations and the registered ranges to avoid
	// that overlap it. The error wraps ipam.ErrNotFound when there is no
	// such pool.
	//
	// Inside Update, Space also locks the pool until the transaction
	// ends, so the state cannot change under a decision taken from it.
	// The Space returned there belongs to the transaction: it follows the
	// transaction's own writes to the pool's allocations and reservations,
	// and the caller must not change it (ask it to decide, then write
	// through the Tx). Inside View the result is the caller's own copy.
	Space(pool string) (*ipam.Space, error)
	// Allocation returns the allocation with the given ID, live or
	// released.
	Allocation(id int64) (ipam.Allocation, error)
	// AllocationByKey returns the allocation of pool made with the given
	// idempotency key, live or released; the error wraps
	// ipam.ErrNotFound when there is none.
	AllocationByKey(pool, key string) (ipam.Allocation, error)
	// Allocations returns the allocations that match f, in ID order.
	Allocations(f AllocationFilter) ([]ipam.Allocation, error)
	// Reservation returns the reservation with the given ID, live or
	// released.
	Reservation(id int64) (ipam.Reservation, error)
	// Reservations returns the reservations that match f, in ID order.
	Reservations(f ReservationFilter) ([]ipam.Reservation, error)
	// Avoid returns the registered ranges to avoid in address order; the
	// built-in ones (ipam.BuiltInAvoid) are not stored and not included.
	Avoid() ([]ipam.Avoid, error)
	// Overlapping returns every pool, live allocation, live reservation
	// and registered range to avoid that overlaps p, ready for
	// ipam.Check.
	Overlapping(p netip.Prefix) (ipam.Snapshot, error)
	// Audit returns audit entries that match f, newest first.
	Audit(f AuditFilter) ([]AuditEntry, error)
	// TokenByHash returns the token whose secret hashes to hash (see
	// HashToken), revoked or not; the error wraps ipam.ErrNotFound when
	// there is none.
	TokenByHash(hash []byte) (Token, error)
	// Tokens returns every token, revoked ones included, in ID order.
	Tokens() ([]Token, error)
}

// Tx reads and writes registry state inside a transaction. Writers keep
// the registry's rules only as far as the database enforces them (see
// each method); deciding placements is ipam.Space's job, and [Registry]
// is the way to change the registry.
type Tx interface {
	ReadTx
	// CreatePool stores a new pool. The error wraps ipam.ErrExists when
	// the name is taken and ipam.ErrConflict when its CIDR overlaps a
	// pool (the database refuses both).
	CreatePool(p ipam.Pool) error
	// UpdatePool replaces the purpose, tags and description of a pool;
	// name, CIDR and creation time cannot change.
	UpdatePool(p ipam.Pool) error
	// DeletePool removes a pool that has no live allocations or
	// reservations (ipam.ErrInUse otherwise); its released history goes
	// with it.
	DeletePool(name string) error
	// InsertAllocation stores a new live allocation and returns it with
	// its ID. The error wraps ipam.ErrConflict when it overlaps a live
	// allocation of the same pool and ipam.ErrExists when its
	// idempotency key is taken in the pool; both are refused by the
	// database itself.
	InsertAllocation(a ipam.Allocation) (ipam.Allocation, error)
	// ReleaseAllocation marks a live allocation released at at and
	// returns it. The error wraps ipam.ErrNotFound for an unknown ID and
	// ipam.ErrInUse when it is already released.
	ReleaseAllocation(id int64, at time.Time) (ipam.Allocation, error)
	// InsertReservation stores a new live reservation and returns it
	// with its ID; ipam.ErrConflict when it overlaps a live reservation.
	InsertReservation(r ipam.Reservation) (ipam.Reservation, error)
	// ReleaseReservation marks a live reservation released at at.
	ReleaseReservation(id int64, at time.Time) (ipam.Reservation, error)
	// AddAvoid stores a range to avoid; ipam.ErrExists when the same
	// CIDR is already registered.
	AddAvoid(a ipam.Avoid) error
	// RemoveAvoid removes the registered range to avoid with CIDR p.
	RemoveAvoid(p netip.Prefix) (ipam.Avoid, error)
	// AppendAudit appends an entry to the audit log and returns it with
	// its ID. Entries can never be changed or removed.
	AppendAudit(e AuditEntry) (AuditEntry, error)
	// CreateToken stores a token (its hash, never its secret) and
	// returns it with its ID; ipam.ErrExists when the name or hash is
	// taken.
	CreateToken(t Token) (Token, error)
	// RevokeToken marks a token revoked at at.
	RevokeToken(id int64, at time.Time) (Token, error)
}

// AllocationFilter selects allocations. Zero fields match everything.
type AllocationFilter struct {
	Pool    string
	Owner   string
	Cluster string
	Purpose string
	// State is ipam.StateLive, ipam.StateReleased or empty for both.
	State ipam.State
	// Overlapping keeps allocations that overlap this prefix.
	Overlapping netip.Prefix
	// AfterID keeps allocations with a larger ID, for paging.
	AfterID int64
	// Limit caps the result; 0 means no limit.
	Limit int
}

// ReservationFilter selects reservations. Zero fields match everything.
type ReservationFilter struct {
	Pool        string
	Owner       string
	State       ipam.State
	Overlapping netip.Prefix
	AfterID     int64
	Limit       int
}

// AuditFilter selects audit entries. Zero fields match everything.
type AuditFilter struct {
	// Subject keeps entries about this subject ("pool/vnets",
	// "allocation/12").
	Subject string
	// Pool keeps entries about this pool or anything in it.
	Pool string
	// Actor keeps entries made by this actor.
	Actor string
	// BeforeID keeps entries with a smaller ID, for paging backwards.
	BeforeID int64
	// Limit caps the result; 0 means no limit.
	Limit int
}

// Actor is who asks for a change, recorded in the audit log.
type Actor struct {
	// Name is the token name or user; required.
	Name string `json:"name"`
	// Remote is where the request came from (client address), if known.
	Remote string `json:"remote,omitempty"`
	// RequestID correlates the entry with server logs, if known.
	RequestID string `json:"requestId,omitempty"`
}

// AuditEntry is one change to the registry. The audit log is append-only:
// the database refuses updates and deletes.
type AuditEntry struct {
	// ID is assigned when the entry is written; IDs grow with time.
	ID int64 `json:"id"`
	// At is when the change was made.
	At time.Time `json:"at"`
	// Actor is who made it, from where, under which request ID.
	Actor Actor `json:"actor"`
	// Action is what was done: one of the Action* constants.
	Action string `json:"action"`
	// Pool is the pool the change is about, if any.
	Pool string `json:"pool,omitempty"`
	// Subject is the object changed: "pool/NAME", "allocation/ID",
	// "reservation/ID", "avoid/CIDR" or "token/ID".
	Subject string `json:"subject"`
	// Detail is the object after the change, as JSON.
	Detail string `json:"detail"`
}

// Audit actions.
const (
	ActionPoolCreate         = "pool.create"
	ActionPoolUpdate         = "pool.update"
	ActionPoolDelete         = "pool.delete"
	ActionAllocate           = "allocation.create"
	ActionRelease            = "allocation.release"
	ActionReserve            = "reservation.create"
	ActionReservationRelease = "reservation.release"
	ActionAvoidAdd           = "avoid.add"
	ActionAvoidRemove        = "avoid.remove"
	ActionTokenCreate        = "token.create"
	ActionTokenRevoke        = "token.revoke"
)

// Token is an API token. Only the SHA-256 hash of its secret is stored.
type Token struct {
	ID int64 `json:"id"`
	// Name identifies the token in the audit log; unique.
	Name string `json:"name"`
	// Hash is HashToken(secret).
	Hash []byte `json:"-"`
	// Scopes are what the token may do (see ipam.Permits).
	Scopes    []ipam.Scope `json:"scopes"`
	CreatedAt time.Time    `json:"createdAt"`
	// RevokedAt is when the token was revoked; zero while valid.
	RevokedAt time.Time `json:"revokedAt,omitzero"`
}
