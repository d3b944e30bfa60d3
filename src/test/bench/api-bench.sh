#!/usr/bin/env bash
# API benchmark (issue 17): the same Docker-API scenarios against jpod (target/jpod.jar), podman 4.3's API
# service and a Docker Engine (Debian's dockerd), one engine after the other in one run, each with private
# roots and its default bridge network, the same busybox image imported into each. The client is
# io.jpod.bench.ApiBench (JDK HttpClient over loopback TCP, no CLI in the timings); it prints the table
# (medians, ratio against the best of podman and Docker) and leaves the raw samples in /tmp.
#   usage: src/test/bench/api-bench.sh        (root; ~5-10 min)
#   env:   BENCH_N=15 (samples per timed scenario), BENCH_PING_N=200, BENCH_ENGINES="jpod podman docker"
set -euo pipefail
cd "$(dirname "$0")/../../.."
engines=${BENCH_ENGINES:-jpod podman docker}
work=$(mktemp -d /tmp/jpod-bench.XXXXXX)
raw=/tmp/jpod-api-bench-$(date -u +%Y%m%d-%H%M%S).tsv
jport=18711; pport=18712; dport=18713
podman_lock_existed=$([ -e /dev/shm/libpod_lock ] && echo yes || echo no)
bridges_before=$(ip -o link show type bridge | awk -F': ' '{print $2}' | tr '\n' ' ')
pid=""

# Everything an engine left: its containers (through its API while it lives), the daemon (by PID), the
# processes that still name our work dir (conmon, containerd, shims), and our mounts.
teardown() { # port
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    for id in $(curl -sf --max-time 10 "http://127.0.0.1:$1/containers/json?all=1" | grep -o '"Id":"[0-9a-f]*"' | cut -d'"' -f4); do
      curl -sf --max-time 30 -X DELETE "http://127.0.0.1:$1/containers/$id?force=true" >/dev/null || true
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
cleanup() {
  teardown "${port:-0}"
  rm -rf "$work"
  rm -f /dev/shm/jpod_api_bench_lock
  [ "$podman_lock_existed" = yes ] || rm -f /dev/shm/libpod_lock
  for b in cni-podman0 docker0; do # the engines' bridges, if this run made them
    case " $bridges_before " in *" $b "*) ;; *) ip link del "$b" 2>/dev/null || true ;; esac
  done
}
trap cleanup EXIT

for tool in java curl runc conmon podman dockerd docker; do
  command -v "$tool" >/dev/null || { echo "api-bench: $tool is missing" >&2; exit 1; }
done
[ -f target/jpod.jar ] || ./mvnw -B -o -q -DskipTests package
bash config/jpod-cds.sh || echo "api-bench: no class-data-sharing archive; jpod starts without it" >&2
./mvnw -B -o -q test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.cp
bench=(java -cp "target/test-classes:target/classes:$(cat target/bench.cp)" io.jpod.bench.ApiBench)
config/busybox-rootfs.sh "$work/busybox.tar" >/dev/null
export DOCKER_CONFIG="$work/docker-config"; mkdir -p "$DOCKER_CONFIG"; echo '{}' > "$DOCKER_CONFIG/config.json"
{
  echo "# run $(date -u +%FT%TZ) on $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); BENCH_N=${BENCH_N:-15}"
  echo "# jpod $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(podman --version), $(dockerd --version)"
} > "$raw"

