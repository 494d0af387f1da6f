#!/usr/bin/env bash
# Property-based fuzzing of the gateway's HTTP API from docs/openapi.yaml (schemathesis), against a
# live gateway on a throw-away broker; loopback only, bounded in examples. Fails on any 5xx, any
# crash of the gateway, or a response that contradicts the spec's status codes.
#
#   scripts/api-fuzz.sh [MAX_EXAMPLES]     (default 100 per operation; CI smoke: 20)
#   SMSIM_API_FUZZ_SEED=N                  replay the run that printed "Seed: N"
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
examples=${1:-100}
smsim=${SMSIM_BINARY:-build/smsim}
venv=build/venv-api-fuzz

if [[ ! -x "$venv/bin/st" ]]; then
  echo "api-fuzz: installing schemathesis into $venv" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q schemathesis || { echo "api-fuzz: pip install schemathesis failed" >&2; exit 1; }
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
state=$(mktemp -d /tmp/smsim-api-fuzz-XXXXXX)
kafka_port=$(free_port); controller_port=$(free_port); http_port=$(free_port)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  "$smsim" kafka destroy --port "$kafka_port" --state-dir "$state" >/dev/null 2>&1 || true
  rm -rf "$state"
}
trap cleanup EXIT

"$smsim" kafka start --port "$kafka_port" --controller-port "$controller_port" --state-dir "$state" >/dev/null
"$smsim" gateway --port "$http_port" --bootstrap-servers "127.0.0.1:$kafka_port" --max-campaign-size 2000 \
  >"$state/gateway.log" 2>&1 &
gateway_pid=$!
pids+=("$gateway_pid")
"$smsim" sender --senders 2 --mean 0s --stddev 0s --distribution constant --bootstrap-servers "127.0.0.1:$kafka_port" \
  >"$state/sender.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 120); do curl -sf "127.0.0.1:$http_port/healthz" >/dev/null && break; sleep 0.5; done

# The spec allows campaigns up to 10,000,000; this gateway caps them at 2,000 (--max-campaign-size),
# so fuzzed campaigns stay small; larger ones get a 400 that the spec documents.
set +e
"$venv/bin/st" run docs/openapi.yaml --url "http://127.0.0.1:$http_port" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance \
  --max-examples "$examples" --request-timeout 30 --no-color ${SMSIM_API_FUZZ_SEED:+--seed "$SMSIM_API_FUZZ_SEED"} 2>&1 |
  tail -n 40
status=${PIPESTATUS[0]}
set -e
if ! kill -0 "$gateway_pid" 2>/dev/null; then
  echo "api-fuzz: FAIL: the gateway died"; tail -n 20 "$state/gateway.log"; exit 1
fi
echo "api-fuzz: gateway alive after the run; schemathesis exit $status"
exit "$status"
