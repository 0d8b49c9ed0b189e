// Command benchrun times Caliper at scale and prints a Markdown report:
//
//	(a) `caliper run` on a 5-metric spec against one hand-written fused
//	    DuckDB query computing the same statistics (target <= 1.15x);
//	(b) `caliper run` with 50 metrics on one source against 1 metric
//	    (target <= 2x);
//	(c) the statistics layer alone, runtime.Analyze on an in-memory result
//	    table of 5 variants x 50 metrics x 20 segment values (target
//	    <= 50 ms).
//
// (a) and (b) run each command as a child process, interleaved over the
// repetitions, and report the median and minimum wall time, the median CPU
// time (user + system, all threads) and the peak resident memory
// (getrusage). Ratios compare runs measured in the same invocation on the
// same cached data, on the minimum wall time and on CPU time: on a shared
// machine wall times only grow with others' load, and CPU time hardly
// depends on it. bench/run.sh builds and runs it:
//
//	go run ./bench/cmd/benchrun -caliper ./caliper -sizes 1M,10M
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	goruntime "runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/caliper-dev/caliper/bench"
	"github.com/caliper-dev/caliper/compiler"
	"github.com/caliper-dev/caliper/dialect"
	"github.com/caliper-dev/caliper/internal/errs"
	"github.com/caliper-dev/caliper/lang"
	"github.com/caliper-dev/caliper/runtime"
	"github.com/caliper-dev/caliper/runtime/engine"
)

func main() {
	if len(os.Args) >= 3 && (os.Args[1] == "fused" || os.Args[1] == "sql" || os.Args[1] == "gen" || os.Args[1] == "genscale" || os.Args[1] == "gentrec" || os.Args[1] == "trace" || os.Args[1] == "query") {
		if err := child(os.Args[1], os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, "benchrun:", err)
			os.Exit(1)
		}
		return
	}
	sizes := flag.String("sizes", "1M,10M", "data sizes in events, comma-separated (1M, 10M, 100M, 500k)")
	data := flag.String("data", os.TempDir(), "folder holding the cached data sets (caliper-bench-<events>)")
	cal := flag.String("caliper", "caliper", "the caliper binary to time")
	reps := flag.Int("reps", 3, "timed repetitions of each command (after one warm-up)")
	analyze := flag.Bool("analyze", true, "time the statistics layer alone (c)")
	old := flag.String("baseline", "", "another caliper binary (e.g. built from an earlier commit) whose runs are timed in the same loop, for before/after ratios")
	flag.Parse()
	if err := run(*sizes, *data, *cal, *old, *reps, *analyze); err != nil {
		fmt.Fprintln(os.Stderr, "benchrun:", err)
		os.Exit(1)
	}
}

// child runs one command in this process: gen DIR EVENTS makes a data
// set; fused DATA runs the fused query on a data folder; sql SPEC runs a
// spec folder's compiled SQL alone (no validation, no statistics).
//
// Data is generated in a child too: Go starts children with vfork, and
// Linux carries the parent's peak RSS over exec into the child's
// ru_maxrss, so the measuring process must stay small.
func child(what string, args []string) (err error) {
	dir := args[0]
	if what == "trace" {
		return trace(dir, args[1:])
	}
	if what == "genscale" {
		if len(args) < 3 || len(args) > 4 {
			return fmt.Errorf("usage: benchrun genscale DIR UNITS EVENTS [MEMORY-LIMIT]")
		}
		units, err := parseSize(args[1])
		if err != nil {
			return err
		}
		events, err := parseSize(args[2])
		if err != nil {
			return err
		}
		limit := ""
		if len(args) == 4 {
			limit = args[3]
		}
		made, err := bench.ScaleData(dir, units, events, limit)
		fmt.Println(made)
		return err
	}
	if what == "gentrec" {
		if len(args) != 3 {
			return fmt.Errorf("usage: benchrun gentrec DIR QUERIES DOCS")
		}
		queries, err := parseSize(args[1])
		if err != nil {
			return err
		}
		docs, err := parseSize(args[2])
		if err != nil {
			return err
		}
		made, err := bench.TrecData(dir, queries, docs)
		fmt.Println(made)
		return err
	}
	if what == "gen" {
		if len(args) != 2 {
			return fmt.Errorf("usage: benchrun gen DIR EVENTS")
		}
		n, err := strconv.Atoi(args[1])
		if err != nil {
			return err
		}
		rows, err := bench.Data(dir, n)
		fmt.Println(rows)
		return err
	}
	eng, err := engine.OpenDuckDB("")
	if err != nil {
		return err
	}
	defer errs.Close(eng, &err)
	ctx := context.Background()
	if what == "fused" {
		_, err := eng.Query(ctx, bench.Fused(dir))
		return err
	}
	if what == "query" { // a file of SQL, for trying rewrites by hand
		q, err := os.ReadFile(dir)
		if err != nil {
			return err
		}
		_, err = eng.Query(ctx, string(q))
		return err
	}
	res := lang.LoadWith(dir, lang.Options{DataRoots: []string{filepath.Join(filepath.Dir(dir), "data")}})
	if res.Diags.HasErrors() {
		return res.Diags.Err()
	}
	// Validate the sources as a run does: it records each column's type
	// in the data, which the compiled SQL reads (a timestamp stored
	// without a time zone is read as it is, without the instant cast).
	for _, src := range res.Package.Sources {
		if ds := runtime.ValidateSource(ctx, eng, dialect.DuckDB, src); ds.HasErrors() {
			return ds.Err()
		}
	}
	plan, err := compiler.Compile(res.Package.Targets[0], dialect.DuckDB)
	if err != nil {
		return err
	}
	_, err = eng.Query(ctx, plan.SQL)
	return err
}

