package planout

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/plan"
	"github.com/aksnet/aksnet/report"
	"github.com/aksnet/aksnet/sizing"
)

// ReportOptions tune the plan report.
type ReportOptions struct {
	// DesignFile is the name of the planned design file, as the summary
	// should mention it; empty leaves it out.
	DesignFile string
	// NetworkPolicyFile is the file the NetworkPolicy manifests are written
	// to, relative to the report (default "networkpolicies.yaml").
	NetworkPolicyFile string
	// CheckSummary is the outcome of `aksnet check` on the planned design,
	// as Markdown; it is written under "Check results" as it is.
	CheckSummary string
}

// DefaultNetworkPolicyFile is the manifest file name the report links to
// when ReportOptions.NetworkPolicyFile is empty.
const DefaultNetworkPolicyFile = "networkpolicies.yaml"

// patternNames are the production patterns of section 18 of the lesson.
var patternNames = map[plan.Pattern]string{
	plan.PatternGeneral:    "general production default",
	plan.PatternFlat:       "enterprise flat pod networking",
	plan.PatternRestricted: "highly restricted regulated cluster",
	plan.PatternMigration:  "migration from legacy networking",
}

// patternText names a pattern: "C (highly restricted regulated cluster)".
func patternText(p plan.Pattern) string {
	if p == "" {
		return "-"
	}
	if n, ok := patternNames[p]; ok {
		return "pattern " + string(p) + " (" + n + ")"
	}
	return "pattern " + string(p)
}

// Report writes the Markdown report of a plan, the document a platform team
// takes to the network team. After a title and a summary it has one
// section per deliverable of the lesson's practice exercise, in order:
// (1) the CNI mode and why, (2) the address plan with per-cluster capacity
// tables, (3) the egress path, (4) the ingress path for public and private
// APIs, (5) the private DNS strategy, (6) the NetworkPolicy baseline, (7)
// the failure drills and (8) what to monitor. Then come the defaults the
// planner applied, the ranges reserved for future clusters, the address
// map pictures (named by [AddressMapName]) and the check results.
//
// Drills and monitors come from r.Drills and r.Monitoring, or from
// [plan.Operations] when the result has none.
func Report(w io.Writer, r *plan.Result, opts ReportOptions) error {
	if r == nil || r.Design == nil {
		return fmt.Errorf("plan report: no planned design")
	}
	if opts.NetworkPolicyFile == "" {
		opts.NetworkPolicyFile = DefaultNetworkPolicyFile
	}
	drills, monitors := r.Drills, r.Monitoring
	if len(drills) == 0 && len(monitors) == 0 {
		drills, monitors = plan.Operations(r)
	}
	rw := &reportWriter{r: r, d: r.Design, opts: opts}
	rw.title()
	rw.summary()
	rw.cni()
	rw.addresses()
	rw.egress()
	rw.ingress()
	rw.privateDNS()
	rw.policies()
	rw.drills(drills)
	rw.monitoring(monitors)
	rw.defaults()
	rw.reserved()
	rw.addressMaps()
	rw.checks()
	if _, err := io.WriteString(w, rw.b.String()); err != nil {
		return fmt.Errorf("plan report: %w", err)
	}
	return nil
}

// reportWriter accumulates the report.
type reportWriter struct {
	r    *plan.Result
	d    *design.Design
	opts ReportOptions
	b    strings.Builder
}

func (rw *reportWriter) p(parts ...string) {
	for _, s := range parts {
		rw.b.WriteString(s)
	}
}

// table writes a Markdown table; cells are Markdown already.
func (rw *reportWriter) table(head []string, rows [][]string) {
	rw.p("| ", strings.Join(head, " | "), " |\n|", strings.Repeat(" --- |", len(head)), "\n")
	for _, row := range rows {
		cells := make([]string, len(row))
		for i, c := range row {
			cells[i] = mdCell(c)
		}
		rw.p("| ", strings.Join(cells, " | "), " |\n")
	}
	rw.p("\n")
}

func (rw *reportWriter) title() {
	name := rw.d.Metadata.Name
	if name == "" {
		name = "AKS estate"
	}
	rw.p("# Network plan: ", mdText(name), "\n\n")
	if desc := oneLine(rw.d.Metadata.Description); desc != "" {
		rw.p(mdText(desc), "\n\n")
	}
}

