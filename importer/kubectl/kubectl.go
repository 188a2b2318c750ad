// Package kubectl decodes what `kubectl get nodes`, `kubectl get pods -A`
// and `kubectl get services -A` print with -o json or -o yaml into the
// observed model of package audit.
//
// Input is a List (kind List, or NodeList, PodList, ServiceList as the API
// server returns them) or a single Node, Pod or Service. A List may mix
// kinds, as `kubectl get nodes,pods,services -A -o json` prints it; items of
// other kinds (Namespaces, Endpoints, ...) are skipped. Items are decoded
// with the k8s.io/api core/v1 types.
//
// JSON is decoded with a streaming decoder, one item at a time (Stream), so
// a pod list of any length is read with bounded memory. YAML is read whole.
package kubectl

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/netip"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"

	"github.com/aksnet/aksnet/audit"
)

// list is the envelope of a kubectl List: kind, apiVersion and raw items.
type list struct {
	APIVersion string            `json:"apiVersion"`
	Kind       string            `json:"kind"`
	Items      []json.RawMessage `json:"items"`
}

// typeMeta is what Decode reads of an item before decoding it fully.
type typeMeta struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
}

// Decode reads one kubectl output document (JSON or YAML) named name and
// returns the nodes, pods and Services it lists; Stream does the same
// without holding them. Errors name the file and,
// for a bad item, its index and name.
func Decode(name string, data []byte) (audit.Observed, error) {
	var obs audit.Observed
	if t := bytes.TrimLeft(bytes.TrimPrefix(data, []byte{0xEF, 0xBB, 0xBF}), " \t\r\n"); len(t) > 0 && t[0] == '{' {
		err := Stream(name, bytes.NewReader(data), Handler{
			Node:    func(n audit.Node) error { obs.Nodes = append(obs.Nodes, n); return nil },
			Pod:     func(p audit.Pod) error { obs.Pods = append(obs.Pods, p); return nil },
			Service: func(s audit.Service) error { obs.Services = append(obs.Services, s); return nil },
		})
		return obs, err
	}
	js, err := toJSON(data)
	if err != nil {
		return obs, fmt.Errorf("%s: not JSON or YAML: %w", name, err)
	}
	return decodeWhole(name, js)
}

// decodeWhole decodes a JSON document held in memory: the envelope, then
// every item. Stream does the same one item at a time.
func decodeWhole(name string, js []byte) (audit.Observed, error) {
	var obs audit.Observed
	var env list
	if err := json.Unmarshal(js, &env); err != nil {
		return obs, fmt.Errorf("%s: not kubectl output: %w", name, err)
	}
	if env.APIVersion != "" && env.APIVersion != "v1" {
		return obs, fmt.Errorf("%s: apiVersion %q: expected v1 (the output of kubectl get nodes, pods or services -o json)", name, env.APIVersion)
	}
	switch env.Kind {
	case "Node", "Pod", "Service":
		if err := decodeItem(&obs, env.Kind, js); err != nil {
			return obs, fmt.Errorf("%s: %w", name, err)
		}
		return obs, nil
	case "List", "NodeList", "PodList", "ServiceList":
	case "":
		return obs, fmt.Errorf("%s: no kind: expected the output of kubectl get nodes, pods or services -o json (kind List)", name)
	default:
		return obs, fmt.Errorf("%s: kind %q: expected a List of Nodes, Pods or Services (kubectl get nodes, pods or services -o json)", name, env.Kind)
	}
	if env.Items == nil && !bytes.Contains(js, []byte(`"items"`)) {
		return obs, fmt.Errorf("%s: %s has no items field", name, env.Kind)
	}
	itemKind := strings.TrimSuffix(env.Kind, "List")
	for i, raw := range env.Items {
		var tm typeMeta
		if err := json.Unmarshal(raw, &tm); err != nil {
			return obs, fmt.Errorf("%s: items[%d]: %w", name, i, err)
		}
		kind := tm.Kind
		if kind == "" {
			kind = itemKind
		}
		if kind == "" {
			return obs, fmt.Errorf("%s: items[%d] has no kind", name, i)
		}
		if err := decodeItem(&obs, kind, raw); err != nil {
			return obs, fmt.Errorf("%s: items[%d]: %w", name, i, err)
		}
	}
	return obs, nil
}

// toJSON returns data as JSON, converting YAML. JSON passes through untouched.
func toJSON(data []byte) ([]byte, error) {
	if bytes.HasPrefix(data, []byte{0xFF, 0xFE}) || bytes.HasPrefix(data, []byte{0xFE, 0xFF}) {
		return nil, fmt.Errorf("the file is UTF-16 (as Windows PowerShell's > writes it); write it as UTF-8, for example with | Out-File -Encoding utf8")
	}
	t := bytes.TrimSpace(bytes.TrimPrefix(data, []byte{0xEF, 0xBB, 0xBF}))
	if len(t) == 0 {
		return nil, fmt.Errorf("empty document")
	}
	if t[0] == '{' {
		if !json.Valid(t) {
			var v any
			err := json.Unmarshal(t, &v)
			return nil, err
		}
		return t, nil
	}
	return yaml.YAMLToJSON(t)
}

