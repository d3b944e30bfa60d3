#!/usr/bin/env bash
# Brings up a working jpod daemon on this host: installs the host packages, builds the jar, starts
# the daemon in the background on 127.0.0.1:8181 and waits until it answers.
# Extra arguments are passed to the daemon, e.g. --server.port=9000 or --libpod.runtime=crun.
set -euo pipefail
cd "$(dirname "$0")/.."

bash config/host-setup.sh
./mvnw -B -q -DskipTests package

log=${JPOD_LOG:-/var/log/jpod.log}
port=8181
for a in "$@"; do
  case "$a" in --server.port=*) port=${a#--server.port=} ;; esac
done

if curl -sf "http://127.0.0.1:${port}/_ping" >/dev/null 2>&1; then
  echo "jpod-up: something already answers on port ${port}; stop it first" >&2
  exit 1
fi

nohup java -jar target/jpod.jar "$@" >"$log" 2>&1 &
pid=$!
echo "$pid" > /run/jpod.pid
for _ in $(seq 1 120); do
  if curl -sf "http://127.0.0.1:${port}/_ping" >/dev/null 2>&1; then
    echo "jpod-up: daemon (pid $pid) ready on http://127.0.0.1:${port} - log: $log"
    curl -s "http://127.0.0.1:${port}/actuator/health"; echo
    exit 0
  fi
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "jpod-up: the daemon exited; last lines of $log:" >&2
    tail -n 30 "$log" >&2
    exit 1
  fi
  sleep 1
done
echo "jpod-up: the daemon did not answer within 120 s; see $log" >&2
exit 1
