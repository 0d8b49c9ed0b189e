package check

import (
	"strings"

	"github.com/caliper-dev/caliper/lang/ast"
	"github.com/caliper-dev/caliper/lang/diag"
	"github.com/caliper-dev/caliper/lang/model"
	"github.com/caliper-dev/caliper/lang/source"
	"github.com/caliper-dev/caliper/lang/types"
	"github.com/caliper-dev/caliper/stdlib"
)

// metric checks a metric declaration (once; later references reuse it).
func (c *checker) metric(d *ast.Decl) *model.Metric {
	if m, ok := c.metrics[d.Name.Name]; ok {
		return m
	}
	m := &model.Metric{Name: d.Name.Name, Span: d.Name.Sp, Direction: model.Increase,
		Title: stringField(d, "title"), Description: stringField(d, "description"),
		Owner: stringField(d, "owner"), Format: stringField(d, "format")}
	c.declOf[m] = d
	c.checking[m.Name] = true
	if f := field(d, "tags"); f != nil {
		for _, s := range f.Value.(*ast.StringList).Items {
			m.Tags = append(m.Tags, s.Value)
		}
	}
	if f := field(d, "direction"); f != nil {
		id := f.Value.(*ast.Ident)
		switch id.Name {
		case "increase":
		case "decrease":
			m.Direction = model.Decrease
		default:
			c.badWord(id, "direction", ast.Words(ast.KindMetric, "direction"))
		}
	}
	if f := field(d, "value"); f != nil {
		c.metricValue(m, f.Value.(*ast.ExprValue).X)
		c.limitSize(m, f.Value.(*ast.ExprValue).X)
	} else {
		c.diags.Errorf(diag.EMissingField, d.Name.Sp, "metric `%s` has no `value`", m.Name).
			Hint(`say what it measures: value count(events where event == "save")`)
	}
	if f := field(d, "winsorize"); f != nil {
		p := f.Value.(*ast.PercentLit)
		if p.Value <= 0 || p.Value >= 1 {
			c.diags.Errorf(diag.EBadValue, p.Sp, "winsorize takes a percentile between 0%% and 100%%, found %s", p.Text)
		}
		v := p.Value
		m.Winsorize = &v
	}
	if f := field(d, "cap"); f != nil {
		v := f.Value.(*ast.NumberLit).Value
		m.Cap = &v
	}
	if (m.Winsorize != nil || m.Cap != nil) && m.Kind != model.Mean && m.Kind != "" {
		c.diags.Errorf(diag.EBadValue, d.Name.Sp, "metric `%s` is a %s metric; winsorize and cap apply to mean metrics", m.Name, m.Kind)
	}
	if f := field(d, "decompose"); f != nil {
		ok := true
		for _, id := range f.Value.(*ast.IdentList).Items {
			if fm := c.metricRef(id); fm != nil {
				m.Decompose = append(m.Decompose, fm)
			} else {
				ok = false
			}
		}
		if ok && m.Kind != "" {
			c.proveDecomposition(m, f)
		}
	}
	delete(c.checking, m.Name)
	c.metrics[m.Name] = m
	return m
}

// MaxExpandedSize caps a metric value's size with the metrics it refers
// to, each counted once (model.CompiledSize): references share nodes in
// the model and the compiled SQL computes each shared value once, so
// `x_i = x_(i-1) + x_(i-1)` grows by one term per level. Beyond the cap
// the metric is refused, before anything prints it.
const MaxExpandedSize = 20000

func (c *checker) limitSize(m *model.Metric, e ast.Expr) {
	n := model.CompiledSize(MaxExpandedSize, m.Value, m.Den)
	if n <= MaxExpandedSize {
		return
	}
	c.diags.Errorf(diag.ELimit, e.Span(), "metric `%s` has more than %d terms with the metrics it refers to (limit: expression size, %d)", m.Name, MaxExpandedSize, MaxExpandedSize).
		Hint("split the value over several experiments' metrics, or simplify it")
	m.Value, m.Den = invalidUnit, nil
	if m.Kind == model.Ratio {
		m.Den = invalidUnit
	}
}

// metricRef resolves a metric name, checking it first if needed.
func (c *checker) metricRef(id *ast.Ident) *model.Metric {
	d, ok := c.decls[id.Name]
	if !ok || d.Kind != ast.KindMetric {
		c.unknown(id, "metric")
		return nil
	}
	if c.checking[id.Name] {
		c.diags.Errorf(diag.ECycle, id.Sp, "metric `%s` refers to itself through its value", id.Name)
		return nil
	}
	return c.metric(d)
}

