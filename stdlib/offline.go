package stdlib

import (
	"fmt"
	"github.com/caliper-dev/caliper/lang/diag"
	"sort"
	"strconv"
	"strings"

	"github.com/caliper-dev/caliper/dialect"
)

// This file is the catalog of offline ranking metrics (benchmark blocks).
// Every metric follows trec_eval v9.0.8 (usnistgov/trec_eval, m_*.c and
// form_res_rels.c); STATS-REFERENCE.md §14 has the definitions.
//
// A metric lowers to SQL in three parts, all templates over two standard
// relations that the benchmark compiler (compiler/rank) builds:
//
// The ranked relation has one row per retrieved judged document of a
// judged query, per model. Unjudged retrieved documents are left out: they
// gain 0 and are never relevant, so they matter only through the ranks of
// the others. Columns:
//
//	{rank}       BIGINT   1-based position among all retrieved documents:
//	                      score descending, then doc id descending (byte
//	                      order), as trec_eval ranks; the run's own rank
//	                      column is ignored
//	{gain}       DOUBLE   the relevance when it is > 0, else 0
//	{relevant}   BOOLEAN  relevance >= 1
//	{rel_so_far} BIGINT   relevant documents at ranks <= {rank}
//
// The ideal relation has one row per judged document with relevance > 0,
// per query:
//
//	{ideal_rank} BIGINT   1-based position by relevance descending
//	{ideal_gain} DOUBLE   the relevance
//
// RunAggregate is an aggregate over the ranked relation grouped by (model,
// query); IdealAggregate an aggregate over the ideal relation grouped by
// query; Value combines them per query, where {run} and {ideal} stand for
// those two aggregates and {num_rel} for the number of relevant (>= 1)
// judged documents of the query. {k} is the cutoff; {cut} and {ideal_cut}
// are the conditions "{rank} <= {k}" and "{ideal_rank} <= {k}", or TRUE
// when the metric is used without a cutoff. {discount} and
// {ideal_discount} are nDCG's discounts log2({rank} + 1) and
// log2({ideal_rank} + 1), and {float} the floating-point type, in the
// dialect's spelling.
//
// Values must be 0, never NULL, for a query without relevant documents, as
// in trec_eval. When a model retrieved no judged document for a query the
// aggregates are NULL and the compiler scores the query 0; so a template
// may only aggregate over documents that can contribute (every trec_eval
// measure here is 0 when nothing relevant is retrieved).

// OfflineCutoff says whether an offline metric takes a cutoff (`@k`).
type OfflineCutoff int

const (
	// OfflineCutoffForbidden: the metric is defined on the whole ranking
	// only (`mrr`).
	OfflineCutoffForbidden OfflineCutoff = iota
	// OfflineCutoffAllowed: with or without a cutoff (`ndcg`, `ndcg@10`).
	OfflineCutoffAllowed
	// OfflineCutoffRequired: only with a cutoff (`precision@10`).
	OfflineCutoffRequired
)

// String is the rule in words, for documentation and messages.
func (c OfflineCutoff) String() string {
	switch c {
	case OfflineCutoffAllowed:
		return "optional"
	case OfflineCutoffRequired:
		return "required"
	default:
		return "forbidden"
	}
}

// OfflineMetric is one offline ranking metric of the catalog.
type OfflineMetric struct {
	// Name is the metric's name in specs, without a cutoff.
	Name string
	// Cutoff says whether `Name@k` is allowed, required or forbidden.
	Cutoff OfflineCutoff
	// Doc is a one-line description for documentation and hovers.
	Doc string
	// TrecEval is trec_eval's measure name without a cutoff, and
	// TrecEvalCut its name with one ("ndcg" and "ndcg_cut"); see
	// TrecEvalName.
	TrecEval    string
	TrecEvalCut string
	// RunAggregate, IdealAggregate and Value are the SQL lowering
	// templates described at the top of this file. IdealAggregate is ""
	// when the metric does not need the ideal ranking.
	RunAggregate   string
	IdealAggregate string
	Value          string
}

