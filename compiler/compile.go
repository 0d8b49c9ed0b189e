// Package compiler turns a checked experiment into a plan and its SQL:
// queries that reduce rows to per-variant sufficient statistics (the main
// query, and for some designs split, timeline and coverage queries), and
// likewise the interleaving, counterfactual and rollout kinds. The plan's
// relations (per-unit scans and their aggregates; for the newer kinds and
// the exposure-age timeline, a query of named relations and one final
// select: plan.go's query and selectStmt) are typed values rendered for
// the dialect in one place; every result column is named once (names.go)
// and described in the plan's Columns, through which the runtime reads
// the results. It follows the architecture's two rules: one
// scan per source (every metric on a source is a FILTER column of one
// GROUP BY unit), and rows stay in the engine (the query returns a
// handful of sums per variant).
package compiler

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/caliper-dev/caliper/dialect"
	"github.com/caliper-dev/caliper/lang/model"
	"github.com/caliper-dev/caliper/lang/types"
	"github.com/caliper-dev/caliper/stdlib"
)

// Plan is the compiled form of one experiment: its SQL and where each
// metric's statistics are in the result.
type Plan struct {
	Experiment *model.Experiment
	SQL        string
	// Segments are the experiment's segment columns (rows grouped by one
	// of them carry its value in SegmentColumn, the others NULL).
	Segments []*model.Column
	// SplitSQL, for `split C`, returns a row per variant and value of C
	// with the same statistics columns (see splitSQL).
	SplitSQL string
	// TimelineSQL, for `timeline day|week`, returns a row per variant and
	// period with the statistics of the period alone (TimelineDaily
	// columns) and cumulative up to its end (TimelineCumulative); for
	// `timeline exposure_day|exposure_week` a row per variant and pair of
	// exposure ages (exposureAgeSQL).
	TimelineSQL string
	// Scans are the per-source scans, in order (for --dump plan).
	Scans   []*Scan
	Metrics []*MetricColumns
	// Columns describes every column SQL returns (name, meaning, type);
	// SplitColumns and TimelineColumns those of SplitSQL and TimelineSQL.
	// The runtime reads results only through these descriptions.
	Columns, SplitColumns, TimelineColumns Columns
	// CoverageColumns, for an experiment with a window or an end, are the
	// main query's columns counting the units whose window ends after the
	// last timestamp in the data (the same on every row; nil otherwise).
	// They are not in Columns: `caliper analyze` neither needs nor
	// requires them.
	CoverageColumns Columns
}

// Scan is one pass over one source: the aggregates computed per unit.
type Scan struct {
	Source     *model.Source
	Alias      string
	Aggregates []*model.Aggregate
	Columns    []string // column name of each aggregate
}

// MetricColumns names the result columns holding a metric's statistics.
// Mean and proportion metrics use N, Sum, SumSq; ratio metrics also use
// DenSum, DenSumSq and Prod (Σ num·den) with Sum/SumSq for the numerator.
// With CUPED, Pre holds the pre-exposure (covariate) sums.
type MetricColumns struct {
	Use *model.MetricUse
	// Stem names the metric's per-unit value columns and CTEs (names.go).
	Stem                                  string
	N, Sum, SumSq, DenSum, DenSumSq, Prod string
	Pre                                   *PreColumns
	// Quantile metrics use these (runtime/stats.QuantileStats).
	QN, QEstimate, QLower, QUpper  string
	QClusters, QSumInd, QSumSqInd  string
	QSumObs, QSumSqObs, QSumIndObs string
}

// PreColumns are the CUPED covariate sums of a metric (runtime/stats
// CupedMoments for means: Sum, SumSq, Cross = Σxy; CupedRatioMoments for
// ratios: the numerator's Sum/SumSq, the denominator's DenSum/DenSumSq and
// the six cross products).
type PreColumns struct {
	Sum, SumSq, Cross              string
	DenSum, DenSumSq               string
	MPostMPre, DPostDPre, MPreDPre string
	MPostDPre, MPreDPost           string
}

// Result columns every plan has.
const (
	ColVariant  = "variant"
	ColUnits    = "units"
	ColExcluded = "excluded_multiple_variants"
	// ColClusters (with `cluster C`) is the number of clusters per arm,
	// and ColExcludedClusters the number of clusters whose units were
	// assigned to several variants: they and their units are left out.
	ColClusters             = "clusters"
	ColExcludedClusters     = "excluded_mixed_clusters"
	ColExcludedClusterUnits = "excluded_mixed_cluster_units"
	// ColSegmentLevel is the number of segment columns a row is grouped
	// by: 0 for overall rows.
	ColSegmentLevel = "segment_level"
)

