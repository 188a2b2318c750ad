package netpol

import (
	"fmt"
	"maps"
	"net/netip"
	"reflect"
	"slices"
	"strconv"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// Options tune Analyze.
type Options struct {
	// IPv6 adds the IPv6 address space to the external peers even when no
	// policy names an IPv6 block. (Manifests do not say whether a cluster
	// is dual-stack; without IPv6 blocks the IPv6 space behaves like the
	// IPv4 space, so it is left out by default.)
	IPv6 bool
}

// Result is the analysed cluster: its namespaces, workloads and policies,
// and what the policies allow between every pair of endpoints. A Result is
// safe for concurrent use once Analyze returns it.
type Result struct {
	opts       Options
	namespaces []Namespace
	nsIndex    map[string]int
	workloads  []Workload
	policies   []Policy
	cpols      []*cpolicy
	services   []Service
	warnings   []Warning
	classes    []*class
	byNS       map[string][]int // classes by namespace

	// srcPieces and dstPieces are the address ranges ingress and egress
	// ipBlocks cover; srcAtoms and dstAtoms split the external address
	// space at their edges.
	srcPieces, dstPieces []IPRange
	universe             []IPRange
	srcAtoms, dstAtoms   []IPRange
}

// class is a set of pods every policy treats alike: same namespace,
// labels, container ports and host networking.
type class struct {
	pod        podView
	workloads  []int
	selectedBy [2][]int // policy indexes selecting the class, per direction
}

// podView is what the semantics read of a pod.
type podView struct {
	ns       string
	nsLabels labels.Set
	labels   labels.Set
	ports    []corev1.ContainerPort
	hostNet  bool
	class    int // -1 for pods not in the input
}

// cpolicy is a compiled NetworkPolicy.
type cpolicy struct {
	ns    string
	sel   labels.Selector
	types [2]bool
	rules [2][]*crule
}

// crule is a compiled ingress or egress rule.
type crule struct {
	all   bool // no from/to: every source or destination
	peers []*cpeer
	// conns are the connections of numeric ports (every connection when
	// the rule lists no ports); named are the named ports, resolved per
	// destination.
	conns ConnSet
	named []namedPort
}

type namedPort struct {
	proto Protocol
	name  string
}

func (n namedPort) String() string { return n.proto.String() + "/" + n.name }

// cpeer is a compiled NetworkPolicyPeer.
type cpeer struct {
	podSel  labels.Selector // nil when not given
	nsSel   labels.Selector // nil when not given: the policy's namespace
	isBlock bool
	block   ipSet
	members bitset // classes matched (selector peers)
}

// Analyze reads objects and computes what their NetworkPolicies allow,
// with default Options. Objects that the API server would refuse (bad
// selectors, CIDRs or ports, duplicate names) are reported together as
// InputErrors.
func Analyze(objs []Object) (*Result, error) { return AnalyzeWith(objs, Options{}) }

// AnalyzeWith is Analyze with options.
func AnalyzeWith(objs []Object, opts Options) (*Result, error) {
	b := &builder{r: &Result{opts: opts, nsIndex: map[string]int{}, byNS: map[string][]int{}}, seen: map[string]Source{}}
	b.sort(objs)
	b.buildNamespaces()
	b.compilePolicies()
	b.buildWorkloads()
	if len(b.errs) > 0 {
		return nil, b.errs
	}
	r := b.r
	slices.SortStableFunc(r.warnings, func(x, y Warning) int {
		if c := strings.Compare(x.Source.File, y.Source.File); c != 0 {
			return c
		}
		return x.Source.Line - y.Source.Line
	})
	r.buildClasses()
	r.buildAtoms()
	return r, nil
}

type builder struct {
	r        *Result
	errs     InputErrors
	seen     map[string]Source
	nsObjs   []Object
	pods     []Object
	wls      []Object
	npols    []Object
	services []Object
}

func (b *builder) errorf(src Source, object, format string, args ...any) {
	b.errs = append(b.errs, &InputError{Source: src, Object: object, Msg: fmt.Sprintf(format, args...)})
}

func (b *builder) warnf(src Source, format string, args ...any) {
	b.r.warnings = append(b.r.warnings, Warning{Source: src, Msg: fmt.Sprintf(format, args...)})
}

func namespaceOf(m metav1.Object) string {
	if ns := m.GetNamespace(); ns != "" {
		return ns
	}
	return metav1.NamespaceDefault
}

// sort files objects by kind and reports duplicates and unknown types.
func (b *builder) sort(objs []Object) {
	for _, o := range objs {
		var m metav1.Object
		var kind string
		switch t := o.Obj.(type) {
		case *corev1.Namespace:
			b.nsObjs = append(b.nsObjs, o)
			if t.Name == "" {
				b.errorf(o.Source, "Namespace", "metadata.name is empty")
			}
			continue
		case *corev1.Pod:
			m, kind = t, "Pod"
			b.pods = append(b.pods, o)
		case *corev1.Service:
			m, kind = t, "Service"
			b.services = append(b.services, o)
		case *networkingv1.NetworkPolicy:
			m, kind = t, "NetworkPolicy"
			b.npols = append(b.npols, o)
		case *appsv1.Deployment, *appsv1.StatefulSet, *appsv1.DaemonSet, *appsv1.ReplicaSet,
			*corev1.ReplicationController, *batchv1.Job, *batchv1.CronJob:
			// The kind is the Go type's name: Deployment, StatefulSet, ...
			m, kind = t.(metav1.Object), reflect.TypeOf(t).Elem().Name()
			b.wls = append(b.wls, o)
		case nil:
			b.errorf(o.Source, "", "no object")
			continue
		default:
			b.errorf(o.Source, fmt.Sprintf("%T", o.Obj), "not an object NetworkPolicy analysis reads")
			continue
		}
		id := kind + " " + namespaceOf(m) + "/" + m.GetName()
		if m.GetName() == "" {
			b.errorf(o.Source, kind, "metadata.name is empty")
			continue
		}
		if prev, dup := b.seen[id]; dup {
			b.errorf(o.Source, id, "defined twice (first at %s); keep one", sourceOr(prev))
			continue
		}
		b.seen[id] = o.Source
	}
}

func sourceOr(s Source) string {
	if str := s.String(); str != "" {
		return str
	}
	return "an earlier object"
}

func (b *builder) buildNamespaces() {
	r := b.r
	for _, o := range b.nsObjs {
		ns := o.Obj.(*corev1.Namespace)
		if ns.Name == "" {
			continue
		}
		lbls := make(map[string]string, len(ns.Labels)+1)
		maps.Copy(lbls, ns.Labels)
		lbls[NameLabel] = ns.Name
		if i, dup := r.nsIndex[ns.Name]; dup {
			if !maps.Equal(r.namespaces[i].Labels, lbls) {
				b.errorf(o.Source, "Namespace "+ns.Name, "defined twice with different labels (first at %s); keep one", sourceOr(r.namespaces[i].Source))
			}
			continue
		}
		r.nsIndex[ns.Name] = len(r.namespaces)
		r.namespaces = append(r.namespaces, Namespace{Name: ns.Name, Labels: lbls, Source: o.Source})
	}
	for _, group := range [][]Object{b.pods, b.wls, b.npols, b.services} {
		for _, o := range group {
			m, ok := o.Obj.(metav1.Object)
			if !ok {
				continue
			}
			name := namespaceOf(m)
			if _, ok := r.nsIndex[name]; ok {
				continue
			}
			r.nsIndex[name] = len(r.namespaces)
			r.namespaces = append(r.namespaces, Namespace{Name: name, Labels: map[string]string{NameLabel: name}, Implicit: true})
		}
	}
	slices.SortFunc(r.namespaces, func(a, b Namespace) int { return strings.Compare(a.Name, b.Name) })
	for i, ns := range r.namespaces {
		r.nsIndex[ns.Name] = i
	}
	for _, o := range b.services {
		s := o.Obj.(*corev1.Service)
		r.services = append(r.services, Service{Namespace: namespaceOf(s), Name: s.Name, Source: o.Source, Object: s})
	}
	slices.SortFunc(r.services, func(a, b Service) int {
		return strings.Compare(a.Namespace+"/"+a.Name, b.Namespace+"/"+b.Name)
	})
}

// nsLabels returns the labels of a namespace of the input, or the implicit
// labels of one that is not.
func (r *Result) nsLabels(ns string) labels.Set {
	if i, ok := r.nsIndex[ns]; ok {
		return r.namespaces[i].Labels
	}
	return labels.Set{NameLabel: ns}
}

// compilePolicies validates and compiles every NetworkPolicy, sorted by
// namespace and name.
func (b *builder) compilePolicies() {
	r := b.r
	slices.SortStableFunc(b.npols, func(x, y Object) int {
		a, c := x.Obj.(*networkingv1.NetworkPolicy), y.Obj.(*networkingv1.NetworkPolicy)
		return strings.Compare(namespaceOf(a)+"/"+a.Name, namespaceOf(c)+"/"+c.Name)
	})
	for _, o := range b.npols {
		np := o.Obj.(*networkingv1.NetworkPolicy)
		if np.Name == "" {
			continue
		}
		p := Policy{Namespace: namespaceOf(np), Name: np.Name, Source: o.Source, Object: np}
		c, ok := b.compilePolicy(&p, o.Source)
		if !ok {
			continue
		}
		r.policies = append(r.policies, p)
		r.cpols = append(r.cpols, c)
	}
}

func (b *builder) compilePolicy(p *Policy, src Source) (*cpolicy, bool) {
	np := p.Object
	id := "NetworkPolicy " + p.String()
	nerr := len(b.errs)
	c := &cpolicy{ns: p.Namespace}
	sel, err := metav1.LabelSelectorAsSelector(&np.Spec.PodSelector)
	if err != nil {
		b.errorf(src, id, "spec.podSelector: %v", err)
	}
	c.sel = sel
	if len(np.Spec.PolicyTypes) == 0 {
		c.types[Ingress] = true
		c.types[Egress] = len(np.Spec.Egress) > 0
	}
	for i, t := range np.Spec.PolicyTypes {
		switch t {
		case networkingv1.PolicyTypeIngress:
			c.types[Ingress] = true
		case networkingv1.PolicyTypeEgress:
			c.types[Egress] = true
		default:
			b.errorf(src, id, "spec.policyTypes[%d]: %q is neither Ingress nor Egress", i, t)
		}
	}
	p.Ingress, p.Egress = c.types[Ingress], c.types[Egress]
	for i, rule := range np.Spec.Ingress {
		path := fmt.Sprintf("spec.ingress[%d]", i)
		c.rules[Ingress] = append(c.rules[Ingress], b.compileRule(src, id, path+".from", path+".ports", rule.From, rule.Ports))
	}
	for i, rule := range np.Spec.Egress {
		path := fmt.Sprintf("spec.egress[%d]", i)
		c.rules[Egress] = append(c.rules[Egress], b.compileRule(src, id, path+".to", path+".ports", rule.To, rule.Ports))
	}
	if !c.types[Ingress] && len(np.Spec.Ingress) > 0 {
		b.warnf(src, "%s: has ingress rules but policyTypes leaves out Ingress; the rules have no effect", id)
	}
	if !c.types[Egress] && len(np.Spec.Egress) > 0 {
		b.warnf(src, "%s: has egress rules but policyTypes leaves out Egress; the rules have no effect", id)
	}
	return c, len(b.errs) == nerr
}

func (b *builder) compileRule(src Source, id, peersPath, portsPath string, peers []networkingv1.NetworkPolicyPeer, ports []networkingv1.NetworkPolicyPort) *crule {
	ru := &crule{all: len(peers) == 0}
	for j, pe := range peers {
		path := fmt.Sprintf("%s[%d]", peersPath, j)
		cp := &cpeer{}
		if pe.IPBlock != nil {
			if pe.PodSelector != nil || pe.NamespaceSelector != nil {
				b.errorf(src, id, "%s: ipBlock cannot be combined with podSelector or namespaceSelector", path)
				continue
			}
			cp.isBlock = true
			cp.block = b.compileBlock(src, id, path+".ipBlock", pe.IPBlock)
			ru.peers = append(ru.peers, cp)
			continue
		}
		if pe.PodSelector == nil && pe.NamespaceSelector == nil {
			b.errorf(src, id, "%s: a peer needs podSelector, namespaceSelector or ipBlock", path)
			continue
		}
		var err error
		if pe.PodSelector != nil {
			if cp.podSel, err = metav1.LabelSelectorAsSelector(pe.PodSelector); err != nil {
				b.errorf(src, id, "%s.podSelector: %v", path, err)
			}
		}
		if pe.NamespaceSelector != nil {
			if cp.nsSel, err = metav1.LabelSelectorAsSelector(pe.NamespaceSelector); err != nil {
				b.errorf(src, id, "%s.namespaceSelector: %v", path, err)
			}
		}
		ru.peers = append(ru.peers, cp)
	}
	if len(ports) == 0 {
		ru.conns = AllConns()
	}
	for j, pt := range ports {
		path := fmt.Sprintf("%s[%d]", portsPath, j)
		proto := TCP
		if pt.Protocol != nil {
			p, ok := ParseProtocol(string(*pt.Protocol))
			if !ok || string(*pt.Protocol) != p.String() {
				b.errorf(src, id, "%s.protocol: %q is not TCP, UDP or SCTP", path, *pt.Protocol)
				continue
			}
			proto = p
		}
		switch {
		case pt.Port == nil:
			if pt.EndPort != nil {
				b.errorf(src, id, "%s.endPort: needs a numeric port", path)
				continue
			}
			ru.conns = ru.conns.Union(ProtocolConns(proto))
		case pt.Port.Type == intstr.String:
			name := pt.Port.StrVal
			if _, err := strconv.Atoi(name); err == nil || name == "" {
				b.errorf(src, id, "%s.port: %q is a string, not a port name; write the number without quotes", path, name)
				continue
			}
			if pt.EndPort != nil {
				b.errorf(src, id, "%s.endPort: needs a numeric port, not the named port %q", path, name)
				continue
			}
			ru.named = append(ru.named, namedPort{proto, name})
		default:
			first := pt.Port.IntVal
			if first < MinPort || first > MaxPort {
				b.errorf(src, id, "%s.port: %d is not a port (1-65535)", path, first)
				continue
			}
			last := first
			if pt.EndPort != nil {
				last = *pt.EndPort
				if last < first || last > MaxPort {
					b.errorf(src, id, "%s.endPort: %d must be between port %d and 65535", path, last, first)
					continue
				}
			}
			ru.conns = ru.conns.Union(NewConnSet(proto, PortRange{uint16(first), uint16(last)}))
		}
	}
	return ru
}

func (b *builder) compileBlock(src Source, id, path string, blk *networkingv1.IPBlock) ipSet {
	pfx, err := netip.ParsePrefix(blk.CIDR)
	if err != nil {
		b.errorf(src, id, "%s.cidr: %q is not a CIDR prefix", path, blk.CIDR)
		return nil
	}
	if pfx.Addr().Zone() != "" || pfx.Addr().Is4In6() {
		b.errorf(src, id, "%s.cidr: %q: write IPv4 prefixes in IPv4 form, without zones", path, blk.CIDR)
		return nil
	}
	if pfx.Masked() != pfx {
		b.warnf(src, "%s: %s.cidr %s has host bits set; it is read as %s", id, path, blk.CIDR, pfx.Masked())
	}
	r := PrefixRange(pfx)
	set := ipSet{r}
	for k, ex := range blk.Except {
		epfx, err := netip.ParsePrefix(ex)
		if err != nil {
			b.errorf(src, id, "%s.except[%d]: %q is not a CIDR prefix", path, k, ex)
			continue
		}
		er := PrefixRange(epfx)
		if !r.Covers(er) || er == r {
			b.warnf(src, "%s: %s.except[%d] %s is not inside cidr %s; the API server refuses this", id, path, k, ex, pfx.Masked())
		}
		set = set.subtract(er)
	}
	return set
}

// workloadVariant is one pod shape behind a workload peer: a pod template
// or a Pod object.
type workloadVariant struct {
	peer    Peer
	pod     podView
	podName string // "" for templates
	src     Source
}

func podSpecPorts(spec *corev1.PodSpec) []corev1.ContainerPort {
	var out []corev1.ContainerPort
	for _, c := range spec.InitContainers {
		if c.RestartPolicy != nil && *c.RestartPolicy == corev1.ContainerRestartPolicyAlways {
			out = append(out, c.Ports...)
		}
	}
	for _, c := range spec.Containers {
		out = append(out, c.Ports...)
	}
	return out
}

func (b *builder) buildWorkloads() {
	r := b.r
	var variants []workloadVariant
	add := func(src Source, kind string, m metav1.Object, tmpl *corev1.PodTemplateSpec) {
		ns := namespaceOf(m)
		v := workloadVariant{peer: Peer{Namespace: ns, Name: m.GetName(), Kind: kind}, src: src}
		if tmpl != nil {
			v.pod = podView{ns: ns, nsLabels: r.nsLabels(ns), labels: labels.Set(tmpl.Labels), ports: podSpecPorts(&tmpl.Spec), hostNet: tmpl.Spec.HostNetwork, class: -1}
		}
		variants = append(variants, v)
	}
	for _, o := range b.wls {
		switch t := o.Obj.(type) {
		case *appsv1.Deployment:
			add(o.Source, "Deployment", t, &t.Spec.Template)
		case *appsv1.StatefulSet:
			add(o.Source, "StatefulSet", t, &t.Spec.Template)
		case *appsv1.DaemonSet:
			add(o.Source, "DaemonSet", t, &t.Spec.Template)
		case *appsv1.ReplicaSet:
			add(o.Source, "ReplicaSet", t, &t.Spec.Template)
		case *corev1.ReplicationController:
			if t.Spec.Template == nil {
				b.warnf(o.Source, "ReplicationController %s/%s has no pod template; skipped", namespaceOf(t), t.Name)
				continue
			}
			add(o.Source, "ReplicationController", t, t.Spec.Template)
		case *batchv1.Job:
			add(o.Source, "Job", t, &t.Spec.Template)
		case *batchv1.CronJob:
			add(o.Source, "CronJob", t, &t.Spec.JobTemplate.Spec.Template)
		}
	}
	for _, o := range b.pods {
		p := o.Obj.(*corev1.Pod)
		if p.Name == "" {
			continue
		}
		ns := namespaceOf(p)
		if p.Status.Phase == corev1.PodSucceeded || p.Status.Phase == corev1.PodFailed {
			b.warnf(o.Source, "Pod %s/%s has finished (phase %s); left out", ns, p.Name, p.Status.Phase)
			continue
		}
		v := workloadVariant{
			peer:    Peer{Namespace: ns, Name: p.Name, Kind: "Pod"},
			pod:     podView{ns: ns, nsLabels: r.nsLabels(ns), labels: labels.Set(p.Labels), ports: podSpecPorts(&p.Spec), hostNet: p.Spec.HostNetwork, class: -1},
			podName: p.Name,
			src:     o.Source,
		}
		for _, ref := range p.OwnerReferences {
			if ref.Controller != nil && *ref.Controller && ref.Kind != "Node" && ref.Name != "" && ref.Kind != "" {
				v.peer.Name, v.peer.Kind = ref.Name, ref.Kind
				break
			}
		}
		variants = append(variants, v)
	}
	// Group by peer, keeping the order of first appearance.
	groups := map[string][]workloadVariant{}
	var order []string
	for _, v := range variants {
		k := v.peer.String()
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], v)
	}
	for _, k := range order {
		g := groups[k]
		if r.alike(g) {
			w := Workload{Peer: g[0].peer, Labels: g[0].pod.labels, Ports: g[0].pod.ports, HostNetwork: g[0].pod.hostNet, Source: g[0].src}
			for _, v := range g {
				if v.podName != "" {
					w.Pods = append(w.Pods, v.podName)
				}
			}
			r.workloads = append(r.workloads, w)
			continue
		}
		var names []string
		for _, v := range g {
			w := Workload{Peer: v.peer, Labels: v.pod.labels, Ports: v.pod.ports, HostNetwork: v.pod.hostNet, Source: v.src}
			if v.podName != "" {
				w.Peer = Peer{Namespace: v.peer.Namespace, Name: v.podName, Kind: "Pod"}
				w.Pods = []string{v.podName}
				names = append(names, v.podName)
			}
			r.workloads = append(r.workloads, w)
		}
		b.warnf(g[0].src, "the pods of %s (%s) differ in labels or ports that the policies tell apart; they are listed one by one", k, strings.Join(names, ", "))
	}
	slices.SortStableFunc(r.workloads, func(a, b Workload) int { return strings.Compare(a.Peer.String(), b.Peer.String()) })
	for i := 1; i < len(r.workloads); i++ {
		if r.workloads[i].Peer == r.workloads[i-1].Peer {
			b.errorf(r.workloads[i].Source, r.workloads[i].Peer.String(), "the same workload as at %s; keep one", sourceOr(r.workloads[i-1].Source))
		}
	}
}

