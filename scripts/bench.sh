#!/usr/bin/env bash
# The standard performance set of docs/PERFORMANCE.md, in one command: starts a local cluster
# (3 nginx volumes, 3 replicas, coordinator) on free loopback ports in a temporary folder,
# seeds keys, runs the measures below and prints one table beside the Go minikeyvalue figures.
# Everything it started is stopped, and the folder removed, on exit or Ctrl-C.
#
#   scripts/bench.sh                 # the full set (~1 min, needs ~3.5 GiB of free disk for the big PUT)
#   BENCH_DURATION=5s BENCH_BIG_MIB=64 scripts/bench.sh      # a quicker, smaller run
#   BENCH_JMH=1 scripts/bench.sh     # also the index figures from JMH (adds ~1 min)
#   MKV=/path/to/other/mkv scripts/bench.sh                  # measure another build's launcher
#
# Measures: wrk -t2 -c100 GET of existing keys (302) and of missing keys (404), spread over
# the seeded keys by a Lua script; `mkv bench --phase cycle -c 16` with 1 KiB values; a PUT of
# BENCH_BIG_MIB MiB through the coordinator against `curl -T` of the same file straight to
# one nginx volume, with the coordinator's peak RSS (VmHWM) during that PUT.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$root/bin/lib/jdk.sh"
mkv=${MKV:-$root/bin/mkv}
duration=${BENCH_DURATION:-10s}
keys=${BENCH_KEYS:-10000}
big_mib=${BENCH_BIG_MIB:-512}

if ! command -v wrk >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    echo "bench: installing wrk (apt-get install -y wrk)..." >&2
    apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null 2>&1 && apt-get install -y wrk >/dev/null; }
  else
    echo "bench: wrk is missing; install it (apt-get install -y wrk) and run again" >&2
    exit 1
  fi
fi
for tool in curl awk; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing" >&2; exit 1; }
done

# A base port with itself and the next 3 free on loopback.
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
base=""
for _ in $(seq 1 50); do
  p=$(( (RANDOM % 3000) * 10 + 20000 ))
  if port_free "$p" && port_free $((p + 1)) && port_free $((p + 2)) && port_free $((p + 3)); then base=$p; break; fi
