// Package codec turns registry values into column values and back, the
// same way for every SQL backend.
package codec

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"strings"

	"github.com/aksnet/aksnet/cidr"
	"github.com/aksnet/aksnet/ipam"
)

// Key returns the sort key of address a: one byte for the family (4 or
// 6) and the 16-byte form of the address. Keys of one family compare
// like the addresses; every IPv4 key sorts before every IPv6 key, so a
// range test on keys never matches the other family.
func Key(a netip.Addr) []byte {
	b := make([]byte, 17)
	b[0] = 6
	if a.Is4() {
		b[0] = 4
	}
	s := a.As16()
	copy(b[1:], s[:])
	return b
}

// Bounds returns the keys of the first and last address of p.
func Bounds(p netip.Prefix) (first, last []byte) {
	return Key(p.Addr()), Key(cidr.LastAddr(p))
}

// Prefix parses a prefix column.
func Prefix(s string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("stored CIDR %q: %w", s, err)
	}
	return p, nil
}

// Tags encodes a tag map as a JSON object ("{}" when empty).
func Tags(m map[string]string) string {
	if len(m) == 0 {
		return "{}"
	}
	b, _ := json.Marshal(m) // a map of strings always marshals
	return string(b)
}

// ParseTags decodes a tag column; empty objects give nil.
func ParseTags(s string) (map[string]string, error) {
	if s == "" || s == "{}" {
		return nil, nil
	}
	var m map[string]string
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		return nil, fmt.Errorf("stored tags %q: %w", s, err)
	}
	if len(m) == 0 {
		return nil, nil
	}
	return m, nil
}

// Scopes encodes token scopes as one space-separated string.
func Scopes(ss []ipam.Scope) string {
	parts := make([]string, len(ss))
	for i, s := range ss {
		parts[i] = string(s)
	}
	return strings.Join(parts, " ")
}

// ParseScopes decodes a scope column.
func ParseScopes(s string) []ipam.Scope {
	var out []ipam.Scope
	for _, f := range strings.Fields(s) {
		out = append(out, ipam.Scope(f))
	}
	return out
}
