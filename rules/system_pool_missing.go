package rules

import (
	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/finding"
)

var systemPoolMissing = &Rule{
	ID:       "system-pool-missing",
	Title:    "Cluster has no System node pool, or one that can scale to zero",
	Severity: finding.Error,
	Doc: "Every AKS cluster needs at least one node pool in System mode: it hosts the cluster's own " +
		"components (such as CoreDNS), and a design without one cannot be deployed as written. System " +
		"pools must also keep at least one node: the API accepts a node count of 0 for User pools " +
		"only (1 to 1,000 for System pools). The first pool also matters for networking, because a " +
		"private cluster's API server endpoint is placed in its subnet.",
	Remediation: "Give the cluster a pool with mode: System and at least one node (count or minCount of 1 or more; 3 across availability zones for production).",
	Sources:     []string{capSrcARMSpec, capSrcQuotas, capSrcPrivate},
	Check:       checkSystemPoolMissing,
}

func checkSystemPoolMissing(p *Pass) {
	for ci := range p.Design.Spec.Clusters {
		c := &p.Design.Spec.Clusters[ci]
		if len(c.NodePools) == 0 {
			continue // structural validation reports a cluster without pools
		}
		found := false
		for pi := range c.NodePools {
			np := &c.NodePools[pi]
			if np.Mode != design.ModeSystem {
				continue
			}
			found = true
			if np.MinNodes() <= 0 {
				path := design.Field(np.Path, "count")
				if np.MinCount != nil {
					path = design.Field(np.Path, "minCount")
				}
				p.Reportf(design.PoolSubject(c, np), path, "System pool %s can have 0 nodes; System pools need at least 1", capPoolName(c, np))
			}
		}
		if !found {
			what := "its only node pool is a User pool"
			if n := len(c.NodePools); n > 1 {
				what = "none of its " + capNum(n) + " node pools is in System mode"
			}
			p.Reportf(c.Subject(), design.Field(c.Path, "nodePools"), "cluster %s has no System pool: %s", c.Name, what)
		}
	}
}
