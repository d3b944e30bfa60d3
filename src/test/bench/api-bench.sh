#!/usr/bin/env bash
# API-level benchmark: the same docker CLI drives jpod and podman's API service (podman 4.3.1 from
# apt), side by side on this machine, one after the other in one run. Each engine gets its own
# storage, run dirs and port; neither touches the other's nor the host's default state.
#   usage: src/test/bench/api-bench.sh [ITERATIONS]      (needs root; installs podman if missing)
set -euo pipefail
cd "$(dirname "$0")/../../.."
n=${1:-20}
work=$(mktemp -d /tmp/jpod-bench.XXXXXX)
jport=18711; pport=18712
podman_lock_existed=$([ -e /dev/shm/libpod_lock ] && echo yes || echo no)
cleanup() {
  [ -n "${jpid:-}" ] && kill "$jpid" 2>/dev/null || true
  [ -n "${ppid_:-}" ] && kill "$ppid_" 2>/dev/null || true
  sleep 2
  grep -o " $work[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  rm -rf "$work"
  rm -f /dev/shm/jpod_bench_lock
  [ "$podman_lock_existed" = yes ] || rm -f /dev/shm/libpod_lock
}
trap cleanup EXIT

command -v podman >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q podman >/dev/null
[ -f target/jpod.jar ] || ./mvnw -B -q -DskipTests package
config/busybox-rootfs.sh "$work/busybox.tar" >/dev/null

# jpod
# its own socket and token, and loopback TCP without a credential (a benchmark's private daemon)
java -jar target/jpod.jar --server.port=$jport --libpod.storage.graph-root="$work/jpod/storage" \
  --jpod.api.socket="$work/jpod.sock" --jpod.api.token-file="$work/access-token" \
  --jpod.api.tcp=true --jpod.api.tcp-insecure=true \
  --libpod.storage.run-root="$work/jpod/run" --libpod.tmp-dir="$work/jpod/tmp" \
  --libpod.shm-lock-path=/jpod_bench_lock >"$work/jpod.log" 2>&1 &
jpid=$!

# podman 4.3.1 (runc, and ulimits this sandbox allows)
mkdir -p "$work/podman"
cat > "$work/podman/containers.conf" <<CONF
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
tmp_dir = "$work/podman/tmp"
CONF
export CONTAINERS_CONF="$work/podman/containers.conf"
pod=(podman --root "$work/podman/root" --runroot "$work/podman/run" --tmpdir "$work/podman/tmp")
"${pod[@]}" system service --time=0 tcp://127.0.0.1:$pport >"$work/podman.log" 2>&1 &
ppid_=$!

for port in $jport $pport; do
  for _ in $(seq 120); do curl -sf "http://127.0.0.1:$port/_ping" >/dev/null && break; sleep 0.5; done
done
export DOCKER_CONFIG="$work/docker-config"; mkdir -p "$DOCKER_CONFIG"
for port in $jport $pport; do
  docker -H tcp://127.0.0.1:$port import --change 'CMD ["sh"]' "$work/busybox.tar" busybox >/dev/null
  docker -H tcp://127.0.0.1:$port run --rm --network none busybox true >/dev/null   # warm-up
done

ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
bench() { # engine port
  local port=$2 c=0 s=0 w=0 r=0 run=0 t id
  for i in $(seq "$n"); do
    t=$(date +%s%N); id=$(docker -H tcp://127.0.0.1:$port create --network none busybox true); c=$((c + $(ms "$t")))
    t=$(date +%s%N); docker -H tcp://127.0.0.1:$port start "$id" >/dev/null; s=$((s + $(ms "$t")))
    t=$(date +%s%N); docker -H tcp://127.0.0.1:$port wait "$id" >/dev/null; w=$((w + $(ms "$t")))
    t=$(date +%s%N); docker -H tcp://127.0.0.1:$port rm "$id" >/dev/null; r=$((r + $(ms "$t")))
    t=$(date +%s%N); docker -H tcp://127.0.0.1:$port run --rm --network none busybox echo hi >/dev/null
    run=$((run + $(ms "$t")))
  done
  printf '%-7s create %5d ms  start %5d ms  wait %5d ms  rm %5d ms  run --rm %5d ms   (mean of %d)\n' \
    "$1" $((c / n)) $((s / n)) $((w / n)) $((r / n)) $((run / n)) "$n"
}
bench jpod $jport
bench podman $pport
