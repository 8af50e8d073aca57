import { defineConfig } from "@playwright/test";
import base from "./playwright.config";

/**
 * The contract flows again, with the app in Inngest mode against a real self-hosted Inngest
 * server (`inngest start`, scripts/inngest-server.sh) instead of the local engine: signed, not
 * in dev mode, the app syncing itself at start (server.ts). `npm run build` must have run, and
 * the script must find or build the server binary (scripts/test.sh runs `path` first, so a
 * missing one fails there, loudly).
 *
 * INNGEST_E2E_STORE=postgres puts the server's state in PostgreSQL (TEST_POSTGRES_URL's server,
 * a database of its own) and its queue in a Redis the script starts; otherwise SQLite and the
 * server's in-process Redis, its defaults.
 */
const port = Number(process.env.E2E_INNGEST_PORT ?? 3551);
const inngestPort = Number(process.env.INNGEST_E2E_SERVER_PORT ?? 8290);
const postgres = process.env.INNGEST_E2E_STORE === "postgres";
const dataDir = process.env.E2E_DATA_DIR ?? `.cache/e2e-inngest-data-${port}`;
// The specs that read the server's files find them here (e2e/api/feature-extraction.spec.ts).
process.env.E2E_DATA_DIR = dataDir;
// /health/diagnostics names the Inngest server as the queue's broker (e2e/api/editor-jobs.spec.ts).
process.env.E2E_BROKER = `127.0.0.1:${inngestPort}`;

const eventKey = "e2e-inngest-event-key";
/** Hex, as `inngest start` requires; the SDK signs with the same text. The specs sign with it too. */
export const inngestSigningKey = "5e2e".repeat(16);
const signingKey = inngestSigningKey;
/** The scripted speech-to-text server the flow-control spec runs (e2e/inngest/speech-server.ts). */
export const speechServerPort = Number(process.env.E2E_INNGEST_ASR_PORT ?? 3552);
const adminUrl = process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:55432/postgres";

const serverEnv: Record<string, string> = {
  INNGEST_PORT: String(inngestPort),
  INNGEST_GRPC_PORT: process.env.INNGEST_E2E_GRPC_PORT ?? "50054",
  INNGEST_DIR: `.cache/inngest-server-e2e-${inngestPort}`,
  INNGEST_EVENT_KEY: eventKey,
  INNGEST_SIGNING_KEY: signingKey,
  INNGEST_FRESH: "1",
  // Retries one second apart, so a retried step shows within a test's time.
  INNGEST_RETRY_INTERVAL: "1",
  ...(postgres
    ? { INNGEST_POSTGRES_URI: `${adminUrl.replace(/\/[^/?]*(\?.*)?$/, "")}/framewise_inngest_e2e`, INNGEST_REDIS_PORT: process.env.INNGEST_E2E_REDIS_PORT ?? "6381" }
    : {}),
};

const appServer = Array.isArray(base.webServer) ? base.webServer[0] : base.webServer!;

export default defineConfig({
  ...base,
  testIgnore: [],
  // Both stores run the same specs: one job of every kind, retries, onFailure, concurrency,
  // cancel and forged calls. The contracts' own suites in Inngest mode: INNGEST_E2E_CONTRACTS=1
  // (7-8 minutes here, too long for every CI run; scripts/cluster.sh's suite runs one flow of
  // each contract through the Inngest server on every run).
  testMatch: process.env.INNGEST_E2E_CONTRACTS === "1"
    ? ["inngest/signed-calls.spec.ts", "api/editor-jobs.spec.ts", "api/enhance-metadata.spec.ts", "api/reframer.spec.ts", "api/cabin-events.spec.ts", "api/feature-extraction.spec.ts", "api/editor-work.spec.ts"]
    : ["inngest/*.spec.ts"],
  outputDir: "test-results/inngest",
  use: { ...base.use, baseURL: `http://127.0.0.1:${port}` },
  webServer: [
    {
      command: "bash scripts/inngest-server.sh run",
      url: `http://127.0.0.1:${inngestPort}/health`,
      timeout: 120_000,
      reuseExistingServer: false,
      // TERM, not Playwright's default KILL: the script stops the server and its Redis on TERM.
      gracefulShutdown: { signal: "SIGTERM", timeout: 10_000 },
      stdout: "ignore",
      stderr: "pipe",
      env: serverEnv,
    },
    {
      ...appServer,
      command: `rm -rf ${dataDir} && NODE_ENV=production tsx server.ts --prod`,
      url: `http://127.0.0.1:${port}/health`,
      env: {
        ...appServer.env,
        PORT: String(port),
        DATA_DIR: dataDir,
        INNGEST_DEV: "0",
        INNGEST_BASE_URL: `http://127.0.0.1:${inngestPort}`,
        INNGEST_EVENT_KEY: eventKey,
        INNGEST_SIGNING_KEY: signingKey,
        // The flow-control spec's transcribe jobs go to the scripted speech server (a failure on
        // demand); the contracts' run keeps the offline recogniser, which e2e/api/editor-work.spec.ts checks.
        ...(process.env.INNGEST_E2E_CONTRACTS === "1" ? {} : { ASR_BASE_URL: `http://127.0.0.1:${speechServerPort}` }),
      },
    },
  ],
});
