package check

import (
	"sort"
	"time"

	"github.com/caliper-dev/caliper/lang/ast"
	"github.com/caliper-dev/caliper/lang/diag"
	"github.com/caliper-dev/caliper/lang/model"
	"github.com/caliper-dev/caliper/lang/source"
	"github.com/caliper-dev/caliper/lang/types"
)

// notYet lists experiment fields that parse and check syntactically but
// that this version does not execute; each names the capability that will
// bring it.
var notYet = map[string]string{}

// experiment checks an experiment declaration.
func (c *checker) experiment(d *ast.Decl) *model.Experiment {
	e := &model.Experiment{Name: d.Name.Name, Span: d.Name.Sp, Alpha: 0.05,
		Title: stringField(d, "title"), Owner: stringField(d, "owner"),
		Hypothesis: stringField(d, "hypothesis"), Description: stringField(d, "description")}
	e.Spans = experimentSpans(d)
	c.declOf[e] = d
	for _, f := range d.Fields {
		if what, ok := notYet[f.Key.Name]; ok {
			c.diags.Errorf(diag.ENotSupported, f.Key.Sp, "`%s` (%s) is not supported yet", f.Key.Name, what).
				Hint("remove the field to run this experiment without it")
		}
	}
	c.exposures(d, e)
	factorial := field(d, "factor") != nil
	c.unitAndAssignment(d, e, factorial)
	if f := field(d, "control"); f != nil {
		e.Control = f.Value.(*ast.StringLit).Value
	} else if !factorial {
		c.diags.Errorf(diag.EMissingField, d.Name.Sp, "experiment `%s` has no `control`", e.Name).
			Hint(`name the control variant: control "control"`)
	}
	if f := field(d, "treatments"); f != nil {
		for _, s := range f.Value.(*ast.StringList).Items {
			e.Treatments = append(e.Treatments, s.Value)
		}
	}
	if f := field(d, "allocation"); f != nil {
		c.allocation(f.Value.(*ast.PercentList), e)
	}
	if f := field(d, "window"); f != nil {
		e.Window = c.durationField(f, "remove `window` to count each unit from its first exposure to the end of the data; otherwise give its length, such as 7d")
	}
	e.Start = c.dateField(d, "start")
	e.End = c.dateField(d, "end")
	if !e.Start.IsZero() && !e.End.IsZero() && !e.Start.Before(e.End) {
		end := field(d, "end").Value.(*ast.StringLit)
		start := field(d, "start").Value.(*ast.StringLit)
		what := "before"
		if e.Start.Equal(e.End) {
			what = "the same instant as"
		}
		c.diags.Errorf(diag.EBadValue, end.Sp, "`end` %q is %s `start` %q: the experiment would read no data", end.Value, what, start.Value).
			Also(start.Sp, "`start` is here").
			Hint("the experiment reads [start, end): `end` must come after `start`")
	}
	if f := field(d, "alpha"); f != nil {
		n := f.Value.(*ast.NumberLit)
		if n.Value <= 0 || n.Value >= 1 {
			c.diags.Errorf(diag.EBadValue, n.Sp, "alpha must be between 0 and 1, found %s", n.Text).
				Hint("alpha is the false-positive rate of each test, such as 0.05 (not 5)")
		} else {
			e.Alpha = n.Value
		}
	}
	if f := field(d, "correction"); f != nil {
		id := f.Value.(*ast.Ident)
		if v, ok := model.ParseCorrection(id.Name); ok {
			e.Correction = v
		} else {
			c.badWord(id, "correction", model.CorrectionWords)
		}
	}
	if f := field(d, "window_policy"); f != nil {
		id := f.Value.(*ast.Ident)
		v, ok := model.ParseWindowPolicy(id.Name)
		switch {
		case !ok:
			c.badWord(id, "window_policy", model.WindowPolicyWords)
		case v == model.WindowComplete && e.Window == 0:
			c.diags.Errorf(diag.EBadValue, id.Sp, "`window_policy complete` needs a `window`: without one, every unit's window runs to the end of the data").
				Hint("add a window such as `window 7d`, or remove `window_policy`")
		case v == model.WindowComplete && (e.Exposures == nil || e.Exposures.Time == nil):
			c.diags.Errorf(diag.ENoTime, id.Sp, "`window_policy complete` needs a `time` column on the exposures")
		default:
			e.WindowPolicy = v
		}
	}
	if f := field(d, "relative_ci"); f != nil {
		id := f.Value.(*ast.Ident)
		if v, ok := model.ParseRelativeCI(id.Name); ok {
			e.RelativeCI = v
		} else {
			c.badWord(id, "relative_ci", model.RelativeCIWords)
		}
	}
	if f := field(d, "sequential"); f != nil {
		e.Sequential = f.Value.(*ast.BoolLit).Value
	}
	e.SequentialTuning = 5000
	if f := field(d, "sequential_tuning"); f != nil {
		n := f.Value.(*ast.NumberLit)
		switch {
		case n.Value < 1:
			c.diags.Errorf(diag.EBadValue, n.Sp, "sequential_tuning is a sample size (N*), at least 1; found %s", n.Text)
		case !e.Sequential:
			c.diags.Errorf(diag.EBadValue, f.Key.Sp, "sequential_tuning applies with `sequential true`")
		default:
			e.SequentialTuning = n.Value
		}
	}
	if f := field(d, "cuped"); f != nil {
		e.Cuped = c.durationField(f, "remove `cuped` to compare without the pre-period adjustment; otherwise give the pre-period's length, such as 14d")
	}
	c.segments(d, e)
	c.factors(d, e)
	if f := field(d, "cluster"); f != nil && e.Exposures != nil {
		id := f.Value.(*ast.Ident)
		if col := e.Exposures.Column(id.Name); col == nil {
			c.unknownColumn(e.Exposures, id)
		} else if col.Name == e.Unit {
			c.diags.Errorf(diag.EBadValue, id.Sp, "the cluster column `%s` is the unit itself; a cluster groups several units", id.Name)
		} else {
			e.Cluster = col
		}
		if len(e.Segments) > 0 {
			c.diags.Errorf(diag.ENotSupported, f.Key.Sp, "`cluster` together with `segment` is not supported yet")
		}
	}
	c.metricUses(d, e)
	c.components(e)
	c.limitExperiment(e)
	c.split(d, e)
	c.timeline(d, e)
	c.launch(d, e)
	c.timeRequirements(d, e)
	return e
}

