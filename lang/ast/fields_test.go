package ast

import (
	"slices"
	"testing"

	"github.com/caliper-dev/caliper/internal/golden"
)

// TestLanguageDoc keeps docs/language.md generated from the field tables:
// it fails when the file is stale (UPDATE_GOLDEN=1 rewrites it).
func TestLanguageDoc(t *testing.T) {
	golden.Check(t, "../../docs/language.md", []byte(LanguageDoc()))
}

// TestFieldTables checks every entry is complete and that a field's name
// means one shape in every kind that takes it.
func TestFieldTables(t *testing.T) {
	if len(Decls) == 0 {
		t.Fatal("no declaration kinds")
	}
	for _, d := range Decls {
		if d.Doc == "" {
			t.Errorf("%s: no doc", d.Kind)
		}
		seen := map[string]bool{}
		for _, f := range d.Fields {
			if seen[f.Name] {
				t.Errorf("%s: field %s listed twice", d.Kind, f.Name)
			}
			seen[f.Name] = true
			if f.Doc == "" || f.Hint == "" {
				t.Errorf("%s.%s: needs a doc and a hint", d.Kind, f.Name)
			}
			if f.Shape.String() == "shape?" {
				t.Errorf("%s.%s: shape %d has no name", d.Kind, f.Name, f.Shape)
			}
			if len(f.Words) > 0 && f.Shape != ShapeName {
				t.Errorf("%s.%s: words on a %s field", d.Kind, f.Name, f.Shape)
			}
			if f.Default != "" && len(f.Words) > 0 && !slices.Contains(f.Words, f.Default) {
				t.Errorf("%s.%s: default %q is not one of its words", d.Kind, f.Name, f.Default)
			}
			g, _ := FieldNamed(f.Name)
			// A choice of words (test) or a launch block may take other
			// words in another kind; its hint says which.
			kindWords := len(f.Words) > 0 || f.Shape == ShapeLaunch
			if g.Shape != f.Shape || g.Hint != f.Hint && !kindWords || g.Metadata != f.Metadata || g.Bracketed != f.Bracketed {
				t.Errorf("%s.%s: differs in shape, hint or role from the field of the same name in another kind", d.Kind, f.Name)
			}
			if !Allows(d.Kind, f.Name) {
				t.Errorf("Allows(%s, %s) = false", d.Kind, f.Name)
			}
		}
	}
	if Allows(KindMetric, "window") || Allows("nope", "title") || IsField("nope") {
		t.Error("Allows/IsField accept what no table lists")
	}
	if got := Words(KindExperiment, "correction"); !slices.Equal(got, []string{"holm", "bh", "bonferroni", "none"}) {
		t.Errorf("correction words = %v", got)
	}
	if !slices.Equal(Kinds(), []string{KindSource, KindMetric, KindExperiment, KindBenchmark, KindInterleaving, KindCounterfactual, KindRollout}) {
		t.Errorf("kinds = %v", Kinds())
	}
}
