package server

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/aksnet/aksnet/internal/suggest"
)

// BodyError is a request body that is not the JSON the endpoint takes.
// Field is the JSON path of the offending value ("need.pools[0].maxNodes")
// or empty when the document itself is broken; Line and Col locate it in
// the body (1-based, 0 when unknown).
type BodyError struct {
	Field string
	Line  int
	Col   int
	Msg   string
	Hint  string
}

// Error returns "FIELD: MSG (line L, column C)".
func (e *BodyError) Error() string {
	var b strings.Builder
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	if e.Line > 0 {
		fmt.Fprintf(&b, " (line %d, column %d)", e.Line, e.Col)
	}
	return b.String()
}

// maxJSONDepth bounds the nesting of values the decoder skips (inside
// fields typed any), so a hostile body cannot exhaust the stack.
const maxJSONDepth = 64

// DecodeJSON decodes data, which must hold exactly one JSON object, into
// v (a pointer to a struct) strictly: an unknown or repeated field, a
// value of the wrong JSON type, a number out of range, trailing data or a
// syntax error is a *BodyError naming the field and its place. Field
// names must match their JSON names exactly.
func DecodeJSON(data []byte, v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return fmt.Errorf("server: DecodeJSON needs a non-nil pointer, got %T", v)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return &BodyError{Msg: "the request body is empty", Hint: "send a JSON object"}
	}
	w := &walker{data: data, dec: json.NewDecoder(bytes.NewReader(data))}
	w.dec.UseNumber()
	tok, err := w.token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return w.errAt("", "the body must be a JSON object, not %s", describe(tok))
	}
	if err := w.object(rv.Type().Elem(), ""); err != nil {
		return err
	}
	if _, err := w.dec.Token(); err != io.EOF {
		return w.errAt("", "unexpected data after the JSON object")
	}
	if err := json.Unmarshal(data, v); err != nil {
		// The walk accepts only what encoding/json accepts, so this is a
		// value a field's own decoder refused.
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return &BodyError{Field: te.Field, Msg: fmt.Sprintf("cannot use %s here", te.Value)}
		}
		return &BodyError{Msg: err.Error()}
	}
	return nil
}

type walker struct {
	data []byte
	dec  *json.Decoder
	// at is the input offset before the last token read.
	at int64
}

// token reads the next token, turning syntax errors into BodyErrors.
func (w *walker) token() (json.Token, error) {
	w.at = w.dec.InputOffset()
	tok, err := w.dec.Token()
	if err == nil {
		return tok, nil
	}
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		l, c := lineCol(w.data, se.Offset)
		return nil, &BodyError{Line: l, Col: c, Msg: "malformed JSON: " + strings.TrimPrefix(se.Error(), "json: "),
			Hint: "check for a missing comma, quote or bracket"}
	case err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF):
		l, c := lineCol(w.data, int64(len(w.data)))
		return nil, &BodyError{Line: l, Col: c, Msg: "malformed JSON: the body ends in the middle of a value"}
	}
	return nil, &BodyError{Msg: "malformed JSON: " + err.Error()}
}

func (w *walker) errAt(field, format string, args ...any) *BodyError {
	// Point at the first non-space byte of the offending token.
	off := w.at
	for off < int64(len(w.data)) && strings.IndexByte(" \t\r\n,:", w.data[off]) >= 0 {
		off++
	}
	l, c := lineCol(w.data, off)
	return &BodyError{Field: field, Line: l, Col: c, Msg: fmt.Sprintf(format, args...)}
}

// lineCol turns a byte offset into a 1-based line and column.
func lineCol(data []byte, off int64) (int, int) {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	if off < 0 {
		off = 0
	}
	before := data[:off]
	line := bytes.Count(before, []byte{'\n'}) + 1
	col := int(off) - (bytes.LastIndexByte(before, '\n') + 1) + 1
	return line, col
}

var textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
var jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()

