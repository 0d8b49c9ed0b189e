package runtime

import (
	"fmt"
	"time"

	"github.com/caliper-dev/caliper/compiler"
	"github.com/caliper-dev/caliper/runtime/engine"
)

// results is a query's result table read through its plan's column
// description (compiler.Columns): every described column must be present
// with values of its type, NULL only where the description allows it. A
// column the description lacks, a missing column and a mistyped value are
// internal errors that name the column; nothing is read as 0 by default.
type results struct {
	what string // "the result", "the split result", ...
	tab  *engine.Table
	cols compiler.Columns
	idx  map[string]int
}

// readResults checks tab against its description.
func readResults(what string, tab *engine.Table, cols compiler.Columns) (*results, error) {
	r := &results{what: what, tab: tab, cols: cols, idx: map[string]int{}}
	for _, c := range cols {
		i := tab.Index(c.Name)
		if i < 0 {
			return nil, fmt.Errorf("internal error: %s lacks column %q (%s) that the plan describes", what, c.Name, c.Meaning)
		}
		r.idx[c.Name] = i
	}
	for _, row := range tab.Rows {
		for _, c := range cols {
			v := row[r.idx[c.Name]]
			if v == nil {
				if !c.Nullable {
					return nil, fmt.Errorf("internal error: %s has NULL in column %q (%s), which the plan says is never NULL", what, c.Name, c.Meaning)
				}
				continue
			}
			if err := checkType(v, c.Type); err != nil {
				return nil, fmt.Errorf("internal error: %s column %q (%s): %v", what, c.Name, c.Meaning, err)
			}
		}
	}
	return r, nil
}

// checkType reports a value that is not of a column type.
func checkType(v any, t compiler.ColumnType) error {
	switch t {
	case compiler.Number:
		_, err := engine.Float(v)
		return err
	case compiler.Text:
		if _, ok := v.(string); !ok {
			return fmt.Errorf("expected text, found %T", v)
		}
	case compiler.Time:
		if _, ok := v.(time.Time); !ok {
			return fmt.Errorf("expected a timestamp, found %T", v)
		}
	case compiler.Any:
	default:
		return fmt.Errorf("unknown column type %q", t)
	}
	return nil
}

// column returns a described column's position.
func (r *results) column(name string, want compiler.ColumnType) (int, compiler.ResultColumn, error) {
	c, ok := r.cols.Lookup(name)
	if !ok || name == "" {
		return -1, c, fmt.Errorf("internal error: column %q is not in the plan's description of %s", name, r.what)
	}
	if c.Type != want {
		return -1, c, fmt.Errorf("internal error: column %q of %s is %s, read as %s", name, r.what, c.Type, want)
	}
	return r.idx[name], c, nil
}

// num reads a number column of a row; null is true for NULL in a
// nullable column (whose meaning the description gives).
func (r *results) num(row []any, name string) (v float64, null bool, err error) {
	i, _, err := r.column(name, compiler.Number)
	if err != nil {
		return 0, false, err
	}
	if row[i] == nil {
		return 0, true, nil
	}
	v, err = engine.Float(row[i])
	return v, false, err
}

// text reads a text column of a row (null as for num).
func (r *results) text(row []any, name string) (s string, null bool, err error) {
	i, _, err := r.column(name, compiler.Text)
	if err != nil {
		return "", false, err
	}
	if row[i] == nil {
		return "", true, nil
	}
	return row[i].(string), false, nil
}

// any reads a column of any type as text (fmt.Sprint); a NULL is an
// error.
func (r *results) any(row []any, name string) (string, error) {
	i, _, err := r.column(name, compiler.Any)
	if err != nil {
		return "", err
	}
	if row[i] == nil {
		return "", fmt.Errorf("internal error: column %q of %s is NULL", name, r.what)
	}
	return fmt.Sprint(row[i]), nil
}

// time reads a timestamp column of a row.
func (r *results) time(row []any, name string) (time.Time, error) {
	i, _, err := r.column(name, compiler.Time)
	if err != nil {
		return time.Time{}, err
	}
	t, ok := row[i].(time.Time)
	if !ok {
		return time.Time{}, fmt.Errorf("internal error: column %q of %s is NULL", name, r.what)
	}
	return t, nil
}

// numbers converts a row of an internal query whose columns are all
// numbers.
func numbers(row []any) ([]float64, error) {
	out := make([]float64, len(row))
	for i, v := range row {
		f, err := engine.Float(v)
		if err != nil {
			return nil, fmt.Errorf("column %d: %v", i+1, err)
		}
		out[i] = f
	}
	return out, nil
}

// rowReader reads the number columns of one arm's row, keeping the first
// error (so a statistic's many sums read as one expression). An arm with
// no row in the result (row nil) has no units: every sum over it is 0.
type rowReader struct {
	r   *results
	row []any
	err error
}

func (r *results) reader(row []any) *rowReader { return &rowReader{r: r, row: row} }

// f reads a non-nullable number column.
func (rr *rowReader) f(name string) float64 {
	if rr.err != nil {
		return 0
	}
	if rr.row == nil {
		if _, _, err := rr.r.column(name, compiler.Number); err != nil {
			rr.err = err
		}
		return 0 // an arm absent from the result: no units, sums over none
	}
	v, null, err := rr.r.num(rr.row, name)
	if err == nil && null {
		err = fmt.Errorf("internal error: column %q of %s is NULL", name, rr.r.what)
	}
	if err != nil {
		rr.err = err
	}
	return v
}

// opt reads a nullable number column: ok is false for NULL (and for an
// arm absent from the result).
func (rr *rowReader) opt(name string) (float64, bool) {
	if rr.err != nil || rr.row == nil {
		if rr.row == nil && rr.err == nil {
			if _, _, err := rr.r.column(name, compiler.Number); err != nil {
				rr.err = err
			}
		}
		return 0, false
	}
	v, null, err := rr.r.num(rr.row, name)
	if err != nil {
		rr.err = err
	}
	return v, err == nil && !null
}