// SegmentColumn is the result column holding a segment's value.
func SegmentColumn(c *model.Column) string { return "seg_" + c.Name }

// Compile builds the plan for an experiment in dialect d.
func Compile(e *model.Experiment, d *dialect.Dialect) (*Plan, error) {
	if e.Exposures == nil || e.Assignment == nil && !e.Factorial() {
		return nil, fmt.Errorf("experiment %s is incomplete", e.Name)
	}
	p := &Plan{Experiment: e, Segments: e.Segments}
	b := &builder{d: d, e: e, plan: p, aggCol: map[string]string{}, exact: map[string]bool{}}
	b.scans()
	for i, u := range e.Metrics {
		p.Metrics = append(p.Metrics, nameMetric(i, u, b.cuped(), e.Cluster != nil))
	}
	for _, s := range b.sources() {
		if err := CheckReader(s, d); err != nil {
			return nil, err
		}
	}
	for _, u := range e.Metrics {
		if q := u.Metric.Quantile; q != nil {
			if err := CheckReader(q.Source, d); err != nil {
				return nil, err
			}
		}
	}
	p.SQL = b.sql()
	if e.Split != "" {
		p.SplitSQL = b.splitSQL()
	}
	switch {
	case e.Timeline.ExposureAge():
		p.TimelineSQL = b.exposureAgeSQL()
	case e.Timeline != model.NoTimeline:
		p.TimelineSQL = b.timelineSQL()
	}
	b.describe()
	return p, nil
}

type builder struct {
	d      *dialect.Dialect
	e      *model.Experiment
	plan   *Plan
	aggCol map[string]string // aggregate key -> per-unit column
	exact  map[string]bool   // value column -> integer-valued
	shared *sharedValues     // values shared by the main query's metrics
}

// scans groups every aggregate of the experiment's metrics by source.
func (b *builder) scans() {
	bySource := map[*model.Source]*Scan{}
	for _, u := range b.e.Metrics {
		for _, a := range model.Aggregates(u.Metric.Value, u.Metric.Den) {
			if _, done := b.aggCol[a.Key]; done {
				continue
			}
			s := bySource[a.Source]
			if s == nil {
				s = &Scan{Source: a.Source, Alias: fmt.Sprintf("scan_%d", len(b.plan.Scans)+1)}
				bySource[a.Source] = s
				b.plan.Scans = append(b.plan.Scans, s)
			}
			col := aggColumn(len(b.aggCol) + 1)
			b.aggCol[a.Key] = col
			s.Aggregates = append(s.Aggregates, a)
			s.Columns = append(s.Columns, col)
		}
	}
}

func (b *builder) ident(s string) string { return b.d.Ident(s) }

// sqlf formats an SQL template written with "double-quoted" identifiers
// in the dialect (dialect.Dialect.Q); arguments are already in it.
func (b *builder) sqlf(template string, args ...any) string { return b.d.Sprintf(template, args...) }

func (b *builder) relation(s *model.Source) string { return Relation(s, b.d) }

// Relation is a source's typed relation: its reader, with every declared
// column cast to its declared type (timestamps through the dialect's
// instant type, unless the data store them without a time zone).
func Relation(s *model.Source, d *dialect.Dialect) string {
	var cols []string
	for _, c := range s.Columns {
		col := d.SourceIdent(c.Name)
		if c.Type == types.Timestamp && d.Instant != "" && !slices.Contains(d.NaiveTimestamps, strings.ToUpper(c.DataType)) {
			col = d.Cast(col, d.Instant)
		}
		cols = append(cols, fmt.Sprintf("CAST(%s AS %s) AS %s", col, SQLType(d, c.Type), d.Ident(c.Name)))
	}
	from := s.Reader.SQL(s.Arg, d.String, d.SourceIdent)
	if d.SubqueryAlias && strings.HasPrefix(from, "(") {
		from += " AS " + d.Ident("source")
	}
	return "SELECT " + strings.Join(cols, ", ") + " FROM " + from
}

// CheckReader reports a source that dialect d cannot read: files (csv,
// parquet, json and the TREC readers) are read by DuckDB only; elsewhere
// the data must be in the engine, as table(...) or sql """...""".
func CheckReader(s *model.Source, d *dialect.Dialect) error {
	if s == nil || s.Reader == nil || !s.Reader.Path || d.Files {
		return nil
	}
	return fmt.Errorf("source %s reads files with %s(%q), which %s cannot read: load the data into a table and declare the source with `from table(\"schema.%s\")` (or `sql \"\"\"...\"\"\"`)",
		s.Name, s.Reader.Name, s.Arg, d.Title, s.Name)
}

func srcName(s *model.Source) string { return "src_" + s.Name }

