/**
 * The one Framewise process in the embedded default: Next.js pages and route handlers, the
 * WebSocket hub, and (added by later parts) the local job engine and the inference worker,
 * all on one port. The database is opened and migrated before the first request.
 */
import http from "node:http";
import path from "node:path";
import next from "next";
import { actionArguments } from "@/app/action-arguments";
import { pollingRoutes } from "@/app/polling-routes";
import { orchestrationMode, startJobRun } from "@/inngest/client";
import { handleEngineRequest, orchestrationProbe, startLocalEngine, stopLocalEngine } from "@/inngest/engine";
import { syncWithInngestServer } from "@/inngest/sync-app";
import { startLocalWorker, type LocalWorker } from "@/lib/inference/local-worker";
import { workerHealth } from "@/lib/inference/worker-client";
import { serveBackups } from "@/lib/db/backup";
import { closeDatabase, database } from "@/lib/db/client";
import { startOrphanMediaSweep } from "@/lib/jobs/sweep-orphan-media";
import { env } from "@/lib/env";
import { admitWaiting } from "@/lib/jobs/admission";
import { requeueQueuedJobs } from "@/lib/jobs/requeue-queued-jobs";
import { registerHealthProbe } from "@/lib/health/checks";
import { stampClientAddress } from "@/lib/http/client-address";
import { applyCors } from "@/lib/http/cors";
import { refuseMalformedPath } from "@/lib/http/malformed-url";
import { refuseOddTarget } from "@/lib/http/request-target";
import { actionNamesFrom, screenServerAction } from "@/lib/http/server-actions";
import { addResponseHeaders, dropUntrustedForwarding } from "@/lib/http/response-headers";
import { keepContentLength } from "@/lib/http/media-response";
import { serveDirect } from "@/lib/http/direct-routes";
import { closeWhenBodyUnread, methodNotAllowedAsJson, refuseForbiddenMethod, refuseOversizedBody } from "@/lib/http/node-request";
import { objectStore, usesObjectStorage } from "@/lib/storage/object-store";
import { startStorageSweep } from "@/lib/storage/sweep";
import { sweepSharedState } from "@/lib/http/upload-slots";
import { handleHubUpgrade, isHubPath } from "@/lib/ws/upgrade";
import { connectBus } from "@/lib/ws/bus";
import { attachBus, busState, receiveFromBus } from "@/lib/ws/hub";
import { warmUpRoutes } from "@/lib/http/warm-up";

const config = env();
const dev = process.argv.includes("--dev") || config.NODE_ENV === "development" && !process.argv.includes("--prod");

