package duckstore

import (
	"context"
	"errors"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/caliper-dev/caliper/internal/testenv"

	"github.com/caliper-dev/caliper/runtime/store"
)

// The crash tests start this test binary again as a child process that
// writes to a store, and kill it with SIGKILL: the child never gets to
// roll back, close or checkpoint.

const (
	childEnv  = "CALIPER_STORE_CHILD" // mode:store path:ready file
	holdRows  = 500
	committed = "child-committed"
	pending   = "child-pending"
)

// TestStoreChild is the child's side; it does nothing in a normal run.
func TestStoreChild(t *testing.T) {
	spec := os.Getenv(childEnv)
	if spec == "" {
		t.Skip("crash-test child only")
	}
	parts := strings.SplitN(spec, ":", 3)
	mode, path, ready := parts[0], parts[1], parts[2]
	ctx := context.Background()
	s, err := OpenDuckDB(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		os.Exit(1)
	}
	switch mode {
	case "hold":
		// One run committed (in the WAL, not yet checkpointed), then a
		// second that stops inside its transaction, rows written.
		if err := s.Append(ctx, sampleRun(committed, 50)); err != nil {
			fmt.Fprintln(os.Stderr, "child:", err)
			os.Exit(1)
		}
		testHookInTx = func() {
			os.WriteFile(ready, nil, 0o644)
			time.Sleep(time.Minute)
		}
		s.Append(ctx, sampleRun(pending, holdRows))
		os.Exit(1) // not reached: the parent kills the child first
	case "loop":
		// Runs of varied sizes, back to back, until killed.
		os.WriteFile(ready, nil, 0o644)
		for i := 0; ; i++ {
			if err := s.Append(ctx, loopRun(fmt.Sprintf("loop-%d-%d", os.Getpid(), i), 1+i*37%400)); err != nil {
				fmt.Fprintln(os.Stderr, "child:", err)
				os.Exit(1)
			}
		}
	}
}

// loopRun is a run whose rows' estimates are 0.5, 1.5, ... (their sum
// is n²/2, which the integrity check recomputes from the stored rows).
func loopRun(id string, n int) *store.Run {
	run := &store.Run{ID: id, Version: "loop", SpecHash: "s", DataFingerprint: "d", Targets: 1}
	for i := 0; i < n; i++ {
		run.Rows = append(run.Rows, store.Row{Target: "exp", TargetKind: "experiment", Metric: "m", MetricKind: "mean",
			Variant: "t", Control: "c", Estimate: f(float64(i) + 0.5), Method: "welch_t", Alpha: 0.05})
	}
	return run
}

