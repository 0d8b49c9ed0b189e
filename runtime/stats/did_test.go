package stats

import (
	"encoding/csv"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// didRef is one case of testdata/did/expected.json (did.R).
type didRef struct {
	File       string
	Comparison string
	Pre, Post  int
	Alpha      float64
	Groups     int
	Dropped    int
	CS         struct {
		Cells []struct {
			Cohort, Period, Event int
			ATT, SE               *float64
			Treated, Comparison   int
		}
		EventStudy []didRefEstimate `json:"event_study"`
		Overall    didRefEstimate
		Pretrend   *struct {
			Wald, F float64
			K, DF2  float64
			P       float64
		}
	}
	TWFE struct {
		Estimate, SE, Lower, Upper, P, DF float64
		TreatedCells                      int `json:"treated_cells"`
		Negative                          int
		NegativeSum                       float64 `json:"negative_sum"`
	}
}

type didRefEstimate struct {
	Event                         int
	Estimate, SE, Lower, Upper, P float64
	Baseline, Relative            float64
	RelLower                      float64 `json:"rel_lower"`
	RelUpper                      float64 `json:"rel_upper"`
	Cells                         int
}

func didTestdata(name string) string { return filepath.Join("..", "..", "testdata", "did", name) }

// readDiDPanel reads group,period,adopt,y (adopt empty: never).
func readDiDPanel(t *testing.T, file string) DiDPanel {
	t.Helper()
	f, err := os.Open(didTestdata(file))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	type g struct {
		adopt string
		y     map[int]float64
	}
	groups := map[string]*g{}
	T := 0
	for _, r := range rows[1:] {
		p, err1 := strconv.Atoi(r[1])
		y, err2 := strconv.ParseFloat(r[3], 64)
		if err1 != nil || err2 != nil {
			t.Fatalf("bad row %v", r)
		}
		if groups[r[0]] == nil {
			groups[r[0]] = &g{adopt: r[2], y: map[int]float64{}}
		}
		groups[r[0]].y[p] = y
		T = max(T, p+1)
	}
	var names []string
	for k := range groups {
		names = append(names, k)
	}
	sort.Strings(names)
	panel := DiDPanel{Periods: T}
	for _, k := range names {
		gr := DiDGroup{Name: k, Y: make([]float64, T)}
		for p, v := range groups[k].y {
			gr.Y[p] = v
		}
		if groups[k].adopt == "" {
			gr.Never = true
		} else if a, err := strconv.Atoi(groups[k].adopt); err == nil {
			gr.Adoption = a
		} else {
			t.Fatal(err)
		}
		panel.Groups = append(panel.Groups, gr)
	}
	return panel
}

func didClose(t *testing.T, what string, got, want float64) {
	t.Helper()
	if math.Abs(got-want) > 1e-6*math.Max(math.Abs(want), 1e-9) {
		t.Errorf("%s = %.12g, want %.12g (R)", what, got, want)
	}
}

func TestDiDAgainstR(t *testing.T) {
	b, err := os.ReadFile(didTestdata("expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cases map[string]didRef
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatal(err)
	}
	if len(cases) != 5 {
		t.Fatalf("%d cases, want 5", len(cases))
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			cmp, ok := ParseDiDComparison(c.Comparison)
			if !ok {
				t.Fatal(c.Comparison)
			}
			r := CallawaySantAnna(readDiDPanel(t, c.File), DiDOptions{Comparison: cmp, Pre: c.Pre, Post: c.Post, Alpha: c.Alpha})
			if r.Problem != "" {
				t.Fatal(r.Problem)
			}
			if r.Groups != c.Groups || len(r.Dropped) != c.Dropped {
				t.Fatalf("groups %d dropped %d, want %d %d", r.Groups, len(r.Dropped), c.Groups, c.Dropped)
			}
			if len(r.Cells) != len(c.CS.Cells) {
				t.Fatalf("%d cells, want %d", len(r.Cells), len(c.CS.Cells))
			}
			for i, w := range c.CS.Cells {
				g := r.Cells[i]
				if g.Cohort != w.Cohort || g.Period != w.Period || g.Event != w.Event || g.Treated != w.Treated || g.Comparison != w.Comparison {
					t.Fatalf("cell %d: %+v, want %+v", i, g, w)
				}
				if w.ATT == nil {
					if g.Problem == "" {
						t.Errorf("cell %d estimable, R has NA", i)
					}
					continue
				}
				didClose(t, "ATT", g.ATT, *w.ATT)
				didClose(t, "ATT se", g.StdError, *w.SE)
			}
			check := func(what string, g DiDEstimate, w didRefEstimate) {
				t.Helper()
				if !g.Estimable() || g.Cells != w.Cells {
					t.Fatalf("%s: %s, %d cells (want %d)", what, g.Problem, g.Cells, w.Cells)
				}
				didClose(t, what+" estimate", g.Absolute.Estimate, w.Estimate)
				didClose(t, what+" se", g.Absolute.StdError, w.SE)
				didClose(t, what+" lower", g.Absolute.Lower, w.Lower)
				didClose(t, what+" upper", g.Absolute.Upper, w.Upper)
				didClose(t, what+" p", g.PValue, w.P)
				didClose(t, what+" baseline", g.Baseline, w.Baseline)
				if g.Relative == nil {
					t.Fatalf("%s: %s", what, g.RelativeProblem)
				}
				didClose(t, what+" relative", g.Relative.Estimate, w.Relative)
				didClose(t, what+" relative lower", g.Relative.Lower, w.RelLower)
				didClose(t, what+" relative upper", g.Relative.Upper, w.RelUpper)
				// One test, one story.
				if g.Absolute.Excludes(0) != (g.PValue < c.Alpha) || g.Relative.Excludes(0) != (g.PValue < c.Alpha) {
					t.Errorf("%s: intervals and p disagree", what)
				}
			}
			check("overall", r.Overall, c.CS.Overall)
			if len(r.EventStudy) != len(c.CS.EventStudy) {
				t.Fatalf("%d event times, want %d", len(r.EventStudy), len(c.CS.EventStudy))
			}
			for i, w := range c.CS.EventStudy {
				if r.EventStudy[i].Event != w.Event {
					t.Fatalf("event %d, want %d", r.EventStudy[i].Event, w.Event)
				}
				check("event "+strconv.Itoa(w.Event), r.EventStudy[i], w)
			}
			pt := r.PreTrend
			if c.CS.Pretrend == nil {
				// The 2×2 has no period before the base: no placebo.
				if pt.Problem == "" {
					t.Errorf("pre-trend test made without a pre-period: %+v", pt)
				}
			} else if pt.Problem != "" {
				t.Fatal(pt.Problem)
			} else {
				didClose(t, "pretrend wald", pt.Wald, c.CS.Pretrend.Wald)
				didClose(t, "pretrend F", pt.F, c.CS.Pretrend.F)
				didClose(t, "pretrend p", pt.PValue, c.CS.Pretrend.P)
				if pt.DF1 != c.CS.Pretrend.K || pt.DF2 != c.CS.Pretrend.DF2 {
					t.Errorf("pretrend df %v %v, want %v %v", pt.DF1, pt.DF2, c.CS.Pretrend.K, c.CS.Pretrend.DF2)
				}
			}
			tw := r.TWFE
			if tw.Problem != "" {
				t.Fatal(tw.Problem)
			}
			didClose(t, "twfe", tw.Absolute.Estimate, c.TWFE.Estimate)
			didClose(t, "twfe se", tw.Absolute.StdError, c.TWFE.SE)
			didClose(t, "twfe lower", tw.Absolute.Lower, c.TWFE.Lower)
			didClose(t, "twfe upper", tw.Absolute.Upper, c.TWFE.Upper)
			didClose(t, "twfe p", tw.PValue, c.TWFE.P)
			if tw.DF != c.TWFE.DF || tw.TreatedCells != c.TWFE.TreatedCells || tw.NegativeWeights != c.TWFE.Negative {
				t.Errorf("twfe df %v cells %d negative %d, want %v %d %d", tw.DF, tw.TreatedCells, tw.NegativeWeights, c.TWFE.DF, c.TWFE.TreatedCells, c.TWFE.Negative)
			}
			if c.TWFE.Negative > 0 {
				didClose(t, "twfe negative weight sum", tw.NegativeWeightSum, c.TWFE.NegativeSum)
			}
			if r.Staggered != (name[:9] == "staggered") {
				t.Errorf("staggered = %v", r.Staggered)
			}
		})
	}
}

