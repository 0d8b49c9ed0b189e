package syntax

import (
	"reflect"

	"github.com/caliper-dev/caliper/lang/ast"
	"github.com/caliper-dev/caliper/lang/diag"
	"github.com/caliper-dev/caliper/lang/source"
)

// Cache holds the declarations of a file's last parse, by their text, so
// that parsing the file again after an edit (ParseCached) parses only the
// declarations whose text changed: an editor's language server reparses
// one declaration per keystroke, not the file. The zero Cache is empty;
// a Cache serves one file and is not safe for concurrent use. The cache
// keeps the last tree's declarations: that tree must not be modified (the
// ast is read-only after parsing everywhere in Caliper).
type Cache struct {
	byText map[string]cachedDecl
}

// cachedDecl is one declaration chunk's parse and where it started.
type cachedDecl struct {
	start source.Pos
	decls []*ast.Decl
}

// ParseCached is Parse, reusing from c the declarations whose text has not
// changed since the last ParseCached with c, and keeping this parse in c.
// The result is the same as Parse's (positions included): a reused
// declaration is copied with its positions moved to where it now stands.
func ParseCached(f *source.File, c *Cache) (*ast.File, diag.List) {
	if c == nil {
		return Parse(f)
	}
	return parseWith(f, c)
}

// reuse fills res from the cache when chunk ch's text was parsed before
// and starts at the same column (so every column in it is unchanged and
// only offsets and lines move).
func (c *Cache) reuse(f *source.File, ch chunk, res *chunkResult) bool {
	e, ok := c.byText[f.Text[ch.start:ch.end]]
	if !ok {
		return false
	}
	at := f.PosAt(ch.start)
	if at.Col != e.start.Col {
		return false
	}
	dOff, dLine := at.Offset-e.start.Offset, at.Line-e.start.Line
	res.decls = make([]*ast.Decl, len(e.decls))
	for i, d := range e.decls {
		res.decls[i] = moved(reflect.ValueOf(d), dOff, dLine).Interface().(*ast.Decl)
	}
	return true
}

// keep replaces the cache's content with this parse's declarations. A
// chunk with diagnostics is not kept: its messages may name what follows
// it, which can change without its text changing.
func (c *Cache) keep(f *source.File, chs []chunk, results []chunkResult) {
	c.byText = make(map[string]cachedDecl, len(chs))
	for k, ch := range chs {
		if len(results[k].diags) > 0 {
			continue
		}
		c.byText[f.Text[ch.start:ch.end]] = cachedDecl{start: f.PosAt(ch.start), decls: results[k].decls}
	}
}

var posType = reflect.TypeOf(source.Pos{})

// moved returns a deep copy of v (a tree of ast nodes) with every valid
// source position moved by dOff bytes and dLine lines. The copy shares
// nothing mutable with v.
func moved(v reflect.Value, dOff, dLine int) reflect.Value {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return v
		}
		out := reflect.New(v.Type().Elem())
		out.Elem().Set(moved(v.Elem(), dOff, dLine))
		return out
	case reflect.Interface:
		if v.IsNil() {
			return v
		}
		out := reflect.New(v.Type()).Elem()
		out.Set(moved(v.Elem(), dOff, dLine))
		return out
	case reflect.Struct:
		if v.Type() == posType {
			p := v.Interface().(source.Pos)
			if p.IsValid() {
				p.Offset += dOff
				p.Line += dLine
			}
			return reflect.ValueOf(p)
		}
		out := reflect.New(v.Type()).Elem()
		for i := 0; i < v.NumField(); i++ {
			out.Field(i).Set(moved(v.Field(i), dOff, dLine))
		}
		return out
	case reflect.Slice:
		if v.IsNil() {
			return v
		}
		out := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := 0; i < v.Len(); i++ {
			out.Index(i).Set(moved(v.Index(i), dOff, dLine))
		}
		return out
	case reflect.Map:
		if v.IsNil() {
			return v
		}
		out := reflect.MakeMapWithSize(v.Type(), v.Len())
		it := v.MapRange()
		for it.Next() {
			out.SetMapIndex(it.Key(), moved(it.Value(), dOff, dLine))
		}
		return out
	}
	return v
}
