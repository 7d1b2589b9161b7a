#!/usr/bin/env bash
# One headless Chromium viewer behind a rate-limited link, against a running Sightline.
# Usage (root): ./run.sh <http-port> <stream> [seconds=40] [rate=300kbit]
# Builds a network namespace "sl-view" joined to the host by a veth pair (host 10.93.50.1, viewer 10.93.50.2),
# shapes the host side's egress (server -> viewer) with tbf, runs viewer.js inside the namespace, and removes it all.
# The server must offer 10.93.50.1 as an ICE candidate: start (or reconfigure) it AFTER the namespace exists, e.g.
# run `./run.sh --setup-only` first, then start Sightline, then run the measurement.
set -euo pipefail
cd "$(dirname "$0")"
NS=sl-view HOST_IF=sl-host VIEW_IF=sl-peer
setup() {
  ip netns add "$NS" 2>/dev/null || true
  ip link show "$HOST_IF" >/dev/null 2>&1 || ip link add "$HOST_IF" type veth peer name "$VIEW_IF"
  ip link set "$VIEW_IF" netns "$NS" 2>/dev/null || true
  ip addr replace 10.93.50.1/24 dev "$HOST_IF"; ip link set "$HOST_IF" up
  ip netns exec "$NS" ip addr replace 10.93.50.2/24 dev "$VIEW_IF"
  ip netns exec "$NS" ip link set "$VIEW_IF" up; ip netns exec "$NS" ip link set lo up
  ip netns exec "$NS" ip route replace default via 10.93.50.1
}
teardown() { ip link del "$HOST_IF" 2>/dev/null || true; ip netns del "$NS" 2>/dev/null || true; }
if [ "${1:-}" = "--setup-only" ]; then setup; exit 0; fi
if [ "${1:-}" = "--teardown" ]; then teardown; exit 0; fi
port=$1 stream=$2 seconds=${3:-40} rate=${4:-300kbit}
[ -d node_modules/playwright-core ] || npm install --no-audit --no-fund --loglevel=error playwright-core@1
setup
tc qdisc replace dev "$HOST_IF" root tbf rate "$rate" burst 4kb latency 50ms
trap 'tc qdisc del dev "$HOST_IF" root 2>/dev/null || true' EXIT
ip netns exec "$NS" node viewer.js "http://10.93.50.1:${port}" "$stream" "$seconds"
