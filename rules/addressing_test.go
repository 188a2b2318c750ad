package rules

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/finding"
)

// Helpers for the addressing tests. Their names start with "ad" so that
// they do not clash with other test files of the package.

func adPrefixes(ss ...string) []netip.Prefix {
	out := make([]netip.Prefix, len(ss))
	for i, s := range ss {
		out[i] = netip.MustParsePrefix(s)
	}
	return out
}

func adSubnet(name string, prefixes ...string) design.Subnet {
	return design.Subnet{Name: name, Purpose: design.PurposeNodes, AddressPrefixes: adPrefixes(prefixes...)}
}

func adVNet(name string, space []string, subnets ...design.Subnet) design.VNet {
	return design.VNet{Name: name, Region: "westeurope", AddressSpace: adPrefixes(space...), Subnets: subnets}
}

// adOverlay is an Overlay cluster in vnet with one pool in subnet. Empty
// pod or svc lists and an empty dns leave the AKS defaults.
func adOverlay(name, vnet, subnet string, pod, svc []string, dns string) design.Cluster {
	three := 3
	c := design.Cluster{
		Name: name, Region: "westeurope", KubernetesVersion: "1.33", VNet: vnet,
		Network: design.ClusterNetwork{
			Plugin: design.PluginAzure, PluginMode: design.ModeOverlay,
			PodCIDRs: adPrefixes(pod...), ServiceCIDRs: adPrefixes(svc...),
		},
		NodePools: []design.NodePool{{Name: "system", Mode: design.ModeSystem, Subnet: subnet, Count: &three}},
	}
	if dns != "" {
		c.Network.DNSServiceIP = netip.MustParseAddr(dns)
	}
	return c
}

// adDesign assembles a design and fills in the source paths the loader
// would set.
func adDesign(vnets []design.VNet, clusters []design.Cluster, externals []design.ExternalRange, peerings ...[2]string) *design.Design {
	d := &design.Design{APIVersion: design.APIVersion, Kind: design.Kind}
	d.Spec.VNets = vnets
	d.Spec.Clusters = clusters
	d.Spec.ExternalRanges = externals
	for _, p := range peerings {
		d.Spec.Peerings = append(d.Spec.Peerings, design.Peering{From: p[0], To: p[1]})
	}
	for i := range d.Spec.VNets {
		v := &d.Spec.VNets[i]
		v.Path = design.Index("spec.vnets", i)
		for j := range v.Subnets {
			v.Subnets[j].Path = design.Index(design.Field(v.Path, "subnets"), j)
		}
	}
	for i := range d.Spec.ExternalRanges {
		d.Spec.ExternalRanges[i].Path = design.Index("spec.externalRanges", i)
	}
	for i := range d.Spec.Peerings {
		d.Spec.Peerings[i].Path = design.Index("spec.peerings", i)
	}
	for i := range d.Spec.Clusters {
		c := &d.Spec.Clusters[i]
		c.Path = design.Index("spec.clusters", i)
		for j := range c.NodePools {
			c.NodePools[j].Path = design.Index(design.Field(c.Path, "nodePools"), j)
		}
	}
	return d
}

func adExternal(name string, kind design.RangeKind, owner string, cidrs ...string) design.ExternalRange {
	return design.ExternalRange{Name: name, Kind: kind, Owner: owner, CIDRs: adPrefixes(cidrs...)}
}

// adHit is an expected finding: its path and severity.
type adHit struct {
	path string
	sev  finding.Severity
}

func (h adHit) String() string { return h.path + " " + h.sev.String() }

// adCheck runs r over d and compares the findings' paths and severities
// with want, in any order. It returns the findings for message checks.
func adCheck(t *testing.T, r *Rule, d *design.Design, want ...adHit) []finding.Finding {
	t.Helper()
	fs := RunRule(r, d)
	got := make([]adHit, len(fs))
	for i, f := range fs {
		got[i] = adHit{f.Location.Path, f.Severity}
		if f.Rule != r.ID || f.Subject == "" || f.Message == "" || f.Remediation == "" {
			t.Errorf("finding is incomplete: %+v", f)
		}
	}
	sortHits := func(hs []adHit) {
		slices.SortFunc(hs, func(a, b adHit) int { return cmp.Or(cmp.Compare(a.path, b.path), cmp.Compare(a.sev, b.sev)) })
	}
	sortHits(got)
	want = slices.Clone(want)
	sortHits(want)
	if !slices.Equal(got, want) {
		var msgs []string
		for _, f := range fs {
			msgs = append(msgs, f.Location.Path+": "+f.Message)
		}
		t.Errorf("got findings %v, want %v\n%s", got, want, strings.Join(msgs, "\n"))
	}
	return fs
}

func adMessageHas(t *testing.T, fs []finding.Finding, parts ...string) {
	t.Helper()
	for _, f := range fs {
		ok := true
		for _, p := range parts {
			ok = ok && strings.Contains(f.Message, p)
		}
		if ok {
			return
		}
	}
	t.Errorf("no finding message contains all of %q", parts)
}

