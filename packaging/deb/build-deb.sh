#!/usr/bin/env bash
# Builds target/sightline_<version>_amd64.deb from the Karaf distribution tarball (called by Maven, phase package).
#   build-deb.sh DIST_TAR_GZ MAVEN_VERSION BUILD_TIME TARGET_DIR
# DEB_VERSION (environment) overrides the Debian version (the install test builds a second, newer package this way).
#
# Layout of the package:
#   /opt/sightline/release/   the program, read-only: Karaf (bin, lib, system), runtime/ (jlink), libexec/, BUILD
#   /opt/sightline/current -> release   what the unit runs ("sightline rollback" points it at previous/)
#   /etc/sightline/           the distribution's etc/ (conffiles), with the package's logging, SSH and realm settings
#   /etc/default/sightline    the unit's environment (port, bind address, log cap, heap)
#   /lib/systemd/system/sightline.service, /usr/bin/sightline, /usr/share/doc/sightline, /usr/share/man/man1
# The maintainer scripts create /var/lib/sightline and /var/log/sightline, the user, and the first admin account.
set -euo pipefail
dist="$1" mvn_version="$2" build_time="$3" target="$4"
here="$(cd "$(dirname "$0")" && pwd)"
src="$here/src"

version="${DEB_VERSION:-}"
if [ -z "$version" ]; then
    case "$mvn_version" in
        *-SNAPSHOT) version="${mvn_version%-SNAPSHOT}~SNAPSHOT.${build_time}" ;;
        *) version="$mvn_version" ;;
    esac
fi
stage="$target/deb-root"
rel="$stage/opt/sightline/release"
rm -rf "$stage"
mkdir -p "$rel" "$stage/etc" "$stage/DEBIAN"

# ---- the distribution ----
tar xzf "$dist" -C "$rel" --strip-components=1
mv "$rel/etc" "$stage/etc/sightline"
# Not part of the installed program: Windows scripts, Karaf's own service wrappers, the empty data/ and deploy/
# (state lives in /var/lib/sightline), and Karaf's lib/README.
rm -rf "$rel"/bin/*.bat "$rel/bin/contrib" "$rel/data" "$rel/deploy" "$rel/lib/README"
# users.properties is created by the postinst (with the first admin) and is not a conffile: keep Karaf's as a template.
mkdir -p "$rel/share"
mv "$stage/etc/sightline/users.properties" "$rel/share/users.properties"
cp "$src/etc/org.ops4j.pax.logging.cfg" "$stage/etc/sightline/"
# The cluster settings, every line commented: the node runs alone until an operator fills them in (docs/cluster.md).
cp "$src/etc/io.sightline.cluster.cfg" "$stage/etc/sightline/"
# The Karaf shell (SSH) answers on loopback only; the realm stores password digests (SHA-512), never passwords.
sed -i 's/^sshHost[[:space:]]*=.*/sshHost = 127.0.0.1/' "$stage/etc/sightline/org.apache.karaf.shell.cfg"
sed -i 's/^encryption.enabled[[:space:]]*=.*/encryption.enabled = true/;
        s/^encryption.algorithm[[:space:]]*=.*/encryption.algorithm = SHA-512/' "$stage/etc/sightline/org.apache.karaf.jaas.cfg"
grep -q '^sshHost = 127.0.0.1$' "$stage/etc/sightline/org.apache.karaf.shell.cfg"
grep -q '^encryption.enabled = true$' "$stage/etc/sightline/org.apache.karaf.jaas.cfg"

