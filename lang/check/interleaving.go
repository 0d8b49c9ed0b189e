package check

import (
	"github.com/caliper-dev/caliper/lang/ast"
	"github.com/caliper-dev/caliper/lang/diag"
	"github.com/caliper-dev/caliper/lang/model"
	"github.com/caliper-dev/caliper/lang/types"
)

// preferenceTests are the `test` words of an interleaving.
var preferenceTests = ast.Words(ast.KindInterleaving, "test")

// interleaving checks an interleaving declaration.
func (c *checker) interleaving(d *ast.Decl) *model.Interleaving {
	il := &model.Interleaving{Name: d.Name.Name, Span: d.Name.Sp, Decl: d, Alpha: 0.05, Test: "unit",
		Title: stringField(d, "title"), Owner: stringField(d, "owner"), Description: stringField(d, "description")}
	if f := field(d, "rows"); f != nil {
		x := f.Value.(*ast.Exposures)
		il.Rows = c.sourceRef(x.Source)
		if il.Rows != nil && x.Where != nil {
			il.Filter = c.filter(x.Where, il.Rows)
		}
	} else {
		c.diags.Errorf(diag.EMissingField, d.Name.Sp, "interleaving `%s` has no `rows`", il.Name).
			Hint("name the source of shown items, one row per item with its team: rows interleaved")
	}
	examples := map[string]string{"unit": "user_id", "session": "session_id", "team": "team"}
	column := func(key string) *model.Column {
		f := field(d, key)
		if f == nil {
			if ex, required := examples[key]; required {
				c.diags.Errorf(diag.EMissingField, d.Name.Sp, "interleaving `%s` has no `%s` column", il.Name, key).
					Hint("name the %s column of the rows: %s %s", key, key, ex)
			}
			return nil
		}
		id := f.Value.(*ast.Ident)
		if il.Rows == nil {
			return nil
		}
		col := il.Rows.Column(id.Name)
		if col == nil {
			c.unknownColumn(il.Rows, id)
			return nil
		}
		if col.Type == types.Invalid {
			return nil
		}
		switch {
		case key == "team" && col.Type != types.String:
			c.diags.Errorf(diag.ETeamColumn, id.Sp, "the team column `%s` is %s; it must be a string", id.Name, col.Type).
				Also(col.Span, "`%s` declared here", id.Name).
				Hint("the team column names the ranker that contributed each row, such as \"v2\" or \"v3\"; declare it `%s string`", id.Name)
			return nil
		case key == "position" && !col.Type.IsNumeric() && !col.Type.IsTemporal():
			c.diags.Errorf(diag.ETypeMismatch, id.Sp, "the position column `%s` is %s; it must be a number (or a time)", id.Name, col.Type).
				Hint("position orders each session's rows: the first position is the smallest")
			return nil
		}
		return col
	}
	il.Unit, il.Session, il.Team = column("unit"), column("session"), column("team")
	il.Order = column("position")
	if il.Order == nil && field(d, "position") == nil && il.Rows != nil {
		il.Order = il.Rows.Time
	}
	if f := field(d, "baseline"); f != nil {
		il.Baseline = f.Value.(*ast.StringLit).Value
	} else {
		c.diags.Errorf(diag.EMissingField, d.Name.Sp, "interleaving `%s` has no `baseline`", il.Name).
			Hint(`name the baseline ranker's team value: baseline "v2"`)
	}
	if f := field(d, "treatments"); f != nil {
		seen := map[string]bool{}
		for _, s := range f.Value.(*ast.StringList).Items {
			switch {
			case s.Value == il.Baseline && il.Baseline != "":
				c.diags.Errorf(diag.ETeamColumn, s.Sp, "%q is the baseline; it cannot also be a treatment", s.Value).
					Hint("list the rankers compared with the baseline, such as treatments \"v3\"")
			case s.Value == "":
				c.diags.Errorf(diag.ETeamColumn, s.Sp, "an empty team value is no ranker: rows with an empty team earn no credit").
					Hint("list the rankers compared with the baseline, such as treatments \"v3\"")
			case seen[s.Value]:
				c.diags.Errorf(diag.EBadValue, s.Sp, "treatment %q is listed twice", s.Value)
			default:
				seen[s.Value] = true
				il.Treatments = append(il.Treatments, s.Value)
			}
		}
	}
	if il.Baseline == "" && field(d, "baseline") != nil {
		c.diags.Errorf(diag.ETeamColumn, field(d, "baseline").Value.Span(), "the baseline's team value is empty").
			Hint("rows with an empty team earn no credit; name the baseline ranker, such as baseline \"v2\"")
	}
	c.credits(d, il)
	if f := field(d, "test"); f != nil {
		id := f.Value.(*ast.Ident)
		if contains(preferenceTests, id.Name) {
			il.Test = id.Name
		} else {
			c.badWord(id, "preference test", preferenceTests)
		}
	}
	if f := field(d, "alpha"); f != nil {
		n := f.Value.(*ast.NumberLit)
		if n.Value <= 0 || n.Value >= 1 {
			c.diags.Errorf(diag.EBadValue, n.Sp, "alpha must be between 0 and 1, found %s", n.Text)
		} else {
			il.Alpha = n.Value
		}
	}
	c.interleavingLaunch(d, il)
	return il
}