// clusterPlan returns the planner's summary of cluster name, or nil.
func (rw *reportWriter) clusterPlan(name string) *plan.ClusterPlan {
	for i := range rw.r.Clusters {
		if rw.r.Clusters[i].Name == name {
			return &rw.r.Clusters[i]
		}
	}
	return nil
}

// pattern returns the pattern a cluster follows: the planner's summary,
// else the first decision that names one.
func (rw *reportWriter) pattern(name string) plan.Pattern {
	if cp := rw.clusterPlan(name); cp != nil && cp.Pattern != "" {
		return cp.Pattern
	}
	for _, d := range rw.r.Decisions {
		if d.Cluster == name && d.Pattern != "" {
			return d.Pattern
		}
	}
	return ""
}

func (rw *reportWriter) summary() {
	d := rw.d
	var regions, envs []string
	for i := range d.Spec.Clusters {
		c := &d.Spec.Clusters[i]
		if c.Region != "" && !has(regions, c.Region) {
			regions = append(regions, c.Region)
		}
		if c.Environment != "" && !has(envs, c.Environment) {
			envs = append(envs, c.Environment)
		}
	}
	rw.p("## Summary\n\n")
	line := fmt.Sprintf("This plan covers %s in %s", count(len(d.Spec.Clusters), "cluster"), count(len(regions), "region"))
	if len(regions) > 0 {
		line += " (" + nameList(regions) + ")"
	}
	if len(envs) > 0 {
		line += " and " + count(len(envs), "environment") + " (" + nameList(envs) + ")"
	}
	line += fmt.Sprintf(". It allocates %s from %s without overlap", count(len(rw.r.Allocations), "range"), count(len(rw.r.Pools), "pool prefix"))
	var avoid int
	for _, e := range d.Spec.ExternalRanges {
		if e.Kind != design.RangeReserved {
			avoid += len(e.CIDRs)
		}
	}
	if avoid > 0 {
		line += ", clear of " + count(avoid, "listed range") + " to avoid and the ranges AKS reserves"
	}
	line += ", and keeps " + count(len(rw.r.Reservations), "range") + " free for future clusters."
	rw.p(mdText(line), "\n")
	if rw.opts.DesignFile != "" {
		rw.p("\nThe design is in ", mdCode(rw.opts.DesignFile), "; `aksnet check` reads it.\n")
	}
	rw.p("\n")
	var rows [][]string
	for i := range d.Spec.Clusters {
		c := &d.Spec.Clusters[i]
		api := "public"
		if c.APIServer.Private {
			api = "private"
		}
		rows = append(rows, []string{
			mdCode(c.Name), mdText(c.Region), mdText(c.Environment), mdText(patternText(rw.pattern(c.Name))),
			mdText(c.IPAM().String()), mdCode(string(c.OutboundType())), api,
		})
	}
	if len(rows) > 0 {
		rw.table([]string{"Cluster", "Region", "Environment", "Pattern", "Pod networking", "Egress", "API server"}, rows)
	}
}

// decisionGroup is one choice made for one or more clusters for the same
// reason.
type decisionGroup struct {
	topic    plan.Topic
	choice   string
	reason   string
	pattern  plan.Pattern
	clusters []string
}

// decisions groups the decisions on the given topics: clusters that got
// the same choice for the same reason share one entry, in order of first
// appearance.
func (rw *reportWriter) decisions(topics ...plan.Topic) []decisionGroup {
	var out []decisionGroup
	for _, d := range rw.r.Decisions {
		if !hasTopic(topics, d.Topic) {
			continue
		}
		found := false
		for i := range out {
			g := &out[i]
			if g.topic == d.Topic && g.choice == d.Choice && g.reason == d.Reason && g.pattern == d.Pattern {
				g.clusters = append(g.clusters, d.Cluster)
				found = true
				break
			}
		}
		if !found {
			out = append(out, decisionGroup{topic: d.Topic, choice: d.Choice, reason: d.Reason, pattern: d.Pattern, clusters: []string{d.Cluster}})
		}
	}
	return out
}

func hasTopic(ts []plan.Topic, t plan.Topic) bool {
	for _, x := range ts {
		if x == t {
			return true
		}
	}
	return false
}

