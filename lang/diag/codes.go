package diag

// Code is a stable diagnostic code. Codes are never renumbered; a retired
// code stays reserved. Every code has an entry in Catalog (catalog.go),
// from which docs/errors.md is generated.
type Code string

// Syntax (E01xx).
const (
	ESyntax        Code = "E0101" // unexpected token
	EUnterminated  Code = "E0102" // unterminated string
	EBadToken      Code = "E0103" // character that starts no token
	EUnknownField  Code = "E0104" // field name not known for the declaration
	EBadEscape     Code = "E0105" // bad escape in a string
	ETooDeep       Code = "E0106" // expression nested too deeply
	EUnknownDecl   Code = "E0107" // top-level word that starts no declaration
	EDuplicateFld  Code = "E0108" // field given twice
	EFieldNotHere  Code = "E0109" // field not allowed in this kind of declaration
	EMissingField  Code = "E0110" // required field missing
	EBadValue      Code = "E0111" // a field's value is out of range or not one of the allowed words
	ENotSupported  Code = "E0112" // valid syntax this version does not execute yet
	EFileRead      Code = "E0113" // spec file could not be read
	ENoSpecs       Code = "E0114" // no .cal files in a folder
	EControlChar   Code = "E0115" // control character in a name, string or comment
	EDuplicateName Code = "E0201" // two declarations with one name
	EUnknownName   Code = "E0202" // name resolves to nothing
	EWrongKind     Code = "E0203" // name resolves to the wrong kind of declaration
	ECycle         Code = "E0204" // metrics refer to each other in a cycle
)

// Types (E03xx).
const (
	EUnknownColumn Code = "E0301" // column not declared in the source
	ETypeMismatch  Code = "E0302" // operand types do not fit
	EUnknownFunc   Code = "E0303" // function not in the standard library
	EArgCount      Code = "E0304" // wrong number of arguments
	EArgType       Code = "E0305" // argument of the wrong type
	EAggregateCtx  Code = "E0306" // aggregate where a row value is needed, or the reverse
	EMetricShape   Code = "E0307" // value is not a mean, proportion, ratio or quantile
	EUnknownType   Code = "E0308" // column type is not one of string int float bool timestamp date
	EMixedSources  Code = "E0309" // one aggregate reads columns of two sources
	ENotBoolean    Code = "E0310" // a filter that is not boolean
)

// Experiments and data (E04xx, E05xx).
const (
	EUnitColumn   Code = "E0401" // unit column missing or of different types
	ENoTime       Code = "E0402" // window or time-based feature on a source without time
	EDuplicateUse Code = "E0403" // metric listed twice in one experiment
	EDataRead     Code = "E0501" // data file missing or unreadable
	EDataColumn   Code = "E0502" // declared column missing from the data
	EDataType     Code = "E0503" // declared column has an incompatible type in the data
	EQuery        Code = "E0504" // the engine rejected a query
	EPathOutside  Code = "E0505" // a reader's path leaves the spec folder's tree and the data roots
	ENotAQuery    Code = "E0506" // a sql source is not exactly one read-only SELECT or WITH query
	ELimit        Code = "E0507" // a spec exceeds a work limit (metrics, periods, rows, expression size)
	EDataVariant  Code = "E0510" // control or treatment not among the exposures' variants, or no treatment
	EDataEmpty    Code = "E0511" // the (filtered) exposures have no rows
)

// Interleavings (E042x).
const (
	ECredit     Code = "E0420" // a credit that is not a per-row bool or number, declared twice, or srm on unordered rows
	ETeamColumn Code = "E0421" // team column not a string, or a team value that cannot be one (baseline among treatments, empty)
)

// Counterfactuals (E043x).
const (
	ECfColumnType  Code = "E0430" // a counterfactual column of the wrong type (propensity not float, reward or score not numeric, ...)
	ECfRewardModel Code = "E0431" // the dr estimator without a reward_model
	ECfPolicy      Code = "E0432" // a policy that is not greedy or softmax with a temperature above 0
)

// Rollouts (E044x).
const (
	ERolloutTime   Code = "E0440" // rows without a time column, adopted not a timestamp, pre/post not whole periods
	ERolloutMetric Code = "E0441" // a rollout metric that reads another source than its rows, or is a quantile
)

// Warnings (W0xxx).
const (
	WUnusedSource   Code = "W0001" // source used by nothing
	WNoOwner        Code = "W0002" // metric without an owner
	WNoDescription  Code = "W0003" // primary metric without a description
	WNoDirection    Code = "W0004" // guardrail metric whose direction is not declared
	WNoWindow       Code = "W0005" // experiment without a window
	WClusterLike    Code = "W0006" // data suggest a coarser randomization unit
	WWindowPastData Code = "W0007" // windows or end run past the last timestamp in the data
	WLongTimeline   Code = "W0008" // a timeline spans more periods than its stated maximum (below the hard cap)
	WOtherTeams     Code = "W0020" // interleaved sessions left out: other team values, several treatments, or no treatment
	WRolloutData    Code = "W0040" // a rollout's data: few groups, failed pre-trends, adoption outside the data, groups left out
)
