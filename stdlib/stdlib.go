// Package stdlib is Caliper's catalog of built-in functions, as data: each
// entry has a signature the checker reads and a SQL lowering the compiler
// prints. Adding a function is adding an entry; no other package switches
// on function names.
package stdlib

import (
	"fmt"
	"sort"
	"strings"

	"github.com/caliper-dev/caliper/dialect"
	"github.com/caliper-dev/caliper/lang/types"
)

// Empty says what a per-unit aggregate is for a unit with no matching rows.
type Empty int

const (
	// EmptyZero: the unit counts 0 (count, sum, count_distinct).
	EmptyZero Empty = iota
	// EmptyFalse: the unit counts false (any).
	EmptyFalse
	// EmptyNull: the unit is left out of the metric (avg, min, max).
	EmptyNull
)

// Literal is the SQL value a unit with no matching rows takes, or "" for
// EmptyNull (the unit is left out).
func (e Empty) Literal() string {
	switch e {
	case EmptyZero:
		return "0"
	case EmptyFalse:
		return "FALSE"
	}
	return ""
}

// Defined reports whether every unit has a value (no NULL per unit).
func (e Empty) Defined() bool { return e != EmptyNull }

// ArgKind says what an aggregate's first argument is.
type ArgKind int

const (
	// ArgSource: a bare source name, `count(events where ...)`.
	ArgSource ArgKind = iota
	// ArgColumn: an expression over one source's columns, `sum(events.revenue)`.
	ArgColumn
)

// Scope says over which rows an aggregate reduces.
type Scope int

const (
	// PerUnit: a unit's rows to one value per unit; metric values combine
	// such aggregates (count, sum, any, ...).
	PerUnit Scope = iota
	// PerArm: all rows of an arm to one value (a distribution statistic,
	// quantile): it must be a metric's whole value, and it takes a level.
	PerArm
)

// Aggregate is a built-in aggregate. A PerUnit aggregate reduces a unit's
// rows of one source (in the unit's analysis window, filtered by `where`)
// to one value; a PerArm one (quantile) reduces all rows of an arm, and is
// lowered by the compiler's quantile plan rather than by SQL.
type Aggregate struct {
	Name string
	Doc  string
	// Example is a call as a metric value, for hints.
	Example string
	Scope   Scope
	Arg     ArgKind
	// Param is the accepted type of the argument expression (ArgColumn).
	Param types.Type
	// Result gives the per-unit value's type from the argument's type.
	Result func(arg types.Type) types.Type
	Empty  Empty
	// Additive: the aggregate over a union of disjoint row sets is the
	// sum of the aggregates over each (count, sum), so per-unit values
	// built from it by + and - split additively over segments.
	Additive bool
	// Combine names the SQL aggregate that combines the aggregate's values
	// over disjoint row sets (periods) into its value over their union:
	// sum for count and sum, bool_or for any, min, max. Nil when partial
	// values do not combine (avg, count_distinct): such an aggregate has
	// no per-period running value (no timeline).
	Combine func(d *dialect.Dialect) string
	// SQL lowers the aggregate for dialect d; arg is the argument SQL (""
	// for ArgSource) and filter the filter SQL ("" for none). Nil for
	// PerArm aggregates.
	SQL func(d *dialect.Dialect, arg, filter string) string
}

// Accumulates reports whether the aggregate's per-period values combine
// into a running value (Combine is set).
func (a *Aggregate) Accumulates() bool { return a.Combine != nil }

// OrEmpty is ref (a per-unit value read through an outer join) with a
// unit that has no rows given the aggregate's empty value; ref as is when
// such a unit is left out.
func (a *Aggregate) OrEmpty(ref string) string {
	if lit := a.Empty.Literal(); lit != "" {
		return "coalesce(" + ref + ", " + lit + ")"
	}
	return ref
}

func combineWith(fn string) func(*dialect.Dialect) string {
	return func(*dialect.Dialect) string { return fn }
}

func boolOr(d *dialect.Dialect) string { return d.BoolOr }

func fixed(t types.Type) func(types.Type) types.Type { return func(types.Type) types.Type { return t } }
func same(t types.Type) types.Type                   { return t }

