package store

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aksnet/aksnet/ipam"
)

// ErrUnauthenticated means a token secret is unknown or revoked.
var ErrUnauthenticated = errors.New("unknown or revoked token")

// Registry is the address registry: every change runs as one transaction
// that reads the pool's state, decides with package ipam, writes the
// result and appends one audit entry. It is safe for concurrent use, and
// several Registries (in several processes) may share one database.
type Registry struct {
	store Store
	now   func() time.Time
}

// NewRegistry returns a Registry over s. now gives the time recorded on
// changes; nil means time.Now.
func NewRegistry(s Store, now func() time.Time) *Registry {
	if now == nil {
		now = time.Now
	}
	return &Registry{store: s, now: now}
}

// Store returns the store the registry works on, for reads.
func (r *Registry) Store() Store { return r.store }

func (r *Registry) stamp() time.Time { return r.now().UTC().Truncate(time.Microsecond) }

func checkActor(a Actor) error {
	if strings.TrimSpace(a.Name) == "" {
		return &ipam.InvalidError{Field: "actor", Msg: "every change needs an actor name for the audit log"}
	}
	return nil
}

// audit appends the entry for a change made in tx.
func audit(tx Tx, at time.Time, a Actor, action, pool, subject string, detail any) error {
	js, err := json.Marshal(detail)
	if err != nil {
		return fmt.Errorf("audit detail: %w", err)
	}
	_, err = tx.AppendAudit(AuditEntry{At: at, Actor: a, Action: action, Pool: pool, Subject: subject, Detail: string(js)})
	return err
}

// CreatePool registers a new pool (see ipam.CheckPool for what is
// refused) and returns it with its creation time.
func (r *Registry) CreatePool(ctx context.Context, a Actor, p ipam.Pool) (ipam.Pool, error) {
	if err := checkActor(a); err != nil {
		return ipam.Pool{}, err
	}
	p.CreatedAt = r.stamp()
	err := r.store.Update(ctx, func(tx Tx) error {
		pools, err := tx.Pools()
		if err != nil {
			return err
		}
		if err := ipam.CheckPool(pools, p); err != nil {
			return err
		}
		if err := tx.CreatePool(p); err != nil {
			return err
		}
		return audit(tx, p.CreatedAt, a, ActionPoolCreate, p.Name, "pool/"+p.Name, p)
	})
	if err != nil {
		return ipam.Pool{}, err
	}
	return p, nil
}

// UpdatePool changes the purpose, tags and description of pool p.Name.
func (r *Registry) UpdatePool(ctx context.Context, a Actor, p ipam.Pool) (ipam.Pool, error) {
	if err := checkActor(a); err != nil {
		return ipam.Pool{}, err
	}
	var out ipam.Pool
	err := r.store.Update(ctx, func(tx Tx) error {
		old, err := tx.Pool(p.Name)
		if err != nil {
			return err
		}
		out = old
		out.Purpose, out.Tags, out.Description = p.Purpose, p.Tags, p.Description
		if err := out.Validate(); err != nil {
			return err
		}
		if err := tx.UpdatePool(out); err != nil {
			return err
		}
		return audit(tx, r.stamp(), a, ActionPoolUpdate, p.Name, "pool/"+p.Name, out)
	})
	return out, err
}

// DeletePool removes a pool without live allocations or reservations.
func (r *Registry) DeletePool(ctx context.Context, a Actor, name string) error {
	if err := checkActor(a); err != nil {
		return err
	}
	return r.store.Update(ctx, func(tx Tx) error {
		sp, err := tx.Space(name)
		if err != nil {
			return err
		}
		if n, m := len(sp.Allocations()), len(sp.Reservations()); n+m > 0 {
			return fmt.Errorf("%w: pool %s still has %d live allocations and %d live reservations; release them first",
				ipam.ErrInUse, name, n, m)
		}
		if err := tx.DeletePool(name); err != nil {
			return err
		}
		return audit(tx, r.stamp(), a, ActionPoolDelete, name, "pool/"+name, sp.Pool())
	})
}

// Allocate places req (see ipam.Space.Allocate) and stores the result.
// When req has an idempotency key already used in the pool, Allocate
// returns the allocation made then, with replayed true, if the request
// is the same (ipam.Allocation.Replays) and an error wrapping
// ipam.ErrIdempotencyMismatch if not; a replay writes nothing.
func (r *Registry) Allocate(ctx context.Context, a Actor, req ipam.Request) (alloc ipam.Allocation, replayed bool, err error) {
	if err := checkActor(a); err != nil {
		return ipam.Allocation{}, false, err
	}
	if err := ipam.ValidatePoolName(req.Pool); err != nil {
		return ipam.Allocation{}, false, err
	}
	err = r.store.Update(ctx, func(tx Tx) error {
		replayed = false
		sp, err := tx.Space(req.Pool)
		if err != nil {
			return err
		}
		if req.IdempotencyKey != "" {
			old, err := tx.AllocationByKey(req.Pool, req.IdempotencyKey)
			switch {
			case err == nil:
				if err := old.Replays(&req); err != nil {
					return err
				}
				alloc, replayed = old, true
				return nil
			case !errors.Is(err, ipam.ErrNotFound):
				return err
			}
		}
		at := r.stamp()
		dec, err := sp.Allocate(req, at)
		if err != nil {
			return err
		}
		if alloc, err = tx.InsertAllocation(dec); err != nil {
			return err
		}
		return audit(tx, at, a, ActionAllocate, alloc.Pool, "allocation/"+strconv.FormatInt(alloc.ID, 10), alloc)
	})
	if err != nil {
		return ipam.Allocation{}, false, err
	}
	return alloc, replayed, nil
}

