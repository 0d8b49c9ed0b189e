package runtime

import (
	"github.com/caliper-dev/caliper/lang/model"
	"github.com/caliper-dev/caliper/runtime/stats"
)

// The model's typed choices, mapped to the statistics package's methods
// (runtime/stats imports no project package, so the mapping lives here;
// TestMethodsMapEveryChoice checks it is complete).
var (
	correctionMethods = map[model.Correction]stats.Correction{
		model.CorrectionHolm: stats.CorrectionHolm, model.CorrectionBH: stats.CorrectionBH,
		model.CorrectionBonferroni: stats.CorrectionBonferroni, model.CorrectionNone: stats.CorrectionNone,
	}
	relativeMethods = map[model.RelativeCI]stats.RelativeMethod{
		model.RelativeFieller: stats.Fieller, model.RelativeDelta: stats.DeltaMethod,
	}
	pairedMethods = map[model.PairedTest]stats.PairedMethod{
		model.PairedT: stats.PairedT, model.PairedPermutation: stats.Permutation, model.PairedBootstrap: stats.Bootstrap,
	}
)
