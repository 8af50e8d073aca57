import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { closeDatabase } from "@/lib/db/client";
import { resetEnvForTests } from "@/lib/env";
import { diagnosticsFor, registerHealthProbe } from "@/lib/health/checks";
import { anonymousCaller, systemCaller } from "@/lib/jobs/caller";
import { localEngine, orchestrationProbe } from "./index";

/**
 * /health/diagnostics with the job engine down (issue 14 item 7): `degraded`, and the
 * contract's `queue` object says `connected: false` with an `error`. The probe is the one
 * server.ts registers; the engine is simply not running in this process. The connected case is
 * e2e/api/editor-jobs.spec.ts, against the running server.
 */
let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), "framewise-diagnostics-"));
  Object.assign(process.env, { DATA_DIR: path.join(work, "data") });
  delete process.env.INNGEST_BASE_URL;
  resetEnvForTests();
  registerHealthProbe(orchestrationProbe);
});
afterAll(async () => {
  await closeDatabase();
  await rm(work, { recursive: true, force: true });
});

test("the engine down: degraded, queue not connected with an error", async () => {
  expect(localEngine()).toBeUndefined();
  const admin = await diagnosticsFor(systemCaller);
  expect(admin.status).toBe("degraded");
  expect(admin.database).toMatchObject({ status: "ok" });
  expect(admin.orchestration).toMatchObject({ status: "degraded", mode: "local", accepting: false });
  expect(admin.queue).toEqual({ connected: false, broker_url: "local-engine", engine: "local", queued_jobs: 0, running_jobs: 0, error: "The job engine is not accepting jobs" });

  const anyone = await diagnosticsFor(anonymousCaller);
  expect(anyone.status).toBe("degraded");
  expect(anyone.orchestration).toEqual({ status: "degraded" });
  expect(anyone.queue).toEqual({ connected: false, broker_url: "local-engine", error: "The job engine is not accepting jobs" });
});
