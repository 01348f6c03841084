# Sourced by the demo and the local invoke: starts moto_server from .venv on
# a free loopback port, exports the AWS variables that point the SDK at it,
# and stops it when the calling script exits. Also gives those scripts
# free_port, wait_for_port and stop_on_exit for their own servers.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv_bin="$("$root/scripts/venv.sh")"

free_port() {
  "$venv_bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# wait_for_port PORT TRIES SECONDS: until something listens on PORT.
wait_for_port() {
  for _ in $(seq 1 "$2"); do
    (echo > "/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep "$3"
  done
  return 1
}

# stop_on_exit PID...: kill these when the script exits. One trap for all,
# tolerant of servers already stopped, so the script keeps its exit status
# and no server outlives it.
exit_pids=()
stop_on_exit() {
  exit_pids+=("$@")
}
trap 'kill "${exit_pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true' EXIT

port="$(free_port)"
"$venv_bin/moto_server" -H 127.0.0.1 -p "$port" >/dev/null 2>&1 &
stop_on_exit $!
wait_for_port "$port" 200 0.1 || true
export AWS_ENDPOINT_URL="http://127.0.0.1:$port"
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=ap-northeast-2 AWS_DEFAULT_REGION=ap-northeast-2
export AWS_EC2_METADATA_DISABLED=true
