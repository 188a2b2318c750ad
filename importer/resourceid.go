package importer

import "strings"

// ResourceID is a parsed Azure resource ID.
type ResourceID struct {
	Subscription  string
	ResourceGroup string
	// Provider is e.g. "Microsoft.Network".
	Provider string
	// Types and Names are the resource type chain and names, e.g.
	// ["virtualNetworks", "subnets"] and ["vnet-spoke", "snet-nodes"].
	Types []string
	Names []string
}

// ParseResourceID parses "/subscriptions/S/resourceGroups/G/providers/P/T1/N1/T2/N2...".
// Segment names compare case-insensitively, as Azure does.
func ParseResourceID(id string) (ResourceID, bool) {
	parts := strings.Split(strings.Trim(id, "/"), "/")
	var r ResourceID
	if len(parts) < 6 || !strings.EqualFold(parts[0], "subscriptions") || !strings.EqualFold(parts[2], "resourceGroups") ||
		!strings.EqualFold(parts[4], "providers") {
		return r, false
	}
	r.Subscription, r.ResourceGroup, r.Provider = parts[1], parts[3], parts[5]
	rest := parts[6:]
	if len(rest) == 0 || len(rest)%2 != 0 {
		return r, false
	}
	for i := 0; i < len(rest); i += 2 {
		if rest[i] == "" || rest[i+1] == "" {
			return r, false
		}
		r.Types = append(r.Types, rest[i])
		r.Names = append(r.Names, rest[i+1])
	}
	return r, true
}

// Is reports whether the ID is of the given provider and type chain, e.g.
// Is("Microsoft.Network", "virtualNetworks", "subnets").
func (r ResourceID) Is(provider string, types ...string) bool {
	if !strings.EqualFold(r.Provider, provider) || len(types) != len(r.Types) {
		return false
	}
	for i, t := range types {
		if !strings.EqualFold(t, r.Types[i]) {
			return false
		}
	}
	return true
}

// Name returns the last name of the ID (the resource's own name).
func (r ResourceID) Name() string {
	if len(r.Names) == 0 {
		return ""
	}
	return r.Names[len(r.Names)-1]
}

// SubnetRef turns a subnet resource ID into a design reference
// "vnet/subnet"; ok is false for anything else.
func SubnetRef(id string) (string, bool) {
	r, ok := ParseResourceID(id)
	if !ok || !r.Is("Microsoft.Network", "virtualNetworks", "subnets") {
		return "", false
	}
	return r.Names[0] + "/" + r.Names[1], true
}