// experimentSpans locates the fields diagnostics point at after checking
// (each at the experiment's name when absent).
func experimentSpans(d *ast.Decl) model.ExperimentSpans {
	at := d.Name.Sp
	sp := model.ExperimentSpans{Control: at, Treatments: at, Exposures: at, Window: at, End: at, Filter: at, Timeline: at}
	value := func(key string, to *source.Span) {
		if f := field(d, key); f != nil && f.Value != nil {
			*to = f.Value.Span()
		}
	}
	value("control", &sp.Control)
	value("treatments", &sp.Treatments)
	value("exposures", &sp.Exposures)
	value("window", &sp.Window)
	value("end", &sp.End)
	sp.Filter = sp.Exposures
	if f := field(d, "treatments"); f != nil {
		if l, ok := f.Value.(*ast.StringList); ok {
			for _, it := range l.Items {
				sp.TreatmentItems = append(sp.TreatmentItems, it.Sp)
			}
		}
	}
	if f := field(d, "exposures"); f != nil {
		if x, ok := f.Value.(*ast.Exposures); ok && x.Where != nil {
			sp.Filter = x.Where.Span()
			sp.FilterColumns = ast.PlainNames(x.Where)
			sort.Strings(sp.FilterColumns)
		}
	}
	if f := field(d, "timeline"); f != nil {
		sp.Timeline = f.Sp
	}
	return sp
}

