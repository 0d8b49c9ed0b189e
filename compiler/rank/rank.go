// Package rank compiles a benchmark (offline evaluation of ranking models
// against relevance judgments) to one SQL query that scores every model on
// every query with trec_eval's rules, and summarizes the per-query scores.
// The query is written in a dialect (DuckDB by default; PostgreSQL too),
// whose spellings it takes from the dialect's value: types, log2, raising
// an error, byte-order comparison of text, unpivoting.
//
// The rules, from trec_eval v9.0.8 (usnistgov/trec_eval: form_res_rels.c,
// trec_eval.c, m_*.c) and STATS-REFERENCE.md §14:
//
//   - A run is ranked by score descending, ties broken by doc id descending
//     in byte order (strcmp); a rank column in the run is ignored. Query and
//     doc ids are compared as text, so the ids are cast to VARCHAR.
//   - A document is relevant when its judged relevance is >= 1. nDCG's gain
//     is the relevance itself (linear), 0 for unjudged or negatively judged
//     documents; the ideal ranking orders all judged documents of the query.
//   - Queries are those in both the judgments and the run. Run queries
//     without judgments are ignored. Judged queries with no relevant
//     document are scored (every metric is 0 for them) and count in means.
//     Judged queries a model did not answer are left out of its mean, unless
//     MissingZero is set (trec_eval -c): then they score 0 on every metric
//     and every model is averaged over all judged queries.
//   - A document twice in one query of a run, or judged twice for one query,
//     is an error, as in trec_eval; so is a run row without a score.
package rank

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/caliper-dev/caliper/dialect"
	"github.com/caliper-dev/caliper/stdlib"
)

// Benchmark is what the compiler needs of a benchmark block.
type Benchmark struct {
	// Name names the benchmark in the SQL's provenance comment.
	Name string
	// Judgments and Runs are SQL queries (SELECT ..., without a trailing
	// semicolon) producing the judgments and the runs of all models.
	Judgments string
	Runs      string
	// Column names in those relations. Judgments have Query, Item and
	// Relevance (a number); runs have Model, Query, Item and Score.
	Query     string
	Item      string
	Relevance string
	Score     string
	Model     string
	// Metrics are the metrics to compute, each once.
	Metrics []stdlib.OfflineRef
	// MissingZero scores judged queries missing from a model's run as 0 on
	// every metric, like trec_eval -c, instead of leaving them out.
	MissingZero bool
	// Dialect is the SQL dialect of the query and of the two relations;
	// nil is DuckDB. It must have Benchmarks.
	Dialect *dialect.Dialect
}

// Output columns of PerQuerySQL and MeanSQL.
const (
	ColModel   = "model"    // the model (text)
	ColQuery   = "query_id" // the query (text); PerQuerySQL only
	ColMetric  = "metric"   // the metric's canonical name, e.g. "ndcg@10"
	ColValue   = "value"    // the per-query value or the mean (floating point)
	ColQueries = "num_q"    // queries averaged over (BIGINT); MeanSQL only
)

// Validate reports the first problem that prevents compiling b.
func (b *Benchmark) Validate() error {
	for _, rel := range []struct{ what, sql string }{{"judgments", b.Judgments}, {"runs", b.Runs}} {
		s := strings.TrimSpace(rel.sql)
		if s == "" {
			return fmt.Errorf("benchmark %s: the %s relation is empty", b.Name, rel.what)
		}
		if strings.HasSuffix(s, ";") {
			return fmt.Errorf("benchmark %s: the %s relation must be a query without a trailing semicolon", b.Name, rel.what)
		}
	}
	cols := []struct{ role, name string }{
		{"query", b.Query}, {"item", b.Item}, {"relevance", b.Relevance}, {"score", b.Score}, {"model", b.Model},
	}
	for _, c := range cols {
		if c.name == "" {
			return fmt.Errorf("benchmark %s: no %s column", b.Name, c.role)
		}
	}
	if len(b.Metrics) == 0 {
		return fmt.Errorf("benchmark %s: no metrics", b.Name)
	}
	d := b.dialect()
	if !d.Benchmarks {
		return fmt.Errorf("benchmark %s: offline benchmarks compile for %s only (not yet for %s)", b.Name, benchmarkDialects(), d.Title)
	}
	seen := map[string]bool{}
	for _, m := range b.Metrics {
		if m.Metric == nil {
			return fmt.Errorf("benchmark %s: a metric reference has no metric", b.Name)
		}
		name := m.String()
		if seen[name] {
			return fmt.Errorf("benchmark %s: metric %s is listed twice", b.Name, name)
		}
		seen[name] = true
		if _, err := m.Lower(d); err != nil {
			return fmt.Errorf("benchmark %s: %w", b.Name, err)
		}
	}
	return nil
}

