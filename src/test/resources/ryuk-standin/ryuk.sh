#!/bin/sh
# A Ryuk stand-in, because Docker Hub is unreachable (testcontainers/ryuk cannot be pulled here). It speaks
# Ryuk's protocol to Testcontainers: on port 8080 each line is one filter set (URL-encoded, e.g.
# label=org.testcontainers.sessionId%3D...), answered with ACK. When every connection has closed and none
# comes back within GRACE seconds, it removes what the filters match through the Docker socket mounted at
# /var/run/docker.sock, as Ryuk does, then keeps listening so a test can still read its logs.
GRACE=${RYUK_GRACE:-2}
state=/tmp/ryuk
export DOCKER_HOST=unix:///var/run/docker.sock DOCKER_CONFIG=$state/docker

if [ "$1" = conn ]; then
  # one connection: stdin and stdout are the socket, stderr the container's log
  touch "$state/open.$$"
  while IFS= read -r line; do
    line=$(printf '%s' "$line" | tr -d '\r')
    [ -n "$line" ] || continue
    echo "$line" >> "$state/filters"
    echo "ACK $line" >&2
    echo ACK
  done
  rm -f "$state/open.$$"
  date +%s > "$state/closed"
  echo "connection closed" >&2
  exit 0
fi

# label=a%3Db&label=c%3Dd -> --filter label=a=b --filter label=c=d (several labels: all must match)
filter_args() {
  printf '%s\n' "$1" | tr '&' '\n' | while IFS= read -r kv; do
    [ -n "$kv" ] || continue
    printf -- '--filter\n%b\n' "$(printf '%s' "$kv" | sed 's/+/ /g; s/%\([0-9A-Fa-f][0-9A-Fa-f]\)/\\x\1/g')"
  done
}

prune() {
  sort -u "$state/filters" | while IFS= read -r f; do
    args=$(filter_args "$f")
    IFS='
'
    for id in $(docker ps -aq $args); do docker rm -f -v "$id" >/dev/null && echo "removed container $id" >&2; done
    for id in $(docker network ls -q $args); do docker network rm "$id" >/dev/null && echo "removed network $id" >&2; done
    for id in $(docker volume ls -q $args); do docker volume rm "$id" >/dev/null && echo "removed volume $id" >&2; done
    unset IFS
  done
}

mkdir -p "$state/docker"
: > "$state/filters"
trap 'exit 0' TERM INT
nc -ll -p 8080 -e /ryuk.sh conn &
echo "Started"
while :; do
  sleep 1
  [ -f "$state/closed" ] || continue
  ls "$state"/open.* >/dev/null 2>&1 && continue
  [ $(( $(date +%s) - $(cat "$state/closed") )) -ge "$GRACE" ] || continue
  echo "no connection for ${GRACE}s: pruning" >&2
  prune
  rm -f "$state/closed"
  echo "pruned" >&2
done
