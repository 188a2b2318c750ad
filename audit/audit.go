// Package audit compares what a running AKS cluster shows (nodes, pods and
// Services as kubectl lists them) with what its design says should be: node
// addresses inside their pool's node subnet, pod addresses inside the pod
// CIDR or pod subnet, Service ClusterIPs inside the Service CIDRs, the
// kube-dns ClusterIP equal to the DNS service IP, and node subnets with room
// for the next upgrade.
//
// The package does no I/O: importers fill an Observed and Audit returns
// findings that point into the design; the message names the observed
// object (node, pod or Service).
package audit

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/aksnet/aksnet/cidr"
	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/finding"
	"github.com/aksnet/aksnet/sizing"
)

// Node labels AKS sets on every node.
const (
	// LabelAgentPool names the node pool a node belongs to.
	LabelAgentPool = "kubernetes.azure.com/agentpool"
	// LabelCluster names the cluster's node resource group.
	LabelCluster = "kubernetes.azure.com/cluster"
)

// Rule IDs of audit findings. They are a public contract like the check rule IDs.
const (
	RuleNodeIPOutsideSubnet  = "audit-node-ip-outside-subnet"
	RulePodIPOutsideRange    = "audit-pod-ip-outside-range"
	RuleServiceIPOutsideCIDR = "audit-service-ip-outside-cidr"
	RuleDNSServiceIPMismatch = "audit-dns-service-ip-mismatch"
	RuleSubnetUsage          = "audit-subnet-usage"
	RuleNodePoolNotInDesign  = "audit-node-pool-not-in-design"
)

// Observed is what a cluster showed: its nodes, pods and Services.
type Observed struct {
	Nodes    []Node
	Pods     []Pod
	Services []Service
}

// Node is one Kubernetes node.
type Node struct {
	Name string
	// InternalIPs are the node's addresses of type InternalIP.
	InternalIPs []netip.Addr
	// Pool is the value of the kubernetes.azure.com/agentpool label.
	Pool string
	// Cluster is the value of the kubernetes.azure.com/cluster label (on AKS,
	// the node resource group).
	Cluster string
	// PodCIDRs is spec.podCIDRs (or spec.podCIDR): the node's pod range with
	// kubenet and Overlay.
	PodCIDRs []netip.Prefix
}

// Pod is one pod.
type Pod struct {
	Namespace   string
	Name        string
	IPs         []netip.Addr
	HostNetwork bool
	NodeName    string
}

// Service is one Kubernetes Service.
type Service struct {
	Namespace string
	Name      string
	// ClusterIPs are the Service's cluster IPs; headless Services ("None")
	// and ExternalName Services have none.
	ClusterIPs []netip.Addr
	Type       string
}

// Audit checks what was observed of cluster against the design. It returns
// nil when the design has no cluster of that name. Findings come in a
// deterministic order: nodes, pods, Services, DNS, subnet usage, each in
// input order.
func Audit(d *design.Design, cluster string, obs Observed) []finding.Finding {
	a := New(d, cluster)
	if a == nil {
		return nil
	}
	for _, n := range obs.Nodes {
		a.AddNode(n)
	}
	for _, s := range obs.Services {
		a.AddService(s)
	}
	for _, p := range obs.Pods {
		a.AddPod(p)
	}
	return a.Findings()
}

// Cluster returns the cluster of d called name, or nil.
func Cluster(d *design.Design, name string) *design.Cluster { return clusterByName(d, name) }

func clusterByName(d *design.Design, name string) *design.Cluster {
	for i := range d.Spec.Clusters {
		if d.Spec.Clusters[i].Name == name {
			return &d.Spec.Clusters[i]
		}
	}
	return nil
}

// MaxPodFindings is how many pods outside one range are reported one by
// one; the rest are counted in one more finding, so an audit of a cluster
// whose every pod is misaddressed stays readable and its memory bounded.
const MaxPodFindings = 100