// alike reports whether every variant of a workload behaves the same
// under the policies: same host networking and container ports, and every
// pod selector of a policy matches all of them or none.
func (r *Result) alike(g []workloadVariant) bool {
	first := g[0].pod
	for _, v := range g[1:] {
		if v.pod.hostNet != first.hostNet || !slices.Equal(v.pod.ports, first.ports) {
			return false
		}
		if maps.Equal(v.pod.labels, first.labels) {
			continue
		}
		for _, c := range r.cpols {
			if c.ns == first.ns && c.sel.Matches(v.pod.labels) != c.sel.Matches(first.labels) {
				return false
			}
			for _, rules := range c.rules {
				for _, ru := range rules {
					for _, pe := range ru.peers {
						if pe.podSel != nil && pe.podSel.Matches(v.pod.labels) != pe.podSel.Matches(first.labels) {
							return false
						}
					}
				}
			}
		}
	}
	return true
}

// classKey identifies the pods that every policy treats alike.
func classKey(p *podView) string {
	var b strings.Builder
	b.WriteString(strconv.Quote(p.ns))
	keys := slices.Sorted(maps.Keys(p.labels))
	for _, k := range keys {
		b.WriteString(strconv.Quote(k))
		b.WriteByte('=')
		b.WriteString(strconv.Quote(p.labels[k]))
	}
	b.WriteByte('|')
	for _, cp := range p.ports {
		fmt.Fprintf(&b, "%q/%s/%d,", cp.Name, protoOf(cp.Protocol), cp.ContainerPort)
	}
	if p.hostNet {
		b.WriteString("|host")
	}
	return b.String()
}