// writeDecisions writes grouped decisions as short paragraphs; it reports
// whether there were any.
func (rw *reportWriter) writeDecisions(topics ...plan.Topic) bool {
	groups := rw.decisions(topics...)
	for _, g := range groups {
		var names []string
		for _, c := range g.clusters {
			if c == "" {
				names = append(names, "all clusters")
			} else {
				names = append(names, mdCode(c))
			}
		}
		rw.p("**", mdText(g.choice), "** for ", strings.Join(names, ", "))
		if g.pattern != "" {
			rw.p(", following ", mdText(patternText(g.pattern)))
		}
		rw.p(".")
		if g.reason != "" {
			rw.p(" ", mdText(g.reason))
		}
		rw.p("\n\n")
	}
	return len(groups) > 0
}

func (rw *reportWriter) cni() {
	rw.p("## 1. CNI mode and why\n\n")
	if !rw.writeDecisions(plan.TopicCNI, plan.TopicDataplane) {
		rw.p("The planner recorded no reasons; the table shows what the design sets.\n\n")
	}
	var rows [][]string
	for i := range rw.d.Spec.Clusters {
		c := &rw.d.Spec.Clusters[i]
		routable := "no"
		if c.Requirements.PodIPsRoutable {
			routable = "yes"
			if c.Requirements.PodIPsRoutableReason != "" {
				routable += ": " + mdText(c.Requirements.PodIPsRoutableReason)
			}
		}
		maxPods := make([]string, 0, len(c.NodePools))
		for j := range c.NodePools {
			p := &c.NodePools[j]
			maxPods = append(maxPods, mdText(p.Name)+" "+strconv.Itoa(c.MaxPodsFor(p)))
		}
		rows = append(rows, []string{mdCode(c.Name), mdText(c.IPAM().String()), mdCode(string(c.Dataplane())),
			routable, strings.Join(maxPods, ", "), mdText(patternText(rw.pattern(c.Name)))})
	}
	if len(rows) > 0 {
		rw.table([]string{"Cluster", "Pod networking", "Dataplane", "Pod IPs must be routable", "maxPods per pool", "Pattern"}, rows)
	}
}

// subnetText formats subnets as "`vnet/subnet` `10.0.0.0/24`".
func subnetText(v *design.VNet, s *design.Subnet) string {
	return mdCode(v.Name+"/"+s.Name) + " " + mdPrefixes(s.AddressPrefixes)
}

// clusterSubnets returns the distinct subnets a cluster's pools use for
// nodes (pods false) or pods (pods true), formatted.
func (rw *reportWriter) clusterSubnets(c *design.Cluster, pods bool) []string {
	var out []string
	for i := range c.NodePools {
		p := &c.NodePools[i]
		var v *design.VNet
		var s *design.Subnet
		if pods {
			v, s = rw.d.PoolPodSubnet(c, p)
		} else {
			v, s = rw.d.PoolSubnet(c, p)
		}
		if s != nil {
			if t := subnetText(v, s); !has(out, t) {
				out = append(out, t)
			}
		}
	}
	return out
}

// vnetSubnets returns the subnets of the cluster's VNet with one of the
// purposes, formatted.
func (rw *reportWriter) vnetSubnets(c *design.Cluster, purposes ...design.SubnetPurpose) []string {
	v := rw.d.VNetByName(c.VNet)
	if v == nil {
		return nil
	}
	var out []string
	for i := range v.Subnets {
		s := &v.Subnets[i]
		for _, p := range purposes {
			if s.Purpose == p {
				out = append(out, subnetText(v, s))
			}
		}
	}
	return out
}

