package runtime

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/caliper-dev/caliper/compiler"
	"github.com/caliper-dev/caliper/compiler/dialect"
	"github.com/caliper-dev/caliper/lang/diag"
	"github.com/caliper-dev/caliper/lang/model"
	"github.com/caliper-dev/caliper/lang/types"
	"github.com/caliper-dev/caliper/runtime/engine"
)

// ValidateSource checks a source's declared columns against its data: a
// missing file, a missing column, or a column whose values do not fit the
// declared type is a diagnostic at the declaration that names the source,
// the column, the declared and the found type.
func ValidateSource(ctx context.Context, eng engine.Engine, d *dialect.Dialect, s *model.Source) diag.List {
	var diags diag.List
	if s.Reader == nil {
		return diags
	}
	if s.Reader.Path && !strings.ContainsAny(s.Arg, "*?[") {
		if _, err := os.Stat(s.Arg); err != nil {
			diags.Errorf(diag.EDataRead, s.ArgSpan, "source `%s`: cannot read %s: %v", s.Name, s.Arg, unwrapPathErr(err)).
				Hint("paths in specs are relative to the spec file that holds them")
			return diags
		}
	}
	rel := s.Reader.SQL(s.Arg, d.String, d.Ident)
	tab, err := eng.Query(ctx, "DESCRIBE SELECT * FROM "+rel)
	if err != nil {
		diags.Errorf(diag.EDataRead, s.ArgSpan, "source `%s`: cannot read its data: %s", s.Name, firstLine(err.Error()))
		return diags
	}
	found := map[string]string{}
	var names []string
	ni, ti := tab.Index("column_name"), tab.Index("column_type")
	for _, row := range tab.Rows {
		name, typ := fmt.Sprint(row[ni]), fmt.Sprint(row[ti])
		found[name] = typ
		names = append(names, name)
	}
	for _, c := range s.Columns {
		typ, ok := found[c.Name]
		if !ok {
			dg := diags.Errorf(diag.EDataColumn, c.Span, "source `%s`: column `%s` (declared %s) is not in the data", s.Name, c.Name, c.Type)
			if sug := diag.Closest(c.Name, names); sug != "" {
				dg.Hint("the data has `%s`; did you mean that?", sug)
			} else {
				dg.Hint("the data's columns: %s", strings.Join(names, ", "))
			}
			continue
		}
		if !compatible(c.Type, typ) {
			diags.Errorf(diag.EDataType, c.Span, "source `%s`: column `%s` is declared %s but the data has %s", s.Name, c.Name, c.Type, typ).
				Hint("declare it as %s, or fix the data", suggestType(typ))
			continue
		}
		if strings.HasPrefix(typ, "VARCHAR") && c.Type != types.String {
			diags = append(diags, castCheck(ctx, eng, d, s, c, rel)...)
		}
	}
	return diags
}

// castCheck verifies that text values of a typed column all convert.
func castCheck(ctx context.Context, eng engine.Engine, d *dialect.Dialect, s *model.Source, c *model.Column, rel string) diag.List {
	var diags diag.List
	col := d.Ident(c.Name)
	q := fmt.Sprintf("SELECT count(*) AS n, min(%s) AS example FROM %s WHERE %s IS NOT NULL AND TRY_CAST(%s AS %s) IS NULL",
		col, rel, col, col, compiler.SQLType(d, c.Type))
	tab, err := eng.Query(ctx, q)
	if err != nil || len(tab.Rows) == 0 {
		return diags
	}
	if n := engine.Float(tab.Rows[0][0]); n > 0 {
		diags.Errorf(diag.EDataType, c.Span, "source `%s`: column `%s` is declared %s but %d value(s) are not, for example %q",
			s.Name, c.Name, c.Type, int64(n), fmt.Sprint(tab.Rows[0][1]))
	}
	return diags
}

// compatible reports whether data of SQL type found can be read as t.
func compatible(t types.Type, found string) bool {
	f := strings.ToUpper(found)
	isInt := strings.Contains(f, "INT")
	isNum := isInt || strings.HasPrefix(f, "DOUBLE") || strings.HasPrefix(f, "FLOAT") || strings.HasPrefix(f, "DECIMAL") || f == "REAL"
	isText := strings.HasPrefix(f, "VARCHAR")
	switch t {
	case types.String:
		return true
	case types.Int:
		return isInt || isText
	case types.Float:
		return isNum || isText
	case types.Bool:
		return f == "BOOLEAN" || isText
	case types.Timestamp, types.Date:
		return strings.HasPrefix(f, "TIMESTAMP") || f == "DATE" || isText
	}
	return false
}

func suggestType(found string) string {
	f := strings.ToUpper(found)
	switch {
	case strings.Contains(f, "INT"):
		return "int"
	case strings.HasPrefix(f, "DOUBLE"), strings.HasPrefix(f, "FLOAT"), strings.HasPrefix(f, "DECIMAL"):
		return "float"
	case f == "BOOLEAN":
		return "bool"
	case f == "DATE":
		return "date"
	case strings.HasPrefix(f, "TIMESTAMP"):
		return "timestamp"
	}
	return "string"
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

func unwrapPathErr(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}
