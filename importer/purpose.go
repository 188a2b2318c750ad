package importer

import "github.com/aksnet/aksnet/design"

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
