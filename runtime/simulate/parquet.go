package simulate

import (
	"context"
	"fmt"
	"strings"

	"github.com/caliper-dev/caliper/internal/errs"
	"github.com/caliper-dev/caliper/runtime/engine"
)

// ToParquet converts a CSV file to Parquet with embedded DuckDB, keeping
// row order (one thread), so the output is reproducible.
func ToParquet(csvPath, parquetPath string) (err error) {
	eng, err := engine.OpenDuckDB("")
	if err != nil {
		return err
	}
	defer errs.Close(eng, &err)
	q := func(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
	ctx := context.Background()
	if _, err := eng.Query(ctx, "SET threads = 1"); err != nil {
		return err
	}
	stmt := fmt.Sprintf("COPY (SELECT * FROM read_csv(%s, header = true)) TO %s (FORMAT parquet, COMPRESSION zstd)", q(csvPath), q(parquetPath))
	if _, err := eng.Query(ctx, stmt); err != nil {
		return fmt.Errorf("convert %s to parquet: %w", csvPath, err)
	}
	return nil
}
