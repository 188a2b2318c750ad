package cidr

import (
	"math/bits"
	"net/netip"
	"strconv"
	"strings"
	"unicode/utf8"
)

// ParseError is the error returned by [ParsePrefix] and [ParseAddr].
//
// Input is the string that was parsed, unmodified. Msg says what is wrong
// and names the input. Hint, which may be empty, suggests a fix.
type ParseError struct {
	Input string
	Msg   string
	Hint  string
}

// Error returns Msg, followed by "; " and Hint when Hint is not empty. The
// result is always a single line: Msg and Hint quote any input that
// contains spaces, control characters or invalid UTF-8.
func (e *ParseError) Error() string {
	if e.Hint == "" {
		return e.Msg
	}
	return e.Msg + "; " + e.Hint
}

// show returns s as it should appear in an error message: bare when it is
// plain printable text without spaces, quoted otherwise.
func show(s string) string {
	if s == "" || len(s) > 100 || !utf8.ValidString(s) {
		return strconv.Quote(s)
	}
	for _, r := range s {
		if r <= ' ' || r == '"' || r >= 0x7f {
			return strconv.Quote(s)
		}
	}
	return s
}

func parseErr(input, msg, hint string) *ParseError {
	return &ParseError{Input: input, Msg: msg, Hint: hint}
}

// ParsePrefix parses s as an IPv4 or IPv6 prefix in CIDR notation, such as
// "10.240.0.0/16" or "2001:db8::/48".
//
// ParsePrefix is stricter than [netip.ParsePrefix]. It returns a
// [*ParseError] if s
//
//   - is empty or has leading or trailing whitespace,
//   - has no "/length" part (a single address must be written as /32 or
//     /128),
//   - has a length that is not a plain decimal number in range (0 to 32 for
//     IPv4, 0 to 128 for IPv6),
//   - has an IPv6 zone, such as "fe80::%eth0/64",
//   - is an IPv4-mapped IPv6 prefix, such as "::ffff:10.0.0.0/104", or
//   - has host bits set, such as "10.0.0.1/24".
//
// A prefix returned without error is always valid and masked: p ==
// p.Masked(). IPv6 addresses may be written in any form that
// [netip.ParseAddr] accepts, including upper case hex digits and an
// embedded dotted IPv4 tail other than the IPv4-mapped form.
func ParsePrefix(s string) (netip.Prefix, error) {
	if s == "" {
		return netip.Prefix{}, parseErr(s, "empty prefix", "write a prefix such as 10.0.0.0/16")
	}
	if t := strings.TrimSpace(s); t != s {
		hint := "remove the surrounding whitespace"
		if p, err := ParsePrefix(t); err == nil {
			hint = "did you mean " + p.String() + "?"
		}
		return netip.Prefix{}, parseErr(s, show(s)+" has surrounding whitespace", hint)
	}
	slash := strings.LastIndexByte(s, '/')
	if slash < 0 {
		if a, err := netip.ParseAddr(s); err == nil && a.Zone() == "" && !a.Is4In6() {
			return netip.Prefix{}, parseErr(s, show(s)+" has no prefix length",
				"write "+a.String()+"/"+strconv.Itoa(a.BitLen())+" for a single address")
		}
		return netip.Prefix{}, parseErr(s, show(s)+" is not a CIDR prefix",
			"write address/length, such as 10.0.0.0/16 or 2001:db8::/48")
	}
	addrPart, lenPart := s[:slash], s[slash+1:]
	if i := strings.IndexByte(addrPart, '%'); i >= 0 {
		return netip.Prefix{}, parseErr(s, show(s)+" has an IPv6 zone",
			"prefixes cannot carry a zone; remove "+show(addrPart[i:]))
	}
	a, err := netip.ParseAddr(addrPart)
	if err != nil {
		return netip.Prefix{}, parseErr(s, show(s)+" has an invalid address "+strconv.Quote(addrPart),
			"write a dotted IPv4 address or an IPv6 address before the /")
	}
	bitsLen, ok := parseBits(lenPart)
	if !ok || bitsLen > a.BitLen() {
		fam := "IPv4"
		if a.Is6() {
			fam = "IPv6"
		}
		hint := fam + " prefix lengths are 0 to " + strconv.Itoa(a.BitLen())
		if n, ok := netmaskBits(lenPart); ok && a.Is4() {
			hint = "write the length, not a netmask: " + netip.PrefixFrom(a, n).Masked().String()
		}
		return netip.Prefix{}, parseErr(s, show(s)+" has an invalid prefix length "+strconv.Quote(lenPart), hint)
	}
	p := netip.PrefixFrom(a, bitsLen)
	if a.Is4In6() && bitsLen >= 96 {
		v4 := netip.PrefixFrom(a.Unmap(), bitsLen-96).Masked()
		return netip.Prefix{}, parseErr(s, show(s)+" is an IPv4-mapped IPv6 prefix",
			"write the IPv4 form "+v4.String())
	}
	if m := p.Masked(); m != p {
		return netip.Prefix{}, parseErr(s, show(s)+" has host bits set",
			"did you mean "+m.String()+"?")
	}
	return p, nil
}