// dialect is the benchmark's dialect, DuckDB when unset.
func (b *Benchmark) dialect() *dialect.Dialect {
	if b.Dialect == nil {
		return dialect.DuckDB
	}
	return b.Dialect
}

// benchmarkDialects names the dialects with Benchmarks, for messages.
func benchmarkDialects() string {
	var names []string
	for _, d := range dialect.All {
		if d.Benchmarks {
			names = append(names, d.Title)
		}
	}
	return strings.Join(names, " and ")
}

// PerQuerySQL returns one query with a row (model, query_id, metric,
// value) for every model, every query trec_eval would average over, and
// every metric, ordered by model, query and metric. The run is read once:
// one window ranks it, and one aggregation per (model, query) computes all
// metrics.
func PerQuerySQL(b *Benchmark) (string, error) {
	p, err := newPlan(b)
	if err != nil {
		return "", err
	}
	var s strings.Builder
	p.writeHeader(&s)
	p.writeScored(&s)
	p.writeUnpivot(&s)
	fmt.Fprintf(&s, "ORDER BY %s, %s, %s\n", p.bytes(p.id(ColModel)), p.bytes(p.id(ColQuery)), p.bytes(p.id(ColMetric)))
	return s.String(), nil
}

// MeanSQL returns one query with a row (model, metric, num_q, value)
// per model and metric: the mean over queries of PerQuerySQL's values and
// the number of queries averaged, which is trec_eval's num_q.
func MeanSQL(b *Benchmark) (string, error) {
	p, err := newPlan(b)
	if err != nil {
		return "", err
	}
	var s strings.Builder
	p.writeHeader(&s)
	p.writeScored(&s)
	s.WriteString(", " + p.id("per_query_metric") + " AS (\n")
	p.writeUnpivot(&s)
	s.WriteString(")\n")
	fmt.Fprintf(&s, "SELECT %s, %s, count(*) AS %s, avg(%s) AS %s\nFROM %s\nGROUP BY %s, %s\nORDER BY %s, %s\n",
		p.id(ColModel), p.id(ColMetric), p.id(ColQueries), p.id(ColValue), p.id(ColValue),
		p.id("per_query_metric"), p.id(ColModel), p.id(ColMetric), p.bytes(p.id(ColModel)), p.bytes(p.id(ColMetric)))
	return s.String(), nil
}

// plan is a validated benchmark with its metrics lowered and their
// aggregates deduplicated into columns.
type plan struct {
	b       *Benchmark
	d       *dialect.Dialect
	runAggs []string // distinct run aggregates, column r<i>
	idlAggs []string // distinct ideal aggregates, column i<i>
	metrics []plannedMetric
	relSo   bool // some metric needs rel_so_far
}

// plannedMetric is one metric's output column and value expression.
type plannedMetric struct {
	name  string
	value string
}

// newPlan validates b and lowers its metrics for its dialect.
func newPlan(b *Benchmark) (*plan, error) {
	if b == nil {
		return nil, fmt.Errorf("no benchmark")
	}
	if err := b.Validate(); err != nil {
		return nil, err
	}
	p := &plan{b: b, d: b.dialect()}
	for _, ref := range b.Metrics {
		low, err := ref.Lower(p.d)
		if err != nil {
			return nil, err
		}
		run := p.id("r" + strconv.Itoa(indexOrAdd(&p.runAggs, low.RunAggregate)))
		ideal := "0"
		if low.IdealAggregate != "" {
			ideal = p.id("i" + strconv.Itoa(indexOrAdd(&p.idlAggs, low.IdealAggregate)))
		}
		value := p.d.Cast(low.ValueOf(run, ideal, p.id("num_rel")), p.float())
		p.metrics = append(p.metrics, plannedMetric{name: ref.String(), value: value})
		p.relSo = p.relSo || ref.Metric.UsesRelSoFar()
	}
	return p, nil
}

// indexOrAdd returns the index of s in *list, appending it when absent.
func indexOrAdd(list *[]string, s string) int {
	for i, x := range *list {
		if x == s {
			return i
		}
	}
	*list = append(*list, s)
	return len(*list) - 1
}

// id quotes an identifier.
func (p *plan) id(name string) string { return p.d.Ident(name) }

// str quotes a string literal.
func (p *plan) str(s string) string { return p.d.String(s) }

// float and text are the dialect's floating-point and text types.
func (p *plan) float() string { return p.d.Types.Float }
func (p *plan) text() string  { return p.d.Types.String }

