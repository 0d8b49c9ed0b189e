package runtime

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/caliper-dev/caliper/compiler"
	"github.com/caliper-dev/caliper/lang/model"
	"github.com/caliper-dev/caliper/runtime/decide"
	"github.com/caliper-dev/caliper/runtime/result"
	"github.com/caliper-dev/caliper/runtime/stats"
)

// AllNew is the variant name of a factorial design's combined comparison:
// every factor at its new level against every factor at its baseline.
const AllNew = "all_new"

// analyzeFactorial analyses a 2^k factorial design: the plan's rows are
// cells (variant = the cell's bitmask). Per metric it reports the cells,
// the saturated model's terms (R's 0/1 coding and the ±½ coding) with HC2
// standard errors, the Shapley attribution of the all-new effect, and a
// result comparing the all-new cell with the all-baseline cell (which the
// launch rule decides on).
func analyzeFactorial(p *compiler.Plan, rs *results, t *result.Target) (*result.Target, error) {
	e := p.Experiment
	k := len(e.Factors)
	ncell := 1 << k
	t.Control = "baseline"
	names := make([]string, k)
	for j, f := range e.Factors {
		names[j] = f.Name
		t.Factors = append(t.Factors, &result.FactorInfo{Name: f.Name, Column: f.Column.Name, Baseline: f.Baseline})
	}
	rows := make([][]any, ncell)
	obs := make([]float64, ncell)
	for _, row := range rs.tab.Rows {
		a, excluded, err := readArm(rs, row)
		if err != nil {
			return nil, err
		}
		t.Excluded["multiple_variants"] = int64(excluded)
		c, err := strconv.Atoi(a.variant)
		if err != nil || c < 0 || c >= ncell {
			return nil, fmt.Errorf("internal error: %s has cell %q, not a cell index below %d", rs.what, a.variant, ncell)
		}
		rows[c] = row
		obs[c] = a.units
	}
	if len(rs.tab.Rows) > 0 {
		for j, f := range e.Factors {
			rr := rs.reader(rs.tab.Rows[0])
			lv := rr.f(compiler.LevelsColumn(j))
			if rr.err != nil {
				return nil, rr.err
			}
			if lv != 2 {
				t.Notes = append(t.Notes, fmt.Sprintf("factor %s (column %s) has %g levels in the data; a 2^k design needs two: every level other than %q counts as new",
					f.Name, f.Column.Name, lv, f.Baseline))
			}
		}
	}
	for c := 0; c < ncell; c++ {
		t.Units[cellName(names, c)] = int64(obs[c])
	}
	s := stats.SampleRatio(obs, nil)
	t.SRM = &result.SRM{ChiSquare: result.Num(s.ChiSquare), DF: result.Num(s.DF), PValue: result.Num(s.PValue), Passed: s.Passed()}
	for i := 0; i < ncell; i++ {
		t.SRM.Expected = append(t.SRM.Expected, result.Num(1/float64(ncell)))
	}
	for _, mc := range p.Metrics {
		m := mc.Use.Metric
		var f stats.Factorial
		switch m.Kind {
		case model.Quantile:
			t.Notes = append(t.Notes, fmt.Sprintf("metric %s: quantile metrics are not analysed in factorial designs", m.Name))
			continue
		case model.Ratio:
			cells := make([]stats.RatioMoments, ncell)
			for c := range cells {
				rr := rs.reader(rows[c])
				if cells[c] = ratioMoments(rr, mc); rr.err != nil {
					return nil, rr.err
				}
			}
			f = stats.FactorialRatios(names, cells, e.Alpha)
		default:
			cells := make([]stats.Moments, ncell)
			for c := range cells {
				rr := rs.reader(rows[c])
				if cells[c] = moments(rr, mc); rr.err != nil {
					return nil, rr.err
				}
			}
			f = stats.FactorialMeans(names, cells, stats.FactorialHC2, e.Alpha)
		}
		factorialReport(t, m, mc.Use, f, names)
	}
	correct(e, t)
	decompositions(e, t)
	decide.Decide(e, t)
	return t, nil
}

