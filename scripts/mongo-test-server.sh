#!/usr/bin/env bash
# A real MongoDB-wire server for tests and for the embedded default, on machines that cannot
# download mongod.
#
#   scripts/mongo-test-server.sh start     start one on 127.0.0.1 (in-memory) and print its URI
#   scripts/mongo-test-server.sh stop      stop the one `start` started
#   scripts/mongo-test-server.sh uri       print the URI of the running one
#   scripts/mongo-test-server.sh install   install SecantusDB into .venv (idempotent)
#   scripts/mongo-test-server.sh run DIR PORT   run SecantusDB in the foreground (DIR or :memory:)
#
# `start` uses $MONGODB_URI when set; else a `mongod` on PATH; else SecantusDB from PyPI,
# installed into .venv. The README's testing section has the compatibility table.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV=${QUNBOT_VENV:-$ROOT/.venv}
STATE=$ROOT/.mongo-test
PORT=${MONGO_TEST_PORT:-27999}
SECANTUS_VERSION=0.7.0b3

log() { echo "mongo-test-server: $*" >&2; }

install_secantus() {
  if [[ -x $VENV/bin/secantusd-py ]]; then return 0; fi
  command -v python3 >/dev/null || { log "python3 is needed to install SecantusDB"; exit 1; }
  log "installing SecantusDB $SECANTUS_VERSION into $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "SecantusDB==$SECANTUS_VERSION" >&2
}

wait_for_port() {
  local port=$1 pid=$2
  for _ in $(seq 1 300); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
    kill -0 "$pid" 2>/dev/null || { log "server exited before listening; see $STATE/server.log"; tail -20 "$STATE/server.log" >&2; return 1; }
    sleep 0.2
  done
  log "server did not listen on port $port within 60 s"
  return 1
}

cmd=${1:-}
case $cmd in
  install)
    install_secantus
    ;;
  run)
    storage=${2:?storage path}; port=${3:?port}
    install_secantus
    exec "$VENV/bin/secantusd-py" --host 127.0.0.1 --port "$port" --storage-path "$storage" --log-level WARNING
    ;;
  start)
    if [[ -n ${MONGODB_URI:-} ]]; then echo "$MONGODB_URI"; exit 0; fi
    mkdir -p "$STATE"
    if [[ -f $STATE/pid ]] && kill -0 "$(cat "$STATE/pid")" 2>/dev/null; then cat "$STATE/uri"; exit 0; fi
    # Never mistake another server (say, another checkout's) for ours: take the first free port.
    while (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; do PORT=$((PORT + 1)); done
    if command -v mongod >/dev/null; then
      mkdir -p "$STATE/db"
      log "starting mongod from PATH on port $PORT"
      nohup mongod --bind_ip 127.0.0.1 --port "$PORT" --dbpath "$STATE/db" >"$STATE/server.log" 2>&1 &
    else
      install_secantus
      log "starting SecantusDB on port $PORT"
      # On disk in a fresh directory, journal off (SECANTUS_TEST_FAST_STORAGE): throwaway like
      # ':memory:', but WiredTiger can evict to disk. In ':memory:' mode everything, with the
      # history that open snapshots pin, must fit the cache; once full, a write spins at 100 %
      # CPU inside WiredTiger and every client waits (seen here mid-suite, after a few minutes).
      rm -rf "$STATE/data"
      SECANTUS_TEST_FAST_STORAGE=1 nohup "$VENV/bin/secantusd-py" --host 127.0.0.1 --port "$PORT" --storage-path "$STATE/data" --cache-size 2G --log-level WARNING >"$STATE/server.log" 2>&1 &
    fi
    pid=$!
    echo "$pid" >"$STATE/pid"
    wait_for_port "$PORT" "$pid"
    echo "mongodb://127.0.0.1:$PORT/" | tee "$STATE/uri"
    ;;
  stop)
    if [[ -f $STATE/pid ]]; then
      pid=$(cat "$STATE/pid")
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
      rm -f "$STATE/pid" "$STATE/uri"
      rm -rf "$STATE/data"
    fi
    ;;
  uri)
    if [[ -n ${MONGODB_URI:-} ]]; then echo "$MONGODB_URI"; else cat "$STATE/uri"; fi
    ;;
  *)
    echo "usage: $0 start|stop|uri|install|run DIR PORT" >&2
    exit 2
    ;;
esac
