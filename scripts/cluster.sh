#!/usr/bin/env bash
# Framewise as a small cluster on one machine: PostgreSQL (started when not running), Redis, the
# real Inngest server, two web replicas behind a round-robin front on one port, and two
# inference workers, all sharing one DATA_DIR. What production runs on several hosts, here on one.
#
#   bash scripts/cluster.sh up       # starts what is not running; prints one line per part
#   bash scripts/cluster.sh up --storage s3
#                                    # the same with media in object storage: a SeaweedFS
#                                    # (scripts/s3-server.sh) on CLUSTER_S3_PORT (base + 30), each
#                                    # replica and worker on a data folder of its own, and workers
#                                    # sent presigned URLs (WORKER_MEDIA=url): nothing shared
#   bash scripts/cluster.sh status   # each part: up or down
#   bash scripts/cluster.sh down     # stops only what `up` started
#   bash scripts/cluster.sh reset    # down, then its data folder and databases are removed
#
# `up` prints exactly: `front <url>`, `web <url>` (one per replica), `inngest <url>`,
# `worker <url>` (one per worker), `data <folder>`; progress goes to stderr and logs to
# .cache/cluster/logs (CLUSTER_DIR), databases CLUSTER_DB and CLUSTER_DB_inngest. Ports start at CLUSTER_PORT (default 3700): front +0, web +1 and +2,
# workers +11 and +12; Redis on CLUSTER_REDIS_PORT (6389); Inngest on CLUSTER_INNGEST_PORT (8288,
# and the three after it for its connect gateway and gRPC).
set -euo pipefail
cd "$(dirname "$0")/.."

base="${CLUSTER_PORT:-3700}"
redis_port="${CLUSTER_REDIS_PORT:-6389}"
inngest_port="${CLUSTER_INNGEST_PORT:-8288}"
state="${CLUSTER_DIR:-$PWD/.cache/cluster}"
data="$state/data"
logs="$state/logs"
pids="$state/pids"
db_name="${CLUSTER_DB:-framewise_cluster}"
host=127.0.0.1
front_url="http://$host:$base"
web_ports=($((base + 1)) $((base + 2)))
s3_port="${CLUSTER_S3_PORT:-$((base + 30))}"
storage="${CLUSTER_STORAGE:-local}"
worker_ports=($((base + 11)) $((base + 12)))
log() { echo "cluster: $*" >&2; }

# Fixed per cluster folder, made once: every replica and the Inngest server must agree on them.
keys() {
  mkdir -p "$state"
  [ -f "$state/signing-key" ] || openssl rand -hex 32 >"$state/signing-key"
  [ -f "$state/event-key" ] || openssl rand -hex 16 >"$state/event-key"
  [ -f "$state/auth-secret" ] || openssl rand -hex 32 >"$state/auth-secret"
}

# Running, not merely present: a part killed a moment ago may linger as a zombie until reaped.
alive() {
  [ -f "$pids/$1" ] || return 1
  local stat
  stat="$(ps -o stat= -p "$(cat "$pids/$1")" 2>/dev/null)" || return 1
  [ -n "$stat" ] && [[ "$stat" != Z* ]]
}

# start <name> <command...>: runs it in the background, detached, with its own log and pid file.
start() {
  local name="$1"
  shift
  if alive "$name"; then
    log "$name already running"
    return
  fi
  setsid "$@" >"$logs/$name.log" 2>&1 </dev/null &
  echo $! >"$pids/$name"
}

wait_http() {
  local name="$1" url="$2" seconds="${3:-120}"
  for _ in $(seq 1 $((seconds * 2))); do
    curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null && return 0
    if ! alive "$name"; then
      log "$name exited; the end of its log:"
      tail -n 30 "$logs/$name.log" >&2
      return 1
    fi
    sleep 0.5
  done
  log "$name did not answer $url within ${seconds}s"
  return 1
}

stop_part() {
  local name="$1"
  [ -f "$pids/$name" ] || return 0
  local pid
  pid="$(cat "$pids/$name")"
  # setsid made each part a process group of its own: the group goes, children included.
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  kill -KILL -- "-$pid" 2>/dev/null || true
  rm -f "$pids/$name"
}

postgres_up() {
  if [ -n "${DATABASE_URL:-}" ]; then
    echo "$DATABASE_URL"
    return
  fi
  local admin was_running=1
  pg_isready -q -h "$host" -p "${FRAMEWISE_PG_PORT:-55432}" || was_running=0
  admin="$(bash scripts/postgres.sh)"
  # Only a PostgreSQL that `up` started is stopped by `down`.
  [ "$was_running" = 1 ] || touch "$state/postgres-started"
  # The app's tables and the Inngest server's in two databases: neither migrates the other's.
  local name
  for name in "$db_name" "${db_name}_inngest"; do
    psql "$admin" -Atqc "select 1 from pg_database where datname = '$name'" | grep -q 1 ||
      psql "$admin" -qc "create database $name" >&2
  done
  echo "${admin%/*}/$db_name"
}

redis_up() {
  if ! command -v redis-server >/dev/null; then
    log "installing redis-server from Debian"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >&2 ||
      { apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >&2; }
  fi
  start redis redis-server --port "$redis_port" --bind "$host" --save "" --appendonly no --dir "$state"
  for _ in $(seq 1 40); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && return; sleep 0.25; done
  log "redis did not start"
  return 1
}

