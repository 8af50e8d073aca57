import { defineConfig } from "@playwright/test";

/**
 * The cluster suite: `scripts/cluster.sh up` (PostgreSQL, Redis, the Inngest server, two web
 * replicas behind the front, two workers) in a folder of its own, then specs that talk to the
 * front and to each replica directly, and kill parts of it. `npm run build` must have run.
 */
export const clusterDir = process.env.CLUSTER_E2E_DIR ?? ".cache/e2e-cluster";
export const clusterPort = Number(process.env.CLUSTER_E2E_PORT ?? 3720);

export default defineConfig({
  testDir: "e2e/cluster",
  globalSetup: "./e2e/cluster/setup.ts",
  timeout: 300_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  reporter: [["list"]],
  outputDir: "test-results/cluster",
  use: { baseURL: `http://127.0.0.1:${clusterPort}` },
});
