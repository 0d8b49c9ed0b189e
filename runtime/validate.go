package runtime

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/caliper-dev/caliper/compiler"
	"github.com/caliper-dev/caliper/dialect"
	"github.com/caliper-dev/caliper/lang/check"
	"github.com/caliper-dev/caliper/lang/diag"
	"github.com/caliper-dev/caliper/lang/model"
	"github.com/caliper-dev/caliper/lang/types"
	"github.com/caliper-dev/caliper/runtime/engine"
)

// ValidateSource checks a source's declared columns against its data: a
// missing file, a missing column, or a column whose values do not fit the
// declared type is a diagnostic at the declaration that names the source,
// the column, the declared and the found type. A source the engine cannot
// read (files outside DuckDB) is a diagnostic at its reader.
//
// DuckDB describes any relation (d.Describe); elsewhere a table's columns
// come from information_schema, and an sql source's from running it with
// LIMIT 0 (names only, so their types are not checked before the run).
func ValidateSource(ctx context.Context, eng engine.Engine, d *dialect.Dialect, s *model.Source) diag.List {
	var diags diag.List
	if s.Reader == nil {
		return diags
	}
	if compiler.CheckReader(s, d) != nil {
		diags.Errorf(diag.EDataRead, s.ArgSpan, "source `%s` reads files with %s(...), which %s cannot read", s.Name, s.Reader.Name, d.Title).
			Hint("load the data into a table of the database and declare the source with from table(\"schema.table\") or sql \"\"\"...\"\"\"")
		return diags
	}
	if s.Reader.Query {
		// One read-only query, checked before anything of it runs: the
		// checker's lexical test, then the engine's own parser.
		msg := check.SQLProblem(s.Arg)
		if qc, ok := eng.(engine.QueryChecker); ok && msg == "" {
			if err := qc.CheckQuery(ctx, s.Arg); err != nil {
				msg = "is not one read-only query: " + firstLine(err.Error())
			}
		}
		if msg != "" {
			diags.Errorf(diag.ENotAQuery, s.ArgSpan, "source `%s`: the sql source %s", s.Name, msg).
				Hint(`a sql source is one read-only query: sql """select ... from ..."""`)
			return diags
		}
	}
	if s.Reader.Path && !strings.ContainsAny(s.Arg, "*?[") {
		if _, err := os.Stat(s.Arg); err != nil {
			diags.Errorf(diag.EDataRead, s.ArgSpan, "source `%s`: cannot read %s: %v", s.Name, s.Arg, unwrapPathErr(err)).
				Hint("paths in specs are relative to the spec file that holds them")
			return diags
		}
	}
	rel := s.Reader.SQL(s.Arg, d.String, d.SourceIdent)
	if d.SubqueryAlias && strings.HasPrefix(rel, "(") {
		rel += " AS " + d.Ident("source")
	}
	cols, err := describe(ctx, eng, d, s, rel)
	if err != nil {
		diags.Errorf(diag.EDataRead, s.ArgSpan, "source `%s`: cannot read its data: %s", s.Name, firstLine(err.Error()))
		return diags
	}
	if cols == nil {
		diags.Errorf(diag.EDataRead, s.ArgSpan, "source `%s`: table %s is not in the database", s.Name, s.Arg).
			Hint("table names are schema.table, as the database spells them")
		return diags
	}
	found := map[string]string{}
	var names []string
	var floats []*model.Column // float columns whose values must be checked finite
	for _, c := range cols {
		found[c.name] = c.typ
		names = append(names, c.name)
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
		c.DataType = typ
		if typ == "" { // not known before the run
			continue
		}
		if !compatible(c.Type, typ) {
			if strings.EqualFold(typ, "JSON") {
				// Mixed JSON values (a string among numbers): name one
				// that does not fit, as for CSV text.
				if cd := castCheck(ctx, eng, d, s, c, rel, fmt.Sprintf("(%s ->> '$')", d.SourceIdent(c.Name))); cd.HasErrors() {
					diags = append(diags, cd...)
					continue
				}
			}
			diags.Errorf(diag.EDataType, c.Span, "source `%s`: column `%s` is declared %s but the data has %s", s.Name, c.Name, c.Type, typ).
				Hint("declare it as %s, or fix the data", suggestType(typ))
			continue
		}
		if isText(typ) && c.Type != types.String {
			cd := castCheck(ctx, eng, d, s, c, rel, d.SourceIdent(c.Name))
			diags = append(diags, cd...)
			if cd.HasErrors() {
				continue
			}
		}
		if c.Type == types.Float && (s.Reader == nil || !s.Reader.Finite) {
			floats = append(floats, c)
		}
	}
	return append(diags, finiteCheck(ctx, eng, d, s, floats, rel)...)
}

