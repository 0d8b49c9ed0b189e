package runtime_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/caliper-dev/caliper/internal/golden"
	"github.com/caliper-dev/caliper/internal/runspec"
	"github.com/caliper-dev/caliper/lang/diag"
	"github.com/caliper-dev/caliper/runtime"
)

// Bad data is a positioned diagnostic naming the source, the column, and
// what was found; golden in testdata/data_errors.golden.
func TestDataErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("exposures.csv", "user_id,variant,ts\na,control,2026-10-01 00:00:00\nb,treatment,2026-10-01 00:00:00\n")
	write("events.csv", "user_id,event,amount,when\na,save,1.5,yesterday\nb,save,x,2026-10-02\n")
	write("spec.cal", `source exposures {
  from csv("exposures.csv")
  time ts
  columns { user_id string  variant string  ts timestamp  country string }
}
source events {
  from csv("events.csv")
  time when
  columns { user_id string  event string  amount float  when timestamp }
}
source missing {
  from parquet("nowhere/events.parquet")
  time ts
  columns { user_id string  ts timestamp }
}
metric saves { value count(events where event == "save") }
metric amount { value sum(events.amount) }
metric other { value count(missing) }
experiment e {
  exposures  exposures
  unit       user_id
  assignment variant
  control    "control"
  window     7d
  primary    saves
  secondary  amount, other
}
`)
	_, diags, res := runspec.Run(t, dir, runtime.Options{})
	codes := map[diag.Code]int{}
	for _, d := range diags {
		codes[d.Code]++
	}
	if codes[diag.EDataRead] != 1 || codes[diag.EDataColumn] != 1 || codes[diag.EDataType] != 2 {
		t.Errorf("want 1 unreadable source, 1 missing column, 2 mistyped columns; got %v", codes)
	}
	var buf bytes.Buffer
	diag.Render(&buf, res.Files, diags, diag.RenderOptions{})
	out := strings.ReplaceAll(buf.String(), dir+string(filepath.Separator), "")
	golden.Check(t, "../testdata/data_errors.golden", []byte(out))
}
