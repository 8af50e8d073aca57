# Shared by scripts/inngest-server.sh and scripts/s3-server.sh: a Go server built once from its
# module into a cache folder outside the clone, and a background process with a pid file.
# Sourced, not run. The caller sets `log` (a function) before using these.

# build_go_binary <module> <version> <package> <binary> [prepare]: prints the binary's path,
# building it first when it is not there. `go install …@v` is refused for modules whose go.mod
# has replace directives, and the module cache is read-only: a writable copy of the module is
# built instead. `prepare`, a function name, runs in that copy first (files the zip lacks).
build_go_binary() {
  local module="$1" version="$2" package="$3" bin="$4" prepare="${5:-}"
  local cache
  cache="$(dirname "$bin")"
  if [ -x "$bin" ]; then echo "$bin"; return; fi
  command -v go >/dev/null || { log "no binary on PATH and no Go to build ${module}@${version}"; exit 1; }
  mkdir -p "$cache"
  # One build at a time: a second caller waits for the first instead of building again.
  exec 9>"$cache/.lock"
  flock 9
  if [ -x "$bin" ]; then echo "$bin"; return; fi
  log "building ${module}@${version} into $cache (once; long on few cores)"
  local started=$SECONDS src
  src="$(cd "$cache" && go mod download -json "${module}@${version}" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  [ -d "$src" ] || { log "go mod download gave no source folder"; exit 1; }
  rm -rf "$cache/src"
  cp -r "$src" "$cache/src"
  chmod -R u+w "$cache/src"
  # The zip keeps vendor/modules.txt without the packages, which would force -mod=vendor.
  rm -rf "$cache/src/vendor"
  if [ -n "$prepare" ]; then (cd "$cache/src" && "$prepare"); fi
  (cd "$cache/src" && CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath -o "$bin.tmp" "$package")
  mv "$bin.tmp" "$bin"
  rm -rf "$cache/src"
  log "built in $((SECONDS - started)) s"
  echo "$bin"
}

# stop_pid_file <pid file>: TERM, up to 10 s to go, then KILL; the file is removed.
stop_pid_file() {
  if [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; then
    local pid
    pid="$(cat "$1")"
    kill -TERM "$pid"
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid"; fi
  fi
  rm -f "$1"
}

# run_foreground <label> <url>: the caller's start_server, then the server's log on stdout until
# it exits; a TERM or INT (a test runner ending) runs the caller's stop_server. Uses the caller's
# DIR (server.pid, server.log) and running.
run_foreground() {
  start_server >/dev/null
  trap 'stop_server; exit 0' TERM INT HUP
  trap stop_server EXIT
  echo "$1: running on $2 (pid $(cat "$DIR/server.pid"))"
  tail -n +1 -f "$DIR/server.log" --pid "$(cat "$DIR/server.pid")" &
  while running "$DIR/server.pid"; do sleep 1; done
  log "the server exited"
  exit 1
}
