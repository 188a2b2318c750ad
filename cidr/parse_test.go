package cidr_test

import (
	"errors"
	"net/netip"
	"strings"
	"testing"

	"github.com/aksnet/aksnet/cidr"
)

func TestParsePrefix(t *testing.T) {
	tests := []struct {
		in      string
		want    string // canonical prefix; empty when an error is expected
		wantErr string // exact Error() text when an error is expected
	}{
		// Valid.
		{in: "10.0.0.0/8", want: "10.0.0.0/8"},
		{in: "10.240.0.0/16", want: "10.240.0.0/16"},
		{in: "0.0.0.0/0", want: "0.0.0.0/0"},
		{in: "10.0.0.5/32", want: "10.0.0.5/32"},
		{in: "192.168.1.128/25", want: "192.168.1.128/25"},
		{in: "::/0", want: "::/0"},
		{in: "2001:db8::/32", want: "2001:db8::/32"},
		{in: "2001:DB8::/32", want: "2001:db8::/32"},
		{in: "2001:0db8:0000::/48", want: "2001:db8::/48"},
		{in: "2001:db8::1/128", want: "2001:db8::1/128"},
		{in: "fd00:1:2:3::/64", want: "fd00:1:2:3::/64"},
		{in: "::1.2.3.4/128", want: "::102:304/128"},

		// Host bits set.
		{in: "10.0.0.1/24", wantErr: "10.0.0.1/24 has host bits set; did you mean 10.0.0.0/24?"},
		{in: "10.240.17.0/16", wantErr: "10.240.17.0/16 has host bits set; did you mean 10.240.0.0/16?"},
		{in: "192.168.1.1/0", wantErr: "192.168.1.1/0 has host bits set; did you mean 0.0.0.0/0?"},
		{in: "2001:db8::1/64", wantErr: "2001:db8::1/64 has host bits set; did you mean 2001:db8::/64?"},
		{in: "::ffff:10.0.0.0/80", wantErr: "::ffff:10.0.0.0/80 has host bits set; did you mean ::/80?"},

		// Zones.
		{in: "fe80::1%eth0/64", wantErr: "fe80::1%eth0/64 has an IPv6 zone; prefixes cannot carry a zone; remove %eth0"},
		{in: "fe80::%1/64", wantErr: "fe80::%1/64 has an IPv6 zone; prefixes cannot carry a zone; remove %1"},

		// IPv4-mapped IPv6.
		{in: "::ffff:10.0.0.0/104", wantErr: "::ffff:10.0.0.0/104 is an IPv4-mapped IPv6 prefix; write the IPv4 form 10.0.0.0/8"},
		{in: "::ffff:a00:0/104", wantErr: "::ffff:a00:0/104 is an IPv4-mapped IPv6 prefix; write the IPv4 form 10.0.0.0/8"},
		{in: "::ffff:0.0.0.0/96", wantErr: "::ffff:0.0.0.0/96 is an IPv4-mapped IPv6 prefix; write the IPv4 form 0.0.0.0/0"},
		{in: "::ffff:10.1.2.3/128", wantErr: "::ffff:10.1.2.3/128 is an IPv4-mapped IPv6 prefix; write the IPv4 form 10.1.2.3/32"},

		// Missing length.
		{in: "10.0.0.5", wantErr: "10.0.0.5 has no prefix length; write 10.0.0.5/32 for a single address"},
		{in: "2001:db8::5", wantErr: "2001:db8::5 has no prefix length; write 2001:db8::5/128 for a single address"},
		{in: "10.0.0.0/", wantErr: `10.0.0.0/ has an invalid prefix length ""; IPv4 prefix lengths are 0 to 32`},

		// Bad lengths.
		{in: "10.0.0.0/33", wantErr: `10.0.0.0/33 has an invalid prefix length "33"; IPv4 prefix lengths are 0 to 32`},
		{in: "2001:db8::/129", wantErr: `2001:db8::/129 has an invalid prefix length "129"; IPv6 prefix lengths are 0 to 128`},
		{in: "10.0.0.0/-1", wantErr: `10.0.0.0/-1 has an invalid prefix length "-1"; IPv4 prefix lengths are 0 to 32`},
		{in: "10.0.0.0/+8", wantErr: `10.0.0.0/+8 has an invalid prefix length "+8"; IPv4 prefix lengths are 0 to 32`},
		{in: "10.0.0.0/08", wantErr: `10.0.0.0/08 has an invalid prefix length "08"; IPv4 prefix lengths are 0 to 32`},
		{in: "10.0.0.0/8a", wantErr: `10.0.0.0/8a has an invalid prefix length "8a"; IPv4 prefix lengths are 0 to 32`},
		{in: "10.0.0.0/0000000008", wantErr: `10.0.0.0/0000000008 has an invalid prefix length "0000000008"; IPv4 prefix lengths are 0 to 32`},
		{in: "10.0.0.0/255.0.0.0", wantErr: `10.0.0.0/255.0.0.0 has an invalid prefix length "255.0.0.0"; write the length, not a netmask: 10.0.0.0/8`},
		{in: "10.1.2.0/255.255.255.0", wantErr: `10.1.2.0/255.255.255.0 has an invalid prefix length "255.255.255.0"; write the length, not a netmask: 10.1.2.0/24`},
		{in: "10.1.2.3/255.255.255.0", wantErr: `10.1.2.3/255.255.255.0 has an invalid prefix length "255.255.255.0"; write the length, not a netmask: 10.1.2.0/24`},
		{in: "10.0.0.0/255.0.255.0", wantErr: `10.0.0.0/255.0.255.0 has an invalid prefix length "255.0.255.0"; IPv4 prefix lengths are 0 to 32`},
		{in: "2001:db8::/255.0.0.0", wantErr: `2001:db8::/255.0.0.0 has an invalid prefix length "255.0.0.0"; IPv6 prefix lengths are 0 to 128`},

		// Whitespace.
		{in: " 10.0.0.0/8", wantErr: `" 10.0.0.0/8" has surrounding whitespace; did you mean 10.0.0.0/8?`},
		{in: "10.0.0.0/8\n", wantErr: `"10.0.0.0/8\n" has surrounding whitespace; did you mean 10.0.0.0/8?`},
		{in: "\t10.0.0.1/8 ", wantErr: `"\t10.0.0.1/8 " has surrounding whitespace; remove the surrounding whitespace`},
		{in: "10.0.0.0 /8", wantErr: `"10.0.0.0 /8" has an invalid address "10.0.0.0 "; write a dotted IPv4 address or an IPv6 address before the /`},
		{in: "10.0.0.0/ 8", wantErr: `"10.0.0.0/ 8" has an invalid prefix length " 8"; IPv4 prefix lengths are 0 to 32`},

		// Garbage.
		{in: "", wantErr: "empty prefix; write a prefix such as 10.0.0.0/16"},
		{in: "/", wantErr: `/ has an invalid address ""; write a dotted IPv4 address or an IPv6 address before the /`},
		{in: "banana", wantErr: "banana is not a CIDR prefix; write address/length, such as 10.0.0.0/16 or 2001:db8::/48"},
		{in: "10.0.0/8", wantErr: `10.0.0/8 has an invalid address "10.0.0"; write a dotted IPv4 address or an IPv6 address before the /`},
		{in: "010.0.0.0/8", wantErr: `010.0.0.0/8 has an invalid address "010.0.0.0"; write a dotted IPv4 address or an IPv6 address before the /`},
		{in: "256.0.0.0/8", wantErr: `256.0.0.0/8 has an invalid address "256.0.0.0"; write a dotted IPv4 address or an IPv6 address before the /`},
		{in: "10.0.0.0/8/8", wantErr: `10.0.0.0/8/8 has an invalid address "10.0.0.0/8"; write a dotted IPv4 address or an IPv6 address before the /`},
		{in: "2001:db8:::/48", wantErr: `2001:db8:::/48 has an invalid address "2001:db8:::"; write a dotted IPv4 address or an IPv6 address before the /`},
		{in: "\xff/8", wantErr: `"\xff/8" has an invalid address "\xff"; write a dotted IPv4 address or an IPv6 address before the /`},
	}
	for _, tt := range tests {
		got, err := cidr.ParsePrefix(tt.in)
		if tt.wantErr != "" {
			if err == nil {
				t.Errorf("ParsePrefix(%q) = %v, want error %q", tt.in, got, tt.wantErr)
				continue
			}
			if err.Error() != tt.wantErr {
				t.Errorf("ParsePrefix(%q) error:\n got  %s\n want %s", tt.in, err, tt.wantErr)
			}
			var pe *cidr.ParseError
			if !errors.As(err, &pe) || pe.Input != tt.in {
				t.Errorf("ParsePrefix(%q) error %#v is not a *ParseError with Input set", tt.in, err)
			}
			if got != (netip.Prefix{}) {
				t.Errorf("ParsePrefix(%q) returned %v with its error, want the zero Prefix", tt.in, got)
			}
			if strings.ContainsAny(err.Error(), "\n\r") {
				t.Errorf("ParsePrefix(%q) error spans lines: %q", tt.in, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParsePrefix(%q) error: %v", tt.in, err)
			continue
		}
		if got.String() != tt.want {
			t.Errorf("ParsePrefix(%q) = %v, want %v", tt.in, got, tt.want)
		}
		if got != got.Masked() {
			t.Errorf("ParsePrefix(%q) = %v is not masked", tt.in, got)
		}
	}
}

func TestParseAddr(t *testing.T) {
	tests := []struct {
		in      string
		want    string
		wantErr string
	}{
		{in: "10.0.0.4", want: "10.0.0.4"},
		{in: "0.0.0.0", want: "0.0.0.0"},
		{in: "2001:DB8::1", want: "2001:db8::1"},
		{in: "::", want: "::"},
		{in: "::1.2.3.4", want: "::102:304"},

		{in: "", wantErr: "empty address; write an address such as 10.0.0.4"},
		{in: " 10.0.0.4", wantErr: `" 10.0.0.4" has surrounding whitespace; did you mean 10.0.0.4?`},
		{in: "10.0.0.4\r\n", wantErr: `"10.0.0.4\r\n" has surrounding whitespace; did you mean 10.0.0.4?`},
		{in: " x ", wantErr: `" x " has surrounding whitespace; remove the surrounding whitespace`},
		{in: "10.0.0.0/8", wantErr: "10.0.0.0/8 is a prefix, not an address; write the address without /length"},
		{in: "fe80::1%eth0", wantErr: "fe80::1%eth0 has an IPv6 zone; remove %eth0"},
		{in: "::ffff:10.0.0.4", wantErr: "::ffff:10.0.0.4 is an IPv4-mapped IPv6 address; write the IPv4 form 10.0.0.4"},
		{in: "::ffff:a00:4", wantErr: "::ffff:a00:4 is an IPv4-mapped IPv6 address; write the IPv4 form 10.0.0.4"},
		{in: "10.0.0", wantErr: "10.0.0 is not an IP address; write a dotted IPv4 address or an IPv6 address"},
		{in: "10.0.0.256", wantErr: "10.0.0.256 is not an IP address; write a dotted IPv4 address or an IPv6 address"},
		{in: "1:2:3:4:5:6:7:8:9", wantErr: "1:2:3:4:5:6:7:8:9 is not an IP address; write a dotted IPv4 address or an IPv6 address"},
	}
	for _, tt := range tests {
		got, err := cidr.ParseAddr(tt.in)
		if tt.wantErr != "" {
			if err == nil {
				t.Errorf("ParseAddr(%q) = %v, want error %q", tt.in, got, tt.wantErr)
				continue
			}
			if err.Error() != tt.wantErr {
				t.Errorf("ParseAddr(%q) error:\n got  %s\n want %s", tt.in, err, tt.wantErr)
			}
			var pe *cidr.ParseError
			if !errors.As(err, &pe) || pe.Input != tt.in {
				t.Errorf("ParseAddr(%q) error %#v is not a *ParseError with Input set", tt.in, err)
			}
			if got.IsValid() {
				t.Errorf("ParseAddr(%q) returned %v with its error, want the zero Addr", tt.in, got)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseAddr(%q) error: %v", tt.in, err)
			continue
		}
		if got.String() != tt.want {
			t.Errorf("ParseAddr(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestParseErrorText(t *testing.T) {
	tests := []struct {
		err  cidr.ParseError
		want string
	}{
		{cidr.ParseError{Input: "x", Msg: "x is bad"}, "x is bad"},
		{cidr.ParseError{Input: "x", Msg: "x is bad", Hint: "try y"}, "x is bad; try y"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("%#v.Error() = %q, want %q", tt.err, got, tt.want)
		}
	}
}

func TestMustParse(t *testing.T) {
	if got, want := cidr.MustParsePrefix("10.1.0.0/16"), netip.MustParsePrefix("10.1.0.0/16"); got != want {
		t.Errorf("MustParsePrefix = %v, want %v", got, want)
	}
	if got, want := cidr.MustParseAddr("10.1.0.4"), netip.MustParseAddr("10.1.0.4"); got != want {
		t.Errorf("MustParseAddr = %v, want %v", got, want)
	}
	for _, f := range []func(){
		func() { cidr.MustParsePrefix("10.1.0.1/16") },
		func() { cidr.MustParseAddr("10.1.0.1/16") },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Error("Must function did not panic on bad input")
				}
			}()
			f()
		}()
	}
}
