#!/usr/bin/env bash
# Build benchmark: the same 6-step Dockerfile built cold (no cache) and then cached, by jpod (through the
# docker CLI's classic builder) and by podman 4.3.1 (`podman build`, buildah inside), side by side on this
# machine in one run. Each engine has its own storage and run dirs; RUN steps use no network on both.
#   usage: src/test/bench/build-bench.sh [ITERATIONS]      (needs root; installs podman if missing)
set -euo pipefail
cd "$(dirname "$0")/../../.."
n=${1:-5}
work=$(mktemp -d /tmp/jpod-build-bench.XXXXXX)
jport=18721
podman_lock_existed=$([ -e /dev/shm/libpod_lock ] && echo yes || echo no)
cleanup() {
  [ -n "${jpid:-}" ] && kill "$jpid" 2>/dev/null || true
  sleep 2
  grep -o " $work[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  rm -rf "$work"
  rm -f /dev/shm/jpod_build_bench_lock
  [ "$podman_lock_existed" = yes ] || rm -f /dev/shm/libpod_lock
}
trap cleanup EXIT

command -v podman >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q podman >/dev/null
[ -f target/jpod.jar ] || ./mvnw -B -q -DskipTests package
config/busybox-rootfs.sh "$work/busybox.tar" >/dev/null

# the context: a Dockerfile of six steps and a few hundred small files
ctx="$work/ctx"; mkdir -p "$ctx/data"
for i in $(seq 300); do head -c 2048 /dev/urandom > "$ctx/data/f$i.bin"; done
cat > "$ctx/Dockerfile" <<'DF'
FROM busybox
ENV APP=/app
WORKDIR /app
COPY data/ ./data/
RUN for i in $(seq 1 500); do echo "line $i" >> gen.txt; done && ls data | wc -l > count.txt
CMD ["cat", "count.txt"]
DF

# jpod: its own socket and token, loopback TCP without a credential (a benchmark's private daemon)
java -jar target/jpod.jar --server.port=$jport --libpod.storage.graph-root="$work/jpod/storage" \
  --jpod.api.socket="$work/jpod.sock" --jpod.api.token-file="$work/access-token" \
  --jpod.api.tcp=true --jpod.api.tcp-insecure=true \
  --libpod.storage.run-root="$work/jpod/run" --libpod.tmp-dir="$work/jpod/tmp" \
  --libpod.shm-lock-path=/jpod_build_bench_lock >"$work/jpod.log" 2>&1 &
jpid=$!
for _ in $(seq 120); do curl -sf "http://127.0.0.1:$jport/_ping" >/dev/null && break; sleep 0.5; done
mkdir -p "$work/docker-config"
# the classic builder (the CLI warns that it is deprecated: that warning goes to $work/cli.log)
dk=(env DOCKER_CONFIG="$work/docker-config" DOCKER_BUILDKIT=0 docker -H tcp://127.0.0.1:$jport)
"${dk[@]}" import --change 'CMD ["sh"]' "$work/busybox.tar" busybox >/dev/null

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
"${pod[@]}" import --change 'CMD ["sh"]' "$work/busybox.tar" docker.io/library/busybox:latest >/dev/null 2>&1

ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
check() { # engine output: the built image must print the file count
  [ "$2" = 300 ] || { echo "$1: the built image printed '$2', not 300" >&2; exit 1; }
}
cold_j=0; warm_j=0; cold_p=0; warm_p=0
for i in $(seq "$n"); do
  t=$(date +%s%N); "${dk[@]}" build -q --no-cache --network none -t bench "$ctx" >/dev/null 2>>"$work/cli.log"; cold_j=$((cold_j + $(ms "$t")))
  t=$(date +%s%N); "${dk[@]}" build -q --network none -t bench "$ctx" >/dev/null 2>>"$work/cli.log"; warm_j=$((warm_j + $(ms "$t")))
  check jpod "$("${dk[@]}" run --rm --network none bench)"
  t=$(date +%s%N); "${pod[@]}" build -q --no-cache --layers --network none -t bench "$ctx" >/dev/null
  cold_p=$((cold_p + $(ms "$t")))
  t=$(date +%s%N); "${pod[@]}" build -q --layers --network none -t bench "$ctx" >/dev/null; warm_p=$((warm_p + $(ms "$t")))
  check podman "$("${pod[@]}" run --rm --network none bench)"
done
printf '%-7s cold %6d ms   cached %6d ms   (mean of %d, 6 steps, 300 files copied)\n' jpod $((cold_j / n)) $((warm_j / n)) "$n"
printf '%-7s cold %6d ms   cached %6d ms\n' podman $((cold_p / n)) $((warm_p / n))
