package ast

import "strings"

// The field tables: every declaration kind's fields, listed once. Each
// entry gives the field's name, the shape of its value, what it means (the
// generated docs/language.md) and what its value looks like (parser and
// checker hints). The parser's rewrites, the checker's unknown and repeated
// field messages, the formatter and semantic diff read these tables; the
// grammar's keyword alternatives are checked against them (lang/syntax's
// TestGrammarMatchesFieldTable). Adding a field is one entry here plus its
// meaning in the checker; adding a declaration kind is one DeclSpec.

// Shape is the syntactic form of a field's value.
type Shape int

// Value shapes. Each is one alternative of the grammar's field rule.
const (
	ShapeString     Shape = iota // a string: "text"
	ShapeStrings                 // strings: "a", "b" (or in brackets)
	ShapeExpr                    // an expression
	ShapeName                    // a name or a word: user_id, holm
	ShapeNames                   // names separated by commas
	ShapeProduct                 // names joined by *
	ShapePercent                 // a percentage: 99%
	ShapeNumber                  // a number: 0.05
	ShapeDuration                // a duration: 7d
	ShapeBool                    // true or false
	ShapePercents                // percentages separated by commas
	ShapeReader                  // a reader call, or sql """..."""
	ShapeColumns                 // { name type ... }
	ShapeExposures               // a source name [where condition]
	ShapeGuardrail               // metric within X%
	ShapeFactor                  // name column baseline "v"
	ShapeMetricRefs              // offline metric names, such as ndcg@10
	ShapeLaunch                  // { require ... }
	ShapeCredit                  // a name and an expression: clicks clicked
	ShapePolicy                  // greedy, or softmax and a temperature
)

var shapeNames = [...]string{"string", "strings", "expression", "name", "names", "product", "percentage",
	"number", "duration", "bool", "percentages", "reader", "columns", "exposures", "guardrail", "factor",
	"metric list", "launch block", "credit", "policy"}

func (s Shape) String() string {
	if int(s) < len(shapeNames) {
		return shapeNames[s]
	}
	return "shape?"
}

// List reports whether a value of the shape is a comma-separated list.
func (s Shape) List() bool {
	return s == ShapeStrings || s == ShapeNames || s == ShapeMetricRefs || s == ShapePercents
}

// FieldSpec is one field of a declaration kind.
type FieldSpec struct {
	Name  string
	Shape Shape
	// Doc says what the field means, for docs/language.md.
	Doc string
	// Hint says what the value looks like, for messages: "`window` takes
	// a duration such as 7d (m, h, d or w)".
	Hint string
	// Words are the words a ShapeName field accepts, when it is a choice
	// of words rather than a name (correction holm|bh|...).
	Words []string
	// Default is the value when the field is absent ("" for none).
	Default string
	// Required fields must be given (some only in some designs; the
	// checker says which).
	Required bool
	// Repeatable fields may appear more than once (one line each).
	Repeatable bool
	// Metadata fields describe and do not change what is computed.
	Metadata bool
	// Bracketed string lists are written in brackets (tags).
	Bracketed bool
}

// DeclSpec is one declaration kind and its fields, in canonical order.
type DeclSpec struct {
	Kind   string
	Doc    string
	Fields []*FieldSpec
}