// parseSize reads 1M, 10M, 500k or 1000000.
func parseSize(s string) (int, error) {
	s = strings.TrimSpace(s)
	orig := s
	mult := 1
	switch {
	case strings.HasSuffix(s, "B"), strings.HasSuffix(s, "b"), strings.HasSuffix(s, "G"), strings.HasSuffix(s, "g"):
		mult, s = 1_000_000_000, s[:len(s)-1]
	case strings.HasSuffix(s, "M"), strings.HasSuffix(s, "m"):
		mult, s = 1_000_000, s[:len(s)-1]
	case strings.HasSuffix(s, "k"), strings.HasSuffix(s, "K"):
		mult, s = 1_000, s[:len(s)-1]
	}
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("bad size %q: a whole number, optionally with k, M or B (billions)", orig)
	}
	return n * mult, nil
}

// command is one timed child process.
type command struct {
	label string
	args  []string
	times []time.Duration
	cpu   []time.Duration
	rss   int64 // peak over the runs, bytes
}

func (c *command) run() error {
	cmd := exec.Command(c.args[0], c.args[1:]...)
	cmd.Stdout = io.Discard
	var stderr strings.Builder
	cmd.Stderr = &stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %v\n%s", strings.Join(c.args, " "), err, stderr.String())
	}
	c.times = append(c.times, time.Since(start))
	rss, cpu := usage(cmd.ProcessState)
	c.rss = max(c.rss, rss)
	c.cpu = append(c.cpu, cpu)
	return nil
}

func median(ts []time.Duration) time.Duration {
	t := append([]time.Duration(nil), ts...)
	sort.Slice(t, func(i, j int) bool { return t[i] < t[j] })
	return t[len(t)/2]
}

func (c *command) median() time.Duration { return median(c.times) }

func (c *command) cpuTime() time.Duration { return median(c.cpu) }

func (c *command) min() time.Duration {
	m := c.times[0]
	for _, t := range c.times {
		m = min(m, t)
	}
	return m
}

