package importer

import (
	"testing"

	"github.com/aksnet/aksnet/design"
)

func TestSetPurposes(t *testing.T) {
	d := &design.Design{Spec: design.Spec{
		VNets: []design.VNet{{Name: "v", Subnets: []design.Subnet{
			{Name: "nodes", Purpose: design.PurposeOther},
			{Name: "pods", Purpose: design.PurposeAPIServer}, // AKS's delegation looks like an API server subnet
			{Name: "api", Purpose: design.PurposeAPIServer},
			{Name: "pe", Purpose: design.PurposePrivateEndpoints},
		}}},
		Clusters: []design.Cluster{{Name: "c", VNet: "v",
			NodePools: []design.NodePool{{Name: "p", Subnet: "nodes", PodSubnet: "pods"}, {Name: "q", Subnet: "pe"}},
			APIServer: design.APIServer{VNetIntegrationSubnet: "api"}}},
	}}
	SetPurposes(d)
	want := []design.SubnetPurpose{design.PurposeNodes, design.PurposePods, design.PurposeAPIServer, design.PurposePrivateEndpoints}
	for i, s := range d.Spec.VNets[0].Subnets {
		if s.Purpose != want[i] {
			t.Errorf("subnet %s: purpose %s, want %s", s.Name, s.Purpose, want[i])
		}
	}
}

func TestPurposeFromSource(t *testing.T) {
	tests := []struct {
		name        string
		delegations []string
		want        design.SubnetPurpose
		ok          bool
	}{
		{"AzureFirewallSubnet", nil, design.PurposeFirewall, true},
		{"gatewaysubnet", nil, design.PurposeGateway, true},
		{"AzureBastionSubnet", []string{"Microsoft.ContainerService/managedClusters"}, design.PurposeBastion, true},
		{"snet-api", []string{"Microsoft.Web/serverFarms", "Microsoft.ContainerService/managedClusters"}, design.PurposeAPIServer, true},
		{"snet-alb", []string{"Microsoft.ServiceNetworking/trafficControllers"}, design.PurposeAppGatewayForContainers, true},
		{"snet-nodes", nil, design.PurposeOther, false},
		{"snet-web", []string{"Microsoft.Web/serverFarms"}, design.PurposeOther, false},
	}
	for _, tt := range tests {
		got, ok := PurposeFromSource(tt.name, tt.delegations...)
		if got != tt.want || ok != tt.ok {
			t.Errorf("PurposeFromSource(%q, %q) = %q, %v; want %q, %v", tt.name, tt.delegations, got, ok, tt.want, tt.ok)
		}
	}
}
