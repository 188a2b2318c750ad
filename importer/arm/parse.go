package arm

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"

	"github.com/aksnet/aksnet/importer"
)

// Parse parses an ARM template, parameters file or deployment. ARM reads
// JSON with // and /* */ comments, and so does Parse; anything else that is
// not JSON is a problem at the line where the JSON stops making sense.
// (importer.Parse, which keeps line numbers, reads JSON with a YAML parser:
// it accepts YAML that is not JSON and reports a syntax error at the line
// where the enclosing object starts.)
func Parse(file string, data []byte) (*importer.Doc, error) {
	if len(data) > importer.MaxBytes {
		return importer.Parse(file, data)
	}
	clean := stripComments(data)
	var v any
	if err := json.Unmarshal(clean, &v); err != nil {
		line, msg := 1, err.Error()
		var se *json.SyntaxError
		if errors.As(err, &se) {
			off := min(max(int(se.Offset)-1, 0), len(clean))
			line = 1 + bytes.Count(clean[:off], []byte("\n"))
		}
		hint := "ARM templates are JSON; check this line and the end of the line before it (a missing comma, quote or bracket)"
		switch {
		case len(bytes.TrimSpace(clean)) == 0:
			hint = "the file is empty; pass the template itself"
		case errors.Is(err, io.ErrUnexpectedEOF) || strings.Contains(msg, "unexpected end of JSON input"):
			line = 1 + bytes.Count(bytes.TrimRight(clean, " \t\r\n"), []byte("\n"))
			hint = "the file ends early: close every { and [ (was it cut off?)"
		}
		return nil, &importer.Error{Problems: []importer.Problem{{File: file, Line: line, Msg: "not valid JSON: " + msg, Hint: hint}}}
	}
	return importer.Parse(file, clean)
}

// stripComments blanks out // and /* */ comments outside strings, keeping
// newlines, so line numbers stay those of the file.
func stripComments(data []byte) []byte {
	out := make([]byte, len(data))
	copy(out, data)
	inStr, changed := false, false
	for i := 0; i < len(out); i++ {
		c := out[i]
		switch {
		case inStr:
			if c == '\\' {
				i++
			} else if c == '"' {
				inStr = false
			}
		case c == '"':
			inStr = true
		case c == '/' && i+1 < len(out) && out[i+1] == '/':
			for ; i < len(out) && out[i] != '\n'; i++ {
				out[i] = ' '
			}
			changed = true
		case c == '/' && i+1 < len(out) && out[i+1] == '*':
			j := bytes.Index(out[i+2:], []byte("*/"))
			end := len(out)
			if j >= 0 {
				end = i + 2 + j + 2
			}
			for k := i; k < end; k++ {
				if out[k] != '\n' {
					out[k] = ' '
				}
			}
			i = end - 1
			changed = true
		}
	}
	if !changed {
		return data
	}
	return out
}
