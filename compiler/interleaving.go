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

// Result columns of an interleaving's query.
const (
	// ColILStatus says what a row's sessions are: StatusCompared (the
	// baseline against one treatment), StatusOtherTeam (against a team
	// value that is not a listed treatment), StatusSeveral (more than one
	// non-baseline team) or StatusNoTreatment (only the baseline's items).
	ColILStatus = "status"
	// ColILVariant is the treatment's team value (NULL unless the status
	// is compared or other_team).
	ColILVariant        = "variant"
	ColILUnits          = "units"
	ColILSessions       = "sessions"
	ColILFirstBaseline  = "first_baseline"
	ColILFirstTreatment = "first_treatment"
)

// Session statuses (ColILStatus).
const (
	StatusCompared    = "compared"
	StatusOtherTeam   = "other_team"
	StatusSeveral     = "several_treatments"
	StatusNoTreatment = "no_treatment"
)

// creditTolerance is the relative tolerance within which a session's
// non-integer credit sums tie: |t − b| ≤ 1e-9 · max(|t|, |b|). Bool and
// int credits sum exactly and compare exactly.
const creditTolerance = "1e-9"

// creditColumns names credit j's (from 0) columns.
func creditColumns(c *model.Credit, j int) *CreditColumns {
	n := j + 1
	return &CreditColumns{Credit: c,
		Wins: fmt.Sprintf("wins_%d", n), Losses: fmt.Sprintf("losses_%d", n),
		SqWins: fmt.Sprintf("sq_wins_%d", n), SqDecided: fmt.Sprintf("sq_decided_%d", n),
		WinsDecided: fmt.Sprintf("wins_decided_%d", n),
		Pref:        fmt.Sprintf("pref_%d", n), SqPref: fmt.Sprintf("sq_pref_%d", n)}
}

// Per-row, per-session and per-unit column names inside the query.
func ilCredit(j int) string    { return fmt.Sprintf("c%d", j+1) }
func ilBaseline(j int) string  { return fmt.Sprintf("b%d", j+1) }
func ilTreatment(j int) string { return fmt.Sprintf("t%d", j+1) }
func ilUnitWins(j int) string  { return fmt.Sprintf("w%d", j+1) }
func ilUnitLoss(j int) string  { return fmt.Sprintf("l%d", j+1) }

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

