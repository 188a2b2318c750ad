package rules

// egressRules are the egress group's rules (network plugin modes,
// NetworkPolicy engines, outbound types, SNAT, API server access ranges),
// sorted by ID. The lead merges them into registry.
var egressRules = []*Rule{
	authorizedIPRangesInvalid,
	flatNetworkingWithoutRequirement,
	kubenetSubnetShared,
	legacyNetworkPlugin,
	natGatewayMissing,
	networkPolicyNotEnforced,
	nodePoolsSpanVNets,
	outboundTypeImplicit,
	outboundTypeUnsupported,
	snatPortsInsufficient,
	udrMissingDefaultRoute,
}
