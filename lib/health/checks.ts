import fs from "node:fs/promises";
import path from "node:path";
import { pingDatabase } from "@/lib/db/client";
import { env } from "@/lib/env";
import type { Caller } from "@/lib/jobs/caller";
import { freeDiskSpace } from "@/lib/storage/disk-space";
import { objectStore, usesObjectStorage } from "@/lib/storage/object-store";

export function appInfo() {
  return { app: env().APP_NAME, environment: env().NODE_ENV };
}

/**
 * `GET /health`: `ok`, or `degraded` (still 200, as the diagnostics contract answers it) when
 * the server cannot do its work: the database does not read (pingDatabase reads its tables),
 * or less free disk under DATA_DIR than MIN_FREE_DISK_MB, or the object store (STORAGE_URL) does
 * not answer.
 */
export async function health(): Promise<{ status: "ok" | "degraded"; app: string; environment: string }> {
  const [database, disk, storage] = await Promise.all([pingDatabase(), freeDiskSpace(), storagePart()]);
  return { status: database.connected && !disk.low && (storage?.ok ?? true) ? "ok" : "degraded", ...appInfo() };
}

/** The object store, when media lives in one: does its bucket answer? */
async function storagePart() {
  if (!usesObjectStorage()) return null;
  const ok = await objectStore()
    .then((store) => store.check())
    .then(() => true, () => false);
  return { name: "storage", ok, details: { kind: "s3" } };
}

async function diskPart() {
  const disk = await freeDiskSpace();
  return { name: "disk", ok: !disk.low, details: { free_mb: disk.freeMb, min_free_mb: disk.minFreeMb } };
}

/** Names of the models `npm run models` assembled (MODELS_DIR/manifest.json), or none. */
export async function installedModels(): Promise<string[]> {
  try {
    const manifest = JSON.parse(await fs.readFile(path.join(env().modelsDir, "manifest.json"), "utf8"));
    const models = manifest.models ?? manifest;
    return Array.isArray(models) ? models.map((model: { name: string }) => model.name) : Object.keys(models);
  } catch {
    return [];
  }
}

export type Diagnostics = {
  status: "ok" | "degraded";
  app: string;
  environment: string;
  database: Awaited<ReturnType<typeof pingDatabase>>;
  [part: string]: unknown;
};

type Probe = () => Promise<{ name: string; ok: boolean; details: Record<string, unknown> }>;
const probes: Probe[] = ((globalThis as { __framewiseProbes?: Probe[] }).__framewiseProbes ??= []);

/** Parts started elsewhere (the job engine, the worker) add what they know to diagnostics. */
export function registerHealthProbe(probe: Probe): void {
  probes.push(probe);
}

async function checkParts() {
  const database = await pingDatabase();
  const parts = await Promise.all(
    probes.map((probe) =>
      probe().catch((error: unknown) => ({ name: "probe", ok: false, details: { error: String(error) } })),
    ),
  );
  const storage = await storagePart();
  return [{ name: "database", ok: database.connected, details: database as Record<string, unknown> }, await diskPart(), ...(storage ? [storage] : []), ...parts];
}

/** Every part with all it knows (worker URLs, errors): for admins and the server itself. */
export async function diagnostics(): Promise<Diagnostics> {
  const parts = await checkParts();
  return {
    status: parts.every((part) => part.ok) ? "ok" : "degraded",
    ...appInfo(),
    ...(Object.fromEntries(parts.map((part) => [part.name, part.details])) as { database: Diagnostics["database"] }),
  };
}

/**
 * `GET /health/diagnostics` (contracts/editor-jobs.md): each part with its state, `degraded`
 * when one is down. Anyone may see the states; what each part knows (worker URLs, files,
 * error text) is for admins only (ARCHITECTURE.md, "Security model").
 */
export async function diagnosticsFor(caller: Caller): Promise<Record<string, unknown>> {
  const parts = await checkParts();
  const state = (ok: boolean) => (ok ? "ok" : "degraded");
  return {
    status: state(parts.every((part) => part.ok)),
    ...appInfo(),
    queue: queueOf(parts.find((part) => part.name === "orchestration"), caller.isAdmin),
    ...Object.fromEntries(parts.map((part) => [part.name, caller.isAdmin ? { status: state(part.ok), ...part.details } : { status: state(part.ok) }])),
  };
}

/**
 * The contract's `queue` object from the job engine's part: `connected` and `broker_url`
 * (`local-engine` for the engine in this process, the Inngest host otherwise), and in place
 * of Redis's `redis_version`/`connected_clients` what the engine can say: its mode and how
 * many jobs wait and run (for admins). `error` when it is not taking jobs.
 */
function queueOf(part: { ok: boolean; details: Record<string, unknown> } | undefined, withCounts: boolean): Record<string, unknown> {
  const base = env().INNGEST_BASE_URL;
  const mode = (part?.details.mode as string | undefined) ?? "local";
  const broker = mode === "local" ? "local-engine" : base ? new URL(base).host : "inngest.com";
  if (!part) return { connected: false, broker_url: broker, error: "The job engine has not started" };
  // How busy the server is is an admin's business, like every part's details.
  const counts = withCounts ? { engine: mode, queued_jobs: Number(part.details.queued ?? 0), running_jobs: Number(part.details.running ?? 0) } : {};
  return part.ok ? { connected: true, broker_url: broker, ...counts } : { connected: false, broker_url: broker, ...counts, error: "The job engine is not accepting jobs" };
}
