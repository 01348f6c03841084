#!/usr/bin/env bash
# Benchmark of whole passes over a 2,000 EC2 / 200 RDS fleet on moto, with
# API calls counted against the minimum (see scripts/bench_fleet.py).
set -euo pipefail
cd "$(dirname "$0")/.."
schedctl="$(scripts/schedctl-release.sh)"
exec "$(scripts/venv.sh)/python" scripts/bench_fleet.py "$schedctl"
