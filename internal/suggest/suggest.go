// Package suggest finds the name a user probably meant, for "did you mean"
// hints in error messages.
package suggest

import (
	"cmp"
	"strings"
)

// Distance is the Levenshtein edit distance between a and b, counted in
// bytes: the fewest single-byte insertions, deletions and substitutions
// that turn a into b.
func Distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// Closest returns the candidate nearest to s ignoring case, when it is
// within limit edits, or "" when none is. Ties go to the candidate that
// sorts first, so the answer does not depend on the candidates' order.
func Closest(s string, candidates []string, limit int) string {
	best, bestD := "", limit+1
	ls := strings.ToLower(s)
	for _, c := range candidates {
		d := Distance(ls, strings.ToLower(c))
		if d < bestD || (d == bestD && cmp.Less(c, best)) {
			best, bestD = c, d
		}
	}
	return best
}