func protoOf(p corev1.Protocol) Protocol {
	if q, ok := ParseProtocol(string(p)); ok {
		return q
	}
	return TCP
}

// buildClasses groups workloads into classes and computes, per class, the
// policies selecting it and, per selector peer, the classes it matches.
func (r *Result) buildClasses() {
	index := map[string]int{}
	for i := range r.workloads {
		w := &r.workloads[i]
		pv := podView{ns: w.Peer.Namespace, nsLabels: r.nsLabels(w.Peer.Namespace), labels: labels.Set(w.Labels), ports: w.Ports, hostNet: w.HostNetwork}
		k := classKey(&pv)
		ci, ok := index[k]
		if !ok {
			ci = len(r.classes)
			index[k] = ci
			pv.class = ci
			r.classes = append(r.classes, &class{pod: pv})
			r.byNS[pv.ns] = append(r.byNS[pv.ns], ci)
		}
		w.class = ci
		r.classes[ci].workloads = append(r.classes[ci].workloads, i)
	}
	for ci, c := range r.classes {
		for pi := range r.cpols {
			for _, d := range []Direction{Ingress, Egress} {
				if r.selects(pi, d, &c.pod) {
					r.classes[ci].selectedBy[d] = append(r.classes[ci].selectedBy[d], pi)
				}
			}
		}
	}
	// Peers with the same selectors in the same scope match the same
	// classes; compute each once.
	cache := map[string]bitset{}
	for _, cp := range r.cpols {
		for _, rules := range cp.rules {
			for _, ru := range rules {
				for _, pe := range ru.peers {
					if pe.isBlock {
						continue
					}
					key := "pod:" + selString(pe.podSel) + "|"
					if pe.nsSel == nil {
						key += "in:" + cp.ns
					} else {
						key += "ns:" + pe.nsSel.String()
					}
					if m, ok := cache[key]; ok {
						pe.members = m
						continue
					}
					m := newBitset(len(r.classes))
					for _, ns := range r.namespaces {
						if pe.nsSel == nil && ns.Name != cp.ns || pe.nsSel != nil && !pe.nsSel.Matches(labels.Set(ns.Labels)) {
							continue
						}
						for _, ci := range r.byNS[ns.Name] {
							if r.peerMatchesPod(pe, cp.ns, &r.classes[ci].pod) {
								m.set(ci)
							}
						}
					}
					cache[key] = m
					pe.members = m
				}
			}
		}
	}
}

