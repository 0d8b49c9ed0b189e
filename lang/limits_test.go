package lang_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/caliper-dev/caliper/lang"
	"github.com/caliper-dev/caliper/lang/check"
	"github.com/caliper-dev/caliper/lang/diag"
)

const limitsBase = `source events {
  from csv("events.csv")
  columns { user_id string  event string }
}

metric a {
  owner "t"
  value count(events where event == "save")
}
`

// sumOf is a metric value of n terms: base + a + a + ... (n-1 new nodes).
func sumOf(base string, n int) string {
	return base + strings.Repeat(" + a", n)
}

// A metric whose value, with the metrics it refers to each counted once,
// has more terms than check.MaxExpandedSize is refused at its value,
// naming the limit; shared references count once, so a chain of metrics
// that each add fewer terms stays below it.
func TestExpressionSizeLimit(t *testing.T) {
	const part = 9000 // below syntax.MaxOperators per declaration
	var b strings.Builder
	b.WriteString(limitsBase)
	prev := "a"
	for i := 1; i <= 3; i++ {
		fmt.Fprintf(&b, "\nmetric b%d {\n  owner \"t\"\n  value %s\n}\n", i, sumOf(prev, part))
		prev = fmt.Sprintf("b%d", i)
	}
	res := lang.LoadSource("limits.cal", b.String())
	var limits []*diag.Diagnostic
	for _, d := range res.Diags {
		if d.Code == diag.ELimit {
			limits = append(limits, d)
		}
	}
	// b1 has 9,001 terms and b2 18,001, below 20,000; b3 has 27,001.
	if len(limits) != 1 || !strings.Contains(limits[0].Message, "metric `b3`") ||
		!strings.Contains(limits[0].Message, fmt.Sprintf("limit: expression size, %d", check.MaxExpandedSize)) {
		t.Fatalf("want one E0507 on b3 naming the limit, got %v", res.Diags)
	}
	if limits[0].Span.Start.Line != 23 {
		t.Errorf("the error is at %s, want b3's value (line 23)", limits[0].Span)
	}
}

// A chain of doubling references (written out, 2^40 terms) is 41 terms.
func TestChainOfReferencesChecks(t *testing.T) {
	var b strings.Builder
	b.WriteString(limitsBase)
	prev := "a"
	for i := 1; i <= 40; i++ {
		fmt.Fprintf(&b, "\nmetric c%d {\n  owner \"t\"\n  value %s + %s\n}\n", i, prev, prev)
		prev = fmt.Sprintf("c%d", i)
	}
	res := lang.LoadSource("chain.cal", b.String())
	if res.Diags.HasErrors() {
		t.Fatalf("a chain of references is refused: %v", res.Diags.Err())
	}
}
