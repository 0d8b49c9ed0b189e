package runtime

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/caliper-dev/caliper/compiler"
	"github.com/caliper-dev/caliper/lang/ast"
	"github.com/caliper-dev/caliper/lang/diag"
	"github.com/caliper-dev/caliper/lang/model"
	"github.com/caliper-dev/caliper/runtime/decide"
	"github.com/caliper-dev/caliper/runtime/engine"
	"github.com/caliper-dev/caliper/runtime/result"
	"github.com/caliper-dev/caliper/runtime/stats"
)

// RunInterleaving executes an interleaving's query and analyses it.
func RunInterleaving(ctx context.Context, eng engine.Engine, p *compiler.InterleavingPlan) (*result.Target, error) {
	tab, err := eng.Query(ctx, p.SQL)
	if err != nil {
		return nil, fmt.Errorf("interleaving %s: %w", p.Interleaving.Name, err)
	}
	return AnalyzeInterleaving(p, tab)
}

// ilRow is one row of an interleaving's result: sessions of one status and
// treatment, with one PreferenceMoments per credit.
type ilRow struct {
	status, variant string
	units, sessions float64
	firstB, firstT  float64
	moments         []stats.PreferenceMoments
}

// AnalyzeInterleaving turns an interleaving's result table into its
// target: preference per credit and treatment, the first-position check
// per treatment, the sessions left out, and the launch decisions.
func AnalyzeInterleaving(p *compiler.InterleavingPlan, tab *engine.Table) (*result.Target, error) {
	il := p.Interleaving
	rs, err := readResults(fmt.Sprintf("the result of interleaving %s", il.Name), tab, p.Columns)
	if err != nil {
		return nil, err
	}
	var rows []*ilRow
	for _, row := range tab.Rows {
		r, err := readILRow(rs, p, row)
		if err != nil {
			return nil, fmt.Errorf("interleaving %s: %w", il.Name, err)
		}
		rows = append(rows, r)
	}
	test, _ := stats.ParsePreferenceTest(il.Test)
	x := &result.Interleaving{Baseline: il.Baseline, Test: test.String(), Results: []*result.Preference{}}
	for _, c := range il.Credits {
		x.Credits = append(x.Credits, c.Name)
	}
	compared := map[string]*ilRow{}
	for _, r := range rows {
		if r.status == compiler.StatusCompared {
			compared[r.variant] = r
			continue
		}
		x.LeftOut = append(x.LeftOut, &result.LeftOut{Status: r.status, Team: r.variant, Sessions: int64(r.sessions), Units: int64(r.units)})
	}
	sort.SliceStable(x.LeftOut, func(i, j int) bool {
		a, b := x.LeftOut[i], x.LeftOut[j]
		if a.Status != b.Status {
			return a.Status < b.Status
		}
		return a.Team < b.Team
	})
	// The treatments: those listed (a listed one without sessions is
	// reported as not estimable), else every team value compared.
	variants := append([]string(nil), il.Treatments...)
	if len(variants) == 0 {
		for v := range compared {
			variants = append(variants, v)
		}
		sort.Strings(variants)
	}
	empty := &ilRow{moments: make([]stats.PreferenceMoments, len(il.Credits))}
	for j, c := range il.Credits {
		for _, v := range variants {
			r := compared[v]
			if r == nil {
				r = empty
			}
			x.Results = append(x.Results, preference(c.Name, v, r.moments[j], test, il.Alpha))
		}
	}
	if p.FirstPositions {
		for _, v := range variants {
			r := compared[v]
			if r == nil {
				r = empty
			}
			x.FirstPositions = append(x.FirstPositions, firstPositionCheck(v, r.sessions, r.firstB, r.firstT))
		}
	}
	t := &result.Target{Kind: result.KindInterleaving, Name: il.Name, Title: il.Title, Owner: il.Owner,
		Alpha: result.Num(il.Alpha), Interleaving: x}
	decide.DecideInterleaving(il, t)
	return t, nil
}

