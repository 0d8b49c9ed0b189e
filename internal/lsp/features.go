package lsp

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/caliper-dev/caliper/lang/ast"
	"github.com/caliper-dev/caliper/lang/format"
	"github.com/caliper-dev/caliper/lang/syntax"
	"github.com/caliper-dev/caliper/stdlib"
)

// lookup finds the occurrence under a position and its target.
func (s *Server) lookup(p positionParams) (*folder, *file, occurrence, *target) {
	fo, f := s.ready(p.TextDocument.URI)
	if f == nil || fo.idx == nil {
		return fo, f, occurrence{}, nil
	}
	o, ok := fo.idx.at(f.path, f.offset(p.Position))
	if !ok {
		return fo, f, o, nil
	}
	return fo, f, o, fo.idx.targets[o.key]
}

func (s *Server) hover(params json.RawMessage) (any, *rpcError) {
	var p positionParams
	if err := decode(params, &p); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	fo, f, o, t := s.lookup(p)
	if t == nil {
		return nil, nil
	}
	r := f.rangeOf(o.span)
	return hover{Contents: markupContent{Kind: "markdown", Value: describe(fo, t)}, Range: &r}, nil
}

// describe is a target's hover text: what it is, its owner and
// description, and its definition.
func describe(fo *folder, t *target) string {
	var b strings.Builder
	if t.kind == "column" {
		fmt.Fprintf(&b, "**column** `%s` %s of source `%s`\n", t.name, t.colType, t.source)
		return b.String()
	}
	fmt.Fprintf(&b, "**%s** `%s`", t.kind, t.name)
	if t.kind == ast.KindMetric && fo.pkg != nil {
		for _, m := range fo.pkg.Metrics {
			if m.Name == t.name {
				fmt.Fprintf(&b, " (%s)", m.Kind)
				break
			}
		}
	}
	b.WriteString("\n\n")
	for _, field := range []string{"title", "owner", "description"} {
		if v := stringField(t.decl, field); v != "" {
			fmt.Fprintf(&b, "- %s: %s\n", field, v)
		}
	}
	if t.file != nil && t.decl != nil {
		text := declText(t.file, t.decl)
		fmt.Fprintf(&b, "\n```caliper\n%s\n```\n", text)
	}
	return b.String()
}

// stringField returns a declaration's string field value.
func stringField(d *ast.Decl, name string) string {
	if d == nil {
		return ""
	}
	for _, f := range d.Fields {
		if f != nil && f.Key != nil && f.Key.Name == name {
			if s, ok := f.Value.(*ast.StringLit); ok {
				return s.Value
			}
		}
	}
	return ""
}

// declText is a declaration's source text, cut after 25 lines.
func declText(f *file, d *ast.Decl) string {
	a, b := spanOffset(f, d.Sp.Start), spanOffset(f, d.Sp.End)
	if a < 0 || b > len(f.text) || a >= b {
		return ""
	}
	lines := strings.Split(f.text[a:b], "\n")
	if len(lines) > 25 {
		lines = append(lines[:25], "  ...")
	}
	return strings.ReplaceAll(strings.Join(lines, "\n"), "```", "'''")
}

func (s *Server) definition(params json.RawMessage) (any, *rpcError) {
	var p positionParams
	if err := decode(params, &p); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	_, _, _, t := s.lookup(p)
	if t == nil || t.file == nil {
		return nil, nil
	}
	return []location{{URI: pathToURI(t.file.path), Range: t.file.rangeOf(t.span)}}, nil
}

func (s *Server) references(params json.RawMessage) (any, *rpcError) {
	var p referenceParams
	if err := decode(params, &p); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	fo, _, _, t := s.lookup(p.positionParams)
	if t == nil {
		return []location{}, nil
	}
	out := []location{}
	refs := fo.idx.refs(t.key, p.Context.IncludeDeclaration)
	paths := make([]string, 0, len(refs))
	for path := range refs {
		paths = append(paths, path)
	}
	sort.Strings(paths)
	for _, path := range paths {
		f := fo.files[path]
		for _, o := range refs[path] {
			out = append(out, location{URI: pathToURI(path), Range: f.rangeOf(o.span)})
		}
	}
	return out, nil
}

var symbolKinds = map[string]int{
	ast.KindSource: skObject, ast.KindMetric: skVariable, ast.KindExperiment: skClass, ast.KindBenchmark: skClass,
	ast.KindInterleaving: skClass, ast.KindCounterfactual: skClass, ast.KindRollout: skEvent,
}

