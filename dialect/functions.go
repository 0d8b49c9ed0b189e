package dialect

// FunctionsUsed lists, per dialect name, every SQL function that Caliper's
// SQL calls in that dialect (aggregates, window and table functions,
// scalars; not syntax such as CAST, EXTRACT's FROM or FILTER), lower case.
// It is data for review and for the tests: dialect/functions_test.go checks
// that the dialect corpus (testdata/dialects/<name>.sql) calls exactly
// these, and that each is among the engine's documented function names
// (dialect/testdata/documented/<name>.txt, each with its source URL).
// Compiling for a warehouse therefore uses only functions its
// documentation names; a new spelling in a dialect fails the test until it
// is listed here and found in the engine's documentation.
var FunctionsUsed = map[string][]string{
	"spark": {
		"any_value", "avg", "bool_or", "ceil", "coalesce", "count", "dayofweek", "explode", "extract",
		"floor", "greatest", "grouping", "instr", "least", "lower", "max", "min", "min_by", "percentile",
		"row_number", "sequence", "sqrt", "startswith", "sum", "unix_micros",
	},
	"trino": {
		"arbitrary", "avg", "bool_or", "ceil", "coalesce", "count", "date_diff", "day_of_week", "extract",
		"floor", "greatest", "grouping", "least", "lower", "max", "min", "min_by", "row_number", "sequence",
		"sqrt", "starts_with", "strpos", "sum",
	},
	"bigquery": {
		"any_value", "avg", "ceil", "coalesce", "count", "extract", "floor", "generate_array", "greatest",
		"grouping", "least", "logical_or", "lower", "max", "min", "min_by", "row_number", "sqrt",
		"starts_with", "strpos", "sum", "timestamp_add", "timestamp_diff",
	},
	"snowflake": {
		"any_value", "array_generate_range", "avg", "boolor_agg", "ceil", "coalesce", "contains", "count",
		"dateadd", "datediff", "dayofweekiso", "extract", "flatten", "floor", "greatest", "grouping",
		"least", "lower", "max", "min", "min_by", "mod", "percentile_cont", "row_number", "sqrt",
		"startswith", "sum",
	},
}
