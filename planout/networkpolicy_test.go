package planout

import (
	"bytes"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"sigs.k8s.io/yaml"

	"github.com/aksnet/aksnet/design"
)

// policyDoc is one YAML document of the manifests with the comment lines
// before it.
type policyDoc struct {
	comments []string
	np       networkingv1.NetworkPolicy
}

// decodePolicies splits multi-document YAML and decodes every document
// strictly into a NetworkPolicy.
func decodePolicies(t *testing.T, data []byte) []policyDoc {
	t.Helper()
	var out []policyDoc
	for i, chunk := range strings.Split(string(data), "\n---\n") {
		if i == 0 {
			continue // the file header
		}
		var doc policyDoc
		for _, line := range strings.Split(chunk, "\n") {
			if strings.HasPrefix(line, "#") {
				doc.comments = append(doc.comments, line)
			}
		}
		if err := yaml.UnmarshalStrict([]byte(chunk), &doc.np); err != nil {
			t.Fatalf("document %d does not decode as a NetworkPolicy: %v\n%s", i, err, chunk)
		}
		out = append(out, doc)
	}
	return out
}

// checkDNSRule asserts that a rule allows the CoreDNS pods, and only them,
// on UDP 53 and TCP 53.
func checkDNSRule(t *testing.T, where string, rule networkingv1.NetworkPolicyEgressRule) {
	t.Helper()
	if len(rule.To) != 1 {
		t.Fatalf("%s: got %d peers, want 1 (namespace and pod selector in the same peer)", where, len(rule.To))
	}
	peer := rule.To[0]
	if peer.NamespaceSelector == nil || peer.NamespaceSelector.MatchLabels["kubernetes.io/metadata.name"] != "kube-system" || len(peer.NamespaceSelector.MatchLabels) != 1 {
		t.Errorf("%s: namespace selector: got %+v, want kubernetes.io/metadata.name=kube-system", where, peer.NamespaceSelector)
	}
	if peer.PodSelector == nil || peer.PodSelector.MatchLabels["k8s-app"] != "kube-dns" || len(peer.PodSelector.MatchLabels) != 1 {
		t.Errorf("%s: pod selector: got %+v, want k8s-app=kube-dns", where, peer.PodSelector)
	}
	checkPorts53(t, where, rule.Ports)
}

func checkPorts53(t *testing.T, where string, ports []networkingv1.NetworkPolicyPort) {
	t.Helper()
	got := map[corev1.Protocol]bool{}
	for _, p := range ports {
		if p.Protocol == nil || p.Port == nil || p.Port.IntValue() != 53 || p.EndPort != nil {
			t.Errorf("%s: port %+v, want protocol and port 53", where, p)
			continue
		}
		got[*p.Protocol] = true
	}
	if !got[corev1.ProtocolUDP] || !got[corev1.ProtocolTCP] || len(ports) != 2 {
		t.Errorf("%s: got ports %+v, want exactly UDP 53 and TCP 53", where, ports)
	}
}