const handle = await database().catch((error: unknown) => {
  // The operator reads this line: which folder and what to do (DatabaseOpenError), not a stack.
  console.error(`[framewise] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
console.log(`[framewise] database ready (${handle.driver})`);
// Live updates between web replicas: Redis or PostgreSQL LISTEN/NOTIFY; none with PGlite (one process).
const bus = await connectBus({ driver: handle.driver, databaseUrl: config.DATABASE_URL, redisUrl: config.REDIS_URL }, receiveFromBus).catch((error: unknown) => {
  console.error(`[framewise] live updates between replicas: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
attachBus(bus);
console.log(`[framewise] live updates: ${bus?.kind ?? "in-process"}`);
// Files a crash left half-written; with PGlite this process alone owns DATA_DIR, so all of them.
await startStorageSweep({ exclusive: handle.driver === "pglite" });
// With object storage (STORAGE_URL): the store must answer before anything is accepted, and
// objects nobody names (a lost delete, a dead upload) go once a day old.
if (usesObjectStorage()) {
  // A store started beside this server may take a few seconds to answer.
  const store = await objectStore();
  for (let attempt = 1; ; attempt++) {
    const answered = await store.check().then(() => true, () => false);
    if (answered) break;
    if (attempt === 30) {
      console.error("[framewise] the object store at STORAGE_URL does not answer: check S3_ENDPOINT, the bucket and the credentials");
      process.exit(1);
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  console.log("[framewise] media in object storage (STORAGE_URL)");
  startOrphanMediaSweep(async () => handle.db);
}
// Lapsed upload slots and rate-limit windows past use: any replica may sweep them, now and every 10 minutes.
const sweepShared = () => void sweepSharedState(handle.db).catch((error: unknown) => console.warn("[framewise] sweeping upload slots and rate limits failed:", error));
sweepShared();
setInterval(sweepShared, 10 * 60_000).unref();
// `npm run backup` asks this process for a consistent copy of the embedded database.
const stopBackups = handle.driver === "pglite" ? await serveBackups(handle, config.dataDir) : undefined;

const server = http.createServer();
const app = next({ dev, hostname: config.HOST, port: config.PORT, httpServer: server, dir: import.meta.dirname });
await app.prepare();
const handleRequest = app.getRequestHandler();
// Which action an id names, so that the server-action screen can check the call's arguments.
const actionShapes = {
  nameOf: actionNamesFrom([".next/dev/server", ".next/server"].map((dir) => path.join(import.meta.dirname, dir, "server-reference-manifest.json")).slice(dev ? 0 : 1)),
  argumentsOf: actionArguments,
};

server.on("request", (request, response) => {
  // Route handlers get no socket: the caller's address travels in a header only we set.
  stampClientAddress(request);
  dropUntrustedForwarding(request);
  // no-store on JSON; nosniff, Referrer-Policy, the pages' CSP, HSTS over https.
  addResponseHeaders(request, response, { dev });
  // Next drops Content-Length from route handlers' answers; media answers must carry it.
  keepContentLength(response);
  // CORS and body limits at the node level: a Next proxy in front of the routes would buffer
  // upload bodies (and cut them at 10 MB); here nothing reads the body before its route does.
  if (applyCors(request, response)) return;
  if (refuseOversizedBody(request, response)) return;
  // TRACE is a method the Fetch API refuses to build a Request for: Next answered it 500.
  if (refuseForbiddenMethod(request, response)) return;
  // Next answers a bare 500 for a path it cannot decode (`%c0%af`) before any route runs.
  if (refuseMalformedPath(request, response)) return;
  // An absolute-form target would lend Next its host; other spellings of /api/inngest would pass the engine's guard.
  if (refuseOddTarget(request, response)) return;
  closeWhenBodyUnread(request, response);
  methodNotAllowedAsJson(response);
  // Polling a job: the route's own handler, without Next's router (lib/http/direct-routes.ts).
  if (serveDirect(pollingRoutes, request, response)) return;
  // The local engine's event API (`/e/*`) is not a Next route: the Inngest client posts there.
  if (handleEngineRequest(request, response)) return;
  // A cross-origin or malformed server-action call is the caller's fault (403/400), where Next answers 500.
  screenServerAction(request, response, actionShapes)
    .then((screened) => screened && handleRequest(screened, response))
    .catch((error) => {
      console.error("[framewise] request failed:", error);
      if (!response.headersSent) response.writeHead(500, { "content-type": "application/json" });
      response.end(JSON.stringify({ detail: "Internal server error" }));
    });
});

server.on("upgrade", (request, socket, head) => {
  const pathname = new URL(request.url ?? "/", "http://localhost").pathname;
  if (isHubPath(pathname)) {
    handleHubUpgrade(request, socket, head).catch(() => socket.destroy());
  } else if (!dev) {
    // In development Next's own listener serves its HMR socket; in production nothing else may upgrade.
    socket.destroy();
  }
});

await new Promise<void>((resolve) => server.listen(config.PORT, config.HOST, resolve));
const address = server.address();
const port = typeof address === "object" && address ? address.port : config.PORT;
const loopback = config.HOST === "0.0.0.0" || config.HOST === "::" ? "127.0.0.1" : config.HOST;
console.log(`[framewise] listening on http://${loopback}:${port} (${dev ? "development" : "production"})`);
// In the background, so that /health answers meanwhile: the first job's client would pay for it.
if (!dev) {
  void warmUpRoutes(`http://${loopback}:${port}`).then(({ paths, ms }) => console.log(`[framewise] warmed ${paths} routes in ${ms.toFixed(0)} ms`));
}

// The inference worker: spawned here unless WORKER_URLS names remote ones.
const worker: LocalWorker | undefined = config.WORKER_URLS.length ? undefined : startLocalWorker();

registerHealthProbe(orchestrationProbe);
registerHealthProbe(async () => {
  const state = busState();
  return { name: "live_updates", ok: state.connected, details: state };
});
registerHealthProbe(async () => {
  const workers = await workerHealth();
  return { name: "workers", ok: workers.length > 0 && workers.every((w) => w.ok), details: { workers } };
});

if (orchestrationMode() === "local") {
  await startLocalEngine({ appUrl: `http://${loopback}:${port}` });
  console.log("[framewise] local job engine running");
} else {
  if (config.INNGEST_SIGNING_KEY) {
    // The Inngest server learns where the functions are from this sync (inngest/sync-app.ts).
    // Without a signing key (`inngest dev`) the dev server finds the app itself. Not awaited:
    // the server may start after the app, and the sync is tried again until it answers.
    // Then the queued jobs' start events again: one the server took before it knew the functions
    // started nothing (lib/jobs/requeue-queued-jobs.ts; a job whose run exists gets no second one).
    syncWithInngestServer(`http://${loopback}:${port}`)
      .then(async () => {
        console.log(`[framewise] synced with the Inngest server at ${config.INNGEST_BASE_URL ?? "Inngest Cloud"}`);
        const sent = await requeueQueuedJobs(handle.db, startJobRun);
        if (sent > 0) console.log(`[framewise] sent the start events of ${sent} queued jobs again`);
      })
      .catch((error: unknown) => console.error(`[framewise] ${error instanceof Error ? error.message : String(error)}`));
  }
  // A caller's turn that a replica lost (it stopped between one job's end and the next one's
  // start, or the server did not answer then) is found within this interval (lib/jobs/admission.ts).
  setInterval(() => void admitWaiting(handle.db, startJobRun).catch(() => undefined), 15_000).unref();
}

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`[framewise] ${signal}: shutting down`);
  await stopLocalEngine().catch(() => {});
  await stopBackups?.();
  await worker?.stop();
  attachBus(undefined);
  await bus?.close().catch(() => {});
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await app.close().catch(() => {});
  await closeDatabase();
  process.exit(0);
}
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));
