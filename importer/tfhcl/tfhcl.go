package tfhcl

import (
	"fmt"
	"sort"
	"strings"

	"github.com/aksnet/aksnet/design"
	"github.com/aksnet/aksnet/finding"
	"github.com/aksnet/aksnet/importer"
	"github.com/aksnet/aksnet/importer/terraform"
)

// File is one input: a .tf file of the configuration, or a .tfvars file of
// values for its variables.
type File struct {
	Name string
	Data []byte
}

// Detect reports whether a file is Terraform configuration (a name ending
// in .tf) or variable values (.tfvars). Terraform itself tells its files
// by their names, so the content is not consulted.
func Detect(name string, data []byte) bool {
	_ = data
	n := strings.ToLower(name)
	return strings.HasSuffix(n, ".tf") || strings.HasSuffix(n, ".tfvars")
}

// Import reads the .tf files of one configuration (every .tf file of a
// folder, as Terraform does) and .tfvars files for its variables into one
// design. Locations in the design and in problems point into the .tf
// files.
//
// Warnings name every value aksnet read but could not know (data sources,
// module outputs, IDs of resources outside the configuration, variables
// without a value, functions it does not evaluate, count or for_each that
// depend on those), each at its file, line and column; those values are
// left out, never guessed. An *importer.Error holds every problem that
// stops the import: HCL syntax errors, invalid references, malformed CIDRs
// and addresses, and values of the wrong type.
func Import(files []File) (*design.Design, []importer.Problem, error) {
	cfg, probs := parse(files)
	if cfg == nil || len(probs) > 0 {
		return nil, nil, fail(probs, nil)
	}
	tfFiles := 0
	for _, f := range files {
		if !isVarsFile(f.Name) {
			tfFiles++
		}
	}
	if tfFiles == 0 {
		return nil, nil, fail([]problem{{File: files0(files), Line: 1, Col: 1, Msg: "no .tf file among the inputs; .tfvars files only set variables of a configuration",
			Hint: "pass the .tf files of the configuration too"}}, nil)
	}
	var supportedBlocks int
	for _, rb := range cfg.resOrder {
		if supported(rb.typ) {
			supportedBlocks++
		}
	}
	if supportedBlocks == 0 {
		return nil, nil, fail([]problem{{File: files0(files), Line: 1, Col: 1,
			Msg:  "the configuration declares none of the resources aksnet reads",
			Hint: "aksnet reads " + strings.Join(supportedTypes(), ", ")}}, nil)
	}

	e := newEvaluator(cfg)
	s := &synth{}
	first := cfg.resOrder[0].block.DefRange()
	s.line(posOf(first, ""))
	w := &builder{e: e, s: s}
	root := s.mapping(posOf(first, ""))
	w.res = s.seq(posOf(first, ""))
	w.chg = s.seq(posOf(first, ""))
	total := 0
	for _, rb := range cfg.resOrder {
		if !supported(rb.typ) {
			continue
		}
		rs := e.res[rb.addr()]
		e.expand(rs)
		if total += len(rs.insts); total > maxTotal {
			e.problem(rb.block.DefRange(), rb.addr(), fmt.Sprintf("the configuration has more than %d instances of the resources aksnet reads", maxTotal),
				"check the estate in parts, one folder or module at a time")
			break
		}
		for _, in := range rs.insts {
			w.addInstance(in)
		}
	}
	for _, name := range sortedModules(cfg) {
		b := cfg.modules[name]
		src := ""
		if a := b.Body.Attributes["source"]; a != nil {
			if v, diags := a.Expr.Value(nil); !diags.HasErrors() && v.Type().FriendlyName() == "string" && v.IsKnown() && !v.IsNull() {
				src = " (source " + v.AsString() + ")"
			}
		}
		e.warn(b.DefRange(), "module."+name, "module "+name+src+" is not read: aksnet reads the resources of this folder only",
			"check the JSON of a plan (terraform show -json PLANFILE), which includes the resources of every module")
	}
	probs = append(append(probs, e.probs...), w.probs...)
	warns := append(e.warns, w.warns...)
	if len(probs) > 0 {
		return nil, nil, fail(probs, warns)
	}

	pv := s.mapping(posOf(first, ""))
	rm := s.mapping(posOf(first, ""))
	set(rm, "resources", w.res)
	set(pv, "root_module", rm)
	set(root, "format_version", s.str("1.2", posOf(first, "")))
	set(root, "planned_values", pv)
	set(root, "resource_changes", w.chg)
	doc := &importer.Doc{File: files0(files), Root: root}

	d, tfWarns, err := terraform.Import([]*importer.Doc{doc})
	for _, p := range tfWarns {
		if q, keep := s.back(p); keep {
			warns = append(warns, q)
		}
	}
	if err != nil {
		return nil, nil, fail(s.backAll(err), warns)
	}
	pl := &privateLinks{doc: doc, d: d, s: s, kept: w.kept}
	pl.run()
	warns = append(warns, pl.warns...)
	if len(pl.probs) > 0 {
		return nil, nil, fail(pl.probs, warns)
	}
	for k, loc := range d.Sources {
		p := s.at(loc.Line)
		d.Sources[k] = finding.Location{File: p.file, Line: p.line, Path: p.path}
	}
	if vp := design.Validate(d); len(vp) > 0 {
		var out []problem
		for _, p := range vp {
			loc := d.Locate(p.Path)
			out = append(out, problem{File: loc.File, Line: loc.Line, Path: loc.Path, Msg: p.Msg, Hint: p.Hint})
		}
		return nil, nil, fail(out, warns)
	}
	sortProblems(warns)
	return d, exportAll(warns), nil
}

