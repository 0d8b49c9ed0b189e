package runtime

import (
	"fmt"
	"sort"
	"strings"

	"github.com/caliper-dev/caliper/lang/model"
)

// StatsMismatch compares a statistics file (its header and its variant
// values) with the result of experiment e's query, whose columns are want:
// one line per problem (every missing column, every extra column, every
// variant the experiment does not have, a missing control), none when the
// file fits. A file from another experiment or another version of the
// spec is refused rather than read with missing columns as zeros.
func StatsMismatch(e *model.Experiment, want []ResultColumn, have, variants []string) []string {
	var out []string
	wantSet, haveSet := map[string]bool{}, map[string]bool{}
	for _, c := range want {
		wantSet[c.Name] = true
	}
	for _, c := range have {
		haveSet[c] = true
	}
	var missing, extra []string
	for _, c := range want {
		if !haveSet[c.Name] {
			missing = append(missing, c.Name)
		}
	}
	for _, c := range have {
		if !wantSet[c] {
			extra = append(extra, c)
		}
	}
	if len(missing) > 0 {
		out = append(out, fmt.Sprintf("missing %d of the query's %d columns: %s", len(missing), len(want), strings.Join(missing, ", ")))
	}
	if len(extra) > 0 {
		out = append(out, fmt.Sprintf("%d column(s) the query does not return: %s", len(extra), strings.Join(extra, ", ")))
	}
	if e.Factorial() || len(variants) == 0 {
		return out
	}
	seen := map[string]bool{}
	for _, v := range variants {
		seen[v] = true
	}
	if e.Control != "" && !seen[e.Control] {
		out = append(out, fmt.Sprintf("no row for the control %q", e.Control))
	}
	if len(e.Treatments) > 0 {
		known := map[string]bool{e.Control: true}
		for _, t := range e.Treatments {
			known[t] = true
		}
		var unknown []string
		for v := range seen {
			if !known[v] {
				unknown = append(unknown, fmt.Sprintf("%q", v))
			}
		}
		sort.Strings(unknown)
		if len(unknown) > 0 {
			var ts []string
			for _, t := range e.Treatments {
				ts = append(ts, fmt.Sprintf("%q", t))
			}
			out = append(out, fmt.Sprintf("variant(s) %s are not the experiment's (control %q, treatments %s)", strings.Join(unknown, ", "), e.Control, strings.Join(ts, ", ")))
		}
	}
	return out
}
