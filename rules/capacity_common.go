package rules

import (
	"strconv"
	"strings"
	"time"

	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/sizing"
)

// Helpers shared by the capacity group's rules (subnet and pod CIDR sizing,
// pool and cluster limits, Windows pools). They are prefixed cap so they
// cannot collide with the helpers of other rule groups in this package.

// Source URLs the capacity rules cite (from the AKS facts file).
const (
	capSrcIPPlanning   = "https://learn.microsoft.com/azure/aks/concepts-network-ip-address-planning"
	capSrcRolling      = "https://learn.microsoft.com/azure/aks/upgrade-aks-node-pools-rolling"
	capSrcUpgradeOpts  = "https://learn.microsoft.com/azure/aks/upgrade-options"
	capSrcVNetFAQ      = "https://learn.microsoft.com/azure/virtual-network/virtual-networks-faq"
	capSrcLegacyCNI    = "https://learn.microsoft.com/azure/aks/concepts-network-legacy-cni"
	capSrcKubenet      = "https://learn.microsoft.com/azure/aks/configure-kubenet"
	capSrcPrivate      = "https://learn.microsoft.com/azure/aks/private-clusters"
	capSrcInternalLB   = "https://learn.microsoft.com/azure/aks/internal-lb"
	capSrcOverlay      = "https://learn.microsoft.com/azure/aks/concepts-network-azure-cni-overlay"
	capSrcOverlayHowTo = "https://learn.microsoft.com/azure/aks/azure-cni-overlay"
	capSrcChangelog    = "https://github.com/Azure/AKS/blob/master/CHANGELOG.md"
	capSrcPodSubnet    = "https://learn.microsoft.com/azure/aks/concepts-network-azure-cni-pod-subnet"
	capSrcDynamic      = "https://learn.microsoft.com/azure/aks/configure-azure-cni-dynamic-ip-allocation"
	capSrcStatic       = "https://learn.microsoft.com/azure/aks/configure-azure-cni-static-block-allocation"
	capSrcDynamicIssue = "https://github.com/MicrosoftDocs/azure-docs/issues/97370"
	capSrcQuotas       = "https://learn.microsoft.com/azure/aks/quotas-skus-regions"
	capSrcLarge        = "https://learn.microsoft.com/azure/aks/best-practices-performance-scale-large"
	capSrcPlanPods     = "https://learn.microsoft.com/azure/aks/plan-pod-networking"
	capSrcARMSpec      = "https://github.com/Azure/azure-rest-api-specs/blob/main/specification/containerservice/resource-manager/Microsoft.ContainerService/aks/stable/2025-05-01/managedClusters.json"
	capSrcWindows      = "https://learn.microsoft.com/azure/aks/windows-vs-linux-containers"
	capSrcCilium       = "https://learn.microsoft.com/azure/aks/azure-cni-powered-by-cilium"
	capSrcCNIOverview  = "https://learn.microsoft.com/azure/aks/concepts-network-cni-overview"
	capSrcLimits       = "https://learn.microsoft.com/azure/azure-resource-manager/management/azure-subscription-service-limits#networking-limits"
)

// capNum formats a count with thousands separators.
func capNum[T int | uint64](n T) string {
	if n < 0 {
		return "-" + sizing.Count(uint64(-n))
	}
	return sizing.Count(uint64(n))
}

// capStagePhrase says when a need arises, for messages: "at maximum node
// counts", "during an upgrade (max nodes + surge)", and so on, naming the
// planning factors that apply.
func capStagePhrase(s sizing.Stage, pl design.Planning) string {
	switch s {
	case sizing.Steady:
		return "at maximum node counts"
	case sizing.Upgrade:
		return "during an upgrade (max nodes + surge)"
	case sizing.BlueGreen:
		return "during a blue/green pool replacement (max nodes + surge + " + strconv.Itoa(pl.BlueGreenOverlapPercent) + "% overlap)"
	case sizing.Headroom:
		return "with the planned " + strconv.Itoa(pl.EmergencyHeadroomPercent) + "% emergency headroom"
	}
	return "with the planned growth factor " + strconv.FormatFloat(pl.EffectiveGrowthFactor(), 'g', -1, 64)
}

