package lang

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/caliper-dev/caliper/internal/golden"
	"github.com/caliper-dev/caliper/internal/testref"
	"github.com/caliper-dev/caliper/lang/diag"
	"github.com/caliper-dev/caliper/lang/syntax"
)

const contractHeader = "// Every code block of shared/design/LANGUAGE.md, in order (the language\n// contract). TestLanguageContract checks it stays equal to the document.\n\n"

// pending lists the contract's examples whose feature is not built yet,
// each with its open issue. Their blocks must still fail to check (so the
// list cannot go stale: once a feature lands, this test says to remove its
// entry); every other block must check without an error.
var pending = []struct{ pattern, issue string }{}

const blockMarker = "// --- LANGUAGE.md block "

// Every example of LANGUAGE.md, all blocks together in one namespace,
// parses and checks without an error (warnings, such as the contract's
// unused warehouse sources, are fine), except the blocks of features still
// pending, which must fail.
func TestLanguageContract(t *testing.T) {
	text, err := os.ReadFile("../testdata/language/contract.cal")
	if err != nil {
		t.Fatal(err)
	}
	// Line ranges of the blocks, from their markers.
	type block struct {
		first, last int
		pending     string
		errors      int
	}
	var blocks []*block
	lines := strings.Split(string(text), "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, blockMarker) {
			if n := len(blocks); n > 0 {
				blocks[n-1].last = i
			}
			blocks = append(blocks, &block{first: i + 1, last: len(lines)})
		}
	}
	if len(blocks) == 0 {
		t.Fatal("contract.cal has no block markers; regenerate it with UPDATE_GOLDEN=1")
	}
	for _, b := range blocks {
		body := strings.Join(lines[b.first-1:b.last], "\n")
		for _, p := range pending {
			if regexp.MustCompile(p.pattern).MatchString(body) {
				b.pending = p.issue
			}
		}
	}
	res := LoadSource("contract.cal", string(text))
	for _, d := range res.Diags {
		if d.Severity != diag.Error {
			continue
		}
		var in *block
		for _, b := range blocks {
			if d.Span.Start.Line >= b.first && d.Span.Start.Line <= b.last {
				in = b
			}
		}
		if in != nil && in.pending != "" {
			in.errors++
			t.Logf("pending (%s): %v", in.pending, d)
			continue
		}
		t.Errorf("%v", d)
	}
	for _, b := range blocks {
		if b.pending != "" && b.errors == 0 {
			t.Errorf("contract.cal lines %d-%d (pending: %s) now check without an error: remove the entry from `pending`", b.first, b.last, b.pending)
		}
	}
	if len(res.Package.Metrics) < 8 || len(res.Package.Experiments) < 3 || len(res.Package.Sources) < 6 {
		t.Errorf("contract declares fewer things than expected: %d metrics, %d experiments, %d sources",
			len(res.Package.Metrics), len(res.Package.Experiments), len(res.Package.Sources))
	}
}

// The committed copy equals the document's code blocks (when the shared
// design is present), each after a marker line.
func TestLanguageContractIsCurrent(t *testing.T) {
	path := testref.Path(t, "../design/LANGUAGE.md")
	doc, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	out.WriteString(contractHeader)
	for i, m := range regexp.MustCompile("(?s)```\n(.*?)```").FindAllStringSubmatch(string(doc), -1) {
		if i > 0 {
			out.WriteString("\n")
		}
		fmt.Fprintf(&out, "%s%d ---\n%s", blockMarker, i+1, m[1])
	}
	golden.Check(t, "../testdata/language/contract.cal", []byte(out.String()))
}

// The grammar's EBNF is kept as a golden file so grammar changes show up
// in review.
func TestGrammarGolden(t *testing.T) {
	golden.Check(t, "../testdata/language/grammar.ebnf", []byte(syntax.Grammar()+"\n"))
}
