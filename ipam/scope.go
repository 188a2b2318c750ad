package ipam

import "strings"

// Scope is a permission held by an API token: "read", "admin" or
// "allocate:POOL".
//
//   - read: list and look at everything (pools, allocations, reservations,
//     conflict checks, usage, the audit log).
//   - allocate:POOL: read, plus allocate, release and reserve in pool
//     POOL.
//   - admin: everything, including pools, ranges to avoid, imports and
//     tokens.
type Scope string

// Fixed scopes.
const (
	ScopeRead  Scope = "read"
	ScopeAdmin Scope = "admin"
)

// scopeAllocatePrefix starts a per-pool allocation scope.
const scopeAllocatePrefix = "allocate:"

// ScopeAllocate returns the scope that allows allocating in pool.
func ScopeAllocate(pool string) Scope { return Scope(scopeAllocatePrefix + pool) }

// ParseScope checks s and returns it as a Scope: "read", "admin" or
// "allocate:" followed by a valid pool name.
func ParseScope(s string) (Scope, error) {
	switch Scope(s) {
	case ScopeRead, ScopeAdmin:
		return Scope(s), nil
	}
	if pool, ok := strings.CutPrefix(s, scopeAllocatePrefix); ok {
		if err := ValidatePoolName(pool); err != nil {
			return "", invalid("scope", "%q: %s", s, err.(*InvalidError).Msg)
		}
		return Scope(s), nil
	}
	return "", invalid("scope", "unknown scope %q; use read, admin or allocate:POOL", s)
}

// Action is what a request wants to do, for [Permits].
type Action int

// Actions.
const (
	// ActionRead reads registry state.
	ActionRead Action = iota
	// ActionAllocate allocates, releases or reserves in one pool.
	ActionAllocate
	// ActionAdmin changes pools, ranges to avoid or tokens, or imports.
	ActionAdmin
)

// Permits reports whether a token with scopes may perform action on pool
// (pool matters only for ActionAllocate). Unknown scopes grant nothing.
func Permits(scopes []Scope, action Action, pool string) bool {
	for _, s := range scopes {
		switch {
		case s == ScopeAdmin:
			return true
		case s == ScopeRead && action == ActionRead:
			return true
		case strings.HasPrefix(string(s), scopeAllocatePrefix):
			if action == ActionRead {
				return true
			}
			if action == ActionAllocate && pool != "" && string(s) == scopeAllocatePrefix+pool {
				return true
			}
		}
	}
	return false
}
