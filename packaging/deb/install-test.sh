#!/usr/bin/env bash
# The install test (Maven profile e2e): the package's maintainer scripts and unit under a real systemd.
# A Debian 12 root (debootstrap, cached) boots with systemd-nspawn (systemd as PID 1, its own network namespace
# with loopback only, so nothing leaves the container). In it: apt install ./deb, first start, /health 200, the
# demo plays (node-datachannel, run on the host inside the container's network namespace), the admin account works,
# logs per concern; upgrade to a second build with an edited conffile kept; sightline rollback and --undo;
# a kill -9 of the JVM (systemd restarts it, a player resumes by itself); remove (config and data stay); purge
# (everything goes, the user too).
#   install-test.sh TARGET_DIR
# Needs root, debootstrap, systemd-container, node + benchmarks/load's npm packages. Network: only the Debian
# mirror, once, to make the cached root (SIGHTLINE_TEST_ROOT_CACHE, default /var/cache/sightline-test).
set -euo pipefail
target="$(cd "$1" && pwd)"
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
deb1="$(ls "$target"/sightline_*_amd64.deb)"
cache="${SIGHTLINE_TEST_ROOT_CACHE:-/var/cache/sightline-test}"
node_dir="$repo/benchmarks/load"
started=$SECONDS
log() { echo "install-test [$((SECONDS - started))s]: $*"; }
fail() { echo "install-test: FAIL: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || fail "needs root (systemd-nspawn)"
for tool in debootstrap systemd-nspawn nsenter node; do
    command -v "$tool" >/dev/null || fail "$tool is missing (scripts/install-deps)"
done
[ -d "$node_dir/node_modules/node-datachannel" ] || fail "run: npm ci --prefix benchmarks/load"

# ---- the Debian 12 root: systemd plus the package's dependencies, so apt installs the .deb offline ----
deps="$(dpkg-deb --field "$deb1" Depends | tr ',' '\n' | sed 's/|.*//; s/ //g' | grep . | paste -sd, -)"
key="$(printf '%s' "$deps" | sha256sum | cut -c1-12)"
base="$cache/bookworm-$key"
if [ ! -f "$base/.complete" ]; then
    log "debootstrap Debian 12 into $base (once)"
    rm -rf "$base" && mkdir -p "$cache"
    debootstrap --variant=minbase --include="systemd,systemd-sysv,dbus,ca-certificates,procps,$deps" \
        bookworm "$base" http://deb.debian.org/debian > "$cache/debootstrap.log" 2>&1 \
        || fail "debootstrap failed: $cache/debootstrap.log"
    touch "$base/.complete"
fi
work="$(mktemp -d /var/tmp/sightline-install-test.XXXXXX)"
root="$work/root"
nspawn_pid=""
cleanup() {
    if [ -n "$nspawn_pid" ] && kill -0 "$nspawn_pid" 2>/dev/null; then
        kill -TERM "$nspawn_pid" 2>/dev/null || true
        for _ in $(seq 1 30); do kill -0 "$nspawn_pid" 2>/dev/null || break; sleep 1; done
        kill -KILL "$nspawn_pid" 2>/dev/null || true
    fi
    if [ -n "${SIGHTLINE_TEST_KEEP:-}" ]; then echo "install-test: kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
cp -a "$base" "$root"
rm -f "$root/.complete"
mkdir -p "$root/pkg"
cp "$deb1" "$root/pkg/"

# ---- the second build: the same package repacked as a newer version whose demo stream file changed too, so the
# upgrade meets an operator edit and a packaged change of the same conffile (dpkg's conflict case) ----
v1="$(dpkg-deb --field "$deb1" Version)"
v2="$v1.1"
repack="$work/repack"
dpkg-deb -R "$deb1" "$repack"
printf '%s\n' "$v2" > "$repack/opt/sightline/release/BUILD"
sed -i "s/^Version: .*/Version: $v2/" "$repack/DEBIAN/control"
echo "# (second build) a packaged change to this file" >> "$repack/etc/sightline/io.sightline.stream-demo.cfg"
(cd "$repack" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z | xargs -0 md5sum) > "$repack/DEBIAN/md5sums"
dpkg-deb --root-owner-group -Zgzip -z1 --build "$repack" "$root/pkg/sightline_${v2}_amd64.deb" >/dev/null
rm -rf "$repack"
log "packages: $v1 and $v2"

# ---- boot ----
systemd-nspawn -D "$root" --boot --private-network --register=no --keep-unit -M "sltest$$" \
    > "$work/console.log" 2>&1 &
nspawn_pid=$!
cpid=""
state=""
# A command inside the container (all its namespaces; the container's own files and systemd).
in_c() { nsenter -t "$cpid" -m -u -i -n -p -- env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C "$@"; }
for _ in $(seq 1 90); do
    cpid="$(ps --ppid "$nspawn_pid" -o pid= 2>/dev/null | head -n1 | tr -d ' ' || true)"
    if [ -n "$cpid" ]; then
        state="$(in_c systemctl is-system-running 2>/dev/null || true)"
        case "$state" in running|degraded) break ;; esac
    fi
    sleep 1
done
case "${state:-}" in running|degraded) ;; *) cat "$work/console.log"; fail "the container did not boot (${state:-no state})" ;; esac
log "container booted under systemd (PID 1 = host PID $cpid, state $state)"

