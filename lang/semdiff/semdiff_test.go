package semdiff

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/caliper-dev/caliper/compiler"
	"github.com/caliper-dev/caliper/dialect"
	"github.com/caliper-dev/caliper/lang"
	"github.com/caliper-dev/caliper/lang/model"
)

func compileSQL(e *model.Experiment) (string, error) {
	p, err := compiler.Compile(e, dialect.DuckDB)
	if err != nil {
		return "", err
	}
	return p.SQL, nil
}

// base is a small spec folder: its files by name.
var base = map[string]string{
	"sources.cal": `// Where facts live.
source events {
  from csv("data/events.csv")
  time ts                                // the event-time column
  columns { user_id string  ts timestamp  event string  surface string  revenue float }
}

source exposures {
  from csv("data/exposures.csv")
  time ts
  columns { user_id string  ts timestamp  experiment string  variant string }
}
`,
	"metrics.cal": `metric saves_per_user {
  title       "Saves per user"
  description "Pins saved per exposed user."
  owner       "homefeed-ds"
  value       count(events where event == "save")
}

metric sessions_per_user {
  title "Sessions per user"
  owner "homefeed-ds"
  value count(events where event == "session_start")
}

metric saves_per_session {
  owner "homefeed-ds"
  value saves_per_user / sessions_per_user
}

metric purchasers {
  title "Share of users who purchased"
  owner "monetization-ds"
  value any(events where event == "purchase")
}

metric revenue_per_user {
  owner     "monetization-ds"
  direction increase
  value     sum(events.revenue where event == "purchase")
  winsorize 99%
}
`,
	"experiments.cal": `// The experiment.
experiment hf_ranker_v2 {
  exposures  exposures where experiment == "hf_ranker_v2"
  unit       user_id
  assignment variant
  control    "control"
  window     7d
  primary    saves_per_user
  secondary  sessions_per_user, saves_per_session, purchasers
  guardrail  revenue_per_user within 1%
}
`,
}

// folder writes the base specs into a new folder, applying edits (old →
// new text, per file).
func folder(t *testing.T, edits map[string][][2]string) string {
	dir := t.TempDir()
	for name, text := range base {
		for _, e := range edits[name] {
			if !strings.Contains(text, e[0]) {
				t.Fatalf("%s: %q not found", name, e[0])
			}
			text = strings.Replace(text, e[0], e[1], 1)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func load(t *testing.T, dir string) *lang.Result {
	res := lang.Load(dir)
	if res.Diags.HasErrors() {
		t.Fatalf("%s: %v", dir, res.Diags.Err())
	}
	return res
}

func TestUnchanged(t *testing.T) {
	// Two copies in different folders: paths are compared relative to
	// their folder, so nothing differs.
	a, b := folder(t, nil), folder(t, nil)
	r := Diff(load(t, a), load(t, b), Options{SQL: compileSQL})
	if len(r.Changes) != 0 || r.Summary.Unchanged != 8 {
		t.Fatalf("want no changes, got %+v", r)
	}
}

func TestDiff(t *testing.T) {
	old := folder(t, nil)
	new := folder(t, map[string][][2]string{
		"metrics.cal": {
			// text only: title, and layout
			{`title       "Saves per user"`, `title       "Saves per exposed user"`},
			// text only: a default made explicit
			{`owner       "homefeed-ds"`, "owner       \"homefeed-ds\"\n  direction   increase"},
			{"metric sessions_per_user {\n  title \"Sessions per user\"", "// Sessions started.\nmetric sessions_per_user {\n  title   \"Sessions per user\""},
			// meaning: the filter of a metric that another builds on
			{`value count(events where event == "session_start")`, `value count(events where event == "session_start" and surface == "home")`},
			// meaning: winsorization of a guardrail
			{"winsorize 99%", "winsorize 95%"},
			// removed
			{"metric purchasers {\n  title \"Share of users who purchased\"\n  owner \"monetization-ds\"\n  value any(events where event == \"purchase\")\n}\n", ""},
		},
		"experiments.cal": {
			{"secondary  sessions_per_user, saves_per_session, purchasers", "secondary  sessions_per_user, saves_per_session, buyers"},
			{"// The experiment.", "metric buyers {\n  owner \"monetization-ds\"\n  value any(events where event == \"purchase\")\n}\n\n// The experiment."},
		},
		"sources.cal": {
			{"time ts                                // the event-time column", "time ts // the event-time column"},
		},
	})
	r := Diff(load(t, old), load(t, new), Options{SQL: compileSQL})
	got := map[string]Change{}
	for _, c := range r.Changes {
		got[c.Kind+" "+c.Name] = c
	}
	want := map[string]string{
		"metric saves_per_user":    Text,
		"metric sessions_per_user": Meaning,
		"metric saves_per_session": Meaning, // builds on sessions_per_user
		"metric revenue_per_user":  Meaning,
		"metric purchasers":        Removed,
		"metric buyers":            Added,
		"experiment hf_ranker_v2":  Meaning,
		"source events":            Text,
	}
	for k, ch := range want {
		if got[k].Change != ch {
			t.Errorf("%s: got %q, want %q (%v)", k, got[k].Change, ch, got[k].Details)
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok && !strings.HasPrefix(k, "experiment ") {
			t.Errorf("unexpected change %s: %+v", k, got[k])
		}
	}
	details := func(k string) string { return strings.Join(got[k].Details, "\n") }
	for k, sub := range map[string]string{
		"metric saves_per_user":    `title: "Saves per user" → "Saves per exposed user"` + "\ndirection: increase added (same meaning)",
		"metric sessions_per_user": `value: count(events where event == "session_start") → count(events where event == "session_start" and surface == "home")`,
		"metric saves_per_session": "metric `sessions_per_user` changed meaning",
		"metric revenue_per_user":  "winsorize: 0.99 → 0.95",
		"source events":            "comments or layout",
		"experiment hf_ranker_v2":  "metrics: primary saves_per_user; secondary sessions_per_user; secondary saves_per_session; secondary purchasers",
	} {
		if !strings.Contains(details(k), sub) {
			t.Errorf("%s: details lack %q:\n%s", k, sub, details(k))
		}
	}
	if r.Changes[0].Change != Meaning {
		t.Errorf("meaning changes come first: %+v", r.Changes[0])
	}
	var table, js bytes.Buffer
	if err := WriteTable(&table, r); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(table.String(), "CHANGE   KIND        NAME") || !strings.Contains(table.String(), "changed meaning, ") {
		t.Errorf("table:\n%s", table.String())
	}
	if err := WriteJSON(&js, r); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Changes []Change `json:"changes"`
		Summary Summary  `json:"summary"`
	}
	if err := json.Unmarshal(js.Bytes(), &doc); err != nil || len(doc.Changes) != len(r.Changes) || doc.Summary != r.Summary {
		t.Errorf("json: %v\n%s", err, js.String())
	}
}
