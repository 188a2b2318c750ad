package plan

import (
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strings"

	"github.com/aksnet/aksnet/cidr"
	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/sizing"
)

var (
	regionName = regexp.MustCompile(`^[a-z][a-z0-9]*$`)
	labelName  = regexp.MustCompile(`^[a-z]([a-z0-9-]*[a-z0-9])?$`)
	dnsLabel   = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?$`)
	poolName   = regexp.MustCompile(`^[a-z][a-z0-9]{0,11}$`)
)

// privateSpace is where AKS supports pod CIDRs and accepts Service CIDRs:
// RFC 1918 and RFC 6598.
var privateSpace = []netip.Prefix{
	netip.MustParsePrefix("10.0.0.0/8"),
	netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("192.168.0.0/16"),
	netip.MustParsePrefix("100.64.0.0/10"),
}

func inPrivateSpace(p netip.Prefix) bool {
	for _, s := range privateSpace {
		if cidr.Contains(s, p) {
			return true
		}
	}
	return false
}

type checker struct {
	r     *Requirements
	probs []design.Problem
}

func (c *checker) add(path, hint, format string, args ...any) {
	c.probs = append(c.probs, design.Problem{Path: path, Msg: fmt.Sprintf(format, args...), Hint: hint})
}

// Validate checks requirements before planning: names unique and usable in
// Azure resource names, references to regions and environments that exist,
// address pools of the right family, node counts and surge within AKS
// limits, and combinations the planner cannot turn into a valid design
// (a template without a System pool, forced egress inspection without a hub
// firewall, Windows pools in a dual-stack cluster). Each problem carries the
// source path of the offending value, built from the objects' Path fields
// when a loader set them and from their positions otherwise.
//
// Running out of address space is not a validation problem: Plan reports
// it as a *SpaceError.
func Validate(r *Requirements) []design.Problem {
	c := &checker{r: r}
	s := &r.Spec
	if r.Kind != "" && r.Kind != Kind {
		c.add("kind", "write kind: "+Kind, "kind %q is not %s", r.Kind, Kind)
	}
	c.pools()
	c.planning()
	c.regions()
	c.environments()
	c.avoid()
	if len(s.Clusters) == 0 {
		c.add("spec.clusters", "describe at least one cluster template", "there are no cluster templates to plan")
	}
	seen := map[string]int{}
	for i := range s.Clusters {
		ct := &s.Clusters[i]
		path := templatePath(r, i)
		if j, dup := seen[ct.Name]; dup && ct.Name != "" {
			c.add(design.Field(path, "name"), "template names must be unique",
				"cluster template %q is defined twice (also %s)", ct.Name, templatePath(r, j))
			continue
		}
		seen[ct.Name] = i
		c.template(i)
	}
	return c.probs
}

func (c *checker) pools() {
	p := &c.r.Spec.Pools
	check := func(field string, ps []netip.Prefix, v6 bool, required bool, hint string) {
		path := design.Field("spec.pools", field)
		if len(ps) == 0 {
			if required {
				c.add(path, hint, "pool %s is empty", field)
			}
			return
		}
		for i, pr := range ps {
			at := design.Index(path, i)
			switch {
			case !pr.IsValid():
				c.add(at, "", "prefix is not valid")
			case pr.Addr().Is6() != v6:
				fam := "IPv4"
				if v6 {
					fam = "IPv6"
				}
				c.add(at, "list IPv6 pools under vnetsIPv6, podsIPv6 and servicesIPv6", "pool %s holds %s, which is not %s", field, pr, fam)
			case pr.Masked() != pr:
				c.add(at, "did you mean "+pr.Masked().String()+"?", "prefix %s has host bits set", pr)
			}
			for j := range i {
				if ps[j].IsValid() && pr.IsValid() && ps[j].Overlaps(pr) {
					c.add(at, "list each range once", "pool %s lists %s, which overlaps %s listed before it", field, pr, ps[j])
				}
			}
		}
	}
	check("vnets", p.VNets, false, true, "list the routable ranges the plan may use for VNets, e.g. [10.80.0.0/12]")
	check("pods", p.Pods, false, false, "")
	check("services", p.Services, false, false, "")
	check("vnetsIPv6", p.VNetsIPv6, true, anyDualStack(c.r), "dual-stack clusters need IPv6 VNet space; list a /48 or /56 such as the one your IPv6 plan assigns to Azure")
	check("podsIPv6", p.PodsIPv6, true, false, "")
	check("servicesIPv6", p.ServicesIPv6, true, false, "")
	for _, f := range []struct {
		name string
		ps   []netip.Prefix
	}{{"pods", p.Pods}, {"services", p.Services}} {
		for i, pr := range f.ps {
			if pr.IsValid() && pr.Addr().Is4() && !inPrivateSpace(pr) {
				c.add(design.Index(design.Field("spec.pools", f.name), i),
					"use RFC 1918 (10/8, 172.16/12, 192.168/16) or RFC 6598 (100.64.0.0/10) space",
					"pool %s holds %s, which is outside private address space; AKS does not support public pod CIDRs and refuses public Service CIDRs", f.name, pr)
			}
		}
	}
	for _, f := range []struct {
		name string
		ps   []netip.Prefix
		max  int
	}{{"vnetsIPv6", p.VNetsIPv6, 64}, {"podsIPv6", p.PodsIPv6, 64}, {"servicesIPv6", p.ServicesIPv6, 108}} {
		for i, pr := range f.ps {
			if pr.IsValid() && pr.Addr().Is6() && pr.Bits() > f.max {
				c.add(design.Index(design.Field("spec.pools", f.name), i), "",
					"pool %s holds %s, which is smaller than the /%d the plan takes from it", f.name, pr, f.max)
			}
		}
	}
}

func (c *checker) planning() {
	p := c.r.Spec.Planning
	base := "spec.planning"
	if p.MaxSurge != "" {
		c.surge(design.Field(base, "maxSurge"), p.MaxSurge)
	}
	if p.BlueGreenOverlapPercent < 0 || p.BlueGreenOverlapPercent > 100 {
		c.add(design.Field(base, "blueGreenOverlapPercent"), "use 0 to 100", "blue/green overlap %d%% is out of range", p.BlueGreenOverlapPercent)
	}
	switch g := p.GrowthFactor; {
	case g < 0 || g > 100:
		c.add(design.Field(base, "growthFactor"), "use a factor such as 1.5 (50% growth)", "growth factor %g is not plausible", g)
	case g > 0 && g < 1:
		c.add(design.Field(base, "growthFactor"), "a growth factor multiplies today's size; 1 means no growth", "growth factor %g would shrink the estate", g)
	}
	if h := p.EmergencyHeadroomPercent; h != nil && (*h < 0 || *h > 1000) {
		c.add(design.Field(base, "emergencyHeadroomPercent"), "use 0 to 1000", "emergency headroom %d%% is out of range", *h)
	}
	if f := p.FutureClusters; f != nil && (*f < 0 || *f > 100) {
		c.add(design.Field(base, "futureClusters"), "use 0 to 100 per region and environment", "future cluster count %d is not plausible", *f)
	}
}

// surge checks a maxSurge value; it returns false when it is unusable.
func (c *checker) surge(path, v string) bool {
	n, pct, ok := design.ParseSurge(v)
	switch {
	case !ok:
		c.add(path, `write a node count such as "1" or a percentage such as "33%"`, "maxSurge %q does not parse", v)
	case pct && n > 100:
		c.add(path, "a percentage surge is at most 100%", "maxSurge %s is above 100%%", v)
	case n == 0:
		c.add(path, "use at least 1 node or 1%", "maxSurge %s adds no node, and with maxUnavailable 0 (the default) an upgrade cannot proceed", v)
	default:
		return true
	}
	return false
}

func regionPath(r *Requirements, i int) string {
	if p := r.Spec.Regions[i].Path; p != "" {
		return p
	}
	return design.Index("spec.regions", i)
}

func (c *checker) regions() {
	rs := c.r.Spec.Regions
	if len(rs) == 0 {
		c.add("spec.regions", "list the Azure regions of the estate, e.g. southeastasia", "there are no regions")
	}
	seen := map[string]int{}
	for i := range rs {
		rg := &rs[i]
		path := regionPath(c.r, i)
		switch {
		case !regionName.MatchString(rg.Name):
			c.add(design.Field(path, "name"), "write the Azure region name as the CLI prints it, e.g. westeurope", "region name %q is not an Azure region name (lowercase letters and digits)", rg.Name)
		default:
			if j, dup := seen[rg.Name]; dup {
				c.add(design.Field(path, "name"), "list each region once", "region %q is listed twice (also %s)", rg.Name, regionPath(c.r, j))
			} else {
				seen[rg.Name] = i
			}
		}
	}
	for i := range rs {
		rg := &rs[i]
		if rg.DRPair == "" {
			continue
		}
		path := design.Field(regionPath(c.r, i), "drPair")
		if rg.DRPair == rg.Name {
			c.add(path, "name another region of the estate", "region %q is its own DR pair", rg.Name)
		} else if _, ok := seen[rg.DRPair]; !ok {
			c.add(path, "add the DR region to spec.regions", "DR pair %q is not a region of the estate", rg.DRPair)
		}
	}
}

func (c *checker) environments() {
	es := c.r.Spec.Environments
	if len(es) == 0 {
		c.add("spec.environments", "list environment names such as prod and staging", "there are no environments")
	}
	for i, e := range es {
		path := design.Index("spec.environments", i)
		if !labelName.MatchString(e) {
			c.add(path, "use lowercase letters, digits and hyphens, starting with a letter", "environment name %q cannot be part of a cluster name", e)
		}
		if j := slices.Index(es[:i], e); j >= 0 {
			c.add(path, "list each environment once", "environment %q is listed twice", e)
		}
	}
}

func (c *checker) avoid() {
	gen := generatedVNetNames(c.r)
	seen := map[string]int{}
	for i := range c.r.Spec.Avoid {
		a := &c.r.Spec.Avoid[i]
		path := a.Path
		if path == "" {
			path = design.Index("spec.avoid", i)
		}
		switch {
		case strings.TrimSpace(a.Name) == "":
			c.add(design.Field(path, "name"), "name the range after its owner or purpose", "avoided range has no name")
		case strings.HasPrefix(a.Name, "future-"):
			c.add(design.Field(path, "name"), "rename the range", "range name %q starts with future-, which the planner uses for the room it keeps for future clusters", a.Name)
		case gen[a.Name]:
			c.add(design.Field(path, "name"), "rename the range", "range name %q is the name of a VNet the planner creates", a.Name)
		default:
			if j, dup := seen[a.Name]; dup {
				c.add(design.Field(path, "name"), "names must be unique", "avoided range %q is listed twice (also %s)", a.Name, design.Index("spec.avoid", j))
			} else {
				seen[a.Name] = i
			}
		}
		if len(a.CIDRs) == 0 {
			c.add(design.Field(path, "cidrs"), "list at least one CIDR", "avoided range %q has no CIDRs", a.Name)
		}
		for j, p := range a.CIDRs {
			if !p.IsValid() {
				c.add(design.Index(design.Field(path, "cidrs"), j), "", "prefix is not valid")
			}
		}
	}
}

// generatedVNetNames returns the names of the VNets a plan creates.
func generatedVNetNames(r *Requirements) map[string]bool {
	out := map[string]bool{}
	for _, rg := range r.Spec.Regions {
		out[hubName(rg.Name)] = true
		for _, env := range r.Spec.Environments {
			for _, ct := range r.Spec.Clusters {
				out[spokeName(clusterName(ct.Name, env, rg.Name))] = true
			}
		}
	}
	return out
}

func (c *checker) template(i int) {
	r := c.r
	ct := &r.Spec.Clusters[i]
	path := templatePath(r, i)
	ok := true
	if !labelName.MatchString(ct.Name) {
		c.add(design.Field(path, "name"), "use lowercase letters, digits and hyphens, starting with a letter", "template name %q cannot be part of a cluster name", ct.Name)
		ok = false
	}
	var regions, envs []string
	for k, rg := range ct.Regions {
		if !slices.ContainsFunc(r.Spec.Regions, func(x Region) bool { return x.Name == rg }) {
			c.add(design.Index(design.Field(path, "regions"), k), "name a region listed in spec.regions", "region %q is not a region of the estate", rg)
			ok = false
		} else if slices.Contains(regions, rg) {
			c.add(design.Index(design.Field(path, "regions"), k), "list each region once", "region %q is listed twice", rg)
		}
		regions = append(regions, rg)
	}
	for k, env := range ct.Environments {
		if !slices.Contains(r.Spec.Environments, env) {
			c.add(design.Index(design.Field(path, "environments"), k), "name an environment listed in spec.environments", "environment %q is not an environment of the estate", env)
			ok = false
		} else if slices.Contains(envs, env) {
			c.add(design.Index(design.Field(path, "environments"), k), "list each environment once", "environment %q is listed twice", env)
		}
		envs = append(envs, env)
	}
	if len(regions) == 0 {
		for _, rg := range r.Spec.Regions {
			regions = append(regions, rg.Name)
		}
	}
	if len(envs) == 0 {
		envs = r.Spec.Environments
	}
	longest := ""
	for _, rg := range regions {
		for _, env := range envs {
			if n := clusterName(ct.Name, env, rg); len(n) > len(longest) {
				longest = n
			}
		}
	}
	if len(longest) > maxClusterNameLen {
		c.add(design.Field(path, "name"), "shorten the template name (or the environment name)",
			"planned cluster name %q has %d characters; at most %d keep it and its VNet name %q within Azure's 63", longest, len(longest), maxClusterNameLen, spokeName(longest))
	}
	if v := ct.KubernetesVersion; v != "" {
		ma, mi, vok := design.ParseVersion(v)
		switch {
		case !vok:
			c.add(design.Field(path, "kubernetesVersion"), `write MAJOR.MINOR in quotes, e.g. "1.33"`, "Kubernetes version %q does not parse", v)
			ok = false
		case ma < 1 || (ma == 1 && mi < minK8sMinor):
			c.add(design.Field(path, "kubernetesVersion"), "plan new clusters on a supported version, 1.30 or later",
				"Kubernetes %s is older than 1.30: out of AKS support, and AKS refuses to install Calico or Azure NPM on it", v)
			ok = false
		}
	}
	if ct.ExpectedServices < 0 {
		c.add(design.Field(path, "expectedServices"), "", "expected Service count %d is negative", ct.ExpectedServices)
		ok = false
	} else if _, fits := serviceBits(ct.ExpectedServices); !fits {
		c.add(design.Field(path, "expectedServices"), "split the workloads over several clusters",
			"%d Services with 20%% headroom need a Service range larger than /13, the largest AKS takes", ct.ExpectedServices)
		ok = false
	}
	policy := ct.NetworkPolicy == nil || *ct.NetworkPolicy
	if !policy && len(ct.SensitiveNamespaces) > 0 {
		c.add(design.Field(path, "networkPolicy"), "drop networkPolicy: false, or the sensitive namespaces",
			"sensitive namespaces %s need a default-deny NetworkPolicy baseline, which only works when policies are enforced", strings.Join(ct.SensitiveNamespaces, ", "))
	}
	for k, ns := range ct.SensitiveNamespaces {
		if len(ns) > 63 || !dnsLabel.MatchString(ns) {
			c.add(design.Index(design.Field(path, "sensitiveNamespaces"), k), "namespace names are DNS labels", "%q is not a namespace name", ns)
		}
		if slices.Contains(ct.SensitiveNamespaces[:k], ns) {
			c.add(design.Index(design.Field(path, "sensitiveNamespaces"), k), "", "namespace %q is listed twice", ns)
		}
	}
	if !c.pools4(i, path) {
		ok = false
	}
	c.endpoints(ct, path)
	c.ingress(ct, path)
	c.egress(ct, path, regions)
	if ct.DualStack && len(r.Spec.Pools.VNetsIPv6) == 0 {
		c.add(design.Field(path, "dualStack"), "list IPv6 VNet space under spec.pools.vnetsIPv6", "dual-stack clusters need an IPv6 VNet pool")
	}
	if !ok {
		return
	}
	// Limits that depend on the defaults.
	e := resolveEstate(r, recorder{})
	t := resolveTemplate(r, &e, i, recorder{})
	c.limits(t, &e)
}

// pools4 checks the node pools of template i; it returns false when the
// template cannot be resolved further.
func (c *checker) pools4(i int, path string) bool {
	ct := &c.r.Spec.Clusters[i]
	if len(ct.NodePools) == 0 {
		c.add(design.Field(path, "nodePools"), "add at least a System pool", "cluster template %q has no node pools", ct.Name)
		return false
	}
	if len(ct.NodePools) > sizing.MaxPoolsPerCluster {
		c.add(design.Field(path, "nodePools"), "", "cluster template %q has %d node pools; AKS supports at most %d", ct.Name, len(ct.NodePools), sizing.MaxPoolsPerCluster)
	}
	ok := true
	system, blankLinux := false, false
	total := 0
	seen := map[string]bool{}
	for j := range ct.NodePools {
		p := &ct.NodePools[j]
		pp := poolPath(path, ct, j)
		win := isWindows(p)
		switch {
		case !poolName.MatchString(p.Name):
			c.add(design.Field(pp, "name"), "start with a lowercase letter; lowercase letters and digits only, at most 12", "pool name %q is not a valid AKS pool name", p.Name)
		case win && len(p.Name) > 6:
			c.add(design.Field(pp, "name"), "shorten it to 6 characters", "Windows pool name %q has %d characters; AKS allows at most 6 for Windows pools", p.Name, len(p.Name))
		case seen[p.Name]:
			c.add(design.Field(pp, "name"), "pool names must be unique within a template", "pool %q is defined twice", p.Name)
		}
		seen[p.Name] = true
		if p.OS == design.OSLinux && win {
			c.add(design.Field(pp, "osSku"), "", "pool %q has os Linux but a Windows osSku %s", p.Name, p.OSSKU)
		}
		if p.OSSKU == design.SKUWindows2019 {
			c.add(design.Field(pp, "osSku"), "use Windows2022 or Windows2025", "Windows Server 2019 node pools have been unsupported since 2026-03-01")
		}
		if p.OSSKU == design.SKUWindows2022 {
			if v := ct.KubernetesVersion; v != "" {
				if ma, mi, vok := design.ParseVersion(v); vok && (ma > 1 || mi >= 37) {
					c.add(design.Field(pp, "osSku"), "use Windows2025", "Windows Server 2022 is not available for Kubernetes 1.37 and later")
				}
			}
		}
		if !slices.Contains(p.Mode.EnumValues(), string(p.Mode)) && p.Mode != "" {
			c.add(design.Field(pp, "mode"), "use System or User", "mode %q is not known", p.Mode)
		}
		if !slices.Contains(p.OS.EnumValues(), string(p.OS)) {
			c.add(design.Field(pp, "os"), "use Linux or Windows", "os %q is not known", p.OS)
		}
		if !slices.Contains(p.OSSKU.EnumValues(), string(p.OSSKU)) {
			c.add(design.Field(pp, "osSku"), "", "osSku %q is not known", p.OSSKU)
		}
		switch p.Mode {
		case design.ModeSystem:
			system = true
			if win {
				c.add(design.Field(pp, "mode"), "make a Linux pool the System pool", "System pools must run Linux; pool %q runs Windows", p.Name)
			}
		case "":
			if !win {
				blankLinux = true
			}
		}
		if p.MaxNodes < 1 || p.MaxNodes > sizing.MaxPoolInstances {
			c.add(design.Field(pp, "maxNodes"), "a pool holds 1 to 1,000 nodes", "maxNodes %d is out of range", p.MaxNodes)
			ok = false
			continue
		}
		if p.MinNodes < 0 || p.MinNodes > p.MaxNodes {
			c.add(design.Field(pp, "minNodes"), "use 0 to maxNodes", "minNodes %d is not between 0 and maxNodes %d", p.MinNodes, p.MaxNodes)
			ok = false
		}
		if p.MaxPods != nil {
			mp := *p.MaxPods
			if mp < sizing.MinMaxPods || mp > sizing.MaxMaxPods {
				c.add(design.Field(pp, "maxPods"), "AKS accepts 10 to 250 pods per node", "maxPods %d is out of range", mp)
			} else if n := p.MinNodes; (n > 0 || p.Mode == design.ModeSystem) && max(n, 1)*mp < sizing.MinPoolPods {
				c.add(design.Field(pp, "maxPods"), fmt.Sprintf("use maxPods %d or more, or more nodes", (sizing.MinPoolPods+max(n, 1)-1)/max(n, 1)),
					"pool %q can run only %d pods at its smallest (maxPods %d × %d nodes); AKS requires at least %d", p.Name, mp*max(n, 1), mp, max(n, 1), sizing.MinPoolPods)
			}
		}
		if p.MaxSurge != "" && c.surge(design.Field(pp, "maxSurge"), p.MaxSurge) {
			n, pct, _ := design.ParseSurge(p.MaxSurge)
			s := n
			if pct {
				s = (n*p.MaxNodes + 99) / 100
			}
			s = min(s, p.MaxNodes)
			if p.MaxNodes+s > sizing.MaxPoolInstances {
				c.add(design.Field(pp, "maxSurge"), fmt.Sprintf("use maxSurge %d or less, or fewer nodes", sizing.MaxPoolInstances-p.MaxNodes),
					"pool %q reaches %d nodes and maxSurge %s adds %d during an upgrade: %d instances, above the 1,000 AKS allows per pool", p.Name, p.MaxNodes, p.MaxSurge, s, p.MaxNodes+s)
			}
		}
		if p.MaxNodes == sizing.MaxPoolInstances && p.MaxSurge == "" {
			c.add(design.Field(pp, "maxNodes"), "use at most 999 nodes so that an upgrade can add a surge node",
				"pool %q at 1,000 nodes leaves no room for a single surge node, so it can never be upgraded", p.Name)
		}
		if win && ct.DualStack {
			c.add(pp, "put Windows pools in an IPv4-only cluster", "pool %q runs Windows in a dual-stack cluster; dual-stack Overlay is GA for Linux pools, and no NetworkPolicy engine covers both Windows and dual-stack", p.Name)
		}
		total += p.MaxNodes
	}
	if !system && !blankLinux {
		c.add(design.Field(path, "nodePools"), "set mode: System on a Linux pool", "cluster template %q has no System pool and no Linux pool that could become one", ct.Name)
		ok = false
	}
	if total > sizing.MaxClusterNodes {
		c.add(design.Field(path, "nodePools"), "split the workloads over several clusters", "the pools of template %q reach %d nodes; AKS supports at most %d per cluster", ct.Name, total, sizing.MaxClusterNodes)
		ok = false
	}
	return ok
}

func (c *checker) endpoints(ct *ClusterReq, path string) {
	var seen []design.PrivateLinkService
	for k := range ct.PrivateEndpoints {
		pe := &ct.PrivateEndpoints[k]
		pp := pe.Path
		if pp == "" {
			pp = design.Index(design.Field(path, "privateEndpoints"), k)
		}
		if _, known := design.ZonesFor(pe.Service, "x"); !known {
			c.add(design.Field(pp, "service"), "see aksnet schema for the services aksnet knows", "private-link service %q is not known", pe.Service)
		}
		if slices.Contains(seen, pe.Service) {
			c.add(design.Field(pp, "service"), "give one entry per service with a count", "service %s is listed twice", pe.Service)
		}
		seen = append(seen, pe.Service)
		if pe.Count < 0 || pe.Count > maxEndpointsPerSvc {
			c.add(design.Field(pp, "count"), "use 1 to 1,000", "private endpoint count %d is not plausible", pe.Count)
		}
	}
}

func (c *checker) ingress(ct *ClusterReq, path string) {
	seen := map[string]bool{}
	for k := range ct.Ingress {
		in := &ct.Ingress[k]
		ip := in.Path
		if ip == "" {
			ip = design.Index(design.Field(path, "ingress"), k)
		}
		if !dnsLabel.MatchString(in.Name) {
			c.add(design.Field(ip, "name"), "use lowercase letters, digits and hyphens", "ingress name %q is not usable", in.Name)
		} else if seen[in.Name] {
			c.add(design.Field(ip, "name"), "ingress names must be unique within a template", "ingress %q is defined twice", in.Name)
		}
		seen[in.Name] = true
		if !slices.Contains(in.Kind.EnumValues(), string(in.Kind)) {
			c.add(design.Field(ip, "kind"), "use "+strings.Join(in.Kind.EnumValues(), ", "), "ingress kind %q is not known", in.Kind)
		}
		if !slices.Contains(in.Exposure.EnumValues(), string(in.Exposure)) {
			c.add(design.Field(ip, "exposure"), "use public or internal", "exposure %q is not known", in.Exposure)
		}
		if in.Kind == design.IngressAppGatewayForContainers && in.Exposure == design.ExposureInternal {
			c.add(design.Field(ip, "exposure"), "use appRouting or internalLoadBalancer with exposure internal, or an Application Gateway",
				"Application Gateway for Containers has no private frontends")
		}
		if in.Kind == design.IngressInternalLoadBalancer && in.Exposure == design.ExposurePublic {
			c.add(design.Field(ip, "exposure"), "use appRouting or controller for a public entry point", "an internal load balancer cannot be public")
		}
	}
}

func (c *checker) egress(ct *ClusterReq, path string, regions []string) {
	hubFW := func(name string) bool {
		for _, rg := range c.r.Spec.Regions {
			if rg.Name == name {
				return rg.Hub != nil && rg.Hub.Firewall
			}
		}
		return false
	}
	switch ct.Egress {
	case "", EgressFirewall:
		var missing []string
		for _, rg := range regions {
			if !hubFW(rg) {
				missing = append(missing, rg)
			}
		}
		if len(missing) == 0 {
			return
		}
		if ct.Egress == EgressFirewall {
			c.add(design.Field(path, "egress"), "add hub: {firewall: true} to those regions",
				"egress through the hub firewall needs a hub firewall in every region of the template; %s %s none", andList(missing), pluralVerb(len(missing)))
		} else if ct.EgressInspection {
			c.add(design.Field(path, "egressInspection"), "add hub: {firewall: true} to those regions",
				"egress inspection needs a hub firewall in every region of the template; %s %s none", andList(missing), pluralVerb(len(missing)))
		}
	case EgressLoadBalancer, EgressNATGateway:
		if ct.EgressInspection {
			c.add(design.Field(path, "egress"), "use egress: firewall",
				"egress inspection needs egress through the hub firewall, but egress is %s, which sends traffic straight to the internet", ct.Egress)
		}
	default:
		c.add(design.Field(path, "egress"), "use loadBalancer, natGateway or firewall", "egress model %q is not known", ct.Egress)
	}
}

func pluralVerb(n int) string {
	if n == 1 {
		return "has"
	}
	return "have"
}

// limits checks what can only be known after defaults: surge totals and
// the size of routable pod subnets.
func (c *checker) limits(t *tmpl, e *estate) {
	peak := 0
	for j := range t.pools {
		p := &t.pools[j]
		n, pct, _ := design.ParseSurge(p.surge)
		s := n
		if pct {
			s = (n*p.max + 99) / 100
		}
		peak += p.max + min(s, p.max)
	}
	if peak > sizing.MaxClusterNodes {
		c.add(design.Field(t.path, "nodePools"), "lower maxSurge or the node counts",
			"the pools of template %q reach %d nodes during an upgrade (max nodes + surge); AKS supports at most %d per cluster", t.req.Name, peak, sizing.MaxClusterNodes)
	}
	if !t.routable {
		return
	}
	c1 := design.Cluster{KubernetesVersion: t.version, NodePools: t.nodePools("n", "p")}
	var need uint64
	for j := range c1.NodePools {
		np := &c1.NodePools[j]
		need += sizing.PoolNodes(&c1, np, e.planning).Growth * sizing.StaticPerNode(*np.MaxPods)
	}
	if b := sizing.SubnetBitsFor(need); b < staticPodSubnetMax {
		c.add(design.Field(t.path, "podIPsRoutable"), "lower maxPods or the node counts, or split the cluster",
			"template %q needs %s routable pod addresses at planned growth (a /%d pod subnet); a pod subnet can be at most a /12", t.req.Name, sizing.Count(need), b)
	}
}

// serviceBits returns the prefix length of the smallest Service CIDR (at
// least a /24) that holds want Services with 20% headroom besides the
// kubernetes and kube-dns Services, and false when it would need more than a
// /13.
func serviceBits(want int) (int, bool) {
	for b := 24; b >= 13; b-- {
		free := uint64(1)<<uint(32-b) - 4 // network, broadcast, kubernetes, kube-dns
		if uint64(want)*120 <= free*100 {
			return b, true
		}
	}
	return 0, false
}

func andList(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}