// offlineCatalog holds the entries, sorted by name.
var offlineCatalog = []*OfflineMetric{
	{
		Name:        "hit_rate",
		Cutoff:      OfflineCutoffRequired,
		Doc:         "1 when a relevant document is in the top k, else 0 (trec_eval success_k).",
		TrecEvalCut: "success",
		// P, recall and hit_rate share this aggregate: the compiler computes
		// it once per cutoff.
		RunAggregate: "sum(CASE WHEN {relevant} AND {cut} THEN 1 ELSE 0 END)",
		Value:        "CASE WHEN {run} > 0 THEN 1 ELSE 0 END",
	},
	{
		Name:   "map",
		Cutoff: OfflineCutoffAllowed,
		Doc: "Average precision: the mean of the precision at each relevant document's rank, " +
			"divided by all relevant judged documents (trec_eval map; map@k is map_cut_k, " +
			"still divided by all relevant documents).",
		TrecEval:     "map",
		TrecEvalCut:  "map_cut",
		RunAggregate: "sum(CASE WHEN {relevant} AND {cut} THEN CAST({rel_so_far} AS {float}) / {rank} ELSE 0 END)",
		Value:        "CASE WHEN {num_rel} > 0 THEN {run} / {num_rel} ELSE 0 END",
	},
	{
		Name:         "mrr",
		Cutoff:       OfflineCutoffForbidden,
		Doc:          "Reciprocal rank of the first relevant document in the whole ranking, 0 if none (trec_eval recip_rank).",
		TrecEval:     "recip_rank",
		RunAggregate: "min(CASE WHEN {relevant} THEN {rank} END)",
		Value:        "coalesce(1.0 / {run}, 0)",
	},
	{
		Name:   "ndcg",
		Cutoff: OfflineCutoffAllowed,
		Doc: "Normalized discounted cumulative gain with linear gain (the relevance) and " +
			"discount log2(rank+1); the ideal ranking orders all judged documents " +
			"(trec_eval ndcg; ndcg@k is ndcg_cut_k).",
		TrecEval:       "ndcg",
		TrecEvalCut:    "ndcg_cut",
		RunAggregate:   "sum(CASE WHEN {cut} THEN {gain} / {discount} ELSE 0 END)",
		IdealAggregate: "sum(CASE WHEN {ideal_cut} THEN {ideal_gain} / {ideal_discount} ELSE 0 END)",
		Value:          "CASE WHEN {ideal} > 0 THEN {run} / {ideal} ELSE 0 END",
	},
	{
		Name:         "precision",
		Cutoff:       OfflineCutoffRequired,
		Doc:          "Relevant documents in the top k divided by k, even when fewer than k were retrieved (trec_eval P_k).",
		TrecEvalCut:  "P",
		RunAggregate: "sum(CASE WHEN {relevant} AND {cut} THEN 1 ELSE 0 END)",
		Value:        "CAST({run} AS {float}) / {k}",
	},
	{
		Name:         "recall",
		Cutoff:       OfflineCutoffRequired,
		Doc:          "Relevant documents in the top k divided by all relevant judged documents, 0 when there are none (trec_eval recall_k).",
		TrecEvalCut:  "recall",
		RunAggregate: "sum(CASE WHEN {relevant} AND {cut} THEN 1 ELSE 0 END)",
		Value:        "CASE WHEN {num_rel} > 0 THEN CAST({run} AS {float}) / {num_rel} ELSE 0 END",
	},
}

// offlineAliases maps names from trec_eval and other libraries to ours, for
// hints only: a spec must use the catalog's names.
var offlineAliases = map[string]string{
	"p":          "precision",
	"prec":       "precision",
	"success":    "hit_rate",
	"hit":        "hit_rate",
	"hits":       "hit_rate",
	"hitrate":    "hit_rate",
	"recip_rank": "mrr",
	"rr":         "mrr",
	"ndcg_cut":   "ndcg",
	"map_cut":    "map",
	"ap":         "map",
}

// LookupOffline returns the offline metric called name (without a cutoff).
func LookupOffline(name string) (*OfflineMetric, bool) {
	i := sort.Search(len(offlineCatalog), func(i int) bool { return offlineCatalog[i].Name >= name })
	if i < len(offlineCatalog) && offlineCatalog[i].Name == name {
		return offlineCatalog[i], true
	}
	return nil, false
}

// OfflineMetrics returns every offline metric, sorted by name. The slice is
// a copy; the entries are shared and must not be modified.
func OfflineMetrics() []*OfflineMetric {
	return append([]*OfflineMetric(nil), offlineCatalog...)
}

// OfflineRef is an offline metric used at a cutoff: `ndcg@10` is
// {ndcg, 10}; K is 0 when the metric is used without a cutoff.
type OfflineRef struct {
	Metric *OfflineMetric
	K      int
}

// String is the canonical spelling: "ndcg@10", or "mrr".
func (r OfflineRef) String() string {
	if r.Metric == nil {
		return ""
	}
	if r.K == 0 {
		return r.Metric.Name
	}
	return r.Metric.Name + "@" + strconv.Itoa(r.K)
}

