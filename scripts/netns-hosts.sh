#!/usr/bin/env bash
# Several "hosts" on this machine, built from Linux network namespaces, so that smsim can run with
# its brokers, its gateway and its sender programs on different addresses (docs/scale.md):
#
#   <prefix>-kafka     <subnet>.2   the Kafka nodes (smsim kafka start --brokers 3 --host <subnet>.2)
#   <prefix>-gateway   <subnet>.3   smsim gateway
#   <prefix>-sender1   <subnet>.4   a sender program
#   <prefix>-sender2   <subnet>.5   another sender program
#   this machine       <subnet>.1   interface <prefix>-h, to reach them all (browser, tests, kcat)
#
# Each host namespace has one interface, eth0, a veth pair whose other end is a port of the bridge
# br0 in a namespace of its own (<prefix>-switch): one Ethernet segment, one /24, no routing and no
# firewall of this machine in the way. The brokers advertise <subnet>.2, reachable from every host.
#
# Usage: netns-hosts.sh up | down | status | cut HOST | restore HOST | exec HOST COMMAND...
#   up        builds the topology; on any failure it removes what it had built
#   down      kills every process left in those namespaces and removes them (always safe to run)
#   cut HOST  takes HOST's link down (`ip link set eth0 down` inside it); restore brings it back
#   exec      runs a command inside a host's namespace (`ip netns exec`)
# HOST is one of kafka, gateway, sender1, sender2.
# Environment: SMSIM_NETNS_PREFIX (default smsim; [a-z][a-z0-9]{0,11}), SMSIM_NETNS_SUBNET (the
# first three octets of a free /24, default 10.231.0). Needs root (or CAP_NET_ADMIN + CAP_SYS_ADMIN).
set -euo pipefail

PREFIX="${SMSIM_NETNS_PREFIX:-smsim}"
SUBNET="${SMSIM_NETNS_SUBNET:-10.231.0}"
HOSTS=(kafka gateway sender1 sender2)
declare -A OCTET=([kafka]=2 [gateway]=3 [sender1]=4 [sender2]=5)
SWITCH="$PREFIX-switch"
HOST_LEG="$PREFIX-h"

die() { echo "netns-hosts: $*" >&2; exit 1; }

[[ "$PREFIX" =~ ^[a-z][a-z0-9]{0,11}$ ]] || die "SMSIM_NETNS_PREFIX must match [a-z][a-z0-9]{0,11} (got '$PREFIX')"
[[ "$SUBNET" =~ ^([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})$ ]] || die "SMSIM_NETNS_SUBNET must be three octets like 10.231.0 (got '$SUBNET')"

ns_of() { echo "$PREFIX-$1"; }
addr_of() { echo "$SUBNET.${OCTET[$1]}"; }
known_host() { [[ -n "${OCTET[$1]:-}" ]] || die "unknown host '$1': one of ${HOSTS[*]}"; }
ns_exists() { ip netns list | awk '{print $1}' | grep -qx "$1"; }

down() {
  set +e
  for h in "${HOSTS[@]}"; do
    local ns; ns="$(ns_of "$h")"
    ns_exists "$ns" || continue
    # Only processes inside our own namespaces: whatever runs there was started for this topology.
    local pids; pids="$(ip netns pids "$ns" 2>/dev/null)"
    [[ -n "$pids" ]] && kill -KILL $pids 2>/dev/null
  done
  ip link del "$HOST_LEG" 2>/dev/null  # removes its peer in the switch too
  for h in "${HOSTS[@]}"; do
    ns_exists "$(ns_of "$h")" && ip netns del "$(ns_of "$h")"
  done
  ns_exists "$SWITCH" && ip netns del "$SWITCH"
  set -e
  return 0
}

# Refused (RST) within 2 s means the address answers; a timeout means it does not.
reachable_from() {  # ns address
  local out
  out="$(ip netns exec "$1" timeout 2 bash -c "exec 3<>/dev/tcp/$2/9" 2>&1)" && return 0
  [[ "$out" == *"refused"* ]]
}