// sources lists the sources the main query reads: the exposures, then the
// scanned sources in scan order.
func (b *builder) sources() []*model.Source {
	sources := []*model.Source{b.e.Exposures}
	for _, s := range b.plan.Scans {
		if s.Source != b.e.Exposures {
			sources = append(sources, s.Source)
		}
	}
	return sources
}

// sourceCTEs are the typed relations of the sources, one CTE each.
func (b *builder) sourceCTEs() []string {
	var ctes []string
	for _, s := range b.sources() {
		ctes = append(ctes, fmt.Sprintf("%s AS (\n  %s\n)", b.ident(srcName(s)), b.relation(s)))
	}
	return ctes
}

func (b *builder) sql() string {
	e := b.e
	var w strings.Builder
	fmt.Fprintf(&w, "-- caliper: experiment %s, %d metric(s), %d source scan(s)\n", dialect.CommentText(e.Name), len(e.Metrics), len(b.plan.Scans))
	w.WriteString("WITH\n")
	ctes := b.sourceCTEs()
	// Sources only quantile metrics read (they are not scanned per unit).
	seen := map[*model.Source]bool{}
	for _, s := range b.sources() {
		seen[s] = true
	}
	for _, u := range e.Metrics {
		if q := u.Metric.Quantile; q != nil && !seen[q.Source] {
			seen[q.Source] = true
			ctes = append(ctes, fmt.Sprintf("%s AS (\n  %s\n)", b.ident(srcName(q.Source)), b.relation(q.Source)))
		}
	}
	ctes = append(ctes, b.unitCTEs(b.hasCoverage())...)
	for _, s := range b.plan.Scans {
		ctes = append(ctes, b.scan(s))
	}
	ctes = append(ctes, b.perUnit(), b.values())
	for _, mc := range b.plan.Metrics {
		if q := mc.Use.Metric.Quantile; mc.Use.Metric.Kind == model.Quantile {
			ctes = append(ctes, b.quantile(mc, q))
		}
	}
	w.WriteString(strings.Join(ctes, ",\n"))
	w.WriteString("\n")
	w.WriteString(b.final())
	return w.String()
}

// timeBounds returns conditions for start/end on a time column.
func (b *builder) timeBounds(col string) []string {
	var out []string
	if !b.e.Start.IsZero() {
		out = append(out, fmt.Sprintf("%s >= %s", col, b.instant(b.e.Start)))
	}
	if !b.e.End.IsZero() {
		out = append(out, fmt.Sprintf("%s < %s", col, b.instant(b.e.End)))
	}
	return out
}

// ExposureBounds are the conditions start and end put on the exposures'
// time column (unqualified), as the compiled query applies them.
func ExposureBounds(e *model.Experiment, d *dialect.Dialect) []string {
	if e.Exposures == nil || e.Exposures.Time == nil {
		return nil
	}
	b := &builder{d: d, e: e}
	return b.timeBounds(d.Ident(e.Exposures.Time.Name))
}

// Instant is the timestamp literal of an instant in dialect d (UTC).
func Instant(t time.Time, d *dialect.Dialect) string { return (&builder{d: d}).instant(t) }

// instant is the timestamp literal of an instant, written in UTC (the
// engines' session time zone, in which data timestamps are read).
func (b *builder) instant(t time.Time) string {
	return b.d.Cast(b.d.String(t.UTC().Format("2006-01-02 15:04:05.999999")), b.d.Types.Timestamp)
}

// text casts an expression to the dialect's string type.
func (b *builder) text(expr string) string { return b.d.Cast(expr, b.d.Types.String) }

