#!/usr/bin/env bash
# Builds the monitor (monitor/, Next.js) into static files in monitor/out/, which `smsim gateway`
# serves at `/`. Idempotent and quick when nothing changed:
#
#   npm ci         only when monitor/node_modules is missing or package-lock.json is newer than it
#   npm run build  only when a source file under monitor/ is newer than monitor/out/index.html
#
# Needs Node.js 20+ and npm (Debian: apt-get install nodejs npm). No telemetry is sent.
# SMSIM_MONITOR_FORCE=1 rebuilds anyway.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../monitor"

say() { printf 'build-monitor: %s\n' "$*" >&2; }
fail() {
  printf 'build-monitor: FAILED: %s\n' "$1" >&2
  shift
  for line in "$@"; do printf '  %s\n' "$line" >&2; done
  exit 1
}

export NEXT_TELEMETRY_DISABLED=1 NEXT_IGNORE_INCORRECT_LOCKFILE=1 npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false

command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 ||
  fail "node and npm are needed to build the monitor" "install them (Debian 12: apt-get install nodejs npm; Node.js 20 or newer)"
node_major=$(node -p 'process.versions.node.split(".")[0]')
((node_major >= 20)) || fail "Node.js $(node -v) is too old for the monitor" "Next.js 15 needs Node.js 20 or newer"

# --- dependencies --------------------------------------------------------------------------------
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  say "installing the monitor's packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error >npm-ci.log 2>&1 || {
    tail -n 20 npm-ci.log >&2
    fail "npm ci failed in monitor/ (full log: monitor/npm-ci.log)" \
      "check that npm can reach its registry (proxy: npm config set proxy ...), then run this again"
  }
  rm -f npm-ci.log
  touch node_modules/.package-lock.json
fi

# --- build ---------------------------------------------------------------------------------------
# Inputs of the export: the app, its config and its packages. Tests and dev tools are not inputs.
inputs=(app package.json package-lock.json next.config.ts tsconfig.json)
stale=0
if [[ "${SMSIM_MONITOR_FORCE:-0}" == 1 || ! -f out/index.html ]]; then
  stale=1
elif [[ -n "$(find "${inputs[@]}" -newer out/index.html -print -quit 2>/dev/null)" ]]; then
  stale=1
fi

if ((stale)); then
  say "building the monitor (next build -> monitor/out/)"
  started=$(date +%s)
  npm run build >next-build.log 2>&1 || {
    tail -n 40 next-build.log >&2
    fail "next build failed (full log: monitor/next-build.log)" "fix the error above, then run this again"
  }
  [[ -f out/index.html ]] || fail "next build ended without monitor/out/index.html (log: monitor/next-build.log)"
  rm -f next-build.log
  touch out/index.html
  say "monitor/out is ready ($(($(date +%s) - started)) s, $(du -sh out | cut -f1))"
fi