done
[ -n "$base" ] || { echo "bench: found no 4 free ports in a row" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/mkv-bench.XXXXXX")
pid=""
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

url="http://127.0.0.1:$base"
echo "bench: starting a cluster on ports $base-$((base + 3)) in $tmp ..." >&2
"$mkv" dev --data "$tmp/data" --port "$base" --volumes 3 ${BENCH_SERVER_FLAGS:-} >"$tmp/dev.log" 2>&1 &
pid=$!
for _ in $(seq 1 240); do
  curl -s -o /dev/null "$url/ready-check" && break
  kill -0 "$pid" 2>/dev/null || { echo "bench: the cluster did not start:" >&2; tail -20 "$tmp/dev.log" >&2; exit 1; }
  sleep 0.25
done
curl -s -o /dev/null "$url/ready-check" || { echo "bench: the coordinator did not answer within 60 s" >&2; exit 1; }
# bin/mkv execs java, so $pid is the coordinator's JVM (the nginx volumes are its children).

json_field() { sed -n "s/.*\"$1\":\([0-9.]*\).*/\1/p" | head -1; }

echo "bench: seeding $keys keys of 1 KiB..." >&2
"$mkv" bench --url "$url" --phase put --keys "$keys" --size 1KiB --prefix /seed/ --concurrency 32 --quiet --json >"$tmp/seed.json"
cat >"$tmp/keys.lua" <<'LUA'
-- wrk -s keys.lua URL -- PREFIX N : GET PREFIX0 .. PREFIX(N-1) round robin, each thread from a random start
local prefix, n, i = "/seed/", 1, 0
function init(args) prefix = args[1]; n = tonumber(args[2]); i = math.random(0, n - 1) end
function request() i = (i + 1) % n; return wrk.format("GET", prefix .. i) end
LUA

# Warm the JIT on both GET paths so the measured runs see compiled code, as a long-running server does.
wrk -t2 -c100 -d3s -s "$tmp/keys.lua" "$url" -- /seed/ "$keys" >/dev/null
wrk -t2 -c100 -d3s -s "$tmp/keys.lua" "$url" -- /missing/ "$keys" >/dev/null

wrk_rate() { awk '/^Requests\/sec:/ {printf "%.0f", $2}' "$1"; }
echo "bench: wrk GET existing (302), $duration..." >&2
wrk -t2 -c100 -d"$duration" --latency -s "$tmp/keys.lua" "$url" -- /seed/ "$keys" >"$tmp/get302.txt"
echo "bench: wrk GET missing (404), $duration..." >&2
wrk -t2 -c100 -d"$duration" --latency -s "$tmp/keys.lua" "$url" -- /missing/ "$keys" >"$tmp/get404.txt"
get302=$(wrk_rate "$tmp/get302.txt")
get404=$(wrk_rate "$tmp/get404.txt")
# wrk counts 3xx as success; anything else in the 302 run is an error.
non_302=$(awk '/Non-2xx or 3xx/ {print $5}' "$tmp/get302.txt"); non_302=${non_302:-0}

echo "bench: cycles (PUT, GET, DELETE), 16 concurrent, 1 KiB, $duration..." >&2
"$mkv" bench --url "$url" --phase cycle --concurrency 16 --duration "$duration" --size 1KiB --prefix /cycle/ --quiet --json >"$tmp/cycle.json"
cycle=$(json_field rate <"$tmp/cycle.json"); cycle=${cycle%.*}
cycle_failed=$(json_field failed <"$tmp/cycle.json")

echo "bench: PUT of $big_mib MiB, direct to one nginx volume, then through the coordinator (3 replicas)..." >&2
head -c $((big_mib * 1024 * 1024)) /dev/urandom >"$tmp/big"
# The volumes accept only signed requests (unless the cluster runs --insecure): sign the direct PUT
# and DELETE as mkv does (docs/SECURITY.md), with the first key of the secret mkv dev made.
signed() { # METHOD PATH -> PATH?QUERY (PATH alone when the cluster is unsigned)
  if [ ! -f "$tmp/data/secret" ]; then echo "$2"; return; fi
  local kid secret expires sig
  read -r kid secret < <(grep -v '^#' "$tmp/data/secret" | head -1)
  expires=$(( $(date +%s) + 60 ))
  sig=$(printf '%s' "$expires$1$2 $secret" | openssl md5 -binary | base64 | tr '+/' '-_' | tr -d '=')
  echo "$2?kid=$kid&expires=$expires&sig=$sig"
}
direct=$(curl -sf -o /dev/null -w '%{time_total}' -T "$tmp/big" "http://127.0.0.1:$((base + 1))$(signed PUT /direct-put-test)")
curl -s -o /dev/null -X DELETE "http://127.0.0.1:$((base + 1))$(signed DELETE /direct-put-test)"
rss_before=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")
# Writing 5 to clear_refs resets the peak RSS (VmHWM), so the peak below is this PUT's alone.
echo 5 >"/proc/$pid/clear_refs" 2>/dev/null && hwm_note="during the PUT" || hwm_note="since start (clear_refs refused)"
code_time=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' -T "$tmp/big" "$url/big")
hwm_kib=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status")
through=${code_time#* }
big_status=${code_time% *}
rm -f "$tmp/big"

ratio=$(awk -v a="$through" -v b="$direct" 'BEGIN {printf "%.2f", a / b}')
rss_mib=$(( hwm_kib / 1024 ))
met() { awk -v v="$1" -v t="$2" -v dir="$3" 'BEGIN { ok = (dir == "min") ? v >= t : v <= t; print ok ? "yes" : "NO" }'; }

printf '\nmkv performance, %s, %s cores, %s, %s\n' "$(date -u +%Y-%m-%dT%H:%MZ)" "$(nproc)" "$(java -version 2>&1 | head -1)" "$(nginx -v 2>&1)"
printf 'load average before the table: %s (other processes on the machine skew every figure)\n\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '| %-52s | %-16s | %-14s | %-18s | %-4s |\n' "measure" "Go minikeyvalue" "mkv target" "mkv measured" "met"
printf '|%s|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' $(seq 54))" "$(printf -- '-%.0s' $(seq 18))" "$(printf -- '-%.0s' $(seq 16))" "$(printf -- '-%.0s' $(seq 20))" "------"
printf '| %-52s | %-16s | %-14s | %-18s | %-4s |\n' "GET existing key, 302 (wrk -t2 -c100, req/s)" "22.3k" ">= 67k" "$get302" "$(met "$get302" 67000 min)"
printf '| %-52s | %-16s | %-14s | %-18s | %-4s |\n' "GET missing key, 404 (wrk -t2 -c100, req/s)" "94.6k" ">= 95k" "$get404" "$(met "$get404" 95000 min)"
printf '| %-52s | %-16s | %-14s | %-18s | %-4s |\n' "write/read/delete cycles, 16 concurrent, 1 KiB (/s)" "1.2k" ">= 1.8k" "$cycle" "$(met "$cycle" 1800 min)"
printf '| %-52s | %-16s | %-14s | %-18s | %-4s |\n' "PUT $big_mib MiB, 3 replicas: time / direct nginx PUT" "3.8x (7.2 s)" "<= 1.3x" "${ratio}x (${through} s / ${direct} s)" "$(met "$ratio" 1.3 max)"
printf '| %-52s | %-16s | %-14s | %-18s | %-4s |\n' "coordinator peak RSS $hwm_note (MiB)" "1065" "<= 256" "$rss_mib" "$(met "$rss_mib" 256 max)"
if [ "${BENCH_JMH:-0}" = 1 ]; then
  echo "bench: JMH index writer (scripts/jmh.sh IndexWriterBenchmark)..." >&2
  "$root/scripts/jmh.sh" IndexWriterBenchmark -i 5 -wi 2 >"$tmp/jmh.txt" 2>&1
  single=$(awk '/^IndexWriterBenchmark.reserveThenReplace/ {printf "%.0f", $4}' "$tmp/jmh.txt")
  bulk=$(awk '/^IndexWriterBenchmark.putAll/ {printf "%.0f", $4}' "$tmp/jmh.txt")
  printf '| %-52s | %-16s | %-14s | %-18s | %-4s |\n' "index: single-key writes, 64 writers (JMH, /s)" "-" ">= 20k" "$single" "$(met "$single" 20000 min)"
  printf '| %-52s | %-16s | %-14s | %-18s | %-4s |\n' "index: bulk load, putAll (JMH, entries/s)" "-" ">= 200k" "$bulk" "$(met "$bulk" 200000 min)"
fi
printf '\nGET 302 latency (wrk): %s\n' "$(awk '/^ +50%/ {p50=$2} /^ +90%/ {p90=$2} /^ +99%/ {p99=$2} END {print "p50 " p50 ", p90 " p90 ", p99 " p99}' "$tmp/get302.txt")"
printf 'cycle failures: %s; GET-302 run non-3xx answers: %s; big PUT status: %s; coordinator RSS before the big PUT: %s MiB\n' \
  "${cycle_failed:-?}" "$non_302" "$big_status" "$(( ${rss_before:-0} / 1024 ))"
