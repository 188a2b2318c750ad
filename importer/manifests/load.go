package manifests

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/aksnet/aksnet/netpol"
)

// Set is what Load read from its inputs.
type Set struct {
	Objects  []netpol.Object
	Warnings []Warning
	// Files are the files read, in order.
	Files []string
}

// Extensions are the file name extensions Files picks up inside folders.
// Files named on the command line are read whatever their extension.
var Extensions = []string{".yaml", ".yml", ".json"}

// Files expands paths into the list of files to read: a file stays as it
// is; a folder contributes every file below it (recursively, in lexical
// order) whose extension is in Extensions, skipping hidden folders such as
// .git. A path that does not exist is an error.
func Files(paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil, &Error{File: p, Msg: "no such file or folder"}
			}
			return nil, &Error{File: p, Msg: err.Error()}
		}
		if !st.IsDir() {
			out = append(out, p)
			continue
		}
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if path != p && strings.HasPrefix(d.Name(), ".") {
					return filepath.SkipDir
				}
				return nil
			}
			if d.Type().IsRegular() && slices.Contains(Extensions, strings.ToLower(filepath.Ext(path))) {
				out = append(out, path)
			}
			return nil
		})
		if err != nil {
			return nil, &Error{File: p, Msg: fmt.Sprintf("reading folder: %v", err)}
		}
	}
	return out, nil
}

// Load reads files and folders (see Files) with readFile (os.ReadFile when
// nil) and decodes every file. The first malformed file stops it.
func Load(paths []string, readFile func(string) ([]byte, error)) (*Set, error) {
	if readFile == nil {
		readFile = os.ReadFile
	}
	files, err := Files(paths)
	if err != nil {
		return nil, err
	}
	set := &Set{Files: files}
	for _, f := range files {
		data, err := readFile(f)
		if err != nil {
			return nil, &Error{File: f, Msg: fmt.Sprintf("cannot read: %v", err)}
		}
		objs, warns, err := Decode(f, data)
		if err != nil {
			return nil, err
		}
		set.Objects = append(set.Objects, objs...)
		set.Warnings = append(set.Warnings, warns...)
	}
	return set, nil
}
