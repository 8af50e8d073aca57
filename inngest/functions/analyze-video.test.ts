import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import type { DatabaseHandle } from "@/lib/db/client";
import { jobs } from "@/lib/db/schema";
import { resetEnvForTests } from "@/lib/env";
import { countFfprobeRuns } from "@/lib/media/ffmpeg";
import { ffmpegCli } from "@/lib/media/test-media";
import { jobMediaDir } from "@/lib/storage/layout";
import { proxyFileName } from "@/lib/analysis/event-media";

/**
 * One analyze job from the request's validation to its last step, on the real path: the
 * videos' and analysis' verbs, the app's Inngest client, the local engine, the real serve()
 * handler with the real analyze-video function, and the real worker (in this process, so its
 * ffprobe runs are counted with the rest). The file is probed once, when the request
 * validates it: the job's probe step, the worker and the proxy use what that probe said.
 */

const work = fs.mkdtempSync(path.join(os.tmpdir(), "framewise-probes-"));
const video = path.join(work, "walk.mp4");
let app: { url: string; close: () => Promise<void> } | undefined;
let handle: DatabaseHandle;
let stopWorker: (() => Promise<void>) | undefined;

type Modules = {
  engine: typeof import("@/inngest/engine");
  register: typeof import("@/lib/videos/register-video");
  analysis: typeof import("@/lib/analysis/start-analysis");
  client: typeof import("@/lib/inference/worker-client");
};
let m: Modules;

beforeAll(async () => {
  // 6 s at 25 fps, sampled at 2 fps in 2-second chunks: three chunk requests to the worker.
  await ffmpegCli(["-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25", "-t", "6", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", video]);

  Object.assign(process.env, { PORT: "1", DATA_DIR: work, VIDEO_INPUT_DIR: work, ENGINE_BACKOFF_MS: "50" });
  for (const name of ["INNGEST_BASE_URL", "INNGEST_EVENT_KEY", "WORKER_URLS", "DATABASE_URL"]) delete process.env[name];
  resetEnvForTests();

  m = {
    engine: await import("@/inngest/engine"),
    register: await import("@/lib/videos/register-video"),
    analysis: await import("@/lib/analysis/start-analysis"),
    client: await import("@/lib/inference/worker-client"),
  };
  const { startWorker } = await import("@/workers/inference/server");
  const worker = await startWorker({ env: { WORKER_PORT: "0", WORKER_ALLOWED_ROOTS: work, WORKER_CONCURRENCY: "2" } });
  stopWorker = () => worker.close();
  m.client.setLocalWorkerUrl(worker.url);

  const testing = await import("@/inngest/engine/testing");
  app = await testing.serveAppForTests();
  handle = await testing.startEngineOnTestDatabase("pglite", app.url);
});

afterAll(async () => {
  await m?.engine.stopLocalEngine();
  m?.client.setLocalWorkerUrl(undefined);
  await stopWorker?.();
  await handle?.close();
  await app?.close();
  fs.rmSync(work, { recursive: true, force: true });
});

describe("an analyze job", () => {
  it("probes its unchanged video once, from the request to the last step", async () => {
    const caller = { user: null, isAdmin: false };
    const before = countFfprobeRuns();
    const { video: row, probe } = await m.register.registerServerVideo(handle.db, caller, video, "walk.mp4");
    const options = m.analysis.parseAnalysisOptions(JSON.stringify({ fps: 2, chunkSeconds: 2 }));
    const job = await m.analysis.startAnalysis(handle.db, caller, { video: row, probe, tripId: null, options });

    const deadline = Date.now() + 90_000;
    let status = job.status;
    while (!["completed", "failed", "cancelled"].includes(status)) {
      if (Date.now() > deadline) throw new Error(`job still ${status}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
      [{ status }] = await handle.db.select({ status: jobs.status }).from(jobs).where(eq(jobs.id, job.id));
    }
    const [done] = await handle.db.select().from(jobs).where(eq(jobs.id, job.id));
    expect(done.status, done.errorMessage ?? "").toBe("completed");
    // Every sampled frame was analysed (12, in three chunks) and the proxy was made.
    expect(done.resultPayload).toMatchObject({ frames: 12, fps: 2, duration: 6 });
    expect(fs.existsSync(path.join(jobMediaDir(job.id), proxyFileName))).toBe(true);
    expect(countFfprobeRuns() - before).toBe(1);
  });
});
