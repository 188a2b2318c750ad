package planout

import (
	"net/netip"
	"strings"
)

// oneLine folds line breaks and trims, so a value cannot start a new YAML
// comment line or Markdown block.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// prefixList joins prefixes with ", ".
func prefixList(ps []netip.Prefix) string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = p.String()
	}
	return strings.Join(parts, ", ")
}

// nameList joins names as "a, b and c".
func nameList(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// mdText escapes the characters that would turn plain text into Markdown
// or HTML markup, and folds line breaks.
func mdText(s string) string {
	var b strings.Builder
	for _, r := range oneLine(s) {
		switch r {
		case '\\', '`', '*', '_', '[', ']', '<', '>', '#', '|':
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// mdCell makes Markdown safe inside a table cell: pipes are escaped and
// line breaks become <br>.
func mdCell(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "|", `\|`)
	s = strings.ReplaceAll(s, "\n", "<br>")
	if s == "" {
		return "-"
	}
	return s
}

// mdCode wraps s in a code span; empty s gives "-".
func mdCode(s string) string {
	s = oneLine(s)
	if s == "" {
		return "-"
	}
	if strings.Contains(s, "`") {
		return "`` " + s + " ``"
	}
	return "`" + s + "`"
}

// mdCodes formats each string as code and joins them with ", ".
func mdCodes(ss []string) string {
	if len(ss) == 0 {
		return "-"
	}
	parts := make([]string, len(ss))
	for i, s := range ss {
		parts[i] = mdCode(s)
	}
	return strings.Join(parts, ", ")
}

// mdPrefixes formats prefixes as code spans.
func mdPrefixes(ps []netip.Prefix) string {
	if len(ps) == 0 {
		return "-"
	}
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = mdCode(p.String())
	}
	return strings.Join(parts, ", ")
}
