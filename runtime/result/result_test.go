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

// A standard error that is not estimated is written as null with its
// reason, never as 0, and reads back as not estimated.
func TestEffectWithoutStdError(t *testing.T) {
	e := Effect{Estimate: 1, CILower: 0.66, CIUpper: 1, StdErrorProblem: "every decided session is a win"}
	b, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"estimate":1,"ci_lower":0.66,"ci_upper":1,"std_error":null,"std_error_not_estimable":"every decided session is a win"}`; string(b) != want {
		t.Errorf("JSON %s, want %s", b, want)
	}
	var back Effect
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back != e {
		t.Errorf("read back %+v, want %+v", back, e)
	}
	b, _ = json.Marshal(Effect{Estimate: 0.5, CILower: 0.4, CIUpper: 0.6, StdError: 0.05})
	if !strings.Contains(string(b), `"std_error":0.05}`) {
		t.Errorf("estimated std error: %s", b)
	}
}
