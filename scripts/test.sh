#!/usr/bin/env bash
# Runs every test: type check, lint (ESLint, dependency rules), unit + integration (PGlite and PostgreSQL), the API fuzzer
# (schemathesis) and Playwright e2e against the production build, on local disk and with media in a real S3 server. Installs whatever is missing first (scripts/setup.sh) and starts
# a PostgreSQL of its own (scripts/postgres.sh), so it works on a fresh machine. Ends with one line: "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1

# phase <what>: a header with the minutes and seconds since the run began, to see where CI's time goes.
phase() {
  printf '== %s (at %dm%02ds)\n' "$1" $((SECONDS / 60)) $((SECONDS % 60))
}

bash scripts/setup.sh

phase "PostgreSQL 15 + pgvector for the PostgreSQL half of the integration suite"
TEST_POSTGRES_URL="$(bash scripts/postgres.sh)"
export TEST_POSTGRES_URL

mkdir -p .cache/reports
status=0

# wait_for_binary <what> <pid> <log> <consequence>: waits for a background `path` (a binary found
# or built); a failure shows its log and fails the run.
wait_for_binary() {
  phase "$1 binary"
  if wait "$2"; then
    tail -1 "$3"
  else
    cat "$3"
    echo "could not find or build $1: $4" >&2
    status=1
  fi
}

# The Inngest server for the Inngest-mode e2e runs: an `inngest` on PATH, or built once from its
# Go module into ~/.cache/framewise (17 min on a loaded 2-core box; then instant). Built in the
# background while the checks below run; waited for before the Inngest-mode runs, and a failure
# there fails the run.
phase "the Inngest server binary (scripts/inngest-server.sh path), in the background"
bash scripts/inngest-server.sh path > .cache/reports/inngest-binary.log 2>&1 &
inngest_binary=$!

# The S3-compatible server (SeaweedFS) for the object-storage tests: a `weed` on PATH, or built
# once from its Go module into ~/.cache/framewise (about 5 minutes on 2 cores; then instant).
# Waited for before vitest, whose storage tests start it.
phase "the S3 server binary (scripts/s3-server.sh path), in the background"
bash scripts/s3-server.sh path > .cache/reports/s3-binary.log 2>&1 &
s3_binary=$!

phase "type check"
npx tsc --noEmit || status=1

phase "lint: ESLint and the import rules (dependency-cruiser)"
npm run lint || status=1

# Built before vitest: the benches' smoke runs (scripts/bench-smoke.test.ts) start the
# production server, as the e2e tests do.
phase "production build"
npx next build || status=1

wait_for_binary "the S3 server" "$s3_binary" .cache/reports/s3-binary.log "the object-storage tests below fail"

phase "unit and integration tests, and every bench:* in its --smoke mode (vitest)"
# bench:cluster's smoke runs on its own below, once the Inngest server binary is there.
npx vitest run --exclude scripts/bench-smoke-cluster.test.ts --reporter=default --reporter=json --outputFile.json=.cache/reports/vitest.json || status=1

phase "API fuzzing (schemathesis against the production build)"
bash scripts/fuzz-api.sh || status=1

phase "end-to-end tests (playwright, chromium)"
PLAYWRIGHT_JSON_OUTPUT_NAME=.cache/reports/playwright.json npx playwright test --reporter=list,json || status=1

phase "end-to-end tests with media in object storage: the five contracts' main flows against a real SeaweedFS"
PLAYWRIGHT_JSON_OUTPUT_NAME=.cache/reports/playwright-s3.json npx playwright test -c playwright.s3.config.ts --reporter=list,json || status=1

wait_for_binary "the Inngest server" "$inngest_binary" .cache/reports/inngest-binary.log "the Inngest-mode runs below fail"

phase "bench:cluster --smoke (vitest): scripts/cluster.sh with the real Inngest server, about 1 minute"
npx vitest run scripts/bench-smoke-cluster.test.ts --reporter=default --reporter=json --outputFile.json=.cache/reports/vitest-cluster.json || status=1

phase "end-to-end tests in Inngest mode: the real Inngest server on its defaults (SQLite, in-process Redis)"
PLAYWRIGHT_JSON_OUTPUT_NAME=.cache/reports/playwright-inngest.json npx playwright test -c playwright.inngest.config.ts --reporter=list,json || status=1

phase "end-to-end tests in Inngest mode: the real Inngest server on PostgreSQL and Redis"
INNGEST_E2E_STORE=postgres PLAYWRIGHT_JSON_OUTPUT_NAME=.cache/reports/playwright-inngest-postgres.json npx playwright test -c playwright.inngest.config.ts --reporter=list,json || status=1

phase "end-to-end tests against scripts/cluster.sh: two replicas behind a front, two workers, the Inngest server on PostgreSQL and Redis"
PLAYWRIGHT_JSON_OUTPUT_NAME=.cache/reports/playwright-cluster.json npx playwright test -c playwright.cluster.config.ts --reporter=list,json || status=1

phase "summary"
node scripts/test-summary.mjs .cache/reports/vitest.json .cache/reports/vitest-cluster.json .cache/reports/playwright.json .cache/reports/playwright-s3.json \
  .cache/reports/playwright-inngest.json .cache/reports/playwright-inngest-postgres.json \
  .cache/reports/playwright-cluster.json || status=1
exit $status
