package cidr_test

import (
	"fmt"
	"net/netip"

	"github.com/aksnet/aksnet/cidr"
)

func ExampleParsePrefix() {
	for _, s := range []string{
		"10.240.0.0/16",
		"10.240.0.1/16",
		"10.240.0.4",
		"::ffff:10.240.0.0/112",
		"10.240.0.0/33",
	} {
		p, err := cidr.ParsePrefix(s)
		if err != nil {
			fmt.Println("error:", err)
			continue
		}
		fmt.Println("ok:", p)
	}
	// Output:
	// ok: 10.240.0.0/16
	// error: 10.240.0.1/16 has host bits set; did you mean 10.240.0.0/16?
	// error: 10.240.0.4 has no prefix length; write 10.240.0.4/32 for a single address
	// error: ::ffff:10.240.0.0/112 is an IPv4-mapped IPv6 prefix; write the IPv4 form 10.240.0.0/16
	// error: 10.240.0.0/33 has an invalid prefix length "33"; IPv4 prefix lengths are 0 to 32
}

func ExampleOverlapPairs() {
	ps := []netip.Prefix{
		cidr.MustParsePrefix("10.224.0.0/12"),  // 0: VNet
		cidr.MustParsePrefix("10.224.0.0/16"),  // 1: node subnet
		cidr.MustParsePrefix("10.0.0.0/16"),    // 2: service CIDR
		cidr.MustParsePrefix("10.225.0.0/16"),  // 3: pod subnet
		cidr.MustParsePrefix("10.0.0.0/16"),    // 4: peered VNet, same range as the service CIDR
		cidr.MustParsePrefix("fd00:10::/64"),   // 5: IPv6 pods
		cidr.MustParsePrefix("172.16.0.0/16"),  // 6: on-premises
		cidr.MustParsePrefix("10.224.12.0/24"), // 7: Application Gateway subnet
	}
	for _, pr := range cidr.OverlapPairs(ps) {
		fmt.Println(ps[pr[0]], "overlaps", ps[pr[1]])
	}
	// Output:
	// 10.224.0.0/12 overlaps 10.224.0.0/16
	// 10.224.0.0/12 overlaps 10.225.0.0/16
	// 10.224.0.0/12 overlaps 10.224.12.0/24
	// 10.224.0.0/16 overlaps 10.224.12.0/24
	// 10.0.0.0/16 overlaps 10.0.0.0/16
}

func ExampleFree() {
	vnet := cidr.MustParsePrefix("10.224.0.0/16")
	used := []netip.Prefix{
		cidr.MustParsePrefix("10.224.0.0/24"),
		cidr.MustParsePrefix("10.224.2.0/23"),
	}
	fmt.Println(cidr.Free(vnet, used))
	// Output:
	// [10.224.1.0/24 10.224.4.0/22 10.224.8.0/21 10.224.16.0/20 10.224.32.0/19 10.224.64.0/18 10.224.128.0/17]
}

func ExampleFirstFree() {
	vnet := cidr.MustParsePrefix("10.224.0.0/16")
	used := []netip.Prefix{
		cidr.MustParsePrefix("10.224.0.0/24"),
		cidr.MustParsePrefix("10.224.2.0/23"),
	}
	p, ok := cidr.FirstFree(vnet, used, 22)
	fmt.Println(p, ok, cidr.AzureUsable(p))
	// Output:
	// 10.224.4.0/22 true 1019
}

func ExampleSplit() {
	for p := range cidr.Split(cidr.MustParsePrefix("10.224.0.0/24"), 26) {
		fmt.Println(p, cidr.AzureUsable(p))
	}
	// Output:
	// 10.224.0.0/26 59
	// 10.224.0.64/26 59
	// 10.224.0.128/26 59
	// 10.224.0.192/26 59
}