up() {
  mkdir -p "$data" "$logs" "$pids"
  keys
  [ -f .next/BUILD_ID ] || { log "production build (once)"; npx next build >"$logs/build.log" 2>&1; }
  local database_url
  database_url="$(postgres_up)"
  redis_up
  local redis_url="redis://$host:$redis_port"

  local signing_key event_key
  signing_key="$(cat "$state/signing-key")"
  event_key="$(cat "$state/event-key")"
  local inngest_bin
  inngest_bin="$(bash scripts/inngest-server.sh path)"
  # The gateway and gRPC ports moved off Inngest's defaults, so a dev server may run beside it.
  start inngest "$inngest_bin" start --host "$host" --port "$inngest_port" \
    --connect-gateway-port "$((inngest_port + 1))" \
    --connect-gateway-grpc-port "$((inngest_port + 2))" --connect-executor-grpc-port "$((inngest_port + 3))" \
    --signing-key "$signing_key" --event-key "$event_key" --no-ui \
    --postgres-uri "${database_url}_inngest" --redis-uri "$redis_url"
  wait_http inngest "http://$host:$inngest_port/health" 180

  # The front first: each replica registers the front's URL with the Inngest server
  # (INNGEST_SERVE_ORIGIN), so the server's step calls are spread over the replicas too.
  start front npx tsx scripts/cluster/front.ts --host "$host" --port "$base" \
    --upstream "http://$host:${web_ports[0]}" --upstream "http://$host:${web_ports[1]}"

  # Object storage: the store's variables for every replica and worker, and a data folder of its
  # own each; the workers are sent presigned URLs (WORKER_MEDIA=url) and read no replica's folder.
  local storage_env=() replica_data=("$data" "$data") worker_data=("$data" "$data")
  if [ "$storage" = s3 ]; then
    mapfile -t storage_env < <(S3_PORT="$s3_port" S3_DIR="$state/s3" bash scripts/s3-server.sh start)
    storage_env+=(WORKER_MEDIA=url)
    replica_data=("$data/web-1" "$data/web-2")
    worker_data=("$data/worker-1" "$data/worker-2")
    touch "$state/s3-started"
  fi

  local worker_urls=()
  for i in 0 1; do
    start "worker-$((i + 1))" env DATA_DIR="${worker_data[$i]}" "${storage_env[@]}" WORKER_HOST="$host" WORKER_PORT="${worker_ports[$i]}" npm run -s worker
    worker_urls+=("http://$host:${worker_ports[$i]}")
  done
  for i in 0 1; do wait_http "worker-$((i + 1))" "${worker_urls[$i]}/healthz" 120; done

  for i in 0 1; do
    start "web-$((i + 1))" env NODE_ENV=production HOST="$host" PORT="${web_ports[$i]}" \
      DATA_DIR="${replica_data[$i]}" DATABASE_URL="$database_url" REDIS_URL="$redis_url" "${storage_env[@]}" \
      WORKER_URLS="$(IFS=,; echo "${worker_urls[*]}")" TRUST_PROXY=on PUBLIC_URL="$front_url" \
      AUTH_SECRET="$(cat "$state/auth-secret")" \
      INNGEST_DEV=0 INNGEST_BASE_URL="http://$host:$inngest_port" \
      INNGEST_SIGNING_KEY="$signing_key" INNGEST_EVENT_KEY="$event_key" INNGEST_SERVE_ORIGIN="$front_url" \
      npx tsx server.ts --prod
  done
  for i in 0 1; do wait_http "web-$((i + 1))" "http://$host:${web_ports[$i]}/health" 180; done
  wait_http front "$front_url/health" 60

  echo "front $front_url"
  for p in "${web_ports[@]}"; do echo "web http://$host:$p"; done
  echo "inngest http://$host:$inngest_port"
  for u in "${worker_urls[@]}"; do echo "worker $u"; done
  echo "data $data"
}

status() {
  local name
  for name in front web-1 web-2 inngest worker-1 worker-2 redis; do
    if alive "$name"; then echo "$name up (pid $(cat "$pids/$name"))"; else echo "$name down"; fi
  done
}

down() {
  local name
  for name in front web-1 web-2 worker-1 worker-2 inngest redis; do stop_part "$name"; done
  if [ -f "$state/s3-started" ]; then
    S3_PORT="$s3_port" S3_DIR="$state/s3" bash scripts/s3-server.sh stop
    rm -f "$state/s3-started"
  fi
  if [ -f "$state/postgres-started" ]; then
    bash scripts/postgres.sh stop
    rm -f "$state/postgres-started"
  fi
  log "stopped"
}

# reset: down, then the data folder and both databases go (the e2e suite starts from nothing).
reset() {
  down
  rm -rf "$data" "$state/s3"
  local admin="postgres://postgres@$host:${FRAMEWISE_PG_PORT:-55432}/postgres"
  if pg_isready -q -h "$host" -p "${FRAMEWISE_PG_PORT:-55432}"; then
    psql "$admin" -qc "drop database if exists $db_name with (force)" -c "drop database if exists ${db_name}_inngest with (force)" >&2
  fi
}

if [ "${2:-}" = --storage ]; then
  case "${3:-}" in
    s3 | local) storage="$3" ;;
    *) echo "usage: $0 up [--storage s3|local]" >&2; exit 2 ;;
  esac
fi

case "${1:-}" in
  up) up ;;
  reset) reset ;;
  down) down ;;
  status) status ;;
  *)
    echo "usage: bash scripts/cluster.sh up | down | status | reset" >&2
    exit 2
    ;;
esac
