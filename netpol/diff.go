package netpol

import "slices"

// ChangeKind classifies a Change.
type ChangeKind uint8

// Kinds of Change.
const (
	// Added: no connection before, some now.
	Added ChangeKind = iota
	// Removed: some connection before, none now.
	Removed
	// Changed: connections before and now, but different ones.
	Changed
)

func (k ChangeKind) String() string {
	switch k {
	case Added:
		return "added"
	case Removed:
		return "removed"
	}
	return "changed"
}

// Change is a pair of peers whose allowed connections differ between two
// analyses.
type Change struct {
	Src, Dst Peer
	Old, New ConnSet
}

// Kind says whether the connection appeared, disappeared or changed.
func (c Change) Kind() ChangeKind {
	switch {
	case c.Old.IsEmpty():
		return Added
	case c.New.IsEmpty():
		return Removed
	}
	return Changed
}

// Gained returns the connections allowed now but not before.
func (c Change) Gained() ConnSet { return c.New.Subtract(c.Old) }

// Lost returns the connections allowed before but not now.
func (c Change) Lost() ConnSet { return c.Old.Subtract(c.New) }

// Delta is what changed between two analyses.
type Delta struct {
	// Changes are sorted by source then destination name.
	Changes []Change
	// AddedWorkloads exist only in the new analysis, RemovedWorkloads
	// only in the old one.
	AddedWorkloads, RemovedWorkloads []Peer
}

// Diff compares two analyses connection by connection. External address
// ranges are split at the ipBlock edges of both, so that every range
// listed is treated alike by the policies of each.
func Diff(old, new *Result) *Delta {
	universe := slices.Clone(old.universe)
	for _, u := range new.universe {
		if !slices.Contains(universe, u) {
			universe = append(universe, u)
		}
	}
	srcAtoms := partition(universe, append(slices.Clone(old.srcPieces), new.srcPieces...))
	dstAtoms := partition(universe, append(slices.Clone(old.dstPieces), new.dstPieces...))
	before := slices.Collect(old.connSeq(srcAtoms, dstAtoms))
	after := slices.Collect(new.connSeq(srcAtoms, dstAtoms))

	d := &Delta{}
	key := func(c Connection) string { return c.Src.String() + "\x00" + c.Dst.String() }
	i, j := 0, 0
	for i < len(before) || j < len(after) {
		var cmp int
		switch {
		case i == len(before):
			cmp = 1
		case j == len(after):
			cmp = -1
		default:
			ki, kj := key(before[i]), key(after[j])
			switch {
			case ki < kj:
				cmp = -1
			case ki > kj:
				cmp = 1
			}
		}
		switch cmp {
		case -1:
			d.Changes = append(d.Changes, Change{Src: before[i].Src, Dst: before[i].Dst, Old: before[i].Conns})
			i++
		case 1:
			d.Changes = append(d.Changes, Change{Src: after[j].Src, Dst: after[j].Dst, New: after[j].Conns})
			j++
		default:
			if !before[i].Conns.Equal(after[j].Conns) {
				d.Changes = append(d.Changes, Change{Src: before[i].Src, Dst: before[i].Dst, Old: before[i].Conns, New: after[j].Conns})
			}
			i++
			j++
		}
	}
	oldW, newW := map[Peer]bool{}, map[Peer]bool{}
	for _, w := range old.workloads {
		oldW[w.Peer] = true
	}
	for _, w := range new.workloads {
		newW[w.Peer] = true
		if !oldW[w.Peer] {
			d.AddedWorkloads = append(d.AddedWorkloads, w.Peer)
		}
	}
	for _, w := range old.workloads {
		if !newW[w.Peer] {
			d.RemovedWorkloads = append(d.RemovedWorkloads, w.Peer)
		}
	}
	return d
}