// TrecEvalName is trec_eval's name for the measure, as printed in its
// output: "ndcg_cut_10", "P_5", "recip_rank", "success_1".
func (r OfflineRef) TrecEvalName() string {
	if r.Metric == nil {
		return ""
	}
	if r.K == 0 {
		return r.Metric.TrecEval
	}
	return r.Metric.TrecEvalCut + "_" + strconv.Itoa(r.K)
}

// OfflineMaxCutoff is the largest cutoff a spec may write.
const OfflineMaxCutoff = 1_000_000_000

// OfflineNameError is a bad offline metric name. Problem says what is wrong
// with Name; Hint, when not empty, is a suggestion such as
// "did you mean `ndcg@10`?".
type OfflineNameError struct {
	Name    string
	Problem string
	Hint    string
}

// Error joins the problem and the hint.
func (e *OfflineNameError) Error() string {
	if e.Hint == "" {
		return e.Problem
	}
	return e.Problem + "; " + e.Hint
}

// ParseOffline parses a metric name as written in a spec, `ndcg`,
// `ndcg@10`, `precision@5`, and checks its cutoff against the catalog.
// Errors are *OfflineNameError.
func ParseOffline(name string) (OfflineRef, error) {
	base, cut, hasCut := strings.Cut(name, "@")
	m, ok := LookupOffline(base)
	if !ok {
		return OfflineRef{}, offlineUnknown(name, base, cut, hasCut)
	}
	if !hasCut {
		if m.Cutoff == OfflineCutoffRequired {
			return OfflineRef{}, &OfflineNameError{
				Name:    name,
				Problem: fmt.Sprintf("offline metric `%s` needs a cutoff", base),
				Hint:    fmt.Sprintf("write `%s@k`, e.g. `%s@10`", base, base),
			}
		}
		return OfflineRef{Metric: m}, nil
	}
	if m.Cutoff == OfflineCutoffForbidden {
		return OfflineRef{}, &OfflineNameError{
			Name:    name,
			Problem: fmt.Sprintf("offline metric `%s` takes no cutoff: it is defined on the whole ranking (trec_eval %s)", base, m.TrecEval),
			Hint:    fmt.Sprintf("write `%s`", base),
		}
	}
	k, err := offlineParseCutoff(cut)
	if err != nil {
		return OfflineRef{}, &OfflineNameError{
			Name:    name,
			Problem: fmt.Sprintf("bad cutoff in `%s`: %v", name, err),
			Hint:    fmt.Sprintf("write `%s@k` with k a positive whole number, e.g. `%s@10`", base, base),
		}
	}
	return OfflineRef{Metric: m, K: k}, nil
}

// offlineParseCutoff reads the k of `name@k`: decimal digits only, 1 to
// OfflineMaxCutoff.
func offlineParseCutoff(s string) (int, error) {
	if s == "" {
		return 0, fmt.Errorf("the cutoff is missing after `@`")
	}
	digits := strings.TrimPrefix(s, "-")
	if digits == "" || strings.TrimLeft(digits, "0123456789") != "" {
		return 0, fmt.Errorf("%q is not a whole number", s)
	}
	if digits != s {
		return 0, fmt.Errorf("the cutoff must be positive, not %s", s)
	}
	k, err := strconv.ParseInt(s, 10, 64)
	if err != nil || k > OfflineMaxCutoff {
		return 0, fmt.Errorf("%s is too large (at most %d)", s, OfflineMaxCutoff)
	}
	if k == 0 {
		return 0, fmt.Errorf("the cutoff must be positive, not %s", s)
	}
	return int(k), nil
}

// offlineUnknown builds the error for a name not in the catalog, with a
// suggestion: a known alias (`P@10` -> `precision@10`) or the closest name.
func offlineUnknown(name, base, cut string, hasCut bool) error {
	e := &OfflineNameError{Name: name, Problem: fmt.Sprintf("unknown offline metric `%s`", base)}
	if base == "" {
		e.Problem = fmt.Sprintf("missing metric name in `%s`", name)
	}
	suggest := ""
	if alias, ok := offlineAliases[strings.ToLower(base)]; ok {
		suggest = alias
	} else if m, ok := LookupOffline(strings.ToLower(base)); ok {
		suggest = m.Name
	} else {
		suggest = offlineClosest(strings.ToLower(base))
	}
	if suggest != "" {
		if hasCut {
			suggest += "@" + cut
		}
		e.Hint = fmt.Sprintf("did you mean `%s`?", suggest)
	} else {
		e.Hint = "offline metrics are " + offlineNameList()
	}
	return e
}

