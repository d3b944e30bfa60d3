#!/usr/bin/env bash
# Pull benchmark: one ~100 MB image (busybox + 4 layers of 25 MB of random bytes, 5 layers) in a
# docker-registry on loopback, pulled cold N times each, side by side in one run, by
#   jpod    (the docker CLI against a jpod daemon started from target/jpod.jar),
#   podman  (podman 4.3 with its own --root/--runroot),
#   skopeo  (skopeo copy to a local dir:, the transfer alone with no store).
# Everything (registry, daemon, storage, configs) lives in one temp dir, removed at the end.
#   usage: src/test/bench/pull-bench.sh [ITERATIONS]      (needs root; offline)
set -euo pipefail
cd "$(dirname "$0")/../../.."
n=${1:-3}
work=$(mktemp -d /tmp/jpod-pull-bench.XXXXXX)
podman_lock_existed=$([ -e /dev/shm/libpod_lock ] && echo yes || echo no)
rport=18721; jport=18722
reg=127.0.0.1:$rport
cleanup() {
  [ -n "${jpid:-}" ] && kill "$jpid" 2>/dev/null || true
  [ -n "${rpid:-}" ] && kill "$rpid" 2>/dev/null || true
  [ -n "${jpid:-}" ] && wait "$jpid" 2>/dev/null || true
  [ -n "${rpid:-}" ] && wait "$rpid" 2>/dev/null || true
  grep -o " $work[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  rm -rf "$work"
  rm -f /dev/shm/jpod_pull_bench_lock
  [ "$podman_lock_existed" = yes ] || rm -f /dev/shm/libpod_lock
}
trap cleanup EXIT

for tool in docker-registry skopeo podman docker java; do
  command -v "$tool" >/dev/null || { echo "pull-bench: $tool is missing (config/host-setup.sh)" >&2; exit 1; }
done
[ -f target/jpod.jar ] || ./mvnw -B -o -q -DskipTests package

# ---- the registry -----------------------------------------------------------------------------
mkdir -p "$work/registry"
cat > "$work/registry/config.yml" <<YML
version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: "$work/registry/storage"
  delete:
    enabled: true
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: $reg
  secret: jpod-pull-bench
YML
env -u REGISTRY_HTTP_ADDR /usr/bin/docker-registry serve "$work/registry/config.yml" \
  >"$work/registry.log" 2>&1 </dev/null &
rpid=$!

# ---- the image, as an OCI layout, pushed with skopeo --------------------------------------------
oci=$work/oci; blobs=$oci/blobs/sha256; mkdir -p "$blobs" "$work/layers"
sha() { sha256sum "$1" | cut -d' ' -f1; }
layers=(); diffs=(); sizes=()
add_layer() { # TAR: gzips it into the layout
  local gz=$work/layers/l.tar.gz d
  gzip -1 -n -c "$1" > "$gz"
  d=$(sha "$gz"); mv "$gz" "$blobs/$d"
  layers+=("$d"); diffs+=("$(sha "$1")"); sizes+=("$(stat -c %s "$blobs/$d")")
  rm -f "$1"
}
config/busybox-rootfs.sh "$work/layers/busybox.tar" >/dev/null
add_layer "$work/layers/busybox.tar"
for i in 0 1 2 3; do
  mkdir -p "$work/layers/r$i/data"
  head -c $((25 << 20)) /dev/urandom > "$work/layers/r$i/data/blob$i.bin"
  tar --numeric-owner --owner=0 --group=0 -C "$work/layers/r$i" -cf "$work/layers/r$i.tar" data
  rm -rf "$work/layers/r$i"
  add_layer "$work/layers/r$i.tar"
done
arch=$(dpkg --print-architecture 2>/dev/null || echo amd64)
diff_ids=$(printf '"sha256:%s",' "${diffs[@]}"); diff_ids=${diff_ids%,}
printf '{"architecture":"%s","os":"linux","config":{"Env":["PATH=/usr/sbin:/usr/bin:/sbin:/bin"],"Cmd":["sh"]},"rootfs":{"type":"layers","diff_ids":[%s]}}' \
  "$arch" "$diff_ids" > "$work/config.json"
cfg=$(sha "$work/config.json"); cfg_size=$(stat -c %s "$work/config.json"); mv "$work/config.json" "$blobs/$cfg"
descs=""
for i in "${!layers[@]}"; do
  descs+=$(printf '{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:%s","size":%s},' \
    "${layers[$i]}" "${sizes[$i]}")
done
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[%s]}' \
  "$cfg" "$cfg_size" "${descs%,}" > "$work/manifest.json"
man=$(sha "$work/manifest.json"); man_size=$(stat -c %s "$work/manifest.json"); mv "$work/manifest.json" "$blobs/$man"
printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"latest"}}]}' \
  "$man" "$man_size" > "$oci/index.json"
echo '{"imageLayoutVersion":"1.0.0"}' > "$oci/oci-layout"
total=0; for s in "${sizes[@]}"; do total=$((total + s)); done

