package compiler

import (
	"fmt"
	"strings"

	"github.com/caliper-dev/caliper/dialect"
	"github.com/caliper-dev/caliper/lang/model"
	"github.com/caliper-dev/caliper/lang/types"
)

// InterleavingPlan is the compiled form of one interleaving: one query
// that reduces the shown items to sufficient statistics. Per session it
// sums each team's credit; per unit it counts the treatment's wins and
// losses under each credit; per (status, variant) it returns the sums of
// runtime/stats.PreferenceMoments and the first-position counts. The rows
// stay in the engine.
type InterleavingPlan struct {
	Interleaving *model.Interleaving
	SQL          string
	// Credits name each credit's statistics columns, in the declaration's
	// order.
	Credits []*CreditColumns
	// FirstPositions: the query counts the sessions whose first position
	// (smallest Order) is the baseline's or the treatment's.
	FirstPositions bool
	// Columns describes every column SQL returns.
	Columns Columns
}

// CreditColumns name one credit's per-variant sums.
type CreditColumns struct {
	Credit *model.Credit
	// Wins, Losses: Σ w_i, Σ l_i over units; SqWins: Σ w_i²;
	// SqDecided: Σ (w_i + l_i)²; WinsDecided: Σ w_i (w_i + l_i);
	// Pref, SqPref: Σ p_i and Σ p_i² with p_i = (w_i − l_i) / s_i.
	Wins, Losses, SqWins, SqDecided, WinsDecided, Pref, SqPref string
}

// creditTolerance is the relative tolerance within which a session's
// non-integer credit sums tie: |t − b| ≤ 1e-9 · max(|t|, |b|). Bool and
// int credits sum exactly and compare exactly.
const creditTolerance = "1e-9"

// CompileInterleaving builds an interleaving's query in dialect d.
func CompileInterleaving(il *model.Interleaving, d *dialect.Dialect) (*InterleavingPlan, error) {
	if il.Rows == nil || il.Unit == nil || il.Session == nil || il.Team == nil || il.Baseline == "" || len(il.Credits) == 0 {
		return nil, fmt.Errorf("interleaving %s is incomplete", il.Name)
	}
	if err := CheckReader(il.Rows, d); err != nil {
		return nil, fmt.Errorf("interleaving %s: %v", il.Name, err)
	}
	p := &InterleavingPlan{Interleaving: il, FirstPositions: il.Order != nil}
	for j, c := range il.Credits {
		p.Credits = append(p.Credits, creditColumns(c, j))
	}
	p.SQL = interleavingSQL(p, d)
	p.describe()
	return p, nil
}

// interleavingSQL builds the query from its relations: the typed rows,
// one row per shown item (rows), per session (sessions), each session's
// status (status), per unit (units), and the sums per status and variant
// (final).
func interleavingSQL(p *InterleavingPlan, d *dialect.Dialect) string {
	il := p.Interleaving
	g := &ilBuilder{p: p, d: d, team: d.Ident(il.Team.Name), base: d.String(il.Baseline),
		unit: d.Ident(il.Unit.Name), session: d.Ident(il.Session.Name)}
	q := &query{comment: fmt.Sprintf("interleaving %s, %d credit(s), baseline %s",
		dialect.CommentText(il.Name), len(il.Credits), dialect.CommentText(il.Baseline))}
	q.withSource(d, il.Rows)
	q.with(d, "il_rows", g.rows())
	q.with(d, "il_sessions", g.sessions())
	q.with(d, "il_status", g.status())
	q.with(d, "il_units", g.units())
	q.final = g.final()
	return q.String()
}

// ilBuilder builds an interleaving's relations in dialect d: team, unit
// and session are the quoted columns, base the baseline's literal.
type ilBuilder struct {
	p                         *InterleavingPlan
	d                         *dialect.Dialect
	team, base, unit, session string
}

// rows: one row per shown item with a team: its credits and its order.
func (g *ilBuilder) rows() *selectStmt {
	il, d := g.p.Interleaving, g.d
	f := d.Sprintf
	cols := []string{f(`%s AS "unit"`, g.unit), f(`%s AS "session"`, g.session), f(`%s AS "team"`, g.team)}
	for j, c := range il.Credits {
		x := rowSQL(d, c.Expr, "")
		if c.Expr.Type() == types.Bool {
			x = d.BoolToInt(x)
		} else {
			x = d.Cast(x, d.Types.Float)
		}
		cols = append(cols, x+" AS "+d.Ident(ilCredit(j)))
	}
	if g.p.FirstPositions {
		ord := d.Ident(il.Order.Name)
		cols = append(cols, f(`%s AS "ord"`, ord),
			f(`MIN(%s) OVER (PARTITION BY %s, %s) AS "first_ord"`, ord, g.unit, g.session))
	}
	where := f(`%s IS NOT NULL AND %s <> '' AND %s IS NOT NULL AND %s IS NOT NULL`, g.team, g.team, g.unit, g.session)
	if il.Filter != nil {
		where += " AND " + rowSQL(d, il.Filter, "")
	}
	return &selectStmt{items: cols, from: d.Ident(srcName(il.Rows)), where: []string{where}}
}

