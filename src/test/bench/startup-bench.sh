#!/usr/bin/env bash
# jpod's start-up and memory (issue 17), with private roots, the busybox image imported once beforehand:
#   startup: process start -> readiness UP (/actuator/health/readiness) -> first run --rm done, BENCH_STARTS times
#   soak:    SOAK_CYCLES run --rm (1000) on one daemon started with NMT; every SOAK_EVERY (100) cycles its VmRSS,
#            Java heap used/committed (jcmd GC.heap_info) and JVM native memory besides the heap (NMT summary)
#   usage: src/test/bench/startup-bench.sh [startup|soak|all]     (root; the soak takes ~5-10 min)
#   env:   BENCH_STARTS=3 SOAK_CYCLES=1000 SOAK_EVERY=100 JPOD_JAVA_OPTS="" (extra JVM options for the daemon)
set -euo pipefail
cd "$(dirname "$0")/../../.."
mode=${1:-all}
work=$(mktemp -d /tmp/jpod-startup-bench.XXXXXX)
raw=/tmp/jpod-startup-bench-$(date -u +%Y%m%d-%H%M%S).tsv
port=18714
pid=""
teardown() {
  if [ -n "$pid" ]; then
    for id in $(curl -sf --max-time 10 "http://127.0.0.1:$port/containers/json?all=1" | grep -o '"Id":"[0-9a-f]*"' | cut -d'"' -f4); do
      curl -sf --max-time 30 -X DELETE "http://127.0.0.1:$port/containers/$id?force=true" >/dev/null || true
    done
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  pid=""
  for p in $(pgrep -f "$work/" || true); do kill "$p" 2>/dev/null || true; done
  sleep 0.5
  for p in $(pgrep -f "$work/" || true); do kill -9 "$p" 2>/dev/null || true; done
  grep -o " $work[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
}
cleanup() { teardown; rm -rf "$work"; rm -f /dev/shm/jpod_startup_bench_lock; }
trap cleanup EXIT

[ -f target/jpod.jar ] || ./mvnw -B -o -q -DskipTests package
./mvnw -B -o -q test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.cp
bench=(java -cp "target/test-classes:target/classes:$(cat target/bench.cp)" io.jpod.bench.ApiBench)
j=$work/jpod; mkdir -p "$j/home"
# shellcheck disable=SC2206
daemon=(java ${JPOD_JAVA_OPTS:-} -jar target/jpod.jar --server.port=$port --spring.main.banner-mode=off
  --jpod.api.socket="$j/jpod.sock" --jpod.api.token-file="$j/access-token"
  --jpod.api.tcp=true --jpod.api.tcp-insecure=true
  --libpod.system-config-file="$j/etc/containers/libpod.conf"
  --libpod.vendor-config-file="$j/usr/share/containers/libpod.conf"
  --libpod.registries-config-file="$j/etc/containers/registries.conf"
  --libpod.registries-certs-dirs="$j/etc/containers/certs.d,$j/etc/docker/certs.d"
  --libpod.storage.config-file="$j/etc/jpod/storage.conf"
  --libpod.storage.graph-root="$j/storage" --libpod.storage.run-root="$j/run/storage"
  --libpod.tmp-dir="$j/run/libpod" --libpod.cni-config-dir="$j/etc/cni/net.d"
  --jpod.host.home="$j/home" --libpod.shm-lock-path=/jpod_startup_bench_lock)
echo "# run $(date -u +%FT%TZ) on $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); jpod $(git rev-parse --short HEAD)" > "$raw"
await_ready() {
  for _ in $(seq 1200); do
    curl -sf -o /dev/null "http://127.0.0.1:$port/actuator/health/readiness" && return 0
    kill -0 "$pid" 2>/dev/null || break; sleep 0.1
  done
  echo "jpod did not start:"; tail -20 "$work/jpod.log"; exit 1
}

# the image, imported once into the roots every start below reuses
config/busybox-rootfs.sh "$work/busybox.tar" >/dev/null
"${daemon[@]}" >>"$work/jpod.log" 2>&1 & pid=$!
await_ready
DOCKER_CONFIG=$work/docker-config docker -H "tcp://127.0.0.1:$port" import --change 'CMD ["sh"]' "$work/busybox.tar" busybox >/dev/null
teardown

if [ "$mode" = startup ] || [ "$mode" = all ]; then
  echo "== start-up (${BENCH_STARTS:-3} starts)"
  "${bench[@]}" startup --url "http://127.0.0.1:$port" --raw "$raw" --log "$work/jpod.log" --starts "${BENCH_STARTS:-3}" \
    -- "${daemon[@]}"
  teardown
fi
if [ "$mode" = soak ] || [ "$mode" = all ]; then
  echo "== soak (${SOAK_CYCLES:-1000} run --rm)"
  "${daemon[0]}" -XX:NativeMemoryTracking=summary "${daemon[@]:1}" >>"$work/jpod.log" 2>&1 & pid=$!
  await_ready
  "${bench[@]}" soak --url "http://127.0.0.1:$port" --pid "$pid" --raw "$raw" --cycles "${SOAK_CYCLES:-1000}" \
    --every "${SOAK_EVERY:-100}"
fi
echo "raw samples: $raw"