func run(sizeList, data, cal, old string, reps int, analyze bool) error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	if p, err := exec.LookPath(cal); err == nil {
		cal = p
	} else {
		return fmt.Errorf("the caliper binary %q: %v (build it: go build -o caliper ./cmd/caliper)", cal, err)
	}
	if old != "" {
		if old, err = exec.LookPath(old); err != nil {
			return fmt.Errorf("the baseline binary: %v", err)
		}
	}
	fmt.Printf("# Caliper benchmarks\n\n%s, %d CPUs, GOMAXPROCS %d; %d timed runs per command after a warm-up; median wall time, peak RSS of the process.\n",
		time.Now().UTC().Format("2006-01-02 15:04 UTC"), goruntime.NumCPU(), goruntime.GOMAXPROCS(0), reps)
	for _, s := range strings.Split(sizeList, ",") {
		n, err := parseSize(s)
		if err != nil {
			return err
		}
		dir := filepath.Join(data, fmt.Sprintf("caliper-bench-%d", n))
		start := time.Now()
		out, err := exec.Command(self, "gen", dir, strconv.Itoa(n)).Output()
		if err != nil {
			return fmt.Errorf("generating %s: %v", dir, err)
		}
		gen := ""
		if rows := strings.TrimSpace(string(out)); rows != "0" {
			gen = fmt.Sprintf("; generated %s event rows in %s", rows, time.Since(start).Round(time.Second))
		}
		fused := &command{label: "hand-written fused query, 5 metrics", args: []string{self, "fused", filepath.Join(dir, "data")}}
		sql5 := &command{label: "caliper's compiled SQL alone, 5 metrics", args: []string{self, "sql", filepath.Join(dir, "spec5")}}
		run5 := &command{label: "caliper run, 5 metrics", args: []string{cal, "run", filepath.Join(dir, "spec5"), "--data-root", filepath.Join(dir, "data"), "--format", "json"}}
		run1 := &command{label: "caliper run, 1 metric", args: []string{cal, "run", filepath.Join(dir, "spec1"), "--data-root", filepath.Join(dir, "data"), "--format", "json"}}
		run50 := &command{label: "caliper run, 50 metrics", args: []string{cal, "run", filepath.Join(dir, "spec50"), "--data-root", filepath.Join(dir, "data"), "--format", "json"}}
		cmds := []*command{fused, sql5, run5, run1, run50}
		var old5, old1, old50 *command
		if old != "" {
			runOld := func(n int, label string) *command {
				spec := filepath.Join(dir, fmt.Sprintf("spec%d", n))
				return &command{label: "baseline binary: " + label, args: []string{old, "run", spec, "--data-root", filepath.Join(dir, "data"), "--format", "json"}}
			}
			old5, old1, old50 = runOld(5, "caliper run, 5 metrics"), runOld(1, "caliper run, 1 metric"), runOld(50, "caliper run, 50 metrics")
			cmds = append(cmds, old5, old1, old50)
		}
		for r := 0; r <= reps; r++ {
			for _, c := range cmds {
				if err := c.run(); err != nil {
					return err
				}
				if r == 0 { // warm-up: page cache, binary
					c.times, c.cpu, c.rss = nil, nil, 0
				}
			}
		}
		var load string
		if b, err := os.ReadFile("/proc/loadavg"); err == nil {
			load = "; load average after: " + strings.Join(strings.Fields(string(b))[:3], " ")
		}
		fmt.Printf("\n## %s events (%s%s%s)\n\n", s, dir, gen, load)
		fmt.Println("| command | wall median | wall min | CPU | peak RSS | ratio (wall min; CPU) |")
		fmt.Println("|---|---|---|---|---|---|")
		r := func(a, b *command) string {
			return fmt.Sprintf("%.2fx; %.2fx", secs(a.min())/secs(b.min()), secs(a.cpuTime())/secs(b.cpuTime()))
		}
		ratio := map[*command]string{
			fused: "baseline (a)",
			sql5:  r(sql5, fused) + " fused",
			run5:  "**(a) " + r(run5, fused) + " fused** (target <= 1.15x)",
			run1:  "baseline (b)",
			run50: "**(b) " + r(run50, run1) + " 1 metric** (target <= 2x)",
		}
		if old != "" {
			ratio[old5] = r(old5, fused) + " fused; the new binary is " + r(run5, old5) + " of it"
			ratio[old1] = "the new binary is " + r(run1, old1) + " of it"
			ratio[old50] = r(old50, old1) + " its 1 metric; the new binary is " + r(run50, old50) + " of it"
		}
		for _, c := range cmds {
			fmt.Printf("| %s | %.3f s | %.3f s | %.3f s | %s | %s |\n", c.label, secs(c.median()), secs(c.min()), secs(c.cpuTime()), mb(c.rss), ratio[c])
		}
	}
	if analyze {
		return analyzeOnly()
	}
	return nil
}

// analyzeOnly times runtime.Analyze on 5 variants x 50 metrics x 20
// segment values, in this process.
func analyzeOnly() error {
	plan, tab, err := bench.AnalyzeInput(5, 20)
	if err != nil {
		return err
	}
	var times []time.Duration
	var ms0, ms1 goruntime.MemStats
	results := 0
	goruntime.ReadMemStats(&ms0)
	const runs = 21
	cpu0 := selfCPU()
	for i := 0; i < runs; i++ {
		start := time.Now()
		t, err := runtime.Analyze(plan, tab)
		if err != nil {
			return err
		}
		times = append(times, time.Since(start))
		results = len(t.Results)
	}
	cpu := (selfCPU() - cpu0) / runs
	goruntime.ReadMemStats(&ms1)
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	med := times[len(times)/2]
	fmt.Printf("\n## Statistics alone (c)\n\nruntime.Analyze on an in-memory table, 5 variants x 50 metrics x 20 segment values (%d results): "+
		"**%.1f ms** median wall time of %d (min %.1f ms; CPU %.1f ms a call; target <= 50 ms), %s allocated per call.\n",
		results, 1000*secs(med), runs, 1000*secs(times[0]), 1000*secs(cpu), mb(int64((ms1.TotalAlloc-ms0.TotalAlloc)/runs)))
	return nil
}

func secs(d time.Duration) float64 { return d.Seconds() }

func mb(b int64) string {
	if b <= 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.0f MB", float64(b)/(1<<20))
}
