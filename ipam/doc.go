// Package ipam is the domain of aksnet's address registry: pools of address
// space, the ranges allocated from them, reservations held for future
// growth, and the decisions that place a new range without overlapping
// anything.
//
// The package does no I/O. Storage (ipam/store and its backends) loads the
// state of one pool into a [Space], the Space decides (next free block of a
// prefix length or of an AKS need, explicit claim, reservation), and the
// storage writes the result, all in one transaction. Times are passed in;
// nothing here reads a clock.
//
// # Rules
//
//   - Pools never overlap each other, so a range belongs to at most one pool.
//   - Live allocations of a pool never overlap each other.
//   - Live reservations never overlap each other or a live allocation.
//     A reservation is held for an owner: only a request that names the
//     reservation and has the same owner can take space inside it, and such
//     a request stays inside it.
//   - No allocation or reservation touches a range to avoid: the
//     registry's own avoid list plus [BuiltInAvoid], the ranges AKS reserves
//     and the ranges Azure refuses in any virtual network.
//   - Next-available search is aligned and lowest first: the result is the
//     lowest-addressed aligned prefix of the wanted length that is free,
//     so the same state and request always give the same answer.
package ipam
