package rules

import (
	"fmt"

	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/finding"
	"github.com/aksnet/aksnet/sizing"
)

var poolSurgeExceedsLimit = &Rule{
	ID:       "pool-surge-exceeds-limit",
	Title:    "Pool upgrade settings that AKS rejects or that stall an upgrade",
	Severity: finding.Error,
	Doc: "A rolling upgrade adds maxSurge extra nodes to a pool (a node count, or a percentage of the " +
		"pool rounded up; 10% by default from Kubernetes 1.32) before it drains old ones. A pool is one " +
		"VM scale set of at most 1,000 instances, and AKS rejects an upgrade up front when pool size " +
		"plus surge would exceed that, so a pool that may autoscale to 950 nodes cannot be upgraded " +
		"with the default surge. A surge above 100% adds no more nodes than the pool has. maxUnavailable " +
		"lets an upgrade take nodes down instead of adding them, but it defaults to 0, and with maxSurge " +
		"0 as well the upgrade has no way to make progress; maxUnavailable cannot be set on System pools.",
	Remediation: "Keep maxCount + surge at or below 1,000 (lower maxCount, set a smaller maxSurge, or split the pool), write maxSurge as at most 100%, give every pool a non-zero maxSurge or maxUnavailable, and leave maxUnavailable unset on System pools.",
	Sources:     []string{capSrcRolling, capSrcUpgradeOpts, capSrcARMSpec},
	Check:       checkPoolSurgeExceedsLimit,
}

func checkPoolSurgeExceedsLimit(p *Pass) {
	for ci := range p.Design.Spec.Clusters {
		c := &p.Design.Spec.Clusters[ci]
		for pi := range c.NodePools {
			np := &c.NodePools[pi]
			subject := design.PoolSubject(c, np)
			name := capPoolName(c, np)
			surgePath := design.Field(np.Path, "maxSurge")
			sv, spct, sok := design.ParseSurge(np.MaxSurge)
			if np.MaxSurge != "" && sok && spct && sv > 100 {
				p.Reportf(subject, surgePath, "pool %s sets maxSurge %s; a percentage surge can be at most 100%% of the pool", name, np.MaxSurge)
			}
			n := max(np.MaxNodes(), 0)
			if s := c.SurgeNodes(np, n); n+s > sizing.MaxPoolInstances {
				path, how := surgePath, "maxSurge "+np.MaxSurge
				if np.MaxSurge == "" {
					path, how = capPoolSizePath(np), "the default surge"
					if c.VersionAtLeast(1, 32) {
						how += " of 10%"
					}
				}
				p.Reportf(subject, path, "pool %s can reach %s nodes and %s adds %s during an upgrade: %s VMSS instances, above the %s-instance limit, so AKS rejects the upgrade",
					name, capNum(n), how, capNum(s), capNum(n+s), capNum(sizing.MaxPoolInstances))
			}
			uv, _, uok := design.ParseSurge(np.MaxUnavailable)
			unavailableZero := np.MaxUnavailable == "" || (uok && uv == 0)
			if np.MaxSurge != "" && sok && sv == 0 && unavailableZero {
				p.Report(Issue{
					Subject:  subject,
					Path:     surgePath,
					Severity: finding.Warning,
					Message:  fmt.Sprintf("pool %s sets maxSurge %s with maxUnavailable 0: an upgrade can neither add a node nor take one down, so it cannot proceed", name, np.MaxSurge),
				})
			}
			if np.Mode == design.ModeSystem && np.MaxUnavailable != "" {
				is := Issue{
					Subject: subject,
					Path:    design.Field(np.Path, "maxUnavailable"),
					Message: fmt.Sprintf("System pool %s sets maxUnavailable %s; AKS allows maxUnavailable only on User pools", name, np.MaxUnavailable),
				}
				if uok && uv == 0 {
					is.Severity = finding.Warning
					is.Message += " (0 is the default; remove it)"
				}
				p.Report(is)
			}
		}
	}
}
