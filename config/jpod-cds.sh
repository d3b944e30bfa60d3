#!/usr/bin/env bash
# Class-data sharing for the daemon (Spring Boot's documented way, "Class Data Sharing"): extracts
# target/jpod.jar into target/jpod-cds (jpod.jar + lib/) and records there, in jpod.jsa, every class a start
# loads, so the next starts map them ready-parsed instead of reading, parsing and verifying them from the
# nested jars (about half of the start's CPU). Run by config/jpod-up.sh after each build; launch with
#   java @config/jpod.jvm -XX:SharedArchiveFile=target/jpod-cds/jpod.jsa -jar target/jpod-cds/jpod.jar
# The archive is only valid for these exact jars and this JVM: a rebuild makes a new one (a stale one is
# ignored by the JVM with a warning, never misused).
#
# The training run brings the context up to its refresh and exits (-Dspring.context.exit=onRefresh), so
# the web server never listens; it runs the engine's real start (state, locks, default network), so it is
# confined to a throw-away root like the test daemons, never the host's /var/lib/jpod, /run or /etc.
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
trap 'rm -rf "$root"; rm -f "/dev/shm$shm"' EXIT
# the CDS warnings (classes it cannot archive, e.g. generated reflection accessors) are expected: only
# the exit status tells, and a failed training run leaves no archive (jpod-up.sh then runs the plain jar)
status=0
java @"$jvm_options" -XX:ArchiveClassesAtExit="$out/jpod.jsa" -Dspring.context.exit=onRefresh \
    -jar "$out/jpod.jar" --spring.main.banner-mode=off --jpod.api.tcp=false --jpod.api.docker-socket=false \
    --jpod.api.socket="$root/jpod.sock" --jpod.api.token-file="$root/access-token" \
    --libpod.system-config-file="$root/etc/containers/libpod.conf" \
    --libpod.vendor-config-file="$root/usr/share/containers/libpod.conf" \
    --libpod.registries-config-file="$root/etc/containers/registries.conf" \
    --libpod.registries-certs-dirs="$root/etc/containers/certs.d" \
    --libpod.storage.config-file="$root/etc/jpod/storage.conf" \
    --libpod.storage.graph-root="$root/storage" --libpod.storage.run-root="$root/run/storage" \
    --libpod.tmp-dir="$root/run/libpod" --libpod.cni-config-dir="$root/etc/cni/net.d" \
    --jpod.host.home="$root/home" --libpod.shm-lock-path="$shm" >"$root/training.log" 2>&1 || status=$?
if [ "$status" -ne 0 ] || [ ! -s "$out/jpod.jsa" ]; then
  echo "jpod-cds: the training run failed; starting without class-data sharing. Its log:" >&2
  tail -n 20 "$root/training.log" >&2
  rm -f "$out/jpod.jsa"
fi
