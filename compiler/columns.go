package compiler

import (
	"fmt"

	"github.com/caliper-dev/caliper/lang/model"
)

// ColumnType is the type of a result column as the runtime reads it.
type ColumnType string

// Result column types.
const (
	// Number is an integer or floating-point value (exact sums may come
	// back as HUGEINT or DECIMAL); the runtime reads it as float64.
	Number ColumnType = "number"
	// Text is a string.
	Text ColumnType = "text"
	// Time is a timestamp.
	Time ColumnType = "timestamp"
	// Any is a value of whatever type a source's column has (a
	// counterfactual's model column), which the runtime prints as text.
	Any ColumnType = "any"
)

// ResultColumn describes one column a compiled query returns: its name,
// what it means and its type. NULL is allowed only in Nullable columns,
// and there it means what Meaning says (an absent segment, a quantile arm
// without observations), never 0: every sum the runtime reads as a number
// is COALESCEd in SQL where no rows may reach it.
type ResultColumn struct {
	Name     string
	Meaning  string
	Type     ColumnType
	Nullable bool
}

// Columns is the description of a query's result: the contract between
// the compiled SQL and the runtime, which reads only columns described
// here (runtime.readResults).
type Columns []ResultColumn

// Lookup returns the description of a column.
func (cs Columns) Lookup(name string) (ResultColumn, bool) {
	for _, c := range cs {
		if c.Name == name {
			return c, true
		}
	}
	return ResultColumn{}, false
}

// describe fills the plan's result descriptions from its metric columns
// (after the SQL is built).
func (b *builder) describe() {
	p, e := b.plan, b.e
	num := func(name, meaning string) ResultColumn {
		return ResultColumn{Name: name, Meaning: meaning, Type: Number}
	}
	var cols Columns
	cols = append(cols,
		ResultColumn{Name: ColVariant, Meaning: "the arm (variant, or factorial cell index)", Type: Text},
		num(ColUnits, "units in the arm"),
		num(ColExcluded, "units exposed to several variants, left out (whole experiment)"))
	if e.Cluster != nil {
		cols = append(cols,
			num(ColClusters, "clusters in the arm (what the sample-ratio check counts)"),
			num(ColExcludedClusters, "clusters whose units were assigned to several variants, left out (whole experiment)"),
			num(ColExcludedClusterUnits, "units of those clusters, left out with them"))
	}
	if len(e.Segments) > 0 && e.Cluster == nil {
		cols = append(cols, num(ColSegmentLevel, "number of segment columns the row is grouped by (0: overall)"))
		for _, c := range e.Segments {
			cols = append(cols, ResultColumn{Name: SegmentColumn(c), Meaning: "value of segment " + c.Name + " (NULL on rows not grouped by it)", Type: Text, Nullable: true})
		}
	}
	if b.completeOnly() {
		cols = append(cols, num(ColExcludedIncomplete, "units left out by window_policy complete (window ends after the data)"))
	}
	for j, f := range e.Factors {
		cols = append(cols, num(LevelsColumn(j), "levels of factor "+f.Name+" in the exposures"))
	}
	for _, mc := range p.Metrics {
		cols = append(cols, mc.describe("")...)
	}
	p.Columns = cols
	if b.hasCoverage() {
		p.CoverageColumns = Columns{num(ColCoverageUnits, "units with one variant"),
			num(ColCoverageIncomplete, "units whose window ends after the last timestamp in the data"),
			{Name: ColCoverageDataEnd, Meaning: "the last timestamp of the sources read (NULL: no rows)", Type: Time, Nullable: true}}
	}
	if p.SplitSQL != "" {
		split := Columns{cols[0], {Name: ColSplit, Meaning: "the split value (NULL: rows without one)", Type: Text, Nullable: true}, cols[1]}
		for _, mc := range p.Metrics {
			if SplitsMetric(mc.Use.Metric, e.Split) {
				c := *mc
				c.Pre = nil
				split = append(split, c.describe("")...)
			}
		}
		p.SplitColumns = split
	}
	if p.TimelineSQL != "" && e.Timeline.ExposureAge() {
		tl := Columns{cols[0], num(ColAge, "exposure age (periods since the unit's first exposure)"),
			num(ColLaterAge, "the later age of the pair: the row's units are those covering it"), cols[1], cols[2]}
		for _, mc := range p.Metrics {
			if TimelineMetric(mc.Use.Metric) {
				c := *mc
				c.Pre = nil
				tl = append(tl, c.describe(TimelineDaily)...)
				if ExposureAgeMoments(mc.Use.Metric) {
					tl = append(tl, num(ExposureAgeLater+mc.Sum, "metric "+mc.Use.Metric.Name+": Σ value at the later age"),
						num(ExposureAgeCross+mc.Sum, "metric "+mc.Use.Metric.Name+": Σ value at the age × value at the later age"))
				}
			}
		}
		p.TimelineColumns = tl
	} else if p.TimelineSQL != "" {
		tl := Columns{cols[0], num(ColPeriod, "period index since the origin"),
			{Name: ColPeriodStart, Meaning: "the period's first instant", Type: Time},
			{Name: ColPeriodEnd, Meaning: "the period's end (exclusive)", Type: Time},
			cols[1], cols[2]}
		for _, mc := range p.Metrics {
			if TimelineMetric(mc.Use.Metric) {
				c := *mc
				c.Pre = nil
				tl = append(tl, c.describe(TimelineDaily)...)
				tl = append(tl, c.describe(TimelineCumulative)...)
			}
		}
		p.TimelineColumns = tl
	}
}

