package rules

// capacityRules are the rules of the capacity group, sorted by ID.
var capacityRules = []*Rule{
	clusterScaleLimit,
	kubenetNodeLimit,
	maxPodsOutOfRange,
	nodeSubnetTooSmall,
	podCIDRTooSmall,
	podSubnetTooSmall,
	poolNameInvalid,
	poolSurgeExceedsLimit,
	systemPoolMissing,
	windowsPoolUnsupported,
}
