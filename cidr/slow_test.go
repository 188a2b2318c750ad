package cidr_test

// Differential tests: every fast function is checked against a slow model
// that is obviously correct because it enumerates addresses or pairs, on
// thousands of inputs from a fixed-seed generator.

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/aksnet/aksnet/cidr"
)

// iterations returns n, or n/10 under -short.
func iterations(n int) int {
	if testing.Short() {
		return n / 10
	}
	return n
}

// quoteAll formats prefixes as a Go literal, to reproduce a failure.
func quoteAll(ps []netip.Prefix) string {
	var b strings.Builder
	b.WriteString("[]string{")
	for i, p := range ps {
		if i > 0 {
			b.WriteString(", ")
		}
		if p.IsValid() {
			fmt.Fprintf(&b, "%q", p.String())
		} else {
			b.WriteString(`""`)
		}
	}
	b.WriteString("}")
	return b.String()
}

// slowOverlapPairs is the O(n²) model of OverlapPairs.
func slowOverlapPairs(ps []netip.Prefix) [][2]int {
	var out [][2]int
	for i := range ps {
		for j := i + 1; j < len(ps); j++ {
			if ps[i].Overlaps(ps[j]) {
				out = append(out, [2]int{i, j})
			}
		}
	}
	return out
}

// randPrefix returns a prefix from a small space so that overlaps are
// common: IPv4 inside 10.0.0.0/20 or near the top of the space, IPv6 inside
// 2001:db8::/116 or near the top, with occasional zero prefixes, host bits
// and IPv4-mapped prefixes.
func randPrefix(r *rand.Rand) netip.Prefix {
	switch r.IntN(20) {
	case 0:
		return netip.Prefix{}
	case 1: // IPv4-mapped IPv6
		a := netip.AddrFrom16(netip.AddrFrom4([4]byte{10, 0, byte(r.IntN(16)), byte(r.IntN(256))}).As16())
		return netip.PrefixFrom(a, 100+r.IntN(29)).Masked()
	case 2: // top of IPv4 space, short lengths
		return netip.PrefixFrom(netip.AddrFrom4([4]byte{255, 255, 255, byte(r.IntN(256))}), r.IntN(33)).Masked()
	case 3: // top of IPv6 space
		b := [16]byte{}
		for i := range b {
			b[i] = 0xff
		}
		b[15] = byte(r.IntN(256))
		return netip.PrefixFrom(netip.AddrFrom16(b), r.IntN(129)).Masked()
	}
	var p netip.Prefix
	if r.IntN(2) == 0 {
		a := netip.AddrFrom4([4]byte{10, 0, byte(r.IntN(16)), byte(r.IntN(256))})
		p = netip.PrefixFrom(a, 18+r.IntN(15))
	} else {
		b := netip.MustParseAddr("2001:db8::").As16()
		b[14] = byte(r.IntN(16))
		b[15] = byte(r.IntN(256))
		p = netip.PrefixFrom(netip.AddrFrom16(b), 114+r.IntN(15))
	}
	if r.IntN(8) != 0 {
		p = p.Masked() // otherwise keep host bits
	}
	return p
}

func TestOverlapPairsMatchesModel(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	for iter := range iterations(5000) {
		ps := make([]netip.Prefix, r.IntN(60))
		for i := range ps {
			ps[i] = randPrefix(r)
		}
		// Make duplicates and nesting common.
		if len(ps) > 2 && r.IntN(2) == 0 {
			ps[r.IntN(len(ps))] = ps[r.IntN(len(ps))]
		}
		got := cidr.OverlapPairs(ps)
		want := slowOverlapPairs(ps)
		if !slices.Equal(got, want) {
			t.Fatalf("case %d: OverlapPairs(%s)\n got  %v\n want %v", iter, quoteAll(ps), got, want)
		}
		n := 0
		cidr.ForEachOverlap(ps, func(i, j int) {
			if i >= j {
				t.Fatalf("case %d: ForEachOverlap called fn(%d, %d), want i < j; input %s", iter, i, j, quoteAll(ps))
			}
			n++
		})
		if n != len(want) {
			t.Fatalf("case %d: ForEachOverlap made %d calls, want %d; input %s", iter, n, len(want), quoteAll(ps))
		}
	}
}

