#!/usr/bin/env bash
# Installs schemathesis (the API fuzzer that scripts/fuzz-api.sh runs) into .cache/schemathesis-venv,
# from a pinned version, only when that version is not there yet. Prints the venv's `st` path.
set -euo pipefail
cd "$(dirname "$0")/.."

version="4.32.5"
venv=".cache/schemathesis-venv"
stamp="$venv/.framewise-version"

if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$version" ]; then
  echo "== installing schemathesis $version into $venv" >&2
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$version" >&2
  echo "$version" > "$stamp"
fi
echo "$venv/bin/st"
