package ipam

import (
	"net/netip"
	"time"
)

// Purpose says what a pool's space is for. It decides nothing in the
// allocator; it tells people and tools which pool to ask.
type Purpose string

// Pool purposes.
const (
	// PurposeVNet is routable space for virtual networks and their subnets.
	PurposeVNet Purpose = "vnet"
	// PurposePodOverlay is space for kubenet and Azure CNI Overlay pod
	// CIDRs, which never appear on the virtual network.
	PurposePodOverlay Purpose = "pod-overlay"
	// PurposeService is space for Kubernetes Service CIDRs.
	PurposeService Purpose = "service"
	// PurposeOther is anything else.
	PurposeOther Purpose = "other"
)

// Purposes lists every pool purpose in a fixed order.
var Purposes = [...]Purpose{PurposeVNet, PurposePodOverlay, PurposeService, PurposeOther}

// State is the life-cycle state of an allocation or a reservation.
type State string

// States.
const (
	// StateLive is an allocation or reservation that holds its range.
	StateLive State = "live"
	// StateReleased is one that no longer holds it; it is kept for history.
	StateReleased State = "released"
)

// Pool is a block of address space the registry hands ranges out of.
// Pools never overlap each other.
type Pool struct {
	// Name identifies the pool: 1 to 63 lower-case letters, digits, '-',
	// '.' and '_', starting and ending with a letter or digit. It appears
	// in URLs and in token scopes (allocate:NAME).
	Name string `json:"name"`
	// CIDR is the pool's space, masked (no host bits).
	CIDR netip.Prefix `json:"cidr"`
	// Purpose says what the space is for.
	Purpose Purpose `json:"purpose"`
	// Tags are free key/value labels such as region=westeurope or
	// environment=prod (see [ValidateTags]).
	Tags map[string]string `json:"tags,omitempty"`
	// Description is free text for people.
	Description string `json:"description,omitempty"`
	// CreatedAt is when the pool was registered.
	CreatedAt time.Time `json:"createdAt"`
}

// Allocation is a range handed out of a pool.
type Allocation struct {
	// ID is assigned by storage when the allocation is first written; it
	// is 0 before that.
	ID int64 `json:"id"`
	// Pool is the name of the pool the range comes from.
	Pool string `json:"pool"`
	// CIDR is the allocated range, inside the pool's CIDR.
	CIDR netip.Prefix `json:"cidr"`
	// Owner is who holds the range: a team, a person or a system.
	Owner string `json:"owner"`
	// Cluster is the AKS cluster the range serves, if any.
	Cluster string `json:"cluster,omitempty"`
	// Purpose is what the range is used for, such as "node-subnet",
	// "pod-cidr" or "vnet"; a request sized by an AKS need defaults it to
	// the need's kind.
	Purpose string `json:"purpose,omitempty"`
	// Tags are free key/value labels.
	Tags map[string]string `json:"tags,omitempty"`
	// IdempotencyKey, when not empty, is unique within the pool: asking
	// again with the same key and the same request returns this
	// allocation instead of a new one.
	IdempotencyKey string `json:"idempotencyKey,omitempty"`
	// Request is the canonical form of the request that produced the
	// allocation (see [Request.Canonical]); a replay with the same
	// idempotency key must have the same canonical form.
	Request string `json:"request"`
	// Reservation is the ID of the reservation the range was taken from,
	// or 0.
	Reservation int64 `json:"reservation,omitempty"`
	// State is live until the range is released.
	State State `json:"state"`
	// CreatedAt is when the range was allocated; ReleasedAt when it was
	// released, zero while live.
	CreatedAt  time.Time `json:"createdAt"`
	ReleasedAt time.Time `json:"releasedAt,omitzero"`
}

// Reservation is a range held for an owner's future growth, not yet
// allocated. Nothing but a request naming the reservation, with the same
// owner, can take space inside it.
type Reservation struct {
	// ID is assigned by storage when the reservation is first written.
	ID int64 `json:"id"`
	// Pool is the name of the pool the range comes from.
	Pool string `json:"pool"`
	// CIDR is the reserved range.
	CIDR netip.Prefix `json:"cidr"`
	// Owner is who the range is held for; only requests with this owner
	// may allocate inside it.
	Owner string `json:"owner"`
	// Cluster, Purpose and Tags mean what they mean for an Allocation.
	Cluster string            `json:"cluster,omitempty"`
	Purpose string            `json:"purpose,omitempty"`
	Tags    map[string]string `json:"tags,omitempty"`
	// Note says why the range is held.
	Note string `json:"note,omitempty"`
	// State is live until the reservation is released. Releasing a
	// reservation does not release the allocations taken from it.
	State      State     `json:"state"`
	CreatedAt  time.Time `json:"createdAt"`
	ReleasedAt time.Time `json:"releasedAt,omitzero"`
}

