#!/usr/bin/env bash
# Installs what Framewise needs on a Debian machine, only what is missing: ffmpeg, Chromium
# (for e2e tests), fonts, pocketsphinx + its US English model, flite, redis-server, python3 with venv
# (the int8 detector's quantization, the API fuzzer); npm packages (npm ci when the lock file changed); the models. The
# embedded defaults need no database server: PostgreSQL 15 and pgvector for the test suite come
# from scripts/postgres.sh, which `npm test` runs.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v ffmpeg >/dev/null || missing+=(ffmpeg)
command -v chromium >/dev/null || missing+=(chromium)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
# Offline speech to text (transcribe) and the test speech its tests make.
command -v pocketsphinx_continuous >/dev/null || missing+=(pocketsphinx)
[ -d /usr/share/pocketsphinx/model/en-us ] || missing+=(pocketsphinx-en-us)
command -v flite >/dev/null || missing+=(flite)
# Redis: the live-update bus's Redis half (lib/ws/bus.test.ts), and the Inngest server and
# the app in scripts/cluster.sh and the Inngest-mode e2e run on PostgreSQL and Redis.
command -v redis-server >/dev/null || missing+=(redis-server)
# The int8 detector's quantization (npm run models) runs in a Python venv of pinned packages.
command -v python3 >/dev/null || missing+=(python3)
python3 -c 'import ensurepip' 2>/dev/null || missing+=(python3-venv)
if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing Debian packages: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi

lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f node_modules/.framewise-lock ] || [ "$(cat node_modules/.framewise-lock)" != "$lock_hash" ]; then
  echo "== npm ci"
  ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund
  echo "$lock_hash" > node_modules/.framewise-lock
fi

if [ -f scripts/models.ts ]; then
  echo "== models"
  npm run --silent models
fi
