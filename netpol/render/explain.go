package render

import (
	"fmt"
	"io"
	"strings"

	"github.com/aksnet/aksnet/netpol"
)

// ExplainFormats are the formats of Explain.
func ExplainFormats() []string { return []string{"txt", "json"} }

// Explain writes an explanation as text or JSON.
func Explain(w io.Writer, format string, ex netpol.Explanation) error {
	switch format {
	case "txt", "":
		_, err := io.WriteString(w, explainText(ex))
		return err
	case "json":
		return writeJSON(w, explainJSON(ex))
	}
	return fmt.Errorf("unknown format %q (want %s)", format, strings.Join(ExplainFormats(), ", "))
}

func explainText(ex netpol.Explanation) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s => %s: %s\n", ex.Src.Name, ex.Dst.Name, ex.Verdict)
	fmt.Fprintf(&b, "  asked:   %s\n", ex.Query)
	fmt.Fprintf(&b, "  allowed: %s\n", ex.Allowed)
	sideText(&b, ex.Egress, ex.Src.Name, ex.Dst.Name)
	sideText(&b, ex.Ingress, ex.Dst.Name, ex.Src.Name)
	return b.String()
}

func ruleName(d netpol.Direction, r netpol.RuleEffect) string {
	s := strings.ToLower(d.String()) + fmt.Sprintf("[%d]", r.Index)
	peers := "from"
	every := "every source"
	if d == netpol.Egress {
		peers, every = "to", "every destination"
	}
	if r.Peer < 0 {
		return s + " (" + every + ")"
	}
	return s + fmt.Sprintf(" %s[%d]", peers, r.Peer)
}

func sideText(b *strings.Builder, s netpol.Side, subject, other string) {
	fmt.Fprintf(b, "\n%s of %s: allows %s\n", s.Direction, subject, s.Allowed)
	dir := strings.ToLower(s.Direction.String())
	switch {
	case !s.Governed:
		fmt.Fprintf(b, "  not governed: %s\n", s.Reason)
		return
	case !s.Isolated:
		fmt.Fprintf(b, "  not isolated: %s\n", s.Reason)
		return
	}
	plural := "policy"
	if len(s.Policies) > 1 {
		plural = "policies"
	}
	fmt.Fprintf(b, "  isolated by %d %s:\n", len(s.Policies), plural)
	for _, p := range s.Policies {
		where := ""
		if src := p.Source.String(); src != "" {
			where = " (" + src + ")"
		}
		switch {
		case p.Rules == 0:
			fmt.Fprintf(b, "  - %s%s: no %s rules; it only isolates\n", p.Name, where, dir)
		case len(p.Matched) == 0 && p.Rules == 1:
			fmt.Fprintf(b, "  - %s%s: its %s rule does not admit %s\n", p.Name, where, dir, other)
		case len(p.Matched) == 0:
			fmt.Fprintf(b, "  - %s%s: none of its %d %s rules admits %s\n", p.Name, where, p.Rules, dir, other)
		default:
			fmt.Fprintf(b, "  - %s%s: allows %s\n", p.Name, where, p.Allowed)
		}
		for _, r := range p.Matched {
			fmt.Fprintf(b, "      %s: %s\n", ruleName(s.Direction, r), r.Conns)
			for _, m := range r.MissingPorts {
				fmt.Fprintf(b, "      %s: named port %s is not defined by the destination's containers\n", ruleName(s.Direction, r), m)
			}
		}
		for _, r := range p.Partial {
			fmt.Fprintf(b, "      %s: its ipBlock covers only part of %s; not counted\n", ruleName(s.Direction, r), other)
		}
	}
}

type ruleJSON struct {
	Rule         string   `json:"rule"`
	Conns        string   `json:"conns"`
	MissingPorts []string `json:"missingPorts,omitempty"`
}

type policyJSON struct {
	Name    string     `json:"name"`
	Source  string     `json:"source,omitempty"`
	Rules   int        `json:"rules"`
	Allowed string     `json:"allowed"`
	Matched []ruleJSON `json:"matched"`
	Partial []ruleJSON `json:"partial,omitempty"`
}

type sideJSON struct {
	Governed bool         `json:"governed"`
	Isolated bool         `json:"isolated"`
	Reason   string       `json:"reason,omitempty"`
	Allowed  string       `json:"allowed"`
	Policies []policyJSON `json:"policies"`
}

type explanationJSON struct {
	Src     string   `json:"src"`
	Dst     string   `json:"dst"`
	Query   string   `json:"query"`
	Allowed string   `json:"allowed"`
	Verdict string   `json:"verdict"`
	Egress  sideJSON `json:"egress"`
	Ingress sideJSON `json:"ingress"`
}

func explainJSON(ex netpol.Explanation) explanationJSON {
	side := func(s netpol.Side) sideJSON {
		out := sideJSON{Governed: s.Governed, Isolated: s.Isolated, Reason: s.Reason, Allowed: s.Allowed.String(), Policies: []policyJSON{}}
		rules := func(rs []netpol.RuleEffect) []ruleJSON {
			out := []ruleJSON{}
			for _, r := range rs {
				out = append(out, ruleJSON{Rule: ruleName(s.Direction, r), Conns: r.Conns.String(), MissingPorts: r.MissingPorts})
			}
			return out
		}
		for _, p := range s.Policies {
			pj := policyJSON{Name: p.Name, Source: p.Source.String(), Rules: p.Rules, Allowed: p.Allowed.String(), Matched: rules(p.Matched)}
			if len(p.Partial) > 0 {
				pj.Partial = rules(p.Partial)
			}
			out.Policies = append(out.Policies, pj)
		}
		return out
	}
	return explanationJSON{
		Src: ex.Src.Name, Dst: ex.Dst.Name, Query: ex.Query.String(), Allowed: ex.Allowed.String(), Verdict: ex.Verdict.String(),
		Egress: side(ex.Egress), Ingress: side(ex.Ingress),
	}
}