func (c *checker) badWord(id *ast.Ident, what string, allowed []string) {
	dg := c.diags.Errorf(diag.EBadValue, id.Sp, "`%s` is not a %s", id.Name, what)
	if s := diag.Closest(id.Name, allowed); s != "" {
		dg.Hint("did you mean `%s`?", s)
	} else {
		dg.Hint("%s is one of: %s", what, strings.Join(allowed, ", "))
	}
}

// metricValue infers the metric's kind from its value's shape
// (LANGUAGE.md table): top-level `/` is a ratio, top-level quantile(...) a
// quantile, a boolean a proportion, anything else numeric a mean.
func (c *checker) metricValue(m *model.Metric, e ast.Expr) {
	e = ast.Unparen(e)
	if b, ok := e.(*ast.Binary); ok && b.Op == "/" {
		num := c.ratioOperand(b.X)
		den := c.ratioOperand(b.Y)
		m.Kind, m.Value, m.Den = model.Ratio, num, den
		return
	}
	if call, ok := e.(*ast.Call); ok {
		if agg, ok := stdlib.LookupAggregate(call.Fun.Name); ok && agg.Scope == stdlib.PerArm {
			m.Kind = model.Quantile
			m.Quantile = c.quantile(call, agg)
			return
		}
	}
	u := c.unit(e)
	m.Value = u
	switch t := u.Type(); {
	case t == types.Bool:
		m.Kind = model.Proportion
	case t.IsNumeric() || t == types.Invalid:
		m.Kind = model.Mean
	default:
		c.diags.Errorf(diag.EMetricShape, e.Span(), "a metric value must be numeric or boolean per unit, found %s", t)
		m.Kind = model.Mean
	}
}

// ratioOperand checks a numerator or denominator: a numeric per-unit
// expression (a mean metric counts; a ratio metric does not).
func (c *checker) ratioOperand(e ast.Expr) model.UnitExpr {
	u := c.unit(e)
	if t := u.Type(); t != types.Invalid && !t.IsNumeric() {
		c.diags.Errorf(diag.ETypeMismatch, e.Span(), "each side of a ratio must be numeric per unit, found %s", t).
			Hint("a boolean such as any(...) is a proportion metric on its own; count(...) counts rows")
		return invalidUnit
	}
	return u
}

var invalidUnit = &model.UnitConst{T: types.Invalid}

// unit checks a per-unit expression: aggregates, metric references,
// constants and operators over them.
func (c *checker) unit(e ast.Expr) model.UnitExpr {
	switch e := e.(type) {
	case *ast.Paren:
		return c.unit(e.X)
	case *ast.Literal:
		if e.Kind != ast.LitNumber {
			c.diags.Errorf(diag.EAggregateCtx, e.Sp, "a %s literal cannot be a per-unit value", litName(e.Kind)).
				Hint("metric values are built from aggregates such as count(events where ...)")
			return invalidUnit
		}
		t := types.Float
		if !strings.ContainsAny(e.Text, ".eE") {
			t = types.Int
		}
		return &model.UnitConst{Value: e.Number, T: t}
	case *ast.Ref:
		return c.unitRef(e)
	case *ast.Call:
		return c.aggregate(e)
	case *ast.Unary:
		x := c.unit(e.X)
		return c.unitUnary(e, x)
	case *ast.Binary:
		return c.unitBinary(e)
	}
	c.diags.Errorf(diag.EAggregateCtx, e.Span(), "this expression is not a per-unit value").
		Hint("metric values are built from aggregates such as count(events where ...), other metrics, numbers and + - * /")
	return invalidUnit
}

func litName(k ast.LitKind) string {
	switch k {
	case ast.LitString:
		return "string"
	case ast.LitBool:
		return "boolean"
	case ast.LitNull:
		return "null"
	case ast.LitPercent:
		return "percentage"
	case ast.LitDuration:
		return "duration"
	}
	return "number"
}

// unitRef resolves a name in a metric value: another metric.
func (c *checker) unitRef(r *ast.Ref) model.UnitExpr {
	id := r.Parts[0]
	if len(r.Parts) > 1 {
		if _, ok := c.sources[id.Name]; ok {
			c.diags.Errorf(diag.EAggregateCtx, r.Sp, "`%s` is a row value; a metric needs a per-unit aggregate of it", ast.DumpExpr(r)).
				Hint("aggregate it per unit, for example sum(%s)", ast.DumpExpr(r))
			return invalidUnit
		}
	}
	if d, ok := c.decls[id.Name]; ok && d.Kind == ast.KindSource {
		c.diags.Errorf(diag.EAggregateCtx, id.Sp, "`%s` is a source; a metric needs a per-unit aggregate of it", id.Name).
			Hint("for example count(%s) or any(%s where ...)", id.Name, id.Name)
		return invalidUnit
	}
	m := c.metricRef(id)
	if m == nil {
		return invalidUnit
	}
	switch m.Kind {
	case model.Mean, model.Proportion:
		return m.Value
	}
	c.diags.Errorf(diag.EMetricShape, id.Sp, "metric `%s` is a %s metric and cannot be used inside another metric's value", m.Name, m.Kind).
		Hint("only mean and proportion metrics have a per-unit value to build on")
	return invalidUnit
}

