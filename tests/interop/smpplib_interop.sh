#!/usr/bin/env bash
# Runs smpplib_interop.py in a venv of its own under build/ (Python's smpplib from PyPI, pinned,
# installed only when missing).
#
#   SMSIM_BINARY=build/smsim bash tests/interop/smpplib_interop.sh
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
venv=${SMSIM_INTEROP_VENV:-$repo/build/venv-interop}
smpplib_version=2.2.4

if ! "$venv/bin/python" -c "import smpplib, sys; from importlib.metadata import version; sys.exit(version('smpplib') != '$smpplib_version')" 2>/dev/null; then
  echo "interop: installing smpplib $smpplib_version into $venv" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "smpplib==$smpplib_version" || { echo "interop: pip install smpplib failed"; echo "0 passed, 1 failed"; exit 1; }
fi
export SMSIM_BINARY=${SMSIM_BINARY:-$repo/build/smsim}
exec "$venv/bin/python" "$here/smpplib_interop.py"