// Auditor audits one cluster incrementally, so pods can be streamed
// through it one at a time: add the nodes and Services (few), then the
// pods, then call Findings. Nodes added after a pod that needed them are
// still used: a pod whose node is unknown, in a mode where the node
// decides the pod range, waits until Findings. An Auditor is not safe for
// concurrent use.
type Auditor struct {
	d        *design.Design
	c        *design.Cluster
	obs      Observed       // nodes, Services and pods waiting for their node
	nodes    map[string]int // index into obs.Nodes
	pods     int
	podOut   []finding.Finding
	overflow map[string]*podOverflow // by range description
	out      []finding.Finding
}

// podOverflow counts pods outside one range beyond MaxPodFindings.
type podOverflow struct {
	r     podRange
	shown int    // listed one by one
	count int    // beyond those
	first string // first pod not listed
}

// New returns an Auditor for the cluster of d called cluster, or nil when
// the design has no such cluster.
func New(d *design.Design, cluster string) *Auditor {
	c := clusterByName(d, cluster)
	if c == nil {
		return nil
	}
	return &Auditor{d: d, c: c, nodes: map[string]int{}, overflow: map[string]*podOverflow{}}
}

// AddNode records an observed node. A second node of the same name
// replaces the first.
func (a *Auditor) AddNode(n Node) {
	if i, ok := a.nodes[n.Name]; ok {
		a.obs.Nodes[i] = n
		return
	}
	a.nodes[n.Name] = len(a.obs.Nodes)
	a.obs.Nodes = append(a.obs.Nodes, n)
}

// node returns the observed node called name, or nil.
func (a *Auditor) node(name string) *Node {
	if i, ok := a.nodes[name]; ok {
		return &a.obs.Nodes[i]
	}
	return nil
}

// AddService records an observed Service.
func (a *Auditor) AddService(s Service) { a.obs.Services = append(a.obs.Services, s) }

// AddPod checks one pod. Its findings are kept; the pod itself is not,
// unless its node has not been seen yet and the pod range depends on it.
func (a *Auditor) AddPod(p Pod) {
	a.pods++
	if p.HostNetwork || len(p.IPs) == 0 {
		return
	}
	if a.needsNode() && a.node(p.NodeName) == nil && p.NodeName != "" {
		a.obs.Pods = append(a.obs.Pods, p)
		return
	}
	a.checkPod(&p)
}

// Pods returns how many pods were added.
func (a *Auditor) Pods() int { return a.pods }

// Findings runs the checks that need every node and Service and returns
// all findings: nodes, pods, Services, DNS, subnet usage.
func (a *Auditor) Findings() []finding.Finding {
	waiting := a.obs.Pods
	a.obs.Pods = nil
	for i := range waiting {
		a.checkPod(&waiting[i])
	}
	a.out = nil
	a.checkNodes()
	a.out = append(a.out, a.podOut...)
	a.podSummaries()
	a.checkServices()
	a.checkDNS()
	a.checkSubnetUsage()
	return a.out
}

func (a *Auditor) report(rule string, sev finding.Severity, subject, path, msg, fix string) {
	a.out = append(a.out, finding.Finding{
		Rule: rule, Severity: sev, Subject: subject, Message: msg, Remediation: fix,
		Location: a.d.Locate(path),
	})
}

// pool returns the design pool named by a node's agentpool label, or nil.
func (a *Auditor) pool(n *Node) *design.NodePool {
	if n == nil || n.Pool == "" {
		return nil
	}
	for i := range a.c.NodePools {
		if a.c.NodePools[i].Name == n.Pool {
			return &a.c.NodePools[i]
		}
	}
	return nil
}

func (a *Auditor) networkPath(field string) string {
	return design.Field(design.Field(a.c.Path, "network"), field)
}

