#!/usr/bin/env bash
# Checks the built package without installing it (Maven phase integration-test, a few seconds plus lintian):
# its layout and conffiles (dpkg-deb), lintian (only the overridden, explained tags may remain), and the unit
# (systemd-analyze verify, and security --offline at or below the exposure we promise).
#   check-deb.sh TARGET_DIR
set -euo pipefail
target="$1"
deb="$(ls "$target"/sightline_*_amd64.deb)"
fail() { echo "check-deb: FAIL: $*" >&2; exit 1; }
echo "check-deb: $deb"

# ---- contents ----
contents="$(dpkg-deb --contents "$deb")"
for path in ./opt/sightline/release/bin/karaf ./opt/sightline/release/runtime/bin/java ./opt/sightline/release/BUILD \
        ./opt/sightline/release/libexec/start ./opt/sightline/release/libexec/wait-healthy \
        ./opt/sightline/release/share/users.properties ./lib/systemd/system/sightline.service ./usr/bin/sightline \
        ./etc/sightline/org.ops4j.pax.logging.cfg ./etc/sightline/io.sightline.stream-demo.cfg ./etc/default/sightline \
        ./etc/sightline/io.sightline.cluster.cfg ./usr/share/doc/sightline/cluster.md.gz \
        ./usr/share/doc/sightline/copyright ./usr/share/doc/sightline/operations.md.gz \
        ./usr/share/doc/sightline/grafana-dashboard.json; do
    grep -q " $path\( \|$\)" <<<"$contents" || fail "missing $path"
done
grep -q ' ./opt/sightline/current -> release$' <<<"$contents" || fail "/opt/sightline/current is not a link to release"
# Everything root-owned; nothing in the package under /var (state and logs are made by the postinst).
if grep -v ' root/root ' <<<"$contents" | grep -q .; then fail "files not owned by root/root"; fi
if grep -q ' ./var/' <<<"$contents"; then fail "the package ships files under /var"; fi
if grep -q ' ./etc/sightline/users.properties' <<<"$contents"; then fail "users.properties must not be shipped"; fi
# Every file under /etc is a conffile, and only those.
conffiles="$(dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles)"
etc_files="$(grep -E '^-' <<<"$contents" | awk '{print $6}' | grep '^\./etc/' | sed 's|^\.||' | sort)"
[ "$etc_files" = "$(sort <<<"$conffiles")" ] || fail "conffiles differ from the files under /etc"
# The cluster settings are shipped disabled: comments only (a live key would make a node try to join at once).
if dpkg-deb --fsys-tarfile "$deb" | tar -xO ./etc/sightline/io.sightline.cluster.cfg | grep -qv '^\(#.*\)\?$'; then
    fail "io.sightline.cluster.cfg ships an active setting"
fi
echo "check-deb: contents OK ($(wc -l <<<"$conffiles") conffiles)"
control="$(dpkg-deb --field "$deb")"
grep -q '^Architecture: amd64$' <<<"$control" || fail "architecture"
# The runtime is jlink'd: no dependency on a system Java.
if grep -i '^Depends:.*\(jre\|jdk\|java\)' <<<"$control"; then fail "depends on a system Java"; fi

# ---- lintian: only the overridden tags (explained in src/debian/lintian-overrides) ----
if command -v lintian >/dev/null; then
    out="$(lintian --fail-on none "$deb" 2>/dev/null || true)"
    if grep -E '^[EW]:' <<<"$out"; then fail "lintian tags above are neither fixed nor explained"; fi
    echo "check-deb: lintian OK ($(lintian --show-overrides "$deb" 2>/dev/null | grep -c '^O:') overridden tags, explained)"
else
    fail "lintian is not installed (scripts/install-deps)"
fi

# ---- the unit ----
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
dpkg-deb -x "$deb" "$work"
unit="$work/lib/systemd/system/sightline.service"
# verify checks that ExecStart= and friends exist and are executable: point them at the unpacked tree (the unit as
# shipped otherwise, same name so the messages match).
mkdir -p "$work/unit"
sed "s|/opt/sightline/current|$work/opt/sightline/release|g" "$unit" > "$work/unit/sightline.service"
if ! out="$(systemd-analyze verify --man=no "$work/unit/sightline.service" 2>&1)"; then
    echo "$out"; fail "systemd-analyze verify"
fi
if [ -n "$out" ]; then echo "$out"; fail "systemd-analyze verify printed warnings"; fi
score="$(systemd-analyze security --offline=true "$unit" 2>&1 \
    | sed -n 's/.*Overall exposure level for sightline.service: \([0-9.]*\).*/\1/p')"
[ -n "$score" ] || fail "systemd-analyze security gave no score"
awk -v s="$score" 'BEGIN { exit !(s <= 2.5) }' || fail "exposure $score > 2.5"
echo "check-deb: unit OK (systemd-analyze verify clean; security exposure $score, limit 2.5)"