// Fields shared by several kinds, with one meaning.
var (
	fTitle       = &FieldSpec{Name: "title", Shape: ShapeString, Metadata: true, Hint: "a string", Doc: "a short human title"}
	fDescription = &FieldSpec{Name: "description", Shape: ShapeString, Metadata: true, Hint: "a string", Doc: "what it is, in a sentence or two"}
	fOwner       = &FieldSpec{Name: "owner", Shape: ShapeString, Metadata: true, Hint: "a string", Doc: "the team or person who owns it"}
	fTags        = &FieldSpec{Name: "tags", Shape: ShapeStrings, Metadata: true, Bracketed: true,
		Hint: "a list of strings such as [\"a\", \"b\"]", Doc: "labels for search and the catalog"}
	fAlpha = &FieldSpec{Name: "alpha", Shape: ShapeNumber, Default: "0.05", Hint: "a number such as 0.05",
		Doc: "the significance level: the false-positive rate of each test"}
	fLaunch = &FieldSpec{Name: "launch", Shape: ShapeLaunch,
		Hint: "{ require ... }, one requirement per `require`: srm, guardrails, M improves, M within X% or M not worse",
		Doc:  "launch criteria, one `require` per line: `srm`, `guardrails`, `M improves`, `M within X%`, `M not worse`"}
)

func column(name, doc string) *FieldSpec {
	return &FieldSpec{Name: name, Shape: ShapeName, Hint: "a column name", Doc: doc}
}

