package design

// Subject names, used in findings and matched by suppressions. They are
// stable: "vnet/NAME", "subnet/VNET/NAME", "cluster/NAME",
// "cluster/NAME/pool/POOL", and so on.

// Subject returns "vnet/NAME".
func (v *VNet) Subject() string { return "vnet/" + v.Name }

// SubnetSubject returns "subnet/VNET/NAME".
func SubnetSubject(v *VNet, s *Subnet) string { return "subnet/" + v.Name + "/" + s.Name }

// Subject returns "cluster/NAME".
func (c *Cluster) Subject() string { return "cluster/" + c.Name }

// PoolSubject returns "cluster/NAME/pool/POOL".
func PoolSubject(c *Cluster, p *NodePool) string { return "cluster/" + c.Name + "/pool/" + p.Name }

// Subject returns "externalRange/NAME".
func (r *ExternalRange) Subject() string { return "externalRange/" + r.Name }

// Subject returns "privateEndpoint/NAME".
func (p *PrivateEndpoint) Subject() string { return "privateEndpoint/" + p.Name }

// Subject returns "privateDnsZone/NAME".
func (z *PrivateDNSZone) Subject() string { return "privateDnsZone/" + z.Name }

// Subject returns "routeTable/NAME".
func (r *RouteTable) Subject() string { return "routeTable/" + r.Name }

// Subject returns "natGateway/NAME".
func (n *NATGateway) Subject() string { return "natGateway/" + n.Name }

// Subject returns "peering/FROM/TO".
func (p *Peering) Subject() string { return "peering/" + p.From + "/" + p.To }

// IngressSubject returns "cluster/NAME/ingress/INGRESS".
func IngressSubject(c *Cluster, i *Ingress) string { return "cluster/" + c.Name + "/ingress/" + i.Name }