func readILRow(rs *results, p *compiler.InterleavingPlan, row []any) (*ilRow, error) {
	r := &ilRow{}
	var err error
	if r.status, _, err = rs.text(row, compiler.ColILStatus); err != nil {
		return nil, err
	}
	if r.variant, _, err = rs.text(row, compiler.ColILVariant); err != nil {
		return nil, err
	}
	num := func(name string) float64 {
		if err != nil {
			return 0
		}
		var v float64
		v, _, err = rs.num(row, name)
		return v
	}
	r.units, r.sessions = num(compiler.ColILUnits), num(compiler.ColILSessions)
	if p.FirstPositions {
		r.firstB, r.firstT = num(compiler.ColILFirstBaseline), num(compiler.ColILFirstTreatment)
	}
	for _, cc := range p.Credits {
		m := stats.PreferenceMoments{Units: r.units, Sessions: r.sessions,
			Wins: num(cc.Wins), Losses: num(cc.Losses), SumSqWins: num(cc.SqWins), SumSqDecided: num(cc.SqDecided),
			SumWinsDec: num(cc.WinsDecided), SumPref: num(cc.Pref), SumSqPref: num(cc.SqPref)}
		m.Ties = m.Sessions - m.Wins - m.Losses
		r.moments = append(r.moments, m)
	}
	return r, err
}

// preference analyses one credit and treatment.
func preference(credit, variant string, m stats.PreferenceMoments, test stats.PreferenceTest, alpha float64) *result.Preference {
	a := stats.ComparePreference(m, test, alpha)
	out := &result.Preference{Credit: credit, Variant: variant, Units: int64(a.Units), Sessions: int64(a.Sessions),
		Wins: int64(a.Wins), Losses: int64(a.Losses), Ties: int64(a.Ties), Method: a.Method, MeanMethod: "t_units"}
	if a.ShareEstimable() {
		out.Share = effect(a.Share)
		out.PValue = result.NumPtr(a.PValue)
		out.Significant = a.PValue < alpha
	} else {
		out.NotEstimable = a.ShareProblem
	}
	if a.MeanProblem == "" {
		out.MeanPreference = effect(a.MeanPreference)
		out.MeanPValue = result.NumPtr(a.MeanPValue)
		out.MeanDF = result.NumPtr(a.MeanDF)
	} else {
		out.MeanNotEstimable = a.MeanProblem
	}
	return out
}

// firstPositionCheck is the interleaving's sample-ratio check for one
// treatment.
func firstPositionCheck(variant string, sessions, b, t float64) *result.FirstPositions {
	out := &result.FirstPositions{Variant: variant, Baseline: int64(b), Treatment: int64(t)}
	if sessions < 1 {
		out.NotEstimable = stats.NoSessions
		return out
	}
	if b+t < 1 {
		out.NotEstimable = "no session whose first position is one team's alone"
		return out
	}
	s := stats.FirstPositionSRM(b, t)
	out.PValue = result.NumPtr(s.PValue)
	out.Passed = s.PValue >= stats.SRMThreshold
	return out
}

// interleavingDiags reports what the data leave out of an interleaving:
// sessions against other team values, with several treatments or none
// (a warning), and no compared session at all (an error, which says
// whether the rows were empty).
func interleavingDiags(ctx context.Context, eng engine.Engine, il *model.Interleaving, t *result.Target) diag.List {
	var diags diag.List
	x := t.Interleaving
	if x == nil {
		return diags
	}
	td := ilTeamsAndCredits(ctx, eng, il)
	if td.HasErrors() {
		return td
	}
	diags = append(diags, td...)
	var parts []string
	for _, l := range x.LeftOut {
		what := map[string]string{compiler.StatusSeveral: "with several treatments", compiler.StatusNoTreatment: "with the baseline's items only"}[l.Status]
		if l.Status == compiler.StatusOtherTeam {
			what = fmt.Sprintf("against team %q", l.Team)
		}
		parts = append(parts, fmt.Sprintf("%d %s", l.Sessions, what))
	}
	anyCompared := false
	for _, r := range x.Results {
		if r.Sessions > 0 {
			anyCompared = true
		}
	}
	if !anyCompared && len(parts) == 0 {
		return append(diags, ilNoSession(ctx, eng, il)...)
	}
	if !anyCompared {
		diags.Errorf(diag.EDataVariant, il.Span, "interleaving `%s`: no session compares the baseline %q with a treatment", il.Name, il.Baseline).
			Hint("sessions left out: %s", strings.Join(parts, ", "))
		return diags
	}
	if len(parts) > 0 {
		span := il.Span
		for _, key := range []string{"team", "treatments"} {
			if f := ilField(il, key); f != nil {
				span = f.Value.Span()
			}
		}
		diags.Warnf(diag.WOtherTeams, span, "interleaving `%s`: sessions left out of the comparison: %s", il.Name, strings.Join(parts, ", ")).
			Hint("a session compares the baseline with one treatment; list the compared rankers with `treatments` (other teams' sessions are counted in the results' left_out)")
	}
	return diags
}

