#!/usr/bin/env bash
# Runs the scheduler Lambda as Lambda runs it, on the local emulator:
# moto with the demo's tables and instances, `cargo lambda watch` as the
# Runtime API, and one `cargo lambda invoke` with events/scheduled.json.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/instance-scheduler/target}"
source scripts/moto.sh
export PATH="$(scripts/venv.sh):$PATH"
cargo run -q --bin schedctl -- init-tables
python scripts/demo_seed.py >/dev/null
port="$(free_port)"
cargo lambda watch --invoke-port "$port" &
stop_on_exit $!
wait_for_port "$port" 900 1 || true
cargo lambda invoke scheduler-lambda --invoke-port "$port" --data-file events/scheduled.json
echo
