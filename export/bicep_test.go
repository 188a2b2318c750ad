package export

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/aksnet/aksnet/design"
)

func renderBicep(t *testing.T, d *design.Design) []byte {
	t.Helper()
	return render(t, d, func(w *bytes.Buffer, d *design.Design) error { return BicepParams(w, d) })
}

func TestBicepParamsGolden(t *testing.T) {
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			golden(t, sc.name+".parameters.json", renderBicep(t, sc.load(t)))
		})
	}
}

// paramsFile is the decoded shape the tests check; unknown fields are an
// error, so a renamed property shows up here.
type paramsFile struct {
	Schema         string `json:"$schema"`
	ContentVersion string `json:"contentVersion"`
	Parameters     struct {
		VNets                 *struct{ Value []bicepVNet }       `json:"vnets"`
		RouteTables           *struct{ Value []bicepRouteTable } `json:"routeTables"`
		NetworkSecurityGroups *struct{ Value []bicepNSG }        `json:"networkSecurityGroups"`
		NATGateways           *struct{ Value []bicepNAT }        `json:"natGateways"`
		Peerings              *struct{ Value []peeringDir }      `json:"peerings"`
		PrivateDNSZones       *struct{ Value []bicepZone }       `json:"privateDnsZones"`
		PrivateEndpoints      *struct{ Value []bicepEndpoint }   `json:"privateEndpoints"`
		Clusters              *struct{ Value []bicepCluster }    `json:"clusters"`
	} `json:"parameters"`
}

func decodeParams(t *testing.T, data []byte) paramsFile {
	t.Helper()
	var pf paramsFile
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&pf); err != nil {
		t.Fatalf("parameters file does not decode: %v\n%s", err, data)
	}
	return pf
}

func TestBicepParamsStructure(t *testing.T) {
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			d := sc.load(t)
			data := renderBicep(t, d)
			if !json.Valid(data) {
				t.Fatal("output is not valid JSON")
			}
			// Every parameter is {"value": ...} and nothing else.
			var raw struct {
				Parameters map[string]map[string]json.RawMessage `json:"parameters"`
			}
			if err := json.Unmarshal(data, &raw); err != nil {
				t.Fatal(err)
			}
			for name, p := range raw.Parameters {
				if _, ok := p["value"]; !ok || len(p) != 1 {
					t.Errorf("parameter %s: got keys %v, want only value", name, keys(p))
				}
			}

			pf := decodeParams(t, data)
			if pf.Schema != DeploymentParametersSchema {
				t.Errorf("$schema: got %q", pf.Schema)
			}
			if pf.ContentVersion != "1.0.0.0" {
				t.Errorf("contentVersion: got %q", pf.ContentVersion)
			}
			if got := len(pf.Parameters.VNets.Value); got != len(d.Spec.VNets) {
				t.Fatalf("vnets: got %d, want %d", got, len(d.Spec.VNets))
			}
			for i, v := range d.Spec.VNets {
				bv := pf.Parameters.VNets.Value[i]
				if bv.Name != v.Name || !slices.Equal(bv.AddressPrefixes, texts(v.AddressSpace)) {
					t.Errorf("vnet %d: got %s %v, want %s %v", i, bv.Name, bv.AddressPrefixes, v.Name, v.AddressSpace)
				}
				if len(bv.Subnets) != len(v.Subnets) {
					t.Errorf("vnet %s subnets: got %d, want %d", v.Name, len(bv.Subnets), len(v.Subnets))
					continue
				}
				for j, s := range v.Subnets {
					bs := bv.Subnets[j]
					if bs.Name != s.Name || !slices.Equal(bs.AddressPrefixes, texts(s.AddressPrefixes)) || bs.RouteTable != s.RouteTable {
						t.Errorf("subnet %s/%s: got %+v", v.Name, s.Name, bs)
					}
				}
			}
			if len(d.Spec.RouteTables) > 0 {
				if got := len(pf.Parameters.RouteTables.Value); got != len(d.Spec.RouteTables) {
					t.Errorf("routeTables: got %d, want %d", got, len(d.Spec.RouteTables))
				}
			} else if pf.Parameters.RouteTables != nil {
				t.Error("routeTables parameter written for a design without route tables")
			}

			if got := len(pf.Parameters.Clusters.Value); got != len(d.Spec.Clusters) {
				t.Fatalf("clusters: got %d, want %d", got, len(d.Spec.Clusters))
			}
			for i := range d.Spec.Clusters {
				checkARMCluster(t, d, &d.Spec.Clusters[i], pf.Parameters.Clusters.Value[i])
			}
		})
	}
}

