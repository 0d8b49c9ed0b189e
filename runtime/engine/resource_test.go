package engine

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// Out of memory under --memory-limit is told in Caliper's flags, with
// DuckDB's first line kept and its SET-statement advice dropped.
func TestOutOfMemoryNamesTheFlags(t *testing.T) {
	eng, err := OpenDuckDBWith("", DuckDBOptions{Threads: 1, MemoryLimit: "16MB", TempDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	// A list aggregate holds its whole input: it cannot spill.
	_, err = eng.Query(context.Background(), "SELECT length(list(repeat('x', 64) || i)) FROM range(2000000) AS t(i)")
	var re *ResourceError
	if !errors.As(err, &re) {
		t.Fatalf("want a ResourceError, got %v", err)
	}
	msg := err.Error()
	for _, want := range []string{"Out of Memory Error", "--memory-limit 16MB: raise it", "--threads", "--temp-dir"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q:\n%s", want, msg)
		}
	}
	t.Log(msg)
	if strings.Contains(msg, "SET ") || strings.Contains(msg, "\n") {
		t.Errorf("message keeps DuckDB's SQL advice or spans lines:\n%s", msg)
	}
}

// A full spill disk names --temp-dir and where it points; other errors
// pass unchanged.
func TestDiskFullNamesTheTempDir(t *testing.T) {
	d := &DuckDB{tempDir: "/scratch/spill"}
	err := d.resourceError(errors.New("IO Error: Could not write file \"/scratch/spill/duckdb_temp_storage-0.tmp\": No space left on device\n\nSTACK TRACE"))
	var re *ResourceError
	if !errors.As(err, &re) || !strings.Contains(err.Error(), "--temp-dir, now /scratch/spill") || strings.Contains(err.Error(), "STACK") {
		t.Fatalf("disk full not recast: %v", err)
	}
	if got := d.resourceError(re); got != re {
		t.Errorf("a recast error is recast again: %v", got)
	}
	other := errors.New("Binder Error: Referenced column \"ts\" not found")
	if got := d.resourceError(other); got != other {
		t.Errorf("another error changed: %v", got)
	}
}
