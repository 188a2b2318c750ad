package ipam

import (
	"fmt"
	"net/netip"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits on names and labels.
const (
	maxName   = 63
	maxLabel  = 128
	maxKey    = 200
	maxText   = 1024
	maxTags   = 64
	maxTagKey = 63
	maxTagVal = 256
)

// ValidatePoolName reports whether s is a usable pool name: 1 to 63
// lower-case letters, digits, '-', '.' and '_', starting and ending with a
// letter or digit.
func ValidatePoolName(s string) error {
	if s == "" {
		return invalid("pool", "missing pool name")
	}
	if len(s) > maxName {
		return invalid("pool", "pool name %q is longer than %d characters", s, maxName)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		alnum := c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
		if alnum {
			continue
		}
		if (c == '-' || c == '.' || c == '_') && i > 0 && i < len(s)-1 {
			continue
		}
		return invalid("pool", "pool name %q: use lower-case letters, digits, '-', '.' and '_', starting and ending with a letter or digit", s)
	}
	return nil
}

// validLabel checks a short free-text label (owner, cluster, purpose):
// printable, no leading or trailing space, at most max bytes.
func validLabel(field, s string, required bool, max int) error {
	if s == "" {
		if required {
			return invalid(field, "missing")
		}
		return nil
	}
	if len(s) > max {
		return invalid(field, "longer than %d bytes", max)
	}
	if !utf8.ValidString(s) {
		return invalid(field, "not valid UTF-8")
	}
	if strings.TrimSpace(s) != s {
		return invalid(field, "%q has leading or trailing space", s)
	}
	for _, r := range s {
		if !unicode.IsPrint(r) {
			return invalid(field, "%q contains a control or non-printable character", s)
		}
	}
	return nil
}

// validText checks free text (descriptions, notes, reasons): valid UTF-8,
// no control characters other than newline and tab.
func validText(field, s string) error {
	if len(s) > maxText {
		return invalid(field, "longer than %d bytes", maxText)
	}
	if !utf8.ValidString(s) {
		return invalid(field, "not valid UTF-8")
	}
	for _, r := range s {
		if r != '\n' && r != '\t' && !unicode.IsPrint(r) {
			return invalid(field, "contains a control character")
		}
	}
	return nil
}

// ValidateTags checks a tag map: at most 64 tags; keys of 1 to 63 ASCII
// letters, digits, '-', '_', '.' and '/' (region, environment,
// example.com/team); printable values of at most 256 bytes.
func ValidateTags(field string, tags map[string]string) error {
	if len(tags) > maxTags {
		return invalid(field, "at most %d tags, got %d", maxTags, len(tags))
	}
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if k == "" || len(k) > maxTagKey {
			return invalid(field, "tag key %q must be 1 to %d characters", k, maxTagKey)
		}
		for i := 0; i < len(k); i++ {
			c := k[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == '/') {
				return invalid(field, "tag key %q: use letters, digits, '-', '_', '.' and '/'", k)
			}
		}
		if err := validLabel(field+"."+k, tags[k], false, maxTagVal); err != nil {
			return err
		}
	}
	return nil
}

// validPrefix checks a prefix a user gave: valid and without host bits.
func validPrefix(field string, p netip.Prefix) error {
	if !p.IsValid() {
		return invalid(field, "missing or invalid CIDR")
	}
	if p.Addr().Zone() != "" {
		return invalid(field, "%s has an IPv6 zone; write the prefix without it", p)
	}
	if p.Addr().Is4In6() {
		return invalid(field, "%s is an IPv4-mapped IPv6 prefix; write it as IPv4", p)
	}
	if m := p.Masked(); m != p {
		return invalid(field, "%s has host bits set; did you mean %s?", p, m)
	}
	return nil
}

// Validate checks a pool before it is registered: name, CIDR, purpose,
// tags and description.
func (p *Pool) Validate() error {
	if err := ValidatePoolName(p.Name); err != nil {
		return &InvalidError{Field: "name", Msg: err.(*InvalidError).Msg}
	}
	if err := validPrefix("cidr", p.CIDR); err != nil {
		return err
	}
	switch p.Purpose {
	case PurposeVNet, PurposePodOverlay, PurposeService, PurposeOther:
	case "":
		return invalid("purpose", "missing; use vnet, pod-overlay, service or other")
	default:
		return invalid("purpose", "unknown purpose %q; use vnet, pod-overlay, service or other", p.Purpose)
	}
	if err := ValidateTags("tags", p.Tags); err != nil {
		return err
	}
	return validText("description", p.Description)
}

// Validate checks an avoid range before it is registered.
func (a *Avoid) Validate() error {
	if err := validPrefix("cidr", a.CIDR); err != nil {
		return err
	}
	if err := validLabel("name", a.Name, true, maxLabel); err != nil {
		return err
	}
	if a.BuiltIn {
		return invalid("builtIn", "built-in ranges cannot be registered; they are always avoided")
	}
	return validText("reason", a.Reason)
}

// what says what a request asks for, for messages and canonical forms.
type shape struct {
	bits   int
	need   *Need
	cidr   netip.Prefix
	sizing Sizing
}

// resolveShape checks that exactly one of bits, need and cidr is set and
// works out the prefix length.
func resolveShape(bits int, need *Need, cidr netip.Prefix) (shape, error) {
	n := 0
	if bits != 0 {
		n++
	}
	if need != nil {
		n++
	}
	if cidr.IsValid() {
		n++
	}
	if n != 1 {
		return shape{}, invalid("", "give exactly one of bits (a prefix length), need (an AKS need) and cidr (an explicit claim)")
	}
	s := shape{bits: bits, need: need, cidr: cidr}
	switch {
	case cidr.IsValid():
		if err := validPrefix("cidr", cidr); err != nil {
			return shape{}, err
		}
		s.bits = cidr.Bits()
	case need != nil:
		sz, err := need.Size()
		if err != nil {
			return shape{}, err
		}
		s.sizing, s.bits = sz, sz.Bits
	default:
		if bits < 0 || bits > 128 {
			return shape{}, invalid("bits", "prefix length %d is out of range", bits)
		}
	}
	return s, nil
}

// canonicalTags writes tags as k=v pairs sorted by key, quoted.
func canonicalTags(tags map[string]string) string {
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%q=%q", k, tags[k])
	}
	return b.String()
}
