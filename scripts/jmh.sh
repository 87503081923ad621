#!/usr/bin/env bash
# Runs mkv's JMH benchmarks (module bench/): the ring and the SQLite index writer.
# Arguments go to JMH, e.g.:  scripts/jmh.sh RingBenchmark      scripts/jmh.sh -h
#                             scripts/jmh.sh IndexWriterBenchmark.putAll -f 1 -i 3
# Builds the module first (offline when the local repository has everything).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$root/bin/lib/jdk.sh"
cd "$root"
cp_file=$(mktemp)
trap 'rm -f "$cp_file"' EXIT
mvn -B -q -DskipTests -pl bench -am package dependency:build-classpath \
    -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=runtime >&2
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Dorg.sqlite.tmpdir="${TMPDIR:-/tmp}" \
    -cp "$root/bench/target/classes:$(cat "$cp_file")" org.openjdk.jmh.Main "$@"