func (c *checker) unitUnary(e *ast.Unary, x model.UnitExpr) model.UnitExpr {
	t := x.Type()
	switch {
	case t == types.Invalid:
		return invalidUnit
	case e.Op == "-" && t.IsNumeric():
		return &model.UnitUnary{Op: "-", X: x, T: t}
	case e.Op == "not" && t == types.Bool:
		return &model.UnitUnary{Op: "not", X: x, T: types.Bool}
	}
	c.diags.Errorf(diag.ETypeMismatch, e.Sp, "`%s` does not apply to a %s value", e.Op, t)
	return invalidUnit
}

func (c *checker) unitBinary(e *ast.Binary) model.UnitExpr {
	if e.Op == "/" {
		c.diags.Errorf(diag.EMetricShape, e.OpSpan, "division must be the whole metric value (a ratio metric)").
			Hint("define the ratio as its own metric: value A / B")
		return invalidUnit
	}
	x, y := c.unit(e.X), c.unit(e.Y)
	tx, ty := x.Type(), y.Type()
	if tx == types.Invalid || ty == types.Invalid {
		return invalidUnit
	}
	switch e.Op {
	case "+", "-", "*":
		if tx.IsNumeric() && ty.IsNumeric() {
			return &model.UnitBinary{Op: e.Op, X: x, Y: y, T: types.Unify(tx, ty)}
		}
	case "==", "!=", "<", "<=", ">", ">=":
		if tx.IsNumeric() && ty.IsNumeric() || tx == ty && tx == types.Bool && (e.Op == "==" || e.Op == "!=") {
			return &model.UnitBinary{Op: e.Op, X: x, Y: y, T: types.Bool}
		}
	case "and", "or":
		if tx == types.Bool && ty == types.Bool {
			return &model.UnitBinary{Op: e.Op, X: x, Y: y, T: types.Bool}
		}
	}
	c.diags.Errorf(diag.ETypeMismatch, opSpan(e), "`%s` does not apply to %s and %s", e.Op, tx, ty)
	return invalidUnit
}

// aggregate checks an aggregate call: fn(S where P) or fn(S.col where P).
func (c *checker) aggregate(call *ast.Call) model.UnitExpr {
	name := call.Fun.Name
	agg, ok := stdlib.LookupAggregate(name)
	if ok && agg.Scope == stdlib.PerArm {
		c.diags.Errorf(diag.EMetricShape, call.Sp, "%s(...) must be the whole metric value", name).
			Hint("define the %s as its own metric: value %s", name, agg.Example)
		return invalidUnit
	}
	if !ok {
		if _, isFunc := stdlib.LookupFunc(name); isFunc {
			c.diags.Errorf(diag.EAggregateCtx, call.Fun.Sp, "`%s` is a row-level function; a metric value needs a per-unit aggregate", name).
				Hint("use it inside an aggregate, for example sum(%s(events.x))", name)
			return invalidUnit
		}
		c.unknownFunc(call.Fun)
		return invalidUnit
	}
	if len(call.Args) != 1 {
		c.diags.Errorf(diag.EArgCount, call.Sp, "%s takes one argument, found %d", name, len(call.Args))
		return invalidUnit
	}
	a := &model.Aggregate{Func: agg}
	arg := ast.Unparen(call.Args[0])
	if agg.Arg == stdlib.ArgSource {
		r, ok := arg.(*ast.Ref)
		if !ok || len(r.Parts) != 1 {
			c.diags.Errorf(diag.EArgType, arg.Span(), "%s takes a source name, such as %s(events where ...)", name, name)
			return invalidUnit
		}
		src := c.sourceRef(r.Parts[0])
		if src == nil {
			return invalidUnit
		}
		a.Source = src
	} else {
		src := c.argSource(arg, name)
		if src == nil {
			return invalidUnit
		}
		a.Source = src
		a.Arg = c.row(arg, src)
		if t := a.Arg.Type(); t != types.Invalid && !agg.Param.Accepts(t) {
			c.diags.Errorf(diag.EArgType, arg.Span(), "%s needs a %s argument, found %s", name, agg.Param, t)
			return invalidUnit
		}
	}
	if call.Where != nil {
		a.Filter = c.filter(call.Where, a.Source)
	}
	var argT types.Type = types.Invalid
	if a.Arg != nil {
		argT = a.Arg.Type()
	}
	a.T = agg.Result(argT)
	if a.Arg != nil && argT == types.Invalid || a.Filter != nil && a.Filter.Type() == types.Invalid {
		return invalidUnit
	}
	a.Key = aggregateKey(a)
	return a
}