const (
	adErr  = finding.Error
	adWarn = finding.Warning
)

// Shared design pieces: a spoke 10.1.0.0/16 with a node subnet.
func adSpoke() design.VNet {
	return adVNet("spoke", []string{"10.1.0.0/16"}, adSubnet("nodes", "10.1.0.0/22"))
}

func TestAddressingRegistry(t *testing.T) {
	for i, r := range addressingRules {
		if i > 0 && addressingRules[i-1].ID >= r.ID {
			t.Errorf("addressingRules not sorted: %q before %q", addressingRules[i-1].ID, r.ID)
		}
	}
}

func TestCollectRanges(t *testing.T) {
	legacy := adOverlay("flat", "spoke", "nodes", nil, []string{"10.2.0.0/16"}, "10.2.0.10")
	legacy.Network.PluginMode = ""
	d := adDesign(
		[]design.VNet{adSpoke()},
		[]design.Cluster{
			adOverlay("aks1", "spoke", "nodes", nil, nil, ""),
			legacy,
		},
		[]design.ExternalRange{adExternal("corp", design.RangeOnPrem, "Network team", "10.50.0.0/16")},
	)
	rs := collectRanges(d)
	type row struct {
		kind  rangeKind
		pfx   string
		path  string
		label string
		def   bool
	}
	want := []row{
		{rangeVNetSpace, "10.1.0.0/16", "spec.vnets[0].addressSpace[0]", `VNet "spoke" address space 10.1.0.0/16`, false},
		{rangeSubnet, "10.1.0.0/22", "spec.vnets[0].subnets[0].addressPrefixes[0]", `subnet "spoke/nodes" 10.1.0.0/22`, false},
		{rangeExternal, "10.50.0.0/16", "spec.externalRanges[0].cidrs[0]", `on-premises range "corp" 10.50.0.0/16 (owner: Network team)`, false},
		{rangePod, "10.244.0.0/16", "spec.clusters[0].network", `pod CIDR 10.244.0.0/16 of cluster "aks1" (AKS default: podCidrs not set)`, true},
		{rangeService, "10.0.0.0/16", "spec.clusters[0].network", `Service CIDR 10.0.0.0/16 of cluster "aks1" (AKS default: serviceCidrs not set)`, true},
		// The legacy cluster has no pod CIDR; its Service CIDR is written.
		{rangeService, "10.2.0.0/16", "spec.clusters[1].network.serviceCidrs[0]", `Service CIDR 10.2.0.0/16 of cluster "flat"`, false},
	}
	if len(rs) != len(want) {
		t.Fatalf("got %d ranges, want %d: %+v", len(rs), len(want), rs)
	}
	for i, w := range want {
		r := rs[i]
		got := row{r.Kind, r.Prefix.String(), r.Path, r.Label, r.Defaulted}
		if got != w {
			t.Errorf("range %d: got %+v, want %+v", i, got, w)
		}
	}
}

// TestOverlappingRangesMatchesBruteForce compares the sweep with the
// obvious quadratic search (fine in a test) on random prefixes.
func TestOverlappingRangesMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for round := 0; round < 50; round++ {
		n := 1 + rng.IntN(40)
		rs := make([]namedRange, n)
		for i := range rs {
			a := netip.AddrFrom4([4]byte{10, byte(rng.IntN(4)), byte(rng.IntN(256)), 0})
			rs[i].Prefix, _ = a.Prefix(14 + rng.IntN(11))
		}
		var want [][2]int
		for i := range rs {
			for j := i + 1; j < len(rs); j++ {
				if rs[i].Prefix.Overlaps(rs[j].Prefix) {
					want = append(want, [2]int{i, j})
				}
			}
		}
		if got := overlappingRanges(rs); !slices.Equal(got, want) {
			t.Fatalf("round %d: got %v, want %v", round, got, want)
		}
	}
}

func TestReservedRangeOverlap(t *testing.T) {
	cases := []struct {
		svc  string
		want bool
	}{
		{"172.29.255.0/24", false}, // just below 172.30.0.0/16
		{"172.30.0.0/24", true},
		{"172.31.255.0/24", true},
		{"172.32.0.0/16", false}, // just above 172.31.0.0/16
		{"172.16.0.0/12", true},  // contains both
		{"172.16.0.0/13", false},
		{"169.253.255.0/24", false},
		{"169.254.169.0/24", true},
		{"192.0.2.128/25", true},
		{"192.0.3.0/24", false},
		{"192.0.0.0/23", false}, // ends at 192.0.1.255
		{"192.0.0.0/22", true},
	}
	for _, tc := range cases {
		t.Run(tc.svc, func(t *testing.T) {
			d := adDesign([]design.VNet{adSpoke()},
				[]design.Cluster{adOverlay("aks1", "spoke", "nodes", []string{"100.64.0.0/16"}, []string{tc.svc}, "")}, nil)
			var want []adHit
			if tc.want {
				want = append(want, adHit{"spec.clusters[0].network.serviceCidrs[0]", adErr})
			}
			adCheck(t, ruleReservedRangeOverlap, d, want...)
		})
	}
}

