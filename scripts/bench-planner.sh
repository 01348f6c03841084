#!/usr/bin/env bash
# Runs the planner benchmark (benches/planner.rs) several times and prints
# each case's median and range of criterion's per-run estimates: shared
# 2-core machines vary by a third from run to run, so one run says little.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/instance-scheduler/target}"
runs="${RUNS:-5}"
out="$(mktemp)"
trap 'rm -f "$out"' EXIT
cargo bench -q --bench planner --no-run
for _ in $(seq 1 "$runs"); do
  cargo bench -q --bench planner -- --warm-up-time 2 --measurement-time 6 --noplot >/dev/null 2>&1
  for dir in "$CARGO_TARGET_DIR"/criterion/*/new; do
    python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["median"]["point_estimate"]/1e6, sys.argv[2], sep="\t")' \
      "$dir/estimates.json" "$(basename "$(dirname "$dir")")" >>"$out"
  done
done
python3 - "$out" "$runs" <<'PY'
import collections, statistics, sys
runs = collections.defaultdict(list)
for line in open(sys.argv[1]):
    ms, name = line.rstrip("\n").split("\t")
    runs[name].append(float(ms))
for name, ms in sorted(runs.items()):
    print(f"{name}: median {statistics.median(ms):.2f} ms over {sys.argv[2]} runs "
          f"(range {min(ms):.2f}-{max(ms):.2f})")
PY