// window is the small IPv4 space the free-space models enumerate.
var window = netip.MustParsePrefix("10.0.0.0/20")

// randWindowPrefix returns a random prefix that overlaps or is near
// window, sometimes outside it, sometimes containing it, sometimes IPv6.
func randWindowPrefix(r *rand.Rand, minBits int) netip.Prefix {
	switch r.IntN(30) {
	case 0:
		return netip.Prefix{}
	case 1:
		return netip.MustParsePrefix("2001:db8::/32")
	case 2:
		return netip.PrefixFrom(netip.AddrFrom4([4]byte{10, 0, byte(r.IntN(256)), 0}), 8+r.IntN(13)).Masked()
	}
	a := netip.AddrFrom4([4]byte{10, 0, byte(r.IntN(17)), byte(r.IntN(256))})
	return netip.PrefixFrom(a, minBits+r.IntN(33-minBits)).Masked()
}

// bitmap marks the addresses of window that are covered by any of ps.
func bitmap(ps []netip.Prefix) []bool {
	used := make([]bool, 1<<(32-window.Bits()))
	a := window.Addr()
	for i := range used {
		for _, p := range ps {
			if p.Contains(a) {
				used[i] = true
				break
			}
		}
		a = a.Next()
	}
	return used
}

// windowOffset returns the offset of a from the start of window, using
// plain uint32 arithmetic rather than the package under test.
func windowOffset(a netip.Addr) uint32 {
	b, w := a.As4(), window.Addr().As4()
	return binary.BigEndian.Uint32(b[:]) - binary.BigEndian.Uint32(w[:])
}

// windowAddr is the inverse of windowOffset.
func windowAddr(off uint32) netip.Addr {
	w := window.Addr().As4()
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], binary.BigEndian.Uint32(w[:])+off)
	return netip.AddrFrom4(b)
}

// maximalBlocks returns, in address order, the aligned blocks inside
// parent (a sub-prefix of window) whose addresses are all set in set, and
// whose enclosing block one bit shorter is either outside parent or not
// all set.
func maximalBlocks(parent netip.Prefix, set []bool) []netip.Prefix {
	// count[i] is the number of set addresses before offset i.
	count := make([]uint32, len(set)+1)
	for i, v := range set {
		count[i+1] = count[i]
		if v {
			count[i+1]++
		}
	}
	all := func(off, size uint32) bool { return count[off+size]-count[off] == size }
	start := windowOffset(parent.Addr())
	end := start + 1<<(32-parent.Bits())
	var out []netip.Prefix
	for bits := parent.Bits(); bits <= 32; bits++ {
		size := uint32(1) << (32 - bits)
		for off := start; off < end; off += size {
			if !all(off, size) {
				continue
			}
			if bits > parent.Bits() && all(off&^(2*size-1), 2*size) {
				continue
			}
			out = append(out, netip.PrefixFrom(windowAddr(off), bits))
		}
	}
	slices.SortFunc(out, func(a, b netip.Prefix) int { return a.Addr().Compare(b.Addr()) })
	return out
}

func TestFreeMatchesModel(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 2))
	for iter := range iterations(3000) {
		parent := netip.PrefixFrom(netip.AddrFrom4([4]byte{10, 0, byte(r.IntN(16)), byte(r.IntN(256))}), 20+r.IntN(13)).Masked()
		used := make([]netip.Prefix, r.IntN(12))
		for i := range used {
			used[i] = randWindowPrefix(r, 18)
		}
		usedMap := bitmap(used)
		free := make([]bool, len(usedMap))
		off := windowOffset(parent.Addr())
		for i := off; i < off+1<<(32-parent.Bits()); i++ {
			free[i] = !usedMap[i]
		}
		want := maximalBlocks(parent, free)
		got := cidr.Free(parent, used)
		if !slices.Equal(got, want) {
			t.Fatalf("case %d: Free(%q, %s)\n got  %v\n want %v", iter, parent, quoteAll(used), got, want)
		}

		for bits := parent.Bits(); bits <= 32; bits++ {
			got, gotOK := cidr.FirstFree(parent, used, bits)
			want, wantOK := slowFirstFree(parent, used, bits)
			if got != want || gotOK != wantOK {
				t.Fatalf("case %d: FirstFree(%q, %s, %d) = %v, %v; want %v, %v",
					iter, parent, quoteAll(used), bits, got, gotOK, want, wantOK)
			}
		}
	}
}