func TestReservedRangeOverlapVNets(t *testing.T) {
	d := adDesign(
		[]design.VNet{
			adVNet("spoke", []string{"172.16.0.0/12"}, adSubnet("nodes", "172.16.0.0/22"), adSubnet("pe", "172.31.0.0/24")),
			adVNet("hub", []string{"172.30.0.0/16"}),
		},
		[]design.Cluster{adOverlay("aks1", "spoke", "nodes", []string{"172.30.0.0/16"}, []string{"10.2.0.0/16"}, "10.2.0.10")}, nil)
	fs := adCheck(t, ruleReservedRangeOverlap, d,
		adHit{"spec.vnets[0].addressSpace[0]", adErr},
		adHit{"spec.vnets[0].subnets[1].addressPrefixes[0]", adErr},
		adHit{"spec.vnets[1].addressSpace[0]", adWarn}, // hosts no cluster
		adHit{"spec.clusters[0].network.podCidrs[0]", adErr},
	)
	adMessageHas(t, fs, "172.16.0.0/12", "contains 172.30.0.0/16 and contains 172.31.0.0/16")
	adMessageHas(t, fs, `VNet "hub"`, "hosts no AKS cluster")
}

func TestServiceCIDROverlap(t *testing.T) {
	const svc = "spec.clusters[0].network.serviceCidrs[0]"
	hub := adVNet("hub", []string{"10.0.0.0/16"}, adSubnet("fw", "10.0.0.0/26"))
	lone := adVNet("lone", []string{"10.9.0.0/16"})
	corp := adExternal("corp", design.RangeOnPrem, "Network team", "10.50.0.0/16")
	cases := []struct {
		name string
		svc  string
		pod  string
		want []adHit
		msg  string
	}{
		{"clear", "10.2.0.0/16", "100.64.0.0/16", nil, ""},
		{"adjacent to spoke", "10.2.0.0/15", "100.64.0.0/16", nil, ""},
		{"own subnet", "10.1.0.0/24", "100.64.0.0/16", []adHit{{svc, adErr}}, "ServiceCidrOverlapExistingSubnetsCidr"},
		{"subnet hides space warning", "10.1.0.0/16", "100.64.0.0/16", []adHit{{svc, adErr}}, `subnet "spoke/nodes"`},
		{"unused space", "10.1.4.0/22", "100.64.0.0/16", []adHit{{svc, adWarn}}, "unused space"},
		{"peered hub", "10.0.128.0/17", "100.64.0.0/16", []adHit{{svc, adErr}}, "peered with the cluster's VNet"},
		{"unpeered VNet", "10.9.0.0/24", "100.64.0.0/16", []adHit{{svc, adWarn}}, "not peered"},
		{"external", "10.50.10.0/24", "100.64.0.0/16", []adHit{{svc, adErr}}, "Network team"},
		{"own pods", "100.64.0.0/20", "100.64.0.0/16", []adHit{{svc, adErr}}, "pods and Services of one cluster"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := adDesign([]design.VNet{adSpoke(), hub, lone},
				[]design.Cluster{adOverlay("aks1", "spoke", "nodes", []string{tc.pod}, []string{tc.svc}, "")},
				[]design.ExternalRange{corp}, [2]string{"spoke", "hub"})
			fs := adCheck(t, ruleServiceCIDROverlap, d, tc.want...)
			if tc.msg != "" {
				adMessageHas(t, fs, tc.msg)
			}
		})
	}
}

func TestServiceCIDROverlapAcrossClusters(t *testing.T) {
	spoke := adVNet("spoke", []string{"10.1.0.0/16"}, adSubnet("a", "10.1.0.0/22"), adSubnet("b", "10.1.4.0/22"))
	// Same Service CIDR in two clusters: reusable, no finding.
	d := adDesign([]design.VNet{spoke}, []design.Cluster{
		adOverlay("aks1", "spoke", "a", []string{"100.64.0.0/16"}, []string{"10.2.0.0/16"}, ""),
		adOverlay("aks2", "spoke", "b", []string{"100.65.0.0/16"}, []string{"10.2.0.0/16"}, ""),
	}, nil)
	adCheck(t, ruleServiceCIDROverlap, d)
	// Another cluster's pod CIDR: a warning on the Service CIDR.
	d = adDesign([]design.VNet{spoke}, []design.Cluster{
		adOverlay("aks1", "spoke", "a", []string{"100.64.0.0/16"}, []string{"100.65.0.0/20"}, ""),
		adOverlay("aks2", "spoke", "b", []string{"100.65.0.0/16"}, []string{"10.2.0.0/16"}, ""),
	}, nil)
	adCheck(t, ruleServiceCIDROverlap, d, adHit{"spec.clusters[0].network.serviceCidrs[0]", adWarn})
	// The default Service CIDR against a peered hub points at the network block.
	d = adDesign([]design.VNet{spoke, adVNet("hub", []string{"10.0.0.0/16"})}, []design.Cluster{
		adOverlay("aks1", "spoke", "a", []string{"100.64.0.0/16"}, nil, ""),
	}, nil, [2]string{"hub", "spoke"})
	fs := adCheck(t, ruleServiceCIDROverlap, d, adHit{"spec.clusters[0].network", adErr})
	adMessageHas(t, fs, "AKS default")
}

