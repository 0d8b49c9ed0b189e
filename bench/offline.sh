#!/usr/bin/env bash
# Offline benchmark at scale (bench/README.md): caliper run on TREC files
# of QUERIES queries x DOCS retrieved documents x 2 models, against
# trec_eval run once per model on the same files, with the same six
# measures. Prints wall, CPU (user + sys) and peak RSS of each, REPS times
# interleaved, and checks that caliper's means equal trec_eval's to 4
# decimals.
#
#   TREC_EVAL=/path/to/trec_eval bench/offline.sh           # 20k x 100
#   QUERIES=100k TREC_EVAL=... bench/offline.sh             # 100k x 100 (0.8 GB of files; trec_eval about 3 min per model)
#
# Not QUERIES=1M (8.6 GB of files): trec_eval's time grows with the square
# of the number of queries, about 6 hours per model there (bench/README.md).
#
# trec_eval is not part of this repository: build it from
# github.com/usnistgov/trec_eval (make) in a scratch folder.
# Environment: QUERIES (default 20k), DOCS (100), REPS (3), DATA (cache
# folder, default the system temp folder), BASELINE (another caliper
# binary timed in the same loop, optional).
set -euo pipefail
cd "$(dirname "$0")/.."
: "${TREC_EVAL:?set TREC_EVAL to a trec_eval binary}"
QUERIES=${QUERIES:-20k}
DOCS=${DOCS:-100}
REPS=${REPS:-3}
DATA=${DATA:-${TMPDIR:-/tmp}}
BIN=$(mktemp -d)
trap 'rm -rf "$BIN"' EXIT
go build -o "$BIN/caliper" ./cmd/caliper
go build -o "$BIN/benchrun" ./bench/cmd/benchrun
DIR="$DATA/caliper-trec-$QUERIES-$DOCS"
"$BIN/benchrun" gentrec "$DIR" "$QUERIES" "$DOCS" >/dev/null
MEASURES=(-m ndcg -m ndcg_cut.10 -m map -m recip_rank -m P.10 -m recall.100)
timed() { # label command...: one line "label wall cpu rss_kb"
  local label=$1
  shift
  /usr/bin/time -f "$label %e %U %S %M" -o "$BIN/t" "$@" >"$BIN/out.$label"
  awk '{printf "%s %.2f %.2f %d\n", $1, $2, $3 + $4, $5}' "$BIN/t"
}
{
  for r in $(seq "$REPS"); do
    timed trec_eval_a "$TREC_EVAL" "${MEASURES[@]}" "$DIR/data/qrels.txt" "$DIR/data/run_a.txt"
    timed trec_eval_b "$TREC_EVAL" "${MEASURES[@]}" "$DIR/data/qrels.txt" "$DIR/data/run_b.txt"
    timed caliper "$BIN/caliper" run "$DIR" --format json
    if [ -n "${BASELINE:-}" ]; then
      timed baseline "$BASELINE" run "$DIR" --format json
    fi
  done
} >"$BIN/times"
echo "# Offline: $QUERIES queries x $DOCS docs x 2 models ($(date -u '+%Y-%m-%d %H:%M UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg))"
echo
echo "| command | wall median | CPU median | peak RSS | vs trec_eval a+b (wall; CPU; RSS vs the larger) |"
echo "|---|---|---|---|---|"
awk -v reps="$REPS" '
  function med(a, n,   i, j, t) { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t } return a[int((n + 1) / 2)] }
  { n[$1]++; w[$1, n[$1]] = $2; c[$1, n[$1]] = $3; if ($4 > rss[$1]) rss[$1] = $4; order[$1] = order[$1] ? order[$1] : ++k; name[k] = $1 }
  END {
    for (i = 1; i <= k; i++) { l = name[i]; for (j = 1; j <= n[l]; j++) { ww[j] = w[l, j]; cc[j] = c[l, j] } W[l] = med(ww, n[l]); C[l] = med(cc, n[l]) }
    tw = W["trec_eval_a"] + W["trec_eval_b"]; tc = C["trec_eval_a"] + C["trec_eval_b"]; tr = rss["trec_eval_a"] > rss["trec_eval_b"] ? rss["trec_eval_a"] : rss["trec_eval_b"]
    for (i = 1; i <= k; i++) { l = name[i]; r = (l ~ /^trec_eval/) ? "" : sprintf("%.2fx; %.2fx; %.2fx", W[l] / tw, C[l] / tc, rss[l] / tr)
      printf "| %s | %.2f s | %.2f s | %.0f MB | %s |\n", l, W[l], C[l], rss[l] / 1024, r }
  }' "$BIN/times"
# Means agree with trec_eval's 4 decimals.
python3 - "$BIN" <<'PY' || echo "(python3 missing: agreement not checked)"
import json, sys
b = sys.argv[1]
name = {"ndcg": "ndcg", "ndcg@10": "ndcg_cut_10", "map": "map", "mrr": "recip_rank", "precision@10": "P_10", "recall@100": "recall_100"}
te = {}
for m in "ab":
    for line in open(f"{b}/out.trec_eval_{m}"):
        f = line.split()
        te[("model_" + m, f[0])] = f[2]
bad = 0
for s in json.load(open(f"{b}/out.caliper"))["targets"][0]["scores"]:
    want = te[(s["model"], name[s["metric"]])]
    if f'{s["value"]:.4f}' != want:
        bad += 1
        print("differs:", s["model"], s["metric"], s["value"], want)
print(f"\n{12 - bad} of 12 means equal trec_eval's to 4 decimals.")
PY
