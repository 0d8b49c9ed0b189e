package check

import (
	"fmt"
	"sort"
	"strings"

	"github.com/caliper-dev/caliper/lang/ast"
	"github.com/caliper-dev/caliper/lang/diag"
	"github.com/caliper-dev/caliper/lang/model"
)

// monomial is a metric's population value as a product of atoms with
// integer powers: Σv (the sum over units of a per-unit value v, keyed by
// v's canonical text) and N (the number of units). A mean metric is
// Σv·N⁻¹, a ratio Σa·Σb⁻¹.
type monomial map[string]int

const unitsAtom = "N"

// metricMonomial is m's value as a monomial, or false for a quantile
// (which is no product of sums).
func metricMonomial(m *model.Metric) (monomial, bool) {
	switch m.Kind {
	case model.Ratio:
		return monomial{"Σ" + UnitString(m.Value): 1, "Σ" + UnitString(m.Den): -1}.norm(), true
	case model.Mean, model.Proportion:
		return monomial{"Σ" + UnitString(m.Value): 1, unitsAtom: -1}, true
	}
	return nil, false
}

func (a monomial) times(b monomial) monomial {
	out := monomial{}
	for k, v := range a {
		out[k] += v
	}
	for k, v := range b {
		out[k] += v
	}
	return out.norm()
}

func (a monomial) over(b monomial) monomial {
	inv := monomial{}
	for k, v := range b {
		inv[k] = -v
	}
	return a.times(inv)
}

func (a monomial) norm() monomial {
	for k, v := range a {
		if v == 0 {
			delete(a, k)
		}
	}
	return a
}

func (a monomial) String() string {
	if len(a) == 0 {
		return "1"
	}
	var num, den []string
	keys := make([]string, 0, len(a))
	for k := range a {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := a[k]
		term := k
		if v > 1 || v < -1 {
			term = fmt.Sprintf("%s^%d", k, abs(v))
		}
		if v > 0 {
			num = append(num, term)
		} else {
			den = append(den, term)
		}
	}
	s := strings.Join(num, " · ")
	if s == "" {
		s = "1"
	}
	if len(den) > 0 {
		s += " / " + strings.Join(den, " · ")
	}
	return s
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

// proveDecomposition checks that the product of the factors equals the
// metric: their monomials must cancel to the metric's. A wrong
// decomposition is an error at the field that shows what is left over.
func (c *checker) proveDecomposition(m *model.Metric, f *ast.Field) {
	want, ok := metricMonomial(m)
	if !ok {
		c.diags.Errorf(diag.EMetricShape, f.Key.Sp, "a %s metric cannot be decomposed into a product", m.Kind)
		return
	}
	got := monomial{}
	for _, fm := range m.Decompose {
		fmono, ok := metricMonomial(fm)
		if !ok {
			c.diags.Errorf(diag.EMetricShape, f.Value.Span(), "factor `%s` is a %s metric, which is no product of sums", fm.Name, fm.Kind)
			return
		}
		got = got.times(fmono)
	}
	if left := want.over(got); len(left) > 0 {
		names := make([]string, len(m.Decompose))
		for i, fm := range m.Decompose {
			names[i] = fm.Name
		}
		c.diags.Errorf(diag.EMetricShape, f.Value.Span(), "%s is not `%s`: the product leaves %s over",
			strings.Join(names, " * "), m.Name, left).
			Hint("`%s` is %s, the product is %s", m.Name, want, got)
	}
}

// UnitString renders a per-unit expression canonically.
func UnitString(e model.UnitExpr) string {
	return model.UnitText(e, func(e model.UnitExpr, kids []string) string {
		switch e := e.(type) {
		case *model.Aggregate:
			return e.Key
		case *model.UnitConst:
			return fmt.Sprint(e.Value)
		case *model.UnitBinary:
			return "(" + kids[0] + " " + e.Op + " " + kids[1] + ")"
		case *model.UnitUnary:
			return "(" + e.Op + " " + kids[0] + ")"
		}
		return "?"
	})
}
