package suggest

import (
	"math/rand/v2"
	"testing"
)

// slowDistance is the textbook recursive definition, memoised.
func slowDistance(a, b string) int {
	memo := map[[2]int]int{}
	var d func(i, j int) int
	d = func(i, j int) int {
		if i == 0 {
			return j
		}
		if j == 0 {
			return i
		}
		if v, ok := memo[[2]int{i, j}]; ok {
			return v
		}
		v := min(d(i-1, j)+1, d(i, j-1)+1)
		if a[i-1] == b[j-1] {
			v = min(v, d(i-1, j-1))
		} else {
			v = min(v, d(i-1, j-1)+1)
		}
		memo[[2]int{i, j}] = v
		return v
	}
	return d(len(a), len(b))
}

func TestDistanceAgainstModel(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	word := func() string {
		b := make([]byte, r.IntN(9))
		for i := range b {
			b[i] = "abc-"[r.IntN(4)]
		}
		return string(b)
	}
	for range 5000 {
		a, b := word(), word()
		if got, want := Distance(a, b), slowDistance(a, b); got != want {
			t.Fatalf("Distance(%q, %q) = %d, want %d", a, b, got, want)
		}
	}
}

func TestClosest(t *testing.T) {
	names := []string{"nodePools", "podSubnet", "podCIDRs", "serviceCIDRs"}
	tests := []struct {
		s     string
		limit int
		want  string
	}{
		{"nodepools", 2, "nodePools"},
		{"podSubent", 2, "podSubnet"},
		{"podCIDR", 2, "podCIDRs"},
		{"outbound", 2, ""},
		{"podCIDRx", 0, ""},
	}
	for _, tt := range tests {
		if got := Closest(tt.s, names, tt.limit); got != tt.want {
			t.Errorf("Closest(%q, limit %d) = %q, want %q", tt.s, tt.limit, got, tt.want)
		}
	}
	// Ties go to the candidate that sorts first, whatever the order.
	if a, b := Closest("ab", []string{"ac", "aa"}, 1), Closest("ab", []string{"aa", "ac"}, 1); a != "aa" || b != "aa" {
		t.Errorf("ties: got %q and %q, want aa both times", a, b)
	}
}
