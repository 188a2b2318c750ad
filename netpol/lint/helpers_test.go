package lint

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
)

func TestLinuxOnly(t *testing.T) {
	term := func(op corev1.NodeSelectorOperator, vals ...string) corev1.NodeSelectorTerm {
		return corev1.NodeSelectorTerm{MatchExpressions: []corev1.NodeSelectorRequirement{{Key: osLabel, Operator: op, Values: vals}}}
	}
	affinity := func(terms ...corev1.NodeSelectorTerm) *corev1.Affinity {
		return &corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{
			RequiredDuringSchedulingIgnoredDuringExecution: &corev1.NodeSelector{NodeSelectorTerms: terms},
		}}
	}
	cases := []struct {
		name string
		spec *corev1.PodSpec
		want bool
	}{
		{"unknown spec", nil, false},
		{"no constraint", &corev1.PodSpec{}, false},
		{"nodeSelector linux", &corev1.PodSpec{NodeSelector: map[string]string{osLabel: "linux"}}, true},
		{"nodeSelector windows", &corev1.PodSpec{NodeSelector: map[string]string{osLabel: "windows"}}, false},
		{"other nodeSelector", &corev1.PodSpec{NodeSelector: map[string]string{"pool": "x"}}, false},
		{"affinity In linux", &corev1.PodSpec{Affinity: affinity(term(corev1.NodeSelectorOpIn, "linux"))}, true},
		{"affinity In linux and windows", &corev1.PodSpec{Affinity: affinity(term(corev1.NodeSelectorOpIn, "linux", "windows"))}, false},
		{"affinity NotIn windows", &corev1.PodSpec{Affinity: affinity(term(corev1.NodeSelectorOpNotIn, "windows"))}, true},
		{"one term of two unpinned", &corev1.PodSpec{Affinity: affinity(term(corev1.NodeSelectorOpIn, "linux"), corev1.NodeSelectorTerm{})}, false},
		{"nodeSelector wins over affinity", &corev1.PodSpec{NodeSelector: map[string]string{osLabel: "windows"}, Affinity: affinity(term(corev1.NodeSelectorOpIn, "linux"))}, false},
	}
	for _, c := range cases {
		if got := linuxOnly(c.spec); got != c.want {
			t.Errorf("%s: linuxOnly = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 20010: "20,010", 1234567: "1,234,567", -4500: "-4,500"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestNameList(t *testing.T) {
	cases := []struct {
		names []string
		max   int
		want  string
	}{
		{nil, 3, ""},
		{[]string{"a"}, 3, "a"},
		{[]string{"a", "b"}, 3, "a and b"},
		{[]string{"a", "b", "c"}, 3, "a, b and c"},
		{[]string{"a", "b", "c", "d", "e"}, 3, "a, b, c and 2 more"},
	}
	for _, c := range cases {
		if got := nameList(c.names, c.max); got != c.want {
			t.Errorf("nameList(%q, %d) = %q, want %q", c.names, c.max, got, c.want)
		}
	}
}
