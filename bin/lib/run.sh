# Sourced by bin/mkv (the source tree) and by a release's bin/mkv: runs mkv on a given java
# with the JVM flags every mkv process uses. `mkv volume` only prepares its nginx (folders,
# config, a free port), then this shell execs nginx in its own place: no JVM stays beside
# nginx (~80 MiB each, docs/OPERATIONS.md), and nginx's own exit status is the volume's.
# Usage: mkv_run JAVA CLASSPATH [ARG...]

mkv_run() {
  local java=$1 classpath=$2
  shift 2
  # Serial GC and a 128 MiB heap: the coordinator's live data is small (buffers are bounded
  # queues, the index lives in SQLite), and the default G1 with a quarter of RAM kept ~310 MiB
  # resident after load; this keeps ~155 MiB (docs/PERFORMANCE.md). MKV_JAVA_OPTS comes after,
  # so a flag there wins.
  # shellcheck disable=SC2206 # MKV_JAVA_OPTS is a list of flags, split on spaces on purpose
  local jvm=(-XX:+UseSerialGC -Xms64m -Xmx128m -XX:ReservedCodeCacheSize=64m -XX:MaxDirectMemorySize=64m
    ${MKV_JAVA_OPTS:-} --enable-native-access=ALL-UNNAMED "-Dorg.sqlite.tmpdir=${TMPDIR:-/tmp}"
    -cp "$classpath" mkv.app.Main)
  if [ "${1:-}" = volume ]; then
    local plan status=0
    plan=$("$java" "${jvm[@]}" volume --exec-plan "${@:2}") || status=$?
    # Anything but a plan (help, a usage error, a taken port) is passed on with its status.
    if [ "$status" -ne 0 ] || [ "${plan%%$'\n'*}" != exec ]; then
      [ -z "$plan" ] || printf '%s\n' "$plan"
      exit "$status"
    fi
    local nginx
    mapfile -t nginx <<<"${plan#exec$'\n'}"
    exec "${nginx[@]}"
  fi
  exec "$java" "${jvm[@]}" "$@"
}
