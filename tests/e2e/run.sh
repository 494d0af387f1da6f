#!/usr/bin/env bash
# End-to-end test of the monitor in a real browser (Debian's chromium, driven by playwright-core):
# starts its own Kafka broker on free ports, `smsim gateway` serving monitor/out/, and two sender
# programs, then runs monitor.e2e.mjs against the page. Everything it started is stopped and the
# broker destroyed on the way out, whatever happens.
#
#   SMSIM_BINARY=build/smsim bash tests/e2e/run.sh
#
# Environment: SMSIM_BINARY (default build/smsim of this checkout), SMSIM_KAFKA_LIB (read by smsim),
# SMSIM_CHROMIUM (default /usr/bin/chromium), SMSIM_E2E_SCREENSHOT (where to save the mid-campaign
# screenshot; default tests/e2e/artifacts/monitor.png; docs/monitor-screenshot.png to refresh the docs').
# Prints PASS/FAIL lines and ends with "N passed, M failed"; exits non-zero on any failure.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
smsim=${SMSIM_BINARY:-$repo/build/smsim}
chromium=${SMSIM_CHROMIUM:-/usr/bin/chromium}
screenshot=${SMSIM_E2E_SCREENSHOT:-$here/artifacts/monitor.png}

say() { printf 'e2e: %s\n' "$*" >&2; }
setup_failed() {
  echo "FAIL: setup: $1"
  shift
  for line in "$@"; do printf '  %s\n' "$line"; done
  echo "0 passed, 1 failed"
  exit 1
}

# --- preflight -------------------------------------------------------------------------------------
[[ -x "$smsim" ]] || setup_failed "no smsim binary at $smsim" "build it (make build) or set SMSIM_BINARY"
[[ -x "$chromium" ]] || setup_failed "no chromium at $chromium" "apt-get install chromium (Debian's; browser downloads are not used)"
command -v node >/dev/null 2>&1 || setup_failed "node is not installed" "Node.js 20 or newer is needed"
bash "$repo/scripts/build-monitor.sh" || setup_failed "the monitor could not be built (scripts/build-monitor.sh)"
if [[ ! -f "$here/node_modules/.package-lock.json" || "$here/package-lock.json" -nt "$here/node_modules/.package-lock.json" ]]; then
  say "installing playwright-core (npm ci in tests/e2e)"
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error) >&2 || setup_failed "npm ci failed in tests/e2e"
  touch "$here/node_modules/.package-lock.json"
fi

# --- processes -------------------------------------------------------------------------------------
work=$(mktemp -d -t smsim-e2e.XXXXXX)
read -r kafka_port controller_port gateway_port < <(node -e '
  const net = require("net");
  const servers = [0, 1, 2].map(() => net.createServer().listen(0, "127.0.0.1"));
  Promise.all(servers.map((s) => new Promise((ok) => s.on("listening", ok)))).then(() => {
    console.log(servers.map((s) => s.address().port).join(" "));
    servers.forEach((s) => s.close());
  });')
pids=()
gateway_pid=

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  [[ -n "$gateway_pid" ]] && kill -CONT "$gateway_pid" 2>/dev/null # in case a test left it stopped
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  for _ in $(seq 50); do
    alive=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    ((alive)) || break
    sleep 0.2
  done
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null; done
  "$smsim" kafka destroy --port "$kafka_port" --controller-port "$controller_port" --state-dir "$work/state" >/dev/null 2>&1 ||
    say "could not destroy the test broker on port $kafka_port (state in $work/state)"
  if ((rc != 0)); then
    for log in gateway alpha beta; do
      [[ -s "$work/$log.log" ]] && { say "last lines of $log.log:"; tail -n 15 "$work/$log.log" >&2; }
    done
  fi
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say "broker on 127.0.0.1:$kafka_port, gateway on 127.0.0.1:$gateway_port (work dir $work)"
"$smsim" kafka start --port "$kafka_port" --controller-port "$controller_port" --state-dir "$work/state" \
  >"$work/kafka.log" 2>&1 || setup_failed "the broker did not start" "$(tail -n 10 "$work/kafka.log")"

bootstrap=127.0.0.1:$kafka_port
"$smsim" gateway --port "$gateway_port" --bootstrap-servers "$bootstrap" \
  --static-dir "$repo/monitor/out" --refresh-interval 1 >"$work/gateway.log" 2>&1 &
gateway_pid=$!
pids+=("$gateway_pid")
# Two sender programs with different settings, slow enough that a campaign of 500 takes ~12 s.
"$smsim" sender --name alpha --senders 2 --mean 60ms --stddev 20ms --failure-rate 0.1 \
  --bootstrap-servers "$bootstrap" >"$work/alpha.log" 2>&1 &
pids+=($!)
"$smsim" sender --name beta --senders 1 --mean 120ms --stddev 30ms --failure-rate 0.3 \
  --bootstrap-servers "$bootstrap" >"$work/beta.log" 2>&1 &
pids+=($!)

node -e '
  const url = process.argv[1], deadline = Date.now() + 60000;
  (async function poll() {
    try { if ((await fetch(url)).ok) process.exit(0); } catch {}
    if (Date.now() > deadline) process.exit(1);
    setTimeout(poll, 200);
  })();' "http://127.0.0.1:$gateway_port/healthz" ||
  setup_failed "the gateway did not answer /healthz within 60 s" "$(tail -n 10 "$work/gateway.log")"

# --- the test --------------------------------------------------------------------------------------
mkdir -p "$(dirname "$screenshot")"
E2E_GATEWAY_URL="http://127.0.0.1:$gateway_port" E2E_GATEWAY_PID="$gateway_pid" E2E_CHROMIUM="$chromium" \
  E2E_SCREENSHOT="$screenshot" E2E_ARTIFACTS="$here/artifacts" \
  node "$here/monitor.e2e.mjs"