func (rw *reportWriter) addresses() {
	d := rw.d
	rw.p("## 2. Address plan\n\n")
	rw.writeDecisions(plan.TopicAddressing)
	var rows [][]string
	used := map[string]bool{}
	for i := range d.Spec.Clusters {
		c := &d.Spec.Clusters[i]
		vnet := "AKS-managed"
		if v := d.VNetByName(c.VNet); v != nil {
			vnet = mdCode(v.Name) + " " + mdPrefixes(v.AddressSpace)
			used[v.Name] = true
		}
		pods := "-"
		if ps := c.PodCIDRs(); len(ps) > 0 {
			pods = "pod CIDR " + mdPrefixes(ps)
		} else if subs := rw.clusterSubnets(c, true); len(subs) > 0 {
			pods = "pod subnet " + strings.Join(subs, ", ")
		}
		rows = append(rows, []string{
			mdCode(c.Name), vnet, orDash(strings.Join(rw.clusterSubnets(c, false), "<br>")), pods,
			mdPrefixes(c.ServiceCIDRs()), mdCode(c.DNSServiceIP().String()),
			orDash(strings.Join(rw.vnetSubnets(c, design.PurposeIngress, design.PurposeAppGateway, design.PurposeAppGatewayForContainers), "<br>")),
			orDash(strings.Join(rw.vnetSubnets(c, design.PurposePrivateEndpoints), "<br>")),
		})
	}
	if len(rows) > 0 {
		rw.p("### Per cluster\n\n")
		rw.table([]string{"Cluster", "VNet", "Node subnets", "Pods", "Service CIDR", "DNS service IP", "Ingress subnet", "Private endpoint subnet"}, rows)
	}
	rows = nil
	for i := range d.Spec.VNets {
		v := &d.Spec.VNets[i]
		if used[v.Name] {
			continue
		}
		var subs []string
		for j := range v.Subnets {
			s := &v.Subnets[j]
			subs = append(subs, mdCode(s.Name)+" "+mdPrefixes(s.AddressPrefixes)+" ("+mdText(string(s.Purpose))+")")
		}
		rows = append(rows, []string{mdCode(v.Name), mdText(v.Region), mdPrefixes(v.AddressSpace), orDash(strings.Join(subs, "<br>"))})
	}
	if len(rows) > 0 {
		rw.p("### Shared VNets\n\n")
		rw.table([]string{"VNet", "Region", "Address space", "Subnets"}, rows)
	}
	rw.p("Service CIDRs and pod CIDRs are not routed outside their cluster; they must still overlap nothing the cluster talks to (VNets, peers, on-premises).\n\n")

	sections := report.CapacityMarkdown([]report.CapacityFile{{File: rw.opts.DesignFile, Report: sizing.Analyze(d)}})
	rw.p("### Capacity\n\n")
	rw.p("Steady is every pool at its maximum; upgrade adds each pool's surge; the later columns add the blue/green overlap, the emergency headroom and the growth factor. Spare is what is left at that stage.\n\n")
	for _, s := range sections {
		rw.p(strings.TrimRight(s.Body, "\n"), "\n\n")
	}
}

func (rw *reportWriter) egress() {
	rw.p("## 3. Egress path\n\n")
	rw.writeDecisions(plan.TopicOutbound)
	var rows [][]string
	for i := range rw.d.Spec.Clusters {
		c := &rw.d.Spec.Clusters[i]
		inspect := "no"
		if c.Requirements.EgressInspection {
			inspect = "required"
		}
		rows = append(rows, []string{mdCode(c.Name), mdCode(string(c.OutboundType())), mdText(plan.DescribeEgress(rw.d, c)), inspect})
	}
	if len(rows) > 0 {
		rw.table([]string{"Cluster", "Outbound type", "Path", "Inspection"}, rows)
	}
	rw.p("Private endpoints are reached inside the VNet and do not take this path. The egress drills in section 7 load-test each path; section 8 lists its SNAT signals.\n\n")
}

func (rw *reportWriter) ingress() {
	rw.p("## 4. Ingress path for public and private APIs\n\n")
	rw.writeDecisions(plan.TopicIngress, plan.TopicAPIServer)
	var rows [][]string
	for i := range rw.d.Spec.Clusters {
		c := &rw.d.Spec.Clusters[i]
		for j := range c.Ingress {
			in := &c.Ingress[j]
			exposure := string(in.Exposure)
			if exposure == "" {
				exposure = "not stated"
			}
			subnet := "-"
			if in.Subnet != "" {
				if v, s, err := rw.d.ResolveSubnet(in.Subnet, c.VNet); err == nil {
					subnet = subnetText(v, s)
				} else {
					subnet = mdCode(in.Subnet)
				}
			}
			rows = append(rows, []string{mdCode(c.Name), mdCode(in.Name), mdText(string(in.Kind)), mdText(exposure), subnet})
		}
	}
	if len(rows) > 0 {
		rw.p("### Entry points\n\n")
		rw.table([]string{"Cluster", "Entry point", "Kind", "Exposure", "Subnet"}, rows)
	}
	rows = nil
	for i := range rw.d.Spec.Clusters {
		c := &rw.d.Spec.Clusters[i]
		api, zone := "public endpoint", "-"
		if len(c.APIServer.AuthorizedIPRanges) > 0 {
			api += ", authorized ranges " + mdPrefixes(c.APIServer.AuthorizedIPRanges)
		}
		if c.APIServer.Private {
			api = "private endpoint"
			zone = c.APIServer.PrivateDNSZone
			if zone == "" || strings.EqualFold(zone, "system") {
				zone = "system (privatelink." + strings.ToLower(c.Region) + ".azmk8s.io, created by AKS)"
			}
			zone = mdText(zone)
		}
		if c.APIServer.VNetIntegrationSubnet != "" {
			api += ", VNet Integration subnet " + mdCode(c.APIServer.VNetIntegrationSubnet)
		}
		rows = append(rows, []string{mdCode(c.Name), api, zone})
	}
	if len(rows) > 0 {
		rw.p("### API servers\n\n")
		rw.table([]string{"Cluster", "API server", "Private DNS zone"}, rows)
	}
}