// factors checks `factor NAME C baseline "v"` lines and `attribution`.
func (c *checker) factors(d *ast.Decl, e *model.Experiment) {
	seen := map[string]bool{}
	for _, f := range fields(d, "factor") {
		fa := f.Value.(*ast.Factor)
		if seen[fa.Name.Name] {
			c.diags.Errorf(diag.EDuplicateName, fa.Name.Sp, "factor `%s` is declared twice", fa.Name.Name)
			continue
		}
		seen[fa.Name.Name] = true
		if e.Exposures == nil {
			continue
		}
		col := e.Exposures.Column(fa.Column.Name)
		if col == nil {
			c.unknownColumn(e.Exposures, fa.Column)
			continue
		}
		e.Factors = append(e.Factors, &model.Factor{Name: fa.Name.Name, Column: col, Baseline: fa.Baseline.Value, Span: fa.Sp})
	}
	if len(e.Factors) > 0 {
		for _, key := range []string{"assignment", "control", "treatments", "allocation", "segment", "cluster"} {
			if f := field(d, key); f != nil {
				c.diags.Errorf(diag.EFieldNotHere, f.Key.Sp, "a factorial experiment assigns units by its factors; `%s` does not apply", key).
					Hint("remove `%s`; each `factor` line names its column and baseline level", key)
			}
		}
		if len(e.Factors) > 10 {
			c.diags.Errorf(diag.EBadValue, d.Name.Sp, "a factorial design supports at most 10 factors, found %d", len(e.Factors))
		}
	}
	if f := field(d, "attribution"); f != nil {
		id := f.Value.(*ast.Ident)
		v, ok := model.ParseAttribution(id.Name)
		switch {
		case !ok:
			c.badWord(id, "attribution method", model.AttributionWords)
		case len(e.Factors) == 0:
			c.diags.Errorf(diag.EBadValue, id.Sp, "`attribution` needs factors").Hint(`add factor lines: factor ranker rank_arm baseline "v1"`)
		default:
			e.Attribution = v
		}
	}
}

// split checks `split C`: C must be a column of at least one metric's
// source (metrics whose sources lack it are reported overall only).
func (c *checker) split(d *ast.Decl, e *model.Experiment) {
	f := field(d, "split")
	if f == nil {
		return
	}
	id := f.Value.(*ast.Ident)
	found := false
	for _, s := range experimentSources(e) {
		if s.Column(id.Name) != nil {
			found = true
		}
	}
	if !found {
		c.diags.Errorf(diag.EUnknownColumn, id.Sp, "`%s` is not a column of any source the experiment's metrics read", id.Name).
			Hint("split by an attribute of the metric rows, such as surface")
		return
	}
	if len(e.Segments) > 0 || e.Cluster != nil || e.Factorial() {
		c.diags.Errorf(diag.ENotSupported, f.Key.Sp, "`split` together with `segment`, `cluster` or `factor` is not supported yet")
		return
	}
	e.Split = id.Name
}

// timeline checks `timeline day|week|exposure_day|exposure_week`: it
// needs event times on the exposures and on every metric source.
func (c *checker) timeline(d *ast.Decl, e *model.Experiment) {
	f := field(d, "timeline")
	if f == nil {
		return
	}
	id := f.Value.(*ast.Ident)
	tl, ok := model.ParseTimeline(id.Name)
	if !ok {
		c.badWord(id, "timeline period", model.TimelineWords)
		return
	}
	if e.Exposures == nil {
		return
	}
	ok = e.Exposures.Time != nil
	for _, s := range experimentSources(e) {
		ok = ok && s.Time != nil
	}
	if !ok {
		c.diags.Errorf(diag.ENoTime, id.Sp, "a timeline needs a `time` column on the exposures and on every metric source")
		return
	}
	if e.Factorial() || e.Cluster != nil || len(e.Segments) > 0 {
		c.diags.Errorf(diag.ENotSupported, f.Key.Sp, "`timeline` together with `factor`, `cluster` or `segment` is not supported yet")
		return
	}
	e.Timeline = tl
}

