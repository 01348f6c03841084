#!/usr/bin/env bash
# Builds the release arm64 Lambda bootstrap with cargo lambda (from .venv,
# with zig for the cross link) and prints the zip size.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/instance-scheduler/target}"
export PATH="$(scripts/venv.sh):$PATH"
rustup target add aarch64-unknown-linux-gnu >/dev/null
start=$(date +%s)
cargo lambda build --release --arm64 --bin scheduler-lambda --output-format zip
zip="$CARGO_TARGET_DIR/lambda/scheduler-lambda/bootstrap.zip"
echo "built in $(( $(date +%s) - start )) s: $zip $(stat -c %s "$zip") bytes"