func (a *Auditor) checkNodes() {
	for i := range a.obs.Nodes {
		n := &a.obs.Nodes[i]
		p := a.pool(n)
		if p == nil {
			label := n.Pool
			if label == "" {
				label = "(no " + LabelAgentPool + " label)"
			}
			a.report(RuleNodePoolNotInDesign, finding.Warning, a.c.Subject(), a.c.Path,
				fmt.Sprintf("node %s belongs to pool %s, which cluster %s in the design does not have; its addresses and its pods' addresses are not audited",
					n.Name, label, a.c.Name),
				"Add the pool to the design, or check that the bundle was collected from the right cluster.")
			continue
		}
		v, s := a.d.PoolSubnet(a.c, p)
		if s == nil {
			continue
		}
		for _, ip := range n.InternalIPs {
			if inAny(ip, s.AddressPrefixes) != outside {
				continue
			}
			a.report(RuleNodeIPOutsideSubnet, finding.Error, design.PoolSubject(a.c, p), design.Field(s.Path, "addressPrefixes"),
				fmt.Sprintf("node %s of pool %s has InternalIP %s, outside its node subnet %s/%s (%s)",
					n.Name, p.Name, ip, v.Name, s.Name, prefixList(s.AddressPrefixes)),
				"Make the design's node subnet match the subnet the pool was deployed into (or redeploy the pool into the designed subnet).")
		}
	}
}

// containment is the result of looking an address up in a set of prefixes.
type containment int

const (
	inside containment = iota
	outside
	// noFamily: no prefix of the address's family, so nothing can be said.
	noFamily
)

func inAny(ip netip.Addr, ps []netip.Prefix) containment {
	ip = ip.Unmap()
	seen := false
	for _, p := range ps {
		if p.Addr().Is4() != ip.Is4() {
			continue
		}
		seen = true
		if p.Contains(ip) {
			return inside
		}
	}
	if !seen {
		return noFamily
	}
	return outside
}

func prefixList(ps []netip.Prefix) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = p.String()
	}
	return strings.Join(s, ", ")
}

// podRange says where the pods of a node should take their addresses from.
type podRange struct {
	prefixes []netip.Prefix
	what     string // "pod CIDR", "pod subnet spoke/pods", ...
	path     string
	subject  string
}

func (a *Auditor) podRangeFor(n *Node) (podRange, bool) {
	m := a.c.IPAM()
	switch {
	case m == design.IPAMKubenet || m == design.IPAMOverlay:
		path := a.networkPath("podCidrs")
		if len(a.c.Network.PodCIDRs) == 0 {
			path = design.Field(a.c.Path, "network")
		}
		return podRange{a.c.PodCIDRs(), "pod CIDR", path, a.c.Subject()}, true
	case m == design.IPAMNodeSubnet || m == design.IPAMPodSubnetDynamic || m == design.IPAMPodSubnetStatic:
		p := a.pool(n)
		if p == nil {
			return podRange{}, false
		}
		var v *design.VNet
		var s *design.Subnet
		what := "node subnet"
		if sizing.PoolIPAM(a.c, p) == design.IPAMNodeSubnet {
			v, s = a.d.PoolSubnet(a.c, p)
		} else {
			v, s = a.d.PoolPodSubnet(a.c, p)
			what = "pod subnet"
		}
		if s == nil {
			return podRange{}, false
		}
		return podRange{s.AddressPrefixes, what + " " + v.Name + "/" + s.Name,
			design.Field(s.Path, "addressPrefixes"), design.PoolSubject(a.c, p)}, true
	}
	// Bring-your-own CNI and unknown plugins: the design does not say.
	return podRange{}, false
}

// needsNode reports whether a pod's range depends on its node's pool.
func (a *Auditor) needsNode() bool {
	m := a.c.IPAM()
	return m != design.IPAMKubenet && m != design.IPAMOverlay
}

