package lint

// registry is every rule, sorted by ID. TestRegistryWellFormed keeps IDs
// unique and sorted and the documentation complete.
var registry = []*Rule{
	dnsEgressBlocked,
	ipBlockSelectsPodIPs,
	namedPortUndefined,
	namespaceSelectorMatchesNothing,
	networkPolicyNotEnforcedExceptWindows,
	networkPolicyNotEnforcedIPBlockCilium,
	networkPolicyNotEnforcedNamedPortWindows,
	networkPolicyNotEnforcedNegativeSelectorWindows,
	networkPolicyNotEnforcedNoEngine,
	networkPolicyNotEnforcedNPMScale,
	networkPolicyNotEnforcedSCTPWindows,
	networkPolicyNotEnforcedUnsupportedEngine,
	peerMatchesNothing,
	policyRedundant,
	policySelectsNoPod,
	sensitiveNamespaceNotIsolated,
}

// All returns every registered rule, sorted by ID.
func All() []*Rule { return registry }
