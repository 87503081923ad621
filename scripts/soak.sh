#!/usr/bin/env bash
# A soak of mkv (not part of CI): three nginx volumes and a coordinator on free loopback
# ports in a temporary folder, `mkv bench --phase cycle` for SOAK_MINUTES minutes (default 30)
# in one-minute slices, and volume 2 restarted half-way. One table row per minute: cycles/s,
# errors, p99, and the coordinator's resident memory. Everything started is stopped on exit.
#
#   scripts/soak.sh                        # 30 minutes, 16 concurrent clients, 1-64 KiB values
#   SOAK_MINUTES=5 SOAK_CONCURRENCY=8 scripts/soak.sh
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$root/bin/lib/jdk.sh"
. "$root/bin/lib/nginx.sh"
mkv=$root/bin/mkv
minutes=${SOAK_MINUTES:-30}
concurrency=${SOAK_CONCURRENCY:-16}
size=${SOAK_SIZE:-1KiB-64KiB}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
base=""
for _ in $(seq 1 50); do
  p=$(( (RANDOM % 3000) * 10 + 20000 ))
  if port_free "$p" && port_free $((p + 1)) && port_free $((p + 2)) && port_free $((p + 3)) && port_free $((p + 100)); then base=$p; break; fi
done
[ -n "$base" ] || { echo "soak: found no free ports" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/mkv-soak.XXXXXX")
pids=()
declare -A volpid
stop_pid() {
  local p=$1
  kill -TERM "$p" 2>/dev/null || return 0
  for _ in $(seq 1 100); do kill -0 "$p" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$p" 2>/dev/null || true
}
cleanup() {
  for p in "${pids[@]}" "${volpid[@]}"; do stop_pid "$p"; done
  for f in "$tmp"/vol*.pid; do [ -f "$f" ] && stop_pid "$(cat "$f")"; done
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$mkv" --version >/dev/null # builds once, before anything is timed
# Volumes trust only signed requests: a secret of this run's own, shared by every process.
(umask 077; echo "k1 $(openssl rand -base64 32)" >"$tmp/secret")
# As root, nginx's workers need a user of their own (docs/SECURITY.md); the folders must be theirs to write.
as_user=()
if [ "$(id -u)" = 0 ]; then as_user=(--user nobody); chmod 755 "$tmp"; fi
wait_port() { for _ in $(seq 1 300); do port_free "$1" || return 0; sleep 0.1; done; echo "soak: port $1 never opened" >&2; exit 1; }
start_volume() {
  local i=$1
  "$mkv" volume --dir "$tmp/vol$i" --port $((base + i)) --host 127.0.0.1 --secret-file "$tmp/secret" "${as_user[@]}" >>"$tmp/vol$i.log" 2>&1 &
  volpid[$i]=$!
  echo "$!" >"$tmp/vol$i.pid" # a restart runs in a subshell: cleanup reads the pid from here
  wait_port $((base + i))
}
for i in 1 2 3; do start_volume "$i"; done
"$mkv" server --volumes "127.0.0.1:$((base + 1)),127.0.0.1:$((base + 2)),127.0.0.1:$((base + 3))" \
  --db "$tmp/index.db" --port "$base" --host 127.0.0.1 --access-log false --secret-file "$tmp/secret" >"$tmp/coordinator.log" 2>&1 &
coordinator=$!
pids+=("$coordinator")
wait_port "$base"

echo "soak: $minutes min of write/read/delete cycles, $concurrency clients, values $size; volume 2 stopped for ${SOAK_DOWN:-5} s in minute $((minutes / 2 + 1))"
printf '%-6s %-10s %-8s %-10s %-10s %-22s %s\n' minute cycles/s errors p99_ms rss_MiB errors_by_status note
for m in $(seq 1 "$minutes"); do
  note=""
  if [ "$m" -eq $(( minutes / 2 + 1 )) ]; then
    # 20 s into this minute, under load: volume 2 stops, stays down for SOAK_DOWN seconds
    # (long enough for the health checker to mark it down), then starts again.
    ( sleep 20; stop_pid "${volpid[2]}"; sleep "${SOAK_DOWN:-5}"; start_volume 2 ) &
    restarter=$!
    note="volume 2 down ${SOAK_DOWN:-5} s, restarted"
  fi
  out=$("$mkv" bench --url "http://127.0.0.1:$base" --phase cycle --concurrency "$concurrency" --size "$size" \
        --duration 60s --prefix "/soak/$m/" --json --quiet 2>/dev/null || true)
  [ -n "${restarter:-}" ] && { wait "$restarter" || true; restarter=""; }
  rss=$(awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$coordinator/status" 2>/dev/null || echo "?")
  read -r ops errs p99 statuses < <(printf '%s' "$out" | python3 -c '
import json, sys
try:
    d = json.load(sys.stdin)
    e = d.get("errors") or {}
    print(round(d["rate"], 1), d["failed"], d["steps"]["cycle"]["p99_ms"], ",".join(f"{k}:{v}" for k, v in sorted(e.items())) or "-")
except Exception:
    print("? ? ? ?")')
  printf '%-6s %-10s %-8s %-10s %-10s %-22s %s\n' "$m" "$ops" "$errs" "$p99" "$rss" "$statuses" "$note"
done
echo "soak: coordinator peak RSS $(awk '/VmHWM/ {printf "%.0f MiB", $2/1024}' "/proc/$coordinator/status")"