func interleavingSQL(p *InterleavingPlan, d *dialect.Dialect) string {
	il := p.Interleaving
	q := d.Ident
	f := d.Sprintf
	team, base := q(il.Team.Name), d.String(il.Baseline)
	unit, session := q(il.Unit.Name), q(il.Session.Name)
	var w strings.Builder
	fmt.Fprintf(&w, "-- caliper: interleaving %s, %d credit(s), baseline %s\n", dialect.CommentText(il.Name), len(il.Credits), dialect.CommentText(il.Baseline))
	w.WriteString("WITH\n")
	var ctes []string
	ctes = append(ctes, fmt.Sprintf("%s AS (\n  %s\n)", q(srcName(il.Rows)), Relation(il.Rows, d)))

	// One row per shown item with a team: its credits and its order.
	cols := []string{f(`%s AS "unit"`, unit), f(`%s AS "session"`, session), f(`%s AS "team"`, team)}
	for j, c := range il.Credits {
		x := rowSQL(d, c.Expr, "")
		if c.Expr.Type() == types.Bool {
			x = d.BoolToInt(x)
		} else {
			x = d.Cast(x, d.Types.Float)
		}
		cols = append(cols, x+" AS "+q(ilCredit(j)))
	}
	if p.FirstPositions {
		ord := q(il.Order.Name)
		cols = append(cols, f(`%s AS "ord"`, ord),
			f(`MIN(%s) OVER (PARTITION BY %s, %s) AS "first_ord"`, ord, unit, session))
	}
	where := f(`%s IS NOT NULL AND %s <> '' AND %s IS NOT NULL AND %s IS NOT NULL`, team, team, unit, session)
	if il.Filter != nil {
		where += " AND " + rowSQL(d, il.Filter, "")
	}
	ctes = append(ctes, f(`"il_rows" AS (
  SELECT %s
  FROM %s
  WHERE %s
)`, strings.Join(cols, ",\n    "), q(srcName(il.Rows)), where))

	// One row per session: which treatment it compares, each team's credit.
	other := f(`CASE WHEN "team" <> %s THEN "team" END`, base)
	scols := []string{d.Q(`"unit"`), d.Q(`"session"`), f(`MIN(%s) AS "variant"`, other), f(`COUNT(DISTINCT %s) AS "variants"`, other)}
	for j, c := range il.Credits {
		sum := "SUM"
		if c.Expr.Type() != types.Bool {
			sum = d.FloatSum
		}
		cj := q(ilCredit(j))
		scols = append(scols,
			f(`COALESCE(%s(CASE WHEN "team" = %s THEN %s END), 0) AS %s`, sum, base, cj, q(ilBaseline(j))),
			f(`COALESCE(%s(CASE WHEN "team" <> %s THEN %s END), 0) AS %s`, sum, base, cj, q(ilTreatment(j))))
	}
	if p.FirstPositions {
		scols = append(scols,
			f(`MAX(CASE WHEN "ord" = "first_ord" AND "team" = %s THEN 1 ELSE 0 END) AS "first_b"`, base),
			f(`MAX(CASE WHEN "ord" = "first_ord" AND "team" <> %s THEN 1 ELSE 0 END) AS "first_t"`, base))
	}
	ctes = append(ctes, f(`"il_sessions" AS (
  SELECT %s
  FROM "il_rows"
  GROUP BY "unit", "session"
)`, strings.Join(scols, ",\n    ")))

	// Each session's status.
	compared := d.Q(`"variants" = 1`)
	if len(il.Treatments) > 0 {
		var ts []string
		for _, t := range il.Treatments {
			ts = append(ts, d.String(t))
		}
		compared = f(`"variants" = 1 AND "variant" IN (%s)`, strings.Join(ts, ", "))
	}
	status := f(`CASE WHEN "variants" = 0 THEN %s WHEN "variants" > 1 THEN %s WHEN %s THEN %s ELSE %s END`,
		d.String(StatusNoTreatment), d.String(StatusSeveral), compared, d.String(StatusCompared), d.String(StatusOtherTeam))
	ucols := []string{d.Q(`"status"`), d.Q(`"variant"`), d.Q(`"unit"`), d.Q(`COUNT(*) AS "s"`)}
	for j, c := range il.Credits {
		t, b := q(ilTreatment(j)), q(ilBaseline(j))
		win, loss := t+" > "+b, t+" < "+b
		if c.Expr.Type() == types.Float {
			// Sums of non-integer credits differ by rounding (0.1 + 0.2
			// against 0.3): within a relative tolerance they tie. The
			// larger magnitude is GREATEST(t, b, -t, -b), which every
			// dialect spells alike.
			tol := fmt.Sprintf("%s * GREATEST(%s, %s, -%s, -%s)", creditTolerance, t, b, t, b)
			win, loss = fmt.Sprintf("%s - %s > %s", t, b, tol), fmt.Sprintf("%s - %s > %s", b, t, tol)
		}
		ucols = append(ucols,
			fmt.Sprintf("SUM(CASE WHEN %s THEN 1 ELSE 0 END) AS %s", win, q(ilUnitWins(j))),
			fmt.Sprintf("SUM(CASE WHEN %s THEN 1 ELSE 0 END) AS %s", loss, q(ilUnitLoss(j))))
	}
	if p.FirstPositions {
		ucols = append(ucols,
			f(`SUM(CASE WHEN "first_b" = 1 AND "first_t" = 0 THEN 1 ELSE 0 END) AS "fb"`),
			f(`SUM(CASE WHEN "first_t" = 1 AND "first_b" = 0 THEN 1 ELSE 0 END) AS "ft"`))
	}
	ctes = append(ctes, f(`"il_status" AS (
  SELECT "il_sessions".*, %s AS "status"
  FROM "il_sessions"
)`, status), f(`"il_units" AS (
  SELECT %s
  FROM (
    SELECT "status", CASE WHEN "status" IN (%s, %s) THEN "variant" END AS "variant", "unit", %s
    FROM "il_status"
  ) "x"
  GROUP BY "status", "variant", "unit"
)`, strings.Join(ucols, ",\n    "), d.String(StatusCompared), d.String(StatusOtherTeam), sessionCols(p, q)))
	w.WriteString(strings.Join(ctes, ",\n"))

	// One row per status and variant: the sums over units.
	fl := d.Types.Float
	out := []string{f(`"status" AS %s`, q(ColILStatus)), f(`"variant" AS %s`, q(ColILVariant)),
		f(`COUNT(*) AS %s`, q(ColILUnits)), f(`SUM("s") AS %s`, q(ColILSessions))}
	if p.FirstPositions {
		out = append(out, f(`SUM("fb") AS %s`, q(ColILFirstBaseline)), f(`SUM("ft") AS %s`, q(ColILFirstTreatment)))
	}
	for j, cc := range p.Credits {
		wj, lj := q(ilUnitWins(j)), q(ilUnitLoss(j))
		pref := fmt.Sprintf("(%s / %s)", d.Cast(wj+" - "+lj, fl), d.Cast(q("s"), fl))
		out = append(out,
			fmt.Sprintf("SUM(%s) AS %s", wj, q(cc.Wins)),
			fmt.Sprintf("SUM(%s) AS %s", lj, q(cc.Losses)),
			fmt.Sprintf("SUM(%s * %s) AS %s", wj, wj, q(cc.SqWins)),
			fmt.Sprintf("SUM((%s + %s) * (%s + %s)) AS %s", wj, lj, wj, lj, q(cc.SqDecided)),
			fmt.Sprintf("SUM(%s * (%s + %s)) AS %s", wj, wj, lj, q(cc.WinsDecided)),
			fmt.Sprintf("%s(%s) AS %s", d.FloatSum, pref, q(cc.Pref)),
			fmt.Sprintf("%s(%s * %s) AS %s", d.FloatSum, pref, pref, q(cc.SqPref)))
	}
	w.WriteString("\n")
	w.WriteString(f(`SELECT %s
FROM "il_units"
GROUP BY "status", "variant"
ORDER BY "status", "variant"`, strings.Join(out, ",\n  ")))
	return w.String()
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
