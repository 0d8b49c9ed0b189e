package diag

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/caliper-dev/caliper/lang/source"
)

func sampleList() (*source.Set, List) {
	files := source.NewSet()
	f := files.Add("specs/exp, v2.cal", "experiment e {\n  primary save_rat\n}\n")
	var l List
	l.Errorf(EUnknownName, f.SpanOf(25, 33), "unknown metric `save_rat`").
		Hint("did you mean `save_rate`?").
		Also(f.SpanOf(11, 12), "experiment `e` declared here")
	l.Warnf(WNoWindow, f.SpanOf(11, 12), "experiment `e` has no window")
	l.Errorf(EFileRead, source.Span{File: "specs/missing.cal"}, "cannot read spec file: 100%% gone")
	return files, l
}

func TestJSON(t *testing.T) {
	_, l := sampleList()
	var buf bytes.Buffer
	if err := WriteJSON(&buf, l); err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Diagnostics []map[string]any `json:"diagnostics"`
		Errors      int              `json:"errors"`
		Warnings    int              `json:"warnings"`
	}
	if err := json.Unmarshal(buf.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Diagnostics) != 3 || rep.Errors != 2 || rep.Warnings != 1 {
		t.Fatalf("got %d diagnostics, %d errors, %d warnings:\n%s", len(rep.Diagnostics), rep.Errors, rep.Warnings, buf.String())
	}
	for _, key := range []string{"code", "severity", "file", "line", "col", "end_line", "end_col", "message", "hints"} {
		for _, d := range rep.Diagnostics {
			if _, ok := d[key]; !ok {
				t.Errorf("diagnostic lacks %q: %v", key, d)
			}
		}
	}
	// Sorted by file then position: the two in exp, v2.cal come first.
	d := rep.Diagnostics[1]
	if d["code"] != "E0202" || d["line"] != 2.0 || d["col"] != 11.0 || d["end_line"] != 2.0 || d["end_col"] != 19.0 {
		t.Errorf("unexpected position: %v", d)
	}
	if h := d["hints"].([]any); len(h) != 1 || h[0] != "did you mean `save_rate`?" {
		t.Errorf("hints: %v", h)
	}
	if rep.Diagnostics[0]["severity"] != "warning" {
		t.Errorf("want the warning first: %v", rep.Diagnostics[0])
	}
}

// The SARIF log has the structure GitHub code scanning requires.
func TestSARIF(t *testing.T) {
	_, l := sampleList()
	var buf bytes.Buffer
	if err := WriteSARIF(&buf, l); err != nil {
		t.Fatal(err)
	}
	var log map[string]any
	if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	if log["version"] != "2.1.0" || log["$schema"] != SARIFSchema {
		t.Fatalf("version %v, schema %v", log["version"], log["$schema"])
	}
	runs := log["runs"].([]any)
	if len(runs) != 1 {
		t.Fatalf("want one run, got %d", len(runs))
	}
	run := runs[0].(map[string]any)
	driver := run["tool"].(map[string]any)["driver"].(map[string]any)
	if driver["name"] != "caliper" {
		t.Errorf("driver name %v", driver["name"])
	}
	rules := driver["rules"].([]any)
	ruleIDs := map[string]int{}
	for i, r := range rules {
		rule := r.(map[string]any)
		id := rule["id"].(string)
		ruleIDs[id] = i
		if rule["shortDescription"].(map[string]any)["text"] == "" {
			t.Errorf("rule %s has no description", id)
		}
	}
	if len(rules) != len(Catalog) {
		t.Errorf("want a rule per catalogue code (%d), got %d", len(Catalog), len(rules))
	}
	results := run["results"].([]any)
	if len(results) != 3 {
		t.Fatalf("want 3 results, got %d", len(results))
	}
	for _, r := range results {
		res := r.(map[string]any)
		id := res["ruleId"].(string)
		if i, ok := ruleIDs[id]; !ok || res["ruleIndex"] != float64(i) {
			t.Errorf("result %s: rule index %v", id, res["ruleIndex"])
		}
		if lv := res["level"]; lv != "error" && lv != "warning" {
			t.Errorf("result %s: level %v", id, lv)
		}
		if res["message"].(map[string]any)["text"] == "" {
			t.Errorf("result %s: no message", id)
		}
		locs := res["locations"].([]any)
		if len(locs) != 1 {
			t.Fatalf("result %s: want one location", id)
		}
		phys := locs[0].(map[string]any)["physicalLocation"].(map[string]any)
		uri := phys["artifactLocation"].(map[string]any)["uri"].(string)
		if !strings.HasPrefix(uri, "specs/") {
			t.Errorf("result %s: uri %q", id, uri)
		}
		if id == "E0113" {
			continue // about a whole file: no region
		}
		region := phys["region"].(map[string]any)
		if region["startLine"].(float64) < 1 || region["startColumn"].(float64) < 1 {
			t.Errorf("result %s: region %v", id, region)
		}
	}
	first := results[1].(map[string]any)
	if first["ruleId"] != "E0202" || !strings.Contains(first["message"].(map[string]any)["text"].(string), "help: did you mean") {
		t.Errorf("E0202 result: %v", first)
	}
	if uri := first["locations"].([]any)[0].(map[string]any)["physicalLocation"].(map[string]any)["artifactLocation"].(map[string]any)["uri"]; uri != "specs/exp,%20v2.cal" {
		t.Errorf("uri not escaped: %v", uri)
	}
}

func TestGitHub(t *testing.T) {
	_, l := sampleList()
	var buf bytes.Buffer
	WriteGitHub(&buf, l, 0)
	want := "::warning file=specs/exp%2C v2.cal,line=1,col=12,endLine=1,endColumn=12,title=W0005::experiment `e` has no window\n" +
		"::error file=specs/exp%2C v2.cal,line=2,col=11,endLine=2,endColumn=18,title=E0202::unknown metric `save_rat`%0Anote: experiment `e` declared here (specs/exp, v2.cal:1:12)%0Ahelp: did you mean `save_rate`?\n" +
		"::error file=specs/missing.cal,title=E0113::cannot read spec file: 100%25 gone\n"
	if got := buf.String(); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	buf.Reset()
	WriteGitHub(&buf, l, 1)
	if !strings.Contains(buf.String(), "::notice title=caliper::2 more diagnostic(s) not shown") {
		t.Errorf("limit: %s", buf.String())
	}
}
