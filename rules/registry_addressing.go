package rules

// addressingRules are the rules about address ranges: overlaps, reserved
// and refused ranges, sizes, DNS service IP placement and IP families.
// Sorted by ID.
var addressingRules = []*Rule{
	ruleAddressSpaceOverlap,
	ruleDNSServiceIPOutsideServiceCIDR,
	ruleDNSServiceIPReserved,
	ruleIPFamilyMismatch,
	rulePodCIDROverlap,
	rulePodCIDRReused,
	rulePodCIDRUnsupportedSpace,
	ruleReservedRangeOverlap,
	ruleServiceCIDROverlap,
	ruleServiceCIDRSize,
	ruleSubnetOutsideVNet,
	ruleSubnetSizeInvalid,
	ruleVNetAddressRefused,
}
