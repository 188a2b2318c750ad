package report

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/url"
	"regexp"
	"strings"
	"unicode"

	"github.com/aksnet/aksnet/finding"
	"github.com/aksnet/aksnet/rules"
)

// SARIF constants.
const (
	// SARIFSchema is the schema URI written into SARIF logs.
	SARIFSchema = "https://json.schemastore.org/sarif-2.1.0.json"
	// SARIFVersion is the SARIF version written into SARIF logs.
	SARIFVersion = "2.1.0"
	// SARIFSourceRoot is the uriBaseId that relative artifact URIs are
	// resolved against: the folder the check ran in, which code-scanning
	// services take to be the repository root.
	SARIFSourceRoot = "%SRCROOT%"
	// SARIFFingerprintKey names aksnet's entry in partialFingerprints.
	SARIFFingerprintKey = "aksnetFinding/v1"
)

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool        sarifTool         `json:"tool"`
	Invocations []sarifInvocation `json:"invocations"`
	Artifacts   []sarifArtifact   `json:"artifacts,omitempty"`
	Results     []sarifResult     `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name            string      `json:"name"`
	Version         string      `json:"version,omitempty"`
	SemanticVersion string      `json:"semanticVersion,omitempty"`
	InformationURI  string      `json:"informationUri"`
	Rules           []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID                   string             `json:"id"`
	Name                 string             `json:"name"`
	ShortDescription     sarifText          `json:"shortDescription"`
	FullDescription      sarifText          `json:"fullDescription"`
	Help                 sarifMultiformat   `json:"help"`
	HelpURI              string             `json:"helpUri,omitempty"`
	DefaultConfiguration sarifConfiguration `json:"defaultConfiguration"`
	Properties           sarifRuleProps     `json:"properties"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifMultiformat struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type sarifConfiguration struct {
	Level string `json:"level"`
}

type sarifRuleProps struct {
	Tags []string `json:"tags"`
}

type sarifInvocation struct {
	ExecutionSuccessful bool `json:"executionSuccessful"`
}

type sarifArtifact struct {
	Location sarifArtifactLocation `json:"location"`
	Roles    []string              `json:"roles"`
}

type sarifArtifactLocation struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
	Index     *int   `json:"index,omitempty"`
}

