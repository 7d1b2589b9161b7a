#!/bin/bash
# Lossy-link runs of several builds side by side, alternating build by build and condition by condition, one run
# per latency.js invocation (the relay seeded by the round, so both builds of a round see the same losses).
#
#   benchmarks/latency/links-ab.sh OUT ROUNDS base.tar.gz branch.tar.gz ...
#
# Each tarball is unpacked under $TMPDIR/links-ab-N and started with HTTP on 17600 + 100 N (SSH, RMI, SFU UDP/TCP on
# the next ports, SFU UDP = HTTP + 4), SIGHTLINE_BIND_ADDRESS=127.0.0.1; the runs' lines go to OUT; the servers are
# stopped at the end. Conditions: CONDITIONS="lossless loss=2+delay=20 loss=5+delay=40+jitter=10" (default).
set -u
OUT=$1; ROUNDS=$2; shift 2
CONDITIONS=${CONDITIONS:-"lossless loss=2+delay=20 loss=5+delay=40+jitter=10"}
cd "$(dirname "$0")"
base=17600; n=0; homes=(); ports=(); pids=()
for tarball in "$@"; do
  p=$((base + 100 * n)); home=${TMPDIR:-/tmp}/links-ab-$n; n=$((n + 1))
  while ss -ltn | grep -q ":$p "; do sleep 2; done
  rm -rf "$home"; mkdir -p "$home"; tar xzf "$tarball" -C "$home" --strip-components=1
  sed -i "s/^sshPort *=.*/sshPort = $((p+1))/" "$home/etc/org.apache.karaf.shell.cfg"
  sed -i "s/^rmiRegistryPort *=.*/rmiRegistryPort = $((p+2))/; s/^rmiServerPort *=.*/rmiServerPort = $((p+3))/" \
    "$home/etc/org.apache.karaf.management.cfg"
  sed -i "s/^udp.port *=.*/udp.port = $((p+4))/; s/^tcp.port *=.*/tcp.port = $((p+5))/" \
    "$home/etc/io.sightline.transport.sfu.cfg"
  (cd "$home" && SIGHTLINE_HTTP_PORT=$p SIGHTLINE_BIND_ADDRESS=127.0.0.1 setsid bin/karaf server > console.log 2>&1 &)
  homes+=("$home"); ports+=("$p")
done
for i in "${!ports[@]}"; do
  p=${ports[$i]}
  until curl -sf "http://127.0.0.1:$p/health" > /dev/null && [ "$(curl -s -o /dev/null -w '%{http_code}' -X POST \
      -H 'Content-Type: application/sdp' --data 'v=0' "http://127.0.0.1:$p/whep/demo")" = 400 ]; do sleep 2; done
  pids+=("$(ss -ltnp | grep ":$p " | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)")
done
sleep 3
for r in $(seq 1 "$ROUNDS"); do
  for cond in $CONDITIONS; do
    for i in "${!ports[@]}"; do
      p=${ports[$i]}
      echo "### build$i r$r $cond $(date +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT"
      timeout 300 node latency.js --url "http://127.0.0.1:$p" --sfu-port $((p + 4)) --streams 720p30=demo \
        --links "$cond" --runs 1 --seed $((1000 + r)) --seconds 30 --warmup 2 --players 1 --no-rig 2>&1 \
        | grep " run 1" >> "$OUT"
    done
  done
done
for pid in "${pids[@]}"; do kill -TERM "$pid" 2> /dev/null; done
echo DONE >> "$OUT"
