#!/usr/bin/env bash
# Installs what smsim needs to build, test and run, and only what is missing. Idempotent: on a
# ready machine it checks and returns in a few seconds. Called by every Makefile target.
#
#   Debian packages   compilers, C++ libraries, kcat, a Java 17 runtime, Maven (apt-get)
#   Kafka broker jars kafka/pom.xml -> kafka/lib/ (mvn), refreshed when the pom changes
#
# Set SMSIM_BOOTSTRAP_SKIP_APT=1 on a machine whose packages are managed some other way.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

started=$(date +%s%N)
say() { printf 'bootstrap: %s\n' "$*" >&2; }
fail() {
  printf 'bootstrap: FAILED: %s\n' "$1" >&2
  shift
  for line in "$@"; do printf '  %s\n' "$line" >&2; done
  exit 1
}

# --- Debian packages -------------------------------------------------------------------------
apt_packages=(
  g++ make cmake ninja-build pkg-config git       # toolchain
  librdkafka-dev                                  # Kafka client (C and C++ API)
  libcli11-dev libspdlog-dev libfmt-dev           # command line, logging, formatting
  nlohmann-json3-dev libcpp-httplib-dev           # JSON for the HTTP API and monitor, HTTP clients
  libsimdjson-dev                                 # fast JSON decoding of Kafka records (the hot path)
  libtomlplusplus-dev                             # sender pool config files
  libboost1.81-dev                                # Boost.Asio + Beast: the gateway HTTP server, SMPP sessions, the SMSC /metrics
  libgtest-dev libgmock-dev                       # tests
  kcat                                            # looking at topics by hand
  openjdk-17-jre-headless                         # runs the Kafka broker
  chromium                                        # the monitor's end-to-end test (driven by playwright-core)
  python3-venv                                    # scripts/api-fuzz.sh (schemathesis) and tests/interop (smpplib) use venvs
  python3-confluent-kafka                         # tests/compat (the original's Python programs), scripts/bench.py and its naive baseline (Debian's /usr/bin/python3)
  clang libclang-rt-14-dev                        # libFuzzer targets (fuzz/, scripts/fuzz.sh)
  iproute2                                        # `ip netns`: senders on other hosts (scripts/netns-hosts.sh)
)
missing=()
for package in "${apt_packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$package")
  fi
done
command -v mvn >/dev/null 2>&1 || missing+=(maven)

if ((${#missing[@]})) && [[ "${SMSIM_BOOTSTRAP_SKIP_APT:-0}" != 1 ]]; then
  say "installing Debian packages: ${missing[*]}"
  sudo=()
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null 2>&1 || fail "packages missing (${missing[*]}) and not root, no sudo" \
      "install them as root: apt-get install ${missing[*]}"
    sudo=(sudo)
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq ||
    fail "apt-get update failed" "check the machine's Debian package sources (/etc/apt/sources.list*) and network"
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
    fail "apt-get install ${missing[*]} failed" "run it by hand to see apt's message; the packages are in Debian 12 (bookworm)"
elif ((${#missing[@]})); then
  fail "packages missing: ${missing[*]} (SMSIM_BOOTSTRAP_SKIP_APT=1 forbids installing them)"
fi

java -version >/dev/null 2>&1 ||
  fail "java does not run" "install a Java 17 runtime (apt-get install openjdk-17-jre-headless) or set JAVA_HOME"

# Node.js 20+ builds the monitor (Debian 12's nodejs is 18: too old for Next.js 15; the machine
# image ships Node 20). The monitor's own packages are installed by scripts/build-monitor.sh.
command -v npm >/dev/null 2>&1 && (($(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0) >= 20)) ||
  fail "Node.js 20+ and npm are needed to build the monitor" \
    "install Node.js 20 or newer (Debian 12's nodejs package is 18, too old for Next.js 15)"

# --- Kafka broker jars -----------------------------------------------------------------------
# kafka/lib/.pom.sha256 records which pom the jars came from; a changed pom fetches them again.
pom_sum=$(sha256sum kafka/pom.xml | cut -d' ' -f1)
if [[ -f kafka/lib/.pom.sha256 && "$(cat kafka/lib/.pom.sha256)" == "$pom_sum" ]] &&
   compgen -G 'kafka/lib/kafka_2.13-*.jar' >/dev/null; then
  :
else
  say "fetching the Apache Kafka broker jars (kafka/pom.xml -> kafka/lib/)"
  rm -rf kafka/lib
  mvn -B -q -f kafka/pom.xml package >kafka/mvn.log 2>&1 || {
    tail -n 20 kafka/mvn.log >&2
    fail "mvn could not fetch the Kafka jars (full log: kafka/mvn.log)" \
      "check that Maven can reach its repository (proxy settings live in ~/.m2/settings.xml), then run 'make bootstrap' again"
  }
  rm -f kafka/mvn.log
  echo "$pom_sum" >kafka/lib/.pom.sha256
  say "kafka/lib has $(ls kafka/lib/*.jar | wc -l) jars"
fi

elapsed_ms=$((($(date +%s%N) - started) / 1000000))
say "ready ($(( elapsed_ms / 1000 )).$(printf '%03d' $(( elapsed_ms % 1000 ))) s)"
