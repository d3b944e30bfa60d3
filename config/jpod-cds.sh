#!/usr/bin/env bash
# Class-data sharing for the daemon (Spring Boot's documented way, "Class Data Sharing"): extracts
# target/jpod.jar into target/jpod-cds (jpod.jar + lib/) and records there, in jpod.jsa, every class a start
# loads, so the next starts map them ready-parsed instead of reading, parsing and verifying them from the
# nested jars (about half of the start's CPU). Run by config/jpod-up.sh after each build; launch with
#   java @config/jpod.jvm -XX:SharedArchiveFile=target/jpod-cds/jpod.jsa -jar target/jpod-cds/jpod.jar
# The archive is only valid for these exact jars and this JVM: a rebuild makes a new one (a stale one is
# ignored by the JVM with a warning, never misused).
#
# The training run is Spring Boot's, carried one step further: where the documented run exits once the
# context is refreshed (-Dspring.context.exit=onRefresh), this one starts the daemon fully and serves what
# a first client asks (a few reads, one `run --rm`), so the first requests after a start find their
# classes in the archive as well. It runs the engine's real start (state, locks, default network), so it
# is confined to a throw-away root like the test daemons, never the host's /var/lib/jpod, /run or /etc,
# and listens only on a socket in that root.
# The archive names the jars by their absolute paths: make it where the daemon will run from (a copied
# directory does not match it, and the JVM then starts without it).
#   usage: config/jpod-cds.sh [JAR [DIR]]    (default target/jpod.jar into target/jpod-cds)
#   e.g.   config/jpod-cds.sh target/jpod.jar /usr/local/lib/jpod      (for config/jpod.service)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
jar=${1:-$here/../target/jpod.jar}
out=${2:-$here/../target/jpod-cds}
jvm_options=${JPOD_JVM_OPTIONS:-$here/jpod.jvm}

if [ -f "$out/jpod.jsa" ] && [ "$out/jpod.jsa" -nt "$jar" ]; then
  exit 0 # the archive is already of this jar
fi
rm -rf "$out/jpod.jar" "$out/lib" "$out/jpod.jsa"
java -Djarmode=tools -jar "$jar" extract --force --application-filename jpod.jar --destination "$out" >/dev/null
out=$(cd "$out" && pwd)

root=$(mktemp -d /tmp/jpod-cds.XXXXXX)
shm=/jpod_cds_training_$$
pid=
cleanup() {
  [ -z "$pid" ] || kill "$pid" 2>/dev/null || true
  grep -o " $root[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  rm -rf "$root"
  rm -f "/dev/shm$shm"
}
trap cleanup EXIT
sock=$root/jpod.sock
api() { curl -s --max-time 120 --unix-socket "$sock" "$@" 2>/dev/null || true; }

# The training daemon: the engine's real start on the throw-away root, listening only on its own socket.
java @"$jvm_options" -XX:ArchiveClassesAtExit="$out/jpod.jsa" \
    -jar "$out/jpod.jar" --spring.main.banner-mode=off --jpod.api.tcp=false --jpod.api.docker-socket=false \
    --jpod.api.socket="$sock" --jpod.api.token-file="$root/access-token" \
    --libpod.system-config-file="$root/etc/containers/libpod.conf" \
    --libpod.vendor-config-file="$root/usr/share/containers/libpod.conf" \
    --libpod.registries-config-file="$root/etc/containers/registries.conf" \
    --libpod.registries-certs-dirs="$root/etc/containers/certs.d" \
    --libpod.storage.config-file="$root/etc/jpod/storage.conf" \
    --libpod.storage.graph-root="$root/storage" --libpod.storage.run-root="$root/run/storage" \
    --libpod.tmp-dir="$root/run/libpod" --libpod.cni-config-dir="$root/etc/cni/net.d" \
    --jpod.host.home="$root/home" --libpod.shm-lock-path="$shm" >"$root/training.log" 2>&1 &
pid=$!
for _ in $(seq 1 3000); do
  api http://d/actuator/health/readiness | grep -q '"status":"UP"' && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
# What a first client asks right after a start, so its classes are in the archive too: the usual reads,
# then `docker run --rm` of busybox (imported from the host's static busybox) without a network, the way
# the docker CLI does it (wait for the removal, start). Each step may fail (no runc in an image build):
# the archive then simply holds less.
for path in /_ping /version /info "/containers/json?all=1" /images/json /networks /volumes /libpod/info \
    /libpod/containers/json; do
  api "http://d$path" >/dev/null
done
if bash "$here/busybox-rootfs.sh" "$root/busybox.tar" >/dev/null 2>&1; then
  api -X POST -H 'Content-Type: application/x-tar' --data-binary @"$root/busybox.tar" \
    "http://d/images/create?fromSrc=-&repo=busybox&tag=latest" >/dev/null
  id=$(api -H 'Content-Type: application/json' -d '{"Image":"busybox","Cmd":["true"],
      "HostConfig":{"NetworkMode":"none","AutoRemove":true}}' http://d/containers/create \
    | sed -n 's/.*"Id" *: *"\([0-9a-f]*\)".*/\1/p')
  if [ -n "$id" ]; then
    api -X POST "http://d/containers/$id/wait?condition=removed" >/dev/null &
    waiter=$!
    api -X POST "http://d/containers/$id/start" >/dev/null
    wait "$waiter" || true
    api -X DELETE "http://d/containers/$id?force=true" >/dev/null
  fi
fi
# a normal stop writes the archive as the JVM exits
kill "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
pid=
if [ ! -s "$out/jpod.jsa" ]; then
  echo "jpod-cds: the training run made no archive; the daemon will start without class-data sharing. Its log:" >&2
  tail -n 20 "$root/training.log" >&2
  rm -f "$out/jpod.jsa"
fi
