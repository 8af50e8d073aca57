import http from "node:http";
import type { AddressInfo } from "node:net";
import { Inngest, type InngestFunction } from "inngest";
import { serve } from "inngest/node";
import type { DatabaseHandle, Db } from "@/lib/db/client";
import { createTestDatabase, type TestDatabaseKind } from "@/lib/db/testing";
import { LocalEngine, type EngineOptions } from "./engine";
import { generateSigningKey, localEventKey } from "./signing";

/**
 * A real node:http server on 127.0.0.1:<random> hosting the SDK's `serve()` handler at
 * /api/inngest and the engine's event API at /e/*, with a client pointed at it. Signed as in
 * production's local mode: the client is not in dev mode and holds a signing key (a fresh
 * one, or `signingKey`), the engine signs its calls with it, and serve() checks them.
 * Used by the conformance tests, the crash-test child and scripts/bench-engine.ts.
 */
export type Harness = {
  client: Inngest;
  engine: LocalEngine;
  baseUrl: string;
  signingKey: string;
  /** Resolves when `runId` (or the first run of `functionId`) ends; returns its row. */
  /** The first ended run matching; `where` picks among a function's runs. */
  waitForRun: (match: { functionId?: string; runId?: string; where?: (run: RunRow) => boolean }, timeoutMs?: number) => Promise<RunRow>;
  close: () => Promise<void>;
};

type RunRow = NonNullable<Awaited<ReturnType<LocalEngine["runStatus"]>>>;

export async function startHarness(options: {
  db: Db;
  functions: (client: Inngest) => InngestFunction.Any[];
  engine?: Partial<Omit<EngineOptions, "db" | "serveUrl">>;
  appId?: string;
  signingKey?: string;
}): Promise<Harness> {
  const signingKey = options.signingKey ?? generateSigningKey();
  let handler: http.RequestListener = (_request, response) => response.writeHead(503).end();
  let engine: LocalEngine | undefined;
  const server = http.createServer((request, response) => {
    if (request.url?.startsWith("/e/") && engine) return void engine.handleEventRequest(request, response);
    handler(request, response);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const client = new Inngest({
    id: options.appId ?? "test",
    isDev: false,
    signingKey,
    eventKey: localEventKey(signingKey),
    baseUrl: `${baseUrl}/`,
    logger: quietLogger,
  });
  handler = serve({ client, functions: options.functions(client), enableUnauthedSync: false });
  engine = new LocalEngine({
    db: options.db,
    serveUrl: `${baseUrl}/api/inngest`,
    signingKey,
    backoffMs: 20,
    // No polling to lean on: sleeps and retries must wake the engine themselves.
    pollMs: 600_000,
    logger: { info: () => {}, warn: () => {}, error: console.error },
    ...options.engine,
  });
  await engine.start();

  const waitForRun: Harness["waitForRun"] = async (match, timeoutMs = 20_000) => {
    const deadline = Date.now() + timeoutMs;
    const { engineRuns } = await import("@/lib/db/schema");
    const { eq } = await import("drizzle-orm");
    for (;;) {
      const rows = match.runId
        ? await options.db.select().from(engineRuns).where(eq(engineRuns.id, match.runId))
        : await options.db.select().from(engineRuns).where(eq(engineRuns.functionId, match.functionId!));
      const done = rows.find((row) => ["completed", "failed", "cancelled"].includes(row.status) && (!match.where || match.where(row)));
      if (done) return done;
      if (Date.now() > deadline) throw new Error(`Run ${JSON.stringify(match)} did not end in ${timeoutMs} ms: ${JSON.stringify(rows)}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };

  return {
    client,
    engine,
    baseUrl,
    signingKey,
    waitForRun,
    close: async () => {
      await engine!.stop(2000);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const noop = () => {};
/** The SDK logs every step error; tests provoke many on purpose. */
export const quietLogger = { info: noop, warn: noop, error: noop, debug: noop };

/**
 * What server.ts does for the engine in a test's own node:http server: the engine's event API
 * (`/e/*`) and `serve()` with every Framewise function. Imported lazily, after the test has set
 * its environment (DATA_DIR, keys), because the client reads it when first loaded.
 */
export async function appRequestHandler(): Promise<http.RequestListener> {
  const { handleEngineRequest } = await import("./index");
  const { inngest } = await import("@/inngest/client");
  const { functions } = await import("@/inngest/functions");
  const sdk = serve({ client: inngest, functions });
  return (request, response) => {
    if (!handleEngineRequest(request, response)) void sdk(request, response);
  };
}

/**
 * The app's own /api/inngest and event API (appRequestHandler) on a real 127.0.0.1 server, for
 * tests that drive the app's job functions through the local engine as server.ts does. Load it
 * after the configuration is set: the functions read it when they are imported.
 */
export async function serveAppForTests(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer(await appRequestHandler());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/**
 * A throwaway database (lib/db/testing.ts) that the job functions' db() answers with (lib/db/client
 * shares its handle through globalThis), and the local engine driving the app at `appUrl` on it,
 * as server.ts does. Stop the engine (stopLocalEngine) before closing the handle.
 */
export async function startEngineOnTestDatabase(kind: TestDatabaseKind, appUrl: string): Promise<DatabaseHandle> {
  const handle = await createTestDatabase(kind);
  ((globalThis as { __framewiseDb?: { handle?: unknown } }).__framewiseDb ??= {}).handle = Promise.resolve(handle);
  const { startLocalEngine } = await import("./index");
  await startLocalEngine({ appUrl, db: handle.db });
  return handle;
}
