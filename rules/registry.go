package rules

import (
	"cmp"
	"slices"
)

// registry is every rule, sorted by ID. The groups are listed in their own
// files; TestRegistryWellFormed keeps IDs unique and the documentation complete.
var registry = func() []*Rule {
	all := slices.Concat(addressingRules, capacityRules, egressRules, accessRules)
	slices.SortFunc(all, func(a, b *Rule) int { return cmp.Compare(a.ID, b.ID) })
	return all
}()

// All returns every registered rule, sorted by ID.
func All() []*Rule { return registry }