// argSource finds the one source an aggregate's argument reads through
// qualified names (events.revenue).
func (c *checker) argSource(arg ast.Expr, fn string) *model.Source {
	var found *model.Source
	var foundAt *ast.Ident
	ok := true
	walkRefs(arg, func(r *ast.Ref) {
		if len(r.Parts) < 2 {
			return
		}
		s := c.sources[r.Parts[0].Name]
		if s == nil {
			return
		}
		if found != nil && s != found {
			c.diags.Errorf(diag.EMixedSources, r.Parts[0].Sp, "%s reads columns of two sources, `%s` and `%s`", fn, found.Name, s.Name).
				Also(foundAt.Sp, "`%s` used here", found.Name).
				Hint("an aggregate reads one source; define one metric per source and combine them")
			ok = false
			return
		}
		found, foundAt = s, r.Parts[0]
	})
	if !ok {
		return nil
	}
	if found == nil {
		if r, isRef := arg.(*ast.Ref); isRef && len(r.Parts) == 1 {
			if _, isSrc := c.sources[r.Parts[0].Name]; isSrc {
				c.diags.Errorf(diag.EArgType, arg.Span(), "%s needs a column, such as %s(%s.revenue)", fn, fn, r.Parts[0].Name)
				return nil
			}
		}
		c.diags.Errorf(diag.EArgType, arg.Span(), "%s needs columns named with their source, such as %s(events.revenue)", fn, fn)
		return nil
	}
	c.used[found.Name] = true
	return found
}

func walkRefs(e ast.Expr, fn func(*ast.Ref)) {
	ast.Inspect(e, func(x ast.Expr) bool {
		if r, ok := x.(*ast.Ref); ok {
			fn(r)
		}
		return true
	})
}

func (c *checker) sourceRef(id *ast.Ident) *model.Source {
	s := c.sources[id.Name]
	if s == nil {
		c.unknown(id, "source")
		return nil
	}
	c.used[s.Name] = true
	return s
}

func (c *checker) unknownFunc(id *ast.Ident) {
	dg := c.diags.Errorf(diag.EUnknownFunc, id.Sp, "unknown function `%s`", id.Name)
	if s := diag.Closest(id.Name, stdlib.Names()); s != "" {
		dg.Hint("did you mean `%s`?", s)
	}
}

// quantile checks quantile(S.col where P, q): a PerArm aggregate.
func (c *checker) quantile(call *ast.Call, agg *stdlib.Aggregate) *model.QuantileSpec {
	name := agg.Name
	if len(call.Args) != 2 {
		c.diags.Errorf(diag.EArgCount, call.Sp, "%s takes a column and a level, such as %s; found %d arguments", name, agg.Example, len(call.Args))
		return nil
	}
	q := &model.QuantileSpec{}
	src := c.argSource(call.Args[0], name)
	if src == nil {
		return nil
	}
	q.Source = src
	q.Arg = c.row(call.Args[0], src)
	if t := q.Arg.Type(); t != types.Invalid && !t.IsNumeric() {
		c.diags.Errorf(diag.EArgType, call.Args[0].Span(), "%s needs a numeric column, found %s", name, t)
	}
	if call.Where != nil {
		q.Filter = c.filter(call.Where, src)
	}
	lit, ok := ast.Unparen(call.Args[1]).(*ast.Literal)
	if !ok || lit.Kind != ast.LitNumber && lit.Kind != ast.LitPercent || lit.Number <= 0 || lit.Number >= 1 {
		c.diags.Errorf(diag.EArgType, call.Args[1].Span(), "the %s level must be a number between 0 and 1, such as 0.9", name)
		return q
	}
	q.Q = lit.Number
	return q
}

// filter checks a `where` condition over a source's rows.
func (c *checker) filter(e ast.Expr, s *model.Source) model.RowExpr {
	r := c.row(e, s)
	if t := r.Type(); t != types.Invalid && t != types.Bool {
		c.diags.Errorf(diag.ENotBoolean, e.Span(), "a `where` condition must be boolean, found %s", t).
			Hint(`compare a column, for example event == "save"`)
		return invalidRow
	}
	return r
}

func opSpan(b *ast.Binary) source.Span {
	if b.OpSpan.IsValid() {
		return b.OpSpan
	}
	return b.Sp
}
