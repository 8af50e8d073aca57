import { defineConfig } from "@playwright/test";
import base from "./playwright.config";

/**
 * The five contracts' main flows again with media in object storage: a real SeaweedFS
 * (scripts/s3-server.sh, S3 with SigV4 credentials) and the app with STORAGE_URL pointing at it,
 * so uploads stream into the store, jobs publish their media there and every media route reads
 * it back, and the inference worker reads by presigned URL alone (WORKER_MEDIA=url). e2e/s3/*.spec.ts then checks what only object storage can show: nothing under the
 * data folder's media, a 500 MB upload without the web process growing, the store stopped
 * mid-upload. `npm run build` must have run.
 */
const port = Number(process.env.E2E_S3_PORT ?? 3561);
export const s3Port = Number(process.env.E2E_S3_SERVER_PORT ?? 8433);
const dataDir = process.env.E2E_DATA_DIR ?? `.cache/e2e-s3-data-${port}`;
process.env.E2E_DATA_DIR = dataDir;
/** The server's state folder: the storage spec stops and starts it (scripts/s3-server.sh). */
export const s3Dir = `.cache/s3-server-e2e-${s3Port}`;
export const s3Credentials = { accessKeyId: "e2e-s3-access", secretAccessKey: "e2e-s3-secret-key-0123456789" };
export const s3Bucket = "framewise-e2e";

const appServer = Array.isArray(base.webServer) ? base.webServer[0] : base.webServer!;
const serverEnv = {
  S3_PORT: String(s3Port),
  S3_DIR: s3Dir,
  S3_BUCKET: s3Bucket,
  S3_FRESH: "1",
  AWS_ACCESS_KEY_ID: s3Credentials.accessKeyId,
  AWS_SECRET_ACCESS_KEY: s3Credentials.secretAccessKey,
};

export default defineConfig({
  ...base,
  testIgnore: [],
  testMatch: ["api/cabin-events.spec.ts", "api/reframer.spec.ts", "api/enhance-metadata.spec.ts", "api/editor-jobs.spec.ts", "api/feature-extraction.spec.ts", "s3/*.spec.ts"],
  // Each contract's main flow (the rest of those files runs on local disk in the main suite).
  grep: [
    /upload flow/,
    /POST \/process: every documented error|the 12 s street clip|results: detections, real masks/,
    /the processing flow|status endpoints answer|the enhanced video plays/,
    /POST \/jobs\/ queues an ingest job/,
    /a job collects, extracts frames|search: each product's source frame/,
    /object storage/,
  ],
  outputDir: "test-results/s3",
  use: { ...base.use, baseURL: `http://127.0.0.1:${port}` },
  webServer: [
    {
      // `serve`: e2e/s3/storage.spec.ts stops and starts the server under it.
      command: "bash scripts/s3-server.sh serve",
      url: `http://127.0.0.1:${s3Port}/`,
      timeout: 600_000,
      reuseExistingServer: false,
      // The script stops SeaweedFS on TERM (it runs in a session of its own): time for that.
      gracefulShutdown: { signal: "SIGTERM", timeout: 30_000 },
      stdout: "ignore",
      stderr: "pipe",
      env: serverEnv,
    },
    {
      ...appServer,
      // The store must have its bucket before the app starts: `start` waits for it (a no-op when
      // `run` above has it running already).
      command: `bash scripts/s3-server.sh start >/dev/null && rm -rf ${dataDir} && NODE_ENV=production tsx server.ts --prod`,
      url: `http://127.0.0.1:${port}/health`,
      env: {
        ...appServer.env,
        ...serverEnv,
        S3_FRESH: "",
        PORT: String(port),
        DATA_DIR: dataDir,
        STORAGE_URL: `s3://${s3Bucket}/media`,
        S3_ENDPOINT: `http://127.0.0.1:${s3Port}`,
        S3_REGION: "us-east-1",
        // e2e/s3/storage.spec.ts's 8-minute upload is refused for its length after it is stored.
        ANONYMOUS_MAX_VIDEO_MINUTES: "5",
        // The worker is handed presigned URLs and may read no file of this host (a folder that
        // does not exist is its only root), as a worker on another host would be.
        WORKER_MEDIA: "url",
        WORKER_ALLOWED_ROOTS: `${dataDir}-worker-reads-nothing-here`,
      },
    },
  ],
});