func keys(m map[string]json.RawMessage) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func checkARMCluster(t *testing.T, d *design.Design, c *design.Cluster, bc bicepCluster) {
	t.Helper()
	if bc.Name != c.Name || bc.Location != c.Region {
		t.Errorf("cluster: got %s in %s, want %s in %s", bc.Name, bc.Location, c.Name, c.Region)
	}
	np := bc.NetworkProfile
	if np.NetworkPlugin != plugin(c) {
		t.Errorf("%s networkPlugin: got %s", c.Name, np.NetworkPlugin)
	}
	if !slices.Equal(np.ServiceCidrs, texts(c.ServiceCIDRs())) {
		t.Errorf("%s serviceCidrs: got %v, want %v", c.Name, np.ServiceCidrs, c.ServiceCIDRs())
	}
	if !slices.Equal(np.PodCidrs, texts(c.PodCIDRs())) {
		t.Errorf("%s podCidrs: got %v, want %v", c.Name, np.PodCidrs, c.PodCIDRs())
	}
	if np.DNSServiceIP != c.DNSServiceIP().String() {
		t.Errorf("%s dnsServiceIP: got %s", c.Name, np.DNSServiceIP)
	}
	if np.OutboundType != string(c.OutboundType()) {
		t.Errorf("%s outboundType: got %s", c.Name, np.OutboundType)
	}
	if len(bc.AgentPoolProfiles) != len(c.NodePools) {
		t.Fatalf("%s agentPoolProfiles: got %d, want %d", c.Name, len(bc.AgentPoolProfiles), len(c.NodePools))
	}
	if first := bc.AgentPoolProfiles[0]; first.Name != c.NodePools[systemPool(c)].Name || first.Mode != "System" {
		t.Errorf("%s first agent pool: got %s (%s), want the first System pool", c.Name, first.Name, first.Mode)
	}
	for _, ap := range bc.AgentPoolProfiles {
		idx := slices.IndexFunc(c.NodePools, func(p design.NodePool) bool { return p.Name == ap.Name })
		if idx < 0 {
			t.Errorf("%s: agent pool %s is not in the design", c.Name, ap.Name)
			continue
		}
		p := &c.NodePools[idx]
		if ap.EnableAutoScaling != p.Autoscaling() {
			t.Errorf("%s/%s enableAutoScaling: got %v", c.Name, p.Name, ap.EnableAutoScaling)
		}
		if p.Autoscaling() && (ap.MinCount == nil || *ap.MinCount != *p.MinCount || ap.MaxCount == nil || *ap.MaxCount != *p.MaxCount) {
			t.Errorf("%s/%s min/max: got %v/%v", c.Name, p.Name, ap.MinCount, ap.MaxCount)
		}
		for _, ref := range []struct{ got, want string }{{ap.VNetSubnetID, p.Subnet}, {ap.PodSubnetID, p.PodSubnet}} {
			if ref.want == "" {
				if ref.got != "" {
					t.Errorf("%s/%s: subnet %q written for a pool without one", c.Name, p.Name, ref.got)
				}
				continue
			}
			// The reference is "vnet/subnet" and resolves to the same subnet.
			_, want, _ := d.ResolveSubnet(ref.want, c.VNet)
			_, got, err := d.ResolveSubnet(ref.got, "")
			if err != nil || got != want || !strings.Contains(ref.got, "/") {
				t.Errorf("%s/%s: subnet reference %q does not resolve to %q (%v)", c.Name, p.Name, ref.got, ref.want, err)
			}
		}
		if p.MaxSurge != "" && (ap.UpgradeSettings == nil || ap.UpgradeSettings.MaxSurge != p.MaxSurge) {
			t.Errorf("%s/%s upgradeSettings: got %+v, want maxSurge %s", c.Name, p.Name, ap.UpgradeSettings, p.MaxSurge)
		}
	}
}

