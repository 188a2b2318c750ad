package audit

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/aksnet/aksnet/finding"
)

// TestAuditorOrderDoesNotMatter feeds the same observations to an Auditor
// in random orders (pods before their nodes included) and checks that the
// findings are those of Audit over the whole observation.
func TestAuditorOrderDoesNotMatter(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	for _, mode := range []string{"overlay", "podsubnet", "legacy"} {
		obs := Observed{Nodes: baseNodes()}
		for i := range 40 {
			node := []string{"aks-system-0", "aks-user1-0", "aks-gone-0", ""}[i%4]
			ip := fmt.Sprintf("10.1.%d.%d", []int{0, 1, 16, 20}[rng.IntN(4)], rng.IntN(256))
			if i%5 == 0 {
				ip = fmt.Sprintf("100.%d.0.%d", 64+rng.IntN(2), i)
			}
			obs.Pods = append(obs.Pods, Pod{Namespace: "ns", Name: fmt.Sprintf("p%d", i), NodeName: node, IPs: ips(ip)})
		}
		obs.Services = []Service{{Namespace: "kube-system", Name: "kube-dns", ClusterIPs: ips("10.2.0.11")}}
		want := keys(Audit(testDesign(mode), "aks1", obs))
		if len(want) < 3 {
			t.Fatalf("%s: only %d findings; the test needs misaddressed pods", mode, len(want))
		}
		for range 20 {
			type step struct {
				kind int
				i    int
			}
			var steps []step
			for i := range obs.Nodes {
				steps = append(steps, step{0, i})
			}
			for i := range obs.Pods {
				steps = append(steps, step{1, i})
			}
			steps = append(steps, step{2, 0})
			rng.Shuffle(len(steps), func(i, j int) { steps[i], steps[j] = steps[j], steps[i] })
			a := New(testDesign(mode), "aks1")
			for _, s := range steps {
				switch s.kind {
				case 0:
					a.AddNode(obs.Nodes[s.i])
				case 1:
					a.AddPod(obs.Pods[s.i])
				case 2:
					a.AddService(obs.Services[0])
				}
			}
			if got := keys(a.Findings()); !slices.Equal(got, want) {
				t.Fatalf("%s: shuffled order gave\n%s\nwant\n%s", mode, strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			if a.Pods() != len(obs.Pods) {
				t.Errorf("Pods: got %d, want %d", a.Pods(), len(obs.Pods))
			}
		}
	}
}

func keys(fs []finding.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Rule+" "+f.Location.Path+" "+f.Message)
	}
	slices.Sort(out)
	return out
}

func TestAuditorCapsPodFindings(t *testing.T) {
	for _, n := range []int{MaxPodFindings - 1, MaxPodFindings, MaxPodFindings + 1, 3 * MaxPodFindings} {
		a := New(testDesign("overlay"), "aks1")
		for _, node := range baseNodes() {
			a.AddNode(node)
		}
		for i := range n {
			a.AddPod(Pod{Namespace: "shop", Name: fmt.Sprintf("web-%d", i), NodeName: "aks-user1-0", IPs: ips("100.65.0.9")})
			a.AddPod(Pod{Namespace: "shop", Name: fmt.Sprintf("ok-%d", i), NodeName: "aks-user1-0", IPs: ips("100.64.0.9")})
		}
		fs := only(a.Findings(), RulePodIPOutsideRange)
		listed, summary := 0, ""
		for _, f := range fs {
			if strings.HasPrefix(f.Message, "pod ") {
				listed++
			} else {
				summary = f.Message
			}
		}
		if want := min(n, MaxPodFindings); listed != want {
			t.Errorf("n=%d: %d pods listed, want %d", n, listed, want)
		}
		if n <= MaxPodFindings {
			if summary != "" {
				t.Errorf("n=%d: unexpected summary %q", n, summary)
			}
			continue
		}
		wantText := fmt.Sprintf("%d more pod addresses (from pod shop/web-%d on)", n-MaxPodFindings, MaxPodFindings)
		if !strings.Contains(summary, wantText) {
			t.Errorf("n=%d: summary %q does not contain %q", n, summary, wantText)
		}
	}
}

func TestAuditorNodeReplaced(t *testing.T) {
	a := New(testDesign("overlay"), "aks1")
	a.AddNode(Node{Name: "aks-user1-0", Pool: "user1", InternalIPs: ips("10.9.0.4")})
	a.AddNode(Node{Name: "aks-user1-0", Pool: "user1", InternalIPs: ips("10.1.0.4")})
	if fs := only(a.Findings(), RuleNodeIPOutsideSubnet); len(fs) != 0 {
		t.Errorf("the later node should replace the earlier one: %+v", fs)
	}
	if New(testDesign("overlay"), "nope") != nil {
		t.Error("New for an unknown cluster: want nil")
	}
}
