package ipam

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
)

// Sentinel errors. Every error this package and the storage layer return
// for a refused request wraps exactly one of them, so callers (the HTTP
// server, the CLI) can map them with errors.Is: ErrInvalid to "bad
// request", ErrNotFound to "not found", the others to "conflict".
var (
	// ErrInvalid means the request itself is malformed: a bad name, a
	// prefix length out of range, a CIDR outside the pool.
	ErrInvalid = errors.New("invalid request")
	// ErrNotFound means a named pool, allocation, reservation or token
	// does not exist.
	ErrNotFound = errors.New("not found")
	// ErrExists means a pool or avoid range with that name or CIDR is
	// already registered.
	ErrExists = errors.New("already exists")
	// ErrConflict means the range overlaps something it may not overlap;
	// the error is a *ConflictError listing what.
	ErrConflict = errors.New("conflict")
	// ErrExhausted means no free block of the wanted size is left; the
	// error is an *ExhaustedError saying what is free.
	ErrExhausted = errors.New("no free space")
	// ErrIdempotencyMismatch means an idempotency key was reused for a
	// different request.
	ErrIdempotencyMismatch = errors.New("idempotency key reused with a different request")
	// ErrInUse means a pool still has live allocations or reservations,
	// or an allocation or reservation is already released.
	ErrInUse = errors.New("in use")
)

// InvalidError is a malformed request. Field is the JSON name of the
// offending field ("cidr", "need.pools[0].maxNodes"); Msg says what is
// wrong and how to fix it.
type InvalidError struct {
	Field string
	Msg   string
}

// Error returns "FIELD: MSG".
func (e *InvalidError) Error() string {
	if e.Field == "" {
		return e.Msg
	}
	return e.Field + ": " + e.Msg
}

// Is makes errors.Is(err, ErrInvalid) true.
func (e *InvalidError) Is(target error) bool { return target == ErrInvalid }

func invalid(field, format string, args ...any) error {
	return &InvalidError{Field: field, Msg: fmt.Sprintf(format, args...)}
}

// ConflictError is a range that overlaps what it may not.
type ConflictError struct {
	// CIDR is the range that was asked for.
	CIDR netip.Prefix
	// Conflicts are what it overlaps, in the order of [Check].
	Conflicts []Conflict
}

// Error names the range and every conflict.
func (e *ConflictError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s overlaps ", e.CIDR)
	for i, c := range e.Conflicts {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(c.String())
	}
	return b.String()
}

// Is makes errors.Is(err, ErrConflict) true.
func (e *ConflictError) Is(target error) bool { return target == ErrConflict }

// String describes the conflict in a few words: "allocation 12 10.1.0.0/24
// of team-a (cluster aks-1) in pool vnets", "avoid range 172.30.0.0/16
// (aks-internal)".
func (c Conflict) String() string {
	switch c.Kind {
	case ConflictAvoid:
		s := fmt.Sprintf("range to avoid %s (%s)", c.CIDR, c.Name)
		if c.Reason != "" {
			s += ": " + c.Reason
		}
		return s
	case ConflictPool:
		return fmt.Sprintf("pool %s %s", c.Pool, c.CIDR)
	}
	s := fmt.Sprintf("%s %d %s of %s", c.Kind, c.ID, c.CIDR, c.Owner)
	if c.Cluster != "" {
		s += " (cluster " + c.Cluster + ")"
	}
	return s + " in pool " + c.Pool
}

// ExhaustedError says that a pool has no free aligned block of the
// wanted length, and what it does have.
type ExhaustedError struct {
	Pool string
	// Within is the pool's CIDR, or the reservation searched.
	Within netip.Prefix
	// Bits is the prefix length asked for, What what it was for
	// ("a /24", "node subnet for 3 pools, 1,234 addresses").
	Bits int
	What string
	// Free is the number of free addresses; Largest the largest free
	// aligned block, zero when none.
	Free    uint64
	Largest netip.Prefix
}

// Error names the pool, what was wanted and what is free.
func (e *ExhaustedError) Error() string {
	s := fmt.Sprintf("pool %s has no free /%d inside %s for %s", e.Pool, e.Bits, e.Within, e.What)
	if e.Largest.IsValid() {
		return s + fmt.Sprintf("; %d addresses are free, the largest free block is %s (/%d)",
			e.Free, e.Largest, e.Largest.Bits())
	}
	return s + "; nothing is free"
}

// Is makes errors.Is(err, ErrExhausted) true.
func (e *ExhaustedError) Is(target error) bool { return target == ErrExhausted }