// agg lowers fn(arg) with the aggregate's filter (FILTER or CASE WHEN, as
// the dialect has it).
func agg(fn string) func(d *dialect.Dialect, arg, filter string) string {
	return func(d *dialect.Dialect, arg, filter string) string { return d.Aggregate(fn, arg, filter) }
}

var aggregates = []*Aggregate{
	{Name: "count", Doc: "number of the unit's rows", Example: "count(events where event == \"save\")", Arg: ArgSource, Result: fixed(types.Int), Empty: EmptyZero,
		Additive: true, Combine: combineWith("sum"),
		SQL: func(d *dialect.Dialect, _, f string) string { return d.Aggregate("count", "*", f) }},
	{Name: "any", Doc: "whether the unit has any row (a proportion metric)", Example: "any(events where event == \"save\")", Arg: ArgSource, Result: fixed(types.Bool), Empty: EmptyFalse,
		Combine: boolOr,
		SQL:     func(d *dialect.Dialect, _, f string) string { return "(" + d.Aggregate("count", "*", f) + " > 0)" }},
	{Name: "sum", Doc: "sum of a numeric expression over the unit's rows", Example: "sum(events.revenue)", Arg: ArgColumn, Param: types.Numeric, Result: same, Empty: EmptyZero,
		Additive: true, Combine: combineWith("sum"),
		SQL: agg("sum")},
	{Name: "avg", Doc: "mean over the unit's rows; units without rows are left out", Example: "avg(events.latency_ms)", Arg: ArgColumn, Param: types.Numeric, Result: fixed(types.Float), Empty: EmptyNull,
		SQL: agg("avg")},
	{Name: "min", Doc: "smallest value over the unit's rows; units without rows are left out", Example: "min(events.latency_ms)", Arg: ArgColumn, Param: types.Numeric, Result: same, Empty: EmptyNull,
		Combine: combineWith("min"),
		SQL:     agg("min")},
	{Name: "max", Doc: "largest value over the unit's rows; units without rows are left out", Example: "max(events.latency_ms)", Arg: ArgColumn, Param: types.Numeric, Result: same, Empty: EmptyNull,
		Combine: combineWith("max"),
		SQL:     agg("max")},
	{Name: "count_distinct", Doc: "number of distinct non-null values over the unit's rows", Example: "count_distinct(events.item_id)", Arg: ArgColumn, Param: types.Any, Result: fixed(types.Int), Empty: EmptyZero,
		SQL: func(d *dialect.Dialect, a, f string) string { return d.Aggregate("count", "DISTINCT "+a, f) }},
	{Name: "quantile", Doc: "the q-quantile of a numeric column over all of an arm's rows (a quantile metric); must be the whole metric value", Example: "quantile(events.latency_ms, 0.9)",
		Scope: PerArm, Arg: ArgColumn, Param: types.Numeric, Result: fixed(types.Float), Empty: EmptyNull},
}

// Func is a scalar (row-level) function.
type Func struct {
	Name string
	Doc  string
	// Params are the parameter types; Variadic repeats the last one.
	Params   []types.Type
	Variadic bool
	// Result gives the result type from the argument types.
	Result func(args []types.Type) types.Type
	// SQL lowers a call from its arguments' SQL, for dialects that do not
	// override it (dialect.Dialect.Functions); Lower picks.
	SQL func(d *dialect.Dialect, args []string) string
}

// Lower lowers a call for dialect d: the dialect's override of the
// function if it has one, the function's own lowering otherwise.
func (f *Func) Lower(d *dialect.Dialect, args []string) string {
	if format, ok := d.Function(f.Name); ok {
		return sprintf(format, args)
	}
	return f.SQL(d, args)
}

func sprintf(format string, a []string) string {
	args := make([]any, len(a))
	for i, s := range a {
		args[i] = s
	}
	return fmt.Sprintf(format, args...)
}

func template(format string) func(*dialect.Dialect, []string) string {
	return func(_ *dialect.Dialect, a []string) string { return sprintf(format, a) }
}

// toInt casts a template's result to the dialect's integer type.
func toInt(format string) func(*dialect.Dialect, []string) string {
	return func(d *dialect.Dialect, a []string) string { return d.Cast(sprintf(format, a), d.Types.Int) }
}

// variadic lowers fn(a, b, ...).
func variadic(fn string) func(*dialect.Dialect, []string) string {
	return func(_ *dialect.Dialect, a []string) string { return fn + "(" + strings.Join(a, ", ") + ")" }
}

