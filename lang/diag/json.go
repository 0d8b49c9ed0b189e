package diag

import (
	"encoding/json"
	"io"
)

// JSONDiagnostic is one diagnostic in machine-readable form. Lines and
// columns are 1-based, columns count Unicode code points, and the end is
// exclusive (end_col is the column just after the span). A diagnostic
// about a whole file (a file that cannot be read) has line 0.
type JSONDiagnostic struct {
	Code     Code          `json:"code"`
	Severity string        `json:"severity"`
	File     string        `json:"file"`
	Line     int           `json:"line"`
	Col      int           `json:"col"`
	EndLine  int           `json:"end_line"`
	EndCol   int           `json:"end_col"`
	Message  string        `json:"message"`
	Hints    []string      `json:"hints"`
	Related  []JSONRelated `json:"related,omitempty"`
}

// JSONRelated is a secondary position ("first declared here").
type JSONRelated struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Col     int    `json:"col"`
	Message string `json:"message"`
}

// JSONReport is the document `caliper check --format json` writes.
type JSONReport struct {
	Diagnostics []JSONDiagnostic `json:"diagnostics"`
	Errors      int              `json:"errors"`
	Warnings    int              `json:"warnings"`
}

// ToJSON converts a list (sorted) to its machine-readable form.
func ToJSON(list List) JSONReport {
	rep := JSONReport{Diagnostics: []JSONDiagnostic{}}
	for _, d := range list.Sort() {
		j := JSONDiagnostic{Code: d.Code, Severity: d.Severity.String(), File: d.Span.File,
			Message: d.Message, Hints: append([]string{}, d.Hints...)}
		if d.Span.IsValid() {
			j.Line, j.Col = d.Span.Start.Line, d.Span.Start.Col
			j.EndLine, j.EndCol = d.Span.End.Line, d.Span.End.Col
			if !d.Span.End.IsValid() {
				j.EndLine, j.EndCol = j.Line, j.Col
			}
		}
		for _, r := range d.Related {
			j.Related = append(j.Related, JSONRelated{File: r.Span.File, Line: r.Span.Start.Line, Col: r.Span.Start.Col, Message: r.Message})
		}
		if d.Severity == Error {
			rep.Errors++
		} else {
			rep.Warnings++
		}
		rep.Diagnostics = append(rep.Diagnostics, j)
	}
	return rep
}

// WriteJSON writes every diagnostic as one indented JSON document.
func WriteJSON(w io.Writer, list List) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(ToJSON(list))
}
