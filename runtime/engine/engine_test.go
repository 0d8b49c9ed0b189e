package engine

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// The DuckDB settings are applied with SET.
func TestDuckDBSettings(t *testing.T) {
	dir := t.TempDir()
	eng, err := OpenDuckDBWith("", DuckDBOptions{Threads: 1, MemoryLimit: "512MB", TempDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	tab, err := eng.Query(context.Background(), "SELECT current_setting('threads') AS t, current_setting('memory_limit') AS m, current_setting('temp_directory') AS d")
	if err != nil {
		t.Fatal(err)
	}
	threads, memory, temp := fmt.Sprint(tab.Rows[0][0]), fmt.Sprint(tab.Rows[0][1]), fmt.Sprint(tab.Rows[0][2])
	if threads != "1" || !strings.HasPrefix(memory, "488") || temp != dir {
		t.Errorf("threads %s, memory_limit %s, temp_directory %s", threads, memory, temp)
	}
	if _, err := OpenDuckDBWith("", DuckDBOptions{MemoryLimit: "lots"}); err == nil || !strings.Contains(err.Error(), "memory_limit") {
		t.Errorf("bad memory limit: %v", err)
	}
}