// assignments: one row per exposed unit with its variant (if unique), the
// number of distinct variants it saw, and its first exposure time.
func (b *builder) assignments() string {
	e := b.e
	x := e.Exposures
	t0 := "NULL"
	var where []string
	if e.ExposureFilter != nil {
		where = append(where, rowSQL(b.d, e.ExposureFilter, ""))
	}
	if x.Time != nil {
		t0 = "min(" + b.d.Cast(b.ident(x.Time.Name), b.d.Types.Timestamp) + ")"
		// An exposure without a time cannot open a window: it is left out
		// (and counted by runtime.CheckExposures), not kept with zeros.
		where = append(where, fmt.Sprintf("%s IS NOT NULL", b.ident(x.Time.Name)))
		where = append(where, b.timeBounds(b.ident(x.Time.Name))...)
	}
	variant := b.ident(e.Unit) // replaced below
	if e.Factorial() {
		// A unit's cell: bit j set when factor j is not at its baseline.
		var bits []string
		for j, f := range e.Factors {
			col := b.ident(f.Column.Name)
			bits = append(bits, fmt.Sprintf("CASE WHEN %s <> %s THEN %d ELSE 0 END", b.text(col), b.d.String(f.Baseline), 1<<j))
			where = append(where, fmt.Sprintf("%s IS NOT NULL", col))
		}
		variant = "(" + strings.Join(bits, " + ") + ")"
	} else {
		variant = b.ident(e.Assignment.Name)
		where = append(where, fmt.Sprintf("%s IS NOT NULL", variant))
		if e.Assignment.Type == types.String {
			where = append(where, fmt.Sprintf("%s <> ''", variant))
		}
	}
	where = append(where, fmt.Sprintf("%s IS NOT NULL", b.ident(e.Unit)))
	if c := e.Exposures.Column(e.Unit); c != nil && c.Type == types.String {
		where = append(where, fmt.Sprintf("%s <> ''", b.ident(e.Unit)))
	}
	segs := ""
	if c := e.Cluster; c != nil {
		// A unit's cluster is the one of its first exposure.
		v := b.text(b.ident(c.Name))
		if x.Time != nil {
			segs += fmt.Sprintf(", %s AS %s", fmt.Sprintf(b.d.ArgMin, v, b.ident(x.Time.Name)), b.ident("cluster"))
		} else {
			segs += fmt.Sprintf(", min(%s) AS %s", v, b.ident("cluster"))
		}
	}
	for _, c := range e.Segments {
		// A unit's segment is its attribute at its first exposure.
		v := b.text(b.ident(c.Name))
		if x.Time != nil {
			segs += fmt.Sprintf(", %s AS %s", fmt.Sprintf(b.d.ArgMin, v, b.ident(x.Time.Name)), b.ident(SegmentColumn(c)))
		} else {
			segs += fmt.Sprintf(", min(%s) AS %s", v, b.ident(SegmentColumn(c)))
		}
	}
	return b.sqlf("\"assignments\" AS (\n  SELECT %s AS \"unit\", min(%s) AS \"variant\", count(DISTINCT %s) AS \"variants\", %s AS \"t0\"%s\n  FROM %s\n  WHERE %s\n  GROUP BY 1\n)",
		b.ident(e.Unit), b.text(variant), variant, t0, segs,
		b.ident(srcName(x)), strings.Join(where, "\n    AND "))
}

// carry lists the per-unit attribute columns carried from assignments to
// values: the cluster and the segments.
func (b *builder) carry(qual string) string {
	out := ""
	if b.e.Cluster != nil {
		out += ", " + qual + b.ident("cluster")
	}
	return out + b.segmentList(qual)
}

// segmentList is ", seg_a, seg_b" with the given qualifier.
func (b *builder) segmentList(qual string) string {
	out := ""
	for _, c := range b.e.Segments {
		out += ", " + qual + b.ident(SegmentColumn(c))
	}
	return out
}

func (b *builder) units() string {
	where := b.sqlf(`"variants" = 1`)
	if b.completeOnly() {
		// window_policy complete: only units whose window the data covers.
		where += fmt.Sprintf(" AND %s <= %s", b.windowEnd(""), b.coveredUntil())
	}
	if b.e.Cluster != nil {
		// A cluster whose units were assigned to several variants is left
		// out whole: it was not randomized as one.
		return b.sqlf("\"mixed_clusters\" AS (\n  SELECT \"cluster\" FROM \"assignments\" WHERE \"variants\" = 1 AND \"cluster\" IS NOT NULL\n  GROUP BY \"cluster\" HAVING count(DISTINCT \"variant\") > 1\n),\n"+
			"\"units\" AS (\n  SELECT \"unit\", \"variant\", \"t0\"%s FROM \"assignments\" a WHERE %s\n    AND NOT EXISTS (SELECT 1 FROM \"mixed_clusters\" m WHERE m.\"cluster\" = a.\"cluster\")\n)", b.carry(""), where)
	}
	return b.sqlf("\"units\" AS (\n  SELECT \"unit\", \"variant\", \"t0\"%s FROM \"assignments\" WHERE %s\n)", b.carry(""), where)
}

// scan is the one pass over a source: every aggregate as a column of one
// GROUP BY unit, rows limited to each unit's analysis window.
//
// With CUPED the scan also reads the pre-exposure period and computes each
// aggregate twice: over the analysis window (column aN) and over the
// period before exposure (aN_pre).
func (b *builder) scan(s *Scan) string { return b.render(b.mainScan(s)) }

// outerScan reports whether s is the main query's first scan, which reads
// every unit (unitScan.outer) and is per_unit's base.
func (b *builder) outerScan(s *Scan) bool { return len(b.plan.Scans) > 0 && b.plan.Scans[0] == s }

