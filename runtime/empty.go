package runtime

import (
	"context"
	"fmt"
	"strings"

	"github.com/caliper-dev/caliper/compiler"
	"github.com/caliper-dev/caliper/lang/model"
	"github.com/caliper-dev/caliper/runtime/engine"
	"github.com/caliper-dev/caliper/stdlib"
)

// EmptySources points every source at an empty table of its declared
// columns, created in eng (a DuckDB engine): queries compiled afterwards
// can be described or explained without any data. The returned function
// restores the sources' readers.
func EmptySources(ctx context.Context, eng engine.Engine, sources []*model.Source) (restore func(), err error) {
	table, _ := stdlib.LookupReader("table")
	d := eng.Dialect()
	type saved struct {
		reader *stdlib.Reader
		arg    string
	}
	old := map[*model.Source]saved{}
	restore = func() {
		for s, v := range old {
			s.Reader, s.Arg = v.reader, v.arg
		}
	}
	for i, s := range sources {
		if _, ok := old[s]; ok {
			continue
		}
		name := fmt.Sprintf("caliper_empty_%d", i)
		var cols []string
		for _, c := range s.Columns {
			cols = append(cols, d.Ident(c.Name)+" "+compiler.SQLType(d, c.Type))
		}
		if len(cols) == 0 {
			cols = append(cols, d.Ident("caliper_no_columns")+" INTEGER")
		}
		if _, err := eng.Query(ctx, fmt.Sprintf("CREATE OR REPLACE TEMP TABLE %s (%s)", d.Ident(name), strings.Join(cols, ", "))); err != nil {
			restore()
			return nil, fmt.Errorf("source %s: empty table: %w", s.Name, err)
		}
		old[s] = saved{s.Reader, s.Arg}
		s.Reader, s.Arg = table, name
	}
	return restore, nil
}

// ResultColumn is a column of a query's result and its SQL type.
type ResultColumn struct {
	Name, Type string
}

// DescribeQuery returns the columns a query's result has, without
// running it (DuckDB's DESCRIBE).
func DescribeQuery(ctx context.Context, eng engine.Engine, query string) ([]ResultColumn, error) {
	tab, err := eng.Query(ctx, "DESCRIBE "+query)
	if err != nil {
		return nil, err
	}
	ni, ti := tab.Index("column_name"), tab.Index("column_type")
	if ni < 0 || ti < 0 {
		return nil, fmt.Errorf("DESCRIBE returned columns %v", tab.Columns)
	}
	var out []ResultColumn
	for _, row := range tab.Rows {
		out = append(out, ResultColumn{Name: fmt.Sprint(row[ni]), Type: fmt.Sprint(row[ti])})
	}
	return out, nil
}
