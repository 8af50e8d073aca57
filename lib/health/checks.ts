import fs from "node:fs/promises";
import path from "node:path";
import { pingDatabase } from "@/lib/db/client";
import { env } from "@/lib/env";

export function appInfo() {
  return { app: env().APP_NAME, environment: env().NODE_ENV };
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

/** `GET /health/diagnostics`: each part with its state, `degraded` when one is down. */
export async function diagnostics(): Promise<Diagnostics> {
  const database = await pingDatabase();
  const parts = await Promise.all(
    probes.map((probe) =>
      probe().catch((error: unknown) => ({ name: "probe", ok: false, details: { error: String(error) } })),
    ),
  );
  const healthy = database.connected && parts.every((part) => part.ok);
  return {
    status: healthy ? "ok" : "degraded",
    ...appInfo(),
    database,
    ...Object.fromEntries(parts.map((part) => [part.name, part.details])),
  };
}
