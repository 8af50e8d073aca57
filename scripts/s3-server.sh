#!/usr/bin/env bash
# A real S3-compatible server for object storage (STORAGE_URL=s3://...): SeaweedFS, one process
# running its master, volume server, filer and S3 gateway.
#
#   bash scripts/s3-server.sh path     prints the path of a `weed` binary (builds it once)
#   bash scripts/s3-server.sh start    starts it in the background, makes the bucket, waits until
#                                      S3 answers, prints the environment the app needs
#   bash scripts/s3-server.sh stop     stops what `start` started
#   bash scripts/s3-server.sh run      the same in the foreground until stopped (test runners)
#   bash scripts/s3-server.sh serve    like run, but outlives the server: a test may stop and
#                                      start it (`stop`, `start`) while the runner holds this
#   bash scripts/s3-server.sh env      prints the environment the app needs (no server started)
#
# Why SeaweedFS: of the S3 servers this machine can get (MinIO and SeaweedFS as Go modules, Ceph's
# radosgw from Debian), SeaweedFS's module is served by the Go proxy here and builds in about
# 5 minutes on 2 cores into one binary; it answers multipart uploads, ranged GETs, presigned URLs
# (SigV4) and multipart listing as AWS does. MinIO's server module is not listed by the proxy, and
# radosgw needs a whole Ceph cluster (monitors, OSDs) before it serves a byte.
#
# The binary: the `weed` on PATH when there is one (a release download, for users with internet);
# otherwise the pinned version of github.com/seaweedfs/seaweedfs built into a cache folder outside
# the clone, once, so every clone on this machine reuses it (scripts/lib/go-server.sh).
#
# `start` and `run` read (all optional):
#   S3_PORT          the S3 port on 127.0.0.1 (8333); the master, volume server and filer take
#                    the next three ports, and each of them that port + 10000 for gRPC
#   S3_DIR           state folder: data, pid file, log (.cache/s3-server-<port>)
#   S3_BUCKET        the bucket made at start (framewise)
#   AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY   the one identity the server accepts (fixed
#                    development values otherwise); every request must be signed with it
#   S3_FRESH=1       start from empty state (tests)
set -euo pipefail

SEAWEEDFS_VERSION="v0.0.0-20261109003541-7506e5f91cd6"
MODULE="github.com/seaweedfs/seaweedfs"
CACHE_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/framewise/seaweedfs-${SEAWEEDFS_VERSION}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"

log() { echo "s3-server: $*" >&2; }
# shellcheck source=lib/go-server.sh
. "$ROOT/scripts/lib/go-server.sh"

build_binary() {
  build_go_binary "$MODULE" "$SEAWEEDFS_VERSION" ./weed "$CACHE_DIR/weed"
}

binary_path() {
  if command -v weed >/dev/null; then command -v weed; return; fi
  build_binary
}

PORT="${S3_PORT:-8333}"
DIR="${S3_DIR:-$ROOT/.cache/s3-server-$PORT}"
BUCKET="${S3_BUCKET:-framewise}"
# Fixed development credentials: the server and the app only need to agree. Production sets its own.
ACCESS_KEY="${AWS_ACCESS_KEY_ID:-framewise-dev}"
SECRET_KEY="${AWS_SECRET_ACCESS_KEY:-framewise-dev-secret-key}"
MASTER_PORT=$((PORT + 1))
VOLUME_PORT=$((PORT + 2))
FILER_PORT=$((PORT + 3))

# Running, and still our server: a stale pid file's number may belong to another process by now.
running() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null && grep -qa "weed" "/proc/$(cat "$1")/cmdline" 2>/dev/null; }

print_env() {
  echo "STORAGE_URL=s3://$BUCKET/media"
  echo "S3_ENDPOINT=http://127.0.0.1:$PORT"
  echo "S3_REGION=us-east-1"
  echo "AWS_ACCESS_KEY_ID=$ACCESS_KEY"
  echo "AWS_SECRET_ACCESS_KEY=$SECRET_KEY"
}

write_identity() {
  # Only this identity may do anything: anonymous requests are refused.
  cat >"$DIR/s3.json" <<EOF
{"identities":[{"name":"framewise","credentials":[{"accessKey":"$ACCESS_KEY","secretKey":"$SECRET_KEY"}],"actions":["Admin","Read","Write","List","Tagging"]}]}
EOF
  chmod 600 "$DIR/s3.json"
}

# A signed request, as the app makes them (curl's own SigV4).
signed() {
  curl -s -o /dev/null -w '%{http_code}' --aws-sigv4 "aws:amz:us-east-1:s3" --user "$ACCESS_KEY:$SECRET_KEY" "$@" || true
}

wait_ready() {
  for _ in $(seq 1 120); do
    # Ready when our identity may list the bucket: the gateway has loaded its identities and the
    # filer answers. The bucket is made first (a second PUT of it is a harmless 409).
    signed -X PUT "http://127.0.0.1:$PORT/$BUCKET" >/dev/null
    if [ "$(signed "http://127.0.0.1:$PORT/$BUCKET?list-type=2&max-keys=1")" = 200 ]; then return 0; fi
    running "$DIR/server.pid" || { log "exited; last lines of $DIR/server.log:"; tail -20 "$DIR/server.log" >&2; return 1; }
    sleep 0.5
  done
  log "not ready on port $PORT after 60 s; see $DIR/server.log"
  return 1
}

start_server() {
  local bin
  bin="$(binary_path)"
  if running "$DIR/server.pid"; then
    log "already running (pid $(cat "$DIR/server.pid"))"
    print_env
    return
  fi
  [ "${S3_FRESH:-}" = 1 ] && rm -rf "$DIR/data"
  mkdir -p "$DIR/data"
  write_identity
  # `start`: its own session (setsid), so it outlives this shell; `run`: in this shell's process
  # group, so a runner that kills the group ends it too.
  $DETACH "$bin" server -dir="$DIR/data" -ip=127.0.0.1 -ip.bind=127.0.0.1 \
    -master.port="$MASTER_PORT" -volume.port="$VOLUME_PORT" -volume.max=0 \
    -filer -filer.port="$FILER_PORT" -s3 -s3.port="$PORT" -s3.config="$DIR/s3.json" \
    -master.telemetry=false -master.resumeState=false -s3.port.iceberg=0 -s3.port.lance=0 \
    >"$DIR/server.log" 2>&1 </dev/null &
  echo $! >"$DIR/server.pid"
  wait_ready || { stop_server; exit 1; }
  print_env
}

stop_server() {
  running "$DIR/server.pid" || { rm -f "$DIR/server.pid"; return 0; }
  stop_pid_file "$DIR/server.pid"
}

# Foreground: the server's log on stdout, and a TERM or INT (a test runner ending) stops it.
run_server() { run_foreground s3-server "http://127.0.0.1:$PORT"; }

# Foreground until TERM, whatever the server does meanwhile; TERM stops it.
serve_server() {
  start_server >/dev/null
  trap 'stop_server; exit 0' TERM INT HUP
  echo "s3-server: running on http://127.0.0.1:$PORT (pid $(cat "$DIR/server.pid")); held until TERM"
  while true; do sleep 1; done
}

DETACH=setsid
case "${1:-}" in
  path) binary_path ;;
  start) start_server ;;
  stop) stop_server ;;
  run) DETACH="" run_server ;;
  serve) serve_server ;;
  env) print_env ;;
  *) echo "usage: $0 path|start|stop|run|serve|env" >&2; exit 2 ;;
esac
