#!/usr/bin/env bash
# The whole test suite, as CI runs it (.ci/run calls this): installs the
# tools into .venv, checks format and lints, runs every test (unit,
# property, moto, CLI, webhook), and checks template.yaml and dependencies.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/instance-scheduler/target}"
venv_bin="$(scripts/venv.sh)"
export PATH="$venv_bin:$PATH"
export SAM_CLI_TELEMETRY=0

step() { printf '\n== %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all -- --check
step "cargo clippy -D warnings"
cargo clippy --all-targets --quiet -- -D warnings
step "cfn-lint template.yaml spoke.yaml"
cfn-lint template.yaml spoke.yaml
step "sam validate --lint"
for t in template.yaml spoke.yaml; do
  sam validate --lint --region ap-northeast-2 --template-file "$t"
done
step "cargo deny (licenses, bans, sources; offline: the advisory database is not fetched)"
cargo fetch --quiet
cargo-deny --offline check licenses bans sources
step "chromium for the page test (Debian's package, installed when missing)"
CHROMIUM="$(scripts/chromium.sh)"
export CHROMIUM
step "cargo test"
cargo test --all-targets