// mainScan is the main query's scan of a source: each aggregate over the
// analysis period and, with CUPED, over the period before exposure.
func (b *builder) mainScan(s *Scan) *unitScan {
	post, pre := b.periodConds(s.Source)
	var aggs []scanAgg
	for k, a := range s.Aggregates {
		aggs = append(aggs, scanAgg{agg: a, name: s.Columns[k], extra: post})
		if b.cuped() {
			aggs = append(aggs, scanAgg{agg: a, name: preColumn(s.Columns[k]), extra: pre})
		}
	}
	us := &unitScan{name: s.Alias, source: s.Source, where: b.windowConds(s.Source), groupBy: b.sqlf(`u."unit"`), aggs: aggs}
	if b.outerScan(s) {
		// The unit's variant and carried attributes ride along, grouped by.
		keys := b.sqlf(`u."variant"`) + b.carry("u.")
		us.outer, us.keys, us.groupBy = true, []string{keys}, us.groupBy+", "+keys
	}
	return us
}

func (b *builder) cuped() bool { return b.e.Cuped > 0 }

// windowConds limits a source's rows (alias s) to each unit's analysis
// window (alias u) and the experiment's start/end; with CUPED the window
// opens the CUPED period before exposure, and periodConds splits it.
func (b *builder) windowConds(src *model.Source) []string {
	var where []string
	if t := src.Time; t != nil {
		ts := "s." + b.ident(t.Name)
		t0 := "u." + b.ident("t0")
		if b.e.Exposures.Time != nil {
			if b.cuped() {
				where = append(where, fmt.Sprintf("%s >= %s", ts, b.d.Shift(t0, "", -b.e.Cuped)))
			} else {
				where = append(where, fmt.Sprintf("%s >= %s", ts, t0))
			}
			if b.e.Window > 0 {
				where = append(where, fmt.Sprintf("%s < %s", ts, b.d.Shift(t0, "", b.e.Window)))
			}
		}
		if !b.cuped() {
			where = append(where, b.timeBounds(ts)...)
		}
	}
	return where
}

// periodConds are the extra aggregate filters of the analysis period and
// (with CUPED) of the pre-exposure period; start/end bound only the
// analysis period.
func (b *builder) periodConds(src *model.Source) (post, pre []string) {
	if !b.cuped() || src.Time == nil || b.e.Exposures.Time == nil {
		return nil, nil
	}
	ts := "s." + b.ident(src.Time.Name)
	t0 := "u." + b.ident("t0")
	post = append([]string{fmt.Sprintf("%s >= %s", ts, t0)}, b.timeBounds(ts)...)
	pre = []string{fmt.Sprintf("%s < %s", ts, t0)}
	return post, pre
}

// perUnit joins every scan back to all exposed units: units with no rows
// get each aggregate's empty value (0, false, or NULL).
func (b *builder) perUnit() string {
	var cols []string
	var joins []string
	base := "u" // the units, or the first scan (which holds every unit)
	from := b.sqlf(`"units" u`)
	for i, s := range b.plan.Scans {
		alias := fmt.Sprintf("j%d", i+1)
		cols = append(cols, b.joinBack(alias, b.mainScan(s).aggs, sameName)...)
		if b.outerScan(s) {
			base, from = alias, b.ident(s.Alias)+" "+alias
			continue
		}
		joins = append(joins, b.sqlf("  LEFT JOIN %s %s ON %s.\"unit\" = %s.\"unit\"", b.ident(s.Alias), alias, alias, base))
	}
	sel := b.sqlf("%s.\"unit\", %s.\"variant\"", base, base) + b.carry(base+".")
	if len(cols) > 0 {
		sel += ",\n" + strings.Join(cols, ",\n")
	}
	body := b.sqlf("\"per_unit\" AS (\n  SELECT %s\n  FROM %s", sel, from)
	if len(joins) > 0 {
		body += "\n" + strings.Join(joins, "\n")
	}
	return body + "\n)"
}

func (b *builder) aggRef(a *model.Aggregate) string { return b.ident(b.aggCol[a.Key]) }

func (b *builder) aggRefPre(a *model.Aggregate) string { return b.ident(preColumn(b.aggCol[a.Key])) }

