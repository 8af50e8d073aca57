#!/usr/bin/env bash
# The self-hosted Inngest server (`inngest start`), for running the app in Inngest mode.
#
#   bash scripts/inngest-server.sh path     prints the path of an `inngest` binary (builds it once)
#   bash scripts/inngest-server.sh start    starts `inngest start` in the background, waits until it
#                                           answers, prints its URL
#   bash scripts/inngest-server.sh stop     stops what `start` started (the server, its Redis)
#   bash scripts/inngest-server.sh run      the same in the foreground until stopped (test runners)
#
# The binary: the `inngest` on PATH when there is one (how users with internet get it: the npm
# `inngest-cli` package or a release download); otherwise the pinned version of the Go module
# github.com/inngest/inngest is built into a cache folder outside the clone, once, so every clone
# on this machine reuses it (scripts/lib/go-server.sh).
#
# `start` and `run` read (all optional):
#   INNGEST_PORT            API and event intake port (8288); the connect gateway takes PORT+1
#   INNGEST_GRPC_PORT       first of two gRPC ports on 127.0.0.1 (50052, 50053)
#   INNGEST_DIR             state folder: SQLite, pid files, logs (.cache/inngest-server-<port>)
#   INNGEST_EVENT_KEY       event key the app sends with (a fixed development value otherwise)
#   INNGEST_SIGNING_KEY     hex signing key shared with the app (a fixed development value otherwise)
#   INNGEST_POSTGRES_URI    a PostgreSQL database for the server's state instead of SQLite
#   INNGEST_REDIS_URI       a Redis for its queue and run state instead of the in-process one
#   INNGEST_REDIS_PORT      start Debian's redis-server on this port (127.0.0.1, no persistence)
#                           for this server, and stop it with it; sets INNGEST_REDIS_URI
#   INNGEST_RETRY_INTERVAL  seconds between retries (linear); unset: Inngest's own backoff
#   INNGEST_SDK_URL         an app's /api/inngest to sync at start (the app syncs itself: server.ts)
#   INNGEST_FRESH=1         start from empty state (tests): the SQLite folder is removed, the
#                           PostgreSQL database dropped and made again, the Redis flushed
set -euo pipefail

# v1.44.0: the newest tag the Go module proxy serves here; its SDK check refuses only JS SDK
# 3.22.0-3.53.1, so inngest 4.24.0 apps sync.
INNGEST_VERSION="v1.44.0"
MODULE="github.com/inngest/inngest"
CACHE_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/framewise/inngest-${INNGEST_VERSION}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"

log() { echo "inngest-server: $*" >&2; }
# shellcheck source=lib/go-server.sh
. "$ROOT/scripts/lib/go-server.sh"

# internal/embeddocs embeds website/pages/docs/*, a git submodule the module zip lacks; the server
# tolerates empty docs, go:embed needs one file to match.
add_empty_docs() {
  mkdir -p internal/embeddocs/website/pages/docs
  echo "Docs are not part of this build." > internal/embeddocs/website/pages/docs/README.md
}

build_binary() {
  build_go_binary "$MODULE" "$INNGEST_VERSION" ./cmd "$CACHE_DIR/inngest" add_empty_docs
}

binary_path() {
  if command -v inngest >/dev/null; then command -v inngest; return; fi
  build_binary
}

PORT="${INNGEST_PORT:-8288}"
GRPC_PORT="${INNGEST_GRPC_PORT:-50052}"
DIR="${INNGEST_DIR:-$ROOT/.cache/inngest-server-$PORT}"
# Absolute: redis-server opens its log after moving into its own folder.
mkdir -p "$DIR"
DIR="$(cd "$DIR" && pwd)"
# Fixed development keys: the server and the app only need to agree. Production sets its own.
EVENT_KEY="${INNGEST_EVENT_KEY:-framewise-dev-event-key}"
SIGNING_KEY="${INNGEST_SIGNING_KEY:-$(printf 'framewise-dev-signing-key' | sha256sum | cut -c1-64)}"
REDIS_URI="${INNGEST_REDIS_URI:-}"

running() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

