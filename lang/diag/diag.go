// Package diag holds Caliper's diagnostics: positioned errors and warnings
// with a stable code, a message that names the thing, and hints. Every stage
// reports through a List; nothing stops at the first error.
package diag

import (
	"fmt"
	"sort"
	"strings"

	"github.com/caliper-dev/caliper/lang/source"
)

// Severity of a diagnostic.
type Severity int

const (
	// Error makes the run fail.
	Error Severity = iota
	// Warning is reported but does not fail the run.
	Warning
)

func (s Severity) String() string {
	if s == Warning {
		return "warning"
	}
	return "error"
}

// Diagnostic is one finding about a spec or its data.
type Diagnostic struct {
	Severity Severity
	Code     Code
	Span     source.Span
	Message  string
	Hints    []string
	// Related are other places worth showing ("first defined here").
	Related []Related
}

// Related is a secondary position with a note.
type Related struct {
	Span    source.Span
	Message string
}

// Error renders the diagnostic on one line: file:line:col: error[E0201]: msg.
func (d *Diagnostic) Error() string {
	var b strings.Builder
	if d.Span.IsValid() || d.Span.File != "" {
		b.WriteString(d.Span.String())
		b.WriteString(": ")
	}
	fmt.Fprintf(&b, "%s[%s]: %s", d.Severity, d.Code, d.Message)
	return b.String()
}

// Hint appends a hint and returns d for chaining.
func (d *Diagnostic) Hint(format string, args ...any) *Diagnostic {
	d.Hints = append(d.Hints, fmt.Sprintf(format, args...))
	return d
}

// Also attaches a related position.
func (d *Diagnostic) Also(span source.Span, format string, args ...any) *Diagnostic {
	d.Related = append(d.Related, Related{Span: span, Message: fmt.Sprintf(format, args...)})
	return d
}

// List collects diagnostics.
type List []*Diagnostic

// Errorf adds an error.
func (l *List) Errorf(code Code, span source.Span, format string, args ...any) *Diagnostic {
	d := &Diagnostic{Severity: Error, Code: code, Span: span, Message: fmt.Sprintf(format, args...)}
	*l = append(*l, d)
	return d
}

// Warnf adds a warning.
func (l *List) Warnf(code Code, span source.Span, format string, args ...any) *Diagnostic {
	d := &Diagnostic{Severity: Warning, Code: code, Span: span, Message: fmt.Sprintf(format, args...)}
	*l = append(*l, d)
	return d
}

// Append adds other lists' diagnostics.
func (l *List) Append(others ...List) {
	for _, o := range others {
		*l = append(*l, o...)
	}
}

// HasErrors reports whether any diagnostic is an error.
func (l List) HasErrors() bool {
	for _, d := range l {
		if d.Severity == Error {
			return true
		}
	}
	return false
}

// Errors returns only the errors.
func (l List) Errors() List {
	var out List
	for _, d := range l {
		if d.Severity == Error {
			out = append(out, d)
		}
	}
	return out
}

// Sort orders diagnostics by file, position, then code, and drops exact
// duplicates (same code and position), so output is deterministic.
func (l List) Sort() List {
	out := append(List(nil), l...)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Span.File != b.Span.File {
			return a.Span.File < b.Span.File
		}
		if a.Span.Start.Offset != b.Span.Start.Offset {
			return a.Span.Start.Offset < b.Span.Start.Offset
		}
		return a.Code < b.Code
	})
	dedup := out[:0]
	for i, d := range out {
		if i > 0 {
			p := out[i-1]
			if p.Code == d.Code && p.Span == d.Span && p.Message == d.Message {
				continue
			}
		}
		dedup = append(dedup, d)
	}
	return dedup
}

// Err returns the list as an error when it holds errors, else nil.
func (l List) Err() error {
	if !l.HasErrors() {
		return nil
	}
	return ErrorList(l)
}

// ErrorList adapts a List to the error interface.
type ErrorList List

func (e ErrorList) Error() string {
	var parts []string
	for _, d := range List(e).Errors() {
		parts = append(parts, d.Error())
	}
	if len(parts) > 3 {
		parts = append(parts[:3], fmt.Sprintf("and %d more", len(parts)-3))
	}
	return strings.Join(parts, "; ")
}
