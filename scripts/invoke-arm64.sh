#!/usr/bin/env bash
# Runs the release arm64 zip's bootstrap as Lambda runs it, on an x86
# machine: qemu-user (installed with apt-get when missing) runs it against
# `cargo lambda watch --only-lambda-apis` as the Runtime API, on moto with
# the demo's tables and servers, and `cargo lambda invoke` sends
# events/scheduled.json. Build the zip first (scripts/build-lambda.sh);
# this checks what sam build ships: its link flags (.cargo/config.toml)
# and its logging, not only the code.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/instance-scheduler/target}"
zip="${1:-$CARGO_TARGET_DIR/lambda/scheduler-lambda/bootstrap.zip}"
if ! command -v qemu-aarch64 >/dev/null 2>&1 || [ ! -d /usr/aarch64-linux-gnu/lib ]; then
  echo "installing qemu-user and the arm64 C library (Debian packages)" >&2
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq qemu-user libc6-arm64-cross >&2
fi
work="$(mktemp -d)"
unzip -q "$zip" -d "$work"
source scripts/moto.sh
export PATH="$(scripts/venv.sh):$PATH"
cargo run -q --bin schedctl -- init-tables
python scripts/demo_seed.py >/dev/null
port="$(free_port)"
cargo lambda watch --only-lambda-apis --invoke-port "$port" >"$work/watch.log" 2>&1 &
stop_on_exit $!
wait_for_port "$port" 300 1 || true
# As the template configures the function (LogFormat JSON).
AWS_LAMBDA_RUNTIME_API="http://127.0.0.1:$port/.rt" AWS_LAMBDA_FUNCTION_NAME=_ \
  AWS_LAMBDA_FUNCTION_VERSION='$LATEST' AWS_LAMBDA_FUNCTION_MEMORY_SIZE=128 \
  AWS_LAMBDA_LOG_FORMAT=JSON QEMU_LD_PREFIX=/usr/aarch64-linux-gnu \
  qemu-aarch64 "$work/bootstrap" >"$work/function.log" 2>&1 &
stop_on_exit $!
cargo lambda invoke --invoke-port "$port" --data-file events/scheduled.json
echo
echo "function log ($work/function.log):"
grep -o '"message":"[^"]*"' "$work/function.log" | head -20
