package runtime

import (
	"testing"

	"github.com/caliper-dev/caliper/lang/model"
)

// Every word of correction, relative_ci and a benchmark's test maps to the
// statistics method of the same name.
func TestMethodsMapEveryChoice(t *testing.T) {
	for _, w := range model.CorrectionWords {
		c, _ := model.ParseCorrection(w)
		if m, ok := correctionMethods[c]; !ok || m.String() != w {
			t.Errorf("correction %s maps to %v (%v)", w, m, ok)
		}
	}
	for _, w := range model.RelativeCIWords {
		r, _ := model.ParseRelativeCI(w)
		if m, ok := relativeMethods[r]; !ok || m.String() != w {
			t.Errorf("relative_ci %s maps to %v (%v)", w, m, ok)
		}
	}
	for _, w := range model.PairedTestWords {
		p, _ := model.ParsePairedTest(w)
		if m, ok := pairedMethods[p]; !ok || m.String() != w {
			t.Errorf("test %s maps to %v (%v)", w, m, ok)
		}
	}
}
