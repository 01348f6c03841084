#!/usr/bin/env bash
# Benchmark of a hub: 50 targets x 200 instances on moto (ten accounts to a
# moto process), one pass per target as the Map runs them, 100 at a time
# (see scripts/bench_targets.py; TARGETS_COUNT, INSTANCES, PER_MOTO and
# CONCURRENCY change the sizes; PROFILE=dev uses the debug build).
set -euo pipefail
cd "$(dirname "$0")/.."
schedctl="$(scripts/schedctl-release.sh)"
exec "$(scripts/venv.sh)/python" scripts/bench_targets.py "$schedctl"
