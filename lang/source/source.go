// Package source holds positions and spans in spec files, and the file set
// that maps them back to text for diagnostics.
package source

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"
)

// Pos is a position in a file: byte offset, 1-based line and 1-based column
// counted in runes. The zero Pos is "no position".
type Pos struct {
	Offset int
	Line   int
	Col    int
}

// IsValid reports whether p is a real position.
func (p Pos) IsValid() bool { return p.Line > 0 }

// Span is a half-open range [Start, End) in one file.
type Span struct {
	File  string
	Start Pos
	End   Pos
}

// IsValid reports whether s points into a file.
func (s Span) IsValid() bool { return s.Start.IsValid() }

// String renders file:line:col.
func (s Span) String() string {
	if !s.IsValid() {
		return s.File
	}
	return fmt.Sprintf("%s:%d:%d", s.File, s.Start.Line, s.Start.Col)
}

// Join returns the smallest span covering a and b (which must share a file).
func Join(a, b Span) Span {
	if !a.IsValid() {
		return b
	}
	if !b.IsValid() {
		return a
	}
	out := a
	if b.Start.Offset < out.Start.Offset {
		out.Start = b.Start
	}
	if b.End.Offset > out.End.Offset {
		out.End = b.End
	}
	return out
}

// File is one spec file's name (as shown to users) and text.
type File struct {
	Name  string
	Text  string
	lines []int // byte offset of each line start
}

// NewFile indexes text for line look-ups.
func NewFile(name, text string) *File {
	f := &File{Name: name, Text: text, lines: []int{0}}
	for i := 0; i < len(text); i++ {
		if text[i] == '\n' {
			f.lines = append(f.lines, i+1)
		}
	}
	return f
}

// Line returns the text of 1-based line n without its newline.
func (f *File) Line(n int) string {
	if n < 1 || n > len(f.lines) {
		return ""
	}
	start := f.lines[n-1]
	end := len(f.Text)
	if n < len(f.lines) {
		end = f.lines[n] - 1
	}
	return strings.TrimRight(f.Text[start:end], "\r")
}

// PosAt converts a byte offset to a Pos.
func (f *File) PosAt(offset int) Pos {
	if offset < 0 {
		offset = 0
	}
	if offset > len(f.Text) {
		offset = len(f.Text)
	}
	line := sort.Search(len(f.lines), func(i int) bool { return f.lines[i] > offset })
	col := utf8.RuneCountInString(f.Text[f.lines[line-1]:offset]) + 1
	return Pos{Offset: offset, Line: line, Col: col}
}

// SpanOf returns the span [start, end) of byte offsets in f.
func (f *File) SpanOf(start, end int) Span {
	return Span{File: f.Name, Start: f.PosAt(start), End: f.PosAt(end)}
}

// Set is the files of one run, by name.
type Set struct {
	files map[string]*File
	order []string
}

// NewSet returns an empty file set.
func NewSet() *Set { return &Set{files: map[string]*File{}} }

// Add registers a file and returns it.
func (s *Set) Add(name, text string) *File {
	f := NewFile(name, text)
	if _, ok := s.files[name]; !ok {
		s.order = append(s.order, name)
	}
	s.files[name] = f
	return f
}

// File returns the named file or nil.
func (s *Set) File(name string) *File {
	if s == nil {
		return nil
	}
	return s.files[name]
}

// Files returns the files in the order they were added.
func (s *Set) Files() []*File {
	out := make([]*File, 0, len(s.order))
	for _, n := range s.order {
		out = append(out, s.files[n])
	}
	return out
}