func (s *Server) documentSymbol(params json.RawMessage) (any, *rpcError) {
	var p documentParams
	if err := decode(params, &p); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	_, f := s.ready(p.TextDocument.URI)
	out := []documentSymbol{}
	if f == nil {
		return out, nil
	}
	for _, d := range f.tree.Decls {
		if d == nil || d.Name == nil {
			continue
		}
		kind, ok := symbolKinds[d.Kind]
		if !ok {
			kind = skObject
		}
		sym := documentSymbol{Name: d.Name.Name, Detail: d.Kind, Kind: kind, Range: f.rangeOf(d.Sp), SelectionRange: f.rangeOf(d.Name.Sp)}
		for _, fl := range d.Fields {
			cols, ok := fl.Value.(*ast.Columns)
			if !ok {
				continue
			}
			for _, c := range cols.Cols {
				if c == nil || c.Name == nil {
					continue
				}
				typ := ""
				if c.Type != nil {
					typ = c.Type.Name
				}
				sym.Children = append(sym.Children, documentSymbol{Name: c.Name.Name, Detail: typ, Kind: skField,
					Range: f.rangeOf(c.Span()), SelectionRange: f.rangeOf(c.Name.Sp)})
			}
		}
		out = append(out, sym)
	}
	return out, nil
}

func (s *Server) formatting(params json.RawMessage) (any, *rpcError) {
	var p documentParams
	if err := decode(params, &p); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	_, f := s.ready(p.TextDocument.URI)
	if f == nil {
		return nil, nil
	}
	out, diags := format.Source(f.path, f.text)
	if diags != nil {
		return nil, &rpcError{Code: codeRequestFailed, Message: fmt.Sprintf("not formatted: the file has syntax errors (%d)", len(diags.Errors()))}
	}
	if out == f.text {
		return []textEdit{}, nil
	}
	return []textEdit{{Range: lspRange{End: f.position(len(f.text))}, NewText: out}}, nil
}

var identRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

func (s *Server) prepareRename(params json.RawMessage) (any, *rpcError) {
	var p positionParams
	if err := decode(params, &p); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	_, f, o, t := s.lookup(p)
	if t == nil || t.kind == "column" {
		return nil, nil
	}
	return map[string]any{"range": f.rangeOf(o.span), "placeholder": t.name}, nil
}

func (s *Server) rename(params json.RawMessage) (any, *rpcError) {
	var p renameParams
	if err := decode(params, &p); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	fo, _, _, t := s.lookup(p.positionParams)
	if t == nil {
		return nil, &rpcError{Code: codeRequestFailed, Message: "nothing to rename here: put the cursor on a metric, source or experiment name"}
	}
	if t.kind == "column" {
		return nil, &rpcError{Code: codeRequestFailed, Message: "columns are named by the data; rename it in the source's columns and the data"}
	}
	if !identRE.MatchString(p.NewName) {
		return nil, &rpcError{Code: codeRequestFailed, Message: fmt.Sprintf("%q is not a name: letters, digits and _, not starting with a digit", p.NewName)}
	}
	if syntax.IsReserved(p.NewName) {
		return nil, &rpcError{Code: codeRequestFailed, Message: fmt.Sprintf("%s is a keyword of the language and cannot be a name", p.NewName)}
	}
	if other, ok := fo.idx.targets[p.NewName]; ok && other != t {
		return nil, &rpcError{Code: codeRequestFailed, Message: fmt.Sprintf("%s %s already exists", other.kind, p.NewName)}
	}
	edit := workspaceEdit{Changes: map[string][]textEdit{}}
	for path, occs := range fo.idx.refs(t.key, true) {
		f := fo.files[path]
		for _, o := range occs {
			text := p.NewName
			if a := spanOffset(f, o.span.Start); a < len(f.text) && f.text[a] == '`' {
				text = "`" + text + "`"
			}
			uri := pathToURI(path)
			edit.Changes[uri] = append(edit.Changes[uri], textEdit{Range: f.rangeOf(o.span), NewText: text})
		}
	}
	return edit, nil
}

// declHeader matches a declaration's first line.
var declHeader = regexp.MustCompile(`^\s*([a-z]+)\s+[A-Za-z_` + "`" + `]`)