// values computes each metric's per-unit value(s): BIGINT for integer
// values (exact sums), DOUBLE otherwise, applying winsorizing (pooled
// percentile over all units) and caps. With CUPED each value has a _pre
// twin computed the same way from the pre-exposure aggregates.
func (b *builder) values() string {
	var cols, capCols []string
	var roots []model.UnitExpr
	for _, mc := range b.plan.Metrics {
		roots = append(roots, mc.Use.Metric.Value, mc.Use.Metric.Den)
	}
	b.shared = findShared(roots...)
	views := []sharedView{{ref: b.aggRef, name: sameName}}
	if b.cuped() {
		views = append(views, sharedView{ref: b.aggRefPre, name: preColumn})
	}
	shared, from := b.shared.ctes(b, "per_unit", views...)
	for _, mc := range b.plan.Metrics {
		m := mc.Use.Metric
		for i, col := range mc.values() {
			x := m.Value
			if i == 1 { // a ratio's denominator
				x = m.Den
			}
			cols = append(cols, b.valueColumns(m, col, x)...)
		}
		if m.Kind != model.Quantile && m.Kind != model.Ratio && m.Winsorize != nil {
			capCols = append(capCols, fmt.Sprintf("%s AS %s", b.cap(mc.Value(), *m.Winsorize), b.ident(mc.capColumn())))
		}
	}
	sel0 := b.ident("variant") + b.carry("")
	if len(cols) > 0 {
		sel0 += ",\n" + strings.Join(cols, ",\n")
	}
	raw := b.sqlf("\"values_raw\" AS (\n  SELECT %s\n  FROM %s\n)", sel0, b.ident(from))
	if len(shared) > 0 {
		raw = strings.Join(shared, ",\n") + ",\n" + raw
	}
	if len(capCols) == 0 {
		return raw + b.sqlf(",\n\"values\" AS (SELECT * FROM \"values_raw\")")
	}
	return raw + b.winsorized(capCols)
}

// valueColumns are the per-unit value column col of metric m, computed
// from x over the aggregates, and its CUPED twin; they record whether the
// column is integer-valued (exact sums).
func (b *builder) valueColumns(m *model.Metric, col string, x model.UnitExpr) []string {
	capped := m.Winsorize != nil || m.Cap != nil
	val := func(ref func(*model.Aggregate) string, name func(string) string) string {
		s := b.shared.expr(b.d, x, sharedView{ref: ref, name: name}, b)
		if exactType(x) && !capped {
			if x.Type() == types.Bool {
				return b.d.BoolToInt(s)
			}
			return b.d.Cast(s, b.d.Types.Int)
		}
		if x.Type() == types.Bool {
			s = b.d.Cast(s, b.d.Types.Integer)
		}
		s = b.d.Cast(s, b.d.Types.Float)
		if m.Cap != nil {
			s = fmt.Sprintf("least(%s, %s)", s, strconv.FormatFloat(*m.Cap, 'g', -1, 64))
		}
		return s
	}
	b.exact[col] = x != nil && exactType(x) && !capped
	out := []string{fmt.Sprintf("    %s AS %s", val(b.aggRef, sameName), b.ident(col))}
	if b.cuped() {
		b.exact[preColumn(col)] = b.exact[col]
		out = append(out, fmt.Sprintf("    %s AS %s", val(b.aggRefPre, preColumn), b.ident(preColumn(col))))
	}
	return out
}

// winsorized caps winsorized metrics' values at their pooled percentiles
// (capCols, one per metric): the "caps" and "values" relations.
func (b *builder) winsorized(capCols []string) string {
	sel := []string{b.ident("variant") + b.carry("")}
	for _, mc := range b.plan.Metrics {
		for _, n := range mc.values() {
			cols := []string{n}
			if b.cuped() {
				cols = append(cols, preColumn(n))
			}
			for _, col := range cols {
				if mc.Use.Metric.Winsorize != nil {
					sel = append(sel, fmt.Sprintf("least(%s, c.%s) AS %s", b.ident(col), b.ident(mc.capColumn()), b.ident(col)))
				} else {
					sel = append(sel, b.ident(col))
				}
			}
		}
	}
	// Caps are aggregates over all units, or (without a quantile
	// aggregate) scalar subqueries that need no FROM.
	from := b.sqlf(` FROM "values_raw"`)
	if b.d.Quantile == "" {
		from = ""
	}
	return b.sqlf(",\n\"caps\" AS (\n  SELECT %s%s\n),\n\"values\" AS (\n  SELECT %s\n  FROM \"values_raw\" CROSS JOIN \"caps\" c\n)",
		strings.Join(capCols, ", "), from, strings.Join(sel, ", "))
}

// Cupedable reports whether CUPED can adjust a metric: every unit must have
// both a pre-exposure and a post-exposure value, which avg, min and max
// (that leave units without rows out) do not guarantee.
func Cupedable(m *model.Metric) bool {
	if m.Kind == model.Quantile {
		return false
	}
	for _, a := range model.Aggregates(m.Value, m.Den) {
		if a.Func.Empty == stdlib.EmptyNull {
			return false
		}
	}
	return true
}

// exactType reports whether a per-unit value is an integer (counts,
// booleans), whose sums SQL computes exactly.
func exactType(x model.UnitExpr) bool {
	t := x.Type()
	return t == types.Int || t == types.Bool
}