func TestPodCIDROverlap(t *testing.T) {
	const pod = "spec.clusters[0].network.podCidrs[0]"
	shared := adVNet("shared", []string{"100.70.0.0/16"})
	lone := adVNet("lone", []string{"100.80.0.0/16"})
	corp := adExternal("corp", design.RangeExpressRoute, "", "100.90.0.0/16")
	cases := []struct {
		name string
		pod  string
		want []adHit
	}{
		{"clear", "100.64.0.0/16", nil},
		{"adjacent", "100.71.0.0/16", nil},
		{"own subnet", "10.1.0.0/16", []adHit{{pod, adErr}}},
		{"own unused space", "10.1.128.0/17", []adHit{{pod, adWarn}}},
		{"peered", "100.70.255.0/24", []adHit{{pod, adErr}}},
		{"unpeered", "100.80.0.0/16", []adHit{{pod, adWarn}}},
		{"external", "100.90.0.0/15", []adHit{{pod, adErr}}},
		{"own service CIDR is service-cidr-overlap's", "10.2.0.0/16", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := adDesign([]design.VNet{adSpoke(), shared, lone},
				[]design.Cluster{adOverlay("aks1", "spoke", "nodes", []string{tc.pod}, []string{"10.2.0.0/16"}, "10.2.0.10")},
				[]design.ExternalRange{corp}, [2]string{"spoke", "shared"})
			adCheck(t, rulePodCIDROverlap, d, tc.want...)
		})
	}
}

func TestPodCIDROverlapModes(t *testing.T) {
	// Legacy Azure CNI has no pod CIDR: a written podCidrs is ignored.
	flat := adOverlay("aks1", "spoke", "nodes", []string{"10.1.0.0/16"}, []string{"10.2.0.0/16"}, "10.2.0.10")
	flat.Network.PluginMode = ""
	adCheck(t, rulePodCIDROverlap, adDesign([]design.VNet{adSpoke()}, []design.Cluster{flat}, nil))

	// kubenet with the default pod CIDR inside the VNet's subnet.
	kn := adOverlay("aks1", "spoke", "nodes", nil, []string{"10.2.0.0/16"}, "10.2.0.10")
	kn.Network.Plugin, kn.Network.PluginMode = design.PluginKubenet, ""
	v := adVNet("spoke", []string{"10.240.0.0/12"}, adSubnet("nodes", "10.244.0.0/24"))
	fs := adCheck(t, rulePodCIDROverlap, adDesign([]design.VNet{v}, []design.Cluster{kn}, nil),
		adHit{"spec.clusters[0].network", adErr})
	adMessageHas(t, fs, "kubenet pod CIDR 10.244.0.0/16", "not confirmed")
}

func TestAddressSpaceOverlap(t *testing.T) {
	spoke := adVNet("spoke", []string{"10.1.0.0/16"}, adSubnet("a", "10.1.0.0/24"), adSubnet("b", "10.1.1.0/24"))
	cases := []struct {
		name      string
		vnets     []design.VNet
		externals []design.ExternalRange
		peerings  [][2]string
		want      []adHit
	}{
		{"adjacent subnets and VNets", []design.VNet{spoke, adVNet("hub", []string{"10.0.0.0/16"})}, nil,
			[][2]string{{"spoke", "hub"}}, nil},
		{"overlapping subnets", []design.VNet{adVNet("spoke", []string{"10.1.0.0/16"},
			adSubnet("a", "10.1.0.0/23"), adSubnet("b", "10.1.1.0/24"))}, nil, nil,
			[]adHit{{"spec.vnets[0].subnets[1].addressPrefixes[0]", adErr}}},
		{"two prefixes of one subnet", []design.VNet{adVNet("spoke", []string{"10.1.0.0/16"},
			adSubnet("a", "10.1.0.0/23", "10.1.1.0/24"))}, nil, nil,
			[]adHit{{"spec.vnets[0].subnets[0].addressPrefixes[1]", adErr}}},
		{"two spaces of one VNet", []design.VNet{adVNet("spoke", []string{"10.1.0.0/16", "10.1.200.0/24"})}, nil, nil,
			[]adHit{{"spec.vnets[0].addressSpace[1]", adErr}}},
		{"peered VNets", []design.VNet{spoke, adVNet("hub", []string{"10.1.255.0/24"})}, nil,
			[][2]string{{"hub", "spoke"}}, []adHit{{"spec.vnets[1].addressSpace[0]", adErr}}},
		{"unpeered VNets", []design.VNet{spoke, adVNet("hub", []string{"10.0.0.0/8"})}, nil, nil,
			[]adHit{{"spec.vnets[1].addressSpace[0]", adWarn}}},
		{"on-premises", []design.VNet{spoke},
			[]design.ExternalRange{adExternal("dc", design.RangeOnPrem, "", "10.0.0.0/8")}, nil,
			[]adHit{{"spec.vnets[0].addressSpace[0]", adErr}}},
		{"enterprise route", []design.VNet{spoke},
			[]design.ExternalRange{adExternal("rt", design.RangeEnterpriseRoute, "", "10.1.7.0/24")}, nil,
			[]adHit{{"spec.vnets[0].addressSpace[0]", adErr}}},
		{"peered external VNet", []design.VNet{spoke},
			[]design.ExternalRange{adExternal("data", design.RangePeeredVNet, "", "10.1.0.0/20")},
			[][2]string{{"spoke", "data"}}, []adHit{{"spec.vnets[0].addressSpace[0]", adErr}}},
		{"unpeered external VNet", []design.VNet{spoke},
			[]design.ExternalRange{adExternal("data", design.RangeOtherVNet, "", "10.1.0.0/20")}, nil,
			[]adHit{{"spec.vnets[0].addressSpace[0]", adWarn}}},
		{"externals overlapping each other", []design.VNet{spoke},
			[]design.ExternalRange{adExternal("a", design.RangeOnPrem, "", "10.50.0.0/16"),
				adExternal("b", design.RangeVPN, "", "10.50.1.0/24")}, nil, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := adDesign(tc.vnets, nil, tc.externals, tc.peerings...)
			adCheck(t, ruleAddressSpaceOverlap, d, tc.want...)
		})
	}
}