// parseBits parses a prefix length: one to three decimal digits without a
// sign or leading zeros.
func parseBits(s string) (int, bool) {
	if s == "" || len(s) > 3 || (len(s) > 1 && s[0] == '0') {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// netmaskBits reports the prefix length of s if s is a dotted IPv4 netmask
// with contiguous ones, such as 255.255.0.0.
func netmaskBits(s string) (int, bool) {
	m, err := netip.ParseAddr(s)
	if err != nil || !m.Is4() {
		return 0, false
	}
	b := m.As4()
	v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	ones := bits.LeadingZeros32(^v)
	if v<<uint(ones) != 0 {
		return 0, false
	}
	return ones, true
}

// ParseAddr parses s as a single IPv4 or IPv6 address, such as "10.0.0.4"
// or "2001:db8::1".
//
// ParseAddr is stricter than [netip.ParseAddr]: it returns a [*ParseError]
// if s is empty, has leading or trailing whitespace, has an IPv6 zone, is
// an IPv4-mapped IPv6 address such as "::ffff:10.0.0.4", or is a prefix
// rather than an address. The returned address is always valid, has no
// zone and is never IPv4-mapped.
func ParseAddr(s string) (netip.Addr, error) {
	if s == "" {
		return netip.Addr{}, parseErr(s, "empty address", "write an address such as 10.0.0.4")
	}
	if t := strings.TrimSpace(s); t != s {
		hint := "remove the surrounding whitespace"
		if a, err := ParseAddr(t); err == nil {
			hint = "did you mean " + a.String() + "?"
		}
		return netip.Addr{}, parseErr(s, show(s)+" has surrounding whitespace", hint)
	}
	if strings.IndexByte(s, '/') >= 0 {
		return netip.Addr{}, parseErr(s, show(s)+" is a prefix, not an address",
			"write the address without /length")
	}
	if i := strings.IndexByte(s, '%'); i >= 0 {
		return netip.Addr{}, parseErr(s, show(s)+" has an IPv6 zone",
			"remove "+show(s[i:]))
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}, parseErr(s, show(s)+" is not an IP address",
			"write a dotted IPv4 address or an IPv6 address")
	}
	if a.Is4In6() {
		return netip.Addr{}, parseErr(s, show(s)+" is an IPv4-mapped IPv6 address",
			"write the IPv4 form "+a.Unmap().String())
	}
	return a, nil
}

// MustParsePrefix is like [ParsePrefix] but panics on error. It is meant
// for tests and for constants in examples; code handling user input should
// call ParsePrefix.
func MustParsePrefix(s string) netip.Prefix {
	p, err := ParsePrefix(s)
	if err != nil {
		panic(err)
	}
	return p
}

// MustParseAddr is like [ParseAddr] but panics on error. It is meant for
// tests and for constants in examples; code handling user input should call
// ParseAddr.
func MustParseAddr(s string) netip.Addr {
	a, err := ParseAddr(s)
	if err != nil {
		panic(err)
	}
	return a
}