up() {
  command -v ip >/dev/null || die "the 'ip' command (iproute2) is missing: apt-get install -y iproute2"
  [[ "$(id -u)" == 0 ]] || die "must run as root (network namespaces need CAP_NET_ADMIN and CAP_SYS_ADMIN)"
  for ns in "$SWITCH" "${HOSTS[@]/#/$PREFIX-}"; do
    ns_exists "$ns" && die "namespace $ns exists already: run '$0 down' first (same SMSIM_NETNS_PREFIX)"
  done
  ip link show "$HOST_LEG" >/dev/null 2>&1 && die "interface $HOST_LEG exists already: run '$0 down' first"
  if ip route show | grep -q "^$SUBNET\."; then
    die "$SUBNET.0/24 is already routed on this machine; choose another SMSIM_NETNS_SUBNET"
  fi

  # From here on, a failure removes whatever was built.
  trap 'status=$?; if [[ $status -ne 0 ]]; then echo "netns-hosts: up failed (exit $status), cleaning up" >&2; down; fi' EXIT

  ip netns add "$SWITCH"
  ip -n "$SWITCH" link set lo up
  ip -n "$SWITCH" link add br0 type bridge
  ip -n "$SWITCH" link set br0 up
  for h in "${HOSTS[@]}"; do
    local ns; ns="$(ns_of "$h")"
    ip netns add "$ns"
    ip -n "$ns" link set lo up
    # Made inside the switch, one end moved into the host: no interface ever appears on this machine.
    ip -n "$SWITCH" link add "$h" type veth peer name eth0 netns "$ns"
    ip -n "$SWITCH" link set "$h" master br0 up
    ip -n "$ns" addr add "$(addr_of "$h")/24" dev eth0
    ip -n "$ns" link set eth0 up
  done
  ip link add "$HOST_LEG" type veth peer name host netns "$SWITCH"
  ip -n "$SWITCH" link set host master br0 up
  ip addr add "$SUBNET.1/24" dev "$HOST_LEG"
  ip link set "$HOST_LEG" up

  # Every host, and this machine, must reach the brokers' address.
  local kafka; kafka="$(addr_of kafka)"
  for h in gateway sender1 sender2; do
    reachable_from "$(ns_of "$h")" "$kafka" || die "$h ($(addr_of "$h")) cannot reach kafka ($kafka)"
  done
  local out
  if ! out="$(timeout 2 bash -c "exec 3<>/dev/tcp/$kafka/9" 2>&1)" && [[ "$out" != *"refused"* ]]; then
    die "this machine cannot reach kafka ($kafka) through $HOST_LEG"
  fi
  trap - EXIT
  status
}

status() {
  for h in "${HOSTS[@]}"; do
    local ns; ns="$(ns_of "$h")"
    if ns_exists "$ns"; then
      local state; state="$(ip -n "$ns" -br link show eth0 2>/dev/null | awk '{print $2}')"
      printf '%-8s %-18s %-15s link %s\n' "$h" "$ns" "$(addr_of "$h")" "${state:-missing}"
    else
      printf '%-8s %-18s %-15s absent\n' "$h" "$ns" "$(addr_of "$h")"
    fi
  done
  printf '%-8s %-18s %-15s interface %s\n' "this" "(this machine)" "$SUBNET.1" "$HOST_LEG"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  cut | restore)
    [[ $# -eq 2 ]] || die "usage: $0 $1 HOST"
    known_host "$2"
    ns_exists "$(ns_of "$2")" || die "$(ns_of "$2") does not exist: run '$0 up' first"
    ip -n "$(ns_of "$2")" link set eth0 "$([[ $1 == cut ]] && echo down || echo up)"
    ;;
  exec)
    [[ $# -ge 3 ]] || die "usage: $0 exec HOST COMMAND..."
    known_host "$2"
    ns="$(ns_of "$2")"
    shift 2
    exec ip netns exec "$ns" "$@"
    ;;
  *) sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//'; [[ "${1:-}" =~ ^(-h|--help|help)$ ]] || exit 2 ;;
esac