// describe lists a metric's statistics columns (with a timeline prefix).
func (mc *MetricColumns) describe(prefix string) Columns {
	m := mc.Use.Metric.Name
	var out Columns
	add := func(name, meaning string, nullable bool) {
		if name != "" {
			out = append(out, ResultColumn{Name: prefix + name, Meaning: fmt.Sprintf("metric %s: %s", m, meaning), Type: Number, Nullable: nullable})
		}
	}
	if mc.Use.Metric.Kind == model.Quantile {
		const why = " (NULL: no observations in the arm)"
		add(mc.QN, "observations"+why, true)
		add(mc.QEstimate, "the quantile"+why, true)
		add(mc.QLower, "lower order statistic of the interval"+why, true)
		add(mc.QUpper, "upper order statistic of the interval"+why, true)
		add(mc.QClusters, "clusters with observations"+why, true)
		add(mc.QSumInd, "Σ per-cluster count below the quantile"+why, true)
		add(mc.QSumSqInd, "Σ squared per-cluster count below the quantile"+why, true)
		add(mc.QSumObs, "Σ per-cluster observations"+why, true)
		add(mc.QSumSqObs, "Σ squared per-cluster observations"+why, true)
		add(mc.QSumIndObs, "Σ per-cluster count below × observations"+why, true)
		return out
	}
	add(mc.N, "units (clusters when clustered) with a value", false)
	add(mc.Sum, "Σ value (numerator)", false)
	add(mc.SumSq, "Σ value² (numerator²)", false)
	add(mc.DenSum, "Σ denominator", false)
	add(mc.DenSumSq, "Σ denominator²", false)
	add(mc.Prod, "Σ numerator × denominator", false)
	if p := mc.Pre; p != nil {
		add(p.Sum, "Σ pre-exposure value", false)
		add(p.SumSq, "Σ pre-exposure value²", false)
		add(p.Cross, "Σ value × pre-exposure value", false)
		add(p.DenSum, "Σ pre-exposure denominator", false)
		add(p.DenSumSq, "Σ pre-exposure denominator²", false)
		add(p.MPostMPre, "Σ numerator × pre numerator", false)
		add(p.DPostDPre, "Σ denominator × pre denominator", false)
		add(p.MPreDPre, "Σ pre numerator × pre denominator", false)
		add(p.MPostDPre, "Σ numerator × pre denominator", false)
		add(p.MPreDPost, "Σ pre numerator × denominator", false)
	}
	return out
}
