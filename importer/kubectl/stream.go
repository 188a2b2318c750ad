package kubectl

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/aksnet/aksnet/audit"
)

// Handler receives the objects Stream decodes, one at a time, in input
// order. A nil field skips objects of that kind. An error returned by a
// function stops Stream, which returns it wrapped with the file name.
type Handler struct {
	Node    func(audit.Node) error
	Pod     func(audit.Pod) error
	Service func(audit.Service) error
}

// Stream decodes one kubectl output document read from r, named name in
// errors, and passes its nodes, pods and Services to h.
//
// JSON is read with a streaming decoder: the envelope's tokens are walked
// and each element of "items" is decoded on its own (into a core/v1 Node,
// Pod or Service), handed to h and dropped, so memory stays bounded by the
// largest single item however long the list. YAML is read whole (see
// Decode). On an error h may already have seen some objects.
func Stream(name string, r io.Reader, h Handler) error {
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(3)
	if bytes.HasPrefix(head, []byte{0xFF, 0xFE}) || bytes.HasPrefix(head, []byte{0xFE, 0xFF}) {
		return fmt.Errorf("%s: not JSON or YAML: the file is UTF-16 (as Windows PowerShell's > writes it); write it as UTF-8, for example with | Out-File -Encoding utf8", name)
	}
	if bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}) {
		_, _ = br.Discard(3)
	}
	first, err := firstByte(br)
	if err != nil {
		return fmt.Errorf("%s: cannot read: %w", name, err)
	}
	if first != '{' {
		// YAML (or not kubectl output at all): read it whole.
		data, err := io.ReadAll(br)
		if err != nil {
			return fmt.Errorf("%s: cannot read: %w", name, err)
		}
		obs, err := Decode(name, data)
		if err != nil {
			return err
		}
		return deliver(name, obs, h)
	}
	s := &streamer{name: name, dec: json.NewDecoder(br), h: h, seen: map[string]bool{}}
	if err := s.run(); err != nil {
		return err
	}
	return nil
}

// firstByte returns the first byte that is not white space, without
// consuming it; 0 at the end of input.
func firstByte(br *bufio.Reader) (byte, error) {
	for {
		b, err := br.ReadByte()
		if errors.Is(err, io.EOF) {
			return 0, nil
		}
		if err != nil {
			return 0, err
		}
		switch b {
		case ' ', '\t', '\r', '\n':
			continue
		}
		return b, br.UnreadByte()
	}
}

func deliver(name string, obs audit.Observed, h Handler) error {
	for _, n := range obs.Nodes {
		if h.Node != nil {
			if err := h.Node(n); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
		}
	}
	for _, p := range obs.Pods {
		if h.Pod != nil {
			if err := h.Pod(p); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
		}
	}
	for _, s := range obs.Services {
		if h.Service != nil {
			if err := h.Service(s); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
		}
	}
	return nil
}

type streamer struct {
	name string
	dec  *json.Decoder
	h    Handler
	// envelope fields seen so far
	apiVersion, kind string
	sawItems         bool
	// other top-level fields, kept in case the document is a single object
	rest map[string]json.RawMessage
	seen map[string]bool
}

func (s *streamer) errorf(format string, args ...any) error {
	return fmt.Errorf("%s: "+format, append([]any{s.name}, args...)...)
}

// syntax turns a decoder error into one naming the file and byte offset.
func (s *streamer) syntax(path string, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	at := ""
	if path != "" {
		at = path + ": "
	}
	switch {
	case errors.As(err, &se):
		return s.errorf("%snot JSON or YAML: %v (at byte %d)", at, se, se.Offset)
	case errors.As(err, &te):
		return s.errorf("%snot kubectl output: %v", at, err)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return s.errorf("%snot JSON or YAML: the document ends early (at byte %d); was the command interrupted?", at, s.dec.InputOffset())
	}
	return s.errorf("%s%v", at, err)
}

