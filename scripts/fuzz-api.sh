#!/usr/bin/env bash
# Fuzzes every documented operation of GET /openapi.json with schemathesis against a real
# server on its embedded defaults (PGlite, the local engine and worker), from the production
# build (`npx next build` first; scripts/test.sh does). Two bounded, deterministic runs: with an
# API key made by POST /register, and anonymous (ANONYMOUS_API=on, the default). Each answer must
# be no 5xx and match what the document says (status code, content type, schema). The rate
# limits are raised so that the cases reach the routes, not the limits (their own tests are
# elsewhere). Prints a short summary; exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

port="${FUZZ_PORT:-3230}"
data=".cache/fuzz-data"
reports=".cache/reports"
examples="${FUZZ_EXAMPLES:-5}"
checks="not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"
base="http://127.0.0.1:$port"

st="$(bash scripts/schemathesis.sh)"
rm -rf "$data"
mkdir -p "$reports"

RATE_LIMIT_PER_HOUR=1000000 REGISTER_PER_HOUR=1000 UNKNOWN_KEY_PER_HOUR=1000000 \
  PORT="$port" HOST=127.0.0.1 DATA_DIR="$data" NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 \
  setsid node_modules/.bin/tsx server.ts --prod >"$reports/fuzz-server.log" 2>&1 </dev/null &
server=$!
# The server and its worker run in their own process group: end all of it.
trap 'kill -- -"$server" 2>/dev/null || true' EXIT

for _ in $(seq 1 180); do
  curl -fsS "$base/health" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { echo "fuzz: the server did not start:" >&2; tail -20 "$reports/fuzz-server.log" >&2; exit 1; }
  sleep 1
done

key="$(curl -fsS -X POST "$base/register" -H 'Content-Type: application/json' -d '{"email":"fuzzer@example.com"}' \
  | node -e 'let t="";process.stdin.on("data",(c)=>(t+=c)).on("end",()=>console.log(JSON.parse(t).api_key))')"

status=0
summary=()
run() {
  local name="$1"
  shift
  local log="$reports/fuzz-$name.log"
  local started=$SECONDS
  # --generation-deterministic: the same cases every run (no seed, no example database).
  if "$st" run "$base/openapi.json" --checks "$checks" --max-examples "$examples" --generation-deterministic \
    --workers 1 --request-timeout 60 --continue-on-failure --no-color --warnings off "$@" >"$log" 2>&1; then
    result="ok"
  else
    result="FAILED"
    status=1
  fi
  local cases
  cases="$(grep -Eo '[0-9]+ generated[^$]*' "$log" | tail -1 || true)"
  summary+=("fuzz ($name): $result, ${cases:-no count} in $((SECONDS - started)) s (log: $log)")
  if [ "$result" = "FAILED" ]; then sed -n '/FAILURES/,/SUMMARY/p' "$log" | head -120; fi
}

run "api-key" -H "X-API-Key: $key"
run "anonymous"

printf '%s\n' "${summary[@]}"
exit $status