// TestDiDG13 is STATS-REFERENCE §13's constructed panel (r-verify/did.R):
// 4 units × 5 periods, y = 5 + i + 0.5t + τ, units 1–2 adopt at t = 2,
// units 3–4 at t = 4, τ = 2·(t − g + 1). TWFE gives 1/3 while the treated
// cells average 13/3; not-yet-treated ATT(2,2) = 2, ATT(2,3) = 4, and the
// later cells have no comparison group.
func TestDiDG13(t *testing.T) {
	p := DiDPanel{Periods: 5}
	for i := 1; i <= 4; i++ {
		g := 2
		if i > 2 {
			g = 4
		}
		y := make([]float64, 5)
		for tt := 1; tt <= 5; tt++ {
			y[tt-1] = 5 + float64(i) + 0.5*float64(tt)
			if tt >= g {
				y[tt-1] += 2 * float64(tt-g+1)
			}
		}
		p.Groups = append(p.Groups, DiDGroup{Name: strconv.Itoa(i), Adoption: g - 1, Y: y})
	}
	r := CallawaySantAnna(p, DiDOptions{Pre: 4, Post: 5})
	if math.Abs(r.TWFE.Absolute.Estimate-1.0/3) > 1e-12 {
		t.Errorf("TWFE = %v, want 1/3", r.TWFE.Absolute.Estimate)
	}
	if !r.Staggered || r.TWFE.NegativeWeights == 0 {
		t.Errorf("staggered %v, negative weights %d: want a negative weight", r.Staggered, r.TWFE.NegativeWeights)
	}
	want := map[[2]int]float64{{1, 1}: 2, {1, 2}: 4}
	for _, c := range r.Cells {
		if w, ok := want[[2]int{c.Cohort, c.Period}]; ok {
			if c.Problem != "" || math.Abs(c.ATT-w) > 1e-12 {
				t.Errorf("ATT(%d,%d) = %v %q, want %v", c.Cohort, c.Period, c.ATT, c.Problem, w)
			}
			delete(want, [2]int{c.Cohort, c.Period})
		}
		if c.Cohort == 1 && c.Period >= 3 && c.Problem == "" {
			t.Errorf("ATT(%d,%d) estimated without a comparison group", c.Cohort, c.Period)
		}
	}
	if len(want) != 0 {
		t.Errorf("cells missing: %v", want)
	}
	if !r.FewGroups {
		t.Error("4 groups are not flagged as few")
	}
}