// Release releases live allocation id and returns it. When pool is not
// empty, the allocation must belong to it (ipam.ErrNotFound otherwise),
// so a caller that checked a per-pool permission cannot release outside
// the pool. Releasing a released allocation wraps ipam.ErrInUse.
func (r *Registry) Release(ctx context.Context, a Actor, pool string, id int64) (ipam.Allocation, error) {
	if err := checkActor(a); err != nil {
		return ipam.Allocation{}, err
	}
	var out ipam.Allocation
	err := r.store.Update(ctx, func(tx Tx) error {
		cur, err := tx.Allocation(id)
		if err != nil {
			return err
		}
		if pool != "" && cur.Pool != pool {
			return fmt.Errorf("%w: allocation %d is not in pool %s", ipam.ErrNotFound, id, pool)
		}
		if _, err := tx.Space(cur.Pool); err != nil { // lock the pool
			return err
		}
		at := r.stamp()
		if out, err = tx.ReleaseAllocation(id, at); err != nil {
			return err
		}
		return audit(tx, at, a, ActionRelease, out.Pool, "allocation/"+strconv.FormatInt(id, 10), out)
	})
	return out, err
}

// Reserve places req (see ipam.Space.Reserve) and stores the result.
func (r *Registry) Reserve(ctx context.Context, a Actor, req ipam.ReserveRequest) (ipam.Reservation, error) {
	if err := checkActor(a); err != nil {
		return ipam.Reservation{}, err
	}
	if err := ipam.ValidatePoolName(req.Pool); err != nil {
		return ipam.Reservation{}, err
	}
	var out ipam.Reservation
	err := r.store.Update(ctx, func(tx Tx) error {
		sp, err := tx.Space(req.Pool)
		if err != nil {
			return err
		}
		at := r.stamp()
		dec, err := sp.Reserve(req, at)
		if err != nil {
			return err
		}
		if out, err = tx.InsertReservation(dec); err != nil {
			return err
		}
		return audit(tx, at, a, ActionReserve, out.Pool, "reservation/"+strconv.FormatInt(out.ID, 10), out)
	})
	return out, err
}

// ReleaseReservation releases live reservation id, like Release.
// Allocations taken from it stay.
func (r *Registry) ReleaseReservation(ctx context.Context, a Actor, pool string, id int64) (ipam.Reservation, error) {
	if err := checkActor(a); err != nil {
		return ipam.Reservation{}, err
	}
	var out ipam.Reservation
	err := r.store.Update(ctx, func(tx Tx) error {
		cur, err := tx.Reservation(id)
		if err != nil {
			return err
		}
		if pool != "" && cur.Pool != pool {
			return fmt.Errorf("%w: reservation %d is not in pool %s", ipam.ErrNotFound, id, pool)
		}
		if _, err := tx.Space(cur.Pool); err != nil {
			return err
		}
		at := r.stamp()
		if out, err = tx.ReleaseReservation(id, at); err != nil {
			return err
		}
		return audit(tx, at, a, ActionReservationRelease, out.Pool, "reservation/"+strconv.FormatInt(id, 10), out)
	})
	return out, err
}

// AddAvoid registers a range to avoid. Existing allocations that overlap
// it stay (Check reports them); new ones avoid it.
func (r *Registry) AddAvoid(ctx context.Context, a Actor, av ipam.Avoid) (ipam.Avoid, error) {
	if err := checkActor(a); err != nil {
		return ipam.Avoid{}, err
	}
	if err := av.Validate(); err != nil {
		return ipam.Avoid{}, err
	}
	err := r.store.Update(ctx, func(tx Tx) error {
		if err := lockOverlapping(tx, av.CIDR); err != nil {
			return err
		}
		if err := tx.AddAvoid(av); err != nil {
			return err
		}
		return audit(tx, r.stamp(), a, ActionAvoidAdd, "", "avoid/"+av.CIDR.String(), av)
	})
	return av, err
}

// RemoveAvoid removes the registered range to avoid with CIDR p.
func (r *Registry) RemoveAvoid(ctx context.Context, a Actor, p netip.Prefix) (ipam.Avoid, error) {
	if err := checkActor(a); err != nil {
		return ipam.Avoid{}, err
	}
	var out ipam.Avoid
	err := r.store.Update(ctx, func(tx Tx) error {
		if err := lockOverlapping(tx, p); err != nil {
			return err
		}
		var err error
		if out, err = tx.RemoveAvoid(p); err != nil {
			return err
		}
		return audit(tx, r.stamp(), a, ActionAvoidRemove, "", "avoid/"+p.String(), out)
	})
	return out, err
}

