#!/usr/bin/env bash
# Sets everything up and starts Framewise on its embedded defaults (PGlite, local job engine,
# local worker) at http://127.0.0.1:${PORT:-3000}.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1
bash scripts/setup.sh
echo "== production build"
npx next build
exec npm start