// TestDiDEdges: groups outside the data, unbalanced groups, no treated
// group, a bootstrap whose interval and p-value agree.
func TestDiDEdges(t *testing.T) {
	mk := func(name string, adopt int, never bool, y ...float64) DiDGroup {
		return DiDGroup{Name: name, Adoption: adopt, Never: never, Y: y}
	}
	p := DiDPanel{Periods: 3, Groups: []DiDGroup{
		mk("before", -2, false, 1, 2, 3),
		mk("first", 0, false, 1, 2, 3),
		mk("after", 7, false, 1, 2, 3),
		{Name: "gap", Never: true, Y: []float64{1, 2, 3}, Observed: []bool{true, false, true}},
	}}
	r := CallawaySantAnna(p, DiDOptions{Pre: 1, Post: 1})
	if r.Problem == "" || r.Groups != 1 || r.Never != 1 || len(r.Dropped) != 3 || len(r.OutsideData) != 2 {
		t.Fatalf("%+v", r)
	}
	if r.Overall.Estimable() {
		t.Error("overall estimable without a treated group")
	}
	if r.PreTrend.Problem == "" {
		t.Errorf("pre-trend test %+v without a treated group, want no test and the reason", r.PreTrend)
	}

	// Every group adopting together, compared with never-treated groups
	// that do not exist: the overall effect says so.
	same := DiDPanel{Periods: 4, Groups: []DiDGroup{
		mk("a", 2, false, 1, 2, 4, 5), mk("b", 2, false, 2, 3, 5, 7), mk("c", 2, false, 1, 3, 4, 6)}}
	r = CallawaySantAnna(same, DiDOptions{Comparison: NeverTreated, Pre: 1, Post: 2})
	if !strings.Contains(r.Overall.Problem, "no group is never treated") {
		t.Errorf("overall problem %q, want the cells' reason (no group is never treated)", r.Overall.Problem)
	}

	panel := readDiDPanel(t, "staggered.csv")
	panel.Groups = panel.Groups[:9]
	o := DiDOptions{Comparison: NotYetTreated, Pre: 2, Post: 3, Bootstrap: 1999, Seed: 7}
	a := CallawaySantAnna(panel, o)
	b := CallawaySantAnna(panel, o)
	if !a.FewGroups {
		t.Error("9 groups not flagged as few")
	}
	for _, e := range append([]DiDEstimate{a.Overall}, a.EventStudy...) {
		if !e.Estimable() {
			continue
		}
		if e.Bootstrap == nil {
			t.Fatal("no bootstrap interval")
		}
		if e.Bootstrap.Excludes(0) != (e.BootstrapP < 0.05) {
			t.Errorf("event %d: bootstrap interval %v and p %v disagree", e.Event, *e.Bootstrap, e.BootstrapP)
		}
	}
	if *a.Overall.Bootstrap != *b.Overall.Bootstrap {
		t.Error("bootstrap not reproducible with a fixed seed")
	}
}

// A panel of one period has no difference: every estimate, the two-way
// fixed-effects cross-check included, is not estimable with the reason
// (it once read 0 [0, 0], p 0).
func TestDiDOnePeriod(t *testing.T) {
	p := DiDPanel{Periods: 1, Groups: []DiDGroup{
		{Name: "a", Adoption: 0, Y: []float64{1}, Observed: []bool{true}},
		{Name: "b", Never: true, Y: []float64{2}, Observed: []bool{true}},
	}}
	r := CallawaySantAnna(p, DiDOptions{Pre: 1, Post: 1})
	for what, problem := range map[string]string{"result": r.Problem, "overall": r.Overall.Problem, "pre-trend": r.PreTrend.Problem, "two-way fixed effects": r.TWFE.Problem} {
		if !strings.Contains(problem, "fewer than two periods") {
			t.Errorf("%s: problem %q, want fewer than two periods", what, problem)
		}
	}
}