func TestSubnetOutsideVNet(t *testing.T) {
	cases := []struct {
		subnet string
		want   bool
		msg    string
	}{
		{"10.1.255.0/24", false, ""}, // last /24 of the space
		{"10.1.0.0/16", false, ""},   // the whole space
		{"10.2.0.0/24", true, "outside every address space"},
		{"10.0.255.0/24", true, "outside every address space"},
		{"10.0.0.0/15", true, "wider than"},
		{"fd00:1:0:1::/64", true, "no IPv6 address space"},
	}
	for _, tc := range cases {
		t.Run(tc.subnet, func(t *testing.T) {
			d := adDesign([]design.VNet{adVNet("spoke", []string{"10.1.0.0/16"}, adSubnet("s", tc.subnet))}, nil, nil)
			var want []adHit
			if tc.want {
				want = append(want, adHit{"spec.vnets[0].subnets[0].addressPrefixes[0]", adErr})
			}
			fs := adCheck(t, ruleSubnetOutsideVNet, d, want...)
			if tc.msg != "" {
				adMessageHas(t, fs, tc.msg)
			}
		})
	}
}

func TestDNSServiceIPOutsideServiceCIDR(t *testing.T) {
	cases := []struct {
		name string
		svc  []string
		dns  string
		want string // path, or "" for no finding
	}{
		{"default in default", nil, "", ""},
		{"default outside custom", []string{"10.2.0.0/16"}, "", "spec.clusters[0].network"},
		{"last address inside", []string{"10.2.0.0/16"}, "10.2.255.255", ""},
		{"one past the end", []string{"10.2.0.0/16"}, "10.3.0.0", "spec.clusters[0].network.dnsServiceIP"},
		{"one before the start", []string{"10.2.0.0/16"}, "10.1.255.255", "spec.clusters[0].network.dnsServiceIP"},
		{"dual-stack, IPv4 second", []string{"fd10:0:0:1::/108", "10.2.0.0/16"}, "10.2.0.10", ""},
		{"IPv6 only", []string{"fd10:0:0:1::/108"}, "10.2.0.10", "spec.clusters[0].network.dnsServiceIP"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := adDesign([]design.VNet{adSpoke()},
				[]design.Cluster{adOverlay("aks1", "spoke", "nodes", []string{"100.64.0.0/16"}, tc.svc, tc.dns)}, nil)
			var want []adHit
			if tc.want != "" {
				want = append(want, adHit{tc.want, adErr})
			}
			adCheck(t, ruleDNSServiceIPOutsideServiceCIDR, d, want...)
		})
	}
}

