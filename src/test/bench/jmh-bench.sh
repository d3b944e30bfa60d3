#!/usr/bin/env bash
# In-process benchmarks (JMH, issue 17): the SHM lock pair (LockBenchmark.lockUnlock, SHM and in-process),
# container lookups by full ID / ID prefix / name and the full list with 1,000 containers in a real SQLite
# state (StateBenchmark: each fork starts a private daemon first), and the Docker JSON of an inspect and of
# a 500-container list (DockerJsonBenchmark). Results also go to a CSV under /tmp (path printed).
#   usage: src/test/bench/jmh-bench.sh [BENCHMARK-REGEX...] [JMH-OPTIONS]    e.g. jmh-bench.sh StateBenchmark
#   env:   FORKS=1 WARMUPS=3 ITERATIONS=5 (2 s each)
set -euo pipefail
cd "$(dirname "$0")/../../.."
./mvnw -B -o -q test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.cp
[ $# -gt 0 ] || set -- 'LockBenchmark.lockUnlock' StateBenchmark DockerJsonBenchmark
out=/tmp/jpod-jmh-$(date -u +%Y%m%d-%H%M%S).csv
java -cp "target/test-classes:target/classes:$(cat target/bench.cp)" org.openjdk.jmh.Main "$@" \
  -f "${FORKS:-1}" -wi "${WARMUPS:-3}" -i "${ITERATIONS:-5}" -w 2s -r 2s -rf csv -rff "$out"
echo "results: $out"