func (a *Auditor) checkPod(pod *Pod) {
	if pod.HostNetwork || len(pod.IPs) == 0 {
		return
	}
	r, ok := a.podRangeFor(a.node(pod.NodeName))
	if !ok {
		return
	}
	for _, ip := range pod.IPs {
		if inAny(ip, r.prefixes) != outside {
			continue
		}
		key := r.what
		if o := a.overflow[key]; o != nil && o.shown >= MaxPodFindings {
			if o.count == 0 {
				o.first = pod.Namespace + "/" + pod.Name
			}
			o.count++
			continue
		}
		if a.overflow[key] == nil {
			a.overflow[key] = &podOverflow{r: r}
		}
		a.overflow[key].shown++
		a.podOut = append(a.podOut, finding.Finding{
			Rule: RulePodIPOutsideRange, Severity: finding.Error, Subject: r.subject, Location: a.d.Locate(r.path),
			Message: fmt.Sprintf("pod %s/%s on node %s has IP %s, outside the %s (%s) of cluster %s",
				pod.Namespace, pod.Name, orDash(pod.NodeName), ip, r.what, prefixList(r.prefixes), a.c.Name),
			Remediation: podFix,
		})
	}
}

const podFix = "Find out which CNI configuration gave the pod this address, and make the design's pod range match the deployed one (or fix the cluster)."