func TestDNSServiceIPReserved(t *testing.T) {
	const path = "spec.clusters[0].network.dnsServiceIP"
	cases := []struct {
		svc, dns string
		want     []adHit
		msg      string
	}{
		{"10.2.0.0/16", "10.2.0.0", []adHit{{path, adErr}}, "network address"},
		{"10.2.0.0/16", "10.2.0.1", []adHit{{path, adErr}}, "kubernetes Service"},
		{"10.2.0.0/16", "10.2.0.2", nil, ""},
		{"10.2.0.0/16", "10.2.0.10", nil, ""},
		{"10.2.0.0/16", "10.2.255.254", nil, ""},
		{"10.2.0.0/16", "10.2.255.255", []adHit{{path, adWarn}}, "open question"},
		{"10.2.0.0/16", "10.3.0.0", nil, ""}, // outside: the other rule's business
		{"10.2.0.0/30", "10.2.0.3", []adHit{{path, adWarn}}, "last"},
	}
	for _, tc := range cases {
		t.Run(tc.svc+" "+tc.dns, func(t *testing.T) {
			d := adDesign([]design.VNet{adSpoke()},
				[]design.Cluster{adOverlay("aks1", "spoke", "nodes", []string{"100.64.0.0/16"}, []string{tc.svc}, tc.dns)}, nil)
			fs := adCheck(t, ruleDNSServiceIPReserved, d, tc.want...)
			if tc.msg != "" {
				adMessageHas(t, fs, tc.msg)
			}
		})
	}
}

func TestServiceCIDRSize(t *testing.T) {
	const path = "spec.clusters[0].network.serviceCidrs[0]"
	cases := []struct {
		svc      string
		expected int
		version  string
		want     []adHit
		msg      string
	}{
		{"10.32.0.0/11", 0, "1.33", []adHit{{path, adErr}}, "21 host bits"},
		{"10.32.0.0/12", 0, "1.33", []adHit{{path, adWarn}}, "smaller than /12"},
		{"10.32.0.0/13", 0, "1.33", nil, ""},
		{"10.2.0.0/31", 0, "1.33", []adHit{{path, adErr}}, "cannot even start"},
		{"10.2.0.0/30", 0, "1.33", nil, ""}, // holds exactly the two system Services
		// A /24 has 254 assignable addresses, 252 after kubernetes and kube-dns.
		{"10.2.0.0/24", 210, "1.33", nil, ""}, // 210 * 1.2 = 252: exactly enough headroom
		{"10.2.0.0/24", 211, "1.33", []adHit{{path, adWarn}}, "less than 20% headroom"},
		{"10.2.0.0/24", 252, "1.32", []adHit{{path, adWarn}}, "cannot be changed after creation"},
		{"10.2.0.0/24", 253, "1.33", []adHit{{path, adErr}}, "leaving 252 for 253 expected"},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%s %d", tc.svc, tc.expected), func(t *testing.T) {
			c := adOverlay("aks1", "spoke", "nodes", []string{"100.64.0.0/16"}, []string{tc.svc}, "")
			c.KubernetesVersion = tc.version
			c.Requirements.ExpectedServices = tc.expected
			fs := adCheck(t, ruleServiceCIDRSize, adDesign([]design.VNet{adSpoke()}, []design.Cluster{c}, nil), tc.want...)
			if tc.msg != "" {
				adMessageHas(t, fs, tc.msg)
			}
		})
	}
}

func TestServiceCIDRSizeIPv6(t *testing.T) {
	const path = "spec.clusters[0].network.serviceCidrs[1]"
	for _, tc := range []struct {
		v6   string
		want []adHit
	}{
		{"fd10:0:0:1::/107", []adHit{{path, adErr}}},
		{"fd10:0:0:1::/108", nil},
		{"fd10:0:0:1::/120", nil},
	} {
		t.Run(tc.v6, func(t *testing.T) {
			c := adOverlay("aks1", "spoke", "nodes", nil, []string{"10.2.0.0/16", tc.v6}, "")
			c.Network.IPFamilies = []design.IPFamily{design.IPv4, design.IPv6}
			c.Requirements.ExpectedServices = 100
			adCheck(t, ruleServiceCIDRSize, adDesign([]design.VNet{adSpoke()}, []design.Cluster{c}, nil), tc.want...)
		})
	}
}

func TestPodCIDRReused(t *testing.T) {
	spoke := adVNet("spoke", []string{"10.1.0.0/16"},
		adSubnet("a", "10.1.0.0/24"), adSubnet("b", "10.1.1.0/24"), adSubnet("c", "10.1.2.0/24"))
	defaults := adDesign([]design.VNet{spoke}, []design.Cluster{
		adOverlay("aks1", "spoke", "a", nil, nil, ""),
		adOverlay("aks2", "spoke", "b", nil, nil, ""),
		adOverlay("aks3", "spoke", "c", nil, nil, ""),
	}, nil)
	fs := adCheck(t, rulePodCIDRReused, defaults,
		adHit{"spec.clusters[1].network", adWarn},
		adHit{"spec.clusters[2].network", adWarn})
	adMessageHas(t, fs, `clusters "aks1" (10.244.0.0/16, AKS default) and "aks2"`)

	adjacent := adDesign([]design.VNet{spoke}, []design.Cluster{
		adOverlay("aks1", "spoke", "a", []string{"100.64.0.0/16"}, nil, ""),
		adOverlay("aks2", "spoke", "b", []string{"100.65.0.0/16"}, nil, ""),
	}, nil)
	adCheck(t, rulePodCIDRReused, adjacent)

	nested := adDesign([]design.VNet{spoke}, []design.Cluster{
		adOverlay("aks1", "spoke", "a", []string{"100.64.0.0/15"}, nil, ""),
		adOverlay("aks2", "spoke", "b", []string{"100.65.255.0/24"}, nil, ""),
	}, nil)
	fs = adCheck(t, rulePodCIDRReused, nested, adHit{"spec.clusters[1].network.podCidrs[0]", adWarn})
	adMessageHas(t, fs, "overlaps the pod CIDR of cluster")

	// A legacy Azure CNI cluster has no pod CIDR, so the default is not reused.
	flat := adOverlay("aks2", "spoke", "b", nil, nil, "")
	flat.Network.PluginMode = ""
	adCheck(t, rulePodCIDRReused, adDesign([]design.VNet{spoke}, []design.Cluster{
		adOverlay("aks1", "spoke", "a", nil, nil, ""), flat}, nil))
}

