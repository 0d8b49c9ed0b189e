// Package format prints spec files in Caliper's canonical layout, keeping
// every comment: one blank line between declarations, fields one per line
// indented by two spaces with their values aligned in a column, blocks
// (`columns`, `launch`) one item per line, expressions with single spaces
// around operators. Fields keep their order and at most one blank line
// between them. Formatting is idempotent and never changes what a file
// means: the formatted file parses to the same syntax tree.
package format

import (
	"strings"
	"unicode/utf8"

	"github.com/caliper-dev/caliper/lang/ast"
	"github.com/caliper-dev/caliper/lang/diag"
	"github.com/caliper-dev/caliper/lang/source"
	"github.com/caliper-dev/caliper/lang/syntax"
)

// Source formats the text of one spec file. A file with syntax errors is
// not formatted: the diagnostics are returned instead.
func Source(name, text string) (string, diag.List) {
	return File(source.NewFile(name, text))
}

// File formats a spec file (see Source).
func File(f *source.File) (string, diag.List) {
	tree, diags := syntax.Parse(f)
	if diags.HasErrors() {
		return "", diags
	}
	p := &printer{file: f}
	root := p.build(tree)
	for _, c := range syntax.Comments(f) {
		p.assign(root, c)
	}
	p.fileItems(root, tree)
	return p.out.String(), nil
}

// node is a declaration, a field, a column or a requirement, with the
// comments that belong to it.
type node struct {
	start, end         int // byte offsets of the node, [start, end)
	startLine, endLine int
	leading            []syntax.Comment // own-line comments before it
	inner              []syntax.Comment // comments inside a one-line node: printed before it
	trailing           []syntax.Comment // comments after it on its last line
	block              *container       // a declaration's body, a columns or launch block
}

// container is a `{ ... }` body (or the file): its children in order and
// the comments not attached to one of them.
type container struct {
	open, close int // offsets of `{` and `}` (-1, len for the file)
	openLine    int
	children    []*node
	header      []syntax.Comment // on the line of `{`, before any child
	footer      []syntax.Comment // own-line comments after the last child
}

type printer struct {
	file *source.File
	out  strings.Builder
	// widths of factor names and columns in the declaration being printed
	factorName, factorCol int
}

// hasComments reports whether comments are attached in a block.
func hasComments(c *container) bool {
	if len(c.header) > 0 || len(c.footer) > 0 {
		return true
	}
	for _, n := range c.children {
		if len(n.leading)+len(n.inner)+len(n.trailing) > 0 {
			return true
		}
	}
	return false
}

func (p *printer) nodeOf(sp source.Span) *node {
	return &node{start: sp.Start.Offset, end: sp.End.Offset, startLine: sp.Start.Line, endLine: sp.End.Line}
}

// blockOf makes the container of a span that starts with `{` and ends
// just after `}`.
func (p *printer) blockOf(sp source.Span) *container {
	return &container{open: sp.Start.Offset, close: sp.End.Offset - 1, openLine: sp.Start.Line}
}

// build makes the tree of nodes that comments attach to.
func (p *printer) build(tree *ast.File) *container {
	root := &container{open: -1, close: len(p.file.Text) + 1}
	for _, d := range tree.Decls {
		dn := p.nodeOf(d.Sp)
		// The body runs from the `{` after the name to the closing `}`.
		open := p.braceAfter(d.Name.Sp.End.Offset)
		dn.block = &container{open: open, close: d.Sp.End.Offset - 1, openLine: p.file.PosAt(open).Line}
		for _, f := range d.Fields {
			fn := p.nodeOf(f.Sp)
			switch v := f.Value.(type) {
			case *ast.Columns:
				fn.block = p.blockOf(v.Sp)
				for _, c := range v.Cols {
					fn.block.children = append(fn.block.children, p.nodeOf(c.Span()))
				}
			case *ast.Launch:
				fn.block = p.blockOf(v.Sp)
				for _, r := range v.Requires {
					fn.block.children = append(fn.block.children, p.nodeOf(r.Sp))
				}
			}
			dn.block.children = append(dn.block.children, fn)
		}
		root.children = append(root.children, dn)
	}
	return root
}

// braceAfter returns the offset of the first `{` at or after offset that
// is not in a comment (only comments and spaces can come between a
// declaration's name and its `{`).
func (p *printer) braceAfter(offset int) int {
	t := p.file.Text
	for i := offset; i < len(t); i++ {
		switch t[i] {
		case '{':
			return i
		case '/':
			if j := strings.IndexByte(t[i:], '\n'); j >= 0 {
				i += j
			} else {
				return len(t)
			}
		}
	}
	return len(t)
}

// ownLine reports whether only spaces precede offset on its line.
func (p *printer) ownLine(offset int) bool {
	t := p.file.Text
	for i := offset - 1; i >= 0 && t[i] != '\n'; i-- {
		if t[i] != ' ' && t[i] != '\t' && t[i] != '\r' {
			return false
		}
	}
	return true
}