func TestNetworkPoliciesDecodeWithDNSOnUDPAndTCP(t *testing.T) {
	r := seedResult(t)
	var buf bytes.Buffer
	if err := NetworkPolicies(&buf, r); err != nil {
		t.Fatal(err)
	}
	docs := decodePolicies(t, buf.Bytes())
	// Two namespaces (payments from the design and the summary, admin-api
	// from the summary), two policies each.
	if len(docs) != 4 {
		t.Fatalf("got %d documents, want 4", len(docs))
	}
	seen := map[string]bool{}
	for _, doc := range docs {
		np := doc.np
		where := np.Namespace + "/" + np.Name
		seen[where] = true
		if np.APIVersion != "networking.k8s.io/v1" || np.Kind != "NetworkPolicy" {
			t.Errorf("%s: got %s %s", where, np.APIVersion, np.Kind)
		}
		if np.Labels[ClusterLabel] != "aks-prod" {
			t.Errorf("%s: cluster label %q, want aks-prod", where, np.Labels[ClusterLabel])
		}
		if len(doc.comments) == 0 || !strings.HasPrefix(doc.comments[0], "# cluster: aks-prod") {
			t.Errorf("%s: got comments %q, want a first line naming the cluster", where, doc.comments)
		}
		if len(np.Spec.PodSelector.MatchLabels) != 0 || len(np.Spec.PodSelector.MatchExpressions) != 0 {
			t.Errorf("%s: pod selector %+v, want {} (every pod)", where, np.Spec.PodSelector)
		}
		switch np.Name {
		case DefaultDenyName:
			types := np.Spec.PolicyTypes
			if len(types) != 2 || types[0] != networkingv1.PolicyTypeIngress || types[1] != networkingv1.PolicyTypeEgress {
				t.Errorf("%s: policy types %v, want Ingress and Egress", where, types)
			}
			if len(np.Spec.Ingress) != 0 || len(np.Spec.Egress) != 0 {
				t.Errorf("%s: got rules, want none", where)
			}
		case AllowDNSName:
			if len(np.Spec.PolicyTypes) != 1 || np.Spec.PolicyTypes[0] != networkingv1.PolicyTypeEgress {
				t.Errorf("%s: policy types %v, want Egress", where, np.Spec.PolicyTypes)
			}
			if len(np.Spec.Egress) != 1 {
				t.Fatalf("%s: got %d egress rules, want 1 (Kubernetes 1.33 has no LocalDNS by default)", where, len(np.Spec.Egress))
			}
			checkDNSRule(t, where, np.Spec.Egress[0])
		default:
			t.Errorf("unexpected policy %s", where)
		}
	}
	for _, want := range []string{"payments/default-deny-all", "payments/allow-dns", "admin-api/default-deny-all", "admin-api/allow-dns"} {
		if !seen[want] {
			t.Errorf("missing %s", want)
		}
	}
}

func TestNetworkPoliciesLocalDNS(t *testing.T) {
	r := seedResult(t)
	r.Design.Spec.Clusters[0].KubernetesVersion = "1.37"
	var buf bytes.Buffer
	if err := NetworkPolicies(&buf, r); err != nil {
		t.Fatal(err)
	}
	for _, doc := range decodePolicies(t, buf.Bytes()) {
		if doc.np.Name != AllowDNSName {
			continue
		}
		eg := doc.np.Spec.Egress
		if len(eg) != 2 {
			t.Fatalf("got %d egress rules, want 2 (CoreDNS and LocalDNS)", len(eg))
		}
		checkDNSRule(t, "coredns", eg[0])
		var cidrs []string
		for _, peer := range eg[1].To {
			if peer.IPBlock == nil {
				t.Fatalf("LocalDNS peer %+v has no ipBlock", peer)
			}
			cidrs = append(cidrs, peer.IPBlock.CIDR)
		}
		if strings.Join(cidrs, ",") != "169.254.10.10/32,169.254.10.11/32" {
			t.Errorf("LocalDNS peers: got %v", cidrs)
		}
		checkPorts53(t, "localdns", eg[1].Ports)
		if !strings.Contains(strings.Join(doc.comments, "\n"), "LocalDNS") {
			t.Errorf("comments %q do not explain the LocalDNS rule", doc.comments)
		}
	}
}

func TestNetworkPoliciesWarnWithoutEngine(t *testing.T) {
	r := seedResult(t)
	c := &r.Design.Spec.Clusters[0]
	c.Network.Policy, c.Network.Dataplane = design.PolicyNone, ""
	var buf bytes.Buffer
	if err := NetworkPolicies(&buf, r); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "# WARNING: this cluster has no NetworkPolicy engine") {
		t.Errorf("no warning about the missing engine:\n%s", buf.String())
	}
	decodePolicies(t, buf.Bytes())
}

func TestNetworkPoliciesNoSensitiveNamespaces(t *testing.T) {
	r := seedResult(t)
	r.Clusters = nil
	r.Design.Spec.Clusters[0].Requirements.SensitiveNamespaces = nil
	var buf bytes.Buffer
	if err := NetworkPolicies(&buf, r); err != nil {
		t.Fatal(err)
	}
	if docs := decodePolicies(t, buf.Bytes()); len(docs) != 0 {
		t.Errorf("got %d documents, want none", len(docs))
	}
}

func TestNetworkPoliciesGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := NetworkPolicies(&buf, seedResult(t)); err != nil {
		t.Fatal(err)
	}
	golden(t, "networkpolicies-seed.yaml", buf.Bytes())
}