// slowFirstFree tries every aligned slot of the given length in order.
// parent must be inside window.
func slowFirstFree(parent netip.Prefix, used []netip.Prefix, bits int) (netip.Prefix, bool) {
	start := windowOffset(parent.Addr())
	end := start + 1<<(32-parent.Bits())
	for off := start; off < end; off += 1 << (32 - bits) {
		slot := netip.PrefixFrom(windowAddr(off), bits)
		clash := false
		for _, u := range used {
			if u.Overlaps(slot) {
				clash = true
				break
			}
		}
		if !clash {
			return slot, true
		}
	}
	return netip.Prefix{}, false
}

func TestMergeMatchesModel(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	for iter := range iterations(3000) {
		ps := make([]netip.Prefix, r.IntN(16))
		for i := range ps {
			// Keep inside window so that the bitmap sees everything; add
			// an IPv6 prefix now and then, which must pass through alone.
			ps[i] = netip.PrefixFrom(netip.AddrFrom4([4]byte{10, 0, byte(r.IntN(16)), byte(r.IntN(256))}), 20+r.IntN(13)).Masked()
		}
		want := maximalBlocks(window, bitmap(ps))
		if r.IntN(4) == 0 {
			ps = append(ps, netip.MustParsePrefix("2001:db8::/48"), netip.Prefix{}, netip.MustParsePrefix("2001:db8:1::/48"))
			want = append(want, netip.MustParsePrefix("2001:db8::/47"))
		}
		got := cidr.Merge(ps)
		if !slices.Equal(got, want) {
			t.Fatalf("case %d: Merge(%s)\n got  %v\n want %v", iter, quoteAll(ps), got, want)
		}
	}
}

// slowAzureUsable counts the addresses of p that Azure does not reserve:
// not among the first four and not the last.
func slowAzureUsable(p netip.Prefix) uint64 {
	last := p.Masked().Addr()
	for a := p.Masked().Addr(); p.Contains(a); a = a.Next() {
		last = a
	}
	var n uint64
	i := 0
	for a := p.Masked().Addr(); p.Contains(a); a = a.Next() {
		if i >= 4 && a != last {
			n++
		}
		i++
	}
	return n
}

func TestAzureUsableMatchesCounting(t *testing.T) {
	for bits := 16; bits <= 32; bits++ {
		p := netip.PrefixFrom(netip.AddrFrom4([4]byte{10, 224, 0, 0}), bits)
		if got, want := cidr.AzureUsable(p), slowAzureUsable(p); got != want {
			t.Errorf("AzureUsable(%v) = %d, counted %d", p, got, want)
		}
	}
	for bits := 112; bits <= 128; bits++ {
		p := netip.PrefixFrom(netip.MustParseAddr("fd00::"), bits)
		if got, want := cidr.AzureUsable(p), slowAzureUsable(p); got != want {
			t.Errorf("AzureUsable(%v) = %d, counted %d", p, got, want)
		}
	}
}

// bigAddr returns a as an integer.
func bigAddr(a netip.Addr) *big.Int {
	b := a.AsSlice()
	return new(big.Int).SetBytes(b)
}

func fromBig(v *big.Int, is4 bool) netip.Addr {
	n := 16
	if is4 {
		n = 4
	}
	b := v.FillBytes(make([]byte, n))
	a, _ := netip.AddrFromSlice(b)
	return a
}

func satUint64(v *big.Int) uint64 {
	if v.IsUint64() {
		return v.Uint64()
	}
	return math.MaxUint64
}

