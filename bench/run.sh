#!/usr/bin/env bash
# Scale benchmarks (bench/README.md): builds caliper and the driver, makes
# (once, cached) data sets of 1M and 10M events, and times
#   (a) caliper run vs one hand-written fused DuckDB query,
#   (b) caliper run with 50 metrics vs 1 metric,
#   (c) the statistics layer alone (5 variants x 50 metrics x 20 segments),
# printing ratios and peak memory as Markdown (also saved to $OUT).
#
#   bench/run.sh                      # 1M and 10M events
#   BENCH_100M=1 bench/run.sh         # also 100M (about 6 GB of disk while
#                                     # generating, several minutes a run)
#   SIZES=500k REPS=5 bench/run.sh    # any sizes
#
# Environment: SIZES (default 1M,10M), BENCH_100M=1 (adds 100M), REPS
# (timed runs per command, default 3; 1 at 100M is plenty), DATA (cache
# folder, default the system temp folder), OUT (report file, default
# $DATA/caliper-bench-results.md), BASELINE (another caliper binary, e.g.
# built from an earlier commit, timed in the same loop for before/after).
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES=${SIZES:-1M,10M}
if [ "${BENCH_100M:-}" = 1 ]; then
  SIZES="$SIZES,100M"
fi
REPS=${REPS:-3}
DATA=${DATA:-${TMPDIR:-/tmp}}
OUT=${OUT:-$DATA/caliper-bench-results.md}
BIN=$(mktemp -d)
trap 'rm -rf "$BIN"' EXIT

go build -o "$BIN/caliper" ./cmd/caliper
go build -o "$BIN/benchrun" ./bench/cmd/benchrun
"$BIN/benchrun" -caliper "$BIN/caliper" ${BASELINE:+-baseline "$BASELINE"} -sizes "$SIZES" -reps "$REPS" -data "$DATA" | tee "$OUT"
echo "(saved to $OUT)" >&2
