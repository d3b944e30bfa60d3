#!/usr/bin/env bash
# Start-up benchmark for jpod alone: N starts of the daemon on one private root (so every start after the
# first is a daemon restart, as after an upgrade), each timed from process start to readiness UP (with the
# CPU time the process had used by then: steadier than wall time on a busy machine) and to the end of a
# first `docker run --rm busybox true`; then the resident memory once idle (after a full GC), heap and
# native apart (NMT), and optionally with C created containers (kB each).
#   usage: src/test/bench/start-bench.sh [N] [C]     (root; N starts, default 5; C containers, default 0)
# The daemon is launched the way config/jpod-up.sh launches it: the JVM options of config/jpod.jvm, the
# class-data-sharing archive of config/jpod-cds.sh, MALLOC_ARENA_MAX=2. JPOD_JVM_OPTS replaces the options,
# JPOD_CDS=false leaves the archive out, JPOD_JAR runs that jar as it is; the JVM's defaults, as before
# these existed:  JPOD_JVM_OPTS= JPOD_CDS=false MALLOC_ARENA_MAX=16 src/test/bench/start-bench.sh 3 200
# Figures on a shared machine are noisy: compare runs made back to back, and their medians.
set -euo pipefail
cd "$(dirname "$0")/../../.."
n=${1:-5}
containers=${2:-0}
work=$(mktemp -d /tmp/jpod-startup-bench.XXXXXX)
shm=/jpod_startup_bench_$$
cleanup() {
  [ -n "${jpid:-}" ] && kill "$jpid" 2>/dev/null && wait "$jpid" 2>/dev/null || true
  grep -o " $work[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  rm -rf "$work"
  rm -f "/dev/shm$shm"
}
trap cleanup EXIT

[ -f target/jpod.jar ] || ./mvnw -B -q -DskipTests package
config/busybox-rootfs.sh "$work/busybox.tar" >/dev/null

# how jpod-up.sh launches: the extracted jar and its CDS archive when present, else the fat jar
launch=()
if [ -n "${JPOD_JAR:-}" ]; then
  launch=(-jar "$JPOD_JAR")
elif [ "${JPOD_CDS:-true}" = true ] && bash config/jpod-cds.sh && [ -s target/jpod-cds/jpod.jsa ]; then
  launch=(-XX:SharedArchiveFile="$PWD/target/jpod-cds/jpod.jsa" -jar "$PWD/target/jpod-cds/jpod.jar")
else
  launch=(-jar target/jpod.jar)
fi
opts=()
if [ -n "${JPOD_JVM_OPTS+x}" ]; then
  read -r -a opts <<<"$JPOD_JVM_OPTS"
elif [ -f config/jpod.jvm ]; then
  opts=("@config/jpod.jvm")
fi

root=$work/root
sock=$work/jpod.sock
args=(--spring.main.banner-mode=off --jpod.api.tcp=false
  --jpod.api.socket="$sock" --jpod.api.token-file="$root/etc/jpod/access-token"
  --libpod.system-config-file="$root/etc/containers/libpod.conf"
  --libpod.vendor-config-file="$root/usr/share/containers/libpod.conf"
  --libpod.registries-config-file="$root/etc/containers/registries.conf"
  --libpod.registries-certs-dirs="$root/etc/containers/certs.d"
  --libpod.storage.config-file="$root/etc/jpod/storage.conf"
  --libpod.storage.graph-root="$root/storage" --libpod.storage.run-root="$root/run/storage"
  --libpod.tmp-dir="$root/run/libpod" --libpod.cni-config-dir="$root/etc/cni/net.d"
  --jpod.host.home="$root/home" --libpod.shm-lock-path="$shm")
dk=(env DOCKER_CONFIG="$work/docker-config" docker -H "unix://$sock")

now_ms() { date +%s%3N; }
ready() { curl -sf --unix-socket "$sock" http://d/actuator/health/readiness 2>/dev/null | grep -q '"status":"UP"'; }
cpu_ms() { awk '{print ($14 + $15) * 10}' "/proc/$1/stat"; } # utime + stime, in 10 ms ticks
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
median() { sort -n | awk '{a[NR]=$1} END {if (NR == 0) print "-"; else if (NR % 2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

start_daemon() { # $@: extra JVM options
  t0=$(now_ms)
  MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2} java "${opts[@]}" "$@" "${launch[@]}" "${args[@]}" >>"$work/jpod.log" 2>&1 &
  jpid=$!
  until ready; do
    kill -0 "$jpid" 2>/dev/null || { echo "the daemon exited; see the log:" >&2; tail -30 "$work/jpod.log" >&2; exit 1; }
    sleep 0.02
  done
  t_ready=$(( $(now_ms) - t0 ))
  c_ready=$(cpu_ms "$jpid")
}
stop_daemon() { kill "$jpid"; wait "$jpid" 2>/dev/null || true; jpid=; }

echo "launch: java ${opts[*]} ${launch[*]}"
# the first start makes the root (state, default network) and imports the image; not counted
start_daemon
echo "first start on an empty root: ready after ${t_ready} ms"
"${dk[@]}" import --change 'CMD ["sh"]' "$work/busybox.tar" busybox >/dev/null
stop_daemon

: >"$work/samples"
for i in $(seq "$n"); do
  start_daemon
  t1=$(now_ms)
  "${dk[@]}" run --rm busybox true
  t_run=$(( $(now_ms) - t1 ))
  t_total=$(( $(now_ms) - t0 ))
  sleep 2
  jcmd "$jpid" GC.run >/dev/null
  sleep 1
  rss=$(rss_kb "$jpid")
  echo "start $i: ready ${t_ready} ms (${c_ready} ms CPU), first run --rm ${t_run} ms (done ${t_total} ms after start), idle RSS $((rss / 1024)) MiB"
  echo "$t_ready $t_run $t_total $rss $c_ready" >>"$work/samples"
  stop_daemon
done
echo "median over $n starts: ready $(cut -d' ' -f1 "$work/samples" | median) ms" \
  "($(cut -d' ' -f5 "$work/samples" | median) ms CPU)," \
  "first run --rm $(cut -d' ' -f2 "$work/samples" | median) ms," \
  "ready+run $(cut -d' ' -f3 "$work/samples" | median) ms," \
  "idle RSS $(( $(cut -d' ' -f4 "$work/samples" | median | cut -d. -f1) / 1024 )) MiB"

# memory: idle with native memory tracking, then with C created containers
start_daemon -XX:NativeMemoryTracking=summary
sleep 2; jcmd "$jpid" GC.run >/dev/null; sleep 1
idle=$(rss_kb "$jpid")
echo "idle (NMT on): RSS $((idle / 1024)) MiB; NMT committed by area (MiB):"
jcmd "$jpid" VM.native_memory summary scale=MB | awk '/committed=/ && /^-/ {sub(/^- */, ""); print "  " $0}' \
  | sed -E 's/\(reserved=[0-9]+MB, //; s/\)$//' | head -20
if [ "$containers" -gt 0 ]; then
  for i in $(seq "$containers"); do "${dk[@]}" create busybox true >/dev/null; done
  sleep 2; jcmd "$jpid" GC.run >/dev/null; sleep 1
  full=$(rss_kb "$jpid")
  echo "with $containers created containers: RSS $((full / 1024)) MiB," \
    "$(( (full - idle) / containers )) kB per container"
  "${dk[@]}" container prune -f >/dev/null
fi
stop_daemon