func (rw *reportWriter) privateDNS() {
	rw.p("## 5. Private DNS strategy\n\n")
	rw.writeDecisions(plan.TopicPrivateDNS)
	zones := plan.PrivateZoneUses(rw.d)
	var rows [][]string
	for _, z := range zones {
		links := "not declared"
		if z.Declared {
			links = mdCodes(z.Links)
		}
		answers := "-"
		if len(z.Prefixes) > 0 {
			answers = mdPrefixes(z.Prefixes) + " (" + mdCodes(z.Subnets) + ")"
		}
		rows = append(rows, []string{mdCode(z.Zone), mdText(nameList(z.Services)), mdCodes(z.Endpoints), answers, links, mdCode(z.Host)})
	}
	if len(rows) > 0 {
		rw.table([]string{"Zone", "Services", "Endpoints", "Private answers from", "Linked VNets", "Name to test"}, rows)
	} else {
		rw.p("The design has no private endpoints or private DNS zones.\n\n")
	}
	var custom []string
	for i := range rw.d.Spec.VNets {
		v := &rw.d.Spec.VNets[i]
		if len(v.DNSServers) > 0 {
			addrs := make([]string, len(v.DNSServers))
			for j, a := range v.DNSServers {
				addrs[j] = a.String()
			}
			custom = append(custom, mdCode(v.Name)+" uses "+mdCodes(addrs))
		}
	}
	if len(custom) > 0 {
		rw.p("Custom DNS servers: ", strings.Join(custom, "; "), ". They must forward the privatelink zones to 168.63.129.16 from a VNet linked to the zones.\n\n")
	} else {
		rw.p("Every VNet uses Azure-provided DNS (168.63.129.16), which answers from the private zones linked to that VNet. CoreDNS forwards names outside the cluster to it.\n\n")
	}
	rw.p("Public network access on each service is disabled only after the private DNS drills of section 7 pass from pods and from nodes.\n\n")
}

func (rw *reportWriter) policies() {
	rw.p("## 6. NetworkPolicy baseline\n\n")
	rw.writeDecisions(plan.TopicPolicy)
	var rows [][]string
	for i := range rw.d.Spec.Clusters {
		c := &rw.d.Spec.Clusters[i]
		ns := rw.r.ClusterSensitiveNamespaces(c)
		dns := "CoreDNS pods (`kube-system`, `k8s-app: kube-dns`), UDP and TCP 53"
		if plan.LocalDNSByDefault(c) {
			dns += "; LocalDNS " + mdPrefixes(plan.LocalDNSPrefixes)
		}
		if len(ns) == 0 {
			dns = "-"
		}
		engine := mdCode(string(c.Policy()))
		if c.Policy() == design.PolicyNone {
			engine += " (nothing enforces policies)"
		}
		rows = append(rows, []string{mdCode(c.Name), engine, mdCodes(ns), dns})
	}
	if len(rows) > 0 {
		rw.table([]string{"Cluster", "Policy engine", "Sensitive namespaces", "DNS allowed to"}, rows)
	}
	file := rw.opts.NetworkPolicyFile
	rw.p("The manifests are in [", mdText(file), "](", file, "). Each sensitive namespace gets `", DefaultDenyName,
		"` (every pod, ingress and egress, nothing allowed) and `", AllowDNSName,
		"` (egress to the CoreDNS pods only, on UDP and TCP 53; DNS falls back to TCP for large answers). ",
		"Apply one cluster's policies with `kubectl apply -f ", file, " -l ", ClusterLabel, "=<cluster>`, then add allow policies for the paths each workload needs. ",
		"The NetworkPolicy drills in section 7 prove that the engine enforces them.\n\n")
}