func resultOf(t types.Type) func([]types.Type) types.Type {
	return func([]types.Type) types.Type { return t }
}

// firstNonNull is the result type of coalesce-like functions.
func firstNonNull(args []types.Type) types.Type {
	out := types.Null
	for _, a := range args {
		switch {
		case a == types.Invalid:
			return types.Invalid
		case out == types.Null:
			out = a
		case out.IsNumeric() && a.IsNumeric():
			out = types.Unify(out, a)
		}
	}
	return out
}

var funcs = []*Func{
	{Name: "lower", Doc: "lower-case text", Params: []types.Type{types.String}, Result: resultOf(types.String), SQL: template("lower(%s)")},
	{Name: "upper", Doc: "upper-case text", Params: []types.Type{types.String}, Result: resultOf(types.String), SQL: template("upper(%s)")},
	{Name: "length", Doc: "number of characters", Params: []types.Type{types.String}, Result: resultOf(types.Int), SQL: template("length(%s)")},
	{Name: "date", Doc: "the calendar date of a timestamp", Params: []types.Type{types.Timestamp}, Result: resultOf(types.Date), SQL: func(d *dialect.Dialect, a []string) string { return d.Cast(a[0], d.Types.Date) }},
	{Name: "hour", Doc: "hour of day (0-23) of a timestamp", Params: []types.Type{types.Timestamp}, Result: resultOf(types.Int), SQL: toInt("extract(hour FROM %s)")},
	{Name: "weekday", Doc: "day of week (0 = Sunday) of a timestamp", Params: []types.Type{types.Timestamp}, Result: resultOf(types.Int), SQL: toInt("extract(dow FROM %s)")},
	{Name: "abs", Doc: "absolute value", Params: []types.Type{types.Numeric}, Result: func(a []types.Type) types.Type { return a[0] }, SQL: template("abs(%s)")},
	{Name: "ln", Doc: "natural logarithm", Params: []types.Type{types.Numeric}, Result: resultOf(types.Float), SQL: template("ln(%s)")},
	{Name: "least", Doc: "smallest argument", Params: []types.Type{types.Numeric, types.Numeric}, Variadic: true, Result: firstNonNull, SQL: variadic("least")},
	{Name: "greatest", Doc: "largest argument", Params: []types.Type{types.Numeric, types.Numeric}, Variadic: true, Result: firstNonNull, SQL: variadic("greatest")},
	{Name: "coalesce", Doc: "first non-null argument", Params: []types.Type{types.Any, types.Any}, Variadic: true, Result: firstNonNull, SQL: variadic("coalesce")},
	{Name: "contains", Doc: "whether text contains a substring", Params: []types.Type{types.String, types.String}, Result: resultOf(types.Bool), SQL: template("(strpos(%s, %s) > 0)")},
	{Name: "starts_with", Doc: "whether text starts with a prefix", Params: []types.Type{types.String, types.String}, Result: resultOf(types.Bool), SQL: template("starts_with(%s, %s)")},
}

var (
	aggByName  = map[string]*Aggregate{}
	funcByName = map[string]*Func{}
)

func init() {
	for _, a := range aggregates {
		aggByName[a.Name] = a
	}
	for _, f := range funcs {
		funcByName[f.Name] = f
	}
}

// LookupAggregate returns the aggregate (per unit or per arm) with the name.
func LookupAggregate(name string) (*Aggregate, bool) {
	a, ok := aggByName[name]
	return a, ok
}

// LookupFunc returns the scalar function with the name.
func LookupFunc(name string) (*Func, bool) {
	f, ok := funcByName[name]
	return f, ok
}

// Aggregates returns every aggregate, sorted by name.
func Aggregates() []*Aggregate {
	out := append([]*Aggregate(nil), aggregates...)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Funcs returns every scalar function, sorted by name.
func Funcs() []*Func {
	out := append([]*Func(nil), funcs...)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Names returns every function and aggregate name (for "did you mean").
func Names() []string {
	var out []string
	for _, a := range aggregates {
		out = append(out, a.Name)
	}
	for _, f := range funcs {
		out = append(out, f.Name)
	}
	sort.Strings(out)
	return out
}
