package diag

// Info documents one code: the catalogue behind docs/errors.md and the
// rules of SARIF output.
type Info struct {
	Code     Code
	Severity Severity
	// Name is a stable kebab-case name (SARIF rule name).
	Name string
	// Summary is one line: what the code reports.
	Summary string
	// Help says how to fix it.
	Help string
	// Example is a rendered diagnostic, for codes that no spec file in
	// testdata/diagnostics can show (missing files, failing queries).
	// Other codes take their example from those files.
	Example string
}

// Catalog is every code, in code order. TestCatalog checks it against the
// constants in codes.go; docs/errors.md is generated from it.
var Catalog = []Info{
	{Code: ESyntax, Name: "syntax", Summary: "The text does not follow the grammar: a token is missing or out of place.",
		Help: "The message says what was found and what may come next; an unclosed bracket is reported where its closing bracket belongs, with a note at the opening one."},
	{Code: EUnterminated, Name: "unterminated-string", Summary: "A string is not closed on its line.",
		Help: "Close it with `\"` on the same line. Text over several lines (SQL) goes in a raw string `\"\"\"...\"\"\"`."},
	{Code: EBadToken, Name: "bad-character", Summary: "A character that starts no token, such as `=`, `&&`, `'` or `;`.",
		Help: "Compare with `==`, combine conditions with `and`/`or`, quote strings with `\"`; fields are `key value` with no `:`, `=` or `;`."},
	{Code: EUnknownField, Name: "unknown-field", Summary: "A word where a field belongs is not a field name.",
		Help: "Check the spelling against the fields of the declaration (the hint suggests the closest). A word after a list may be a missing comma."},
	{Code: EBadEscape, Name: "bad-escape", Summary: "A string holds an escape other than `\\\"`, `\\\\`, `\\n` or `\\t`.",
		Help: "Double the backslash, or use a raw string `\"\"\"...\"\"\"`, whose text is taken as written."},
	{Code: ETooDeep, Name: "too-deep", Summary: "An expression nests more than 100 levels (brackets, or runs of `not`/`-`), or a declaration has more than 10,000 operators.",
		Help: "Split the expression into several metrics; such input is refused before parsing so that no stage can exhaust its stack."},
	{Code: EUnknownDecl, Name: "unknown-declaration", Summary: "Top-level text that starts no declaration.",
		Help: "A file holds `source`, `metric`, `experiment` and `benchmark` declarations; the hint suggests the closest keyword. A stray `}` closes nothing."},
	{Code: EDuplicateFld, Name: "duplicate-field", Summary: "A field is given twice in one declaration.",
		Help: "Keep one. Only `guardrail` and `factor` may repeat."},
	{Code: EFieldNotHere, Name: "field-not-allowed", Summary: "A known field that this kind of declaration does not take (a `window` on a metric).",
		Help: "Move it to the declaration it belongs to, or remove it; the hint lists the fields this kind takes."},
	{Code: EMissingField, Name: "missing-field", Summary: "A required field is missing (a metric's `value`, a source's `from`, an experiment's `exposures`, `unit`, ...).",
		Help: "Add the field; the hint shows its form."},
	{Code: EBadValue, Name: "bad-value", Summary: "A field's value has the wrong form, is out of range, or is not one of the allowed words.",
		Help: "The message says what the field takes (a duration such as 7d, a percentage, `increase` or `decrease`, ...) and what was found."},
	{Code: ENotSupported, Name: "not-supported", Summary: "Valid syntax of the language contract that this version does not execute yet.",
		Help: "Remove the field to run without it; the message names the capability that will bring it."},
	{Code: EFileRead, Name: "file-read", Summary: "A spec path or file could not be read.",
		Help:    "Check the path given on the command line.",
		Example: "error[E0113]: stat specs/homefed: no such file or directory\n --> specs/homefed\n"},
	{Code: ENoSpecs, Name: "no-specs", Summary: "A folder holds no `.cal` files.",
		Help:    "Pass a folder with spec files, or one `.cal` file. Subfolders are separate namespaces and are not read.",
		Example: "error[E0114]: no .cal files in specs\n --> specs\n"},
	{Code: EControlChar, Name: "control-character", Summary: "A name, string or comment holds a control character (carriage return, escape, ...), a bidirectional mark or a byte that is not UTF-8.",
		Help: "Remove it. A spec is printable text: such a character in a name could end the SQL comment the name is printed in, or drive the terminal a diagnostic is shown on. Strings may hold tabs, raw strings line breaks; write a line break in a string as `\\n`."},
	{Code: EDuplicateName, Name: "duplicate-name", Summary: "Two declarations (or two columns of a source) share a name.",
		Help: "Names of sources, metrics, experiments and benchmarks are unique in a folder, which is one namespace; a note shows the first declaration."},
	{Code: EUnknownName, Name: "unknown-name", Summary: "A name resolves to no declaration of the kind wanted.",
		Help: "Check the spelling (the hint suggests the closest name); names resolve across every `.cal` file of the folder."},
	{Code: EWrongKind, Name: "wrong-kind", Summary: "A name resolves to a declaration of another kind (a source where a metric is wanted).",
		Help: "Use a name of the kind the field takes; a note shows the declaration found."},
	{Code: ECycle, Name: "cycle", Summary: "Metrics refer to each other in a cycle through their values.",
		Help: "A metric's value may build on other metrics, but not on itself."},
	{Code: EUnknownColumn, Name: "unknown-column", Summary: "A column that the source does not declare.",
		Help: "Check the spelling (the hint suggests the closest column), or declare the column in the source's `columns`."},
	{Code: ETypeMismatch, Name: "type-mismatch", Summary: "Operand types do not fit: a string compared with a number, `not` of a number, a non-temporal time column.",
		Help: "Types never mix silently; compare a column with a value of its own type."},
	{Code: EUnknownFunc, Name: "unknown-function", Summary: "A function or reader that is not in the standard library.",
		Help: "Check the spelling; the hint suggests the closest name or lists the readers."},
	{Code: EArgCount, Name: "argument-count", Summary: "A function, aggregate or reader is called with the wrong number of arguments.",
		Help: "The message gives the number it takes."},
	{Code: EArgType, Name: "argument-type", Summary: "An argument of the wrong type or form (a column where a source is wanted, a string summed, a quantile level outside (0, 1)).",
		Help: "The message says what the argument must be, with an example."},
	{Code: EAggregateCtx, Name: "aggregate-context", Summary: "An aggregate where a row value is needed, or a row value where a per-unit value is needed.",
		Help: "Metric values are built from per-unit aggregates such as count(events where ...); inside an aggregate and its `where`, use the source's columns."},
	{Code: EMetricShape, Name: "metric-shape", Summary: "A value that is not a mean, proportion, ratio or quantile metric (a division inside an expression, a quantile inside another value).",
		Help: "Division and quantile(...) must be the whole metric value; define them as their own metric."},
	{Code: EUnknownType, Name: "unknown-type", Summary: "A column type other than string, int, float, bool, timestamp or date.",
		Help: "Use one of the column types; the hint suggests the closest."},
	{Code: EMixedSources, Name: "mixed-sources", Summary: "One aggregate reads columns of two sources.",
		Help: "An aggregate and its `where` read one source; define one metric per source and combine them."},
	{Code: ENotBoolean, Name: "not-boolean", Summary: "A `where` condition that is not boolean.",
		Help: "Compare a column, for example event == \"save\"."},
	{Code: EUnitColumn, Name: "unit-column", Summary: "The experiment's unit column is missing from a source its metrics read, or has another type there; or a rollout's group column is a float or a time.",
		Help: "Every metric's source needs the unit column, with the same type as in the exposures."},
	{Code: ENoTime, Name: "no-time", Summary: "A window (or other time-based feature) on a source without a `time` column.",
		Help: "Add `time ts` to the source, or remove the window."},
	{Code: EDuplicateUse, Name: "duplicate-use", Summary: "A metric is listed twice in one experiment.",
		Help: "Give each metric one role: primary, secondary or guardrail."},
	{Code: ECredit, Name: "interleaving-credit", Summary: "An interleaving's credit is not a bool or a number per row, or is declared twice; or `require srm` on rows that cannot be ordered; or a credit is NULL on rows compared (reported by `caliper run`).",
		Help: "A credit is what one shown item earns the team that contributed it: a column or row expression that is a bool (a click) or a number (dwell seconds), no aggregate. The first-position check needs a `position` column or a time column on the rows' source."},
	{Code: ETeamColumn, Name: "interleaving-team", Summary: "An interleaving's team column is not a string, or a team value cannot name a ranker (the baseline listed as a treatment, an empty value).",
		Help: "Declare the team column as a string of ranker names; the baseline is one value, every treatment another. Rows with an empty or null team (items both rankers proposed) earn no credit."},
	{Code: ECfColumnType, Name: "counterfactual-column-type", Summary: "A counterfactual's column has the wrong type: the propensity is not a float, the reward, score or reward model is not numeric, or the request or action column has another type in the candidates than in the logs.",
		Help: "Propensities are probabilities (float); rewards and scores are numbers. Request and action ids join the logs to the candidates, so they must have one type in both sources."},
	{Code: ECfRewardModel, Name: "dr-needs-reward-model", Summary: "The doubly robust estimator `dr` is asked for without a `reward_model`.",
		Help: "Name the candidates' column of predicted rewards (`reward_model predicted`), or drop `dr` from `estimators`."},
	{Code: ECfPolicy, Name: "counterfactual-policy", Summary: "A counterfactual's `policy` is not `greedy` or `softmax T` with a temperature T above 0.",
		Help: "`greedy` takes the highest score (ties split evenly); `softmax 1.0` takes each candidate with probability exp(score/T) over the request's sum."},
	{Code: ERolloutTime, Name: "rollout-time", Summary: "A rollout's periods cannot be formed: its rows have no time column, `adopted` is not a timestamp or date, or `pre`/`post` is not a whole number of periods.",
		Help: "Declare `time C` on the rows' source, make the adoption column a timestamp (empty for groups that never adopt), and give `pre` and `post` in whole periods (8w with `period week`)."},
	{Code: ERolloutMetric, Name: "rollout-metric", Summary: "A rollout's metric cannot be computed per group and period: it reads another source than the rollout's rows, or it is a quantile.",
		Help: "Metrics of a rollout aggregate the rows of its `rows` source per group and period (sums, counts, ratios of them)."},
	{Code: EDataRead, Name: "data-read", Summary: "A source's data file is missing or unreadable (reported by `caliper run`).",
		Help: "Paths in specs are relative to the spec file that holds them."},
	{Code: EDataColumn, Name: "data-column", Summary: "A declared column is missing from the data (reported by `caliper run`).",
		Help: "The hint lists the data's columns; fix the declaration or the data."},
	{Code: EDataType, Name: "data-type", Summary: "A declared column has values of another type in the data (reported by `caliper run`).",
		Help: "The message shows a value that does not fit; fix the declared type or the data."},
	{Code: EQuery, Name: "query", Summary: "The engine rejected a compiled query (reported by `caliper run`).",
		Help:    "This is usually a bug in Caliper: please report it with the spec and `caliper compile` output.",
		Example: "error[E0504]: Binder Error: Referenced column \"ts\" not found in FROM clause!\n --> specs/experiments.cal:4:12\n  |\n4 | experiment hf_ranker_v2 {\n  |            ^^^^^^^^^^^^\n"},
	{Code: EPathOutside, Name: "path-outside-tree", Summary: "A file reader's path leaves the spec folder's tree: an absolute path, a `..` that climbs out, a symbolic link or a glob match outside it.",
		Help: "A spec is data and reads only inside its own folder's tree. Move the data there, or grant the directory on the command line: `--data-root DIR` (repeatable) or the `CALIPER_DATA_ROOT` path list. A spec cannot grant itself access. See SECURITY.md."},
	{Code: ENotAQuery, Name: "sql-not-a-query", Summary: "A `sql` source is not exactly one read-only SELECT or WITH query: it holds `;`, another statement (COPY, ATTACH, SET, INSTALL, PRAGMA, ...), a data-modifying keyword, or unbalanced brackets.",
		Help: "Keep one query that only reads. `caliper check` tests the text lexically; `caliper run` and `caliper compile --engine` also parse it with the engine's own parser before anything runs."},
	{Code: ELimit, Name: "limit-exceeded", Summary: "A spec asks for more work than Caliper's limits allow: metrics per experiment, compiled expression size, timeline periods or result rows.",
		Help:    "The message names the limit and its value. Split the experiment, or simplify the metric; the limits keep an untrusted spec from exhausting memory or time (SECURITY.md). Metric references count once however often they are used: they compile to one shared column.",
		Example: "error[E0507]: experiment `checkout` uses 612 metrics; at most 500 are allowed (limit: metrics per experiment)\n   --> specs/exp.cal:509:14\n    |\n509 |   secondary  m500\n    |              ^^^^\n    = help: split the metrics over several experiments on the same exposures\n"},
	{Code: EDataVariant, Name: "data-variant", Summary: "The control or a named treatment is not a variant of the exposures, or there is no treatment; for an interleaving, the baseline or a listed treatment is not a team value of the rows; for a rollout, no group adopts inside the data or none is left to compare with (reported by `caliper run`, before any statistics).",
		Help:    "A mistyped variant would otherwise be analysed as an empty arm or as a treatment, with a confident but wrong verdict. The message lists the variants the exposures have, with the closest one.",
		Example: "error[E0510]: experiment `checkout`: the control \"ctrl\" is not a value of `variant` in the exposures\n --> specs/exp.cal:5:14\n  |\n5 |   control    \"ctrl\"\n  |              ^^^^^^\n  = help: did you mean \"control\"? the exposures have \"control\" (10 units), \"treatment\" (10 units)\n"},
	{Code: EDataEmpty, Name: "data-empty", Summary: "The exposures, after the experiment's `where`, have no rows; for a rollout, its rows span one period or fewer than two groups; for a counterfactual, logged rows lack a value or have a propensity outside (0, 1], or no candidate row matches a logged request (reported by `caliper run`, before any statistics).",
		Help:    "The message lists the most frequent values of the columns the filter reads, so a misspelt experiment name shows next to the real ones.",
		Example: "error[E0511]: experiment `checkout`: no exposure row matches the filter\n --> specs/exp.cal:2:31\n  |\n2 |   exposures  exposures where experiment == \"checkout_v3\"\n  |                               ^^^^^^^^^^^^^^^^^^^^^^^^^^^\n  = help: the most frequent values of `experiment`: \"checkout_v2\" (40 rows)\n"},
	{Code: WUnusedSource, Severity: Warning, Name: "unused-source", Summary: "A source that no metric or experiment reads.",
		Help: "Remove it, or use it. Like every warning, it is reported only when the folder has no errors."},
	{Code: WNoOwner, Severity: Warning, Name: "no-owner", Summary: "A metric without an `owner`.",
		Help: "Say who answers for the metric: owner \"homefeed-ds\"."},
	{Code: WNoDescription, Severity: Warning, Name: "no-description", Summary: "A metric that is some experiment's primary metric has no `description`.",
		Help: "A primary metric decides launches; say what it measures. Other metrics may go without one."},
	{Code: WNoDirection, Severity: Warning, Name: "no-direction", Summary: "A guardrail metric whose `direction` is not declared.",
		Help: "A guardrail fails when its metric gets worse, and `direction` says which way is worse; the default (increase is good) is easy to get wrong for costs and latencies, so a guardrail's metric declares it."},
	{Code: WNoWindow, Severity: Warning, Name: "no-window", Summary: "An experiment without a `window`.",
		Help: "Without a window each unit counts from its first exposure to the end of the data, so early units weigh more; give a per-unit window such as `window 7d`."},
	{Code: WClusterLike, Severity: Warning, Name: "cluster-like", Summary: "The data suggest the units were randomized in groups, but the experiment has no `cluster`.",
		Help:    "When every value of an exposure column (a household, a store) holds several units and all of them got the same variant, the randomization unit is that column: analyse with `cluster C`, or the standard errors are too small. Found at run time, from the exposures.",
		Example: "warning[W0006]: units of experiment `households` share values of `household` (40 of them, 38 with several units), and each value has one variant: it looks randomized by `household`\n --> specs/exp.cal:3:14\n  |\n3 |   unit       unit\n  |              ^^^^\n  = help: add `cluster household`, so standard errors account for units randomized together\n"},
	{Code: WWindowPastData, Severity: Warning, Name: "window-past-data", Summary: "Some units' analysis windows (or the experiment's `end`) run past the last timestamp in the data.",
		Help:    "Those units are analysed over part of their window, which biases metrics that accumulate over time. The warning gives their number and share, and the report's `coverage` has them; add `window_policy complete` to analyse only units whose whole window is observed, or wait for more data. Found at run time.",
		Example: "warning[W0007]: experiment `homefeed_holdout`: the window runs past the data for 2879 of 2939 units (98.0%); the data end at 2026-10-28 23:59:09\n  --> holdout/holdout.cal:64:14\n   |\n64 |   window     28d\n   |              ^^^\n   = help: those units are analysed over part of their window: add `window_policy complete` to analyse only units whose whole window is observed, or wait for more data\n"},
	{Code: WLongTimeline, Severity: Warning, Name: "long-timeline", Summary: "A timeline spans more periods (days, weeks or exposure ages) than its stated maximum, 400; beyond 1,000 periods (500 exposure ages) the run is refused (E0507).",
		Help:    "A far-off date in the data (a sentinel such as 2999-12-31 or 1970-01-01) stretches the timeline from the first exposure to the last time in the data. Filter such rows out, set the experiment's `end` or a window, or use a coarser timeline. Found at run time.",
		Example: "warning[W0008]: experiment `checkout`: the timeline spans 731 day periods, more than 400 (hard limit: 1000)\n  --> specs/exp.cal:9:3\n  |\n9 |   timeline   day\n  |   ^^^^^^^^^^^^^^^\n  = help: a far-off date in the data stretches the timeline: check the data's first and last times, set the experiment's `end`, or use `timeline week`\n"},
	{Code: WOtherTeams, Severity: Warning, Name: "interleaving-left-out", Summary: "Some interleaved sessions are left out: they compare the baseline with a team value that is not a listed treatment, with several treatments, or hold the baseline's items only.",
		Help:    "A session compares the baseline with one treatment. The counts per reason (and per team value) are in the result's `left_out`; list the rankers compared with `treatments`, or check the team column's values.",
		Example: "warning[W0020]: interleaving `hf_ranker_v3_il`: sessions left out of the comparison: 12 against team \"v4\"\n  --> interleaving/ranker.cal:30:14\n   |\n30 |   treatments \"v3\"\n   |              ^^^^\n   = help: a session compares the baseline with one treatment; list the compared rankers with `treatments` (other teams' sessions are counted in the results' left_out)\n"},
	{Code: WRolloutData, Severity: Warning, Name: "rollout-data", Summary: "A rollout's data limit what difference in differences can say: fewer than 10 groups, a failed pre-trend test, groups adopting outside the data, or groups left out (missing periods, an adoption instant that differs between a group's rows).",
		Help:    "With few groups read the wild bootstrap intervals; a failed pre-trend test means the groups were not on parallel trends before adopting (the launch outcome is then inconclusive); a group needs a value in every period and one adoption instant.",
		Example: "warning[W0040]: rollout `fm_v3_markets`, metric `market_saves_per_session`: the pre-trend test fails (p = 0.002): groups were not on parallel trends before adopting, and the effect is not credible\n  --> rollout/rollout.cal:20:9\n   |\n20 | rollout fm_v3_markets {\n   |         ^^^^^^^^^^^^^\n"},
}

// Lookup returns the catalogue entry of a code.
func Lookup(c Code) (Info, bool) {
	for _, in := range Catalog {
		if in.Code == c {
			return in, true
		}
	}
	return Info{}, false
}