// sessions: one row per session: which treatment it compares, each
// team's credit.
func (g *ilBuilder) sessions() *selectStmt {
	d, base := g.d, g.base
	f := d.Sprintf
	other := f(`CASE WHEN "team" <> %s THEN "team" END`, base)
	cols := []string{d.Q(`"unit"`), d.Q(`"session"`), f(`MIN(%s) AS "variant"`, other), f(`COUNT(DISTINCT %s) AS "variants"`, other)}
	for j, c := range g.p.Interleaving.Credits {
		sum := "SUM"
		if c.Expr.Type() != types.Bool {
			sum = d.FloatSum
		}
		cj := d.Ident(ilCredit(j))
		cols = append(cols,
			f(`COALESCE(%s(CASE WHEN "team" = %s THEN %s END), 0) AS %s`, sum, base, cj, d.Ident(ilBaseline(j))),
			f(`COALESCE(%s(CASE WHEN "team" <> %s THEN %s END), 0) AS %s`, sum, base, cj, d.Ident(ilTreatment(j))))
	}
	if g.p.FirstPositions {
		cols = append(cols,
			f(`MAX(CASE WHEN "ord" = "first_ord" AND "team" = %s THEN 1 ELSE 0 END) AS "first_b"`, base),
			f(`MAX(CASE WHEN "ord" = "first_ord" AND "team" <> %s THEN 1 ELSE 0 END) AS "first_t"`, base))
	}
	return &selectStmt{items: cols, from: d.Q(`"il_rows"`), groupBy: d.Q(`"unit", "session"`)}
}

// status: each session's status (ColILStatus).
func (g *ilBuilder) status() *selectStmt {
	d := g.d
	f := d.Sprintf
	compared := d.Q(`"variants" = 1`)
	if ts := g.p.Interleaving.Treatments; len(ts) > 0 {
		lits := make([]string, len(ts))
		for i, t := range ts {
			lits[i] = d.String(t)
		}
		compared = f(`"variants" = 1 AND "variant" IN (%s)`, strings.Join(lits, ", "))
	}
	status := f(`CASE WHEN "variants" = 0 THEN %s WHEN "variants" > 1 THEN %s WHEN %s THEN %s ELSE %s END`,
		d.String(StatusNoTreatment), d.String(StatusSeveral), compared, d.String(StatusCompared), d.String(StatusOtherTeam))
	return &selectStmt{items: []string{f(`"il_sessions".*, %s AS "status"`, status)}, from: d.Q(`"il_sessions"`)}
}

// units: per status, variant and unit, the sessions and each credit's
// wins and losses (sessions where the treatment's credit is the larger or
// the smaller).
func (g *ilBuilder) units() *selectStmt {
	d := g.d
	q := d.Ident
	cols := []string{d.Q(`"status"`), d.Q(`"variant"`), d.Q(`"unit"`), d.Q(`COUNT(*) AS "s"`)}
	for j, c := range g.p.Interleaving.Credits {
		win, loss := creditOutcomes(q(ilTreatment(j)), q(ilBaseline(j)), c.Expr.Type() == types.Float)
		cols = append(cols,
			fmt.Sprintf("SUM(CASE WHEN %s THEN 1 ELSE 0 END) AS %s", win, q(ilUnitWins(j))),
			fmt.Sprintf("SUM(CASE WHEN %s THEN 1 ELSE 0 END) AS %s", loss, q(ilUnitLoss(j))))
	}
	if g.p.FirstPositions {
		cols = append(cols,
			d.Q(`SUM(CASE WHEN "first_b" = 1 AND "first_t" = 0 THEN 1 ELSE 0 END) AS "fb"`),
			d.Q(`SUM(CASE WHEN "first_t" = 1 AND "first_b" = 0 THEN 1 ELSE 0 END) AS "ft"`))
	}
	inner := &selectStmt{
		items: []string{d.Sprintf(`"status", CASE WHEN "status" IN (%s, %s) THEN "variant" END AS "variant", "unit", %s`,
			d.String(StatusCompared), d.String(StatusOtherTeam), sessionCols(g.p, q))},
		from: d.Q(`"il_status"`)}
	return &selectStmt{items: cols, from: "(\n    " + inner.render("    ") + "\n  ) " + q("x"),
		groupBy: d.Q(`"status", "variant", "unit"`)}
}

