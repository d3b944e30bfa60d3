#!/usr/bin/env bash
# Brings up a working jpod daemon on this host: installs the host packages, builds the jar, starts
# the daemon in the background and waits until it answers on its Unix socket. Listeners:
#   /run/jpod/jpod.sock      root and the group jpod (the API; no login)
#   /var/run/docker.sock     as well, when no Docker engine is installed, so plain `docker` finds jpod
#   127.0.0.1:8181           loopback TCP for the dashboard and token holders (bearer token / login)
# Extra arguments are passed to the daemon and win, e.g. --server.port=9000, --jpod.api.tcp=false,
# --jpod.api.docker-socket=false or --libpod.runtime=crun.
set -euo pipefail
cd "$(dirname "$0")/.."

bash config/host-setup.sh
./mvnw -B -q -DskipTests package
# the class-data-sharing archive of this build (a start in ~1/3 of the CPU time); see config/jpod-cds.sh
bash config/jpod-cds.sh || echo "jpod-up: no class-data-sharing archive; the daemon starts without it" >&2

log=${JPOD_LOG:-/var/log/jpod.log}
port=8181
socket=/run/jpod/jpod.sock
token_file=/etc/jpod/access-token
tcp=true
docker_socket=false
if [ ! -e /var/run/docker.sock ] && ! command -v dockerd >/dev/null 2>&1; then
  docker_socket=true
fi
# the daemon's arguments: these two are given once, as decided here (Spring would join a repeated one
# into "true,false")
daemon_args=()
for a in "$@"; do
  case "$a" in
    --jpod.api.tcp=*|--jpod.api.docker-socket=*) ;;
    *) daemon_args+=("$a") ;;
  esac
  case "$a" in
    --server.port=*) port=${a#--server.port=} ;;
    --jpod.api.socket=*) socket=${a#--jpod.api.socket=} ;;
    --jpod.api.token-file=*) token_file=${a#--jpod.api.token-file=} ;;
    --jpod.api.tcp=*) tcp=${a#--jpod.api.tcp=} ;;
    --jpod.api.docker-socket=*) docker_socket=${a#--jpod.api.docker-socket=} ;;
  esac
done

ping() { curl -sf --unix-socket "$socket" http://d/_ping >/dev/null 2>&1; }

if ping; then
  echo "jpod-up: a daemon already answers on $socket; stop it first" >&2
  exit 1
fi

# The JVM options (heap, GC, compiler; each explained) are config/jpod.jvm; the extracted jar with its CDS
# archive when the build made one, else the plain jar. MALLOC_ARENA_MAX=2: glibc gives each thread that
# allocates at once its own malloc arena (up to 8 per core), and native memory freed in one stays there;
# a daemon whose request and stream threads come and go needs no more than two (idle it makes no difference).
launch=(-jar target/jpod.jar)
if [ -s target/jpod-cds/jpod.jsa ]; then
  launch=(-XX:SharedArchiveFile="$PWD/target/jpod-cds/jpod.jsa" -jar "$PWD/target/jpod-cds/jpod.jar")
fi
MALLOC_ARENA_MAX=2 nohup java @config/jpod.jvm "${launch[@]}" --jpod.api.tcp="$tcp" --jpod.api.docker-socket="$docker_socket" \
  ${daemon_args[@]+"${daemon_args[@]}"} >"$log" 2>&1 &
pid=$!
echo "$pid" > /run/jpod.pid
for _ in $(seq 1 1200); do
  if ping; then
    echo "jpod-up: daemon (pid $pid) ready - log: $log"
    curl -s --unix-socket "$socket" http://d/actuator/health/readiness; echo
    echo "  docker -H unix://$socket ps          # as root or a member of the group jpod"
    if [ "$docker_socket" = true ]; then
      echo "  docker ps                                       # through /var/run/docker.sock"
    fi
    echo "  podman --remote --url unix://$socket ps"
    if [ "$tcp" = true ]; then
      echo "  dashboard: http://127.0.0.1:${port}/login?token=$(cat "$token_file")"
    fi
    exit 0
  fi
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "jpod-up: the daemon exited; last lines of $log:" >&2
    tail -n 30 "$log" >&2
    exit 1
  fi
  sleep 0.1
done
echo "jpod-up: the daemon did not answer within 120 s; see $log" >&2
exit 1
