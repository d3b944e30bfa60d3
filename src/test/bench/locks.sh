#!/usr/bin/env bash
# Lock benchmarks: JMH (SHM segment and in-process locks) and a C pthread baseline, same machine, same run.
set -euo pipefail
cd "$(dirname "$0")/../../.."
./mvnw -B -q -DskipTests test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.cp
gcc -O2 -o target/pthread_bench src/test/c/pthread_bench.c -lpthread
echo "== C baseline"
target/pthread_bench "${C_ITERATIONS:-50000000}"
echo "== JMH"
java -cp "target/test-classes:target/classes:$(cat target/bench.cp)" org.openjdk.jmh.Main LockBenchmark \
  -f "${FORKS:-1}" -wi "${WARMUPS:-3}" -i "${ITERATIONS:-5}" -w 2s -r 2s "$@"
