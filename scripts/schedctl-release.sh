#!/usr/bin/env bash
# Builds schedctl for the benchmarks (release, or PROFILE=dev) and prints
# its path. Slow once: LTO.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/instance-scheduler/target}"
profile="${PROFILE:-release}"
cargo build --quiet --profile "$profile" --bin schedctl
dir="$profile"; [ "$profile" = dev ] && dir=debug
echo "$CARGO_TARGET_DIR/$dir/schedctl"