func selString(s labels.Selector) string {
	if s == nil {
		return "<none>"
	}
	return s.String()
}

// selects reports whether policy pi selects pod p for direction d.
func (r *Result) selects(pi int, d Direction, p *podView) bool {
	c := r.cpols[pi]
	return c.types[d] && !p.hostNet && c.ns == p.ns && c.sel.Matches(p.labels)
}

// peerMatchesPod reports whether a selector peer of a policy in namespace
// policyNS matches pod p. Host-network pods match no selector.
func (r *Result) peerMatchesPod(pe *cpeer, policyNS string, p *podView) bool {
	if pe.isBlock || p.hostNet {
		return false
	}
	if pe.nsSel == nil {
		if p.ns != policyNS {
			return false
		}
	} else if !pe.nsSel.Matches(p.nsLabels) {
		return false
	}
	return pe.podSel == nil || pe.podSel.Matches(p.labels)
}

// buildAtoms splits the external address space at the edges of every
// ipBlock: sources by ingress blocks, destinations by egress blocks.
func (r *Result) buildAtoms() {
	ipv6 := r.opts.IPv6
	for _, cp := range r.cpols {
		for d, rules := range cp.rules {
			for _, ru := range rules {
				for _, pe := range ru.peers {
					for _, x := range pe.block {
						if !x.First.Is4() {
							ipv6 = true
						}
						if Direction(d) == Ingress {
							r.srcPieces = append(r.srcPieces, x)
						} else {
							r.dstPieces = append(r.dstPieces, x)
						}
					}
				}
			}
		}
	}
	r.universe = []IPRange{AllIPv4}
	if ipv6 {
		r.universe = append(r.universe, AllIPv6)
	}
	r.srcAtoms = partition(r.universe, r.srcPieces)
	r.dstAtoms = partition(r.universe, r.dstPieces)
}

