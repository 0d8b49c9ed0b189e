package report

import res "github.com/caliper-dev/caliper/runtime/result"

// The renderers read the result types of runtime/result; these aliases
// name them briefly inside this package. They are the same types, not
// copies: runtime/result is where they are defined and documented.
type (
	Report        = res.Report
	Target        = res.Target
	Coverage      = res.Coverage
	Decision      = res.Decision
	SRM           = res.SRM
	Result        = res.Result
	Cuped         = res.Cuped
	Heterogeneity = res.Heterogeneity
	Arm           = res.Arm
	Effect        = res.Effect
	Num           = res.Num
	Decomposition = res.Decomposition
	FactorLift    = res.FactorLift
	FactorInfo    = res.FactorInfo
	Cell          = res.Cell
	Term          = res.Term
	SplitShares   = res.SplitShares
	SplitPart     = res.SplitPart
	LongRun       = res.LongRun
	Score         = res.Score
	BenchResult   = res.BenchResult
	QueryScore    = res.QueryScore
	Bench         = res.Bench
	Power         = res.Power
	PowerEntry    = res.PowerEntry
)

// Launch outcomes, as in runtime/result.
const (
	Ship         = res.Ship
	NoShip       = res.NoShip
	Inconclusive = res.Inconclusive
	Invalid      = res.Invalid
)

// Round and NumPtr are runtime/result's, for the renderers.
var (
	Round  = res.Round
	NumPtr = res.NumPtr
)

// kindInterleaving is an interleaving target's Kind.
const kindInterleaving = res.KindInterleaving