// TestArithmeticMatchesBig checks the uint64 and 128-bit arithmetic
// against math/big on random prefixes and offsets of both families.
func TestArithmeticMatchesBig(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 4))
	for iter := range iterations(20000) {
		var a netip.Addr
		if r.IntN(2) == 0 {
			a = netip.AddrFrom4([4]byte{byte(r.Uint32()), byte(r.Uint32()), byte(r.Uint32()), byte(r.Uint32())})
		} else {
			var b [16]byte
			for i := range b {
				b[i] = byte(r.Uint32())
			}
			a = netip.AddrFrom16(b)
		}
		p := netip.PrefixFrom(a, r.IntN(a.BitLen()+1))
		host := uint(a.BitLen() - p.Bits())
		size := new(big.Int).Lsh(big.NewInt(1), host)
		first := bigAddr(p.Masked().Addr())
		last := new(big.Int).Sub(new(big.Int).Add(first, size), big.NewInt(1))

		if got, want := cidr.Addresses(p), satUint64(size); got != want {
			t.Fatalf("case %d: Addresses(%v) = %d, want %d", iter, p, got, want)
		}
		if got, want := cidr.LastAddr(p), fromBig(last, a.Is4()); got != want {
			t.Fatalf("case %d: LastAddr(%v) = %v, want %v", iter, p, got, want)
		}
		usable := new(big.Int).Sub(size, big.NewInt(5))
		if usable.Sign() < 0 {
			usable.SetInt64(0)
		}
		if got, want := cidr.AzureUsable(p), satUint64(usable); got != want {
			t.Fatalf("case %d: AzureUsable(%v) = %d, want %d", iter, p, got, want)
		}
		bits := p.Bits() + r.IntN(a.BitLen()-p.Bits()+1)
		count := new(big.Int).Lsh(big.NewInt(1), uint(bits-p.Bits()))
		if got, want := cidr.SplitCount(p, bits), satUint64(count); got != want {
			t.Fatalf("case %d: SplitCount(%v, %d) = %d, want %d", iter, p, bits, got, want)
		}

		// NthAddr with an offset that is sometimes in range, sometimes not.
		var n uint64
		switch r.IntN(4) {
		case 0:
			n = r.Uint64()
		case 1:
			n = math.MaxUint64 - r.Uint64N(3)
		default:
			if size.IsUint64() && size.Uint64() > 0 {
				n = r.Uint64N(size.Uint64() + 2)
			} else {
				n = r.Uint64()
			}
		}
		bn := new(big.Int).SetUint64(n)
		got, ok := cidr.NthAddr(p, n)
		wantOK := bn.Cmp(size) < 0
		if ok != wantOK {
			t.Fatalf("case %d: NthAddr(%v, %d) ok = %v, want %v", iter, p, n, ok, wantOK)
		}
		if ok {
			want := fromBig(new(big.Int).Add(first, bn), a.Is4())
			if got != want {
				t.Fatalf("case %d: NthAddr(%v, %d) = %v, want %v", iter, p, n, got, want)
			}
		}

		// AddrOffset of a random address in p.
		var rb [16]byte
		for i := range rb {
			rb[i] = byte(r.Uint32())
		}
		rnd := new(big.Int).SetBytes(rb[:])
		rnd.And(rnd, new(big.Int).Sub(size, big.NewInt(1)))
		inside := new(big.Int).Add(first, rnd)
		ia := fromBig(inside, a.Is4())
		off := new(big.Int).Sub(inside, first)
		gotOff, ok := cidr.AddrOffset(p, ia)
		if ok != off.IsUint64() || (ok && gotOff != off.Uint64()) {
			t.Fatalf("case %d: AddrOffset(%v, %v) = %d, %v; want %v", iter, p, ia, gotOff, ok, off)
		}
	}
}