// value checks the value that starts with tok against type t.
func (w *walker) value(t reflect.Type, tok json.Token, path string) error {
	if tok == nil { // null is "no value" for every type, as in encoding/json
		return nil
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	pt := reflect.PointerTo(t)
	if pt.Implements(jsonUnmarshaler) {
		return w.skip(tok, path, 0)
	}
	if pt.Implements(textUnmarshaler) {
		if _, ok := tok.(string); !ok {
			return w.errAt(path, "want a string, got %s", describe(tok))
		}
		return nil
	}
	switch t.Kind() {
	case reflect.Struct:
		if d, ok := tok.(json.Delim); !ok || d != '{' {
			return w.errAt(path, "want an object, got %s", describe(tok))
		}
		return w.object(t, path)
	case reflect.Map:
		if d, ok := tok.(json.Delim); !ok || d != '{' {
			return w.errAt(path, "want an object, got %s", describe(tok))
		}
		if t.Key().Kind() != reflect.String {
			return w.errAt(path, "unsupported map key type %s", t.Key())
		}
		return w.mapValue(t.Elem(), path)
	case reflect.Slice, reflect.Array:
		if d, ok := tok.(json.Delim); !ok || d != '[' {
			return w.errAt(path, "want an array, got %s", describe(tok))
		}
		for i := 0; ; i++ {
			el, err := w.token()
			if err != nil {
				return err
			}
			if d, ok := el.(json.Delim); ok && d == ']' {
				return nil
			}
			if t.Kind() == reflect.Array && i >= t.Len() {
				return w.errAt(path, "at most %d items", t.Len())
			}
			if err := w.value(t.Elem(), el, fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
	case reflect.String:
		if _, ok := tok.(string); !ok {
			return w.errAt(path, "want a string, got %s", describe(tok))
		}
	case reflect.Bool:
		if _, ok := tok.(bool); !ok {
			return w.errAt(path, "want true or false, got %s", describe(tok))
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, ok := tok.(json.Number)
		if !ok {
			return w.errAt(path, "want a number, got %s", describe(tok))
		}
		if _, err := strconv.ParseInt(string(n), 10, t.Bits()); err != nil {
			return w.errAt(path, "want a whole number that fits in %d bits, got %s", t.Bits(), n)
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		n, ok := tok.(json.Number)
		if !ok {
			return w.errAt(path, "want a number, got %s", describe(tok))
		}
		if _, err := strconv.ParseUint(string(n), 10, t.Bits()); err != nil {
			return w.errAt(path, "want a non-negative whole number that fits in %d bits, got %s", t.Bits(), n)
		}
	case reflect.Float32, reflect.Float64:
		n, ok := tok.(json.Number)
		if !ok {
			return w.errAt(path, "want a number, got %s", describe(tok))
		}
		if _, err := strconv.ParseFloat(string(n), t.Bits()); err != nil {
			return w.errAt(path, "number %s is out of range", n)
		}
	case reflect.Interface:
		return w.skip(tok, path, 0)
	default:
		return w.errAt(path, "unsupported field type %s", t)
	}
	return nil
}

// fieldsOf maps the JSON names of t's fields (embedded structs
// flattened) to their types.
func fieldsOf(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	var add func(t reflect.Type)
	add = func(t reflect.Type) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			tag := f.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, _, _ := strings.Cut(tag, ",")
			if f.Anonymous && name == "" {
				ft := f.Type
				if ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if ft.Kind() == reflect.Struct {
					add(ft)
					continue
				}
			}
			if !f.IsExported() {
				continue
			}
			if name == "" {
				name = f.Name
			}
			if _, dup := out[name]; !dup {
				out[name] = f.Type
			}
		}
	}
	add(t)
	return out
}

// object checks the members of an object whose '{' was read.
func (w *walker) object(t reflect.Type, path string) error {
	fields := fieldsOf(t)
	seen := map[string]bool{}
	for {
		tok, err := w.token()
		if err != nil {
			return err
		}
		if d, ok := tok.(json.Delim); ok && d == '}' {
			return nil
		}
		key := tok.(string) // the decoder guarantees a string key here
		fp := join(path, key)
		if seen[key] {
			return w.errAt(fp, "repeated field")
		}
		seen[key] = true
		ft, ok := fields[key]
		if !ok {
			e := w.errAt(fp, "unknown field")
			e.Hint = fieldHint(key, fields)
			return e
		}
		val, err := w.token()
		if err != nil {
			return err
		}
		if err := w.value(ft, val, fp); err != nil {
			return err
		}
	}
}

// mapValue checks the members of a map whose '{' was read.
func (w *walker) mapValue(elem reflect.Type, path string) error {
	seen := map[string]bool{}
	for {
		tok, err := w.token()
		if err != nil {
			return err
		}
		if d, ok := tok.(json.Delim); ok && d == '}' {
			return nil
		}
		key := tok.(string)
		fp := join(path, key)
		if seen[key] {
			return w.errAt(fp, "repeated key")
		}
		seen[key] = true
		val, err := w.token()
		if err != nil {
			return err
		}
		if err := w.value(elem, val, fp); err != nil {
			return err
		}
	}
}

// skip consumes the value that starts with tok without checking its
// shape, bounding its depth.
func (w *walker) skip(tok json.Token, path string, depth int) error {
	d, ok := tok.(json.Delim)
	if !ok {
		return nil
	}
	if d == '}' || d == ']' {
		return w.errAt(path, "unexpected %q", string(d))
	}
	if depth >= maxJSONDepth {
		return w.errAt(path, "nested deeper than %d levels", maxJSONDepth)
	}
	for {
		el, err := w.token()
		if err != nil {
			return err
		}
		if e, ok := el.(json.Delim); ok && (e == '}' || e == ']') {
			return nil
		}
		if err := w.skip(el, path, depth+1); err != nil {
			return err
		}
	}
}

// join appends a member name to a JSON path, quoting names that are not
// plain identifiers.
func join(path, key string) string {
	plain := key != ""
	for i := 0; i < len(key); i++ {
		c := key[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			plain = false
			break
		}
	}
	if !plain {
		return path + "[" + strconv.Quote(key) + "]"
	}
	if path == "" {
		return key
	}
	return path + "." + key
}

func describe(tok json.Token) string {
	switch v := tok.(type) {
	case nil:
		return "null"
	case json.Delim:
		if v == '{' {
			return "an object"
		}
		if v == '[' {
			return "an array"
		}
		return strconv.Quote(string(v))
	case string:
		if len(v) > 40 {
			v = v[:40] + "..."
		}
		return "the string " + strconv.Quote(v)
	case json.Number:
		return "the number " + string(v)
	case bool:
		return strconv.FormatBool(v)
	}
	return fmt.Sprintf("%v", tok)
}

// fieldHint suggests the closest known field name, or lists them all.
func fieldHint(key string, fields map[string]reflect.Type) string {
	names := make([]string, 0, len(fields))
	for n := range fields {
		names = append(names, n)
	}
	slices.Sort(names)
	best, bestD := "", 3
	for _, n := range names {
		if strings.EqualFold(n, key) {
			return fmt.Sprintf("field names are case-sensitive: did you mean %q?", n)
		}
		// Keys come from requests: bound the quadratic distance.
		if len(key) > 64 {
			continue
		}
		if d := suggest.Distance(key, n); d < bestD {
			best, bestD = n, d
		}
	}
	if best != "" {
		return fmt.Sprintf("did you mean %q?", best)
	}
	return "known fields: " + strings.Join(names, ", ")
}