// Decls are the declaration kinds, in the order the docs list them.
var Decls = []*DeclSpec{
	{Kind: KindSource, Doc: "where facts live: a relation read by a reader, with declared, typed columns", Fields: []*FieldSpec{
		{Name: "from", Shape: ShapeReader, Required: true, Hint: "a reader such as csv(\"data/x.csv\"), or sql \"\"\"...\"\"\"",
			Doc: "how the rows are read: csv(...), parquet(...), json(...) (a path or glob), table(\"schema.table\"), or sql \"\"\"...\"\"\""},
		column("time", "the event-time column; needed for windows, start/end and timelines"),
		{Name: "columns", Shape: ShapeColumns, Required: true, Hint: "{ name type ... }",
			Doc: "the columns read, `name type` each (string, int, float, bool, timestamp, date), checked against the data"},
	}},
	{Kind: KindMetric, Doc: "what success means: a value per unit, or a quantile over rows", Fields: []*FieldSpec{
		fTitle, fDescription, fOwner, fTags,
		{Name: "format", Shape: ShapeString, Metadata: true, Hint: "a string", Doc: "a display format for the metric's values (kept with the metric; reports do not read it yet)"},
		{Name: "direction", Shape: ShapeName, Words: []string{"increase", "decrease"}, Default: "increase", Hint: "`increase` or `decrease`",
			Doc: "which way is good"},
		{Name: "value", Shape: ShapeExpr, Required: true, Hint: "an expression",
			Doc: "the metric: per-unit aggregates (a mean or proportion), A / B (a ratio) or quantile(S.col, q)"},
		{Name: "winsorize", Shape: ShapePercent, Hint: "a percentage such as 99%",
			Doc: "cap each unit's value at the pooled P-th percentile"},
		{Name: "cap", Shape: ShapeNumber, Hint: "a number", Doc: "cap each unit's value at a fixed number"},
		{Name: "decompose", Shape: ShapeProduct, Hint: "metric names joined by `*`, such as a * b",
			Doc: "a multiplicative identity A * B ... that the checker proves; reports give the lift by factor"},
	}},
	{Kind: KindExperiment, Doc: "a randomized comparison of variants on metrics", Fields: []*FieldSpec{
		fTitle, fOwner,
		{Name: "hypothesis", Shape: ShapeString, Metadata: true, Hint: "a string", Doc: "what the experiment expects to show"},
		fDescription, fTags,
		{Name: "exposures", Shape: ShapeExposures, Required: true, Hint: "a source name, optionally followed by `where` and a condition",
			Doc: "the source of exposure rows, optionally filtered: `exposures S where P`"},
		column("unit", "the analysis unit column, in the exposures and every metric's source"),
		{Name: "assignment", Shape: ShapeName, Hint: "a column name",
			Doc: "the column holding each exposure's variant (not with `factor`)"},
		{Name: "control", Shape: ShapeString, Hint: "a string such as \"control\"",
			Doc: "the control variant's value; every other value is a treatment"},
		{Name: "treatments", Shape: ShapeStrings, Hint: "strings such as \"a\", \"b\"",
			Doc: "only these treatments (others are reported and left out)"},
		{Name: "allocation", Shape: ShapePercents, Hint: "percentages such as 50%, 50%",
			Doc: "expected shares, control first, for the sample-ratio check (default equal)"},
		{Name: "window", Shape: ShapeDuration, Hint: "a duration such as 7d (m, h, d or w)",
			Doc: "each unit's analysis window after its first exposure"},
		{Name: "window_policy", Shape: ShapeName, Words: []string{"partial", "complete"}, Default: "partial", Hint: "`partial` or `complete`",
			Doc: "`complete`: only units whose whole window the data covers; `partial` counts every unit"},
		{Name: "start", Shape: ShapeString, Hint: "a date string such as \"2026-10-01\"", Doc: "the first instant of data used (UTC)"},
		{Name: "end", Shape: ShapeString, Hint: "a date string such as \"2026-10-31\"", Doc: "the end of data used (exclusive, UTC)"},
		{Name: "primary", Shape: ShapeNames, Hint: "metric names separated by commas", Doc: "the metrics the decision rests on"},
		{Name: "secondary", Shape: ShapeNames, Hint: "metric names separated by commas", Doc: "further metrics, corrected for multiple testing"},
		{Name: "guardrail", Shape: ShapeGuardrail, Repeatable: true, Hint: "a metric, `within` and a percentage, such as latency within 2%",
			Doc: "a metric that must not get worse (in its bad direction) by more than X%: `guardrail M within X%`"},
		fAlpha,
		{Name: "correction", Shape: ShapeName, Words: []string{"holm", "bh", "bonferroni", "none"}, Default: "holm", Hint: "`holm`, `bh`, `bonferroni` or `none`",
			Doc: "multiple-testing correction over metrics × treatments"},
		{Name: "cuped", Shape: ShapeDuration, Hint: "a duration such as 14d (m, h, d or w)",
			Doc: "variance reduction with each metric's own value in the period this long before exposure"},
		{Name: "sequential", Shape: ShapeBool, Default: "false", Hint: "`true` or `false`",
			Doc: "always-valid (anytime) confidence intervals and p-values"},
		{Name: "sequential_tuning", Shape: ShapeNumber, Hint: "a sample size such as 5000 (N*, where the confidence sequence is tightest)",
			Doc: "the sample size at which the confidence sequence is tightest"},
		{Name: "segment", Shape: ShapeNames, Hint: "column names separated by commas",
			Doc: "unit attributes from the exposures: effects per segment, with a heterogeneity test"},
		{Name: "split", Shape: ShapeName, Hint: "a column name",
			Doc: "an attribute of the metric rows: each metric also per value, with each value's share of the lift"},
		{Name: "cluster", Shape: ShapeName, Hint: "a column name",
			Doc: "the randomization unit when coarser than `unit`: cluster-robust variance"},
		{Name: "factor", Shape: ShapeFactor, Repeatable: true,
			Hint: "a name, a column, `baseline` and a string, such as ranker rank_arm baseline \"v1\"",
			Doc:  "one component of a factorial design: `factor NAME C baseline \"v\"`, one line each"},
		{Name: "attribution", Shape: ShapeName, Words: []string{"shapley"}, Hint: "`shapley`",
			Doc: "with factors: split the combined effect between the components"},
		{Name: "timeline", Shape: ShapeName, Words: []string{"day", "week", "exposure_day", "exposure_week"},
			Hint: "`day`, `week`, `exposure_day` or `exposure_week`",
			Doc:  "effects per calendar period (`day`, `week`) or by exposure age (`exposure_day`, `exposure_week`, with the long-run fit)"},
		{Name: "relative_ci", Shape: ShapeName, Words: []string{"fieller", "delta"}, Default: "fieller", Hint: "`fieller` or `delta`",
			Doc: "how the relative interval is built (`fieller` agrees with the p-value)"},
		fLaunch,
	}},
	{Kind: KindBenchmark, Doc: "offline evaluation of ranking models on judged queries", Fields: []*FieldSpec{
		fTitle, fOwner, fDescription, fTags,
		{Name: "judgments", Shape: ShapeName, Required: true, Hint: "a source name", Doc: "the source of relevance judgments (qrels)"},
		{Name: "runs", Shape: ShapeName, Required: true, Hint: "a source name", Doc: "the source of the models' ranked runs"},
		column("query", "the query column, in judgments and runs"),
		column("item", "the judged and ranked item's column, in judgments and runs"),
		column("relevance", "the numeric relevance column of the judgments"),
		column("score", "the numeric score column of the runs (higher ranks first)"),
		column("model", "the runs' model column"),
		{Name: "baseline", Shape: ShapeString, Hint: "a string", Doc: "the model the others are compared with"},
		{Name: "metrics", Shape: ShapeMetricRefs, Hint: "offline metric names such as ndcg@10, mrr",
			Doc: "offline metrics with optional cutoffs, trec_eval's definitions: ndcg@10, recall@100, mrr, map, ..."},
		{Name: "test", Shape: ShapeName, Words: []string{"paired_t", "permutation", "bootstrap"}, Default: "paired_t", Hint: "`paired_t`, `permutation` or `bootstrap`",
			Doc: "the paired test over queries"},
		fAlpha,
		{Name: "missing_queries", Shape: ShapeName, Words: []string{"skip", "zero"}, Default: "skip", Hint: "`skip` or `zero`",
			Doc: "judged queries a model has no run for: left out, or scored 0"},
		fLaunch,
	}},
	{Kind: KindInterleaving, Doc: "which ranker users prefer, from sessions that showed one list merged from two rankers (team draft)", Fields: []*FieldSpec{
		fTitle, fOwner, fDescription, fTags,
		{Name: "rows", Shape: ShapeExposures, Required: true, Hint: "a source name, optionally followed by `where` and a condition",
			Doc: "the source of shown items, optionally filtered (`rows S where P`): one row per item, with the team (ranker) that contributed it"},
		column("unit", "the analysis unit column (a user): sessions of one unit are correlated"),
		column("session", "the session column: one merged list, compared as a win, a loss or a tie"),
		column("team", "the string column naming the ranker that contributed each row (empty or null: no credit)"),
		{Name: "position", Shape: ShapeName, Hint: "a column name",
			Doc: "the item's position in the list, for the first-position check (`require srm`); default: the rows' time column"},
		{Name: "baseline", Shape: ShapeString, Hint: "a string", Doc: "the baseline ranker's team value; every other value is a treatment"},
		{Name: "treatments", Shape: ShapeStrings, Hint: "strings such as \"a\", \"b\"",
			Doc: "only these treatments (sessions of other team values are counted, reported and left out)"},
		{Name: "credit", Shape: ShapeCredit, Required: true, Repeatable: true, Hint: "a name and a per-row expression, such as clicks clicked",
			Doc: "what each row earns its team: `credit NAME EXPR`, a bool or number per row, summed per session and team; one line each"},
		{Name: "test", Shape: ShapeName, Words: []string{"unit", "sign"}, Default: "unit", Hint: "`unit` or `sign`",
			Doc: "how the preference share is tested: `unit` (the delta method over units) or `sign` (the exact binomial test over sessions)"},
		fAlpha,
		{Name: "launch", Shape: ShapeLaunch,
			Hint: "{ require ... }, one requirement per `require`: srm, M preferred or M not worse",
			Doc:  "launch criteria, one `require` per line: `srm` (first positions balanced), `M preferred`, `M not worse`"},
	}},
	{Kind: KindCounterfactual, Doc: "what a new ranker would have earned, from decisions logged by a stochastic policy (off-policy evaluation)", Fields: []*FieldSpec{
		fTitle, fOwner, fDescription, fTags,
		{Name: "logs", Shape: ShapeName, Required: true, Hint: "a source name",
			Doc: "the source of logged decisions: one row per request, with the action shown, its propensity and the reward"},
		column("unit", "the analysis unit column of the logs (users): intervals are over units"),
		column("request", "the request column, in the logs and the candidates (a logged request id appears once)"),
		column("action", "the action (item) column, in the logs and the candidates"),
		column("propensity", "the logging policy's probability of the logged action (a float column of the logs)"),
		column("reward", "the numeric reward column of the logs"),
		{Name: "candidates", Shape: ShapeName, Required: true, Hint: "a source name",
			Doc: "the source of the models' scores: every candidate action of each request, per model"},
		column("model", "the candidates' model column"),
		column("score", "the candidates' numeric score column"),
		{Name: "policy", Shape: ShapePolicy, Default: "greedy", Hint: "`greedy`, or `softmax` and a temperature such as softmax 1.0",
			Doc: "how scores become action probabilities: `greedy` (the argmax, ties split evenly) or `softmax T` (exp(score/T) over the request's candidates)"},
		column("reward_model", "a numeric column of the candidates: the predicted reward of each request and action (needed by `dr`)"),
		{Name: "estimators", Shape: ShapeNames, Default: "ips, snips (and dr with reward_model)",
			Hint: "estimators separated by commas: ips, snips, dr",
			Doc:  "`ips` (inverse propensity scoring), `snips` (self-normalised) and `dr` (doubly robust, needs `reward_model`)"},
		{Name: "clip", Shape: ShapeNumber, Hint: "a number above 0 such as 50",
			Doc: "clip importance weights above this value (counted in the diagnostics); default no clipping"},
		fAlpha,
		{Name: "min_ess", Shape: ShapeNumber, Default: "100", Hint: "a number such as 100",
			Doc: "no launch decision for a model whose effective sample size is below this"},
		fLaunch,
	}},
	{Kind: KindRollout, Doc: "a launch without a holdout: groups (markets, surfaces) adopt a change at different times, and difference in differences estimates its effect", Fields: []*FieldSpec{
		fTitle, fOwner, fDescription, fTags,
		{Name: "rows", Shape: ShapeExposures, Required: true, Hint: "a source name, optionally followed by `where` and a condition",
			Doc: "the source of the panel's rows (it needs a time column), optionally filtered (`rows S where P`); metrics are computed per group and period from the rows kept"},
		column("group", "the group column (a market, a surface): the unit that adopts, and the cluster of every interval"),
		column("adopted", "the timestamp of the group's adoption (empty: never); the same on every row of a group"),
		{Name: "period", Shape: ShapeName, Words: []string{"day", "week"}, Default: "week", Hint: "`day` or `week`",
			Doc: "the panel's period: UTC days, or weeks from Monday 00:00 UTC; the period that holds the adoption instant is event time 0"},
		{Name: "pre", Shape: ShapeDuration, Required: true, Hint: "a duration of whole periods such as 8w",
			Doc: "the event times before adoption reported (placebos and the pre-trend test): -pre .. -1"},
		{Name: "post", Shape: ShapeDuration, Required: true, Hint: "a duration of whole periods such as 8w",
			Doc: "the event times after adoption reported and averaged into the overall effect: 0 .. post-1"},
		{Name: "comparison", Shape: ShapeName, Words: []string{"not_yet", "never"}, Default: "not_yet", Hint: "`not_yet` or `never`",
			Doc: "the comparison groups of each period: groups not yet treated, or groups never treated"},
		{Name: "primary", Shape: ShapeNames, Hint: "metric names separated by commas", Doc: "the metrics the decision rests on"},
		{Name: "secondary", Shape: ShapeNames, Hint: "metric names separated by commas", Doc: "further metrics, reported"},
		fAlpha,
		{Name: "launch", Shape: ShapeLaunch,
			Hint: "{ require ... }, one requirement per `require`: M improves, M within X% or M not worse",
			Doc:  "launch criteria, one `require` per line: `M improves`, `M within X%`, `M not worse`; a failed pre-trend test makes the outcome inconclusive"},
	}},
}

