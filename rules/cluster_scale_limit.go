package rules

import (
	"fmt"

	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/finding"
	"github.com/aksnet/aksnet/sizing"
)

var clusterScaleLimit = &Rule{
	ID:       "cluster-scale-limit",
	Title:    "Cluster or pool above the AKS node, pool or pod limits",
	Severity: finding.Error,
	Doc: "AKS supports at most 5,000 nodes per cluster, 1,000 nodes per pool (one VM scale set) and " +
		"100 node pools per cluster. Upgrade surge nodes count against these limits while an upgrade " +
		"runs, and a cluster already at 5,000 nodes cannot be upgraded at all (the large-cluster " +
		"guide says to scale below 3,000 first). For Azure CNI Overlay the documentation also quotes a " +
		"pod ceiling per cluster, inconsistently: 250,000 pods on the pod-networking page and 200,000 in " +
		"the large-cluster guide, and it warns against reading maxPods × nodes as a promise. A design " +
		"whose pools can hold more pods than that cannot actually fill its nodes.",
	Remediation: "Split the workload over several clusters or pools so that each cluster stays at or below 5,000 nodes including surge, each pool at or below 1,000 nodes and each cluster at or below 100 pools; for large Overlay clusters, lower maxPods or the node count so the pod capacity stays within 200,000.",
	Sources:     []string{capSrcQuotas, capSrcLarge, capSrcPlanPods, capSrcRolling},
	Check:       checkClusterScaleLimit,
}

// capOverlayPodCeiling is the lower of the two documented Overlay pod
// totals per cluster (200,000 and 250,000).
const capOverlayPodCeiling = 200_000

func checkClusterScaleLimit(p *Pass) {
	pl := p.Design.Spec.Planning
	for ci := range p.Design.Spec.Clusters {
		c := &p.Design.Spec.Clusters[ci]
		poolsPath := design.Field(c.Path, "nodePools")
		var total sizing.Needs
		var pods uint64
		for pi := range c.NodePools {
			np := &c.NodePools[pi]
			total = total.Plus(sizing.PoolNodes(c, np, pl))
			pods += uint64(max(np.MaxNodes(), 0)) * uint64(max(c.MaxPodsFor(np), 0))
			if n := np.MaxNodes(); n > sizing.MaxPoolInstances {
				p.Reportf(design.PoolSubject(c, np), capPoolSizePath(np), "pool %s can reach %s nodes; a pool (one VM scale set) holds at most %s",
					capPoolName(c, np), capNum(n), capNum(sizing.MaxPoolInstances))
			}
		}
		switch {
		case total.Steady > sizing.MaxClusterNodes:
			p.Reportf(c.Subject(), poolsPath, "cluster %s can reach %s nodes (%s with surge); AKS supports at most %s per cluster",
				c.Name, capNum(total.Steady), capNum(total.Upgrade), capNum(sizing.MaxClusterNodes))
		case total.Upgrade > sizing.MaxClusterNodes:
			p.Reportf(c.Subject(), poolsPath, "cluster %s can reach %s nodes and %s during an upgrade (max nodes + surge); AKS supports at most %s per cluster, and a cluster at the limit cannot be upgraded",
				c.Name, capNum(total.Steady), capNum(total.Upgrade), capNum(sizing.MaxClusterNodes))
		}
		if n := len(c.NodePools); n > sizing.MaxPoolsPerCluster {
			p.Reportf(c.Subject(), poolsPath, "cluster %s has %d node pools; AKS supports at most %d", c.Name, n, sizing.MaxPoolsPerCluster)
		}
		if c.IPAM() == design.IPAMOverlay && pods > capOverlayPodCeiling {
			p.Report(Issue{
				Subject:  c.Subject(),
				Path:     poolsPath,
				Severity: finding.Warning,
				Message: fmt.Sprintf("Overlay cluster %s can hold %s pods (maxPods × max nodes over its pools); the docs quote %s (large-cluster guide) to 250,000 (pod-networking page) pods per Overlay cluster, so its nodes cannot all be filled",
					c.Name, capNum(pods), capNum(uint64(capOverlayPodCeiling))),
			})
		}
	}
}