// Avoid is a range no allocation or reservation may touch: on-premises
// networks, VPN client pools, peered networks outside the registry, and
// the ranges AKS and Azure refuse.
type Avoid struct {
	// CIDR is the range, masked.
	CIDR netip.Prefix `json:"cidr"`
	// Name is a short label such as "on-premises".
	Name string `json:"name"`
	// Reason says why the range is avoided.
	Reason string `json:"reason,omitempty"`
	// BuiltIn is true for the ranges of [BuiltInAvoid], which every
	// registry avoids and which storage never holds.
	BuiltIn bool `json:"builtIn,omitempty"`
}

// ConflictKind says what a checked range collides with.
type ConflictKind string

// Conflict kinds, in the order [Check] reports them for one range.
const (
	// ConflictAvoid is a range to avoid (built in or registered).
	ConflictAvoid ConflictKind = "avoid"
	// ConflictPool is a registered pool: its space is managed by the
	// registry and must be allocated from it, not used directly.
	ConflictPool ConflictKind = "pool"
	// ConflictReservation is a live reservation.
	ConflictReservation ConflictKind = "reservation"
	// ConflictAllocation is a live allocation.
	ConflictAllocation ConflictKind = "allocation"
)

// Conflict is one thing a range overlaps.
type Conflict struct {
	Kind ConflictKind `json:"kind"`
	// CIDR is the range of the thing overlapped.
	CIDR netip.Prefix `json:"cidr"`
	// Pool is the pool's name (pool, allocation and reservation conflicts).
	Pool string `json:"pool,omitempty"`
	// ID is the allocation or reservation ID.
	ID int64 `json:"id,omitempty"`
	// Owner and Cluster are the holder of an allocation or reservation.
	Owner   string `json:"owner,omitempty"`
	Cluster string `json:"cluster,omitempty"`
	// Name and Reason describe an avoid range.
	Name   string `json:"name,omitempty"`
	Reason string `json:"reason,omitempty"`
}

// Request asks for an allocation. Exactly one of Bits, Need and CIDR says
// what to allocate:
//
//   - Bits: the lowest free aligned prefix of that length;
//   - Need: the lowest free aligned prefix of the length an AKS need
//     works out to (see [Need]);
//   - CIDR: exactly that prefix (an explicit claim).
//
// Reservation, when not 0, names a live reservation of the same owner:
// the allocation is then taken inside it (and may only be taken there).
type Request struct {
	Pool        string       `json:"pool"`
	Bits        int          `json:"bits,omitempty"`
	Need        *Need        `json:"need,omitempty"`
	CIDR        netip.Prefix `json:"cidr,omitzero"`
	Reservation int64        `json:"reservation,omitempty"`
	// Owner is required; Cluster, Purpose and Tags are copied to the
	// allocation.
	Owner   string            `json:"owner"`
	Cluster string            `json:"cluster,omitempty"`
	Purpose string            `json:"purpose,omitempty"`
	Tags    map[string]string `json:"tags,omitempty"`
	// IdempotencyKey makes the request safe to retry; see
	// [Allocation.IdempotencyKey]. At most 200 printable characters.
	IdempotencyKey string `json:"idempotencyKey,omitempty"`
}

// ReserveRequest asks for a reservation: Bits, Need or CIDR as in a
// [Request], held for Owner.
type ReserveRequest struct {
	Pool    string            `json:"pool"`
	Bits    int               `json:"bits,omitempty"`
	Need    *Need             `json:"need,omitempty"`
	CIDR    netip.Prefix      `json:"cidr,omitzero"`
	Owner   string            `json:"owner"`
	Cluster string            `json:"cluster,omitempty"`
	Purpose string            `json:"purpose,omitempty"`
	Tags    map[string]string `json:"tags,omitempty"`
	Note    string            `json:"note,omitempty"`
}

// Usage summarises how full a pool is. Address counts saturate at
// math.MaxUint64 for very large IPv6 pools.
type Usage struct {
	Pool string       `json:"pool"`
	CIDR netip.Prefix `json:"cidr"`
	// Size is the number of addresses in the pool.
	Size uint64 `json:"size"`
	// Allocated is the number of addresses in live allocations.
	Allocated uint64 `json:"allocated"`
	// Reserved is the number of addresses in live reservations that are
	// not allocated.
	Reserved uint64 `json:"reserved"`
	// Avoided is the number of addresses in ranges to avoid that are
	// neither allocated nor reserved.
	Avoided uint64 `json:"avoided"`
	// Free is what is left: Size − Allocated − Reserved − Avoided.
	Free uint64 `json:"free"`
	// Largest is the largest free aligned block (the lowest of equal
	// size); zero when nothing is free.
	Largest netip.Prefix `json:"largest,omitzero"`
	// FreeBlocks are the free space as maximal aligned prefixes in
	// address order.
	FreeBlocks []netip.Prefix `json:"freeBlocks"`
	// Allocations and Reservations count the live ones.
	Allocations  int `json:"allocations"`
	Reservations int `json:"reservations"`
}