// credits checks the `credit NAME EXPR` lines: per-row expressions over
// the rows, bool or numeric, with distinct names.
func (c *checker) credits(d *ast.Decl, il *model.Interleaving) {
	fs := fields(d, "credit")
	if len(fs) == 0 {
		c.diags.Errorf(diag.EMissingField, d.Name.Sp, "interleaving `%s` has no `credit`", il.Name).
			Hint("say what a shown item earns its team, one line each: credit clicks clicked")
		return
	}
	seen := map[string]*ast.Credit{}
	for _, f := range fs {
		cr := f.Value.(*ast.Credit)
		if prev, ok := seen[cr.Name.Name]; ok {
			c.diags.Errorf(diag.ECredit, cr.Name.Sp, "credit `%s` is declared twice in interleaving `%s`", cr.Name.Name, il.Name).
				Also(prev.Name.Sp, "first declared here").
				Hint("give each credit its own name")
			continue
		}
		seen[cr.Name.Name] = cr
		if il.Rows == nil {
			continue
		}
		x := c.row(cr.X, il.Rows)
		t := x.Type()
		if t == types.Invalid {
			continue
		}
		if t != types.Bool && !t.IsNumeric() {
			c.diags.Errorf(diag.ECredit, cr.X.Span(), "credit `%s` is %s; it must be a bool or a number per row", cr.Name.Name, t).
				Hint("a credit is what one shown item earns its team, such as a click (clicked) or dwell seconds (dwell_ms / 1000)")
			continue
		}
		il.Credits = append(il.Credits, &model.Credit{Name: cr.Name.Name, Expr: x, Span: cr.Name.Sp})
	}
}

// interleavingLaunch checks the launch block: srm, C preferred and C not
// worse on the credits.
func (c *checker) interleavingLaunch(d *ast.Decl, il *model.Interleaving) {
	f := field(d, "launch")
	if f == nil {
		return
	}
	il.Launch = []*model.Requirement{}
	var names []string
	for _, cr := range fields(d, "credit") {
		names = append(names, cr.Value.(*ast.Credit).Name.Name)
	}
	for _, r := range f.Value.(*ast.Launch).Requires {
		name := r.Target.Name.Name
		switch {
		case r.Target.Cutoff != nil:
			c.diags.Errorf(diag.EBadValue, r.Target.Cutoff.Sp, "a cutoff (@k) belongs to offline benchmark metrics")
			continue
		case r.Verb == ast.VerbNone && name == "srm":
			if il.Order == nil && il.Rows != nil {
				c.diags.Errorf(diag.ECredit, r.Sp, "`require srm` checks the teams' first positions, but the rows of `%s` cannot be ordered", il.Rows.Name).
					Hint("add `position C` naming the column of each item's position in the list, or declare a time column on source `%s`", il.Rows.Name)
				continue
			}
			il.Launch = append(il.Launch, &model.Requirement{Kind: model.RequireSRM, Span: r.Sp})
			continue
		case r.Verb != ast.VerbPreferred && r.Verb != ast.VerbNotWorse:
			c.diags.Errorf(diag.EBadValue, r.Sp, "an interleaving's requirement is `srm`, `C preferred` or `C not worse`").
				Hint("require %s preferred, or require %s not worse, on one of its credits (improves, within and guardrails are for experiments)", name, name)
			continue
		case !contains(names, name):
			dg := c.diags.Errorf(diag.EUnknownName, r.Target.Name.Sp, "interleaving `%s` has no credit `%s`", il.Name, name)
			if s := diag.Closest(name, names); s != "" {
				dg.Hint("did you mean `%s`?", s)
			} else {
				dg.Hint("credits: %s", joinTicks(names))
			}
			continue
		}
		il.Launch = append(il.Launch, &model.Requirement{Kind: model.RequirementKind(r.Verb), Credit: name, Span: r.Sp})
	}
}

func joinTicks(names []string) string {
	out := ""
	for i, n := range names {
		if i > 0 {
			out += ", "
		}
		out += "`" + n + "`"
	}
	return out
}
