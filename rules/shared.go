package rules

import (
	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/sizing"
)

// capacity returns the sizing analysis of the pass's design, computed once
// per Run.
func capacity(p *Pass) sizing.Report {
	return p.Memo("sizing", func() any { return sizing.Analyze(p.Design) }).(sizing.Report)
}

// estateRanges is every named range of a design with its overlap index.
type estateRanges struct {
	ranges  []namedRange
	overlap [][]int
	peers   peerings
}

// ranges returns the named ranges of the pass's design, their overlaps and
// the peerings, computed once per Run.
func ranges(p *Pass) *estateRanges {
	return p.Memo("ranges", func() any {
		rs := collectRanges(p.Design)
		return &estateRanges{ranges: rs, overlap: overlapIndex(rs), peers: designPeerings(p.Design)}
	}).(*estateRanges)
}

// forEachClusterConflict calls fn for every conflict between a cluster
// range of the given kind (pod or Service) and another range of the design.
func forEachClusterConflict(p *Pass, kind rangeKind, fn func(s namedRange, cf conflict)) {
	er := ranges(p)
	vnetsOf := map[*design.Cluster][]string{}
	for i, s := range er.ranges {
		if s.Kind != kind || len(er.overlap[i]) == 0 {
			continue
		}
		own, ok := vnetsOf[s.Cluster]
		if !ok {
			own = clusterVNets(p.Design, s.Cluster)
			vnetsOf[s.Cluster] = own
		}
		for _, cf := range clusterConflicts(er.ranges, i, er.overlap[i], er.peers, own) {
			fn(s, cf)
		}
	}
}