// sum is the per-variant sum of a value column (or of the product of two):
// exact integer sums for integer values, compensated (Kahan) sums for
// floating ones, so results do not depend on the engine's summation order.
func (b *builder) sum(alias string, cols ...string) string {
	exact := true
	var parts []string
	for _, c := range cols {
		exact = exact && b.exact[c]
		parts = append(parts, b.ident(c))
	}
	expr := strings.Join(parts, " * ")
	// A sum over no values (every unit's value NULL) is 0, said in SQL so
	// the runtime never reads a NULL as 0.
	if exact {
		return fmt.Sprintf("coalesce(sum(%s), 0) AS %s", expr, b.ident(alias))
	}
	return fmt.Sprintf("coalesce(%s(%s), 0) AS %s", b.d.FloatSum, expr, b.ident(alias))
}

// final aggregates per-unit values to per-variant sufficient statistics:
// one row per variant, plus (with segments) one per variant and value of
// each segment column, from one GROUP BY GROUPING SETS.
func (b *builder) final() string {
	if b.e.Cluster != nil {
		return b.clusterFinal()
	}
	cols := []string{b.ident("variant")}
	for _, c := range b.e.Segments {
		cols = append(cols, b.ident(SegmentColumn(c)))
	}
	cols = append(cols, b.sqlf(`count(*) AS "units"`))
	var quantiles []*MetricColumns
	for _, mc := range b.plan.Metrics {
		switch mc.Use.Metric.Kind {
		case model.Quantile:
			quantiles = append(quantiles, mc)
		case model.Ratio:
			num, den := mc.Num(), mc.Den()
			cols = append(cols,
				fmt.Sprintf("count(*) AS %s", b.ident(mc.N)),
				b.sum(mc.Sum, num), b.sum(mc.SumSq, num, num),
				b.sum(mc.DenSum, den), b.sum(mc.DenSumSq, den, den),
				b.sum(mc.Prod, num, den))
			if p := mc.Pre; p != nil {
				np, dp := preColumn(num), preColumn(den)
				cols = append(cols, b.sum(p.Sum, np), b.sum(p.SumSq, np, np), b.sum(p.DenSum, dp), b.sum(p.DenSumSq, dp, dp),
					b.sum(p.MPostMPre, num, np), b.sum(p.DPostDPre, den, dp), b.sum(p.MPreDPre, np, dp),
					b.sum(p.MPostDPre, num, dp), b.sum(p.MPreDPost, np, den))
			}
		default:
			v, vp := mc.Value(), preColumn(mc.Value())
			cols = append(cols,
				fmt.Sprintf("count(%s) AS %s", b.ident(v), b.ident(mc.N)),
				b.sum(mc.Sum, v), b.sum(mc.SumSq, v, v))
			if p := mc.Pre; p != nil {
				cols = append(cols, b.sum(p.Sum, vp), b.sum(p.SumSq, vp, vp), b.sum(p.Cross, v, vp))
			}
		}
	}
	cols = append(cols, b.targetCols()...)
	group := b.sqlf(`GROUP BY "variant"`)
	if len(b.e.Segments) > 0 {
		sets := []string{b.sqlf(`("variant")`)}
		var level []string
		for _, c := range b.e.Segments {
			sets = append(sets, b.sqlf(`("variant", %s)`, b.ident(SegmentColumn(c))))
			level = append(level, fmt.Sprintf("(1 - grouping(%s))", b.ident(SegmentColumn(c))))
		}
		group = "GROUP BY GROUPING SETS (" + strings.Join(sets, ", ") + ")"
		cols = append(cols, fmt.Sprintf("%s AS %s", strings.Join(level, " + "), b.ident(ColSegmentLevel)))
	}
	order := func(variant string) string {
		if len(b.e.Segments) == 0 {
			return "ORDER BY " + variant
		}
		return "ORDER BY " + variant + b.segmentList("") + " NULLS FIRST"
	}
	arms := "SELECT " + strings.Join(cols, ",\n  ") + b.sqlf("\nFROM \"values\"\n") + group
	if len(quantiles) == 0 {
		return arms + "\n" + order(b.ident("variant"))
	}
	var joins []string
	for _, q := range quantiles {
		rel := b.ident(q.quantileRelation(quantileStats))
		on := b.sqlf("arms.\"variant\" = %s.\"variant\"", rel)
		if len(b.e.Segments) > 0 {
			on += fmt.Sprintf(" AND arms.%s = 0", b.ident(ColSegmentLevel))
		}
		joins = append(joins, fmt.Sprintf("LEFT JOIN %s ON %s", rel, on))
	}
	return fmt.Sprintf("SELECT arms.*%s\nFROM (\n%s\n) arms\n%s\n%s", b.quantileCols(quantiles), arms, strings.Join(joins, "\n"), order("arms."+b.ident("variant")))
}

