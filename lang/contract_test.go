package lang

import (
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

// Every example of LANGUAGE.md, all blocks together in one namespace,
// parses and checks without an error (warnings, such as the contract's
// unused warehouse sources, are fine).
func TestLanguageContract(t *testing.T) {
	text, err := os.ReadFile("../testdata/language/contract.cal")
	if err != nil {
		t.Fatal(err)
	}
	res := LoadSource("contract.cal", string(text))
	for _, d := range res.Diags {
		if d.Severity == diag.Error {
			t.Errorf("%v", d)
		}
	}
	if len(res.Package.Metrics) < 8 || len(res.Package.Experiments) < 3 || len(res.Package.Sources) < 6 {
		t.Errorf("contract declares fewer things than expected: %d metrics, %d experiments, %d sources",
			len(res.Package.Metrics), len(res.Package.Experiments), len(res.Package.Sources))
	}
}

// The committed copy equals the document's code blocks (when the shared
// design is present).
func TestLanguageContractIsCurrent(t *testing.T) {
	path := testref.Path(t, "../design/LANGUAGE.md")
	doc, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var blocks []string
	for _, m := range regexp.MustCompile("(?s)```\n(.*?)```").FindAllStringSubmatch(string(doc), -1) {
		blocks = append(blocks, m[1])
	}
	golden.Check(t, "../testdata/language/contract.cal", []byte(contractHeader+strings.Join(blocks, "\n")))
}

// The grammar's EBNF is kept as a golden file so grammar changes show up
// in review.
func TestGrammarGolden(t *testing.T) {
	golden.Check(t, "../testdata/language/grammar.ebnf", []byte(syntax.Grammar()+"\n"))
}