start_redis() {
  [ -n "${INNGEST_REDIS_PORT:-}" ] || return 0
  command -v redis-server >/dev/null || { log "INNGEST_REDIS_PORT is set but redis-server is missing (apt-get install -y redis-server)"; exit 1; }
  REDIS_URI="redis://127.0.0.1:$INNGEST_REDIS_PORT"
  running "$DIR/redis.pid" && return 0
  mkdir -p "$DIR/redis"
  # The queue's durability is the server's business in production; here a throwaway Redis, in
  # this shell's process group under `run` (a runner that kills the group ends it too).
  $DETACH redis-server --bind 127.0.0.1 --port "$INNGEST_REDIS_PORT" --dir "$DIR/redis" --save "" --appendonly no \
    >"$DIR/redis.log" 2>&1 </dev/null &
  echo $! >"$DIR/redis.pid"
  for _ in $(seq 1 40); do
    redis-cli -p "$INNGEST_REDIS_PORT" ping 2>/dev/null | grep -q PONG && break
    sleep 0.25
  done
  [ "${INNGEST_FRESH:-}" = 1 ] && redis-cli -p "$INNGEST_REDIS_PORT" flushall >/dev/null
  return 0
}

stop_redis() {
  running "$DIR/redis.pid" || return 0
  local pid
  pid="$(cat "$DIR/redis.pid")"
  kill -TERM "$pid"
  for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  rm -f "$DIR/redis.pid"
}

# Empty state for a test run: the server keeps apps, runs and history in SQLite or PostgreSQL.
wipe_state() {
  rm -rf "$DIR/sqlite"
  if [ -n "${INNGEST_POSTGRES_URI:-}" ]; then
    # Dropped and made again through the server's `postgres` database, which always exists.
    local db="${INNGEST_POSTGRES_URI##*/}"
    db="${db%%\?*}"
    [[ "$db" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || { log "INNGEST_POSTGRES_URI must end in a plain database name"; exit 1; }
    PGOPTIONS="-c client_min_messages=warning" psql "${INNGEST_POSTGRES_URI%/*}/postgres" -qAt -v ON_ERROR_STOP=1 \
      -c "drop database if exists $db with (force)" -c "create database $db" >/dev/null
  fi
}

server_args() {
  ARGS=(start --host 127.0.0.1 --port "$PORT" --connect-gateway-port "$((PORT + 1))"
    --connect-gateway-grpc-port "$GRPC_PORT" --connect-executor-grpc-port "$((GRPC_PORT + 1))"
    --event-key "$EVENT_KEY" --signing-key "$SIGNING_KEY" --sqlite-dir "$DIR/sqlite" --no-ui)
  if [ -n "${INNGEST_POSTGRES_URI:-}" ]; then ARGS+=(--postgres-uri "$INNGEST_POSTGRES_URI"); fi
  if [ -n "$REDIS_URI" ]; then ARGS+=(--redis-uri "$REDIS_URI"); fi
  if [ -n "${INNGEST_RETRY_INTERVAL:-}" ]; then ARGS+=(--retry-interval "$INNGEST_RETRY_INTERVAL"); fi
  if [ -n "${INNGEST_SDK_URL:-}" ]; then ARGS+=(--sdk-url "$INNGEST_SDK_URL"); fi
  return 0
}

wait_healthy() {
  for _ in $(seq 1 240); do
    if curl -sf -o /dev/null "http://127.0.0.1:$PORT/health"; then return 0; fi
    running "$DIR/server.pid" || { log "exited; last lines of $DIR/server.log:"; tail -20 "$DIR/server.log" >&2; return 1; }
    sleep 0.5
  done
  log "no answer on port $PORT after 120 s; see $DIR/server.log"
  return 1
}

start_server() {
  local bin
  bin="$(binary_path)"
  mkdir -p "$DIR"
  if running "$DIR/server.pid"; then
    log "already running (pid $(cat "$DIR/server.pid"))"
    echo "http://127.0.0.1:$PORT"
    return
  fi
  [ "${INNGEST_FRESH:-}" = 1 ] && wipe_state
  start_redis
  server_args
  # `start`: its own session (setsid), so it outlives this shell; `run`: in this shell's process
  # group, so a runner that kills the group (Playwright) ends it too.
  $DETACH "$bin" "${ARGS[@]}" >"$DIR/server.log" 2>&1 </dev/null &
  echo $! >"$DIR/server.pid"
  wait_healthy || { stop_server; exit 1; }
  echo "http://127.0.0.1:$PORT"
}

stop_server() {
  stop_pid_file "$DIR/server.pid"
  stop_redis
}

# Foreground: the server's log on stdout, and a TERM or INT (a test runner ending) stops the
# server and its Redis.
run_server() { run_foreground inngest-server "http://127.0.0.1:$PORT"; }

DETACH=setsid
case "${1:-}" in
  path) binary_path ;;
  start) start_server ;;
  stop) stop_server ;;
  run) DETACH="" run_server ;;
  *) echo "usage: $0 path|start|stop|run" >&2; exit 2 ;;
esac
