#!/usr/bin/env bash
# Builds the release tarball and Debian package (the broker and the chronik command line) from a built
# tree (`mvn package` first):
#   broker/src/dist/package.sh [OUTDIR]   -> OUTDIR/chronik-VERSION.tar.gz, OUTDIR/chronik_VERSION_amd64.deb
# Inputs: the raft, pipeline, broker, verifier and control jars (control's may also be its
# target/classes, jarred here: control's own tests package before its jar exists) and target/dist/lib.
# Layout: tarball chronik-VERSION/{bin,lib,config,systemd,doc}; .deb /usr/share/chronik/{bin,lib,doc},
# /usr/bin/chronik, /etc/chronik/chronik.properties, /lib/systemd/system/chronik.service,
# /var/lib/chronik (postinst).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
DIST="$ROOT/broker/src/dist"
OUT="$(mkdir -p "${1:-$ROOT/target/package}" && cd "${1:-$ROOT/target/package}" && pwd)"
VERSION="$(sed -n 's:.*<version>\(.*\)</version>.*:\1:p' "$ROOT/pom.xml" | head -n 1)"
DEB_VERSION="${VERSION//-SNAPSHOT/~snapshot}"
command -v dpkg-deb >/dev/null || { echo "package: dpkg-deb not found (apt-get install dpkg)" >&2; exit 1; }

STAGE="$(mktemp -d)"
trap 'rm -rf "$STAGE"' EXIT

jars=()
for m in raft pipeline broker verifier control; do
  jar="$ROOT/$m/target/chronik-$m-$VERSION.jar"
  if [ ! -f "$jar" ] && [ "$m" = control ] && [ -f "$ROOT/control/target/classes/META-INF/services/java.util.concurrent.Callable" ]; then
    command -v jar >/dev/null || { echo "package: jar (JDK) not found to pack control/target/classes" >&2; exit 1; }
    jar="$STAGE/chronik-control-$VERSION.jar"
    (cd "$ROOT/control/target/classes" && jar --create --file "$jar" .)
  fi
  [ -f "$jar" ] || { echo "package: $m/target/chronik-$m-$VERSION.jar missing: run mvn package first" >&2; exit 1; }
  jars+=("$jar")
done
[ -d "$ROOT/target/dist/lib" ] || { echo "package: target/dist/lib missing: run mvn package first" >&2; exit 1; }

# release tarball
T="$STAGE/chronik-$VERSION"
mkdir -p "$T/bin" "$T/lib" "$T/config" "$T/systemd" "$T/doc"
cp "${jars[@]}" "$ROOT"/target/dist/lib/*.jar "$T/lib/"
install -m 0755 "$DIST/bin/chronik-broker" "$DIST/bin/chronik" "$T/bin/"
install -m 0644 "$DIST/config/chronik.properties" "$DIST/config/logback.xml" "$T/config/"
install -m 0644 "$DIST/systemd/chronik.service" "$T/systemd/"
install -m 0644 "$ROOT/docs/OPERATIONS.md" "$ROOT/docs/BROKER.md" "$ROOT/docs/operations/grafana-dashboard.json" \
  "$ROOT/docs/operations/prometheus.yml" "$T/doc/"
tar -C "$STAGE" --owner=0 --group=0 -czf "$OUT/chronik-$VERSION.tar.gz" "chronik-$VERSION"

# Debian package
D="$STAGE/deb"
mkdir -p "$D/DEBIAN" "$D/usr/share/chronik" "$D/usr/bin" "$D/etc/chronik" "$D/lib/systemd/system"
cp -r "$T/bin" "$T/lib" "$T/doc" "$D/usr/share/chronik/"
ln -s ../share/chronik/bin/chronik "$D/usr/bin/chronik"
mkdir -p "$D/usr/share/chronik/config"
install -m 0644 "$DIST/config/logback.xml" "$D/usr/share/chronik/config/"
install -m 0644 "$DIST/config/chronik.properties" "$D/etc/chronik/"
install -m 0644 "$DIST/systemd/chronik.service" "$D/lib/systemd/system/"
sed "s/@VERSION@/$DEB_VERSION/" "$DIST/debian/control" > "$D/DEBIAN/control"
install -m 0644 "$DIST/debian/conffiles" "$D/DEBIAN/"
install -m 0755 "$DIST/debian/postinst" "$DIST/debian/prerm" "$DIST/debian/postrm" "$D/DEBIAN/"
dpkg-deb --root-owner-group -Zgzip --build "$D" "$OUT/chronik_${DEB_VERSION}_amd64.deb" >/dev/null
echo "package: $OUT/chronik-$VERSION.tar.gz $OUT/chronik_${DEB_VERSION}_amd64.deb"
