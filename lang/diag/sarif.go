package diag

import (
	"encoding/json"
	"io"
	"net/url"
	"path/filepath"
	"strings"
)

// SARIF 2.1.0 output, for GitHub code scanning and other static-analysis
// viewers: one run whose driver lists every code of the catalogue as a
// rule, and one result per diagnostic.

// SARIFSchema is the schema URI written in the document.
const SARIFSchema = "https://json.schemastore.org/sarif-2.1.0.json"

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool       sarifTool     `json:"tool"`
	ColumnKind string        `json:"columnKind"`
	Results    []sarifResult `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	InformationURI string      `json:"informationUri,omitempty"`
	Rules          []sarifRule `json:"rules"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifRule struct {
	ID                   string          `json:"id"`
	Name                 string          `json:"name"`
	ShortDescription     sarifText       `json:"shortDescription"`
	FullDescription      sarifText       `json:"fullDescription"`
	Help                 sarifText       `json:"help"`
	DefaultConfiguration sarifRuleConfig `json:"defaultConfiguration"`
}

type sarifRuleConfig struct {
	Level string `json:"level"`
}

type sarifResult struct {
	RuleID           string          `json:"ruleId"`
	RuleIndex        int             `json:"ruleIndex"`
	Level            string          `json:"level"`
	Message          sarifText       `json:"message"`
	Locations        []sarifLocation `json:"locations"`
	RelatedLocations []sarifLocation `json:"relatedLocations,omitempty"`
}

type sarifLocation struct {
	ID               *int                  `json:"id,omitempty"`
	PhysicalLocation sarifPhysicalLocation `json:"physicalLocation"`
	Message          *sarifText            `json:"message,omitempty"`
}

type sarifPhysicalLocation struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           *sarifRegion  `json:"region,omitempty"`
}

type sarifArtifact struct {
	URI string `json:"uri"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn"`
	EndLine     int `json:"endLine,omitempty"`
	EndColumn   int `json:"endColumn,omitempty"`
}

func sarifLevel(s Severity) string {
	if s == Warning {
		return "warning"
	}
	return "error"
}

// fileURI turns a file name as shown to users into a URI reference:
// relative names stay relative (to the folder the command ran in, which
// code scanning takes as the repository root), absolute ones become
// file:// URIs.
func fileURI(name string) string {
	p := filepath.ToSlash(name)
	if filepath.IsAbs(name) {
		if !strings.HasPrefix(p, "/") {
			p = "/" + p // C:/x on Windows
		}
		return (&url.URL{Scheme: "file", Path: p}).String()
	}
	return (&url.URL{Path: strings.TrimPrefix(p, "./")}).String()
}

func sarifLoc(d Related) sarifLocation {
	loc := sarifLocation{PhysicalLocation: sarifPhysicalLocation{ArtifactLocation: sarifArtifact{URI: fileURI(d.Span.File)}}}
	if s := d.Span; s.IsValid() {
		r := &sarifRegion{StartLine: s.Start.Line, StartColumn: s.Start.Col}
		if s.End.IsValid() && s.End.Offset > s.Start.Offset {
			r.EndLine, r.EndColumn = s.End.Line, s.End.Col
		}
		loc.PhysicalLocation.Region = r
	}
	if d.Message != "" {
		loc.Message = &sarifText{Text: d.Message}
	}
	return loc
}

// WriteSARIF writes the diagnostics as a SARIF 2.1.0 log.
func WriteSARIF(w io.Writer, list List) error {
	run := sarifRun{
		Tool:       sarifTool{Driver: sarifDriver{Name: "caliper", InformationURI: "https://github.com/caliper-dev/caliper"}},
		ColumnKind: "unicodeCodePoints",
		Results:    []sarifResult{},
	}
	index := map[Code]int{}
	for i, in := range Catalog {
		index[in.Code] = i
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRule{
			ID: string(in.Code), Name: in.Name,
			ShortDescription:     sarifText{Text: in.Summary},
			FullDescription:      sarifText{Text: in.Summary + " " + in.Help},
			Help:                 sarifText{Text: in.Help},
			DefaultConfiguration: sarifRuleConfig{Level: sarifLevel(in.Severity)},
		})
	}
	for _, d := range list.Sort() {
		i, ok := index[d.Code]
		if !ok { // a code missing from the catalogue still gets a rule
			i = len(run.Tool.Driver.Rules)
			index[d.Code] = i
			run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRule{ID: string(d.Code), Name: string(d.Code),
				DefaultConfiguration: sarifRuleConfig{Level: sarifLevel(d.Severity)}})
		}
		text := d.Message
		for _, h := range d.Hints {
			text += "\nhelp: " + h
		}
		res := sarifResult{RuleID: string(d.Code), RuleIndex: i, Level: sarifLevel(d.Severity),
			Message: sarifText{Text: text}, Locations: []sarifLocation{sarifLoc(Related{Span: d.Span})}}
		for k, r := range d.Related {
			loc := sarifLoc(r)
			id := k + 1
			loc.ID = &id
			res.RelatedLocations = append(res.RelatedLocations, loc)
		}
		run.Results = append(run.Results, res)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(sarifLog{Schema: SARIFSchema, Version: "2.1.0", Runs: []sarifRun{run}})
}
