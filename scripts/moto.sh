# Sourced by the demo and the benchmark: starts moto_server from .venv on a
# free loopback port, exports the AWS variables that point the SDK at it,
# and stops it when the calling script exits.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv_bin="$("$root/scripts/venv.sh")"
port="$("$venv_bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
"$venv_bin/moto_server" -H 127.0.0.1 -p "$port" >/dev/null 2>&1 &
moto_pid=$!
trap 'kill $moto_pid 2>/dev/null; wait $moto_pid 2>/dev/null' EXIT
for _ in $(seq 1 200); do
  (echo > "/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  sleep 0.1
done
export AWS_ENDPOINT_URL="http://127.0.0.1:$port"
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=ap-northeast-2 AWS_DEFAULT_REGION=ap-northeast-2
export AWS_EC2_METADATA_DISABLED=true