// startChild runs the child in mode on path and waits until it reports
// ready.
func startChild(t *testing.T, mode, path string) *exec.Cmd {
	t.Helper()
	ready := filepath.Join(t.TempDir(), "ready")
	cmd := exec.Command(os.Args[0], "-test.run=^TestStoreChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), childEnv+"="+mode+":"+path+":"+ready)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	done := make(chan error, 1)
	go func() {
		for {
			if _, err := os.Stat(ready); err == nil {
				done <- nil
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
	}()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		t.Fatal("child did not get ready")
	}
	return cmd
}

func kill(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("child was not killed by SIGKILL: %v", err)
	}
}

// TestCrashInsideTransaction kills a writer while its transaction holds a
// whole run's rows: the run is absent afterwards, the runs committed
// before it (one of them only in the write-ahead log) are intact, and the
// store takes new runs. While the child holds the file, a second writer
// (and a reader) fails with ErrInUse.
func TestCrashInsideTransaction(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "results.duckdb")
	s, err := OpenDuckDB(path)
	if err != nil {
		t.Fatal(err)
	}
	first := sampleRun("parent-1", 3)
	if err := s.Append(ctx, first); err != nil {
		t.Fatal(err)
	}
	s.Close()

	child := startChild(t, "hold", path)
	for name, open := range map[string]func(string) (*DuckDB, error){"writer": OpenDuckDB, "reader": OpenDuckDBReadOnly} {
		_, err := open(path)
		t.Logf("second %s: %v", name, err)
		if !errors.Is(err, store.ErrInUse) || !strings.Contains(err.Error(), "is held by process ") {
			t.Errorf("second %s while the child writes: %v", name, err)
		}
	}
	kill(t, child)
	if _, err := os.Stat(path + ".wal"); err != nil {
		t.Errorf("expected the killed writer to leave its write-ahead log: %v", err)
	}

	// A reader (history) sees the committed runs, replaying the log.
	r, err := OpenDuckDBReadOnly(path)
	if err != nil {
		t.Fatalf("read after the crash: %v", err)
	}
	if runs, err := r.Runs(ctx); err != nil || len(runs) != 2 {
		t.Errorf("reader after the crash: %d runs (%v)", len(runs), err)
	}
	r.Close()
	s, err = OpenDuckDB(path)
	if err != nil {
		t.Fatalf("reopen after the crash: %v", err)
	}
	defer s.Close()
	checkIntegrity(t, s)
	runs, err := s.Runs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range runs {
		ids = append(ids, r.ID)
	}
	if strings.Join(ids, " ") != "parent-1 "+committed {
		t.Fatalf("runs after the crash: %v", ids)
	}
	var n int
	if err := s.db.QueryRow(`SELECT count(*) FROM results WHERE run_id = ?`, pending).Scan(&n); err != nil || n != 0 {
		t.Errorf("%d rows of the killed run (%v)", n, err)
	}
	hist, err := s.History(ctx, store.Query{Target: "exp"})
	if err != nil {
		t.Fatal(err)
	}
	var got, want []store.Row
	for _, e := range hist {
		if e.Run.ID == "parent-1" {
			got = append(got, e.Row)
		}
	}
	for _, r := range first.Rows {
		if r.Target == "exp" {
			want = append(want, r)
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("parent-1 reads back differently after the crash")
	}
	if err := s.Append(ctx, sampleRun("parent-2", 1)); err != nil {
		t.Fatalf("append after the crash: %v", err)
	}
	if runs, _ := s.Runs(ctx); len(runs) != 3 || runs[2].Seq != 3 {
		t.Errorf("runs after appending: %d", len(runs))
	}
}

// TestCrashAnywhere kills a writer that appends runs back to back at
// random moments (inside a transaction, while committing or
// checkpointing): every time, the store opens, each stored run has all
// its rows, and the runs stored before are still there.
func TestCrashAnywhere(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	path := filepath.Join(t.TempDir(), "results.duckdb")
	rng := rand.New(rand.NewSource(1))
	seen := 0
	// Two rounds in the quick suite; six when CALIPER_LONG=1 (CI).
	rounds := 2
	if testenv.Long() {
		rounds = 6
	}
	for round := 0; round < rounds; round++ {
		child := startChild(t, "loop", path)
		time.Sleep(time.Duration(20+rng.Intn(600)) * time.Millisecond)
		kill(t, child)
		s, err := OpenDuckDB(path)
		if err != nil {
			t.Fatalf("round %d: reopen: %v", round, err)
		}
		n := checkIntegrity(t, s)
		s.Close()
		if n < seen {
			t.Fatalf("round %d: %d runs, %d before", round, n, seen)
		}
		t.Logf("round %d: %d runs stored", round, n)
		seen = n
	}
}

// checkIntegrity checks that every run has exactly its rows (count and,
// for loop runs, the sum of estimates), that no row lacks its run, and
// that run seq numbers are 1..n. It returns the number of runs.
func checkIntegrity(t *testing.T, s *DuckDB) int {
	t.Helper()
	var bad, orphans, runs, maxSeq int
	err := s.db.QueryRow(`SELECT count(*) FROM runs r LEFT JOIN
		(SELECT run_id, count(*) AS n, sum(estimate) AS total FROM results GROUP BY run_id) x USING (run_id)
		WHERE coalesce(x.n, 0) <> r.results OR (r.caliper_version = 'loop' AND x.total <> r.results * r.results / 2.0)`).Scan(&bad)
	if err == nil {
		err = s.db.QueryRow(`SELECT count(*) FROM results WHERE run_id NOT IN (SELECT run_id FROM runs)`).Scan(&orphans)
	}
	if err == nil {
		err = s.db.QueryRow(`SELECT count(*), coalesce(max(seq), 0) FROM runs`).Scan(&runs, &maxSeq)
	}
	if err != nil {
		t.Fatal(err)
	}
	if bad != 0 || orphans != 0 || runs != maxSeq {
		t.Errorf("integrity: %d runs with missing or extra rows, %d orphan rows, %d runs with max seq %d", bad, orphans, runs, maxSeq)
	}
	return runs
}