# ---- the Java runtime ----
# The modules the bundles and Karaf use (jdeps over lib/ and system/, plus what bin/karaf opens or exports and the
# service-loaded ones jdeps cannot see: jdk.crypto.ec for EC TLS/SSH keys, jdk.zipfs, jdk.management for /metrics).
modules=java.base,java.compiler,java.datatransfer,java.desktop,java.instrument,java.logging,java.management
modules+=,java.management.rmi,java.naming,java.rmi,java.scripting,java.security.jgss,java.security.sasl,java.sql
modules+=,java.xml,jdk.crypto.ec,jdk.management,jdk.naming.rmi,jdk.security.auth,jdk.unsupported,jdk.xml.dom,jdk.zipfs
jdk="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}"
jlink_cache="${JLINK_CACHE:-$target/jlink-runtime}"
if [ ! -f "$jlink_cache/.modules" ] || [ "$(cat "$jlink_cache/.modules")" != "$jdk $modules" ]; then
    rm -rf "$jlink_cache"
    # The server runs headless (java.awt.headless): leave out the desktop module's native libraries that need X11,
    # fonts and image codecs, so the runtime depends on nothing beyond libc, libstdc++ and zlib.
    "$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files --compress=2 \
        --exclude-files='**/libawt_xawt.so,**/libjawt.so,**/libsplashscreen.so,**/libfontmanager.so,**/libjavajpeg.so,**/liblcms.so,**/libjsound.so' \
        --output "$jlink_cache"
    # Debian's policy (and lintian) want shipped ELF files stripped of symbols; jlink only strips Java debug data.
    if command -v strip >/dev/null; then
        find "$jlink_cache" -type f \( -name '*.so' -o -path '*/bin/*' -o -name jexec -o -name jspawnhelper \) \
            -exec sh -c 'head -c 4 "$1" | grep -q ELF && strip --strip-unneeded --remove-section=.comment --remove-section=.note "$1"' _ {} \;
    else
        echo "build-deb: WARNING: strip (binutils) missing, the runtime stays unstripped (lintian will say so)" >&2
    fi
    echo "$jdk $modules" > "$jlink_cache/.modules"
fi
cp -a "$jlink_cache" "$rel/runtime"
rm -f "$rel/runtime/.modules"
"$rel/runtime/bin/java" -version 2>&1 | head -n1 | sed 's/^/build-deb: runtime /'
echo "build-deb: runtime $(du -sh "$rel/runtime" | cut -f1), modules $modules"

# ---- package files ----
printf '%s\n' "$version" > "$rel/BUILD"
install -d "$rel/libexec"
install -m 0755 "$src"/libexec/* "$rel/libexec/"
ln -s release "$stage/opt/sightline/current"
install -D -m 0644 "$src/systemd/sightline.service" "$stage/lib/systemd/system/sightline.service"
install -D -m 0644 "$src/default/sightline" "$stage/etc/default/sightline"
install -D -m 0755 "$src/bin/sightline" "$stage/usr/bin/sightline"
install -D -m 0644 "$src/debian/sightline.1" "$stage/usr/share/man/man1/sightline.1"
gzip -9n "$stage/usr/share/man/man1/sightline.1"
doc="$stage/usr/share/doc/sightline"
install -d "$doc"
install -m 0644 "$src/debian/copyright" "$doc/copyright"
gzip -9nc "$here/../../docs/operations.md" > "$doc/operations.md.gz"
gzip -9nc "$here/../../docs/cluster.md" > "$doc/cluster.md.gz"
install -m 0644 "$here/../../docs/grafana-dashboard.json" "$doc/grafana-dashboard.json"
printf 'sightline (%s) unstable; urgency=medium\n\n  * Build %s.\n\n -- Sightline developers <sightline@example.org>  %s\n' \
    "$version" "$build_time" "$(date -R -d "@${SOURCE_DATE_EPOCH:-$(date +%s)}")" | gzip -9n > "$doc/changelog.gz"
install -D -m 0644 "$src/debian/lintian-overrides" "$stage/usr/share/lintian/overrides/sightline"

# Permissions: directories 755, files 644 unless executable; everything owned by root (dpkg-deb --root-owner-group).
find "$stage" -type d -exec chmod 0755 {} +
find "$stage" -type f ! -perm -u+x -exec chmod 0644 {} +
find "$stage" -type f -perm -u+x -exec chmod 0755 {} +

# ---- control ----
(cd "$stage" && find etc -type f | sort | sed 's|^|/|') > "$stage/DEBIAN/conffiles"
# The postinst gives the service's group write access to exactly these files (see there).
grep '^/etc/sightline/' "$stage/DEBIAN/conffiles" > "$rel/share/conffiles"
size="$(du -sk --exclude=DEBIAN "$stage" | cut -f1)"
sed "s/@VERSION@/$version/; s/@SIZE@/$size/" "$src/debian/control.in" > "$stage/DEBIAN/control"
install -m 0755 "$src"/debian/{preinst,postinst,prerm,postrm} "$stage/DEBIAN/"
(cd "$stage" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z | xargs -0 md5sum) > "$stage/DEBIAN/md5sums"
chmod 0644 "$stage/DEBIAN/md5sums" "$stage/DEBIAN/conffiles" "$stage/DEBIAN/control"

deb="$target/sightline_${version}_amd64.deb"
rm -f "$target"/sightline_*_amd64.deb
dpkg-deb --root-owner-group -Zgzip -z6 --build "$stage" "$deb" >/dev/null
echo "build-deb: $deb ($(du -h "$deb" | cut -f1), installed $((size / 1024)) MB)"