var (
	declByKind  = map[string]*DeclSpec{}
	fieldByName = map[string]*FieldSpec{}
)

func init() {
	for _, d := range Decls {
		declByKind[d.Kind] = d
		for _, f := range d.Fields {
			if _, ok := fieldByName[f.Name]; !ok {
				fieldByName[f.Name] = f
			}
		}
	}
}

// LookupDecl returns a declaration kind's spec.
func LookupDecl(kind string) (*DeclSpec, bool) {
	d, ok := declByKind[kind]
	return d, ok
}

// LookupField returns a kind's field.
func LookupField(kind, name string) (*FieldSpec, bool) {
	if d, ok := declByKind[kind]; ok {
		for _, f := range d.Fields {
			if f.Name == name {
				return f, true
			}
		}
	}
	return nil, false
}

// FieldNamed returns the field with the name in any kind (a field's name
// has one shape and hint in every kind that takes it).
func FieldNamed(name string) (*FieldSpec, bool) {
	f, ok := fieldByName[name]
	return f, ok
}

// IsField reports whether any kind takes a field with the name.
func IsField(name string) bool { _, ok := fieldByName[name]; return ok }

// FieldNames lists a kind's fields in canonical order.
func FieldNames(kind string) []string {
	d, ok := declByKind[kind]
	if !ok {
		return nil
	}
	out := make([]string, len(d.Fields))
	for i, f := range d.Fields {
		out[i] = f.Name
	}
	return out
}