func (s *streamer) run() error {
	tok, err := s.dec.Token()
	if err != nil {
		return s.syntax("", err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return s.errorf("not kubectl output: expected a JSON object")
	}
	for s.dec.More() {
		tok, err := s.dec.Token()
		if err != nil {
			return s.syntax("", err)
		}
		key, _ := tok.(string)
		// encoding/json matches keys without regard to case; so does the
		// envelope here, and a key given twice is refused rather than guessed.
		for _, k := range []string{"apiVersion", "kind", "items"} {
			if strings.EqualFold(key, k) {
				if s.seen[k] {
					return s.errorf("%s is given twice; pass the unchanged output of one kubectl command", k)
				}
				s.seen[k] = true
				key = k
			}
		}
		switch key {
		case "apiVersion", "kind":
			var v string
			if err := s.dec.Decode(&v); err != nil {
				return s.syntax(key, err)
			}
			if key == "kind" {
				s.kind = v
			} else {
				s.apiVersion = v
				if err := s.checkAPIVersion(); err != nil {
					return err
				}
			}
			s.keep(key, v)
		case "items":
			s.sawItems = true
			if err := s.items(); err != nil {
				return err
			}
		default:
			var raw json.RawMessage
			if err := s.dec.Decode(&raw); err != nil {
				return s.syntax(key, err)
			}
			if s.rest == nil {
				s.rest = map[string]json.RawMessage{}
			}
			s.rest[key] = raw
		}
	}
	if _, err := s.dec.Token(); err != nil {
		return s.syntax("", err)
	}
	if _, err := s.dec.Token(); !errors.Is(err, io.EOF) {
		return s.errorf("not JSON or YAML: more than one JSON document (at byte %d); pass the output of one kubectl command per file", s.dec.InputOffset())
	}
	return s.finish()
}

func (s *streamer) keep(key, v string) {
	if s.rest == nil {
		s.rest = map[string]json.RawMessage{}
	}
	b, _ := json.Marshal(v)
	s.rest[key] = b
}

func (s *streamer) checkAPIVersion() error {
	if s.apiVersion != "" && s.apiVersion != "v1" {
		return s.errorf("apiVersion %q: expected v1 (the output of kubectl get nodes, pods or services -o json)", s.apiVersion)
	}
	return nil
}

// finish checks the envelope once the whole document is read. A document
// without items is a single object, decoded from the fields kept.
func (s *streamer) finish() error {
	switch s.kind {
	case "Node", "Pod", "Service":
		if s.sawItems {
			return s.errorf("a %s has no items field; is the file edited?", s.kind)
		}
		raw, err := json.Marshal(s.rest)
		if err != nil {
			return s.errorf("%v", err)
		}
		obs := audit.Observed{}
		if err := decodeItem(&obs, s.kind, raw); err != nil {
			return s.errorf("%w", err)
		}
		return deliver(s.name, obs, s.h)
	case "List", "NodeList", "PodList", "ServiceList":
	case "":
		return s.errorf("no kind: expected the output of kubectl get nodes, pods or services -o json (kind List)")
	default:
		return s.errorf("kind %q: expected a List of Nodes, Pods or Services (kubectl get nodes, pods or services -o json)", s.kind)
	}
	if !s.sawItems {
		return s.errorf("%s has no items field", s.kind)
	}
	return nil
}

// object is an item of a list decoded before its kind is known: the
// core/v1 spec and status types of Node, Pod and Service side by side, so
// each item is read once, straight from the stream. The spec types share
// no JSON field name. The status types share phase and conditions, which
// aksnet does not read: the pod's fields sit shallowest and take them, and
// the node's and Service's, nested deeper, do without.
type object struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              struct {
		corev1.NodeSpec
		corev1.PodSpec
		corev1.ServiceSpec
	} `json:"spec"`
	Status struct {
		corev1.PodStatus
		nodeStatus
	} `json:"status"`
}

