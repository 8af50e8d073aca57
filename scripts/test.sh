#!/usr/bin/env bash
# Runs every test: type check, lint (ESLint, dependency rules), unit + integration (PGlite and PostgreSQL), and Playwright e2e
# against the production build. Installs whatever is missing first (scripts/setup.sh) and starts
# a PostgreSQL of its own (scripts/postgres.sh), so it works on a fresh machine. Ends with one line: "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1

bash scripts/setup.sh

echo "== PostgreSQL 15 + pgvector for the PostgreSQL half of the integration suite"
TEST_POSTGRES_URL="$(bash scripts/postgres.sh)"
export TEST_POSTGRES_URL

mkdir -p .cache/reports
status=0

echo "== type check"
npx tsc --noEmit || status=1

echo "== lint: ESLint and the import rules (dependency-cruiser)"
npm run lint || status=1

# Built before vitest: the benches' smoke runs (scripts/bench-smoke.test.ts) start the
# production server, as the e2e tests do.
echo "== production build"
npx next build || status=1

echo "== unit and integration tests, and every bench:* in its --smoke mode (vitest)"
npx vitest run --reporter=default --reporter=json --outputFile.json=.cache/reports/vitest.json || status=1

echo "== end-to-end tests (playwright, chromium)"
PLAYWRIGHT_JSON_OUTPUT_NAME=.cache/reports/playwright.json npx playwright test --reporter=list,json || status=1

node scripts/test-summary.mjs .cache/reports/vitest.json .cache/reports/playwright.json || status=1
exit $status