// bytes is text expression e ordered and compared byte by byte.
func (p *plan) bytes(e string) string {
	if p.d.ByteOrder == "" {
		return e
	}
	return fmt.Sprintf(p.d.ByteOrder, e)
}

// raise is a boolean expression failing the query with message msg (an
// SQL text expression).
func (p *plan) raise(msg string) string { return fmt.Sprintf(p.d.Raise, msg) }

// writeHeader writes the provenance comment.
func (p *plan) writeHeader(s *strings.Builder) {
	names := make([]string, len(p.metrics))
	for i, m := range p.metrics {
		names[i] = dialect.CommentText(m.name)
	}
	fmt.Fprintf(s, "-- Caliper benchmark %s: offline ranking metrics per (model, query).\n", strconv.QuoteToASCII(p.b.Name))
	fmt.Fprintf(s, "-- Generated by compiler/rank; metrics %s.\n", strings.Join(names, ", "))
	s.WriteString("-- Semantics of trec_eval v9.0.8 (usnistgov/trec_eval form_res_rels.c, m_*.c; STATS-REFERENCE.md §14):\n")
	s.WriteString("-- rank by score desc then doc id desc (byte order), the run's rank column ignored; relevant = relevance >= 1;\n")
	s.WriteString("-- linear gain, ideal from all judged docs; run queries without judgments ignored;\n")
	if p.b.MissingZero {
		s.WriteString("-- judged queries missing from a run score 0 (trec_eval -c); duplicate docs are an error.\n")
	} else {
		s.WriteString("-- judged queries missing from a run are skipped; duplicate docs are an error.\n")
	}
}

// writeScored writes the WITH clause up to the "scored" CTE: one row per
// scored (model, query) with one column per metric.
//
// Plan: the run, restricted to judged queries, is joined to the judgments
// (unjudged documents gain 0 and are never relevant: they matter only
// through the ranks of the others) and ranked by one window (the only sort
// of the whole run); one aggregation per (model, query) over those rows
// computes every metric and is where bad run rows fail the query
// ("answered").
func (p *plan) writeScored(s *strings.Builder) {
	s.WriteString("WITH ")
	p.writeJudgments(s)
	p.writeQueries(s)
	if len(p.idlAggs) > 0 {
		p.writeIdeal(s)
	}
	p.writeRun(s)
	if p.b.MissingZero {
		p.writeModels(s)
	}
	p.writeRanked(s)
	p.writePerQuery(s)
	p.writeScoredCTE(s)
}

// writeJudgments normalizes the judgments: text ids, the relevance.
func (p *plan) writeJudgments(s *strings.Builder) {
	b := p.b
	fmt.Fprintf(s, "%s AS (\n  SELECT %s AS %s, %s AS %s, %s AS %s\n  FROM (\n%s\n  ) AS %s\n)",
		p.id("judgments"),
		p.d.Cast(p.id(b.Query), p.text()), p.id("query_id"), p.d.Cast(p.id(b.Item), p.text()), p.id("doc_id"), p.id(b.Relevance), p.id("relevance"),
		indent(strings.TrimSpace(b.Judgments), "    "), p.id("judgments_source"))
}

// writeQueries writes one row per judged query with its number of relevant
// documents, failing on duplicate judgments or judgments without a
// relevance.
func (p *plan) writeQueries(s *strings.Builder) {
	q := p.id("query_id")
	check := fmt.Sprintf("CASE WHEN count(*) <> count(DISTINCT %s) THEN %s "+
		"WHEN count(%s) <> count(*) THEN %s ELSE TRUE END",
		p.id("doc_id"), p.raise(p.str(p.errPrefix()+"a document is judged twice, or has no id, for query ")+" || "+q),
		p.id("relevance"), p.raise(p.str(p.errPrefix()+"a judgment has no relevance for query ")+" || "+q))
	fmt.Fprintf(s, ",\n%s AS (\n  SELECT %s, %s AS %s\n  FROM %s\n  GROUP BY %s\n  HAVING %s\n)",
		p.id("queries"), q, p.d.Aggregate("count", "*", p.id("relevance")+" >= 1"), p.id("num_rel"), p.id("judgments"), q, check)
}