func files0(files []File) string {
	for _, f := range files {
		if !isVarsFile(f.Name) {
			return f.Name
		}
	}
	if len(files) > 0 {
		return files[0].Name
	}
	return ""
}

func supportedTypes() []string {
	var out []string
	for t := range schemas {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

func sortedModules(cfg *config) []string {
	var out []string
	for n := range cfg.modules {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// fail builds the error of a failed import. Warnings at the line of a
// problem are added as notes: they often say why a value is missing.
func fail(probs, warns []problem) error {
	if len(probs) == 0 {
		probs = []problem{{Msg: "the configuration could not be imported", Hint: "report this configuration to the aksnet maintainers"}}
	}
	out := append([]problem(nil), probs...)
	for _, w := range warns {
		for _, p := range probs {
			if (w.File == p.File && w.Line == p.Line) || (p.Path != "" && within(w.Path, p.Path)) {
				w.Msg = "note: " + w.Msg
				out = append(out, w)
				break
			}
		}
	}
	sortProblems(out)
	return &importer.Error{Problems: exportAll(out)}
}

// within reports whether Terraform path p is inside (or is) path of.
func within(p, of string) bool {
	return p == of || strings.HasPrefix(p, of+".") || strings.HasPrefix(p, of+"[")
}

// back maps a problem of the plan importer to the .tf files. keep is
// false for warnings about values aksnet already warned about.
func (s *synth) back(p importer.Problem) (problem, bool) {
	pos := s.at(p.Line)
	return problem{File: pos.file, Line: pos.line, Col: pos.col, Path: pos.path, Msg: p.Msg, Hint: tfHint(p.Hint)}, !pos.warned
}

func (s *synth) backAll(err error) []problem {
	ie, ok := err.(*importer.Error)
	if !ok {
		return []problem{{Msg: err.Error()}}
	}
	var out []problem
	for _, p := range ie.Problems {
		q, _ := s.back(p)
		out = append(out, q)
	}
	return out
}

// tfHint rewords the plan importer's hints, which speak of plan and state
// JSON, for .tf files.
func tfHint(h string) string {
	switch h {
	case "pass the output of terraform show -json, unmodified":
		return "refer to the resource by its id (TYPE.NAME.id), or write its full Azure resource ID"
	case "run the check again on the state after apply, or on a plan once the value is known":
		return unknownHint
	}
	h = strings.ReplaceAll(h, "the same Terraform state or plan", "the same folder of .tf files")
	return h
}
