package catalog

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/caliper-dev/caliper/lang"
)

const spec = `source events {
  from csv("data/events.csv")
  time ts
  columns { user_id string  ts timestamp  event string  latency_ms float }
}
source exposures {
  from csv("data/exposures.csv")
  time ts
  columns { user_id string  ts timestamp  variant string }
}
metric saves {
  title       "Saves <per> user"
  description "Saves per exposed user; <script>alert(1)</script> & more."
  owner       "homefeed-ds"
  tags        ["north-star"]
  value       count(events where event == "save")
}
metric sessions {
  owner "homefeed-ds"
  value count(events where event=="session_start")
}
metric saves_per_session {
  owner "homefeed-ds"
  value saves / sessions
}
metric latency {
  owner     "feed-infra"
  direction decrease
  value     sum(events.latency_ms)
  cap       1000
}
experiment e {
  exposures  exposures
  unit       user_id
  assignment variant
  control    "control"
  window     7d
  primary    saves
  secondary  saves_per_session
  guardrail  latency within 2%
}
`

func build(t *testing.T) *Catalog {
	res := lang.LoadSource("specs/m.cal", spec)
	if res.Diags.HasErrors() {
		t.Fatal(res.Diags.Err())
	}
	return Build(res.Package, res.ASTs)
}

func TestBuild(t *testing.T) {
	c := build(t)
	if len(c.Metrics) != 4 || c.Metrics[0].Name != "latency" {
		t.Fatalf("want 4 metrics sorted by name: %+v", c.Metrics)
	}
	by := map[string]Metric{}
	for _, m := range c.Metrics {
		by[m.Name] = m
	}
	s := by["saves"]
	if s.Kind != "mean" || s.Direction != "increase" || s.Owner != "homefeed-ds" || s.Definition != `count(events where event == "save")` {
		t.Errorf("saves: %+v", s)
	}
	if len(s.Uses) != 1 || s.Uses[0] != (Use{Kind: "experiment", Experiment: "e", Role: "primary"}) {
		t.Errorf("saves uses: %+v", s.Uses)
	}
	if strings.Join(s.UsedBy, ",") != "saves_per_session" {
		t.Errorf("saves used by: %v", s.UsedBy)
	}
	r := by["saves_per_session"]
	if r.Kind != "ratio" || strings.Join(r.BuildsOn, ",") != "saves,sessions" || r.Definition != "saves / sessions" {
		t.Errorf("ratio: %+v", r)
	}
	if by["sessions"].Definition != `count(events where event == "session_start")` {
		t.Errorf("definition not canonical: %q", by["sessions"].Definition)
	}
	l := by["latency"]
	if l.Direction != "decrease" || l.Cap != "1000" || len(l.Uses) != 1 || l.Uses[0].Within != "2%" || l.Uses[0].Role != "guardrail" {
		t.Errorf("latency: %+v", l)
	}
	if l.File != "specs/m.cal" || l.Line != 26 {
		t.Errorf("latency declared at %s:%d", l.File, l.Line)
	}
}

func TestWriters(t *testing.T) {
	c := build(t)
	var md, h, js bytes.Buffer
	if err := WriteMarkdown(&md, c); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"# Metric catalog", "| [`saves`](#saves) | Saves <per> user | mean | homefeed-ds | e (primary) |",
		"## saves_per_session", "| definition | `saves / sessions` |", "| builds on | [`saves`](#saves), [`sessions`](#sessions) |",
		"| used in | e (guardrail within 2%) |"} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("markdown lacks %q:\n%s", want, md.String())
		}
	}
	if err := WriteHTML(&h, c); err != nil {
		t.Fatal(err)
	}
	page := h.String()
	if strings.Contains(page, "<script>") || !strings.Contains(page, "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more.") {
		t.Errorf("html does not escape the description")
	}
	if !strings.Contains(page, `<h2 id="m-saves">Saves &lt;per&gt; user`) || strings.Contains(page, "http") && strings.Contains(page, "<link") {
		t.Errorf("html page:\n%s", page)
	}
	if err := WriteJSON(&js, c); err != nil {
		t.Fatal(err)
	}
	var back Catalog
	if err := json.Unmarshal(js.Bytes(), &back); err != nil || len(back.Metrics) != 4 || back.Metrics[3].Name != "sessions" {
		t.Errorf("json: %v\n%s", err, js.String())
	}
}

// A metric a rollout measures lists the rollout among its uses, named as
// a rollout in every format.
func TestRolloutUses(t *testing.T) {
	res := lang.LoadSource("specs/r.cal", `source market_daily {
  from csv("data/market_daily.csv")
  time day
  columns { market string  day timestamp  saves float  launched_at timestamp }
}
metric market_saves {
  owner "homefeed-ds"
  value sum(market_daily.saves)
}
rollout fm_v3_markets {
  rows       market_daily
  group      market
  adopted    launched_at
  period     week
  pre        8w
  post       8w
  comparison not_yet
  primary    market_saves
}
`)
	if res.Diags.HasErrors() {
		t.Fatal(res.Diags.Err())
	}
	c := Build(res.Package, res.ASTs)
	if len(c.Metrics) != 1 || len(c.Metrics[0].Uses) != 1 ||
		c.Metrics[0].Uses[0] != (Use{Kind: "rollout", Experiment: "fm_v3_markets", Role: "primary"}) {
		t.Fatalf("uses: %+v", c.Metrics)
	}
	var md, html bytes.Buffer
	if err := WriteMarkdown(&md, c); err != nil {
		t.Fatal(err)
	}
	if err := WriteHTML(&html, c); err != nil {
		t.Fatal(err)
	}
	for name, out := range map[string]string{"markdown": md.String(), "html": html.String()} {
		if !strings.Contains(out, "rollout fm_v3_markets (primary)") && !strings.Contains(out, `rollout fm\_v3\_markets (primary)`) {
			t.Errorf("%s does not name the rollout:\n%s", name, out)
		}
	}
}
