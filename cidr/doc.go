// Package cidr is prefix arithmetic for planning and checking AKS network
// designs.
//
// It works on [net/netip] values and does no I/O. The package covers four
// jobs:
//
//   - Strict parsing. [ParsePrefix] and [ParseAddr] accept only the canonical
//     shapes a network plan should contain: no host bits, no IPv6 zones, no
//     IPv4-mapped IPv6 forms, no surrounding whitespace. Errors are
//     [*ParseError] values that name the input and, where one is obvious,
//     suggest the fix.
//   - Sizes and offsets. [Addresses], [AzureUsable], [NthAddr], [LastAddr]
//     and [AddrOffset] use saturating uint64 arithmetic so that very large
//     IPv6 prefixes never overflow silently.
//   - Overlap detection. [ForEachOverlap] and [OverlapPairs] report every
//     overlapping pair among n prefixes in O(n log n + k) time for k pairs.
//   - Free space. [Free] lists the unused space inside a parent prefix as
//     maximal aligned prefixes, [FirstFree] finds the lowest free slot of a
//     given size, and [Merge] summarises a set of prefixes.
//
// Unless a function says otherwise, it treats the zero [netip.Prefix] (and
// any other invalid prefix) as empty, masks prefixes that have host bits set
// before using them, and never considers an IPv4 prefix to overlap or
// contain an IPv6 prefix. An IPv4-mapped IPv6 prefix such as
// ::ffff:10.0.0.0/104 is an IPv6 prefix to this package, as it is to
// [net/netip]; [ParsePrefix] refuses to produce one.
package cidr
