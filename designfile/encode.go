package designfile

import (
	"bytes"
	"encoding"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/aksnet/aksnet/design"
)

// Marshal writes a design as YAML in the same shape users write by hand:
// fields in declaration order, empty optional fields left out, short lists
// of scalars on one line. Load(Marshal(d)) gives back d. header, when not
// empty, is written first as comment lines.
func Marshal(d *design.Design, header string) ([]byte, error) {
	return marshal(d, header)
}

func marshal(v any, header string) ([]byte, error) {
	n, err := encodeValue(reflect.ValueOf(v))
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	for _, line := range strings.Split(strings.TrimRight(header, "\n"), "\n") {
		if header == "" {
			break
		}
		b.WriteString("# " + line)
		b.WriteString("\n")
	}
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(n); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

var textMarshaler = reflect.TypeFor[encoding.TextMarshaler]()

// encodeValue builds the YAML node of v; it returns nil for values that
// are left out (nil pointers).
func encodeValue(v reflect.Value) (*yaml.Node, error) {
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return nil, nil
		}
		v = v.Elem()
	}
	if v.Type().Implements(textMarshaler) && v.Kind() != reflect.String {
		b, err := v.Interface().(encoding.TextMarshaler).MarshalText()
		if err != nil {
			return nil, err
		}
		return scalar(string(b), "!!str"), nil
	}
	switch v.Kind() {
	case reflect.Struct:
		m := &yaml.Node{Kind: yaml.MappingNode}
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			tag := f.Tag.Get("json")
			name, opts, _ := strings.Cut(tag, ",")
			if tag == "-" || name == "" || !f.IsExported() {
				continue
			}
			fv := v.Field(i)
			if (strings.Contains(opts, "omitempty") || strings.Contains(opts, "omitzero")) && fv.IsZero() {
				continue
			}
			if fv.Kind() == reflect.Slice && fv.Len() == 0 && strings.Contains(opts, "omitempty") {
				continue
			}
			child, err := encodeValue(fv)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			if child == nil {
				continue
			}
			m.Content = append(m.Content, scalar(name, "!!str"), child)
		}
		return m, nil
	case reflect.Slice:
		s := &yaml.Node{Kind: yaml.SequenceNode}
		flow := true
		for i := range v.Len() {
			child, err := encodeValue(v.Index(i))
			if err != nil {
				return nil, err
			}
			if child == nil {
				continue
			}
			if child.Kind != yaml.ScalarNode {
				flow = false
			}
			s.Content = append(s.Content, child)
		}
		if flow && len(s.Content) <= 8 {
			s.Style = yaml.FlowStyle
		}
		return s, nil
	case reflect.Map:
		m := &yaml.Node{Kind: yaml.MappingNode}
		keys := v.MapKeys()
		strs := make([]string, len(keys))
		for i, k := range keys {
			strs[i] = k.String()
		}
		order := make([]int, len(keys))
		for i := range order {
			order[i] = i
		}
		sortByString(order, strs)
		for _, i := range order {
			child, err := encodeValue(v.MapIndex(keys[i]))
			if err != nil {
				return nil, err
			}
			m.Content = append(m.Content, scalar(strs[i], "!!str"), child)
		}
		return m, nil
	case reflect.String:
		return scalar(v.String(), "!!str"), nil
	case reflect.Bool:
		return scalar(strconv.FormatBool(v.Bool()), "!!bool"), nil
	case reflect.Int, reflect.Int32, reflect.Int64:
		return scalar(strconv.FormatInt(v.Int(), 10), "!!int"), nil
	case reflect.Float64:
		return scalar(strconv.FormatFloat(v.Float(), 'g', -1, 64), "!!float"), nil
	}
	return nil, fmt.Errorf("cannot encode %s", v.Type())
}

func scalar(s, tag string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.ScalarNode, Value: s, Tag: tag}
	if tag == "!!str" {
		// Quote strings that YAML would read as something else
		// ("1.33", "true", "10%", "").
		var probe any
		if s == "" || yaml.Unmarshal([]byte(s), &probe) != nil {
			n.Style = yaml.DoubleQuotedStyle
		} else if _, isStr := probe.(string); !isStr {
			n.Style = yaml.DoubleQuotedStyle
		}
	}
	return n
}

func sortByString(order []int, keys []string) {
	for i := 1; i < len(order); i++ {
		for j := i; j > 0 && keys[order[j]] < keys[order[j-1]]; j-- {
			order[j], order[j-1] = order[j-1], order[j]
		}
	}
}
