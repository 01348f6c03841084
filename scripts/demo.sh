#!/usr/bin/env bash
# The scheduler end to end on a local emulator: moto, the five tables,
# seeded schedules and instances, then passes at chosen clock times of one
# Monday (Asia/Seoul) and the Tuesday holiday after it. Leaves nothing running.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/instance-scheduler/target}"
echo "== building schedctl"
cargo build --quiet --bin schedctl
schedctl="$CARGO_TARGET_DIR/debug/schedctl"
echo "== starting moto (scripts/venv.sh installs it into .venv on first use)"
source scripts/moto.sh
export TIMEZONE=Asia/Seoul POLL_SECONDS=0.2 TIME_BUDGET_SECONDS=30 BOT_KEYWORD=/sched
unset WEBHOOK_URL
"$schedctl" init-tables
"$venv_bin/python" scripts/demo_seed.py
"$schedctl" validate

pass() {
  echo
  echo "== $2"
  "$schedctl" run --at "$1"
}
echo; echo "== plan for Monday 09:00 (nothing is done)"
"$schedctl" plan --at 2026-11-30T09:00:00+09:00
pass 2026-11-30T08:55:00+09:00 "Mon 08:55: before the start"
pass 2026-11-30T09:00:00+09:00 "Mon 09:00: start, wave by wave (db -> middleware -> api and the web service -> batch and the workers group)"
pass 2026-11-30T09:05:00+09:00 "Mon 09:05: nothing twice"
pass 2026-11-30T09:15:00+09:00 "Mon 09:15: qa is ready-by 09:30: its database starts 15 minutes early (defaults: RDS 10 + EC2 3, rounded up to the tick)"
pass 2026-11-30T09:20:00+09:00 "Mon 09:20: qa is up before 09:30; its lead learns from this start"
echo; echo "== Tuesday's qa start, from what Monday's start took (schedctl plan)"
"$schedctl" plan --at 2026-12-01T09:00:00+09:00 | grep -A3 "^qa"
pass 2026-11-30T19:55:00+09:00 "Mon 19:55: stop-only schedule warns"
pass 2026-11-30T20:00:00+09:00 "Mon 20:00: stop-only schedule stops the ad-hoc box"
pass 2026-11-30T21:50:00+09:00 "Mon 21:50: 10-minute warning, once"
pass 2026-11-30T21:55:00+09:00 "Mon 21:55: no second warning"

echo
echo "== Mon 21:52: alice answers the warning in chat: a signed Slack '/sched extend dev 23:00' to schedctl bot"
bot_port="$(free_port)"
SLACK_SIGNING_SECRET=demo-signing-secret "$schedctl" bot --listen "127.0.0.1:$bot_port" --at 2026-11-30T21:52:00+09:00 &
bot_pid=$!
stop_on_exit $bot_pid
wait_for_port "$bot_port" 100 0.1 || true
ts="$(date -d 2026-11-30T21:52:00+09:00 +%s)"
"$venv_bin/python" scripts/slack_request.py "http://127.0.0.1:$bot_port/slack/commands" demo-signing-secret "$ts" "extend dev 23:00"
kill $bot_pid; wait $bot_pid 2>/dev/null || true
"$schedctl" exception list dev

pass 2026-11-30T22:00:00+09:00 "Mon 22:00: the stop moved, servers stay up"
pass 2026-11-30T22:50:00+09:00 "Mon 22:50: the warning is re-armed for 23:00"
pass 2026-11-30T23:00:00+09:00 "Mon 23:00: stop in reverse order"
pass 2026-12-01T09:00:00+09:00 "Tue 09:00: holiday exception, no start"
echo
echo "== the week ahead from Tuesday, as a timeline (schedctl plan --week)"
"$schedctl" plan --week --at 2026-12-01T09:00:00+09:00
echo
echo "== what the day ran and saved (schedctl usage; moto has no Price List, so the saving says why)"
"$schedctl" usage --since 2026-11-30 --at 2026-12-01T09:00:00+09:00
echo
echo "== done; moto is stopped on exit"