func TestVNetAddressRefused(t *testing.T) {
	cases := []struct {
		space string
		want  bool
	}{
		{"168.63.129.0/28", false}, // .0 to .15
		{"168.63.129.16/28", true},
		{"168.63.129.16/32", true},
		{"223.255.255.0/24", false},
		{"224.0.0.0/24", true},
		{"239.255.255.0/24", true},
		{"240.0.0.0/24", false},
		{"126.255.255.0/24", false},
		{"127.0.0.0/16", true},
		{"169.254.0.0/24", true},
		{"255.255.255.0/24", true},
		{"100.64.0.0/10", false},
	}
	for _, tc := range cases {
		t.Run(tc.space, func(t *testing.T) {
			d := adDesign([]design.VNet{adVNet("v", []string{tc.space})}, nil, nil)
			var want []adHit
			if tc.want {
				want = append(want, adHit{"spec.vnets[0].addressSpace[0]", adErr})
			}
			fs := adCheck(t, ruleVNetAddressRefused, d, want...)
			if tc.want {
				adMessageHas(t, fs, "Azure refuses")
			}
		})
	}
	// A subnet is reported on its own line too.
	d := adDesign([]design.VNet{adVNet("v", []string{"127.0.0.0/8"}, adSubnet("s", "127.0.1.0/24"))}, nil, nil)
	adCheck(t, ruleVNetAddressRefused, d,
		adHit{"spec.vnets[0].addressSpace[0]", adErr},
		adHit{"spec.vnets[0].subnets[0].addressPrefixes[0]", adErr})
}

func TestSubnetSizeInvalid(t *testing.T) {
	cases := []struct {
		prefix string
		want   bool
	}{
		{"10.1.0.0/29", false},
		{"10.1.0.0/30", true},
		{"10.1.0.0/32", true},
		{"0.0.0.0/2", false},
		{"0.0.0.0/1", true},
		{"10.0.0.0/8", false},
		{"fd00:1:0:1::/64", false},
		{"fd00:1::/63", true},
		{"fd00:1:0:1::/65", true},
	}
	for _, tc := range cases {
		t.Run(tc.prefix, func(t *testing.T) {
			d := adDesign([]design.VNet{adVNet("v", []string{"0.0.0.0/0", "::/0"}, adSubnet("s", tc.prefix))}, nil, nil)
			var want []adHit
			if tc.want {
				want = append(want, adHit{"spec.vnets[0].subnets[0].addressPrefixes[0]", adErr})
			}
			adCheck(t, ruleSubnetSizeInvalid, d, want...)
		})
	}
}

