package netpol

import (
	"iter"
	"math/bits"
	"slices"
	"strings"
)

// The bulk engine behind Connections. It computes one source's row at a
// time: for source s, what s's egress rules allow toward every
// destination, and what every destination's ingress rules allow from s,
// found through an index from each source to the ingress rules that admit
// it. Connection sets are interned as small integers so that unions and
// intersections of repeated sets are table look-ups. Work is proportional
// to the number of (rule, peer, selected pod) triples plus the size of the
// output, and memory to the number of classes, not its square.

// Interned connection-set IDs with fixed meaning.
const (
	idNone uint32 = 0
	idAll  uint32 = 1
)

type connTable struct {
	sets  []ConnSet
	index map[string]uint32
	union map[uint64]uint32
	inter map[uint64]uint32
}

func newConnTable() *connTable {
	t := &connTable{index: map[string]uint32{}, union: map[uint64]uint32{}, inter: map[uint64]uint32{}}
	t.id(ConnSet{})
	t.id(AllConns())
	return t
}

func (t *connTable) id(c ConnSet) uint32 {
	k := c.String()
	if id, ok := t.index[k]; ok {
		return id
	}
	id := uint32(len(t.sets))
	t.sets = append(t.sets, c)
	t.index[k] = id
	return id
}

func pairKey(a, b uint32) uint64 {
	if a > b {
		a, b = b, a
	}
	return uint64(a)<<32 | uint64(b)
}

func (t *connTable) or(a, b uint32) uint32 {
	switch {
	case a == b || b == idNone || a == idAll:
		return a
	case a == idNone || b == idAll:
		return b
	}
	k := pairKey(a, b)
	if id, ok := t.union[k]; ok {
		return id
	}
	id := t.id(t.sets[a].Union(t.sets[b]))
	t.union[k] = id
	return id
}

func (t *connTable) and(a, b uint32) uint32 {
	switch {
	case a == b || b == idAll:
		return a
	case a == idAll:
		return b
	case a == idNone || b == idNone:
		return idNone
	}
	k := pairKey(a, b)
	if id, ok := t.inter[k]; ok {
		return id
	}
	id := t.id(t.sets[a].Intersect(t.sets[b]))
	t.inter[k] = id
	return id
}

// erule is a rule placed for the engine.
type erule struct {
	ru      *crule
	members bitset // classes any selector peer matches (nil when ru.all)
	numeric uint32 // ID of ru.conns
	named   map[int]uint32
}

// engine holds the per-run indexes.
type engine struct {
	r *Result
	t *connTable
	// ingress: per rule, the classes its policy isolates for ingress.
	inRules    []*erule
	inTargets  [][]int
	inAll      []int   // ingress rules without peers
	admit      [][]int // per source class, the ingress rules whose peers include it
	egRules    [][]*erule
	egIsolated []bool
	inIsolated []bool
	in         []uint32 // scratch row
}

func (e *engine) rule(ru *crule) *erule {
	er := &erule{ru: ru, numeric: e.t.id(ru.conns)}
	if !ru.all {
		er.members = newBitset(len(e.r.classes))
		for _, pe := range ru.peers {
			if pe.isBlock {
				continue
			}
			for i, w := range pe.members {
				er.members[i] |= w
			}
		}
	}
	if len(ru.named) > 0 {
		er.named = map[int]uint32{}
	}
	return er
}

// conns returns the ID of what the rule allows to destination class d (-1
// for external destinations).
func (e *engine) conns(er *erule, d int) uint32 {
	if er.named == nil {
		return er.numeric
	}
	if id, ok := er.named[d]; ok {
		return id
	}
	var dst *podView
	if d >= 0 {
		dst = &e.r.classes[d].pod
	}
	c, _ := er.ru.connsTo(dst)
	id := e.t.id(c)
	er.named[d] = id
	return id
}

func (r *Result) newEngine() *engine {
	n := len(r.classes)
	e := &engine{r: r, t: newConnTable(), admit: make([][]int, n), egRules: make([][]*erule, n),
		egIsolated: make([]bool, n), inIsolated: make([]bool, n), in: make([]uint32, n)}
	targets := make([][]int, len(r.cpols))
	for ci, c := range r.classes {
		for _, pi := range c.selectedBy[Ingress] {
			targets[pi] = append(targets[pi], ci)
			e.inIsolated[ci] = true
		}
	}
	for pi, cp := range r.cpols {
		if len(targets[pi]) == 0 {
			continue
		}
		for _, ru := range cp.rules[Ingress] {
			er := e.rule(ru)
			idx := len(e.inRules)
			e.inRules = append(e.inRules, er)
			e.inTargets = append(e.inTargets, targets[pi])
			if ru.all {
				e.inAll = append(e.inAll, idx)
				continue
			}
			er.members.each(func(s int) { e.admit[s] = append(e.admit[s], idx) })
		}
	}
	for ci, c := range r.classes {
		for _, pi := range c.selectedBy[Egress] {
			e.egIsolated[ci] = true
			for _, ru := range r.cpols[pi].rules[Egress] {
				e.egRules[ci] = append(e.egRules[ci], e.rule(ru))
			}
		}
	}
	return e
}

