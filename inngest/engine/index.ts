import type http from "node:http";
import { count, inArray } from "drizzle-orm";
import { database, db as processDb, type Db } from "@/lib/db/client";
import { jobs } from "@/lib/db/schema";
import { env } from "@/lib/env";
import { localEngineSigningKey, orchestrationMode } from "../client";
import { LocalEngine } from "./engine";
import { sendJson } from "./http";
import { postgresLeadership, soleLeadership } from "./leader";
import { publish, subscribe } from "@/lib/ws/hub";

export { LocalEngine, type EngineOptions } from "./engine";

/**
 * The process-wide local engine. server.ts starts it once the port is known and routes the
 * event API to it; Next's bundled route handlers (health, jobs) read it through globalThis,
 * because they hold their own copy of this module.
 */
type Shared = { engine?: LocalEngine; appUrl?: string; unsubscribe?: () => void };

/** Hub topic on which a replica that stored events wakes the replica that runs the queue. */
const wakeTopic = "engine:wake";
const shared: Shared = ((globalThis as { __framewiseEngine?: Shared }).__framewiseEngine ??= {});

/**
 * Starts the local engine against this server's `serve()` endpoint (`<appUrl>/api/inngest`):
 * syncs the functions (retrying while Next warms up), resumes unfinished runs, takes events.
 * Call only when orchestrationMode() is "local", after the HTTP server listens.
 */
export async function startLocalEngine(options: { appUrl: string; db?: Db }): Promise<LocalEngine> {
  if (shared.engine) return shared.engine;
  const config = env();
  shared.appUrl = options.appUrl.replace(/\/$/, "");
  const engine = new LocalEngine({
    db: options.db ?? (await processDb()),
    serveUrl: `${options.appUrl.replace(/\/$/, "")}/api/inngest`,
    signingKey: localEngineSigningKey(),
    backoffMs: config.ENGINE_BACKOFF_MS,
    maxBackoffMs: config.ENGINE_MAX_BACKOFF_MS,
    pollMs: config.ENGINE_POLL_MS,
    maxInFlight: config.ENGINE_MAX_IN_FLIGHT,
    // Replicas on one PostgreSQL: one of them runs the queue (./leader.ts); the others store
    // events and wake it through the live-update bus (lib/ws/bus.ts).
    leadership: !options.db && (await database()).driver === "postgres" && config.DATABASE_URL ? postgresLeadership(config.DATABASE_URL) : soleLeadership(),
    onAccepted: () => void publish(wakeTopic, {}),
  });
  shared.engine = engine;
  shared.unsubscribe = subscribe(wakeTopic, () => engine.wake());
  try {
    await engine.start();
  } catch (error) {
    shared.engine = undefined;
    shared.unsubscribe?.();
    throw error;
  }
  return engine;
}

/** Stops taking work and waits briefly for calls in flight; what is unfinished resumes on restart. */
export async function stopLocalEngine(): Promise<void> {
  const engine = shared.engine;
  shared.engine = undefined;
  shared.unsubscribe?.();
  await engine?.stop();
}

/**
 * The event API the Inngest client posts to in local mode (`POST /e/<key>`). Returns true when
 * it took the request; server.ts calls it before handing a request to Next. While the engine
 * is not running it answers 503, which makes `inngest.send()` throw (and createJob answer 503).
 * In local mode it also refuses `/e/*` and `/api/inngest` to anyone but this machine (403), on
 * top of the signatures: the event API wants the derived event key, serve() the engine's
 * signature, and a reverse proxy on this machine makes every caller look local.
 * In "inngest" mode it takes nothing (returns false).
 */
export function handleEngineRequest(request: http.IncomingMessage, response: http.ServerResponse): boolean {
  if (orchestrationMode() !== "local") return false;
  const path = (request.url ?? "").split("?")[0];
  const isEventApi = path.startsWith("/e/");
  if (!isEventApi && path !== "/api/inngest" && !path.startsWith("/api/inngest/")) return false;
  if (!isLoopback(request.socket)) {
    sendJson(response, 403, { detail: "The local orchestration endpoints accept requests from this machine only" });
    return true;
  }
  if (!isEventApi) return false;
  const engine = shared.engine;
  if (!engine) {
    sendJson(response, 503, { status: 503, error: "the local engine is not running" });
  } else {
    void engine.handleEventRequest(request, response);
  }
  return true;
}

function isLoopback(socket: { remoteAddress?: string; localAddress?: string }): boolean {
  const address = socket.remoteAddress;
  if (!address) return false;
  return address === "::1" || address.startsWith("127.") || address.startsWith("::ffff:127.") || address === socket.localAddress;
}

/**
 * For /health/diagnostics. Local mode: the engine's own runs. Inngest mode: the Inngest
 * server holds the queue, so the counts are the jobs table's queued and in-progress jobs, and
 * it is accepting when a self-hosted server (INNGEST_BASE_URL) answers its /health.
 */
export async function engineDiagnostics(): Promise<{ mode: "local" | "inngest"; accepting: boolean; queued: number; running: number; runs_queue?: boolean }> {
  if (orchestrationMode() === "local") {
    const engine = shared.engine;
    if (!engine) return { mode: "local", accepting: false, queued: 0, running: 0 };
    // runs_queue: whether this replica is the one running the queue (inngest/engine/leader.ts).
    return { mode: "local", accepting: engine.accepting, runs_queue: engine.leading, ...(await engine.counts()) };
  }
  const [rows, accepting] = await Promise.all([
    (await processDb())
      .select({ status: jobs.status, n: count() })
      .from(jobs)
      .where(inArray(jobs.status, ["queued", "in_progress"]))
      .groupBy(jobs.status),
    inngestServerAnswers(),
  ]);
  const of = (status: string) => Number(rows.find((row) => row.status === status)?.n ?? 0);
  return { mode: "inngest", accepting, queued: of("queued"), running: of("in_progress") };
}

/** A self-hosted Inngest server's `GET /health`; Inngest Cloud (no INNGEST_BASE_URL) is taken as up. */
async function inngestServerAnswers(): Promise<boolean> {
  const base = env().INNGEST_BASE_URL;
  if (!base) return true;
  try {
    const response = await fetch(new URL("health", base.replace(/\/?$/, "/")), { signal: AbortSignal.timeout(2000) });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

/** The job engine's part of /health/diagnostics (lib/health/checks.ts): down while not accepting. */
export async function orchestrationProbe(): Promise<{ name: string; ok: boolean; details: Record<string, unknown> }> {
  const details = await engineDiagnostics();
  return { name: "orchestration", ok: details.accepting, details };
}

/** The running local engine, if any (tests and scripts). */
export function localEngine(): LocalEngine | undefined {
  return shared.engine;
}