// Allows reports whether a declaration kind takes a field.
func Allows(kind, field string) bool { _, ok := LookupField(kind, field); return ok }

// Words lists the words a kind's word field accepts (nil for a name).
func Words(kind, field string) []string {
	if f, ok := LookupField(kind, field); ok {
		return f.Words
	}
	return nil
}

// Kinds lists the declaration kinds.
func Kinds() []string {
	out := make([]string, len(Decls))
	for i, d := range Decls {
		out[i] = d.Kind
	}
	return out
}

// LanguageDoc renders the field tables as Markdown (docs/language.md).
func LanguageDoc() string {
	var b strings.Builder
	b.WriteString("# Declarations and their fields\n\n")
	b.WriteString("Generated from the field tables in `lang/ast/fields.go` (`UPDATE_GOLDEN=1 go test ./lang/ast` rewrites it);\n")
	b.WriteString("the language itself is described in the design's LANGUAGE.md.\n")
	for _, d := range Decls {
		b.WriteString("\n## " + d.Kind + "\n\n" + capitalize(d.Doc) + ".\n\n")
		b.WriteString("| field | value | meaning |\n|---|---|---|\n")
		for _, f := range d.Fields {
			var notes []string
			if f.Required {
				notes = append(notes, "required")
			}
			if f.Repeatable {
				notes = append(notes, "repeatable")
			}
			if f.Default != "" {
				notes = append(notes, "default `"+f.Default+"`")
			}
			if len(f.Words) > 0 {
				notes = append(notes, "one of "+wordList(f.Words))
			}
			doc := f.Doc
			if len(notes) > 0 {
				doc += " (" + strings.Join(notes, "; ") + ")"
			}
			b.WriteString("| `" + f.Name + "` | " + mdCell(f.Hint) + " | " + mdCell(doc) + " |\n")
		}
	}
	return b.String()
}

func wordList(ws []string) string {
	q := make([]string, len(ws))
	for i, w := range ws {
		q[i] = "`" + w + "`"
	}
	return strings.Join(q, ", ")
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// mdCell escapes a table cell's pipes.
func mdCell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