func (s *Server) completion(params json.RawMessage) (any, *rpcError) {
	var p positionParams
	if err := decode(params, &p); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	fo, f := s.ready(p.TextDocument.URI)
	list := completionList{Items: []completionItem{}}
	if f == nil || fo.idx == nil {
		return list, nil
	}
	off := f.offset(p.Position)
	lineStart := strings.LastIndexByte(f.text[:off], '\n') + 1
	before := f.text[lineStart:off]
	word := before[len(strings.TrimRight(before, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")):]
	head := strings.TrimSpace(before[:len(before)-len(word)])
	ix := fo.idx

	// After `source.`: that source's columns.
	if strings.HasSuffix(before[:len(before)-len(word)], ".") {
		q := before[:len(before)-len(word)-1]
		src := q[len(strings.TrimRight(q, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")):]
		for _, c := range ix.columns[src] {
			t := ix.targets[colKey(src, c)]
			list.Items = append(list.Items, completionItem{Label: c, Kind: ciField, Detail: t.colType + " column of " + src})
		}
		return list, nil
	}
	// At the start of a line: a declaration kind at the top level, a
	// field name inside a declaration.
	if head == "" {
		kind := enclosingKind(f.text[:lineStart])
		if kind == "" {
			for _, d := range ast.Decls {
				list.Items = append(list.Items, completionItem{Label: d.Kind, Kind: ciKeyword, Detail: d.Doc})
			}
			return list, nil
		}
		if spec, ok := ast.LookupDecl(kind); ok {
			for _, fs := range spec.Fields {
				list.Items = append(list.Items, completionItem{Label: fs.Name, Kind: ciProperty, Detail: fs.Hint,
					Documentation: &markupContent{Kind: "markdown", Value: fs.Doc}})
			}
		}
		return list, nil
	}
	// Elsewhere: names of the folder, then builtins.
	keys := make([]string, 0, len(ix.targets))
	for k := range ix.targets {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	seenCol := map[string]bool{}
	for _, k := range keys {
		t := ix.targets[k]
		switch t.kind {
		case "column":
			if seenCol[t.name] {
				continue
			}
			seenCol[t.name] = true
			list.Items = append(list.Items, completionItem{Label: t.name, Kind: ciField, Detail: t.colType + " column of " + t.source})
		case ast.KindMetric:
			list.Items = append(list.Items, completionItem{Label: t.name, Kind: ciVariable, Detail: "metric " + oneLine(stringField(t.decl, "title"))})
		case ast.KindSource:
			list.Items = append(list.Items, completionItem{Label: t.name, Kind: ciClass, Detail: "source"})
		}
	}
	for _, a := range stdlib.Aggregates() {
		list.Items = append(list.Items, completionItem{Label: a.Name, Kind: ciFunction, Detail: "aggregate: " + a.Doc})
	}
	for _, fn := range stdlib.Funcs() {
		list.Items = append(list.Items, completionItem{Label: fn.Name, Kind: ciFunction, Detail: "function: " + fn.Doc})
	}
	for _, w := range []string{"where", "and", "or", "not", "in", "is", "null", "true", "false"} {
		list.Items = append(list.Items, completionItem{Label: w, Kind: ciKeyword})
	}
	if word != "" {
		kept := list.Items[:0]
		for _, it := range list.Items {
			if strings.HasPrefix(it.Label, word) {
				kept = append(kept, it)
			}
		}
		list.Items = kept
	}
	return list, nil
}

func oneLine(s string) string { return strings.TrimSpace(strings.ReplaceAll(s, "\n", " ")) }

// enclosingKind is the kind of the declaration whose body text ends in
// (by brace depth), or "" at the top level.
func enclosingKind(text string) string {
	depth, kind := 0, ""
	lines := strings.Split(text, "\n")
	for _, line := range lines {
		code := stripComment(line)
		if depth == 0 {
			if m := declHeader.FindStringSubmatch(code); m != nil {
				if _, ok := ast.LookupDecl(m[1]); ok {
					kind = m[1]
				}
			}
		}
		depth += strings.Count(code, "{") - strings.Count(code, "}")
		if depth <= 0 {
			depth = 0
			if strings.Contains(code, "}") {
				kind = ""
			}
		}
	}
	if depth == 0 {
		return ""
	}
	return kind
}

// stripComment drops a line's // comment and string contents (roughly:
// enough for brace counting).
func stripComment(line string) string {
	var b strings.Builder
	inStr := false
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case inStr && c == '\\':
			i++
		case c == '"':
			inStr = !inStr
		case inStr:
		case c == '/' && i+1 < len(line) && line[i+1] == '/':
			return b.String()
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
