#!/usr/bin/env bash
# Benchmark of a hub: 50 targets x 200 instances on moto, one pass per
# target as the Map runs them (see scripts/bench_targets.py; TARGETS_COUNT,
# INSTANCES and CONCURRENCY change the sizes).
set -euo pipefail
cd "$(dirname "$0")/.."
schedctl="$(scripts/schedctl-release.sh)"
exec "$(scripts/venv.sh)/python" scripts/bench_targets.py "$schedctl"
