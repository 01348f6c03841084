#!/usr/bin/env bash
# Benchmark of whole passes over a 2,000 EC2 / 200 RDS fleet on moto, with
# API calls counted against the minimum (see scripts/bench_fleet.py).
# Builds schedctl in release mode first (slow once: LTO).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/instance-scheduler/target}"
profile="${PROFILE:-release}"
cargo build --quiet --profile "$profile" --bin schedctl
dir="$profile"; [ "$profile" = dev ] && dir=debug
venv_bin="$(scripts/venv.sh)"
exec "$venv_bin/python" scripts/bench_fleet.py "$CARGO_TARGET_DIR/$dir/schedctl"