start_jpod() {
  local j=$work/jpod; mkdir -p "$j/home"
  # launched as config/jpod-up.sh launches it (config/jpod.jvm, the CDS archive of this build, two malloc
  # arenas); its own roots, socket and token, and loopback TCP without a credential (a private daemon)
  local launch=(-jar target/jpod.jar)
  [ -s target/jpod-cds/jpod.jsa ] && launch=(-XX:SharedArchiveFile="$PWD/target/jpod-cds/jpod.jsa" -jar "$PWD/target/jpod-cds/jpod.jar")
  MALLOC_ARENA_MAX=2 java @config/jpod.jvm "${launch[@]}" --server.port=$jport --spring.main.banner-mode=off \
    --jpod.api.socket="$j/jpod.sock" --jpod.api.token-file="$j/access-token" \
    --jpod.api.tcp=true --jpod.api.tcp-insecure=true \
    --libpod.system-config-file="$j/etc/containers/libpod.conf" \
    --libpod.vendor-config-file="$j/usr/share/containers/libpod.conf" \
    --libpod.registries-config-file="$j/etc/containers/registries.conf" \
    --libpod.registries-certs-dirs="$j/etc/containers/certs.d,$j/etc/docker/certs.d" \
    --libpod.storage.config-file="$j/etc/jpod/storage.conf" \
    --libpod.storage.graph-root="$j/storage" --libpod.storage.run-root="$j/run/storage" \
    --libpod.tmp-dir="$j/run/libpod" --libpod.cni-config-dir="$j/etc/cni/net.d" \
    --jpod.host.home="$j/home" --libpod.shm-lock-path=/jpod_api_bench_lock >"$work/jpod.log" 2>&1 &
  pid=$!
}
start_podman() { # podman 4.3.1: runc, cgroupfs, ulimits this sandbox allows, CNI configs of its own
  local p=$work/podman; mkdir -p "$p/cni"
  cat > "$p/containers.conf" <<CONF
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
tmp_dir = "$p/tmp"
[network]
network_backend = "cni"
network_config_dir = "$p/cni"
CONF
  CONTAINERS_CONF="$p/containers.conf" podman --root "$p/root" --runroot "$p/run" --tmpdir "$p/tmp" \
    system service --time=0 tcp://127.0.0.1:$pport >"$work/podman.log" 2>&1 &
  pid=$!
}
start_docker() { # Docker Engine 20.10 with private roots, no iptables, its own subnet; its containerd is its child
  local d=$work/docker; mkdir -p "$d"; echo '{}' > "$d/daemon.json"
  dockerd --config-file "$d/daemon.json" --data-root "$d/data" --exec-root "$d/exec" --pidfile "$d/dockerd.pid" \
    -H tcp://127.0.0.1:$dport --iptables=false --ip-masq=false --bip 10.89.250.1/24 \
    --default-ulimit nofile=1024:1024 --log-level warn >"$work/docker.log" 2>&1 &
  pid=$!
}

for engine in $engines; do
  case $engine in
    jpod) port=$jport; helpers="" ;;
    podman) port=$pport; helpers="" ;;
    docker) port=$dport; helpers="--helpers containerd" ;;
    *) echo "api-bench: unknown engine $engine" >&2; exit 2 ;;
  esac
  echo "== $engine"
  echo "# $engine: starts $(date -u +%T), load $(cut -d' ' -f1-3 /proc/loadavg)" >> "$raw"
  t0=$(date +%s%N)
  "start_$engine"
  until curl -sf -o /dev/null --max-time 1 "http://127.0.0.1:$port/_ping"; do
    kill -0 "$pid" 2>/dev/null || { echo "$engine did not start:"; tail -20 "$work/$engine.log"; exit 1; }
    [ $(( $(date +%s%N) - t0 )) -lt 120000000000 ] || { echo "$engine not ready after 120 s"; exit 1; }
    sleep 0.01
  done
  printf '%s\tready\t%s\n' "$engine" $(( ($(date +%s%N) - t0) / 1000000 )) >> "$raw"
  docker -H "tcp://127.0.0.1:$port" import --change 'CMD ["sh"]' "$work/busybox.tar" busybox >/dev/null
  # shellcheck disable=SC2086
  "${bench[@]}" run --engine "$engine" --url "http://127.0.0.1:$port" --pid "$pid" $helpers --raw "$raw" ||
    echo "api-bench: $engine failed (its figures are partial; see $raw)"
  teardown "$port"
done

echo "== floors"
mkdir -p "$work/floor/bundle/rootfs"
tar -xf "$work/busybox.tar" -C "$work/floor/bundle/rootfs"
runc spec --bundle "$work/floor/bundle"
"${bench[@]}" floors --bundle "$work/floor/bundle" --raw "$raw"
echo "# end $(date -u +%FT%TZ), load $(cut -d' ' -f1-3 /proc/loadavg)" >> "$raw"
echo
"${bench[@]}" table --raw "$raw"