// writeIdeal writes the ideal aggregates per query.
func (p *plan) writeIdeal(s *strings.Builder) {
	fmt.Fprintf(s, ",\n%s AS (\n  SELECT %s", p.id("ideal"), p.id("query_id"))
	for i, a := range p.idlAggs {
		fmt.Fprintf(s, ",\n    %s AS %s", a, p.id("i"+strconv.Itoa(i)))
	}
	fmt.Fprintf(s, "\n  FROM (\n    SELECT %s, %s AS %s, row_number() OVER (PARTITION BY %s ORDER BY %s DESC) AS %s\n",
		p.id("query_id"), p.d.Cast(p.id("relevance"), p.float()), p.id(stdlib.OfflineColIdealGain),
		p.id("query_id"), p.id("relevance"), p.id(stdlib.OfflineColIdealRank))
	fmt.Fprintf(s, "    FROM %s\n    WHERE %s > 0\n  ) AS %s\n  GROUP BY %s\n)",
		p.id("judgments"), p.id("relevance"), p.id("ideal_ranking"), p.id("query_id"))
}

// writeRun normalizes the runs (text ids, a DOUBLE score) and keeps the
// judged queries.
func (p *plan) writeRun(s *strings.Builder) {
	b := p.b
	fmt.Fprintf(s, ",\n%s AS (\n  SELECT %s AS %s, %s AS %s, %s AS %s, %s AS %s\n  FROM (\n%s\n  ) AS %s\n)",
		p.id("all_runs"),
		p.d.Cast(p.id(b.Model), p.text()), p.id("model"), p.d.Cast(p.id(b.Query), p.text()), p.id("query_id"),
		p.d.Cast(p.id(b.Item), p.text()), p.id("doc_id"), p.d.Cast(p.id(b.Score), p.float()), p.id("score"),
		indent(strings.TrimSpace(b.Runs), "    "), p.id("runs_source"))
	fmt.Fprintf(s, ",\n%s AS (\n  SELECT * FROM %s WHERE %s IN (SELECT %s FROM %s)\n)",
		p.id("run"), p.id("all_runs"), p.id("query_id"), p.id("query_id"), p.id("queries"))
}

// writeModels writes the models of the run (MissingZero only), including
// those that answered no judged query: each is scored on every judged
// query.
func (p *plan) writeModels(s *strings.Builder) {
	fmt.Fprintf(s, ",\n%s AS (\n  SELECT DISTINCT %s FROM %s\n)", p.id("models"), p.id("model"), p.id("all_runs"))
}

// writeRanked writes the ranked relation (stdlib/offline.go): every
// retrieved document with its rank, ranked by one window over the run
// joined to its judgments (one sort of the whole run: the rank and the
// relevant documents so far share it). An unjudged document gains 0 and
// is never relevant, as in trec_eval; it matters only through the ranks of
// the others, and every metric of the catalog reads it as a judged
// document of relevance 0 would be read.
func (p *plan) writeRanked(s *strings.Builder) {
	k, j := p.id("k"), p.id("j")
	rel := fmt.Sprintf("coalesce(%s.%s >= 1, FALSE)", j, p.id("relevance"))
	window := fmt.Sprintf("PARTITION BY %s.%s, %s.%s ORDER BY %s.%s DESC, %s DESC",
		k, p.id("model"), k, p.id("query_id"), k, p.id("score"), p.bytes(k+"."+p.id("doc_id")))
	fmt.Fprintf(s, ",\n%s AS (\n  SELECT %s.%s, %s.%s, %s.%s, %s.%s,\n", p.id("ranked"),
		k, p.id("model"), k, p.id("query_id"), k, p.id("doc_id"), k, p.id("score"))
	fmt.Fprintf(s, "    row_number() OVER (%s) AS %s,\n", window, p.id(stdlib.OfflineColRank))
	fmt.Fprintf(s, "    %s AS %s,\n", p.d.Cast("greatest(coalesce("+j+"."+p.id("relevance")+", 0), 0)", p.float()), p.id(stdlib.OfflineColGain))
	fmt.Fprintf(s, "    %s AS %s", rel, p.id(stdlib.OfflineColRelevant))
	if p.relSo {
		fmt.Fprintf(s, ",\n    %s OVER (%s ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS %s",
			p.d.Aggregate("count", "*", rel), window, p.id(stdlib.OfflineColRelSoFar))
	}
	fmt.Fprintf(s, "\n  FROM %s AS %s\n  LEFT JOIN %s AS %s ON %s.%s = %s.%s AND %s.%s = %s.%s\n)",
		p.id("run"), k, p.id("judgments"), j, j, p.id("query_id"), k, p.id("query_id"), j, p.id("doc_id"), k, p.id("doc_id"))
}