// ilNoSession explains an interleaving without any session: its rows are
// empty (a file with a header and no data rows), or no row has a unit, a
// session and a team.
func ilNoSession(ctx context.Context, eng engine.Engine, il *model.Interleaving) diag.List {
	var diags diag.List
	span := il.Span
	if f := ilField(il, "rows"); f != nil {
		span = f.Value.Span()
	}
	src := il.Rows
	d := eng.Dialect()
	kept := "count(*)"
	if il.Filter != nil {
		kept = "count(CASE WHEN " + compiler.RowSQL(d, il.Filter) + " THEN 1 END)"
	}
	tab, err := eng.Query(ctx, "SELECT count(*), "+kept+" FROM ("+compiler.Relation(src, d)+") "+d.Ident("r"))
	var n, nk float64
	if err == nil && len(tab.Rows) == 1 && len(tab.Rows[0]) == 2 {
		if n, err = engine.Float(tab.Rows[0][0]); err == nil {
			nk, err = engine.Float(tab.Rows[0][1])
		}
	}
	switch {
	case err != nil:
		diags.Errorf(diag.EDataVariant, il.Span, "interleaving `%s`: no session in the rows of `%s`", il.Name, src.Name).
			Hint("the rows could not be counted: %s", firstLine(err.Error()))
	case n == 0:
		dg := diags.Errorf(diag.EDataEmpty, span, "interleaving `%s`: source `%s` has no rows", il.Name, src.Name)
		if src.Reader != nil && src.Reader.Path {
			dg.Hint("%s(%q) has no data rows (a header alone reads as empty): check the file, or the export that wrote it", src.Reader.Name, filepath.Base(src.Arg))
		} else {
			dg.Hint("its data (%s) return no rows: check the table or query", src.Reader.Name)
		}
	case nk == 0:
		diags.Errorf(diag.EDataEmpty, span, "interleaving `%s`: none of the %d rows of `%s` passes the rows' `where`", il.Name, int64(n), src.Name).
			Hint("check the condition after `where` against the data's values")
	default:
		diags.Errorf(diag.EDataEmpty, span, "interleaving `%s`: no row of `%s` (%d in all) has a `%s`, a `%s` and a `%s`", il.Name, src.Name, int64(n), il.Unit.Name, il.Session.Name, il.Team.Name).
			Hint("a row counts when its unit, session and team are not null and its team is not empty")
	}
	return diags
}

// ilField returns an interleaving's field (nil if absent).
func ilField(il *model.Interleaving, key string) *ast.Field {
	if il.Decl == nil {
		return nil
	}
	for _, f := range il.Decl.Fields {
		if f.Key.Name == key {
			return f
		}
	}
	return nil
}

