package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/caliper-dev/caliper/lang"
	"github.com/caliper-dev/caliper/runtime"
	"github.com/caliper-dev/caliper/runtime/engine"
)

// tracer times every query a run sends to the engine.
type tracer struct {
	engine.Engine
	calls []traced
}

type traced struct {
	what      string
	wall, cpu time.Duration
}

func (t *tracer) Query(ctx context.Context, q string) (*engine.Table, error) {
	start, cpu0 := time.Now(), selfCPU()
	tab, err := t.Engine.Query(ctx, q)
	t.calls = append(t.calls, traced{what: summary(q), wall: time.Since(start), cpu: selfCPU() - cpu0})
	return tab, err
}

func (t *tracer) Stream(ctx context.Context, q string, start func([]string) error, each func([]any) error) error {
	begin, cpu0 := time.Now(), selfCPU()
	err := t.Engine.Stream(ctx, q, start, each)
	t.calls = append(t.calls, traced{what: summary(q), wall: time.Since(begin), cpu: selfCPU() - cpu0})
	return err
}

// summary is a query's first comment line, or its first 100 characters.
func summary(q string) string {
	q = strings.TrimSpace(q)
	if strings.HasPrefix(q, "--") {
		if i := strings.IndexByte(q, '\n'); i > 0 {
			return q[:i]
		}
	}
	q = strings.Join(strings.Fields(q), " ")
	if len(q) > 100 {
		q = q[:100] + "..."
	}
	return q
}

// trace runs a spec folder as `caliper run` does (minus rendering) and
// prints each query's wall and CPU time: where a run's time goes outside
// its main query. Data roots are the folders after the spec.
func trace(dir string, roots []string) error {
	res := lang.LoadWith(dir, lang.Options{DataRoots: roots})
	if res.Diags.HasErrors() {
		return res.Diags.Err()
	}
	eng, err := engine.OpenDuckDB("")
	if err != nil {
		return err
	}
	defer func() { _ = eng.Close() }() // in-memory engine: nothing to lose on close
	t := &tracer{Engine: eng}
	start, cpu0 := time.Now(), selfCPU()
	_, diags := runtime.Run(context.Background(), t, res.Package)
	wall, cpu := time.Since(start), selfCPU()-cpu0
	for _, d := range diags {
		fmt.Fprintln(os.Stderr, d)
	}
	fmt.Printf("| query | wall | CPU |\n|---|---|---|\n")
	var qw, qc time.Duration
	for _, c := range t.calls {
		fmt.Printf("| `%s` | %.3f s | %.3f s |\n", strings.ReplaceAll(c.what, "|", `\|`), secs(c.wall), secs(c.cpu))
		qw += c.wall
		qc += c.cpu
	}
	fmt.Printf("| %d queries | %.3f s | %.3f s |\n| whole run (load to analysis) | %.3f s | %.3f s |\n", len(t.calls), secs(qw), secs(qc), secs(wall), secs(cpu))
	return nil
}