// writePerQuery writes the single aggregation over the ranked relation:
// "answered", one row per (model, judged query) of the run with the
// metric aggregates, failing on duplicate documents and rows without a
// score. Every scored row comes through here, so the checks always run.
func (p *plan) writePerQuery(s *strings.Builder) {
	m, q := p.id("model"), p.id("query_id")
	what := func(msg string) string {
		return p.raise(fmt.Sprintf("%s || %s || %s || %s", p.str(p.errPrefix()+"model "), m, p.str(msg), q))
	}
	fmt.Fprintf(s, ",\n%s AS (\n  SELECT %s, %s", p.id("answered"), m, q)
	for i, a := range p.runAggs {
		fmt.Fprintf(s, ",\n    %s AS %s", a, p.id("r"+strconv.Itoa(i)))
	}
	fmt.Fprintf(s, "\n  FROM %s\n  GROUP BY %s, %s\n", p.id("ranked"), m, q)
	fmt.Fprintf(s, "  HAVING CASE WHEN count(%s) <> count(*) THEN %s WHEN count(DISTINCT %s) <> count(*) THEN %s ELSE TRUE END\n)",
		p.id("score"), what(" has a run row without a score for query "),
		p.id("doc_id"), what(" ranks a document twice, or a document without an id, for query "))
}

// writeScoredCTE writes one row per scored (model, query) with a column
// per metric. Without MissingZero the rows are the answered (model, judged
// query) pairs; with it, every (model, judged query), the unanswered ones
// scoring 0. A value with no judged document retrieved is 0 (NULL
// aggregates), as in trec_eval for every metric of the catalog.
func (p *plan) writeScoredCTE(s *strings.Builder) {
	a, q, i, mo := p.id("a"), p.id("q"), p.id("i"), p.id("mo")
	model := a
	if p.b.MissingZero {
		model = mo
	}
	fmt.Fprintf(s, ",\n%s AS (\n  SELECT %s.%s, %s.%s", p.id("scored"), model, p.id("model"), q, p.id("query_id"))
	for _, m := range p.metrics {
		fmt.Fprintf(s, ",\n    coalesce(%s, 0) AS %s", m.value, p.id(m.name))
	}
	if p.b.MissingZero {
		fmt.Fprintf(s, "\n  FROM %s AS %s\n  CROSS JOIN %s AS %s\n  LEFT JOIN %s AS %s ON %s.%s = %s.%s AND %s.%s = %s.%s",
			p.id("models"), mo, p.id("queries"), q, p.id("answered"), a,
			a, p.id("model"), mo, p.id("model"), a, p.id("query_id"), q, p.id("query_id"))
	} else {
		fmt.Fprintf(s, "\n  FROM %s AS %s\n  JOIN %s AS %s ON %s.%s = %s.%s",
			p.id("answered"), a, p.id("queries"), q, q, p.id("query_id"), a, p.id("query_id"))
	}
	if len(p.idlAggs) > 0 {
		fmt.Fprintf(s, "\n  LEFT JOIN %s AS %s ON %s.%s = %s.%s", p.id("ideal"), i, i, p.id("query_id"), q, p.id("query_id"))
	}
	s.WriteString("\n)\n")
}

// writeUnpivot writes the SELECT turning the metric columns into rows:
// UNPIVOT where the dialect has it, else a lateral join to one VALUES row
// per metric.
func (p *plan) writeUnpivot(s *strings.Builder) {
	if p.d.Unpivot {
		cols := make([]string, len(p.metrics))
		for i, m := range p.metrics {
			cols[i] = p.id(m.name)
		}
		fmt.Fprintf(s, "SELECT %s, %s, %s, %s\nFROM %s UNPIVOT INCLUDE NULLS (%s FOR %s IN (%s))\n",
			p.id(ColModel), p.id(ColQuery), p.id(ColMetric), p.id(ColValue),
			p.id("scored"), p.id(ColValue), p.id(ColMetric), strings.Join(cols, ", "))
		return
	}
	sc, u := p.id("s"), p.id("u")
	rows := make([]string, len(p.metrics))
	for i, m := range p.metrics {
		rows[i] = fmt.Sprintf("(%s, %s.%s)", p.str(m.name), sc, p.id(m.name))
	}
	fmt.Fprintf(s, "SELECT %s.%s, %s.%s, %s.%s, %s.%s\nFROM %s AS %s\nCROSS JOIN LATERAL (VALUES %s) AS %s(%s, %s)\n",
		sc, p.id(ColModel), sc, p.id(ColQuery), u, p.id(ColMetric), u, p.id(ColValue),
		p.id("scored"), sc, strings.Join(rows, ", "), u, p.id(ColMetric), p.id(ColValue))
}

// errPrefix starts every error message the query can raise.
func (p *plan) errPrefix() string {
	return "benchmark " + strconv.Quote(p.b.Name) + ": "
}

// indent prefixes every line of s.
func indent(s, prefix string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = prefix + l
		}
	}
	return strings.Join(lines, "\n")
}
