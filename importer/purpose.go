package importer

import (
	"strings"

	"github.com/aksnet/aksnet/design"
)

// SetPurposes marks the subnets that clusters use for nodes, pods or the
// API server, which neither az nor Terraform output says itself. A subnet
// the source already classified keeps its purpose, except that AKS
// delegates pod subnets to Microsoft.ContainerService/managedClusters just
// as it does API server subnets, so a subnet a cluster names as its pod
// subnet becomes a pod subnet.
func SetPurposes(d *design.Design) {
	mark := func(ref, vnet string, purpose design.SubnetPurpose) {
		_, s, err := d.ResolveSubnet(ref, vnet)
		if err != nil {
			return
		}
		if s.Purpose == design.PurposeOther || (purpose == design.PurposePods && s.Purpose == design.PurposeAPIServer) {
			s.Purpose = purpose
		}
	}
	for i := range d.Spec.Clusters {
		c := &d.Spec.Clusters[i]
		for _, p := range c.NodePools {
			mark(p.Subnet, c.VNet, design.PurposeNodes)
			mark(p.PodSubnet, c.VNet, design.PurposePods)
		}
		mark(c.APIServer.VNetIntegrationSubnet, c.VNet, design.PurposeAPIServer)
	}
}

// Subnet names Azure reserves for one service, lower case.
var reservedSubnets = map[string]design.SubnetPurpose{
	"azurefirewallsubnet":           design.PurposeFirewall,
	"azurefirewallmanagementsubnet": design.PurposeFirewallManagement,
	"azurebastionsubnet":            design.PurposeBastion,
	"gatewaysubnet":                 design.PurposeGateway,
}

// Delegation targets, lower case, that say what a subnet is for. AKS
// delegates both API server and pod subnets to managedClusters; SetPurposes
// tells them apart by the cluster that names them.
var delegationPurposes = map[string]design.SubnetPurpose{
	"microsoft.containerservice/managedclusters":     design.PurposeAPIServer,
	"microsoft.servicenetworking/trafficcontrollers": design.PurposeAppGatewayForContainers,
}

// PurposeFromSource infers a subnet's purpose from what every source
// format records: a name Azure reserves (AzureFirewallSubnet, ...) wins,
// then the first delegation that names a purpose. ok is false when neither
// says anything, so the importer can look at its own hints (an Application
// Gateway or private endpoints in the subnet) before settling on other.
func PurposeFromSource(name string, delegations ...string) (p design.SubnetPurpose, ok bool) {
	if p, ok := reservedSubnets[strings.ToLower(name)]; ok {
		return p, true
	}
	for _, s := range delegations {
		if p, ok := delegationPurposes[strings.ToLower(s)]; ok {
			return p, true
		}
	}
	return design.PurposeOther, false
}