type nodeStatus struct {
	corev1.NodeStatus
	serviceStatus
}

type serviceStatus struct{ corev1.ServiceStatus }

// items walks the items array one element at a time.
func (s *streamer) items() error {
	tok, err := s.dec.Token()
	if err != nil {
		return s.syntax("items", err)
	}
	if tok == nil {
		return nil // "items": null, as some tools write an empty list
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return s.errorf("items: expected a JSON array")
	}
	for i := 0; s.dec.More(); i++ {
		path := "items[" + strconv.Itoa(i) + "]"
		var obj object
		err := s.dec.Decode(&obj)
		var te *json.UnmarshalTypeError
		if err != nil && !errors.As(err, &te) {
			return s.syntax(path, err)
		}
		kind := obj.Kind
		if kind == "" {
			kind = strings.TrimSuffix(s.kind, "List")
		}
		if kind == "" {
			return s.errorf("%s has no kind; write the list with kubectl get ... -o json, which names the kind of every item", path)
		}
		if kind != "Node" && kind != "Pod" && kind != "Service" {
			continue // other kinds are skipped, type errors and all
		}
		if te != nil {
			name := obj.Name
			if obj.Namespace != "" {
				name = obj.Namespace + "/" + name
			}
			return s.errorf("%s: %s %s: %s: a %s where kubectl writes a %s", path, kind, name, jsonField(te.Field), te.Value, te.Type)
		}
		if err := s.item(path, kind, &obj); err != nil {
			return err
		}
	}
	if _, err := s.dec.Token(); err != nil {
		return s.syntax("items", err)
	}
	return nil
}

// jsonField drops the embedded Go types of object from a field path:
// "spec.PodSpec.hostNetwork" becomes "spec.hostNetwork".
func jsonField(f string) string {
	parts := strings.Split(f, ".")
	out := parts[:0]
	for _, p := range parts {
		switch p {
		case "TypeMeta", "ObjectMeta", "NodeSpec", "PodSpec", "ServiceSpec", "PodStatus", "nodeStatus", "NodeStatus", "serviceStatus", "ServiceStatus":
			continue
		}
		out = append(out, p)
	}
	return strings.Join(out, ".")
}

func (s *streamer) item(path, kind string, o *object) error {
	var err error
	switch kind {
	case "Node":
		if s.h.Node == nil {
			return nil
		}
		n := corev1.Node{TypeMeta: o.TypeMeta, ObjectMeta: o.ObjectMeta, Spec: o.Spec.NodeSpec, Status: o.Status.nodeStatus.NodeStatus}
		var v audit.Node
		if v, err = node(&n); err != nil {
			err = fmt.Errorf("node %s: %w", n.Name, err)
		} else {
			err = s.h.Node(v)
		}
	case "Pod":
		if s.h.Pod == nil {
			return nil
		}
		p := corev1.Pod{TypeMeta: o.TypeMeta, ObjectMeta: o.ObjectMeta, Spec: o.Spec.PodSpec, Status: o.Status.PodStatus}
		var v audit.Pod
		if v, err = pod(&p); err != nil {
			err = fmt.Errorf("pod %s/%s: %w", p.Namespace, p.Name, err)
		} else {
			err = s.h.Pod(v)
		}
	case "Service":
		if s.h.Service == nil {
			return nil
		}
		sv := corev1.Service{TypeMeta: o.TypeMeta, ObjectMeta: o.ObjectMeta, Spec: o.Spec.ServiceSpec, Status: o.Status.nodeStatus.serviceStatus.ServiceStatus}
		var v audit.Service
		if v, err = service(&sv); err != nil {
			err = fmt.Errorf("Service %s/%s: %w", sv.Namespace, sv.Name, err)
		} else {
			err = s.h.Service(v)
		}
	}
	if err != nil {
		return s.errorf("%s: %w", path, err)
	}
	return nil
}