// column is a column of a source's data and its SQL type ("" if unknown).
type column struct{ name, typ string }

// describe lists the columns of a source's relation; nil (and no error)
// when a table is not in the database.
func describe(ctx context.Context, eng engine.Engine, d *dialect.Dialect, s *model.Source, rel string) ([]column, error) {
	if d.Describe != "" {
		tab, err := eng.Query(ctx, fmt.Sprintf(d.Describe, rel))
		if err != nil {
			return nil, err
		}
		return columnsOf(tab, tab.Index("column_name"), tab.Index("column_type")), nil
	}
	if s.Reader.Table {
		// [[catalog.]schema.]table, the schema by default the current one.
		parts := strings.Split(s.Arg, ".")
		if len(parts) > 3 {
			return nil, fmt.Errorf("table name %q has more than three parts", s.Arg)
		}
		keys := []string{"table_catalog", "table_schema", "table_name"}[3-len(parts):]
		var where []string
		for i, part := range parts {
			where = append(where, keys[i]+" = "+d.String(part))
		}
		if len(parts) == 1 {
			where = append(where, "table_schema = current_schema()")
		}
		tab, err := eng.Query(ctx, "SELECT column_name, data_type FROM information_schema.columns WHERE "+
			strings.Join(where, " AND ")+" ORDER BY ordinal_position")
		if err != nil {
			return nil, err
		}
		cols := columnsOf(tab, tab.Index("column_name"), tab.Index("data_type"))
		if len(cols) == 0 {
			return nil, nil
		}
		return cols, nil
	}
	tab, err := eng.Query(ctx, "SELECT * FROM "+rel+" LIMIT 0")
	if err != nil {
		return nil, err
	}
	cols := []column{}
	for _, c := range tab.Columns {
		cols = append(cols, column{name: c})
	}
	return cols, nil
}

func columnsOf(tab *engine.Table, ni, ti int) []column {
	cols := []column{}
	if ni < 0 || ti < 0 {
		return cols
	}
	for _, row := range tab.Rows {
		cols = append(cols, column{name: fmt.Sprint(row[ni]), typ: fmt.Sprint(row[ti])})
	}
	return cols
}

// castCheck verifies that text values of a typed column all convert:
// counting the values that do not (with an example) where the dialect has
// TryCast, otherwise casting them all and reporting the engine's error.
// col is the column's text in SQL.
func castCheck(ctx context.Context, eng engine.Engine, d *dialect.Dialect, s *model.Source, c *model.Column, rel, col string) diag.List {
	var diags diag.List
	if d.TryCast == "" {
		_, err := eng.Query(ctx, fmt.Sprintf("SELECT count(%s) FROM %s", d.Cast(col, compiler.SQLType(d, c.Type)), rel))
		if err != nil {
			diags.Errorf(diag.EDataType, c.Span, "source `%s`: column `%s` is declared %s but not every value is: %s",
				s.Name, c.Name, c.Type, firstLine(err.Error()))
		}
		return diags
	}
	q := fmt.Sprintf("SELECT count(*) AS n, min(%s) AS example FROM %s WHERE %s IS NOT NULL AND %s IS NULL",
		col, rel, col, fmt.Sprintf(d.TryCast, col, compiler.SQLType(d, c.Type)))
	tab, err := eng.Query(ctx, q)
	if err == nil && len(tab.Rows) != 1 {
		err = fmt.Errorf("the check returned %d rows", len(tab.Rows))
	}
	if err != nil {
		diags.Errorf(diag.EDataRead, c.Span, "source `%s`: cannot check the values of column `%s`: %s", s.Name, c.Name, firstLine(err.Error()))
		return diags
	}
	n, err := engine.Float(tab.Rows[0][0])
	if err != nil {
		diags.Errorf(diag.EDataType, c.Span, "source `%s`: checking column `%s` returned %v", s.Name, c.Name, err)
		return diags
	}
	if n > 0 {
		diags.Errorf(diag.EDataType, c.Span, "source `%s`: column `%s` is declared %s but %d value(s) are not, for example %q",
			s.Name, c.Name, c.Type, int64(n), fmt.Sprint(tab.Rows[0][1]))
	}
	return diags
}

