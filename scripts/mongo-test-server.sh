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
    # --standalone: see `start` below.
    exec "$VENV/bin/secantusd-py" --host 127.0.0.1 --port "$port" --storage-path "$storage" --standalone --log-level WARNING
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
      # On disk in a fresh directory, without checkpoints (SECANTUS_TEST_FAST_STORAGE), removed
      # at stop. --standalone (no oplog, no replica-set advertisement): with the oplog on, a first
      # insert into a new collection that races its `create`/`createIndexes` (mongoose's
      # Model.init() runs in the background while the app already writes) deadlocks SecantusDB:
      # the insert's transaction holds the new collection's row and waits for the store lock,
      # while `create` holds that lock and WiredTiger retries its conflicting write forever at
      # 100 % CPU; every client then waits. Reproduced here within 29 to 357 such cycles with the
      # oplog on (on disk, ':memory:' and durable alike), never in 1,800 with --standalone.
      rm -rf "$STATE/data"
      SECANTUS_TEST_FAST_STORAGE=1 nohup "$VENV/bin/secantusd-py" --host 127.0.0.1 --port "$PORT" --storage-path "$STATE/data" --standalone --cache-size 2G --log-level WARNING >"$STATE/server.log" 2>&1 &
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
