package ipam

import "net/netip"

// aksInternal explains 172.30.0.0/16 and 172.31.0.0/16.
const aksInternal = "reserved by AKS for internal use; AKS refuses VNets, pod CIDRs and Service CIDRs that touch it"

// builtIn are the ranges every registry avoids, in address order: the
// four IPv4 ranges AKS reserves (rule reserved-range-overlap), the ranges
// Azure refuses in any virtual network (rule vnet-address-refused) and
// 0.0.0.0/8, which no host may use as a source (RFC 1122).
var builtIn = []Avoid{
	{CIDR: netip.MustParsePrefix("0.0.0.0/8"), Name: "this-network", Reason: "\"this network\" (RFC 1122); never a valid host address", BuiltIn: true},
	{CIDR: netip.MustParsePrefix("127.0.0.0/8"), Name: "loopback", Reason: "loopback; Azure refuses it in any virtual network", BuiltIn: true},
	{CIDR: netip.MustParsePrefix("168.63.129.16/32"), Name: "azure-platform", Reason: "Azure's virtual public IP for platform DNS, DHCP and health probes; Azure refuses it in any virtual network", BuiltIn: true},
	{CIDR: netip.MustParsePrefix("169.254.0.0/16"), Name: "link-local", Reason: "link-local, home of the instance metadata service; Azure refuses it in virtual networks and AKS reserves it", BuiltIn: true},
	{CIDR: netip.MustParsePrefix("172.30.0.0/16"), Name: "aks-internal", Reason: aksInternal, BuiltIn: true},
	{CIDR: netip.MustParsePrefix("172.31.0.0/16"), Name: "aks-internal", Reason: aksInternal, BuiltIn: true},
	{CIDR: netip.MustParsePrefix("192.0.2.0/24"), Name: "test-net-1", Reason: "TEST-NET-1 (RFC 5737), reserved by AKS", BuiltIn: true},
	{CIDR: netip.MustParsePrefix("224.0.0.0/4"), Name: "multicast", Reason: "IPv4 multicast; Azure refuses it in any virtual network", BuiltIn: true},
	{CIDR: netip.MustParsePrefix("255.255.255.255/32"), Name: "broadcast", Reason: "the limited broadcast address; Azure refuses it in any virtual network", BuiltIn: true},
}

// BuiltInAvoid returns the ranges every registry avoids, whatever its
// own avoid list says: 0.0.0.0/8, 127.0.0.0/8, 168.63.129.16/32,
// 169.254.0.0/16, 172.30.0.0/16, 172.31.0.0/16, 192.0.2.0/24, 224.0.0.0/4
// and 255.255.255.255/32, each with its reason. The result is a new slice
// in address order.
func BuiltInAvoid() []Avoid {
	out := make([]Avoid, len(builtIn))
	copy(out, builtIn)
	return out
}