// assign attaches a comment to the innermost node or container holding
// it.
func (p *printer) assign(c *container, cm syntax.Comment) {
	off := cm.Span.Start.Offset
	var prev, next *node
	for _, ch := range c.children {
		if ch.start <= off && off < ch.end {
			if b := ch.block; b != nil && b.open < off && off < b.close {
				p.assign(b, cm)
				return
			}
			ch.inner = append(ch.inner, cm)
			return
		}
		if ch.end <= off {
			prev = ch
		} else if next == nil {
			next = ch
		}
	}
	line := cm.Span.Start.Line
	switch {
	case !p.ownLine(off) && prev != nil && prev.endLine == line:
		prev.trailing = append(prev.trailing, cm)
	case !p.ownLine(off) && prev == nil:
		c.header = append(c.header, cm)
	case next != nil:
		next.leading = append(next.leading, cm)
	default:
		c.footer = append(c.footer, cm)
	}
}

// blankBetween reports whether a blank line lies strictly between lines
// a and b of the input.
func (p *printer) blankBetween(a, b int) bool {
	for n := a + 1; n < b; n++ {
		if strings.TrimSpace(p.file.Line(n)) == "" {
			return true
		}
	}
	return false
}

// line is one output line of a container's body, before indentation.
type line struct {
	text    string
	comment string // trailing comment, aligned with its neighbours'
	blank   bool   // a blank line goes before it
	// aligned marks single-line children whose trailing comments align
	// with the next line's.
	aligned bool
}

// body lays out the items of a container: comments and children, with
// blank lines as in the input (at most one), none at the start.
// child(i) renders child i as one or more lines (the last may carry its
// trailing comment).
func (p *printer) body(c *container, startLine int, child func(i int, n *node) []string) []line {
	var out []line
	last := startLine // the input line the previous item ended on
	addComment := func(cm syntax.Comment, allowBlank bool) {
		l := cm.Span.Start.Line
		out = append(out, line{text: cm.Text, blank: allowBlank && len(out) > 0 && p.blankBetween(last, l)})
		last = l
	}
	for _, cm := range c.header[min(1, len(c.header)):] {
		addComment(cm, false)
	}
	for i, n := range c.children {
		for _, cm := range n.leading {
			addComment(cm, true)
		}
		blank := len(out) > 0 && p.blankBetween(last, n.startLine)
		for _, cm := range n.inner {
			out = append(out, line{text: cm.Text, blank: blank})
			blank = false
		}
		lines := child(i, n)
		for k, text := range lines {
			out = append(out, line{text: text, blank: blank && k == 0})
		}
		if len(n.trailing) > 0 {
			out[len(out)-1].comment = n.trailing[0].Text
			out[len(out)-1].aligned = len(lines) == 1 && !strings.Contains(lines[0], "\n")
			for _, cm := range n.trailing[1:] {
				out = append(out, line{text: cm.Text})
			}
		}
		last = n.endLine
		if len(n.trailing) > 0 {
			last = max(last, n.trailing[len(n.trailing)-1].Span.Start.Line)
		}
	}
	for _, cm := range c.footer {
		addComment(cm, true)
	}
	return out
}

// write prints body lines indented, aligning the trailing comments of
// runs of consecutive one-line items.
func (p *printer) write(lines []line, indent string) {
	for i := 0; i < len(lines); {
		j := i + 1
		if lines[i].aligned {
			for j < len(lines) && lines[j].aligned && !lines[j].blank {
				j++
			}
		}
		width := 0
		for _, l := range lines[i:j] {
			width = max(width, utf8.RuneCountInString(l.text))
		}
		for _, l := range lines[i:j] {
			if l.blank {
				p.out.WriteString("\n")
			}
			text := l.text
			if l.comment != "" {
				pad := 1
				if l.aligned {
					pad = width - utf8.RuneCountInString(text) + 1
				}
				text += strings.Repeat(" ", pad) + l.comment
			}
			writeIndented(&p.out, indent, text)
		}
		i = j
	}
}

// writeIndented writes text (which may span lines, inside a raw string)
// with indent on its first line only: the other lines are verbatim.
func writeIndented(b *strings.Builder, indent, text string) {
	if text == "" {
		b.WriteString("\n")
		return
	}
	b.WriteString(indent)
	b.WriteString(text)
	b.WriteString("\n")
}

