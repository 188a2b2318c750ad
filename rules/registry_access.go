package rules

// accessRules are the rules of the access group, sorted by ID.
var accessRules = []*Rule{
	apiserverSubnetSize,
	ingressSubnetSize,
	nodeSubnetDelegated,
	privateDNSZoneMissing,
	privateDNSZoneNotLinked,
	privateEndpointsInNodeSubnet,
	reservedSubnetName,
	subnetNameTooLong,
}
