import { defineConfig } from "@playwright/test";

/**
 * End-to-end tests drive the production build through server.ts on a fresh data folder, in
 * Debian's Chromium (no browser download). `npm run build` must have run (scripts/test.sh does).
 */
const port = Number(process.env.E2E_PORT ?? 3210);
export const e2eDataDir = process.env.E2E_DATA_DIR ?? ".cache/e2e-data";
export const allowedOrigin = "http://allowed.example";
/** The account that becomes admin when it signs up (e2e/api/security-access.spec.ts). */
export const e2eAdminEmail = "admin@e2e.example";

export default defineConfig({
  testDir: "e2e",
  // Inngest mode's own specs need the Inngest server (playwright.inngest.config.ts runs them), the
  // cluster's need scripts/cluster.sh (playwright.cluster.config.ts), object storage's a real S3
  // server (playwright.s3.config.ts).
  testIgnore: ["inngest/**", "cluster/**", "s3/**"],
  globalSetup: "./e2e/global-setup.ts",
  timeout: 120_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  reporter: [["list"]],
  outputDir: "test-results",
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"],
    },
    screenshot: "only-on-failure",
  },
  webServer: {
    command: `rm -rf ${e2eDataDir} && NODE_ENV=production tsx server.ts --prod`,
    url: `http://127.0.0.1:${port}/health`,
    timeout: 180_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      PORT: String(port),
      HOST: "127.0.0.1",
      DATA_DIR: e2eDataDir,
      VIDEO_INPUT_DIR: ".cache/e2e-videos",
      FRONTEND_ORIGIN: `${allowedOrigin},http://second.example`,
      ADMIN_EMAIL: e2eAdminEmail,
      NEXT_TELEMETRY_DISABLED: "1",
      // Every spec registers from 127.0.0.1; the limit's own test uses 127.0.0.2.
      REGISTER_PER_HOUR: "40",
      SIGN_UP_PER_HOUR: "200",
      SIGN_IN_FAILURES_PER_ADDRESS_PER_HOUR: "200",
      // e2e/api/feature-extraction.spec.ts serves its products and videos from 127.0.0.1; the
      // refusal without it is lib/features/fetch-url.test.ts's.
      ALLOW_PRIVATE_URLS: "on",
    },
  },
});