// ilTeamsAndCredits checks an interleaving's rows against its spec: the
// baseline and each listed treatment must be team values of the rows (a
// mistyped one would leave every session out, or count the baseline as a
// treatment), and no credit may be NULL on a compared row (a missing
// click would be read as no click). Only the rows the interleaving reads
// count: past its `where`, with a unit, a session and a non-empty team.
func ilTeamsAndCredits(ctx context.Context, eng engine.Engine, il *model.Interleaving) diag.List {
	var diags diag.List
	if il.Rows == nil || il.Unit == nil || il.Session == nil || il.Team == nil {
		return diags
	}
	d := eng.Dialect()
	team := d.Ident(il.Team.Name)
	conds := []string{d.Ident(il.Unit.Name) + " IS NOT NULL", d.Ident(il.Session.Name) + " IS NOT NULL", team + " IS NOT NULL", team + " <> ''"}
	if il.Filter != nil {
		conds = append([]string{"(" + compiler.RowSQL(d, il.Filter) + ")"}, conds...)
	}
	cols := []string{"CAST(" + team + " AS VARCHAR)", "count(*)"}
	for _, c := range il.Credits {
		cols = append(cols, "count(CASE WHEN ("+compiler.RowSQL(d, c.Expr)+") IS NULL THEN 1 END)")
	}
	q := "SELECT " + strings.Join(cols, ", ") + " FROM (" + compiler.Relation(il.Rows, d) + ") " + d.Ident("r") +
		" WHERE " + strings.Join(conds, " AND ") + " GROUP BY 1 ORDER BY 2 DESC, 1"
	tab, err := eng.Query(ctx, q)
	if err != nil || len(tab.Rows) == 0 {
		return diags // the run's own diagnostics say what is wrong
	}
	rows := map[string]int64{}
	var teams []string
	nulls := make([]int64, len(il.Credits))
	var total int64
	for _, row := range tab.Rows {
		if len(row) != len(cols) {
			return diags
		}
		name, _ := row[0].(string)
		n, err := engine.Float(row[1])
		if err != nil {
			return diags
		}
		teams = append(teams, name)
		rows[name] = int64(n)
		total += int64(n)
		for j := range il.Credits {
			if v, err := engine.Float(row[2+j]); err == nil {
				nulls[j] += int64(v)
			}
		}
	}
	var parts []string
	for i, tm := range teams {
		if i == 8 {
			parts = append(parts, fmt.Sprintf("and %d more", len(teams)-i))
			break
		}
		parts = append(parts, fmt.Sprintf("%q (%d rows)", tm, rows[tm]))
	}
	list := strings.Join(parts, ", ")
	// A listed treatment absent from the rows is reported with the reason
	// (no session compares it) when another one is present: a warning
	// then, an error when none is.
	anyTreatment := len(il.Treatments) == 0
	for _, tr := range il.Treatments {
		if _, ok := rows[tr]; ok {
			anyTreatment = true
		}
	}
	missing := func(key, role, name string) {
		span := il.Span
		if f := ilField(il, key); f != nil {
			span = f.Value.Span()
		}
		msg := fmt.Sprintf("interleaving `%s`: the %s %q is not a value of `%s` in the rows of `%s`", il.Name, role, name, il.Team.Name, il.Rows.Name)
		var dg *diag.Diagnostic
		if role == "treatment" && anyTreatment {
			dg = diags.Warnf(diag.WOtherTeams, span, "%s: no session compares it", msg)
		} else {
			dg = diags.Errorf(diag.EDataVariant, span, "%s", msg)
		}
		if sug := diag.Closest(name, teams); sug != "" {
			dg.Hint("did you mean %q? the rows' teams: %s", sug, list)
		} else {
			dg.Hint("the rows' teams: %s", list)
		}
	}
	if _, ok := rows[il.Baseline]; !ok {
		missing("baseline", "baseline", il.Baseline)
	}
	for _, tr := range il.Treatments {
		if _, ok := rows[tr]; !ok {
			missing("treatments", "treatment", tr)
		}
	}
	for j, c := range il.Credits {
		if nulls[j] == 0 {
			continue
		}
		diags.Errorf(diag.ECredit, c.Span, "interleaving `%s`: credit `%s` has no value (NULL) on %d of the %d rows compared: a missing value would be read as no credit", il.Name, c.Name, nulls[j], total).
			Hint("write false or 0 where nothing was credited, or leave those rows out with `rows %s where ...`", il.Rows.Name)
	}
	return diags
}