type sarifResult struct {
	RuleID              string             `json:"ruleId"`
	RuleIndex           *int               `json:"ruleIndex,omitempty"`
	Level               string             `json:"level"`
	Message             sarifText          `json:"message"`
	Locations           []sarifLocation    `json:"locations"`
	PartialFingerprints map[string]string  `json:"partialFingerprints"`
	Suppressions        []sarifSuppression `json:"suppressions,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation *sarifPhysicalLocation `json:"physicalLocation,omitempty"`
	LogicalLocations []sarifLogicalLocation `json:"logicalLocations,omitempty"`
}

type sarifPhysicalLocation struct {
	ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
	Region           *sarifRegion          `json:"region,omitempty"`
}

type sarifRegion struct {
	StartLine int `json:"startLine"`
}

type sarifLogicalLocation struct {
	FullyQualifiedName string `json:"fullyQualifiedName"`
	Kind               string `json:"kind,omitempty"`
}

type sarifSuppression struct {
	Kind          string `json:"kind"`
	Status        string `json:"status,omitempty"`
	Justification string `json:"justification,omitempty"`
}

// SARIF writes a SARIF 2.1.0 log with one run. The driver lists every rule
// in in.Rules (whether or not it found anything) with its title, doc, help
// and default level; each finding becomes a result pointing at the file and
// line it was found at, with the subject as a logical location and a
// partial fingerprint of rule, subject and message so that code-scanning
// services recognise the same finding across runs. Suppressed findings are
// results with an accepted in-source suppression carrying the reason.
func SARIF(w io.Writer, in Input) error {
	index := ruleIndex(in.Rules)
	driver := sarifDriver{
		Name:            in.tool(),
		Version:         in.Version,
		SemanticVersion: semanticVersion(in.Version),
		InformationURI:  InformationURI,
		Rules:           make([]sarifRule, 0, len(in.Rules)),
	}
	for _, r := range in.Rules {
		if r == nil {
			continue
		}
		driver.Rules = append(driver.Rules, toSARIFRule(r))
	}
	// Rule indices refer to driver.Rules, which skips nil catalogue entries.
	if len(driver.Rules) != len(in.Rules) {
		index = make(map[string]int, len(driver.Rules))
		for i, r := range driver.Rules {
			if _, dup := index[r.ID]; !dup {
				index[r.ID] = i
			}
		}
	}

	artifactIndex := make(map[string]int, len(in.Files))
	var artifacts []sarifArtifact
	for _, f := range in.Files {
		loc := artifactLocation(f)
		if _, dup := artifactIndex[loc.URI]; dup {
			continue
		}
		artifactIndex[loc.URI] = len(artifacts)
		artifacts = append(artifacts, sarifArtifact{Location: loc, Roles: []string{"analysisTarget"}})
	}

	run := sarifRun{
		Tool:        sarifTool{Driver: driver},
		Invocations: []sarifInvocation{{ExecutionSuccessful: true}},
		Artifacts:   artifacts,
		Results:     make([]sarifResult, 0, len(in.Findings)+len(in.Suppressed)),
	}
	for _, f := range in.Findings {
		run.Results = append(run.Results, toSARIFResult(f, index, artifactIndex))
	}
	for _, s := range in.Suppressed {
		res := toSARIFResult(s.Finding, index, artifactIndex)
		res.Suppressions = []sarifSuppression{{Kind: "inSource", Status: "accepted", Justification: s.Reason}}
		run.Results = append(run.Results, res)
	}

	return writeJSON(w, sarifLog{Schema: SARIFSchema, Version: SARIFVersion, Runs: []sarifRun{run}}, "sarif")
}

func toSARIFRule(r *rules.Rule) sarifRule {
	text, md := ruleHelp(r)
	return sarifRule{
		ID:                   r.ID,
		Name:                 camelCase(r.ID),
		ShortDescription:     sarifText{Text: r.Title},
		FullDescription:      sarifText{Text: orDefault(r.Doc, r.Title)},
		Help:                 sarifMultiformat{Text: text, Markdown: md},
		HelpURI:              firstSource(r),
		DefaultConfiguration: sarifConfiguration{Level: sarifLevel(r.Severity)},
		Properties:           sarifRuleProps{Tags: ruleTags(r)},
	}
}

// ruleHelp returns the rule's remediation followed by its sources, as plain
// text and as Markdown.
func ruleHelp(r *rules.Rule) (text, markdown string) {
	var t, m strings.Builder
	t.WriteString(orDefault(r.Remediation, r.Title))
	m.WriteString(mdEscapeText(orDefault(r.Remediation, r.Title)))
	if len(r.Sources) > 0 {
		t.WriteString("\n\nSources:")
		m.WriteString("\n\nSources:\n")
		for _, s := range r.Sources {
			t.WriteString("\n- " + s)
			m.WriteString("\n- <" + s + ">")
		}
	}
	return t.String(), m.String()
}

// ruleTags are the SARIF tags of a rule. The catalogue has no categories
// yet, so every rule carries the tool's domain.
func ruleTags(*rules.Rule) []string {
	return []string{"aks", "network", "design"}
}

func firstSource(r *rules.Rule) string {
	for _, s := range r.Sources {
		if s != "" {
			return s
		}
	}
	return ""
}

func toSARIFResult(f finding.Finding, ruleIdx, artifactIdx map[string]int) sarifResult {
	res := sarifResult{
		RuleID:              f.Rule,
		Level:               sarifLevel(f.Severity),
		Message:             sarifText{Text: sarifMessage(f)},
		PartialFingerprints: map[string]string{SARIFFingerprintKey: Fingerprint(f)},
	}
	if i, ok := ruleIdx[f.Rule]; ok {
		res.RuleIndex = &i
	}
	loc := sarifLocation{}
	if f.Location.File != "" {
		al := artifactLocation(f.Location.File)
		if i, ok := artifactIdx[al.URI]; ok {
			al.Index = &i
		}
		pl := &sarifPhysicalLocation{ArtifactLocation: al}
		if f.Location.Line > 0 {
			pl.Region = &sarifRegion{StartLine: f.Location.Line}
		}
		loc.PhysicalLocation = pl
	}
	if f.Subject != "" {
		loc.LogicalLocations = []sarifLogicalLocation{{FullyQualifiedName: f.Subject, Kind: "resource"}}
	}
	if loc.PhysicalLocation != nil || loc.LogicalLocations != nil {
		res.Locations = []sarifLocation{loc}
	} else {
		res.Locations = []sarifLocation{}
	}
	return res
}

// sarifMessage is "subject: message. Fix: remediation.", adding the full
// stops that SARIF's style rules ask for.
func sarifMessage(f finding.Finding) string {
	var b strings.Builder
	if f.Subject != "" {
		b.WriteString(f.Subject)
		b.WriteString(": ")
	}
	b.WriteString(sentence(f.Message))
	if f.Remediation != "" {
		b.WriteString(" Fix: ")
		b.WriteString(sentence(f.Remediation))
	}
	return b.String()
}

// sentence trims s and makes it end with a full stop (or other terminal
// punctuation).
func sentence(s string) string {
	s = strings.TrimSpace(oneLine(s))
	if s == "" || strings.HasSuffix(s, ".") || strings.HasSuffix(s, "!") || strings.HasSuffix(s, "?") {
		return s
	}
	return s + "."
}

// Fingerprint is a stable hash of a finding's rule, subject and message. It
// does not depend on the file or line, so moving an object in the design
// keeps its identity.
func Fingerprint(f finding.Finding) string {
	h := sha256.New()
	for _, part := range []string{f.Rule, f.Subject, f.Message} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}

func sarifLevel(s finding.Severity) string {
	switch s {
	case finding.Error:
		return "error"
	case finding.Warning:
		return "warning"
	case finding.Info:
		return "note"
	}
	return "none"
}

var windowsDrive = regexp.MustCompile(`^[A-Za-z]:/`)

// artifactLocation turns a file name as the user gave it into a SARIF
// artifact location: a relative URI with forward slashes under %SRCROOT%, or
// an absolute file URI for absolute paths.
func artifactLocation(name string) sarifArtifactLocation {
	p := strings.ReplaceAll(name, `\`, "/")
	switch {
	case strings.HasPrefix(p, "/"):
		u := url.URL{Scheme: "file", Path: p}
		return sarifArtifactLocation{URI: u.String()}
	case windowsDrive.MatchString(p):
		u := url.URL{Scheme: "file", Path: "/" + p}
		return sarifArtifactLocation{URI: u.String()}
	}
	for strings.HasPrefix(p, "./") {
		p = strings.TrimLeft(p[2:], "/")
	}
	// String, unlike EscapedPath, guards a first segment with a colon in it
	// ("a:b.yaml") with "./" so that it cannot read as a URI scheme.
	u := url.URL{Path: p}
	return sarifArtifactLocation{URI: u.String(), URIBaseID: SARIFSourceRoot}
}

// camelCase turns a kebab-case rule ID into the CamelCase name SARIF
// recommends ("service-cidr-overlap" -> "ServiceCidrOverlap").
func camelCase(id string) string {
	var b strings.Builder
	upper := true
	for _, r := range id {
		if r == '-' || r == '_' || r == ' ' {
			upper = true
			continue
		}
		if upper {
			b.WriteRune(unicode.ToUpper(r))
			upper = false
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

var semverPattern = regexp.MustCompile(`^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$`)

// semanticVersion returns v without a leading "v" when it is a Semantic
// Versioning 2.0 version, and "" otherwise (for example for "dev").
func semanticVersion(v string) string {
	v = strings.TrimPrefix(v, "v")
	if semverPattern.MatchString(v) {
		return v
	}
	return ""
}

func orDefault(s, def string) string {
	if strings.TrimSpace(s) == "" {
		return def
	}
	return s
}
