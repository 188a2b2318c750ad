// Package wantfixture holds what the rule registries test alike: the
// expectations written into rule fixtures, and the checks on each rule's
// documentation. In a fixture, a comment "# want: rule-a, rule-b" on a line
// says that those rules report findings located on that line, and nothing
// else reports there.
package wantfixture

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

var wantComment = regexp.MustCompile(`#\s*want:\s*([a-z0-9][a-z0-9, -]*)`)

// Hit is one expected or reported finding: a rule at a line.
type Hit struct {
	Line int
	Rule string
}

func (h Hit) String() string { return fmt.Sprintf("line %d: %s", h.Line, h.Rule) }

// Wants reads the annotations of a fixture. A rule named twice on a line
// expects two findings there. known tells rule IDs that exist; every
// annotation naming another is returned in unknown, so a typo in a fixture
// fails its test instead of expecting nothing.
func Wants(data []byte, known func(id string) bool) (hits []Hit, unknown []Hit) {
	for i, line := range strings.Split(string(data), "\n") {
		m := wantComment.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		for _, id := range strings.Split(m[1], ",") {
			id = strings.TrimSpace(id)
			if id == "" {
				continue
			}
			h := Hit{i + 1, id}
			if !known(id) {
				unknown = append(unknown, h)
			}
			hits = append(hits, h)
		}
	}
	return hits, unknown
}

// Sort orders hits by line, then rule, so two lists compare with
// slices.Equal.
func Sort(hs []Hit) []Hit {
	slices.SortFunc(hs, func(a, b Hit) int { return cmp.Or(cmp.Compare(a.Line, b.Line), cmp.Compare(a.Rule, b.Rule)) })
	return hs
}
