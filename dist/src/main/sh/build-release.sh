#!/usr/bin/env bash
# Builds mkv's release from the jars Maven copied into TARGET/lib (see dist/pom.xml):
#   1. a Java runtime holding only the modules mkv needs (jdeps finds them, jlink links them
#      from the running JDK; a JDK without jmods/ works when it can link from its own run-time
#      image, as Temurin 25 can), reused while the jars and the JDK stay the same;
#   2. the tree mkv-VERSION/{bin/mkv, lib/*.jar, lib/run.sh, runtime/, systemd/, README.md, docs/}
#      and TARGET/mkv-VERSION-linux-x64.tar.gz made from it, owned by root, sorted, dated by the
#      last commit so that the same sources give the same archive;
#   3. TARGET/deb-doc: the copyright and changelog.gz the Debian package carries.
# Usage: build-release.sh TARGET VERSION JDK_HOME
set -euo pipefail
target=$1 version=$2 jdk=$3
dist=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
repo=$(cd "$dist/.." && pwd)
name=mkv-$version
jars=$target/lib
app=$jars/mkv-app-$version.jar
[ -f "$app" ] || { echo "build-release: $app is missing (run it from Maven: mvn -pl dist -am package)" >&2; exit 1; }
for tool in jdeps jlink; do
  [ -x "$jdk/bin/$tool" ] || { echo "build-release: $jdk has no bin/$tool: build with a full JDK >= 21 (bin/test finds one)" >&2; exit 1; }
done

# 1. The runtime. jdeps follows mkv's own classes; modules reached only through reflection or
#    ServiceLoader would be missed, which ReleaseIT would catch by running a cluster on it, and
#    are named here: jdk.management, where the Prometheus client reads process CPU and file descriptors
#    (com.sun.management) when it is present.
extra=jdk.management
runtime=$target/runtime
key="$("$jdk/bin/java" -version 2>&1 | head -n 1) $extra $(cd "$jars" && ls -l --time-style=+%s -- *.jar | awk '{print $5, $6, $7}' | md5sum)"
if [ ! -x "$runtime/bin/java" ] || [ "$(cat "$target/runtime.key" 2>/dev/null)" != "$key" ]; then
  modules=$("$jdk/bin/jdeps" -q --multi-release 21 --ignore-missing-deps --print-module-deps --recursive \
    --class-path "$jars/*" "$app")
  modules=$modules,$extra
  echo "build-release: linking a runtime with $modules" >&2
  rm -rf "$runtime" "$target/runtime.key"
  "$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files --compress zip-6 \
    --output "$runtime"
  # jlink copies the JDK's files read-only and its native code with symbol tables; a package
  # wants 0644/0755 and stripped objects, as dh_strip would make them (binutils, which lintian needs too).
  chmod -R u+w,go-w "$runtime"
  if command -v strip >/dev/null; then
    find "$runtime" -type f \( -name '*.so' -o -path '*/bin/*' -o -name jspawnhelper -o -name jexec \) \
      -exec strip --remove-section=.comment --remove-section=.note --strip-unneeded {} +
  else
    echo "build-release: no strip (binutils): the runtime's native code keeps its symbols" >&2
  fi
  printf '%s' "$key" > "$target/runtime.key"
else
  echo "build-release: the runtime in $runtime is up to date" >&2
fi

# 2. The tree and the archive.
stage=$target/stage/$name
rm -rf "$target/stage"
mkdir -p "$stage/bin" "$stage/lib" "$stage/systemd" "$stage/docs"
cp -a "$runtime" "$stage/runtime"
cp "$jars"/*.jar "$stage/lib/"
install -m 0755 "$dist/src/main/release/bin/mkv" "$stage/bin/mkv"
install -m 0644 "$repo/bin/lib/run.sh" "$stage/lib/run.sh"
install -m 0644 "$repo"/contrib/systemd/*.service "$stage/systemd/"
install -m 0644 "$repo/README.md" "$stage/README.md"
install -m 0644 "$repo/docs/OPERATIONS.md" "$repo/docs/ADMIN.md" "$repo/docs/GUARANTEES.md" "$stage/docs/"
epoch=$(git -C "$repo" log -1 --format=%ct 2>/dev/null || date +%s)
tarball=$target/$name-linux-x64.tar.gz
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$epoch" -C "$target/stage" -cf - "$name" \
  | gzip -6n > "$tarball.part"
mv "$tarball.part" "$tarball"
echo "build-release: $tarball ($(du -h "$tarball" | cut -f1))" >&2

# 3. The Debian package's docs (Debian policy 12.5, 12.7).
doc=$target/deb-doc
rm -rf "$doc" && mkdir -p "$doc"
install -m 0644 "$dist/src/deb/doc/copyright" "$doc/copyright"
debversion=$(printf "%s" "${version/-SNAPSHOT/~SNAPSHOT}" | tr "[:upper:]" "[:lower:]") # as jdeb writes it
{
  echo "mkv ($debversion) unstable; urgency=medium"
  echo
  echo "  * Built from the mkv repository; see its git log for the changes."
  echo
  echo " -- mkv developers <mkv@example.org>  $(LC_ALL=C date -u -R -d "@$epoch")"
} | gzip -9n > "$doc/changelog.gz"