// cellName names a cell by its factors' levels.
func cellName(names []string, c int) string {
	parts := make([]string, len(names))
	for j, n := range names {
		lvl := "baseline"
		if c&(1<<j) != 0 {
			lvl = "new"
		}
		parts[j] = n + "=" + lvl
	}
	return strings.Join(parts, ",")
}

func factorialReport(t *result.Target, m *model.Metric, use *model.MetricUse, f stats.Factorial, names []string) {
	for _, c := range f.Cells {
		cell := &result.Cell{Metric: m.Name, Cell: cellName(names, c.Index), Units: int64(c.Units), Problem: c.Problem}
		if c.Defined {
			cell.Mean = result.NumPtr(c.Value)
		}
		if c.Problem == "" {
			cell.StdError = result.NumPtr(c.StdError)
		}
		t.Cells = append(t.Cells, cell)
	}
	for _, term := range f.Terms {
		if term.Mask == 0 {
			continue // the intercept is the baseline cell's mean
		}
		tr := contrastTerm(m.Name, term.Name, term.Dummy)
		if term.EffectCoded.Problem == "" {
			tr.EffectCoded = effect(term.EffectCoded.Effect)
			p := result.Num(term.EffectCoded.PValue)
			tr.EffectCodedP = &p
		}
		t.Effects = append(t.Effects, tr)
	}
	for _, sh := range f.Shapley {
		t.Attribution = append(t.Attribution, contrastTerm(m.Name, sh.Name, sh))
	}
	// The combined effect as an ordinary result (all new vs all baseline).
	res := &result.Result{Metric: m.Name, Title: m.Title, Kind: string(m.Kind), Role: string(use.Role),
		Direction: m.Direction.String(), Variant: AllNew, Method: f.Method}
	if n := len(f.Cells); n > 0 {
		base, all := f.Cells[0], f.Cells[n-1]
		res.Control, res.Treatment = cellArm(base), cellArm(all)
	}
	c := f.Combined
	switch {
	case f.Problem != "":
		res.NotEstimable = f.Problem
		res.Notes = append(res.Notes, f.Problem)
	case c.Problem != "":
		res.NotEstimable = c.Problem
		res.Notes = append(res.Notes, c.Problem)
	default:
		res.Absolute = effect(c.Effect)
		pv := result.Num(c.PValue)
		res.PValue = &pv
		res.Significant = c.PValue < float64(t.Alpha)
		if res.Control.Mean != nil && res.Treatment.Mean != nil && *res.Control.Mean != 0 {
			b := float64(*res.Control.Mean)
			// relative lift of the combined effect: delta method on the two
			// independent cells.
			ca := stats.Arm{Units: float64(res.Control.Units), Value: b, Variance: sq(f.Cells[0].StdError), DF: math.Inf(1)}
			ta := stats.Arm{Units: float64(res.Treatment.Units), Value: float64(*res.Treatment.Mean), Variance: sq(f.Cells[len(f.Cells)-1].StdError), DF: math.Inf(1)}
			if rc := stats.Compare(ca, ta, float64(t.Alpha), stats.Normal).WithRelative(stats.DeltaMethod); rc.Relative != nil {
				res.Relative = effect(*rc.Relative)
			}
		}
	}
	t.Results = append(t.Results, res)
}

func sq(v float64) float64 { return v * v }

// cellArm is a factorial cell as a result's arm (no mean when the cell's
// value is not defined).
func cellArm(c stats.FactorialCell) result.Arm {
	a := result.Arm{Units: int64(c.Units)}
	if c.Defined {
		a.Mean = result.NumPtr(c.Value)
	}
	return a
}

func contrastTerm(metric, name string, c stats.FactorialContrast) *result.Term {
	tr := &result.Term{Metric: metric, Term: name, Problem: c.Problem}
	if c.Problem == "" {
		tr.Estimate, tr.StdError = result.Num(c.Estimate), result.Num(c.StdError)
		tr.CILower, tr.CIUpper, tr.PValue = result.Num(c.Lower), result.Num(c.Upper), result.Num(c.PValue)
	}
	return tr
}