// creditOutcomes are the conditions that a session is a win and a loss
// for the treatment, whose credit sum is t against the baseline's b.
// Sums of non-integer credits differ by rounding (0.1 + 0.2 against
// 0.3): within a relative tolerance they tie. The larger magnitude is
// GREATEST(t, b, -t, -b), which every dialect spells alike.
func creditOutcomes(t, b string, float bool) (win, loss string) {
	if !float {
		return t + " > " + b, t + " < " + b
	}
	tol := fmt.Sprintf("%s * GREATEST(%s, %s, -%s, -%s)", creditTolerance, t, b, t, b)
	return fmt.Sprintf("%s - %s > %s", t, b, tol), fmt.Sprintf("%s - %s > %s", b, t, tol)
}

// final: one row per status and variant, the sums over units (the result
// columns, named in names.go).
func (g *ilBuilder) final() *selectStmt {
	d := g.d
	q, f := d.Ident, d.Sprintf
	out := []string{f(`"status" AS %s`, q(ColILStatus)), f(`"variant" AS %s`, q(ColILVariant)),
		f(`COUNT(*) AS %s`, q(ColILUnits)), f(`SUM("s") AS %s`, q(ColILSessions))}
	if g.p.FirstPositions {
		out = append(out, f(`SUM("fb") AS %s`, q(ColILFirstBaseline)), f(`SUM("ft") AS %s`, q(ColILFirstTreatment)))
	}
	for j, cc := range g.p.Credits {
		out = append(out, creditSums(d, cc, q(ilUnitWins(j)), q(ilUnitLoss(j)))...)
	}
	return &selectStmt{items: out, from: d.Q(`"il_units"`), groupBy: d.Q(`"status", "variant"`), orderBy: d.Q(`"status", "variant"`)}
}

// creditSums are one credit's result columns from the per-unit wins wj
// and losses lj and the unit's sessions "s".
func creditSums(d *dialect.Dialect, cc *CreditColumns, wj, lj string) []string {
	q, fl := d.Ident, d.Types.Float
	pref := fmt.Sprintf("(%s / %s)", d.Cast(wj+" - "+lj, fl), d.Cast(q("s"), fl))
	return []string{
		fmt.Sprintf("SUM(%s) AS %s", wj, q(cc.Wins)),
		fmt.Sprintf("SUM(%s) AS %s", lj, q(cc.Losses)),
		fmt.Sprintf("SUM(%s * %s) AS %s", wj, wj, q(cc.SqWins)),
		fmt.Sprintf("SUM((%s + %s) * (%s + %s)) AS %s", wj, lj, wj, lj, q(cc.SqDecided)),
		fmt.Sprintf("SUM(%s * (%s + %s)) AS %s", wj, wj, lj, q(cc.WinsDecided)),
		fmt.Sprintf("%s(%s) AS %s", d.FloatSum, pref, q(cc.Pref)),
		fmt.Sprintf("%s(%s * %s) AS %s", d.FloatSum, pref, pref, q(cc.SqPref)),
	}
}

// sessionCols are the per-session columns the per-unit step reads.
func sessionCols(p *InterleavingPlan, q func(string) string) string {
	var cols []string
	for j := range p.Credits {
		cols = append(cols, q(ilBaseline(j)), q(ilTreatment(j)))
	}
	if p.FirstPositions {
		cols = append(cols, q("first_b"), q("first_t"))
	}
	return strings.Join(cols, ", ")
}

// describe lists the query's result columns.
func (p *InterleavingPlan) describe() {
	num := func(name, meaning string) ResultColumn {
		return ResultColumn{Name: name, Meaning: meaning, Type: Number}
	}
	cols := Columns{
		{Name: ColILStatus, Meaning: "the sessions' status: compared, other_team, several_treatments or no_treatment", Type: Text},
		{Name: ColILVariant, Meaning: "the treatment's team value (NULL for several_treatments and no_treatment)", Type: Text, Nullable: true},
		num(ColILUnits, "units with at least one such session"),
		num(ColILSessions, "sessions"),
	}
	if p.FirstPositions {
		cols = append(cols, num(ColILFirstBaseline, "sessions whose first position is the baseline's alone"),
			num(ColILFirstTreatment, "sessions whose first position is the treatment's alone"))
	}
	for _, cc := range p.Credits {
		c := "credit " + cc.Credit.Name + ": "
		cols = append(cols,
			num(cc.Wins, c+"Σ wins over units"), num(cc.Losses, c+"Σ losses over units"),
			num(cc.SqWins, c+"Σ wins² over units"), num(cc.SqDecided, c+"Σ (wins + losses)² over units"),
			num(cc.WinsDecided, c+"Σ wins·(wins + losses) over units"),
			num(cc.Pref, c+"Σ (wins − losses) / sessions over units"), num(cc.SqPref, c+"Σ ((wins − losses) / sessions)² over units"))
	}
	p.Columns = cols
}