// podSummaries adds one finding per range with more misaddressed pods than
// MaxPodFindings.
func (a *Auditor) podSummaries() {
	keys := make([]string, 0, len(a.overflow))
	for k, o := range a.overflow {
		if o.count > 0 {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		o := a.overflow[k]
		a.report(RulePodIPOutsideRange, finding.Error, o.r.subject, o.r.path,
			fmt.Sprintf("%d more pod addresses (from pod %s on) are outside the %s (%s) of cluster %s; only the first %d are listed",
				o.count, o.first, o.r.what, prefixList(o.r.prefixes), a.c.Name, o.shown),
			podFix)
	}
}

func orDash(s string) string {
	if s == "" {
		return "(unscheduled)"
	}
	return s
}

func (a *Auditor) serviceCIDRPath() string {
	if len(a.c.Network.ServiceCIDRs) == 0 {
		return design.Field(a.c.Path, "network")
	}
	return a.networkPath("serviceCidrs")
}

func (a *Auditor) checkServices() {
	cidrs := a.c.ServiceCIDRs()
	for i := range a.obs.Services {
		svc := &a.obs.Services[i]
		for _, ip := range svc.ClusterIPs {
			if inAny(ip, cidrs) != outside {
				continue
			}
			a.report(RuleServiceIPOutsideCIDR, finding.Error, a.c.Subject(), a.serviceCIDRPath(),
				fmt.Sprintf("Service %s/%s has ClusterIP %s, outside the Service CIDRs (%s) of cluster %s",
					svc.Namespace, svc.Name, ip, prefixList(cidrs), a.c.Name),
				"Make the design's serviceCidrs match the cluster's network profile; the Service CIDR cannot be changed on a running cluster.")
		}
	}
}

func (a *Auditor) checkDNS() {
	want := a.c.DNSServiceIP()
	for i := range a.obs.Services {
		svc := &a.obs.Services[i]
		if svc.Namespace != "kube-system" || svc.Name != "kube-dns" {
			continue
		}
		var got []string
		for _, ip := range svc.ClusterIPs {
			if ip.Unmap() == want {
				return
			}
			got = append(got, ip.String())
		}
		path := a.networkPath("dnsServiceIP")
		if !a.c.Network.DNSServiceIP.IsValid() {
			path = design.Field(a.c.Path, "network")
		}
		have := "no ClusterIP"
		if len(got) > 0 {
			have = "ClusterIP " + strings.Join(got, ", ")
		}
		a.report(RuleDNSServiceIPMismatch, finding.Error, a.c.Subject(), path,
			fmt.Sprintf("Service kube-system/kube-dns has %s, but the design gives cluster %s the DNS service IP %s: either the design is stale or kubelet hands pods a nameserver that CoreDNS does not answer on",
				have, a.c.Name, want),
			"Make the design's dnsServiceIP match the cluster's network profile (dnsServiceIP cannot be changed on a running cluster).")
		return
	}
}

// subnetNodes gathers, for one node subnet, the pools in it and their observed node counts.
type subnetNodes struct {
	vnet   *design.VNet
	subnet *design.Subnet
	pools  []*design.NodePool
	counts []int
}

func (a *Auditor) checkSubnetUsage() {
	var subs []*subnetNodes
	for i := range a.c.NodePools {
		p := &a.c.NodePools[i]
		v, s := a.d.PoolSubnet(a.c, p)
		if s == nil {
			continue
		}
		var sn *subnetNodes
		for _, x := range subs {
			if x.subnet == s {
				sn = x
			}
		}
		if sn == nil {
			sn = &subnetNodes{vnet: v, subnet: s}
			subs = append(subs, sn)
		}
		n := 0
		for j := range a.obs.Nodes {
			if a.obs.Nodes[j].Pool == p.Name {
				n++
			}
		}
		sn.pools = append(sn.pools, p)
		sn.counts = append(sn.counts, n)
	}
	for _, sn := range subs {
		a.subnetUsage(sn)
	}
}

func (a *Auditor) subnetUsage(sn *subnetNodes) {
	var usable, used, surge uint64
	for _, p := range sn.subnet.AddressPrefixes {
		if p.Addr().Is4() {
			usable += cidr.AzureUsable(p)
		}
	}
	var parts, surgeParts []string
	nodes := 0
	for i, p := range sn.pools {
		n := sn.counts[i]
		if n == 0 {
			continue
		}
		nodes += n
		per := sizing.NodeSubnetPerNode(a.c, p)
		used += uint64(n) * per
		s := uint64(max(a.c.SurgeNodes(p, n), 0))
		surge += s * per
		parts = append(parts, fmt.Sprintf("%s %d×%d", p.Name, n, per))
		if s > 0 {
			surgeParts = append(surgeParts, fmt.Sprintf("%s %d×%d", p.Name, s, per))
		}
	}
	if nodes == 0 || usable == 0 {
		return
	}
	name := sn.vnet.Name + "/" + sn.subnet.Name
	subject := design.SubnetSubject(sn.vnet, sn.subnet)
	path := design.Field(sn.subnet.Path, "addressPrefixes")
	head := fmt.Sprintf("node subnet %s (%s) has %d usable addresses; the %d observed nodes of cluster %s take %d (%s)",
		name, prefixList(sn.subnet.AddressPrefixes), usable, nodes, a.c.Name, used, strings.Join(parts, ", "))
	surgeText := "the next upgrade adds no surge nodes"
	if surge > 0 {
		surgeText = fmt.Sprintf("the next upgrade's surge nodes take %d more (%s)", surge, strings.Join(surgeParts, ", "))
	}
	switch {
	case used > usable:
		a.report(RuleSubnetUsage, finding.Error, subject, path,
			head+"; that is more than the subnet holds, so the design's subnet is not the one deployed",
			"Make the design's node subnet match the deployed one.")
	case used+surge > usable:
		a.report(RuleSubnetUsage, finding.Warning, subject, path,
			fmt.Sprintf("%s; %s, %d over what is left: the upgrade will fail with SubnetIsFull", head, surgeText, used+surge-usable),
			"Before upgrading, lower maxSurge (or use maxUnavailable), scale the pools down, or move pools to a larger subnet.")
	default:
		a.report(RuleSubnetUsage, finding.Info, subject, path,
			fmt.Sprintf("%s; %s, leaving %d spare", head, surgeText, usable-used-surge),
			"Nothing to do; keep the spare above the surge of the largest planned pool.")
	}
}