for _ in $(seq 100); do curl -sf "http://$reg/v2/" >/dev/null && break; sleep 0.1; done
skopeo --insecure-policy copy -q --dest-tls-verify=false "oci:$oci:latest" "docker://$reg/big:latest"
rm -rf "$oci" "$work/layers"
image=$reg/big:latest

# ---- jpod, confined to $work/jpod ----------------------------------------------------------------
j=$work/jpod; mkdir -p "$j/etc/containers" "$j/home"
printf '[[registry]]\nlocation = "%s"\ninsecure = true\n' "$reg" > "$j/etc/containers/registries.conf"
# its own socket and token, and loopback TCP without a credential (a benchmark's private daemon)
java -jar target/jpod.jar --server.port=$jport --spring.main.banner-mode=off \
  --jpod.api.socket="$j/jpod.sock" --jpod.api.token-file="$j/access-token" \
  --jpod.api.tcp=true --jpod.api.tcp-insecure=true \
  --libpod.system-config-file="$j/etc/containers/libpod.conf" \
  --libpod.vendor-config-file="$j/usr/share/containers/libpod.conf" \
  --libpod.registries-config-file="$j/etc/containers/registries.conf" \
  --libpod.registries-certs-dirs="$j/etc/containers/certs.d,$j/etc/docker/certs.d" \
  --libpod.storage.config-file="$j/etc/jpod/storage.conf" \
  --libpod.storage.graph-root="$j/storage" --libpod.storage.run-root="$j/run/storage" \
  --libpod.tmp-dir="$j/run/libpod" --libpod.cni-config-dir="$j/etc/cni/net.d" \
  --jpod.host.home="$j/home" --libpod.shm-lock-path=/jpod_pull_bench_lock >"$work/jpod.log" 2>&1 &
jpid=$!
for _ in $(seq 120); do curl -sf "http://127.0.0.1:$jport/_ping" >/dev/null && break; sleep 0.5; done
curl -sf "http://127.0.0.1:$jport/_ping" >/dev/null || { echo "jpod did not start:"; tail -20 "$work/jpod.log"; exit 1; }
export DOCKER_CONFIG=$work/docker-config; mkdir -p "$DOCKER_CONFIG"
echo "{}" > "$DOCKER_CONFIG/config.json"   # podman reads it for credentials: it must exist
dk=(docker -H "tcp://127.0.0.1:$jport")

# ---- podman 4.3 (runc, and ulimits this sandbox allows), its own store ---------------------------
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
export CONTAINERS_CONF=$work/podman/containers.conf
pod=(podman --root "$work/podman/root" --runroot "$work/podman/run" --tmpdir "$work/podman/tmp")

# ---- the runs ------------------------------------------------------------------------------------
now() { date +%s%N; }
declare -A ns
run() { # name command...: one cold pull, timed; the command's output is kept for a failure
  local t; t=$(now)
  if ! "${@:2}" >"$work/out.log" 2>&1; then echo "pull-bench: $1 failed:"; cat "$work/out.log"; exit 1; fi
  ns[$1]=$(( ${ns[$1]:-0} + $(now) - t ))
}
reset_jpod() { "${dk[@]}" rmi -f "$image" >/dev/null 2>&1 || true; curl -sf -X POST "http://127.0.0.1:$jport/images/prune" >/dev/null; }
reset_podman() { # its whole store goes (not `system reset`: that would also touch the host's networks)
  "${pod[@]}" rmi -af >/dev/null 2>&1 || true
  grep -o " $work/podman/r[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  rm -rf "$work/podman/root" "$work/podman/run"; }
for i in $(seq "$n"); do
  reset_jpod; run jpod "${dk[@]}" pull -q "$image"
  reset_podman; run podman "${pod[@]}" pull -q --tls-verify=false "$image"
  rm -rf "$work/dir"; run skopeo skopeo --insecure-policy copy -q --src-tls-verify=false "docker://$image" "dir:$work/dir"
done
# the pulled images must be the one pushed
want=sha256:$cfg
got_j=$("${dk[@]}" image inspect -f '{{.Id}}' "$image")
got_p=sha256:$("${pod[@]}" image inspect -f '{{.Id}}' "$image")
[ "$got_j" = "$want" ] && [ "$got_p" = "$want" ] && [ -f "$work/dir/$cfg" ] ||
  { echo "pull-bench: image IDs differ: want $want, jpod $got_j, podman $got_p"; exit 1; }
reset_jpod; reset_podman

printf '%d MB image, %d layers, registry %s, %d cold pulls each\n' $((total / 1000000)) "${#layers[@]}" "$reg" "$n"
printf '%-8s %10s %10s\n' tool 'mean s' 'MB/s'
for t in jpod podman skopeo; do
  awk -v t="$t" -v ns="${ns[$t]}" -v n="$n" -v b="$total" \
    'BEGIN { s = ns / n / 1e9; printf "%-8s %10.2f %10.1f\n", t, s, b / 1e6 / s }'
done