// fileItems prints the file: declarations separated by one blank line,
// comments between them kept.
func (p *printer) fileItems(root *container, tree *ast.File) {
	wrote := false // something is written
	last := 0
	comment := func(cm syntax.Comment, forceBlank bool) {
		l := cm.Span.Start.Line
		if wrote && (forceBlank || p.blankBetween(last, l)) {
			p.out.WriteString("\n")
		}
		p.out.WriteString(cm.Text + "\n")
		wrote, last = true, l
	}
	afterDecl := false
	for i, n := range root.children {
		for k, cm := range n.leading {
			comment(cm, afterDecl && k == 0)
		}
		if wrote && (afterDecl && len(n.leading) == 0 || p.blankBetween(last, n.startLine)) {
			p.out.WriteString("\n")
		}
		for _, cm := range n.inner { // between a declaration's keyword and name
			p.out.WriteString(cm.Text + "\n")
		}
		p.decl(tree.Decls[i], n)
		wrote, afterDecl, last = true, true, n.endLine
		if len(n.trailing) > 0 {
			last = n.trailing[len(n.trailing)-1].Span.Start.Line
		}
	}
	for _, cm := range root.footer {
		comment(cm, false)
	}
	for _, cm := range root.header { // comments can only be headers of a `{`
		comment(cm, false)
	}
}

// decl prints a declaration with its trailing comment.
func (p *printer) decl(d *ast.Decl, n *node) {
	b := n.block
	head := d.Kind + " " + identText(d.Name) + " {"
	trailing := ""
	if len(n.trailing) > 0 {
		trailing = " " + n.trailing[0].Text
	}
	if len(b.children) == 0 && len(b.header) == 0 && len(b.footer) == 0 {
		p.out.WriteString(head + "}" + trailing + "\n")
		p.extraTrailing(n)
		return
	}
	if len(b.header) > 0 {
		head += " " + b.header[0].Text
	}
	p.out.WriteString(head + "\n")
	width := 0
	p.factorName, p.factorCol = 0, 0
	for _, f := range d.Fields {
		if !isBlock(f) {
			width = max(width, len(f.Key.Name))
		}
		if fa, ok := f.Value.(*ast.Factor); ok {
			p.factorName = max(p.factorName, utf8.RuneCountInString(identText(fa.Name)))
			p.factorCol = max(p.factorCol, utf8.RuneCountInString(identText(fa.Column)))
		}
	}
	lines := p.body(b, b.openLine, func(i int, fn *node) []string {
		return p.field(d.Fields[i], fn, width)
	})
	p.write(lines, "  ")
	p.out.WriteString("}" + trailing + "\n")
	p.extraTrailing(n)
}

func (p *printer) extraTrailing(n *node) {
	for _, cm := range n.trailing[min(1, len(n.trailing)):] {
		p.out.WriteString(cm.Text + "\n")
	}
}

func isBlock(f *ast.Field) bool {
	switch f.Value.(type) {
	case *ast.Columns, *ast.Launch:
		return true
	}
	return false
}

// field prints one field as lines relative to the declaration's indent.
func (p *printer) field(f *ast.Field, fn *node, width int) []string {
	key := f.Key.Name
	if l, ok := f.Value.(*ast.Launch); isBlock(f) && fn.block.openLine == fn.endLine && !hasComments(fn.block) && (!ok || len(l.Requires) <= 1) {
		// A one-line block stays on one line (a launch block only with one
		// requirement).
		return []string{key + " " + Value(key, f.Value)}
	}
	switch v := f.Value.(type) {
	case *ast.Factor:
		// Consecutive factors align their names and columns.
		return []string{key + strings.Repeat(" ", width-len(key)+1) + identText(v.Name) +
			strings.Repeat(" ", p.factorName-utf8.RuneCountInString(identText(v.Name))+1) + identText(v.Column) +
			strings.Repeat(" ", p.factorCol-utf8.RuneCountInString(identText(v.Column))+1) +
			"baseline " + Quote(v.Baseline.Value, v.Baseline.Raw)}
	case *ast.Columns:
		nameWidth := 0
		for _, c := range v.Cols {
			nameWidth = max(nameWidth, utf8.RuneCountInString(identText(c.Name)))
		}
		return p.block(key, fn, func(i int) string {
			c := v.Cols[i]
			name := identText(c.Name)
			return name + strings.Repeat(" ", nameWidth-utf8.RuneCountInString(name)+1) + identText(c.Type)
		})
	case *ast.Launch:
		return p.block(key, fn, func(i int) string { return "require " + requireText(v.Requires[i]) })
	}
	return []string{key + strings.Repeat(" ", width-len(key)+1) + Value(key, f.Value)}
}

// block prints `key { items }`, one item per line.
func (p *printer) block(key string, fn *node, item func(i int) string) []string {
	b := fn.block
	if len(b.children) == 0 && len(b.header) == 0 && len(b.footer) == 0 {
		return []string{key + " {}"}
	}
	head := key + " {"
	if len(b.header) > 0 {
		head += " " + b.header[0].Text
	}
	lines := p.body(b, b.openLine, func(i int, _ *node) []string { return []string{item(i)} })
	// Lay the body out (indented one more level, comments aligned) and
	// return its lines: the declaration indents them again.
	sub := &printer{file: p.file}
	sub.write(lines, "  ")
	out := []string{head}
	if body := strings.TrimSuffix(sub.out.String(), "\n"); body != "" {
		out = append(out, strings.Split(body, "\n")...)
	}
	return append(out, "}")
}