func decodeItem(obs *audit.Observed, kind string, raw []byte) error {
	switch kind {
	case "Node":
		v, err := decodeNode(raw)
		if err != nil {
			return err
		}
		obs.Nodes = append(obs.Nodes, v)
	case "Pod":
		v, err := decodePod(raw)
		if err != nil {
			return err
		}
		obs.Pods = append(obs.Pods, v)
	case "Service":
		v, err := decodeService(raw)
		if err != nil {
			return err
		}
		obs.Services = append(obs.Services, v)
	}
	return nil
}

func decodeNode(raw []byte) (audit.Node, error) {
	var n corev1.Node
	if err := json.Unmarshal(raw, &n); err != nil {
		return audit.Node{}, fmt.Errorf("Node: %w", err)
	}
	v, err := node(&n)
	if err != nil {
		return v, fmt.Errorf("node %s: %w", n.Name, err)
	}
	return v, nil
}

func decodePod(raw []byte) (audit.Pod, error) {
	var p corev1.Pod
	if err := json.Unmarshal(raw, &p); err != nil {
		return audit.Pod{}, fmt.Errorf("Pod: %w", err)
	}
	v, err := pod(&p)
	if err != nil {
		return v, fmt.Errorf("pod %s/%s: %w", p.Namespace, p.Name, err)
	}
	return v, nil
}

func decodeService(raw []byte) (audit.Service, error) {
	var s corev1.Service
	if err := json.Unmarshal(raw, &s); err != nil {
		return audit.Service{}, fmt.Errorf("Service: %w", err)
	}
	v, err := service(&s)
	if err != nil {
		return v, fmt.Errorf("Service %s/%s: %w", s.Namespace, s.Name, err)
	}
	return v, nil
}

func node(n *corev1.Node) (audit.Node, error) {
	if n.Name == "" {
		return audit.Node{}, fmt.Errorf("metadata.name is empty")
	}
	out := audit.Node{
		Name:    n.Name,
		Pool:    n.Labels[audit.LabelAgentPool],
		Cluster: n.Labels[audit.LabelCluster],
	}
	for i, a := range n.Status.Addresses {
		if a.Type != corev1.NodeInternalIP {
			continue
		}
		ip, err := netip.ParseAddr(a.Address)
		if err != nil {
			return out, fmt.Errorf("status.addresses[%d].address %q is not an IP address", i, a.Address)
		}
		out.InternalIPs = append(out.InternalIPs, ip.Unmap())
	}
	cidrs := n.Spec.PodCIDRs
	if len(cidrs) == 0 && n.Spec.PodCIDR != "" {
		cidrs = []string{n.Spec.PodCIDR}
	}
	for i, s := range cidrs {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return out, fmt.Errorf("spec.podCIDRs[%d] %q is not a CIDR", i, s)
		}
		out.PodCIDRs = append(out.PodCIDRs, p)
	}
	return out, nil
}

func pod(p *corev1.Pod) (audit.Pod, error) {
	if p.Name == "" {
		return audit.Pod{}, fmt.Errorf("metadata.name is empty")
	}
	out := audit.Pod{
		Namespace:   p.Namespace,
		Name:        p.Name,
		HostNetwork: p.Spec.HostNetwork,
		NodeName:    p.Spec.NodeName,
	}
	var ips []string
	for _, x := range p.Status.PodIPs {
		ips = append(ips, x.IP)
	}
	if len(ips) == 0 && p.Status.PodIP != "" {
		ips = []string{p.Status.PodIP}
	}
	for i, s := range ips {
		ip, err := netip.ParseAddr(s)
		if err != nil {
			return out, fmt.Errorf("status.podIPs[%d].ip %q is not an IP address", i, s)
		}
		out.IPs = append(out.IPs, ip.Unmap())
	}
	return out, nil
}

func service(s *corev1.Service) (audit.Service, error) {
	if s.Name == "" {
		return audit.Service{}, fmt.Errorf("metadata.name is empty")
	}
	out := audit.Service{Namespace: s.Namespace, Name: s.Name, Type: string(s.Spec.Type)}
	if out.Type == "" {
		out.Type = string(corev1.ServiceTypeClusterIP)
	}
	ips := s.Spec.ClusterIPs
	if len(ips) == 0 && s.Spec.ClusterIP != "" {
		ips = []string{s.Spec.ClusterIP}
	}
	for i, x := range ips {
		if x == "" || x == corev1.ClusterIPNone {
			continue
		}
		ip, err := netip.ParseAddr(x)
		if err != nil {
			return out, fmt.Errorf("spec.clusterIPs[%d] %q is not an IP address", i, x)
		}
		out.ClusterIPs = append(out.ClusterIPs, ip.Unmap())
	}
	return out, nil
}