// components adds the factors of decomposed metrics, so their values are
// computed alongside (role component).
func (c *checker) components(e *model.Experiment) {
	for _, u := range append([]*model.MetricUse(nil), e.Metrics...) {
		for _, m := range u.Metric.Decompose {
			if !usesMetric(e, m) {
				e.Metrics = append(e.Metrics, &model.MetricUse{Metric: m, Role: model.Component, Span: u.Span})
			}
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// segments resolves `segment C, ...` against the exposures' columns.
func (c *checker) segments(d *ast.Decl, e *model.Experiment) {
	f := field(d, "segment")
	if f == nil || e.Exposures == nil {
		return
	}
	for _, id := range f.Value.(*ast.IdentList).Items {
		col := e.Exposures.Column(id.Name)
		if col == nil {
			c.unknownColumn(e.Exposures, id)
			continue
		}
		if col.Name == e.Unit {
			c.diags.Errorf(diag.EBadValue, id.Sp, "the unit column `%s` cannot be a segment", id.Name)
			continue
		}
		e.Segments = append(e.Segments, col)
	}
}

// launch checks the launch block. A metric a requirement names that the
// experiment does not list is added as a secondary metric, so its result
// is reported next to the decision it decides.
func (c *checker) launch(d *ast.Decl, e *model.Experiment) {
	f := field(d, "launch")
	if f == nil {
		return
	}
	e.Launch = []*model.Requirement{}
	for _, r := range f.Value.(*ast.Launch).Requires {
		name := r.Target.Name.Name
		if r.Target.Cutoff != nil {
			c.diags.Errorf(diag.EBadValue, r.Target.Cutoff.Sp, "a cutoff (@k) belongs to offline benchmark metrics")
			continue
		}
		if r.Verb == ast.VerbNone {
			switch name {
			case "srm":
				e.Launch = append(e.Launch, &model.Requirement{Kind: model.RequireSRM, Span: r.Sp})
			case "guardrails":
				e.Launch = append(e.Launch, &model.Requirement{Kind: model.RequireGuardrails, Span: r.Sp})
			default:
				c.diags.Errorf(diag.EBadValue, r.Sp, "requirement on `%s` needs a verb", name).
					Hint("require %s improves, require %s within 2%%, or require %s not worse", name, name, name)
			}
			continue
		}
		if r.Verb == ast.VerbPreferred {
			c.diags.Errorf(diag.EBadValue, r.Sp, "`preferred` is an interleaving's requirement").
				Hint("in an experiment: require %s improves, require %s within 2%%, or require %s not worse", name, name, name)
			continue
		}
		m := c.metricRef(r.Target.Name)
		if m == nil {
			continue
		}
		req := &model.Requirement{Kind: model.RequirementKind(r.Verb), Metric: m, Span: r.Sp}
		if r.Within != nil {
			req.Within = r.Within.Value
			if r.Within.Value <= 0 {
				c.diags.Errorf(diag.EBadValue, r.Within.Sp, "a tolerance must be positive, found %s", r.Within.Text)
			}
		}
		e.Launch = append(e.Launch, req)
		if !usesMetric(e, m) {
			e.Metrics = append(e.Metrics, &model.MetricUse{Metric: m, Role: model.Secondary, Span: r.Target.Sp})
		}
	}
}

func usesMetric(e *model.Experiment, m *model.Metric) bool {
	for _, u := range e.Metrics {
		if u.Metric == m {
			return true
		}
	}
	return false
}

func (c *checker) exposures(d *ast.Decl, e *model.Experiment) {
	f := field(d, "exposures")
	if f == nil {
		c.diags.Errorf(diag.EMissingField, d.Name.Sp, "experiment `%s` has no `exposures`", e.Name).
			Hint(`say where assignments are: exposures exposures where experiment == "%s"`, e.Name)
		return
	}
	x := f.Value.(*ast.Exposures)
	e.Exposures = c.sourceRef(x.Source)
	if e.Exposures != nil && x.Where != nil {
		e.ExposureFilter = c.filter(x.Where, e.Exposures)
	}
}

func (c *checker) unitAndAssignment(d *ast.Decl, e *model.Experiment, factorial bool) {
	if f := field(d, "unit"); f != nil {
		id := f.Value.(*ast.Ident)
		e.Unit, e.UnitSpan = id.Name, id.Sp
		if e.Exposures != nil && e.Exposures.Column(id.Name) == nil {
			c.unknownColumn(e.Exposures, id)
		}
	} else {
		c.diags.Errorf(diag.EMissingField, d.Name.Sp, "experiment `%s` has no `unit`", e.Name).
			Hint("name the analysis unit column: unit user_id")
	}
	if f := field(d, "assignment"); f != nil {
		id := f.Value.(*ast.Ident)
		if e.Exposures != nil {
			if col := e.Exposures.Column(id.Name); col == nil {
				c.unknownColumn(e.Exposures, id)
			} else {
				e.Assignment = col
			}
		}
	} else if !factorial {
		c.diags.Errorf(diag.EMissingField, d.Name.Sp, "experiment `%s` has no `assignment`", e.Name).
			Hint("name the column holding the variant: assignment variant")
	}
}

func (c *checker) allocation(l *ast.PercentList, e *model.Experiment) {
	sum := 0.0
	for _, p := range l.Items {
		if p.Value <= 0 {
			c.diags.Errorf(diag.EBadValue, p.Sp, "an allocation share must be positive, found %s", p.Text)
		}
		sum += p.Value
		e.Allocation = append(e.Allocation, p.Value)
	}
	if sum < 0.999 || sum > 1.001 {
		c.diags.Errorf(diag.EBadValue, l.Sp, "allocation shares add up to %.4g%%, not 100%%", sum*100)
	}
	if len(l.Items) < 2 {
		c.diags.Errorf(diag.EBadValue, l.Sp, "allocation needs a share per arm, control first")
	}
}

// dateField reads start/end: a date or timestamp string.
func (c *checker) dateField(d *ast.Decl, key string) time.Time {
	f := field(d, key)
	if f == nil {
		return time.Time{}
	}
	s := f.Value.(*ast.StringLit)
	if t, ok := parseInstant(s.Value); ok {
		return t
	}
	c.diags.Errorf(diag.EBadValue, s.Sp, "`%s` must be a date such as \"2026-10-01\" or a timestamp such as \"2026-10-01 12:00:00\", found %q", key, s.Value).
		Hint("without an offset it is UTC; with one (\"2026-10-01 12:00:00+05:00\", or Z) it is that instant")
	return time.Time{}
}

// instantLayouts are the layouts of `start` and `end`: a date, a
// timestamp, each with an optional offset (RFC 3339 with T or a space).
var instantLayouts = []string{
	"2006-01-02", "2006-01-02 15:04:05", "2006-01-02T15:04:05",
	"2006-01-02 15:04:05Z07:00", time.RFC3339, "2006-01-02 15:04:05 Z07:00",
}

// parseInstant reads a date or timestamp as an instant: in UTC unless it
// carries an offset, which then places it (fractional seconds allowed).
func parseInstant(s string) (time.Time, bool) {
	for _, layout := range instantLayouts {
		if t, err := time.Parse(layout, s); err == nil && t.Year() >= 1 {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// durationField checks a duration field: longer than zero and shorter
// than 100 years. hint says what to do instead of a zero length.
func (c *checker) durationField(f *ast.Field, zeroHint string) int64 {
	lit := f.Value.(*ast.DurationLit)
	if lit.Seconds > 0 && lit.Seconds < ast.MaxDurationSeconds {
		return lit.Seconds
	}
	dg := c.badDuration(lit.Text, lit.Seconds, lit.Sp, f.Key.Name)
	if lit.Seconds == 0 {
		dg.Hint("%s", zeroHint)
	} else {
		dg.Hint("`%s` must be shorter than 100 years (36500d)", f.Key.Name)
	}
	return 0
}

// badDuration reports a duration of zero, longer than 100 years, or too
// long to count in seconds (seconds < 0).
func (c *checker) badDuration(text string, seconds int64, sp source.Span, key string) *diag.Diagnostic {
	what := "the duration"
	if key != "" {
		what = "`" + key + "`"
	}
	switch {
	case seconds == 0:
		return c.diags.Errorf(diag.EBadValue, sp, "%s %s is empty: a duration must be longer than zero", what, text)
	case seconds < 0:
		return c.diags.Errorf(diag.EBadValue, sp, "%s %s is too long to count in seconds", what, text)
	}
	return c.diags.Errorf(diag.EBadValue, sp, "%s %s is 100 years or longer", what, text)
}

// metricUses resolves primary, secondary and guardrail metrics.
func (c *checker) metricUses(d *ast.Decl, e *model.Experiment) {
	seen := map[string]source.Span{}
	add := func(id *ast.Ident, role model.Role, within float64, sp source.Span) {
		m := c.metricRef(id)
		if m == nil {
			return
		}
		if prev, ok := seen[m.Name]; ok {
			c.diags.Errorf(diag.EDuplicateUse, id.Sp, "metric `%s` is listed twice in experiment `%s`", m.Name, e.Name).
				Also(prev, "first listed here")
			return
		}
		seen[m.Name] = id.Sp
		e.Metrics = append(e.Metrics, &model.MetricUse{Metric: m, Role: role, Within: within, Span: sp})
	}
	for _, key := range []string{"primary", "secondary"} {
		if f := field(d, key); f != nil {
			for _, id := range f.Value.(*ast.IdentList).Items {
				add(id, model.Role(key), 0, id.Sp)
			}
		}
	}
	for _, f := range fields(d, "guardrail") {
		g := f.Value.(*ast.Guardrail)
		if g.Metric.Cutoff != nil {
			c.diags.Errorf(diag.EBadValue, g.Metric.Cutoff.Sp, "a cutoff (@k) belongs to offline benchmark metrics")
		}
		if g.Within.Value <= 0 {
			c.diags.Errorf(diag.EBadValue, g.Within.Sp, "a guardrail tolerance must be positive, found %s", g.Within.Text)
		}
		add(g.Metric.Name, model.Guardrail, g.Within.Value, g.Sp)
	}
	if len(e.Metrics) == 0 && field(d, "primary") == nil {
		c.diags.Errorf(diag.EMissingField, d.Name.Sp, "experiment `%s` has no `primary` metric", e.Name).
			Hint("say what success means: primary saves_per_user")
	}
}

// timeRequirements checks the unit column across sources and that every
// source a windowed experiment reads has a time column.
func (c *checker) timeRequirements(d *ast.Decl, e *model.Experiment) {
	if e.Exposures == nil || e.Unit == "" {
		return
	}
	unitCol := e.Exposures.Column(e.Unit)
	if unitCol == nil {
		return
	}
	windowField := field(d, "window")
	if f := field(d, "cuped"); f != nil && e.Exposures.Time == nil {
		c.diags.Errorf(diag.ENoTime, f.Value.Span(), "CUPED needs the exposure time, but source `%s` has no `time` column", e.Exposures.Name).
			Hint("add `time ts` to the source")
	}
	if e.Window > 0 && e.Exposures.Time == nil {
		c.diags.Errorf(diag.ENoTime, windowField.Value.Span(), "a window needs the exposure time, but source `%s` has no `time` column", e.Exposures.Name).
			Also(e.Exposures.Span, "source `%s` declared here", e.Exposures.Name).
			Hint("add `time ts` to the source")
	}
	for _, s := range experimentSources(e) {
		col := s.Column(e.Unit)
		if col == nil {
			c.diags.Errorf(diag.EUnitColumn, e.Span, "unit column `%s` is not a column of source `%s`, which metrics of `%s` read", e.Unit, s.Name, e.Name).
				Also(s.Span, "source `%s` declared here", s.Name).
				Hint("every metric's source needs the unit column, with the same type as in the exposures")
			continue
		}
		if col.Type != unitCol.Type && col.Type != types.Invalid && unitCol.Type != types.Invalid {
			c.diags.Errorf(diag.EUnitColumn, col.Span, "unit column `%s` is %s in source `%s` but %s in exposures `%s`", e.Unit, col.Type, s.Name, unitCol.Type, e.Exposures.Name).
				Also(unitCol.Span, "declared %s here", unitCol.Type)
		}
		if f := field(d, "cuped"); f != nil && s.Time == nil {
			c.diags.Errorf(diag.ENoTime, f.Value.Span(), "CUPED needs event times before exposure, but source `%s` has no `time` column", s.Name).
				Also(s.Span, "source `%s` declared here", s.Name)
		}
		if e.Window > 0 && s.Time == nil {
			c.diags.Errorf(diag.ENoTime, windowField.Value.Span(), "a window needs event times, but source `%s` has no `time` column", s.Name).
				Also(s.Span, "source `%s` declared here", s.Name).
				Hint("add `time ts` to the source, or remove the window")
		}
	}
}

// experimentSources lists the sources an experiment's metrics read.
func experimentSources(e *model.Experiment) []*model.Source { return e.MetricSources() }

// Work limits of one experiment: its metrics (each one a set of columns
// of the compiled query and a statistics pass), and the size of their
// values with each shared term counted once (the compiled SQL's size).
const (
	MaxMetricsPerExperiment = 500
	MaxExperimentSize       = 100000
)

func (c *checker) limitExperiment(e *model.Experiment) {
	if n := len(e.Metrics); n > MaxMetricsPerExperiment {
		c.diags.Errorf(diag.ELimit, e.Metrics[MaxMetricsPerExperiment].Span, "experiment `%s` uses %d metrics; at most %d are allowed (limit: metrics per experiment)", e.Name, n, MaxMetricsPerExperiment).
			Hint("split the metrics over several experiments on the same exposures")
		e.Metrics = e.Metrics[:MaxMetricsPerExperiment]
		return
	}
	var size model.SizeCounter
	for _, u := range e.Metrics {
		if size.Add(MaxExperimentSize, u.Metric.Value, u.Metric.Den) > MaxExperimentSize {
			c.diags.Errorf(diag.ELimit, u.Span, "experiment `%s`: its metrics' values add up to more than %d terms, each shared one counted once (limit: experiment size, %d)", e.Name, MaxExperimentSize, MaxExperimentSize).
				Hint("split the metrics over several experiments, or simplify them")
			return
		}
	}
}
