package collect

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
)

// ReadManifest parses a bundle's manifest.json strictly: unknown fields
// are errors, and every file it names must be a plain file name inside the
// bundle folder (no folders, no "..").
func ReadManifest(data []byte) (*Manifest, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var m Manifest
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("not an aksnet collect manifest: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("not an aksnet collect manifest: more than one JSON value")
	}
	if m.Tool != "aksnet collect" {
		return nil, fmt.Errorf("tool is %q, want \"aksnet collect\"", m.Tool)
	}
	seen := map[string]bool{}
	for i, e := range m.Commands {
		if e.Tool != "az" && e.Tool != "kubectl" {
			return nil, fmt.Errorf("commands[%d].tool is %q, want az or kubectl", i, e.Tool)
		}
		if !e.OK() {
			continue
		}
		if e.File == "" || e.File != filepath.Base(e.File) || strings.ContainsAny(e.File, `/\`) || e.File == "." || e.File == ".." {
			return nil, fmt.Errorf("commands[%d].file %q is not a file name inside the bundle", i, e.File)
		}
		if e.File == ManifestFile || seen[e.File] {
			return nil, fmt.Errorf("commands[%d].file %q is listed twice", i, e.File)
		}
		seen[e.File] = true
	}
	return &m, nil
}
