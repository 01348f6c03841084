#!/usr/bin/env bash
# Benchmark of a hub: 50 targets x 200 instances on moto, one pass per
# target as the Map runs them (see scripts/bench_targets.py; TARGETS_COUNT,
# INSTANCES and CONCURRENCY change the sizes). Builds schedctl in release
# mode first (slow once: LTO).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/instance-scheduler/target}"
profile="${PROFILE:-release}"
cargo build --quiet --profile "$profile" --bin schedctl
dir="$profile"; [ "$profile" = dev ] && dir=debug
venv_bin="$(scripts/venv.sh)"
exec "$venv_bin/python" scripts/bench_targets.py "$CARGO_TARGET_DIR/$dir/schedctl"