// TestSplitMatchesEnumeration compares Split with collecting the distinct
// sub-prefixes of every address of p.
func TestSplitMatchesEnumeration(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 5))
	for iter := range iterations(2000) {
		var p netip.Prefix
		if r.IntN(2) == 0 {
			p = netip.PrefixFrom(netip.AddrFrom4([4]byte{byte(r.Uint32()), byte(r.Uint32()), byte(r.Uint32()), byte(r.Uint32())}), 22+r.IntN(11))
		} else {
			p = netip.PrefixFrom(netip.MustParseAddr("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), 118+r.IntN(11))
		}
		bits := p.Bits() + r.IntN(p.Addr().BitLen()-p.Bits()+1)
		var want []netip.Prefix
		for a := p.Masked().Addr(); a.IsValid() && p.Contains(a); a = a.Next() {
			q, _ := a.Prefix(bits)
			if len(want) == 0 || want[len(want)-1] != q {
				want = append(want, q)
			}
		}
		got := slices.Collect(cidr.Split(p, bits))
		if !slices.Equal(got, want) {
			t.Fatalf("case %d: Split(%v, %d) = %v, want %v", iter, p, bits, got, want)
		}
	}
}

// TestExhaustiveSmallSpace checks Contains, Overlaps, OverlapPairs, Free
// and FirstFree on every prefix inside 10.0.0.0/24 (lengths 24 to 32)
// against address sets.
func TestExhaustiveSmallSpace(t *testing.T) {
	type set [4]uint64 // one bit per address of the /24
	var ps []netip.Prefix
	var sets []set
	for bits := 24; bits <= 32; bits++ {
		for q := range cidr.Split(netip.MustParsePrefix("10.0.0.0/24"), bits) {
			var s set
			for a := q.Addr(); q.Contains(a); a = a.Next() {
				o := a.As4()[3]
				s[o/64] |= 1 << (o % 64)
			}
			ps = append(ps, q)
			sets = append(sets, s)
		}
	}
	if len(ps) != 511 {
		t.Fatalf("enumerated %d prefixes, want 511", len(ps))
	}
	var wantPairs [][2]int
	for i := range ps {
		for j := range ps {
			subset, common := true, false
			for w := range 4 {
				subset = subset && sets[j][w]&^sets[i][w] == 0
				common = common || sets[i][w]&sets[j][w] != 0
			}
			if got := cidr.Contains(ps[i], ps[j]); got != subset {
				t.Errorf("Contains(%v, %v) = %v, want %v", ps[i], ps[j], got, subset)
			}
			if got := ps[i].Overlaps(ps[j]); got != common {
				t.Errorf("%v.Overlaps(%v) = %v, want %v", ps[i], ps[j], got, common)
			}
			if got := common && !cidr.Contains(ps[i], ps[j]) && !cidr.Contains(ps[j], ps[i]); got {
				t.Errorf("%v and %v overlap without nesting", ps[i], ps[j])
			}
			if i < j && common {
				wantPairs = append(wantPairs, [2]int{i, j})
			}
		}
	}
	// Reverse the input so that the sweep sees it out of order.
	rev := slices.Clone(ps)
	slices.Reverse(rev)
	n := len(ps)
	var got [][2]int
	for _, pr := range cidr.OverlapPairs(rev) {
		got = append(got, [2]int{n - 1 - pr[1], n - 1 - pr[0]})
	}
	slices.SortFunc(got, func(a, b [2]int) int {
		if a[0] != b[0] {
			return a[0] - b[0]
		}
		return a[1] - b[1]
	})
	if !slices.Equal(got, wantPairs) {
		t.Errorf("OverlapPairs on all 511 prefixes: got %d pairs, want %d", len(got), len(wantPairs))
	}

	// With a single used prefix, the free space is the /24 minus it.
	parent := netip.MustParsePrefix("10.0.0.0/24")
	for i, u := range ps {
		var free []bool
		for w := range 256 {
			free = append(free, sets[i][w/64]&(1<<(w%64)) == 0)
		}
		want := maximalBlocksIn(parent, free)
		if got := cidr.Free(parent, []netip.Prefix{u}); !slices.Equal(got, want) {
			t.Errorf("Free(%v, [%v]) = %v, want %v", parent, u, got, want)
		}
	}
}

// maximalBlocksIn is maximalBlocks for a /24 parent other than window:
// it maps parent onto the start of window and back.
func maximalBlocksIn(parent netip.Prefix, set []bool) []netip.Prefix {
	full := make([]bool, 1<<(32-window.Bits()))
	copy(full, set)
	var out []netip.Prefix
	for _, q := range maximalBlocks(netip.PrefixFrom(window.Addr(), parent.Bits()), full) {
		b := parent.Addr().As4()
		b[3] = q.Addr().As4()[3]
		out = append(out, netip.PrefixFrom(netip.AddrFrom4(b), q.Bits()))
	}
	return out
}