// capRequired reports whether a stage is part of what a design must fit
// (max nodes, surge and blue/green overlap) rather than planned extra room
// (emergency headroom and growth).
func capRequired(s sizing.Stage) bool { return s <= sizing.BlueGreen }

// capMore adds what the later required stages need when the first stage
// that fails is earlier: " (1,581 during an upgrade)".
func capMore(n sizing.Needs, s sizing.Stage, pl design.Planning) string {
	switch {
	case s == sizing.Steady && n.Upgrade > n.Steady:
		out := " before any upgrade (" + capNum(n.Upgrade) + " during one"
		if n.BlueGreen > n.Upgrade {
			out += ", " + capNum(n.BlueGreen) + " " + capStagePhrase(sizing.BlueGreen, pl)
		}
		return out + ")"
	case s == sizing.Upgrade && n.BlueGreen > n.Upgrade:
		return " (" + capNum(n.BlueGreen) + " " + capStagePhrase(sizing.BlueGreen, pl) + ")"
	}
	return ""
}

// capBreakdown lists what takes addresses at stage s: "pool aks1/user
// 50+5 nodes, private endpoint kv 3". With floor, pool consumers are shown
// at their per-node floor (dynamic pod subnets).
func capBreakdown(cs []sizing.Consumer, s sizing.Stage, floor bool) string {
	parts := make([]string, 0, len(cs))
	for i := range cs {
		c := &cs[i]
		n := c.Need.At(s)
		if floor {
			n = c.MinNeed.At(s)
		}
		if n == 0 {
			continue
		}
		if floor {
			parts = append(parts, c.DescribeMin(s))
		} else {
			parts = append(parts, c.Describe(s))
		}
	}
	return strings.Join(parts, ", ")
}

// capPrefixes formats a subnet's prefixes: "10.1.0.0/24, fd00::/64".
func capPrefixes(u *sizing.SubnetUse) string {
	parts := make([]string, len(u.Prefixes))
	for i, p := range u.Prefixes {
		parts[i] = p.String()
	}
	return strings.Join(parts, ", ")
}

// capFitSubnet suggests the IPv4 subnet size that fits need (and, when it is
// larger, the size that also fits the planned need): "a /25 (123 usable)
// fits".
func capFitSubnet(need, planned uint64) string {
	b := sizing.SubnetBitsFor(need)
	out := "a /" + strconv.Itoa(b) + " (" + capNum(capUsableOf(b)) + " usable) fits"
	if pb := sizing.SubnetBitsFor(planned); pb < b {
		out += "; a /" + strconv.Itoa(pb) + " also fits the planned headroom and growth"
	}
	return out
}

// capUsableOf returns the usable addresses of an IPv4 subnet of prefix
// length bits.
func capUsableOf(bits int) uint64 {
	if bits < 0 || bits > 32 {
		return 0
	}
	n := uint64(1) << uint(32-bits)
	if n < 5 {
		return 0
	}
	return n - 5
}

// capPoolSizePath is the path of the value that sets a pool's largest node
// count: maxCount when autoscaling, else count.
func capPoolSizePath(p *design.NodePool) string {
	if p.MaxCount != nil {
		return design.Field(p.Path, "maxCount")
	}
	if p.Count != nil {
		return design.Field(p.Path, "count")
	}
	return p.Path
}

// capPoolName is "aks1/user" for messages.
func capPoolName(c *design.Cluster, p *design.NodePool) string { return c.Name + "/" + p.Name }

// capDate returns midnight UTC of a calendar day.
func capDate(year int, month time.Month, day int) time.Time {
	return time.Date(year, month, day, 0, 0, 0, 0, time.UTC)
}

// capReached reports whether the day has come according to Now.
func capReached(day time.Time) bool { return !Now().Before(day) }
