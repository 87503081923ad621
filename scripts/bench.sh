#!/usr/bin/env bash
# The standard performance set of docs/PERFORMANCE.md, in one command: starts a local cluster
# (3 nginx volumes, 3 replicas, coordinator) on free loopback ports in a temporary folder,
# seeds keys, runs the measures below and prints one table: each measure's rate or time and its
# CPU per operation, and with PEER_URL the same for a second server in the same run.
# Everything it started is stopped, and the folder removed, on exit or Ctrl-C.
#
#   scripts/bench.sh                 # the full set (~1 min, needs ~3.5 GiB of free disk for the big PUT)
#   BENCH_DURATION=5s BENCH_BIG_MIB=64 scripts/bench.sh      # a quicker, smaller run (0: no big PUT)
#   BENCH_JMH=1 scripts/bench.sh     # also the index figures from JMH (adds ~1 min)
#   BENCH_INDEX_KEYS=0 scripts/bench.sh   # without the key-count measure below (it adds ~3-5 min
#                                    # and ~1.3 GB of disk for 10M keys; default 10000000)
#   MKV=/path/to/other/mkv scripts/bench.sh                  # measure another build's launcher
#   PEER_URL=http://127.0.0.1:PORT [PEER_PID=..] [PEER_VOLUME_PIDS="p1 p2 p3"] scripts/bench.sh
#                                    # the same measures against a second server on its own volumes,
#                                    # alternating with mkv, BENCH_ROUNDS rounds (default 2), with
#                                    # ratios and CPU per operation (docs/PERFORMANCE.md, "Side by side")
#
# Measures: wrk -t2 -c100 GET of existing keys (302) and of missing keys (404), spread over
# the seeded keys by a Lua script; `mkv bench --phase cycle -c 16` with 1 KiB values; a PUT of
# BENCH_BIG_MIB MiB through the coordinator against `curl -T` of the same file straight to
# one nginx volume, with the coordinator's peak RSS (VmHWM) during that PUT; and GETs of random
# keys of an index filled with BENCH_INDEX_KEYS entries (mkv.bench.IndexFill) against one of 1,000,
# each served by its own `mkv dev`: rate, p99 and the big one's RSS (anonymous vs file pages),
# alternating, BENCH_INDEX_ROUNDS rounds (default 2). CPU per operation is
# read from /proc/PID/stat (utime + stime) before and after each run: the coordinator's JVM for
# the server, its nginx children (masters and workers) for the volumes.
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
extra_pids=()
stop_pid() {
  local p=$1
  if [ -n "$p" ] && kill -0 "$p" 2>/dev/null; then
    kill -TERM "$p" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null || true
  fi
}
cleanup() {
  stop_pid "$pid"
  for p in "${extra_pids[@]}"; do stop_pid "$p"; done
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Waits until the `mkv dev` of pid $1 answers on URL $2 (a start on a large index checks it first).
await_ready() {
  for _ in $(seq 1 1200); do
    curl -s -o /dev/null "$2/ready-check" && return 0
    kill -0 "$1" 2>/dev/null || { echo "bench: the cluster did not start:" >&2; tail -20 "$3" >&2; exit 1; }
    sleep 0.25
  done
  echo "bench: the coordinator did not answer within 5 min" >&2; exit 1
}

url="http://127.0.0.1:$base"
echo "bench: starting a cluster on ports $base-$((base + 3)) in $tmp ..." >&2
"$mkv" dev --data "$tmp/data" --port "$base" --volumes 3 ${BENCH_SERVER_FLAGS:-} >"$tmp/dev.log" 2>&1 &
pid=$!
await_ready "$pid" "$url" "$tmp/dev.log"
# bin/mkv execs java, so $pid is the coordinator's JVM (the nginx volumes are its children).

json_field() { sed -n "s/.*\"$1\":\([0-9.]*\).*/\1/p" | head -1; }
wrk_rate() { awk '/^Requests\/sec:/ {printf "%.0f", $2}' "$1"; }
wrk_count() { awk '/requests in/ {print $1}' "$1"; }
hz=$(getconf CLK_TCK)

# CPU ticks (utime + stime) of the given processes and, with "tree", of all their descendants.
cpu_ticks() {
  local mode=$1; shift
  [ $# -gt 0 ] || { echo 0; return; }
  local f line
  for f in /proc/[0-9]*/stat; do
    read -r line 2>/dev/null <"$f" || continue
    f=${f#/proc/}; echo "${f%/stat} ${line##*) }"
  done | awk -v roots="$*" -v mode="$mode" '
    { parent[$1] = $3; ticks[$1] = $13 + $14 }
    END {
      n = split(roots, r, " "); for (i = 1; i <= n; i++) want[r[i]] = 1
      for (p in ticks) {
        q = p
        while (q != "" && q != 0 && !(q in want)) { if (mode != "tree") { q = ""; break } q = parent[q] }
        if (q in want) sum += ticks[p]
      }
      print sum + 0
    }'
}
# Milliseconds of CPU per operation, from a tick difference and an operation count.
per_op() { awk -v t="$1" -v n="$2" -v hz="$hz" 'BEGIN { if (n > 0 && t != "") printf "%.3f", t * 1000 / hz / n; else print "-" }'; }

# Targets: "mkv" (the cluster started above) and, with PEER_URL, "peer".
# server pids are measured alone, volume pids with their descendants (nginx workers).
declare -A T_URL T_SERVER T_VOLUMES
T_URL[mkv]=$url; T_SERVER[mkv]=$pid; T_VOLUMES[mkv]=$pid  # the JVM's descendants are its nginx volumes
targets=(mkv)
if [ -n "${PEER_URL:-}" ]; then
  T_URL[peer]=$PEER_URL; T_SERVER[peer]=${PEER_PID:-}; T_VOLUMES[peer]=${PEER_VOLUME_PIDS:-}
  curl -s -o /dev/null --max-time 5 "$PEER_URL/ready-check" || { echo "bench: PEER_URL $PEER_URL does not answer" >&2; exit 1; }
  targets=(mkv peer)
fi
rounds=${BENCH_ROUNDS:-$([ ${#targets[@]} -gt 1 ] && echo 2 || echo 1)}
run_id=$$

# The ticks of a target: server alone, then volumes with descendants (the JVM itself excluded).
server_ticks() { cpu_ticks self ${T_SERVER[$1]}; }
volume_ticks() {
  local t=$1
  if [ "$t" = mkv ]; then
    echo $(( $(cpu_ticks tree "$pid") - $(cpu_ticks self "$pid") ))
  else
    cpu_ticks tree ${T_VOLUMES[$t]}
  fi
}

cat >"$tmp/keys.lua" <<'LUA'
-- wrk -s keys.lua URL -- PREFIX N : GET PREFIX0 .. PREFIX(N-1) round robin, each thread from a random start
local prefix, n, i = "/seed/", 1, 0
function init(args) prefix = args[1]; n = tonumber(args[2]); i = math.random(0, n - 1) end
function request() i = (i + 1) % n; return wrk.format("GET", prefix .. i) end
LUA

for t in "${targets[@]}"; do
  echo "bench: seeding $keys keys of 1 KiB on $t (${T_URL[$t]})..." >&2
  "$mkv" bench --url "${T_URL[$t]}" --phase put --keys "$keys" --size 1KiB --prefix "/seed$run_id/" --concurrency 32 --quiet --json >"$tmp/seed-$t.json"
  # Warm the JIT on both GET paths so the measured runs see compiled code, as a long-running server does.
  wrk -t2 -c100 -d3s -s "$tmp/keys.lua" "${T_URL[$t]}" -- "/seed$run_id/" "$keys" >/dev/null
  wrk -t2 -c100 -d3s -s "$tmp/keys.lua" "${T_URL[$t]}" -- "/missing$run_id/" "$keys" >/dev/null
  # And the write path: without it the first round's cycles measure the JIT (CPU per cycle 2x).
  "$mkv" bench --url "${T_URL[$t]}" --phase cycle --concurrency 16 --duration 5s --size 1KiB --prefix "/warm$run_id/" --quiet --json >/dev/null
done

if [ "$big_mib" -gt 0 ]; then
  head -c $((big_mib * 1024 * 1024)) /dev/urandom >"$tmp/big"
fi

# One measure on one target: writes "rate ops server_ticks volume_ticks extra" to $tmp/r-ROUND-MEASURE-TARGET.
measure() {
  local round=$1 m=$2 t=$3 u=${T_URL[$3]} out="$tmp/r-$1-$2-$3"
  local s0 v0 s1 v1 rate ops extra=""
  s0=$(server_ticks "$t"); v0=$(volume_ticks "$t")
  case "$m" in
    get302)
      wrk -t2 -c100 -d"$duration" --latency -s "$tmp/keys.lua" "$u" -- "/seed$run_id/" "$keys" >"$out.txt"
      rate=$(wrk_rate "$out.txt"); ops=$(wrk_count "$out.txt")
      extra=$(awk '/^ +99%/ {print "p99=" $2} /Non-2xx or 3xx/ {print "non3xx=" $5}' "$out.txt" | paste -sd' ') ;;
    get404)
      wrk -t2 -c100 -d"$duration" --latency -s "$tmp/keys.lua" "$u" -- "/missing$run_id/" "$keys" >"$out.txt"
      rate=$(wrk_rate "$out.txt"); ops=$(wrk_count "$out.txt")
      extra=$(awk '/^ +99%/ {print "p99=" $2}' "$out.txt") ;;
    cycle)
      "$mkv" bench --url "$u" --phase cycle --concurrency 16 --duration "$duration" --size 1KiB --prefix "/cycle$run_id-$round/" --quiet --json >"$out.txt"
      rate=$(json_field rate <"$out.txt"); rate=${rate%.*}
      ops=$(json_field ok <"$out.txt")
      extra="failed=$(json_field failed <"$out.txt")" ;;
    big)
      local hwm_pid=${T_SERVER[$t]} code_time hwm
      [ -n "$hwm_pid" ] && echo 5 >"/proc/$hwm_pid/clear_refs" 2>/dev/null || true
      code_time=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' -T "$tmp/big" "$u/big$run_id-$round")
      rate=${code_time#* }; ops=1
      hwm=$([ -n "$hwm_pid" ] && awk '/^VmHWM/ {printf "%d", $2 / 1024}' "/proc/$hwm_pid/status" || echo "-")
      extra="status=${code_time%% *} peak_rss_mib=$hwm" ;;
  esac
  s1=$(server_ticks "$t"); v1=$(volume_ticks "$t")
  echo "${rate:-0} ${ops:-0} $((s1 - s0)) $((v1 - v0)) $extra" >"$out"
}

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
measures=(get302 get404 cycle)
[ "$big_mib" -gt 0 ] && measures+=(big)
direct_times=()
for round in $(seq 1 "$rounds"); do
  # Alternate which target goes first, so a slow minute does not always hit the same one.
  if [ $((round % 2)) = 1 ]; then order=("${targets[@]}"); else order=(); for ((i = ${#targets[@]} - 1; i >= 0; i--)); do order+=("${targets[$i]}"); done; fi
  for m in "${measures[@]}"; do
    if [ "$m" = big ]; then
      echo "bench: round $round: PUT of $big_mib MiB direct to one nginx volume..." >&2
      direct_times+=("$(curl -s -o /dev/null -w '%{time_total}' -T "$tmp/big" "http://127.0.0.1:$((base + 1))$(signed PUT /direct-put-test)")")
      curl -s -o /dev/null -X DELETE "http://127.0.0.1:$((base + 1))$(signed DELETE /direct-put-test)"
    fi
    for t in "${order[@]}"; do
      echo "bench: round $round: $m on $t..." >&2
      measure "$round" "$m" "$t"
    done
  done
done
rm -f "$tmp/big"

field() { awk -v i="$2" '{print $i}' "$1"; }
label() {
  case "$1" in
    get302) echo "GET existing key, 302 (wrk -t2 -c100, req/s)" ;;
    get404) echo "GET missing key, 404 (wrk -t2 -c100, req/s)" ;;
    cycle) echo "PUT+GET+DELETE cycles, 16 concurrent, 1 KiB (/s)" ;;
    big) echo "PUT $big_mib MiB, 3 replicas (s)" ;;
  esac
}

printf '\nmkv performance, %s, %s cores, %s, %s\n' "$(date -u +%Y-%m-%dT%H:%MZ)" "$(nproc)" "$(java -version 2>&1 | head -1)" "$(nginx -v 2>&1)"
printf 'load average after the runs: %s (other processes on the machine skew every throughput figure;\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
printf 'CPU per operation, from /proc/PID/stat, much less so)\n'
[ ${#targets[@]} -gt 1 ] && printf 'peer: %s (server pid %s, volume pids %s)\n' "$PEER_URL" "${PEER_PID:--}" "${PEER_VOLUME_PIDS:--}"
printf '\n| %-48s | %-5s | %-6s | %-12s | %-10s | %-15s | %-15s | %s\n' "measure" "round" "target" "rate or time" "ratio" "server ms CPU/op" "volume ms CPU/op" "notes"
printf '|%s|%s|%s|%s|%s|%s|%s|%s\n' "$(printf -- '-%.0s' $(seq 50))" "-------" "--------" "--------------" "------------" "-----------------" "-----------------" "------"
for m in "${measures[@]}"; do
  for round in $(seq 1 "$rounds"); do
    for t in "${targets[@]}"; do
      f="$tmp/r-$round-$m-$t"
      rate=$(field "$f" 1); ops=$(field "$f" 2)
      ratio="-"
      if [ "$t" = peer ]; then
        mine=$(field "$tmp/r-$round-$m-mkv" 1)
        # mkv/peer for rates; peer/mkv for times, so above 1 always means mkv is ahead.
        if [ "$m" = big ]; then ratio=$(awk -v a="$rate" -v b="$mine" 'BEGIN {printf "mkv %.2fx", a / b}')
        else ratio=$(awk -v a="$mine" -v b="$rate" 'BEGIN { if (b > 0) printf "mkv %.2fx", a / b; else print "-" }'); fi
      elif [ "$m" = big ]; then
        ratio=$(awk -v a="$rate" -v b="${direct_times[$((round - 1))]}" 'BEGIN {printf "%.1fx direct", a / b}')
      fi
      sc=$([ -n "${T_SERVER[$t]}" ] && per_op "$(field "$f" 3)" "$ops" || echo "-")
      vc=$([ -n "${T_VOLUMES[$t]}" ] && per_op "$(field "$f" 4)" "$ops" || echo "-")
      notes=$(cut -d' ' -f5- "$f")
      [ "$m" = big ] && [ "$t" = mkv ] && notes="$notes direct=${direct_times[$((round - 1))]}s"
      printf '| %-48s | %-5s | %-6s | %-12s | %-10s | %-15s | %-15s | %s\n' "$(label "$m")" "$round" "$t" "$rate" "$ratio" "$sc" "$vc" "$notes"
    done
  done
done

# ---- GETs as the index grows: BENCH_INDEX_KEYS entries against 1,000, each index served by its own mkv dev ----
index_keys=${BENCH_INDEX_KEYS:-10000000}
if [ "$index_keys" -gt 0 ]; then
  stop_pid "$pid"  # the measures above are done: their cluster leaves the cores to this one
  free_base() {
    for _ in $(seq 1 50); do
      local p=$(( (RANDOM % 3000) * 10 + 20000 ))
      if port_free "$p" && port_free $((p + 1)) && port_free $((p + 2)) && port_free $((p + 3)); then echo "$p"; return; fi
    done
    echo "bench: found no 4 free ports in a row" >&2; exit 1
  }
  echo "bench: building mkv.bench.IndexFill..." >&2
  (cd "$root" && mvn -B -q -o -DskipTests -pl bench -am package dependency:build-classpath \
      -Dmdep.outputFile="$tmp/bench.cp" -Dmdep.includeScope=runtime >"$tmp/bench-build.log" 2>&1 \
    || mvn -B -q -DskipTests -pl bench -am package dependency:build-classpath \
      -Dmdep.outputFile="$tmp/bench.cp" -Dmdep.includeScope=runtime >"$tmp/bench-build.log" 2>&1) \
    || { echo "bench: building the bench module failed:" >&2; tail -20 "$tmp/bench-build.log" >&2; exit 1; }
  declare -A K_URL K_PID K_N
  for size in small big; do
    n=$([ "$size" = small ] && echo 1000 || echo "$index_keys")
    p=$(free_base)
    mkdir -p "$tmp/k-$size"
    echo "bench: filling an index with $n entries (ports $p-$((p + 3)))..." >&2
    "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Dorg.sqlite.tmpdir="$tmp" \
        -cp "$root/bench/target/classes:$(cat "$tmp/bench.cp")" mkv.bench.IndexFill \
        "$tmp/k-$size/index.db" "$n" "127.0.0.1:$((p + 1)),127.0.0.1:$((p + 2)),127.0.0.1:$((p + 3))" /fill/ >"$tmp/fill-$size.txt" 2>/dev/null
    "$mkv" dev --data "$tmp/k-$size" --port "$p" --volumes 3 ${BENCH_SERVER_FLAGS:-} >"$tmp/dev-$size.log" 2>&1 &
    K_PID[$size]=$!; K_URL[$size]="http://127.0.0.1:$p"; K_N[$size]=$n
    extra_pids+=("${K_PID[$size]}")
    await_ready "${K_PID[$size]}" "${K_URL[$size]}" "$tmp/dev-$size.log"
  done
  cat >"$tmp/random.lua" <<'LUA'
-- wrk -s random.lua URL -- PREFIX N : GET PREFIX<k> for k uniformly random in [0, N)
local prefix, n = "/fill/", 1
function init(args) prefix = args[1]; n = tonumber(args[2]); math.randomseed(os.time() * 1000 + math.floor(os.clock() * 1e6)) end
function request() return wrk.format("GET", prefix .. math.random(0, n - 1)) end
LUA
  for size in small big; do wrk -t2 -c100 -d3s -s "$tmp/random.lua" "${K_URL[$size]}" -- /fill/ "${K_N[$size]}" >/dev/null; done
  index_runs=("small 100" "big 100" "big 16")
  for round in $(seq 1 "${BENCH_INDEX_ROUNDS:-2}"); do
    for run in "${index_runs[@]}"; do
      read -r size conns <<<"$run"
      echo "bench: round $round: GET of random keys, ${K_N[$size]} keys, $conns connections..." >&2
      wrk -t2 -c"$conns" -d"$duration" --latency -s "$tmp/random.lua" "${K_URL[$size]}" -- /fill/ "${K_N[$size]}" >"$tmp/k-$round-$size-$conns.txt"
    done
  done
  rss=$(awk '/^RssAnon/ {a = $2} /^RssFile/ {f = $2} END {printf "%d MiB anon + %d MiB file", a / 1024, f / 1024}' "/proc/${K_PID[big]}/status")
  printf '\nGET 302 of uniformly random existing keys, wrk -t2 -d%s; load average %s\n' "$duration" "$(cut -d' ' -f1-3 /proc/loadavg)"
  printf '| %-10s | %-5s | %-11s | %-10s | %-10s | %s\n' "keys" "round" "connections" "req/s" "p99" "vs 1k, 100 conn"
  printf '|%s|%s|%s|%s|%s|%s\n' "------------" "-------" "-------------" "------------" "------------" "------------------"
  for round in $(seq 1 "${BENCH_INDEX_ROUNDS:-2}"); do
    small_rate=$(wrk_rate "$tmp/k-$round-small-100.txt")
    for run in "${index_runs[@]}"; do
      read -r size conns <<<"$run"
      f="$tmp/k-$round-$size-$conns.txt"
      r=$(wrk_rate "$f"); p99=$(awk '/^ +99%/ {print $2}' "$f")
      printf '| %-10s | %-5s | %-11s | %-10s | %-10s | %s\n' "${K_N[$size]}" "$round" "$conns" "$r" "$p99" \
          "$(awk -v a="$r" -v b="$small_rate" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "-" }')"
    done
  done
  printf 'coordinator with %s keys: %s (index file %s MiB)\n' "${K_N[big]}" "$rss" "$(( $(stat -c %s "$tmp/k-big/index.db") / 1048576 ))"
fi

if [ "${BENCH_JMH:-0}" = 1 ]; then
  echo "bench: JMH index writer (scripts/jmh.sh IndexWriterBenchmark)..." >&2
  "$root/scripts/jmh.sh" IndexWriterBenchmark -i 5 -wi 2 >"$tmp/jmh.txt" 2>&1
  single=$(awk '/^IndexWriterBenchmark.reserveThenReplace/ {printf "%.0f", $4}' "$tmp/jmh.txt")
  bulk=$(awk '/^IndexWriterBenchmark.putAll/ {printf "%.0f", $4}' "$tmp/jmh.txt")
  printf '\nindex: single-key writes, 64 writers (JMH): %s/s (target >= 20k); bulk putAll: %s entries/s (target >= 200k)\n' "$single" "$bulk"
fi