func (rw *reportWriter) drills(drills []plan.Drill) {
	rw.p("## 7. Failure drills\n\n")
	if len(drills) == 0 {
		rw.p("None: the design has nothing to rehearse.\n\n")
		return
	}
	rw.p("Run these in a non-production environment built from this design before production, and again after any change to subnets, routes, DNS or policies.\n\n")
	for i, d := range drills {
		rw.p("### 7.", strconv.Itoa(i+1), " ", d.Title, "\n\n")
		for j, s := range d.Steps {
			rw.p(strconv.Itoa(j+1), ". ", oneLine(s), "\n")
		}
		if d.Proves != "" {
			rw.p("\n**Proves:** ", oneLine(d.Proves), "\n")
		}
		rw.p("\n")
	}
}

func (rw *reportWriter) monitoring(monitors []plan.Monitor) {
	rw.p("## 8. Monitoring\n\n")
	if len(monitors) == 0 {
		rw.p("None.\n\n")
		return
	}
	rw.p("Thresholds come from the plan's numbers; the percentages are starting points to tune.\n\n")
	rows := make([][]string, len(monitors))
	for i, m := range monitors {
		rows[i] = []string{strconv.Itoa(i + 1), oneLine(m.Signal), oneLine(m.Threshold), oneLine(m.Why)}
	}
	rw.table([]string{"#", "Signal", "Threshold", "Why"}, rows)
}

func (rw *reportWriter) defaults() {
	rw.p("## Defaults applied\n\n")
	if len(rw.r.Defaults) == 0 {
		rw.p("None: the requirements stated every value.\n\n")
		return
	}
	rows := make([][]string, len(rw.r.Defaults))
	for i, d := range rw.r.Defaults {
		rows[i] = []string{mdCode(d.Path), mdCode(d.Value), mdText(d.Reason)}
	}
	rw.table([]string{"Requirement", "Value", "Why"}, rows)
}

func (rw *reportWriter) reserved() {
	rw.p("## Reserved for future clusters\n\n")
	if len(rw.r.Reservations) == 0 {
		rw.p("Nothing is reserved.\n\n")
		return
	}
	rw.p("These ranges are written into the design as external ranges of kind `reserved`, so nothing else takes them.\n\n")
	rows := make([][]string, len(rw.r.Reservations))
	for i, a := range rw.r.Reservations {
		rows[i] = []string{mdText(a.Pool), mdCode(a.Prefix.String()), mdText(a.Purpose), mdText(a.Owner), countAddresses(a.Prefix)}
	}
	rw.table([]string{"Pool", "Range", "For", "Owner", "Addresses"}, rows)
}

func (rw *reportWriter) addressMaps() {
	rw.p("## Address maps\n\n")
	if len(rw.r.Pools) == 0 {
		rw.p("No pools.\n\n")
		return
	}
	rw.p("Each pool prefix drawn to scale, one row per block of equal size, in address order.\n\n")
	seen := map[string]int{}
	for _, u := range rw.r.Pools {
		i := seen[u.Pool]
		seen[u.Pool]++
		name := AddressMapName(u.Pool, i)
		alt := "pool " + u.Pool + " " + u.Prefix.String()
		rw.p("### ", mdText(alt), "\n\n")
		rw.p(mdText(poolFigures(u, u.Prefix.Masked())), ".\n\n")
		rw.p("![", mdText(alt), "](", name, ")\n\n")
	}
}

func (rw *reportWriter) checks() {
	rw.p("## Check results\n\n")
	if s := strings.TrimSpace(rw.opts.CheckSummary); s != "" {
		rw.p(s, "\n")
		return
	}
	rw.p("`aksnet check` was not run on this design.\n")
}

// count formats "1 cluster", "3 clusters"; nouns ending in "prefix" take
// "es".
func count(n int, noun string) string {
	s := sizing.Count(uint64(n)) + " " + noun
	if n != 1 {
		if strings.HasSuffix(noun, "x") {
			s += "e"
		}
		s += "s"
	}
	return s
}

func has(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