func TestBicepParamsValues(t *testing.T) {
	d := branchesDesign()
	pf := decodeParams(t, renderBicep(t, d))
	cs := pf.Parameters.Clusters.Value

	ds := cs[0].NetworkProfile
	if !slices.Equal(ds.IPFamilies, []string{"IPv4", "IPv6"}) || ds.NetworkDataplane != "cilium" || ds.NetworkPluginMode != "overlay" {
		t.Errorf("aks-ds network profile: got %+v", ds)
	}
	api := cs[0].APIServerAccessProfile
	if api == nil || !api.EnableVnetIntegration || api.SubnetID != "spoke-ds/apiserver" || api.EnablePrivateCluster {
		t.Errorf("aks-ds API server: got %+v", api)
	}
	if cs[0].WindowsProfile == nil {
		t.Error("aks-ds has a Windows pool but no windowsProfile")
	}
	if win := cs[0].AgentPoolProfiles[1]; win.OSType != "Windows" || win.OSSKU != "Windows2022" || win.Count != 0 {
		t.Errorf("win1: got %+v", win)
	}

	ps := cs[1]
	lb := ps.NetworkProfile.LoadBalancerProfile
	if lb == nil || lb.ManagedOutboundIPs == nil || lb.ManagedOutboundIPs.Count != 2 || lb.AllocatedOutboundPorts != 8000 || lb.IdleTimeoutInMinutes != 10 {
		t.Errorf("aks-podsub loadBalancerProfile: got %+v", lb)
	}
	if ps.NetworkProfile.PodCidrs != nil {
		t.Errorf("aks-podsub (pod subnet) podCidrs: got %v, want none", ps.NetworkProfile.PodCidrs)
	}
	if sys := ps.AgentPoolProfiles[0]; sys.Name != "sys" || sys.PodSubnetID != "spoke-ds/pods" || sys.PodIPAllocationMode != "StaticBlock" || sys.Count != 1 {
		t.Errorf("aks-podsub sys pool: got %+v", sys)
	}
	if user := ps.AgentPoolProfiles[1]; user.UpgradeSettings == nil || user.UpgradeSettings.MaxUnavailable != "1" || user.Count != 4 {
		t.Errorf("aks-podsub user1 pool: got %+v", user)
	}
	if a := ps.APIServerAccessProfile; a == nil || !a.EnablePrivateCluster || a.PrivateDNSZone != "privatelink.northeurope.azmk8s.io" ||
		a.EnablePrivateClusterPublicFQDN == nil || *a.EnablePrivateClusterPublicFQDN {
		t.Errorf("aks-podsub API server: got %+v", a)
	}

	mg := cs[2]
	if ng := mg.NetworkProfile.NATGatewayProfile; ng == nil || ng.ManagedOutboundIPProfile == nil || ng.ManagedOutboundIPProfile.Count != 2 || ng.IdleTimeoutInMinutes != 8 {
		t.Errorf("aks-managed natGatewayProfile: got %+v", ng)
	}
	if mg.APIServerAccessProfile.PrivateDNSZone != "none" {
		t.Errorf("aks-managed privateDNSZone: got %s", mg.APIServerAccessProfile.PrivateDNSZone)
	}
	if p := mg.AgentPoolProfiles[0]; p.VNetSubnetID != "" {
		t.Errorf("AKS-managed VNet pool has vnetSubnetID %q", p.VNetSubnetID)
	}

	var peerings []string
	for _, p := range pf.Parameters.Peerings.Value {
		peerings = append(peerings, p.VNet+">"+p.RemoteVNet)
	}
	if want := []string{"spoke-ds>corp-hub", "spoke-ds>2nd vnet", "2nd vnet>spoke-ds"}; !slices.Equal(peerings, want) {
		t.Errorf("peerings: got %v, want %v", peerings, want)
	}
	if !pf.Parameters.Peerings.Value[0].RemoteIsExternal {
		t.Error("peering to corp-hub is not marked external")
	}
	pe := pf.Parameters.PrivateEndpoints.Value[0]
	if pe.Count != 2 || !slices.Equal(pe.GroupIDs, []string{"sqlServer"}) || pe.Subnet != "spoke-ds/pe" {
		t.Errorf("pe-sql: got %+v", pe)
	}
	nat := pf.Parameters.NATGateways.Value[0]
	if nat.PublicIPs != 2 || nat.PublicIPv6s != 1 || nat.SKU != "Standard" || nat.Location != "northeurope" || nat.ResourceGroup != "rg-net" {
		t.Errorf("natgw-1: got %+v", nat)
	}
}
