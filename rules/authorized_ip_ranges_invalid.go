package rules

import (
	"fmt"
	"net/netip"

	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/finding"
)

// Authorized IP range limits of the API server.
const (
	egAuthorizedMax           = 200
	egAuthorizedMaxIntegrated = 2000
)

// egPrivateRanges are address blocks that never appear as the source of a
// connection to a public endpoint.
var egPrivateRanges = []netip.Prefix{
	netip.MustParsePrefix("10.0.0.0/8"),
	netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("192.168.0.0/16"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("fc00::/7"),
}

var authorizedIPRangesInvalid = &Rule{
	ID:       "authorized-ip-ranges-invalid",
	Title:    "API server authorized IP ranges are ignored, too many, or protect nothing",
	Severity: finding.Error,
	Doc: "Authorized IP ranges limit who can reach a public API server endpoint. They do nothing for " +
		"a private cluster, whose private endpoint they do not cover, so listing them there gives a " +
		"false sense of control. AKS accepts at most 200 ranges, or 2,000 with API Server VNet " +
		"Integration, and refuses longer lists. A range of 0.0.0.0/0 admits the whole internet and " +
		"defeats the feature. Private addresses (RFC 1918, RFC 6598) never reach a public endpoint and " +
		"match nothing; nodes reach it from the cluster's egress IP. AKS adds the load balancer's " +
		"outbound IP itself, but with userDefinedRouting the egress IP is the firewall's public IP, " +
		"which must be listed by hand or nodes and pods lose the API server.",
	Remediation: "List only the public CIDRs of the networks that administer the cluster (at most 200, " +
		"2,000 with API Server VNet Integration), including the egress IP of a firewall, and use private " +
		"access instead of ranges on a private cluster.",
	Sources: []string{
		"https://learn.microsoft.com/azure/aks/api-server-authorized-ip-ranges",
		"https://learn.microsoft.com/azure/aks/private-clusters",
		"https://learn.microsoft.com/azure/aks/egress-outboundtype",
	},
	Check: egCheckAuthorizedIPRanges,
}

func egCheckAuthorizedIPRanges(p *Pass) {
	for i := range p.Design.Spec.Clusters {
		c := &p.Design.Spec.Clusters[i]
		ranges := c.APIServer.AuthorizedIPRanges
		if len(ranges) == 0 {
			continue
		}
		path := design.Field(design.Field(c.Path, "apiServer"), "authorizedIPRanges")
		if c.APIServer.Private {
			p.Report(Issue{
				Subject: c.Subject(), Path: path, Severity: finding.Warning,
				Message: fmt.Sprintf("cluster %s is private but lists %d authorized IP %s; they do not apply to "+
					"the private endpoint and restrict nothing", c.Name, len(ranges), egPlural(len(ranges), "range", "ranges")),
				Remediation: "Remove apiServer.authorizedIPRanges and control access to the private endpoint with " +
					"network paths (peering, NSGs, firewall) instead.",
			})
			continue
		}
		limit := egAuthorizedMax
		integrated := c.APIServer.VNetIntegrationSubnet != ""
		if integrated {
			limit = egAuthorizedMaxIntegrated
		}
		if len(ranges) > limit {
			how := "without API Server VNet Integration"
			if integrated {
				how = "with API Server VNet Integration"
			}
			p.Reportf(c.Subject(), path, "cluster %s lists %s authorized IP ranges; AKS accepts at most %s %s",
				c.Name, egNum(len(ranges)), egNum(limit), how)
		}
		open := false
		for j, r := range ranges {
			at := design.Index(path, j)
			switch {
			case r.Bits() == 0:
				open = true
				p.Report(Issue{
					Subject: c.Subject(), Path: at, Severity: finding.Warning,
					Message: fmt.Sprintf("cluster %s authorizes %s, which admits every address and gives the public "+
						"API server no protection", c.Name, r),
				})
			case !integrated && egIsPrivate(r):
				p.Report(Issue{
					Subject: c.Subject(), Path: at, Severity: finding.Info,
					Message: fmt.Sprintf("cluster %s authorizes the private range %s, but connections to the public API "+
						"server endpoint always come from public addresses, so it matches nothing", c.Name, r),
					Remediation: "List the public egress IPs of the networks behind the private range (their NAT, " +
						"firewall or proxy addresses) instead.",
				})
			}
		}
		if !open && c.OutboundType() == design.OutboundUserDefinedRouting {
			p.Report(Issue{
				Subject: c.Subject(), Path: path, Severity: finding.Info,
				Message: fmt.Sprintf("cluster %s restricts the API server to authorized ranges and sends egress "+
					"through a firewall (userDefinedRouting); AKS does not add the firewall's public IP, so the "+
					"ranges must include it or nodes and pods cannot reach the API server", c.Name),
				Remediation: "Add the firewall's public egress IP to apiServer.authorizedIPRanges.",
			})
		}
	}
}

// egIsPrivate reports whether r lies inside a private or shared address block.
func egIsPrivate(r netip.Prefix) bool {
	for _, b := range egPrivateRanges {
		if b.Bits() <= r.Bits() && b.Contains(r.Addr()) {
			return true
		}
	}
	return false
}
