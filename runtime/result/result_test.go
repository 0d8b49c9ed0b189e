package result

import (
	"encoding/json"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// jsonKeys lists the JSON keys of a struct type's fields, embedded
// structs' fields included, "-" left out.
func jsonKeys(t reflect.Type) []string {
	var out []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.Anonymous {
			out = append(out, jsonKeys(f.Type)...)
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name != "-" {
			out = append(out, name)
		}
	}
	return out
}

// Every field of an experiment target is written: experimentJSON lists
// the keys of Target and Experiment (in the contract's order).
func TestExperimentJSONKeys(t *testing.T) {
	want := jsonKeys(reflect.TypeOf(Target{}))
	got := jsonKeys(reflect.TypeOf(experimentJSON{}))
	sort.Strings(want)
	sort.Strings(got)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("experimentJSON keys %v\nTarget's %v", got, want)
	}
}

// Each kind is written with its own shape; a kind without one (or
// without its payload) with Target's fields.
func TestTargetJSONPerKind(t *testing.T) {
	ex := &Target{Kind: "experiment", Name: "e", Alpha: 0.05, Notes: []string{"n"},
		Decisions: []*Decision{{Variant: "t", Outcome: Ship}}, Experiment: Experiment{Control: "c", Correction: "holm"}}
	b, err := json.Marshal(ex)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"kind":"experiment","name":"e","control":"c","alpha":0.05,"units":null,"excluded":null,"srm":null,"results":null,` +
		`"decisions":[{"variant":"t","outcome":"ship","reasons":null}],"correction":"holm","notes":["n"]}`
	if string(b) != want {
		t.Errorf("experiment JSON\n%s\nwant\n%s", b, want)
	}
	bench := &Target{Kind: "benchmark", Name: "b", Alpha: 0.1, Bench: &Bench{Baseline: "v1", Test: "paired_t", Queries: 3}}
	if b, _ := json.Marshal(bench); !strings.Contains(string(b), `"baseline":"v1","test":"paired_t"`) || strings.Contains(string(b), `"control"`) {
		t.Errorf("benchmark JSON %s", b)
	}
	other := &Target{Kind: "other", Name: "o"}
	if b, _ := json.Marshal(other); !strings.HasPrefix(string(b), `{"kind":"other","name":"o","alpha":0`) {
		t.Errorf("JSON of a kind without a shape: %s", b)
	}
}
