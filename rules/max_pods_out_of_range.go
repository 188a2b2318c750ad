package rules

import (
	"fmt"

	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/finding"
	"github.com/aksnet/aksnet/sizing"
)

var maxPodsOutOfRange = &Rule{
	ID:       "max-pods-out-of-range",
	Title:    "maxPods is outside what AKS accepts, or left to a disputed default",
	Severity: finding.Error,
	Doc: "AKS accepts maxPods from 10 to 250 per node in every network mode, and only if the pool as a " +
		"whole can run at least 30 pods (maxPods 10 needs at least 3 nodes). maxPods is fixed when a " +
		"pool is created; changing it means adding a new pool and moving workloads. It drives address " +
		"need: legacy Azure CNI reserves maxPods addresses per node in the node subnet, and pod subnets " +
		"hand out batches or blocks sized by it. For pools with a pod subnet the documentation gives " +
		"two different defaults (110 on the IP-planning page, 250 on the dynamic-allocation page), so " +
		"leaving maxPods unset makes the pod subnet's need uncertain by more than a factor of two; " +
		"aksnet sizes such pools for 250.",
	Remediation: "Set maxPods explicitly between 10 and 250 on every pool, with maxPods × node count of at least 30; for pod-subnet pools choose the value you sized the pod subnet for.",
	Sources: []string{
		capSrcIPPlanning, capSrcDynamic, capSrcChangelog, capSrcQuotas,
	},
	Check: checkMaxPodsOutOfRange,
}

func checkMaxPodsOutOfRange(p *Pass) {
	for ci := range p.Design.Spec.Clusters {
		c := &p.Design.Spec.Clusters[ci]
		for pi := range c.NodePools {
			np := &c.NodePools[pi]
			subject := design.PoolSubject(c, np)
			if np.MaxPods == nil {
				if m := sizing.PoolIPAM(c, np); m == design.IPAMPodSubnetDynamic || m == design.IPAMPodSubnetStatic {
					full, _ := sizing.PodSubnetPerNode(c, np)
					p.Report(Issue{
						Subject:  subject,
						Path:     np.Path,
						Severity: finding.Warning,
						Message: fmt.Sprintf("pool %s has a pod subnet (%s allocation) but no maxPods; the docs give 110 or 250 as the default, so its pod subnet need is sized here for 250 (%s addresses per full node)",
							capPoolName(c, np), capAllocName(m), capNum(full)),
					})
				}
				continue
			}
			mp := *np.MaxPods
			path := design.Field(np.Path, "maxPods")
			if mp < sizing.MinMaxPods || mp > sizing.MaxMaxPods {
				p.Reportf(subject, path, "pool %s sets maxPods %d; AKS accepts %d to %d pods per node",
					capPoolName(c, np), mp, sizing.MinMaxPods, sizing.MaxMaxPods)
				continue
			}
			if n := np.MinNodes(); n > 0 && mp*n < sizing.MinPoolPods {
				p.Reportf(subject, path, "pool %s can run only %d pods (maxPods %d × %d nodes); AKS requires a pool to hold at least %d, so give it maxPods %d or more, or more nodes",
					capPoolName(c, np), mp*n, mp, n, sizing.MinPoolPods, (sizing.MinPoolPods+n-1)/n)
			}
		}
	}
}

// capAllocName names a pod subnet allocation mode: "dynamic" or "static
// block".
func capAllocName(m design.IPAM) string {
	if m == design.IPAMPodSubnetStatic {
		return "static block"
	}
	return "dynamic"
}