// targetCols are the per-target columns of the final select: units left
// out for several variants, and each factor's number of levels.
func (b *builder) targetCols() []string {
	out := []string{b.sqlf(`(SELECT count(*) FROM "assignments" WHERE "variants" > 1) AS "excluded_multiple_variants"`)}
	if b.completeOnly() {
		out = append(out, fmt.Sprintf("(SELECT count(*) FROM %s WHERE %s = 1 AND %s > %s) AS %s",
			b.ident("assignments"), b.ident("variants"), b.windowEnd(""), b.coveredUntil(), b.ident(ColExcludedIncomplete)))
	}
	out = append(out, b.coverageCols()...)
	for j, f := range b.e.Factors {
		where := ""
		if b.e.ExposureFilter != nil {
			where = " WHERE " + rowSQL(b.d, b.e.ExposureFilter, "")
		}
		out = append(out, fmt.Sprintf("(SELECT count(DISTINCT %s) FROM %s%s) AS %s",
			b.text(b.ident(f.Column.Name)), b.ident(srcName(b.e.Exposures)), where, b.ident(LevelsColumn(j))))
	}
	return out
}

// LevelsColumn names the result column with factor j's number of levels.
func LevelsColumn(j int) string { return fmt.Sprintf("levels_%d", j) }

// clusterFinal aggregates per-unit values to cluster totals (M_g, D_g: Σ
// value and units with a value for means; Σ num and Σ den for ratios),
// then to per-variant sums over clusters (runtime/stats.ClusterMoments).
func (b *builder) clusterFinal() string {
	tot := []string{b.sqlf(`"variant", "cluster", count(*) AS "n_units"`)}
	cols := []string{b.sqlf(`"variant", sum("n_units") AS "units", count(*) AS "clusters"`),
		b.sqlf(`(SELECT count(*) FROM "mixed_clusters") AS "excluded_mixed_clusters"`),
		b.sqlf(`(SELECT count(*) FROM "assignments" a WHERE "variants" = 1 AND EXISTS (SELECT 1 FROM "mixed_clusters" m WHERE m."cluster" = a."cluster")) AS "excluded_mixed_cluster_units"`)}
	var quantiles []*MetricColumns
	for _, mc := range b.plan.Metrics {
		m, d := mc.clusterSum(), mc.clusterDen()
		switch mc.Use.Metric.Kind {
		case model.Quantile:
			quantiles = append(quantiles, mc)
			continue
		case model.Ratio:
			tot = append(tot, b.sum(m, mc.Num()), b.sum(d, mc.Den()))
			b.exact[m], b.exact[d] = b.exact[mc.Num()], b.exact[mc.Den()]
		default:
			tot = append(tot, b.sum(m, mc.Value()), fmt.Sprintf("count(%s) AS %s", b.ident(mc.Value()), b.ident(d)))
			b.exact[m], b.exact[d] = b.exact[mc.Value()], true
		}
		cols = append(cols, fmt.Sprintf("count(*) AS %s", b.ident(mc.N)),
			b.sum(mc.Sum, m), b.sum(mc.SumSq, m, m), b.sum(mc.DenSum, d), b.sum(mc.DenSumSq, d, d), b.sum(mc.Prod, m, d))
	}
	cols = append(cols, b.targetCols()...)
	arms := b.sqlf("WITH \"cluster_totals\" AS (\n  SELECT %s\n  FROM \"values\"\n  GROUP BY \"variant\", \"cluster\"\n)\nSELECT %s\nFROM \"cluster_totals\"\nGROUP BY \"variant\"",
		strings.Join(tot, ", "), strings.Join(cols, ",\n  "))
	if len(quantiles) == 0 {
		return b.sqlf("SELECT * FROM (\n%s\n) arms\nORDER BY \"variant\"", arms)
	}
	var joins []string
	for _, q := range quantiles {
		rel := b.ident(q.quantileRelation(quantileStats))
		joins = append(joins, b.sqlf("LEFT JOIN %s ON arms.\"variant\" = %s.\"variant\"", rel, rel))
	}
	return b.sqlf("SELECT arms.*%s\nFROM (\n%s\n) arms\n%s\nORDER BY arms.\"variant\"", b.quantileCols(quantiles), arms, strings.Join(joins, "\n"))
}

// quantileCols lists the quantile statistics columns of the final select.
func (b *builder) quantileCols(quantiles []*MetricColumns) string {
	out := ""
	for _, q := range quantiles {
		for _, c := range q.quantileColumns() {
			out += fmt.Sprintf(", %s.%s", b.ident(q.quantileRelation(quantileStats)), b.ident(c))
		}
	}
	return out
}