health() { in_c curl -s -o /dev/null -m 3 -w '%{http_code}' http://127.0.0.1:8080/health || true; }
# After a (re)start: the unit counts as started once /health answers 200 or 503 (a stream DOWN, see wait-healthy),
# and a stream may be DOWN for a moment while the server boots, so the server must reach 200 within 20 s; the body
# is printed when it does not.
healthy() {
    for _ in $(seq 1 40); do
        [ "$(health)" = 200 ] && return 0
        sleep 0.5
    done
    in_c curl -s -m 3 http://127.0.0.1:8080/health | head -c 2000 >&2 || true
    return 1
}
main_pid() { in_c systemctl show -p MainPID --value sightline.service; }
# What a start that does not come up leaves behind: the unit, the journal, the server's own log and the JVM's threads
# (SIGQUIT: the thread dump goes to the JVM's stdout, the journal). Every command may fail; none ends the script.
diagnose_start() {
    set +e
    in_c systemctl status sightline.service --no-pager 2>&1 | head -n 12
    echo "---- /var/log/sightline/sightline.log (last 150 lines)"
    in_c tail -n 150 /var/log/sightline/sightline.log
    local pid; pid="$(main_pid)"
    if [ -n "$pid" ] && [ "$pid" != 0 ]; then
        in_c kill -QUIT "$pid"; sleep 3
        echo "---- thread dump of the JVM ($pid)"
        in_c journalctl -u sightline.service --no-pager -o cat --since "-10s" | head -n 1500
    fi
    set -e
}
play_demo() { # the demo plays: node-datachannel, in the container's network namespace, gets a whole H.264 keyframe
    local out
    out="$(cd "$node_dir" && nsenter -t "$cpid" -n -- node check-h264.js http://127.0.0.1:8080/whep/demo 15000 2>&1)" \
        || fail "the demo did not play: $out"
    grep -q '"ok":true' <<<"$out" || fail "the demo did not play: $out"
    log "demo plays: $(grep -o '"keyframeMs":[0-9.]*' <<<"$out")"
}

# ---- install ----
log "apt install ./$(basename "$deb1") (no network in the container)"
out="$(in_c apt-get install -y "/pkg/$(basename "$deb1")" 2>&1)" || { echo "$out"; fail "apt install"; }
grep -q 'Admin password:' <<<"$out" || { echo "$out"; fail "the postinst did not print the admin password"; }
grep -q 'http://localhost:8080/play/demo' <<<"$out" || fail "the postinst did not say where the demo is"
password="$(in_c sed -n 's/^password=//p' /etc/sightline/admin-password)"
grep -q "Admin password: *$password" <<<"$out" || fail "printed password differs from /etc/sightline/admin-password"
[ "$(in_c stat -c '%U %a' /etc/sightline/admin-password)" = "root 600" ] || fail "admin-password not root-only"
in_c grep -q "^admin = {CRYPT}[0-9a-f]\{128\}{CRYPT}" /etc/sightline/users.properties || fail "admin not stored as a digest"
if in_c grep -rqF "$password" /etc/sightline --exclude=admin-password; then fail "clear password under /etc/sightline"; fi
in_c systemctl is-enabled --quiet sightline.service || fail "not enabled"
in_c systemctl is-active --quiet sightline.service || fail "not active after install"
healthy || fail "/health is $(health) 20 s after install"
[ "$(in_c id -nG sightline | tr ' ' '\n' | sort | paste -sd' ')" = "audio sightline video" ] || fail "groups of sightline"
[ "$(in_c stat -c '%U %a' /var/lib/sightline)" = "sightline 700" ] || fail "/var/lib/sightline owner/mode"
[ "$(in_c ps -o user= -p "$(main_pid)")" = sightline ] || fail "the JVM does not run as sightline"
in_c readlink -f "/proc/$(main_pid)/exe" | grep -q '^/opt/sightline/release/runtime/bin/java$' || fail "not the jlink runtime"
log "installed: enabled, active, /health 200, JVM as sightline on the bundled runtime"

play_demo
code="$(in_c curl -s -o /dev/null -w '%{http_code}' -u "admin:$password" http://127.0.0.1:8080/api/streams)"
[ "$code" = 200 ] || fail "admin API with the initial password: $code"
share="$(in_c curl -s -u "admin:$password" -X POST 'http://127.0.0.1:8080/api/streams/demo/share?ttl=90s')"
token="$(grep -o '"token":"[^"]*"' <<<"$share" | cut -d'"' -f4)"
[ -n "$token" ] || fail "no share token: $share"
# The SSH shell is on loopback only; the HTTP port on all addresses.
for _ in $(seq 1 30); do
    listeners="$(in_c ss -Hltn 'sport = :8101' || true)"
    [ -n "$listeners" ] && break
    sleep 1
done
grep -q '127.0.0.1\]*:8101' <<<"$listeners" && ! grep -Eq '(\*|0\.0\.0\.0|\[::\]):8101' <<<"$listeners" \
    || fail "Karaf SSH is not on loopback only: ${listeners:-nothing listens on 8101}"
sleep 2
for f in sightline ingest signaling delivery audit; do
    in_c test -s "/var/log/sightline/$f.log" || fail "/var/log/sightline/$f.log is missing or empty"
done
in_c grep -q "WHEP 201" /var/log/sightline/signaling.log || fail "signaling.log has no WHEP line"
in_c grep -q "share link for demo" /var/log/sightline/audit.log || fail "audit.log has no admin action"
in_c grep -q "Stream 'demo'" /var/log/sightline/ingest.log || fail "ingest.log has no stream line"
in_c grep -q "session .* start" /var/log/sightline/delivery.log || fail "delivery.log has no session start line"
in_c grep -q "session .* end" /var/log/sightline/delivery.log || fail "delivery.log has no session end line"
if in_c grep -rqF -e "$password" -e "$token" /var/log/sightline; then fail "a secret is in the logs"; fi
if in_c test -e /var/lib/sightline/data/log; then fail "Karaf wrote logs under /var/lib/sightline/data/log"; fi
others="$(in_c ls /var/log/sightline | grep -Ev '^(sightline|ingest|signaling|delivery|audit)\.log(\.[0-9]+\.gz)?$' || true)"
[ -z "$others" ] || fail "unexpected files in /var/log/sightline: $others"
log "logs per concern present; no password or token in them"
in_c sightline status > "$work/status.txt" || { cat "$work/status.txt"; fail "sightline status"; }
grep -q 'demo' "$work/status.txt" || { cat "$work/status.txt"; fail "sightline status lists no demo stream"; }
in_c sightline doctor > "$work/doctor.txt" 2>&1 || true
grep -q 'OK .*answers (200)' "$work/doctor.txt" || { cat "$work/doctor.txt"; fail "doctor did not check /health"; }
grep -q 'OK .*script/style assets are served' "$work/doctor.txt" || { cat "$work/doctor.txt"; fail "doctor: web UI"; }
# Right after the first start Karaf may still refresh the SSH bundle (its last boot stage), which ends a session:
# a few tries.
for try in 1 2 3 4 5 6; do
    if in_c sightline shell 'stream:list' > "$work/shell.txt" 2>&1 && grep -q demo "$work/shell.txt"; then break; fi
    [ "$try" -lt 6 ] || { cat "$work/shell.txt"; fail "sightline shell stream:list shows no demo"; }
    sleep 5
done
log "sightline status, doctor and shell work"

# ---- upgrade: operator edits kept, data and secrets kept, previous build kept ----
in_c sed -i 's/^video.bitrate.kbps = .*/video.bitrate.kbps = 1500/' /etc/sightline/io.sightline.stream-demo.cfg
in_c sh -c 'echo "# operator: a second stream" > /etc/sightline/io.sightline.stream-lobby.cfg; echo "source.type = testpattern" >> /etc/sightline/io.sightline.stream-lobby.cfg'
secret_before="$(in_c sha256sum /var/lib/sightline/data/sightline/auth-jwt/hmac.secret)"
log "apt install the second build (operator edit of a changed conffile: keep it, the Debian way with --force-confold)"
out="$(in_c apt-get install -y -o Dpkg::Options::=--force-confold "/pkg/sightline_${v2}_amd64.deb" 2>&1)" \
    || { echo "$out"; fail "upgrade"; }
in_c grep -q '^video.bitrate.kbps = 1500$' /etc/sightline/io.sightline.stream-demo.cfg || fail "operator edit lost"
in_c test -f /etc/sightline/io.sightline.stream-demo.cfg.dpkg-dist || fail "no .dpkg-dist with the packaged version"
in_c test -f /etc/sightline/io.sightline.stream-lobby.cfg || fail "the operator's stream file is gone"
[ "$(in_c sha256sum /var/lib/sightline/data/sightline/auth-jwt/hmac.secret)" = "$secret_before" ] || fail "token secret changed"
[ "$(in_c sed -n 's/^password=//p' /etc/sightline/admin-password)" = "$password" ] || fail "admin password changed"
[ "$(in_c cat /opt/sightline/previous/BUILD)" = "$v1" ] || fail "previous build not kept"
[ "$(in_c cat /var/lib/sightline/data/.build)" = "$v2" ] || fail "the new build is not the one running"
healthy || fail "/health after upgrade"
code="$(in_c curl -s -o /dev/null -w '%{http_code}' -u "admin:$password" http://127.0.0.1:8080/api/streams)"
[ "$code" = 200 ] || fail "admin API after upgrade: $code"
log "upgraded to $v2: edit kept (.dpkg-dist beside it), secrets kept, $v1 kept in /opt/sightline/previous"

# ---- rollback ----
t0=$SECONDS
in_c sightline rollback > "$work/rollback.txt" 2>&1 || { cat "$work/rollback.txt"; diagnose_start; fail "sightline rollback"; }
took=$((SECONDS - t0))
cat "$work/rollback.txt"
[ "$(in_c readlink /opt/sightline/current)" = previous ] || fail "current does not point at previous"
[ "$(in_c cat /var/lib/sightline/data/.build)" = "$v1" ] || fail "the previous build is not running"
healthy || { diagnose_start; fail "/health after rollback"; }
in_c grep -q '^video.bitrate.kbps = 1500$' /etc/sightline/io.sightline.stream-demo.cfg || fail "rollback touched config"
[ "$took" -le 30 ] || fail "rollback took $took s (> 30 s)"
play_demo
log "rolled back to $v1 in $took s"
in_c sightline rollback --undo > "$work/undo.txt" 2>&1 || { cat "$work/undo.txt"; diagnose_start; fail "sightline rollback --undo"; }
[ "$(in_c cat /var/lib/sightline/data/.build)" = "$v2" ] || fail "--undo did not return to $v2"
log "rollback --undo: back on $v2"

# ---- crash recovery: kill -9 of the JVM; systemd restarts it (Restart=on-failure) and a player resumes by itself ----
# The player is benchmarks/load/resuming-viewer.js (node-datachannel, in the container's network namespace): it
# recovers like the web player (new session after a 4 s stall, backoff 1, 2, 4 ... s) and prints when video is back.
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
viewer_log="$work/resuming-viewer.log"
(cd "$node_dir" && exec nsenter -t "$cpid" -n -- node resuming-viewer.js http://127.0.0.1:8080/whep/demo 180) \
    > "$viewer_log" 2>&1 &
viewer_pid=$!
for _ in $(seq 1 30); do grep -q '^playing$' "$viewer_log" && break; sleep 1; done
grep -q '^playing$' "$viewer_log" || { cat "$viewer_log"; fail "the resuming viewer did not play before the kill"; }
sleep 2
old_pid="$(main_pid)"
restarts_before="$(in_c systemctl show -p NRestarts --value sightline.service)"
killed_at="$(now_ms)"
in_c kill -KILL "$old_pid"
up_at=""
for _ in $(seq 1 300); do
    pid="$(main_pid)"
    if [ -n "$pid" ] && [ "$pid" != 0 ] && [ "$pid" != "$old_pid" ] && [ "$(health)" = 200 ]; then up_at="$(now_ms)"; break; fi
    sleep 0.5
done
[ -n "$up_at" ] || { diagnose_start; fail "not back after kill -9 (/health $(health) after 150 s)"; }
picture_at=""
for _ in $(seq 1 240); do
    if grep -q '"resumed"' "$viewer_log"; then picture_at="$(now_ms)"; break; fi
    sleep 0.5
done
kill "$viewer_pid" 2>/dev/null || true
wait "$viewer_pid" 2>/dev/null || true
[ -n "$picture_at" ] || { cat "$viewer_log"; fail "the player did not get video again after kill -9"; }
restarts="$(in_c systemctl show -p NRestarts --value sightline.service)"
[ "$restarts" -gt "$restarts_before" ] || fail "systemd counted no restart ($restarts)"
grep -q '"resumed".*"keyframe":true' "$viewer_log" || { cat "$viewer_log"; fail "the resumed session did not start at a keyframe"; }
log "kill -9 of the JVM ($old_pid): systemd restarted it (NRestarts $restarts_before -> $restarts); /health 200" \
    "after $((up_at - killed_at)) ms, the player had video again after $((picture_at - killed_at)) ms (polled every 0.5 s):" \
    "$(grep -m1 '"resumed"' "$viewer_log")"

# ---- the control plane's audit trail: a stream stop and start through the admin REST API land in audit.log ----
for action in stop start; do
    code="$(in_c curl -s -o /dev/null -w '%{http_code}' -u "admin:$password" -X POST \
        "http://127.0.0.1:8080/api/streams/demo/$action")"
    [ "$code" = 200 ] || { in_c tail -n 30 /var/log/sightline/sightline.log; fail "POST /api/streams/demo/$action: $code"; }
    in_c grep -q "| $action by admin via api from 127.0.0.1: demo" /var/log/sightline/audit.log \
        || { in_c tail -n 5 /var/log/sightline/audit.log; fail "audit.log has no '$action by admin via api' line"; }
done
log "audit.log: stream stop and start through the REST API, with who, surface and address"

# ---- the logs' total cap under a flood: SIGHTLINE_LOG_MAX_MB=10 (the smallest allowed), everything at DEBUG ----
# The start script splits the cap over the five files (share x 5 = live file + 4 archives). log4j2 rolls a file
# over before the event that finds it above its size, so a live file exceeds its size by at most one event; the
# archives are gzip of such a file (smaller). So the bound is the cap plus at most one event per file; while a
# rollover is being compressed the new archive exists uncompressed for a moment (checked after it settles).
cap_mb=10
in_c sh -c "echo SIGHTLINE_LOG_MAX_MB=$cap_mb >> /etc/default/sightline"
in_c systemctl restart sightline.service || fail "restart with SIGHTLINE_LOG_MAX_MB=$cap_mb"
healthy || fail "/health after the restart with a $cap_mb MB log cap"
in_c touch /var/tmp/flood-start
journal_before="$(in_c journalctl -q -u sightline.service -o cat | wc -l)"
flood_start="$(in_c date '+%Y-%m-%dT%H:%M:%S')"
t0=$SECONDS
for try in 1 2 3 4 5; do
    in_c sightline shell 'log:set DEBUG' >/dev/null 2>&1 && break
    [ "$try" -lt 5 ] || fail "sightline shell log:set DEBUG"
    sleep 3
done
# Requests that each log (at DEBUG the HTTP stack writes dozens of lines per request to sightline.log), on one
# keep-alive connection per batch (curl's URL ranges), until sightline.log has rolled over often enough that more
# than twice the whole cap went through it, or 45 s passed. A rollover is seen as a new first line in
# sightline.log.1.gz; polls between batches can miss one, so the count is a lower bound. (WHEP refusals would feed
# signaling.log, but their lines are throttled per status, as they should be under a flood.)
main_kb=$((cap_mb * 1024 * 30 / 500))
rolls=0
newest=""
while [ $((SECONDS - t0)) -lt 45 ]; do
    in_c curl -s "http://127.0.0.1:8080/health?n=[1-200]" >/dev/null || true
    first="$(in_c sh -c 'zcat /var/log/sightline/sightline.log.1.gz 2>/dev/null | head -c 23' || true)"
    if [ -n "$first" ] && [ "$first" != "$newest" ] && [[ ! "$first" < "$flood_start" ]]; then
        rolls=$((rolls + 1))
        newest="$first"
    fi
    [ $((rolls * main_kb)) -gt $((2 * cap_mb * 1024)) ] && break
done
in_c sightline shell 'log:set INFO' >/dev/null 2>&1 || fail "sightline shell log:set INFO"
flood_s=$((SECONDS - t0))
sleep 2 # the last rollover's compression
written_mb=$((rolls * main_kb / 1024))
[ "$written_mb" -gt "$cap_mb" ] || { in_c ls -l /var/log/sightline; fail "only $rolls rollovers (>= $written_mb MB) in ${flood_s}s"; }
oldest="$(in_c sh -c 'zcat /var/log/sightline/sightline.log.4.gz | head -c 19')"
[[ ! "$oldest" < "$flood_start" ]] || fail "sightline.log.4.gz starts before the flood ($oldest): old archives kept"
log "flood ${flood_s}s"
in_c ls -l /var/log/sightline
cap_bytes=$((cap_mb * 1024 * 1024))
total="$(in_c sh -c 'stat -c %s /var/log/sightline/*' | awk '{ s += $1 } END { print s }')"
disk="$(in_c du -sb /var/log/sightline | cut -f1)"
[ "$total" -le "$cap_bytes" ] || fail "/var/log/sightline holds $total bytes, over the $cap_mb MB cap"
# Per file: at most 4 archives, all compressed, and the live file at most its size plus one event (2 KB message).
for f in sightline ingest signaling delivery audit; do
    n="$(in_c sh -c "ls /var/log/sightline | grep -c '^$f\.log\.[0-9]*\.gz\$'" || true)"
    [ "$n" -le 4 ] || fail "$f.log has $n archives (max 4)"
done
others="$(in_c ls /var/log/sightline | grep -Ev '^(sightline|ingest|signaling|delivery|audit)\.log(\.[1-4]\.gz)?$' || true)"
[ -z "$others" ] || fail "unexpected files in /var/log/sightline after the flood: $others"
kb=$((cap_mb * 1024))
for f in sightline:30 ingest:20 signaling:20 delivery:20 audit:10; do
    size="$(in_c stat -c %s "/var/log/sightline/${f%%:*}.log")"
    [ "$size" -le $((kb * ${f#*:} / 500 * 1024 + 4096)) ] || fail "${f%%:*}.log is $size bytes, over its size"
done
# Nothing written elsewhere: no Karaf log under data/, no large file written anywhere else since the flood began,
# no flood in the journal.
if in_c test -e /var/lib/sightline/data/log; then fail "Karaf wrote logs under /var/lib/sightline/data/log"; fi
elsewhere="$(in_c find / -xdev -type f -newer /var/tmp/flood-start -size +256k -not -path '/var/log/sightline/*' \
    -not -path '/proc/*' -not -path '/var/log/journal/*' 2>/dev/null || true)"
[ -z "$elsewhere" ] || { in_c ls -l $elsewhere; fail "large files written outside /var/log/sightline: $elsewhere"; }
# The journal gets no log events (log4j2's own status messages may land there: in this container the host name does
# not resolve, and log4j2 prints a stack trace about it at each reconfiguration, i.e. at each log:set).
journal_lines=$(( $(in_c journalctl -q -u sightline.service -o cat | wc -l) - journal_before ))
events="$(in_c journalctl -q -u sightline.service -o cat | tail -n "$journal_lines" | grep -cE '\| (TRACE|DEBUG|INFO|WARN) +\|' || true)"
[ "$events" -eq 0 ] || { in_c journalctl -q -u sightline.service -o cat | tail -n "$journal_lines" | head -n 40
    fail "the flood went to the journal too ($events log events)"; }
raw="$(in_c sh -c 'cat /var/log/sightline/*.log; zcat /var/log/sightline/*.gz' | wc -c)"
healthy || fail "/health after the flood"
log "log cap $cap_mb MB: ${flood_s}s at DEBUG, sightline.log rolled over >= $rolls times (>= $written_mb MB);" \
    "/var/log/sightline holds $total bytes ($disk du, $raw uncompressed); oldest archive from the flood;" \
    "nothing elsewhere, no log event in the journal ($journal_lines status lines); /health 200"
in_c sed -i "/^SIGHTLINE_LOG_MAX_MB=$cap_mb\$/d" /etc/default/sightline

# ---- remove: program gone, configuration, data and user stay ----
in_c apt-get remove -y sightline > "$work/remove.txt" 2>&1 || { cat "$work/remove.txt"; fail "remove"; }
if in_c systemctl is-active --quiet sightline.service; then fail "still running after remove"; fi
if in_c test -e /opt/sightline/release; then fail "/opt/sightline/release left after remove"; fi
in_c grep -q '^video.bitrate.kbps = 1500$' /etc/sightline/io.sightline.stream-demo.cfg || fail "remove lost config"
in_c test -f /var/lib/sightline/data/sightline/auth-jwt/hmac.secret || fail "remove lost data"
in_c getent passwd sightline >/dev/null || fail "remove deleted the user"
log "removed: program gone; /etc/sightline, data and user kept"

# ---- purge: everything goes ----
in_c dpkg --purge sightline > "$work/purge.txt" 2>&1 || { cat "$work/purge.txt"; fail "purge"; }
for d in /etc/sightline /var/lib/sightline /var/log/sightline /opt/sightline /etc/default/sightline; do
    if in_c test -e "$d"; then fail "$d left after purge"; fi
done
if in_c getent passwd sightline >/dev/null; then fail "user left after purge"; fi
if in_c getent group sightline >/dev/null; then fail "group left after purge"; fi
log "purged: no files, no user, no group left"
log "PASS"