// each calls fn with every member, in increasing order.
func (b bitset) each(fn func(int)) {
	for wi, w := range b {
		for w != 0 {
			fn(wi*64 + bits.TrailingZeros64(w))
			w &= w - 1
		}
	}
}

// podRow fills row (over classes) and ext (over dst atoms) with the IDs of
// what class s may open to each.
func (e *engine) podRow(s int, row []uint32, dstAtoms []IPRange, ext []uint32) {
	// Egress side.
	eg := row
	if !e.egIsolated[s] {
		for d := range eg {
			eg[d] = idAll
		}
		for a := range ext {
			ext[a] = idAll
		}
	} else {
		clear(eg)
		clear(ext)
		for _, er := range e.egRules[s] {
			if er.ru.all {
				for d := range eg {
					eg[d] = e.t.or(eg[d], e.conns(er, d))
				}
			} else {
				er.members.each(func(d int) { eg[d] = e.t.or(eg[d], e.conns(er, d)) })
			}
			for a, atom := range dstAtoms {
				if er.ru.all || blockCovers(er.ru, atom) {
					ext[a] = e.t.or(ext[a], e.conns(er, -1))
				}
			}
		}
	}
	// Ingress side, intersected into row.
	// Host-network sources are in no admit list: they match no selector.
	in := e.in
	for d := range in {
		in[d] = idNone
		if !e.inIsolated[d] {
			in[d] = idAll
		}
	}
	for _, list := range [][]int{e.inAll, e.admit[s]} {
		for _, ri := range list {
			er := e.inRules[ri]
			for _, d := range e.inTargets[ri] {
				in[d] = e.t.or(in[d], e.conns(er, d))
			}
		}
	}
	for d := range row {
		row[d] = e.t.and(eg[d], in[d])
	}
}

// atomRow fills row (over classes) with what external source atom may
// open to each class: the egress side is not governed.
func (e *engine) atomRow(atom IPRange, row []uint32) {
	for d := range row {
		if e.inIsolated[d] {
			row[d] = idNone
		} else {
			row[d] = idAll
		}
	}
	for ri, er := range e.inRules {
		if er.ru.all || blockCovers(er.ru, atom) {
			for _, d := range e.inTargets[ri] {
				row[d] = e.t.or(row[d], e.conns(er, d))
			}
		}
	}
}

func blockCovers(ru *crule, atom IPRange) bool {
	for _, pe := range ru.peers {
		if pe.isBlock && pe.block.covers(atom) {
			return true
		}
	}
	return false
}

// endpointRef is a source or destination of the listing: a workload or an
// external atom.
type endpointRef struct {
	name     string
	workload int // -1 for atoms
	atom     int
}

func (r *Result) refs(atoms []IPRange) []endpointRef {
	out := make([]endpointRef, 0, len(r.workloads)+len(atoms))
	for i, w := range r.workloads {
		out = append(out, endpointRef{name: w.Peer.String(), workload: i})
	}
	for i, a := range atoms {
		out = append(out, endpointRef{name: a.String(), workload: -1, atom: i})
	}
	slices.SortFunc(out, func(a, b endpointRef) int { return strings.Compare(a.name, b.name) })
	return out
}

// connSeq yields every allowed connection, sorted by source then
// destination name.
func (r *Result) connSeq(srcAtoms, dstAtoms []IPRange) iter.Seq[Connection] {
	return func(yield func(Connection) bool) {
		e := r.newEngine()
		srcs, dsts := r.refs(srcAtoms), r.refs(dstAtoms)
		row := make([]uint32, len(r.classes))
		ext := make([]uint32, len(dstAtoms))
		lastClass := -1
		for _, s := range srcs {
			var src Peer
			if s.workload >= 0 {
				w := &r.workloads[s.workload]
				src = w.Peer
				if w.class != lastClass {
					e.podRow(w.class, row, dstAtoms, ext)
					lastClass = w.class
				}
			} else {
				src = Peer{Range: srcAtoms[s.atom]}
				e.atomRow(srcAtoms[s.atom], row)
				lastClass = -1
			}
			for _, d := range dsts {
				var id uint32
				var dst Peer
				switch {
				case d.workload >= 0:
					if d.workload == s.workload {
						continue
					}
					w := &r.workloads[d.workload]
					id, dst = row[w.class], w.Peer
				case s.workload < 0:
					continue // external to external
				default:
					id, dst = ext[d.atom], Peer{Range: dstAtoms[d.atom]}
				}
				if id == idNone {
					continue
				}
				if !yield(Connection{Src: src, Dst: dst, Conns: e.t.sets[id]}) {
					return
				}
			}
		}
	}
}