// offlineNameList lists the catalog's names for messages.
func offlineNameList() string {
	names := make([]string, len(offlineCatalog))
	for i, m := range offlineCatalog {
		names[i] = "`" + m.Name + "`"
	}
	return strings.Join(names, ", ")
}

// offlineClosest returns the catalog name nearest to s in edit distance
// (lang/diag.Closest, the suggestion rule of every diagnostic), or "".
func offlineClosest(s string) string {
	names := make([]string, len(offlineCatalog))
	for i, m := range offlineCatalog {
		names[i] = m.Name
	}
	return diag.Closest(s, names)
}

// OfflineLowering is an offline metric at one cutoff rendered for a
// dialect: the two aggregates and the per-query value.
type OfflineLowering struct {
	// RunAggregate is an aggregate over the ranked relation.
	RunAggregate string
	// IdealAggregate is an aggregate over the ideal relation, "" if unused.
	IdealAggregate string
	// value still holds {run}, {ideal} and {num_rel}; see ValueOf.
	value string
}

// ValueOf returns the per-query value expression given SQL references to
// the run aggregate, the ideal aggregate and the number of relevant judged
// documents of the query.
func (l OfflineLowering) ValueOf(run, ideal, numRel string) string {
	return strings.NewReplacer("{run}", run, "{ideal}", ideal, "{num_rel}", numRel).Replace(l.value)
}

// Lower renders r's templates for dialect d, quoting the standard columns
// with d.Ident.
func (r OfflineRef) Lower(d *dialect.Dialect) (OfflineLowering, error) {
	m := r.Metric
	if m == nil {
		return OfflineLowering{}, fmt.Errorf("offline metric reference without a metric")
	}
	if err := r.check(); err != nil {
		return OfflineLowering{}, err
	}
	if !d.Benchmarks {
		return OfflineLowering{}, fmt.Errorf("offline metrics do not compile for %s yet", d.Title)
	}
	cut, idealCut := "TRUE", "TRUE"
	k := strconv.Itoa(r.K)
	if r.K > 0 {
		cut = d.Ident(OfflineColRank) + " <= " + k
		idealCut = d.Ident(OfflineColIdealRank) + " <= " + k
	}
	rep := strings.NewReplacer(
		"{rank}", d.Ident(OfflineColRank),
		"{gain}", d.Ident(OfflineColGain),
		"{relevant}", d.Ident(OfflineColRelevant),
		"{rel_so_far}", d.Ident(OfflineColRelSoFar),
		"{ideal_rank}", d.Ident(OfflineColIdealRank),
		"{ideal_gain}", d.Ident(OfflineColIdealGain),
		"{cut}", cut,
		"{ideal_cut}", idealCut,
		"{k}", k,
		"{discount}", fmt.Sprintf(d.Log2, d.Ident(OfflineColRank)+" + 1"),
		"{ideal_discount}", fmt.Sprintf(d.Log2, d.Ident(OfflineColIdealRank)+" + 1"),
		"{float}", d.Types.Float,
	)
	return OfflineLowering{
		RunAggregate:   rep.Replace(m.RunAggregate),
		IdealAggregate: rep.Replace(m.IdealAggregate),
		value:          rep.Replace(m.Value),
	}, nil
}

// check reports a cutoff that the metric's rule does not allow (a ref built
// by hand rather than by ParseOffline).
func (r OfflineRef) check() error {
	switch {
	case r.K < 0 || r.K > OfflineMaxCutoff:
		return fmt.Errorf("offline metric %s: cutoff %d out of range", r.Metric.Name, r.K)
	case r.K == 0 && r.Metric.Cutoff == OfflineCutoffRequired:
		return fmt.Errorf("offline metric %s needs a cutoff", r.Metric.Name)
	case r.K > 0 && r.Metric.Cutoff == OfflineCutoffForbidden:
		return fmt.Errorf("offline metric %s takes no cutoff", r.Metric.Name)
	}
	return nil
}

// UsesRelSoFar reports whether the metric reads {rel_so_far}, which costs
// a running window; the compiler leaves it out when no metric needs it.
func (m *OfflineMetric) UsesRelSoFar() bool {
	return strings.Contains(m.RunAggregate, "{rel_so_far}")
}

// Names of the standard relations' columns (see the top of this file).
const (
	OfflineColRank      = "rank"
	OfflineColGain      = "gain"
	OfflineColRelevant  = "relevant"
	OfflineColRelSoFar  = "rel_so_far"
	OfflineColIdealRank = "ideal_rank"
	OfflineColIdealGain = "ideal_gain"
)
