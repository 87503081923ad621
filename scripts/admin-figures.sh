#!/usr/bin/env bash
# Measures the admin tools on one machine: N keys (default 10,000) stored on 3 local nginx
# volumes by a real coordinator, then
#   1. mkv rebuild of the 3 volumes into a fresh index: keys/s;
#   2. a 4th volume added, mkv rebalance 3 -> 4 beside the running coordinator: keys moved,
#      seconds, peak RSS (GNU time's "Maximum resident set size").
# Usage: scripts/admin-figures.sh [KEYS] [VALUE_BYTES]. Everything lives in a temp folder, removed at the end.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
keys=${1:-10000}
size=${2:-1024}
bin="$root/bin/mkv"
"$bin" --version >/dev/null   # builds the jar when it is missing or stale
work=$(mktemp -d /tmp/mkv-figures.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
base=$((20000 + RANDOM % 20000))
# Volumes trust only signed requests: a secret of this run's own, shared by every process.
(umask 077; echo "k1 $(openssl rand -base64 32)" >"$work/secret")
# As root, nginx's workers need a user of their own (docs/SECURITY.md); the folders must be theirs to write.
as_user=()
if [ "$(id -u)" = 0 ]; then as_user=(--user nobody); chmod 755 "$work"; fi
export MKV_SECRET_FILE="$work/secret" # rebuild, rebalance and verify sign their calls with it
vols=()
for i in 1 2 3 4; do
  "$bin" volume --dir "$work/vol$i" --port $((base + i)) --host 127.0.0.1 --secret-file "$work/secret" "${as_user[@]}" >"$work/vol$i.log" 2>&1 &
  pids+=($!)
  vols+=("127.0.0.1:$((base + i))")
done
three="${vols[0]},${vols[1]},${vols[2]}"
four="$three,${vols[3]}"
"$bin" server --volumes "$three" --db "$work/index.db" --port "$base" --host 127.0.0.1 --replicas 3 --secret-file "$work/secret" >"$work/server.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 150); do curl -s -o /dev/null "http://127.0.0.1:$base/?list" && break; sleep 0.2; done

echo "storing $keys keys of $size bytes on 3 volumes (3 replicas)..."
head -c "$size" /dev/urandom >"$work/value"
seq 1 "$keys" | xargs -P 8 -I{} curl -s -o /dev/null -w '' -T "$work/value" "http://127.0.0.1:$base/figures/key{}"
echo "stored: $(curl -s "http://127.0.0.1:$base/figures/?list&limit=10000" | { grep -o '"/figures' || true; } | wc -l) keys"

echo "== rebuild of 3 volumes into a fresh index"
/usr/bin/time -v "$bin" rebuild --volumes "$three" --db "$work/rebuilt.db" 2>"$work/rebuild.time" | grep '^mkv rebuild'
grep -E "Maximum resident|Elapsed" "$work/rebuild.time"

echo "== rebalance 3 -> 4 volumes beside the running coordinator"
"$bin" rebalance --volumes "$four" --db "$work/index.db" --replicas 3 --dry-run | head -1
/usr/bin/time -v "$bin" rebalance --volumes "$four" --db "$work/index.db" --replicas 3 --concurrency 8 2>"$work/rebalance.time" | grep '^mkv rebalance'
grep -E "Maximum resident|Elapsed" "$work/rebalance.time"

echo "== verify after the rebalance"
"$bin" verify --volumes "$four" --db "$work/index.db" --grace 0s | grep '^mkv verify'