func TestIPFamilyMismatch(t *testing.T) {
	v4, v6 := design.IPv4, design.IPv6
	dualSpoke := adVNet("spoke", []string{"10.1.0.0/16", "fd00:1::/48"}, adSubnet("nodes", "10.1.0.0/22", "fd00:1:0:1::/64"))
	const (
		fams = "spec.clusters[0].network.ipFamilies"
		pods = "spec.clusters[0].network.podCidrs"
		svcs = "spec.clusters[0].network.serviceCidrs"
	)
	cases := []struct {
		name     string
		vnet     design.VNet
		families []design.IPFamily
		pod, svc []string
		mutate   func(c *design.Cluster)
		want     []adHit
	}{
		{"IPv4 only, nothing written", adSpoke(), nil, nil, nil, nil, nil},
		{"IPv4 only, explicit", adSpoke(), []design.IPFamily{v4}, []string{"100.64.0.0/16"}, []string{"10.2.0.0/16"}, nil, nil},
		{"dual-stack overlay", dualSpoke, []design.IPFamily{v4, v6},
			[]string{"100.64.0.0/16", "fd10::/64"}, []string{"10.2.0.0/16", "fd10:0:0:1::/108"}, nil, nil},
		{"dual-stack overlay with defaults", dualSpoke, []design.IPFamily{v4, v6}, nil, nil, nil, nil},
		{"IPv6 only", dualSpoke, []design.IPFamily{v6}, nil, nil, nil, []adHit{{fams, adErr}}},
		{"IPv6 first", dualSpoke, []design.IPFamily{v6, v4}, nil, nil, nil, []adHit{{fams, adErr}}},
		{"IPv4 twice", dualSpoke, []design.IPFamily{v4, v4}, nil, nil, nil, []adHit{{fams, adErr}}},
		{"IPv6 pod CIDR without ipFamilies", adSpoke(), nil, []string{"100.64.0.0/16", "fd10::/64"}, nil, nil,
			[]adHit{{pods + "[1]", adErr}}},
		{"IPv6 Service CIDR with ipFamilies IPv4", adSpoke(), []design.IPFamily{v4}, nil, []string{"fd10:0:0:1::/108"}, nil,
			[]adHit{{svcs + "[0]", adErr}}},
		{"dual-stack, one Service CIDR", dualSpoke, []design.IPFamily{v4, v6}, nil, []string{"10.2.0.0/16"}, nil,
			[]adHit{{svcs, adErr}}},
		{"dual-stack, pod CIDRs swapped", dualSpoke, []design.IPFamily{v4, v6}, []string{"fd10::/64", "100.64.0.0/16"}, nil, nil,
			[]adHit{{pods + "[0]", adErr}}},
		{"dual-stack, two IPv4 Service CIDRs", dualSpoke, []design.IPFamily{v4, v6}, nil, []string{"10.2.0.0/16", "10.3.0.0/16"}, nil,
			[]adHit{{svcs + "[1]", adErr}}},
		{"dual-stack on kubenet", dualSpoke, []design.IPFamily{v4, v6}, nil, nil,
			func(c *design.Cluster) { c.Network.Plugin, c.Network.PluginMode = design.PluginKubenet, "" },
			[]adHit{{fams, adErr}}},
		{"dual-stack on legacy CNI", dualSpoke, []design.IPFamily{v4, v6}, nil, nil,
			func(c *design.Cluster) { c.Network.PluginMode = "" },
			[]adHit{{fams, adErr}}},
		{"dual-stack on Cilium at 1.29", dualSpoke, []design.IPFamily{v4, v6}, nil, nil,
			func(c *design.Cluster) {
				c.Network.PluginMode, c.Network.Dataplane, c.KubernetesVersion = "", design.DataplaneCilium, "1.29"
			}, nil},
		{"dual-stack on Cilium at 1.28", dualSpoke, []design.IPFamily{v4, v6}, nil, nil,
			func(c *design.Cluster) { c.Network.Dataplane, c.KubernetesVersion = design.DataplaneCilium, "1.28" },
			[]adHit{{fams, adErr}}},
		{"dual-stack in an IPv4 subnet", adSpoke(), []design.IPFamily{v4, v6}, nil, nil, nil,
			[]adHit{{"spec.vnets[0].subnets[0].addressPrefixes", adErr}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := adOverlay("aks1", "spoke", "nodes", tc.pod, tc.svc, "10.2.0.10")
			c.Network.IPFamilies = tc.families
			if tc.mutate != nil {
				tc.mutate(&c)
			}
			adCheck(t, ruleIPFamilyMismatch, adDesign([]design.VNet{tc.vnet}, []design.Cluster{c}, nil), tc.want...)
		})
	}
}

func TestPodCIDRUnsupportedSpace(t *testing.T) {
	const path = "spec.clusters[0].network.podCidrs[0]"
	cases := []struct {
		pod    string
		plugin design.NetworkPlugin
		mode   design.PluginMode
		want   bool
	}{
		{"100.64.0.0/10", design.PluginAzure, design.ModeOverlay, false},
		{"100.127.255.0/24", design.PluginAzure, design.ModeOverlay, false},
		{"100.128.0.0/16", design.PluginAzure, design.ModeOverlay, true},
		{"100.63.0.0/16", design.PluginAzure, design.ModeOverlay, true},
		{"100.0.0.0/9", design.PluginAzure, design.ModeOverlay, true}, // starts outside, reaches in
		{"172.31.0.0/16", design.PluginKubenet, "", false},
		{"172.32.0.0/16", design.PluginKubenet, "", true},
		{"192.168.0.0/16", design.PluginKubenet, "", false},
		{"11.0.0.0/16", design.PluginKubenet, "", true},
		{"11.0.0.0/16", design.PluginNone, "", false},  // BYO CNI: outside this rule
		{"11.0.0.0/16", design.PluginAzure, "", false}, // legacy CNI: no pod CIDR
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%s %s%s", tc.pod, tc.plugin, tc.mode), func(t *testing.T) {
			c := adOverlay("aks1", "spoke", "nodes", []string{tc.pod}, []string{"10.2.0.0/16"}, "10.2.0.10")
			c.Network.Plugin, c.Network.PluginMode = tc.plugin, tc.mode
			var want []adHit
			if tc.want {
				want = append(want, adHit{path, adWarn})
			}
			adCheck(t, rulePodCIDRUnsupportedSpace, adDesign([]design.VNet{adSpoke()}, []design.Cluster{c}, nil), want...)
		})
	}
}
