#!/usr/bin/env bash
# PostgreSQL 15 with pgvector for the PostgreSQL half of the integration suite, on a machine
# where nothing is started for us. Installs the server from Debian when it is missing, builds
# pgvector (scripts/pgvector.sh), and starts a throwaway cluster of the test run's own: trust
# auth on 127.0.0.1 only, its own port and data folder, so the machine's `main` cluster and its
# passwords are left alone. Prints the admin URL on stdout (everything else goes to stderr):
#
#   export TEST_POSTGRES_URL="$(bash scripts/postgres.sh)"
#
# A TEST_POSTGRES_URL already set and answering is used as it is. `scripts/postgres.sh stop`
# stops the cluster this script started.
set -euo pipefail
cd "$(dirname "$0")/.."

port="${FRAMEWISE_PG_PORT:-55432}"
data="${FRAMEWISE_PG_DIR:-/var/tmp/framewise-pg-$port}"
bindir="/usr/lib/postgresql/15/bin"
log() { echo "postgres: $*" >&2; }

as_owner() {
  # initdb and the server refuse to run as root: root runs them as the postgres user.
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

if [ "${1:-}" = "stop" ]; then
  [ -f "$data/postmaster.pid" ] && as_owner "$bindir/pg_ctl" -D "$data" -m fast stop >&2 || true
  exit 0
fi

if [ -n "${TEST_POSTGRES_URL:-}" ] && psql "$TEST_POSTGRES_URL" -Atqc "select 1" >/dev/null 2>&1; then
  log "using TEST_POSTGRES_URL as given"
  echo "$TEST_POSTGRES_URL"
  exit 0
fi

sudo_cmd=""
[ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
if [ ! -x "$bindir/initdb" ]; then
  log "installing postgresql-15 from Debian"
  $sudo_cmd apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq postgresql-15 postgresql-client-15 >&2
  # Debian's package starts its own `main` cluster; the tests do not use it.
fi

bash scripts/pgvector.sh >&2 || true

url="postgres://postgres@127.0.0.1:$port/postgres"
if "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1 || as_owner "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1; then
  log "cluster already running on $port"
else
  if [ ! -f "$data/PG_VERSION" ]; then
    log "new cluster in $data"
    $sudo_cmd mkdir -p "$data"
    [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$data"
    chmod 700 "$data"
    as_owner "$bindir/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 --no-locale >/dev/null
  fi
  log "starting on 127.0.0.1:$port"
  as_owner "$bindir/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 \
    -o "-p $port -c listen_addresses=127.0.0.1 -k /tmp -c max_connections=200 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >&2
fi
for _ in $(seq 1 30); do
  psql "$url" -Atqc "select 1" >/dev/null 2>&1 && break
  sleep 1
done
psql "$url" -Atqc "select 1" >/dev/null
echo "$url"
