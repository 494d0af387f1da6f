#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ (clang, ASan + UBSan) and runs each for a bounded time.
#
#   scripts/fuzz.sh                      60 s per target
#   scripts/fuzz.sh 600                  10 minutes per target (the acceptance run)
#   scripts/fuzz.sh 600 records receipt  only these targets
#   scripts/fuzz.sh 10                   CI smoke mode (also SMSIM_FUZZ_SMOKE=1): 10 s per target,
#                                        two targets at a time
#
# Each target runs on a copy of its seed corpus fuzz/corpus/<name>/ in a temporary folder, so the
# repository's corpus does not grow; first it re-runs every input of fuzz/regressions/<name>/ (crashes
# found and fixed before). Prints one line per target, "fuzz <name>: N runs, OK" or the crash file
# and FAIL, and exits non-zero when any target crashed or could not be built.
#
# Environment:
#   SMSIM_FUZZ_SMOKE=1      smoke mode (as SECONDS=10)
#   SMSIM_FUZZ_JOBS=N       targets run at once (default 1, 2 in smoke mode; the machines have 2 cores)
#   SMSIM_FUZZ_BUILD_DIR    build folder (default build-fuzz); crash files go to <it>/crashes/<name>/,
#                           full logs to <it>/logs/<name>.log
#   SMSIM_FUZZ_ARGS         extra libFuzzer flags for every target, e.g. "-max_len=65536"
#   CXX                     the clang++ to use (default clang++)
# See docs/fuzzing.md.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD

ALL_TARGETS=(records segmentation receipt produce_request smpp_pdu)

seconds=${1:-60}
[[ $# -gt 0 ]] && shift
if [[ "${SMSIM_FUZZ_SMOKE:-0}" == 1 ]]; then seconds=10; fi
if ! [[ "$seconds" =~ ^[1-9][0-9]*$ ]]; then
  echo "fuzz: SECONDS_PER_TARGET must be a positive whole number, not '$seconds'" >&2
  echo "usage: scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]   (targets: ${ALL_TARGETS[*]})" >&2
  exit 2
fi
smoke=0
[[ "$seconds" == 10 ]] && smoke=1
jobs=${SMSIM_FUZZ_JOBS:-$((smoke ? 2 : 1))}

targets=("$@")
[[ ${#targets[@]} -eq 0 ]] && targets=("${ALL_TARGETS[@]}")
for t in "${targets[@]}"; do
  if [[ ! -f "fuzz/${t}_fuzzer.cpp" ]]; then
    echo "fuzz: unknown target '$t' (targets: ${ALL_TARGETS[*]})" >&2
    exit 2
  fi
done

build_dir=$(realpath -m "${SMSIM_FUZZ_BUILD_DIR:-build-fuzz}")
shown_build_dir=${build_dir#"$ROOT"/}  # for messages: relative when inside the repository
cxx=${CXX:-clang++}
if ! command -v "$cxx" >/dev/null 2>&1 || ! "$cxx" --version 2>/dev/null | grep -qi clang; then
  echo "fuzz: needs clang with libFuzzer ('$cxx' is not clang); on Debian 12: apt-get install clang libclang-rt-14-dev" >&2
  exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/smsim-fuzz.XXXXXX")
cleanup() { rm -rf "$work"; }
trap cleanup EXIT

# Configure once, then always let ninja bring the targets up to date (a no-op when nothing changed).
if [[ ! -f "$build_dir/build.ninja" ]]; then
  if ! cmake -S fuzz -B "$build_dir" -G Ninja -DCMAKE_CXX_COMPILER="$cxx" >"$work/configure.log" 2>&1; then
    cat "$work/configure.log" >&2
    echo "fuzz: configuring $build_dir failed (log above)" >&2
    exit 1
  fi
fi
if ! cmake --build "$build_dir" --target "${targets[@]/%/_fuzzer}" >"$work/build.log" 2>&1; then
  cat "$work/build.log" >&2
  echo "fuzz: building the fuzz targets failed (log above; a missing libclang_rt.fuzzer means: apt-get install libclang-rt-14-dev)" >&2
  exit 1
fi
mkdir -p "$build_dir/logs"

# run_target NAME: writes the target's result line to $work/NAME.result; returns non-zero on failure.
run_target() {
  local name=$1
  local binary="$build_dir/${name}_fuzzer"
  local log="$build_dir/logs/$name.log"
  local crashes="$build_dir/crashes/$name"
  local corpus="$work/corpus-$name"
  local result="$work/$name.result"
  mkdir -p "$corpus" "$crashes"
  cp -R "fuzz/corpus/$name/." "$corpus/"
  : >"$log"

  # Inputs that crashed once stay fixed: each is run once, before any fuzzing.
  local regressions=("fuzz/regressions/$name"/*)
  if [[ -e "${regressions[0]}" ]]; then
    if ! "$binary" -timeout=10 -rss_limit_mb=2048 "${regressions[@]}" >>"$log" 2>&1; then
      echo "fuzz $name: a regression input crashes again (fuzz/regressions/$name/; log $shown_build_dir/logs/$name.log), FAIL" >"$result"
      return 1
    fi
  fi

  local dict=()
  [[ -f "fuzz/dict/$name.dict" ]] && dict=("-dict=$ROOT/fuzz/dict/$name.dict")
  local status=0
  # shellcheck disable=SC2086 # SMSIM_FUZZ_ARGS is a list of flags
  nice -n 10 "$binary" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$crashes/" "${dict[@]}" ${SMSIM_FUZZ_ARGS:-} "$corpus" >>"$log" 2>&1 || status=$?
  if [[ $status -eq 0 ]]; then
    local runs
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    echo "fuzz $name: ${runs:-?} runs, OK" >"$result"
    return 0
  fi
  local crash
  crash=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
  crash=${crash#"$ROOT"/}
  echo "fuzz $name: ${crash:-no crash file (exit $status)}, FAIL (log $shown_build_dir/logs/$name.log)" >"$result"
  return 1
}

echo "fuzz: ${#targets[@]} target(s), ${seconds}s each, $jobs at a time (clang: $("$cxx" --version | head -n 1))"
failed=0
running=0
for t in "${targets[@]}"; do
  run_target "$t" &
  running=$((running + 1))
  if [[ $running -ge $jobs ]]; then
    wait -n || failed=1
    running=$((running - 1))
  fi
done
while [[ $running -gt 0 ]]; do
  wait -n || failed=1
  running=$((running - 1))
done

for t in "${targets[@]}"; do
  if [[ -f "$work/$t.result" ]]; then cat "$work/$t.result"; else echo "fuzz $t: did not finish, FAIL"; failed=1; fi
done
if [[ $failed -ne 0 ]]; then
  echo "fuzz: FAILED; reproduce with: $shown_build_dir/<name>_fuzzer <crash file> (docs/fuzzing.md)"
  exit 1
fi
echo "fuzz: all ${#targets[@]} target(s) ran clean"
