package tfhcl

import (
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// config is one Terraform configuration: the top-level blocks of every .tf
// file of a folder, and the .tfvars files that set its variables.
type config struct {
	vars     map[string]*variable
	varOrder []string
	locals   map[string]*hclsyntax.Attribute
	res      map[string]*resBlock // by "TYPE.NAME"
	resOrder []*resBlock
	data     map[string]*hclsyntax.Block // by "TYPE.NAME"
	modules  map[string]*hclsyntax.Block
	// types holds every resource type declared, so a reference's first
	// name can be told apart from an undeclared root.
	types  map[string]bool
	tfvars []*hclsyntax.Body
}

// variable is an input variable declaration.
type variable struct {
	name  string
	block *hclsyntax.Block
}

// resBlock is a managed resource block.
type resBlock struct {
	typ, name string
	block     *hclsyntax.Block
}

func (r *resBlock) addr() string { return r.typ + "." + r.name }

// Top-level block types of the Terraform language and the number of labels
// each takes. Blocks aksnet has no use for are accepted and skipped.
var topBlocks = map[string]int{
	"terraform": 0, "provider": 1, "variable": 1, "locals": 0, "output": 1, "module": 1,
	"resource": 2, "data": 2, "ephemeral": 2, "moved": 0, "import": 0, "removed": 0, "check": 1,
}

// maxBytes bounds one input file.
const maxBytes = 16 << 20

// parse reads every file. It returns nil and the problems when any file
// has a syntax error, or when declarations clash.
func parse(files []File) (*config, []problem) {
	cfg := &config{
		vars: map[string]*variable{}, locals: map[string]*hclsyntax.Attribute{}, res: map[string]*resBlock{},
		data: map[string]*hclsyntax.Block{}, modules: map[string]*hclsyntax.Block{}, types: map[string]bool{},
	}
	var probs []problem
	var bodies []*hclsyntax.Body
	var vars []*hclsyntax.Body
	seen := map[string]bool{}
	for _, f := range files {
		switch {
		case seen[f.Name]:
			probs = append(probs, problem{File: f.Name, Line: 1, Col: 1, Msg: "the file is given twice", Hint: "pass each file once"})
			continue
		case len(f.Data) > maxBytes:
			probs = append(probs, problem{File: f.Name, Line: 1, Col: 1, Msg: fmt.Sprintf("the file is %d bytes; aksnet reads Terraform files of at most %d", len(f.Data), maxBytes),
				Hint: "split the configuration into several .tf files"})
			continue
		case !Detect(f.Name, f.Data):
			probs = append(probs, problem{File: f.Name, Line: 1, Col: 1, Msg: "not a Terraform file: expected a name ending in .tf or .tfvars",
				Hint: "pass the .tf files of one configuration folder and, optionally, its .tfvars files"})
			continue
		}
		seen[f.Name] = true
		file, diags := hclsyntax.ParseConfig(f.Data, f.Name, hcl.InitialPos)
		if diags.HasErrors() {
			probs = append(probs, diagProblems(diags, "", "fix the syntax at this position; 'terraform validate' reports the same error")...)
			continue
		}
		body, ok := file.Body.(*hclsyntax.Body)
		if !ok {
			continue
		}
		if isVarsFile(f.Name) {
			vars = append(vars, body)
		} else {
			bodies = append(bodies, body)
		}
	}
	if len(probs) > 0 {
		return nil, probs
	}
	cfg.tfvars = orderVarFiles(vars)
	for _, body := range bodies {
		probs = append(probs, cfg.add(body)...)
	}
	return cfg, probs
}

func isVarsFile(name string) bool { return strings.HasSuffix(strings.ToLower(name), ".tfvars") }

// orderVarFiles applies .tfvars files the way Terraform does when they sit
// in the folder: terraform.tfvars first, then *.auto.tfvars in name order;
// other .tfvars files (which Terraform reads only with -var-file) come
// last, in the order given. Later files override earlier ones.
func orderVarFiles(bodies []*hclsyntax.Body) []*hclsyntax.Body {
	rank := func(b *hclsyntax.Body) int {
		base := strings.ToLower(baseName(b.SrcRange.Filename))
		switch {
		case base == "terraform.tfvars":
			return 0
		case strings.HasSuffix(base, ".auto.tfvars"):
			return 1
		}
		return 2
	}
	out := append([]*hclsyntax.Body(nil), bodies...)
	sort.SliceStable(out, func(i, j int) bool {
		ri, rj := rank(out[i]), rank(out[j])
		if ri != rj {
			return ri < rj
		}
		if ri == 1 {
			return baseName(out[i].SrcRange.Filename) < baseName(out[j].SrcRange.Filename)
		}
		return false
	})
	return out
}

func baseName(p string) string {
	if i := strings.LastIndexAny(p, `/\`); i >= 0 {
		return p[i+1:]
	}
	return p
}

// add records the top-level blocks of one .tf file.
func (cfg *config) add(body *hclsyntax.Body) []problem {
	var probs []problem
	for _, name := range sortedAttrNames(body.Attributes) {
		a := body.Attributes[name]
		probs = append(probs, atRange(a.NameRange, "", fmt.Sprintf("an argument named %q is not expected at the top level of a .tf file", name),
			"put it inside a block: a resource, a locals block or a variable's default"))
	}
	for _, b := range body.Blocks {
		want, ok := topBlocks[b.Type]
		if !ok {
			probs = append(probs, atRange(b.TypeRange, "", fmt.Sprintf("unsupported block type %q", b.Type),
				"top-level blocks are terraform, provider, variable, locals, output, module, resource and data"))
			continue
		}
		if len(b.Labels) != want {
			probs = append(probs, atRange(b.DefRange(), "", fmt.Sprintf("a %s block takes %d label(s), not %d", b.Type, want, len(b.Labels)),
				labelHint(b.Type)))
			continue
		}
		switch b.Type {
		case "variable":
			name := b.Labels[0]
			if prev, dup := cfg.vars[name]; dup {
				probs = append(probs, duplicate(b, "variable "+name, prev.block))
				continue
			}
			if !hclsyntax.ValidIdentifier(name) {
				probs = append(probs, atRange(b.LabelRanges[0], "", fmt.Sprintf("%q is not a valid variable name", name), "names start with a letter and hold letters, digits, _ and -"))
				continue
			}
			cfg.vars[name] = &variable{name: name, block: b}
			cfg.varOrder = append(cfg.varOrder, name)
		case "locals":
			for _, name := range sortedAttrNames(b.Body.Attributes) {
				a := b.Body.Attributes[name]
				if prev, dup := cfg.locals[name]; dup {
					probs = append(probs, atRange(a.NameRange, "local."+name, "local value "+name+" is defined twice (also at "+posString(prev.NameRange)+")",
						"local value names must be unique across the configuration's files"))
					continue
				}
				cfg.locals[name] = a
			}
		case "resource":
			r := &resBlock{typ: b.Labels[0], name: b.Labels[1], block: b}
			if !hclsyntax.ValidIdentifier(r.typ) || !hclsyntax.ValidIdentifier(r.name) {
				probs = append(probs, atRange(b.DefRange(), "", fmt.Sprintf("resource %q %q: type and name must be identifiers", r.typ, r.name),
					"names start with a letter or _ and hold letters, digits, _ and -"))
				continue
			}
			if prev, dup := cfg.res[r.addr()]; dup {
				probs = append(probs, duplicate(b, "resource "+r.addr(), prev.block))
				continue
			}
			cfg.res[r.addr()] = r
			cfg.resOrder = append(cfg.resOrder, r)
			cfg.types[r.typ] = true
		case "data":
			key := b.Labels[0] + "." + b.Labels[1]
			if prev, dup := cfg.data[key]; dup {
				probs = append(probs, duplicate(b, "data source data."+key, prev))
				continue
			}
			cfg.data[key] = b
		case "module":
			if prev, dup := cfg.modules[b.Labels[0]]; dup {
				probs = append(probs, duplicate(b, "module "+b.Labels[0], prev))
				continue
			}
			cfg.modules[b.Labels[0]] = b
		}
	}
	return probs
}

func labelHint(typ string) string {
	switch typ {
	case "resource", "data":
		return `write ` + typ + ` "TYPE" "NAME" { ... }`
	case "terraform", "locals", "moved", "import", "removed":
		return "write " + typ + " { ... } without labels"
	}
	return `write ` + typ + ` "NAME" { ... }`
}

func duplicate(b *hclsyntax.Block, what string, prev *hclsyntax.Block) problem {
	return atRange(b.DefRange(), "", what+" is declared twice (also at "+posString(prev.DefRange())+")",
		"names must be unique across the .tf files of one folder; rename or remove one")
}

func sortedAttrNames(m hclsyntax.Attributes) []string {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool {
		a, b := m[names[i]].SrcRange, m[names[j]].SrcRange
		if a.Filename != b.Filename {
			return a.Filename < b.Filename
		}
		return a.Start.Byte < b.Start.Byte
	})
	return names
}

func posString(r hcl.Range) string {
	return fmt.Sprintf("%s:%d:%d", r.Filename, r.Start.Line, r.Start.Column)
}