// lockOverlapping locks every pool p overlaps, so that no allocation in
// them is decided on a stale avoid list.
func lockOverlapping(tx Tx, p netip.Prefix) error {
	pools, err := tx.Pools()
	if err != nil {
		return err
	}
	for _, pl := range pools {
		if pl.CIDR.Overlaps(p) {
			if _, err := tx.Space(pl.Name); err != nil {
				return err
			}
		}
	}
	return nil
}

// Check lists everything p overlaps (see ipam.Check).
func (r *Registry) Check(ctx context.Context, p netip.Prefix) ([]ipam.Conflict, error) {
	var out []ipam.Conflict
	err := r.store.View(ctx, func(tx ReadTx) error {
		snap, err := tx.Overlapping(p)
		if err != nil {
			return err
		}
		out, err = ipam.Check(snap, p)
		return err
	})
	return out, err
}

// Usage summarises how full the named pool is.
func (r *Registry) Usage(ctx context.Context, pool string) (ipam.Usage, error) {
	var out ipam.Usage
	err := r.store.View(ctx, func(tx ReadTx) error {
		sp, err := tx.Space(pool)
		if err != nil {
			return err
		}
		out = sp.Usage()
		return nil
	})
	return out, err
}

// tokenPrefix starts every token secret, so leaked secrets are easy to
// recognise and scan for.
const tokenPrefix = "aksnet_"

// NewTokenSecret reads 32 random bytes from rand (crypto/rand.Reader in
// production) and returns a token secret: "aksnet_" and 43 URL-safe
// base64 characters.
func NewTokenSecret(rand io.Reader) (string, error) {
	var b [32]byte
	if _, err := io.ReadFull(rand, b[:]); err != nil {
		return "", fmt.Errorf("token secret: %w", err)
	}
	return tokenPrefix + base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// HashToken returns the SHA-256 hash of a token secret, the form tokens
// are stored and looked up in. Secrets carry 256 random bits, so a fast
// hash is enough; a slow password hash would add nothing.
func HashToken(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

// CreateToken creates a token with the given name and scopes, reading
// randomness from rand, and returns its secret (shown once, never
// stored) and the stored token.
func (r *Registry) CreateToken(ctx context.Context, a Actor, name string, scopes []ipam.Scope, rand io.Reader) (string, Token, error) {
	if err := checkActor(a); err != nil {
		return "", Token{}, err
	}
	if err := ipam.ValidatePoolName(name); err != nil {
		return "", Token{}, &ipam.InvalidError{Field: "name", Msg: "token name " + strings.TrimPrefix(err.(*ipam.InvalidError).Msg, "pool name ")}
	}
	if len(scopes) == 0 {
		return "", Token{}, &ipam.InvalidError{Field: "scopes", Msg: "give at least one scope: read, admin or allocate:POOL"}
	}
	for _, s := range scopes {
		if _, err := ipam.ParseScope(string(s)); err != nil {
			return "", Token{}, err
		}
	}
	secret, err := NewTokenSecret(rand)
	if err != nil {
		return "", Token{}, err
	}
	t := Token{Name: name, Hash: HashToken(secret), Scopes: slices.Clone(scopes), CreatedAt: r.stamp()}
	err = r.store.Update(ctx, func(tx Tx) error {
		var err error
		if t, err = tx.CreateToken(t); err != nil {
			return err
		}
		return audit(tx, t.CreatedAt, a, ActionTokenCreate, "", "token/"+strconv.FormatInt(t.ID, 10), t)
	})
	if err != nil {
		return "", Token{}, err
	}
	return secret, t, nil
}

// RevokeToken revokes token id.
func (r *Registry) RevokeToken(ctx context.Context, a Actor, id int64) (Token, error) {
	if err := checkActor(a); err != nil {
		return Token{}, err
	}
	var out Token
	err := r.store.Update(ctx, func(tx Tx) error {
		var err error
		if out, err = tx.RevokeToken(id, r.stamp()); err != nil {
			return err
		}
		return audit(tx, out.RevokedAt, a, ActionTokenRevoke, "", "token/"+strconv.FormatInt(id, 10), out)
	})
	return out, err
}

// Authenticate returns the valid token whose secret is secret; the error
// is ErrUnauthenticated for unknown and revoked tokens.
func (r *Registry) Authenticate(ctx context.Context, secret string) (Token, error) {
	if !strings.HasPrefix(secret, tokenPrefix) {
		return Token{}, ErrUnauthenticated
	}
	h := HashToken(secret)
	var t Token
	err := r.store.View(ctx, func(tx ReadTx) error {
		var err error
		t, err = tx.TokenByHash(h)
		return err
	})
	switch {
	case errors.Is(err, ipam.ErrNotFound):
		return Token{}, ErrUnauthenticated
	case err != nil:
		return Token{}, err
	case subtle.ConstantTimeCompare(t.Hash, h) != 1 || !t.RevokedAt.IsZero():
		return Token{}, ErrUnauthenticated
	}
	return t, nil
}