// Namespaces returns every namespace, declared or implicit, by name.
func (r *Result) Namespaces() []Namespace { return r.namespaces }

// Namespace returns the namespace of that name.
func (r *Result) Namespace(name string) (Namespace, bool) {
	i, ok := r.nsIndex[name]
	if !ok {
		return Namespace{}, false
	}
	return r.namespaces[i], true
}

// Workloads returns every workload, sorted by Peer.String().
func (r *Result) Workloads() []Workload { return r.workloads }

// Policies returns every NetworkPolicy, sorted by namespace and name.
// Other methods refer to policies by their index in this slice.
func (r *Result) Policies() []Policy { return r.policies }

// Services returns every Service, sorted by namespace and name.
func (r *Result) Services() []Service { return r.services }

// Warnings returns what the analysis worked around, in input order.
func (r *Result) Warnings() []Warning { return r.warnings }

// ExternalSources and ExternalDestinations return the disjoint address
// ranges that Connections lists as sources (split at the edges of ingress
// ipBlocks) and destinations (split at the edges of egress ipBlocks).
// Every address of one range is treated alike by every policy.
func (r *Result) ExternalSources() []IPRange { return r.srcAtoms }

// ExternalDestinations: see ExternalSources.
func (r *Result) ExternalDestinations() []IPRange { return r.dstAtoms }

// bitset is a fixed-size set of small integers.
type bitset []uint64

func newBitset(n int) bitset    { return make(bitset, (n+63)/64) }
func (b bitset) set(i int)      { b[i/64] |= 1 << (uint(i) % 64) }
func (b bitset) has(i int) bool { return i/64 < len(b) && b[i/64]&(1<<(uint(i)%64)) != 0 }
func (b bitset) empty() bool    { return !slices.ContainsFunc(b, func(w uint64) bool { return w != 0 }) }