// finiteCheck refuses NaN and infinite values (written as NaN, inf or a
// number too large for a double, such as 1e309) in float columns: no
// statistic of them means anything, and they must not turn into zeros. All
// the columns are checked in one pass over the data.
func finiteCheck(ctx context.Context, eng engine.Engine, d *dialect.Dialect, s *model.Source, cols []*model.Column, rel string) diag.List {
	var diags diag.List
	if len(cols) == 0 {
		return diags
	}
	special := func(s string) string { return d.Cast(d.String(s), d.Types.Float) }
	items := make([]string, 0, 2*len(cols))
	for k, c := range cols {
		col := d.SourceIdent(c.Name)
		val := d.Cast(col, d.Types.Float)
		if d.TryCast != "" {
			val = fmt.Sprintf(d.TryCast, col, d.Types.Float)
		}
		bad := fmt.Sprintf("%s IN (%s, %s, %s)", val, special("NaN"), special("Infinity"), special("-Infinity"))
		items = append(items,
			fmt.Sprintf("count(CASE WHEN %s THEN 1 END) AS %s", bad, d.Ident(fmt.Sprintf("n%d", k))),
			fmt.Sprintf("min(CASE WHEN %s THEN %s END) AS %s", bad, d.Cast(col, d.Types.String), d.Ident(fmt.Sprintf("e%d", k))))
	}
	tab, err := eng.Query(ctx, "SELECT "+strings.Join(items, ", ")+" FROM "+rel)
	if err == nil && (len(tab.Rows) != 1 || len(tab.Rows[0]) != len(items)) {
		err = fmt.Errorf("the check returned %d rows", len(tab.Rows))
	}
	for k, c := range cols {
		if err != nil {
			diags.Errorf(diag.EDataRead, c.Span, "source `%s`: cannot check the values of column `%s`: %s", s.Name, c.Name, firstLine(err.Error()))
			continue
		}
		n, nerr := engine.Float(tab.Rows[0][2*k])
		if nerr != nil {
			diags.Errorf(diag.EDataRead, c.Span, "source `%s`: checking column `%s` returned %v", s.Name, c.Name, nerr)
			continue
		}
		if n > 0 {
			diags.Errorf(diag.EDataType, c.Span, "source `%s`: column `%s` is declared float but %d value(s) are not finite numbers, for example %q",
				s.Name, c.Name, int64(n), fmt.Sprint(tab.Rows[0][2*k+1])).
				Hint("NaN and infinities (and numbers beyond ±1.8e308) have no mean: remove them or write missing values as empty (NULL)")
		}
	}
	return diags
}

// isText reports whether an SQL type (DuckDB's or PostgreSQL's spelling)
// is text.
func isText(found string) bool {
	f := strings.ToUpper(found)
	return strings.HasPrefix(f, "VARCHAR") || f == "TEXT" || strings.HasPrefix(f, "CHARACTER") || f == "STRING"
}

// compatible reports whether data of SQL type found can be read as t.
func compatible(t types.Type, found string) bool {
	f := strings.ToUpper(found)
	isInt := strings.Contains(f, "INT")
	isNum := isInt || strings.HasPrefix(f, "DOUBLE") || strings.HasPrefix(f, "FLOAT") || strings.HasPrefix(f, "DECIMAL") || strings.HasPrefix(f, "NUMERIC") || f == "REAL"
	isText := isText(found)
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
	case strings.HasPrefix(f, "DOUBLE"), strings.HasPrefix(f, "FLOAT"), strings.HasPrefix(f, "DECIMAL"), strings.HasPrefix(f, "NUMERIC"), f == "REAL":
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
