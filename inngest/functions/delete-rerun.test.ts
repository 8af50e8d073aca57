import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import type { DatabaseHandle } from "@/lib/db/client";
import { engineRuns, jobLogs, jobs as jobsTable, videos } from "@/lib/db/schema";
import { resetEnvForTests } from "@/lib/env";
import { isAppError } from "@/lib/errors";

/**
 * deleteJob and rerunJob (lib/jobs/delete-job.ts, rerun-job.ts) over the real path on PGlite:
 * createJob -> the local engine -> the real job functions (ffmpeg), then the verbs, with the
 * rows, the files under DATA_DIR and the engine run looked at directly.
 */

const work = fs.mkdtempSync(path.join(os.tmpdir(), "framewise-delete-rerun-"));
const dataDir = path.join(work, "data");
let app: { url: string; close: () => Promise<void> } | undefined;

type Modules = {
  jobs: typeof import("@/lib/jobs");
  del: typeof import("@/lib/jobs/delete-job");
  rerun: typeof import("@/lib/jobs/rerun-job");
  engine: typeof import("@/inngest/engine");
  users: typeof import("@/lib/auth/users");
  videos: typeof import("@/lib/videos/register-video");
  analysis: typeof import("@/lib/analysis/start-analysis");
};
let m: Modules;
let handle: DatabaseHandle;

const admin = { user: null, isAdmin: true };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const finished = ["completed", "failed", "cancelled"];

beforeAll(async () => {
  execFileSync("ffmpeg", [
    ...["-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=15", "-t", "2"],
    ...["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", path.join(work, "sample.mp4")],
  ]);
  execFileSync("ffmpeg", [
    ...["-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=size=640x480:rate=30", "-t", "30"],
    ...["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", path.join(work, "long.mp4")],
  ]);
  Object.assign(process.env, { PORT: "1", DATA_DIR: dataDir, VIDEO_INPUT_DIR: work, ENGINE_BACKOFF_MS: "50" });
  delete process.env.INNGEST_BASE_URL;
  delete process.env.INNGEST_EVENT_KEY;
  delete process.env.WORKER_URLS;
  resetEnvForTests();
  m = {
    jobs: await import("@/lib/jobs"),
    del: await import("@/lib/jobs/delete-job"),
    rerun: await import("@/lib/jobs/rerun-job"),
    engine: await import("@/inngest/engine"),
    users: await import("@/lib/auth/users"),
    videos: await import("@/lib/videos/register-video"),
    analysis: await import("@/lib/analysis/start-analysis"),
  };
  const testing = await import("@/inngest/engine/testing");
  app = await testing.serveAppForTests();
  handle = await testing.startEngineOnTestDatabase("pglite", app.url);
});

afterAll(async () => {
  await m?.engine.stopLocalEngine();
  await handle?.close();
  await app?.close();
  fs.rmSync(work, { recursive: true, force: true });
});

async function waitFor(id: string, until: (status: string) => boolean = (status) => finished.includes(status)) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const job = await m.jobs.getJobOrThrow(handle.db, admin, id);
    if (until(job.status)) return job;
    if (Date.now() > deadline) throw new Error(`job ${id} still ${job.status}`);
    await sleep(25);
  }
}

async function errorOf(promise: Promise<unknown>) {
  const error = await promise.catch((e: unknown) => e);
  return { kind: isAppError(error) ? error.kind : String(error), message: (error as Error).message };
}

describe("deleteJob and rerunJob on pglite", () => {
  it("re-runs a job of another kind with a changed option, as its owner, and refuses a bad change by name", async () => {
    const owner = await m.users.createUser(handle.db, { email: "owner@example.com", password: "password-o" });
    const stranger = await m.users.createUser(handle.db, { email: "stranger@example.com", password: "password-s" });
    const asOwner = { user: owner, isAdmin: false };
    const job = await m.jobs.createJob(handle.db, asOwner, { kind: "generate_clip", clientId: "c-1", payload: { video_name: "sample.mp4", start: 0.2, end: 1.2, height: 144 } });
    expect((await waitFor(job.id)).status).toBe("completed");

    expect(await errorOf(m.rerun.rerunJob(handle.db, { user: stranger, isAdmin: false }, job.id, { end: 1.5 }))).toEqual({ kind: "not_found", message: `Job ${job.id} not found` });
    expect(await errorOf(m.rerun.rerunJob(handle.db, asOwner, job.id, { end: 0.1 }))).toEqual({ kind: "bad_request", message: "Request body 'end': must be after start" });

    // An admin re-runs it: the new job is still the owner's.
    const again = await m.rerun.rerunJob(handle.db, admin, job.id, { end: 1.7 });
    expect(again.id).not.toBe(job.id);
    expect(again).toMatchObject({ kind: "generate_clip", ownerId: owner.id, clientId: "c-1", payload: { video_name: "sample.mp4", start: 0.2, end: 1.7, height: 144 } });
    const done = await waitFor(again.id);
    expect(done.status, done.errorMessage ?? "").toBe("completed");
    const logs = (await m.jobs.listJobLogs(handle.db, again.id)).map((line) => line.message);
    expect(logs).toContain(`Re-run of job ${job.id}`);
    expect((done.resultPayload as { clips: { end: number }[] }).clips[0].end).toBeCloseTo(1.7, 1);
    // The old job is untouched.
    expect((await m.jobs.getJobOrThrow(handle.db, admin, job.id)).payload).toMatchObject({ end: 1.2 });
  });

  it("re-runs an analysis with a changed fps, checked by the analyze schema", async () => {
    const { video, probe } = await m.videos.registerServerVideo(handle.db, admin, path.join(work, "sample.mp4"), "sample.mp4");
    const options = m.analysis.parseAnalysisOptions(JSON.stringify({ fps: 2 }));
    const job = await m.analysis.startAnalysis(handle.db, admin, { video, probe, tripId: "TRIP-R", options });
    await m.jobs.cancelJob(handle.db, admin, job.id);

    expect(await errorOf(m.rerun.rerunJob(handle.db, admin, job.id, { fps: 99 }))).toEqual({ kind: "bad_request", message: "Request body 'fps': Too big: expected number to be <=30" });
    expect(await errorOf(m.rerun.rerunJob(handle.db, admin, job.id, { rules: { personPresent: { minSeconds: -1 } } }))).toMatchObject({ kind: "bad_request", message: expect.stringMatching(/^Request body 'rules\.personPresent/) });
    expect(await errorOf(m.rerun.rerunJob(handle.db, admin, job.id, { checked: { size: 1 } }))).toEqual({ kind: "bad_request", message: "Request body 'checked': is set by the server and cannot be changed in a re-run" });
    const again = await m.rerun.rerunJob(handle.db, admin, job.id, { fps: 1, detectThreshold: 0.4 });
    expect(again).toMatchObject({ kind: "analyze", videoId: video.id, tripId: "TRIP-R", payload: { videoId: video.id, fps: 1, detectThreshold: 0.4, filename: "sample.mp4" } });
    await m.jobs.cancelJob(handle.db, admin, again.id);
  });

  it("deletes a finished job with its rows and files, and an uploaded video no other job uses", async () => {
    const mine = await m.users.createUser(handle.db, { email: "deleter@example.com", password: "password-d" });
    const job = await m.jobs.createJob(handle.db, { user: mine, isAdmin: false }, { kind: "generate_clip", payload: { video_name: "sample.mp4", start: 0, end: 1, height: 144 } });
    expect((await waitFor(job.id)).status).toBe("completed");
    const folder = path.join(dataDir, "jobs", job.id);
    expect(fs.existsSync(path.join(folder, "media", "clip.mp4"))).toBe(true);

    expect(await errorOf(m.del.deleteJob(handle.db, { user: { id: "00000000-0000-4000-8000-000000000001" }, isAdmin: false }, job.id))).toMatchObject({ kind: "not_found" });
    expect(fs.existsSync(folder)).toBe(true);
    expect(await m.del.deleteJob(handle.db, { user: mine, isAdmin: false }, job.id)).toEqual({ id: job.id, kind: "generate_clip", removedVideo: false });
    expect(fs.existsSync(folder)).toBe(false);
    expect(await handle.db.select().from(jobsTable).where(eq(jobsTable.id, job.id))).toEqual([]);
    expect(await handle.db.select().from(jobLogs).where(eq(jobLogs.jobId, job.id))).toEqual([]);
    expect(await errorOf(m.jobs.getJobOrThrow(handle.db, admin, job.id))).toMatchObject({ kind: "not_found" });
    expect(fs.existsSync(path.join(work, "sample.mp4"))).toBe(true);

    // An upload registered for one analysis goes with it; one that two jobs use stays until the last.
    const upload = async () => {
      const tmp = path.join(dataDir, "tmp", `upload-${Date.now()}.mp4`);
      fs.mkdirSync(path.dirname(tmp), { recursive: true });
      fs.copyFileSync(path.join(work, "sample.mp4"), tmp);
      return m.videos.registerUpload(handle.db, admin, { field: "cvvrFile", filename: "cabin.mp4", path: tmp, size: fs.statSync(tmp).size, sha256: "0".repeat(64), mimeType: "video/mp4" });
    };
    const { video, probe } = await upload();
    const options = m.analysis.parseAnalysisOptions("");
    const first = await m.analysis.startAnalysis(handle.db, admin, { video, probe, tripId: "T", options });
    const second = await m.rerun.rerunJob(handle.db, admin, first.id, { fps: 1 });
    await Promise.all([first, second].map((j) => m.jobs.cancelJob(handle.db, admin, j.id)));
    expect((await m.del.deleteJob(handle.db, admin, first.id)).removedVideo).toBe(false);
    expect(fs.existsSync(video.path)).toBe(true);
    expect((await m.del.deleteJob(handle.db, admin, second.id)).removedVideo).toBe(true);
    expect(fs.existsSync(video.path)).toBe(false);
    expect(await handle.db.select().from(videos).where(eq(videos.id, video.id))).toEqual([]);
  });

  it("cancels a running job before deleting it: the run stops and leaves no files", async () => {
    const job = await m.jobs.createJob(handle.db, admin, { kind: "render", payload: { video_name: "long.mp4", height: 480 } });
    const running = await waitFor(job.id, (status) => status === "in_progress");
    const folder = path.join(dataDir, "jobs", job.id);
    await m.del.deleteJob(handle.db, admin, job.id, { graceMs: 1000 });
    expect(await handle.db.select().from(jobsTable).where(eq(jobsTable.id, job.id))).toEqual([]);
    const deadline = Date.now() + 30_000;
    let run;
    while ((run = (await handle.db.select().from(engineRuns).where(eq(engineRuns.id, running.runId!)))[0]).status !== "cancelled") {
      if (Date.now() > deadline) throw new Error(`run still ${run.status}`);
      await sleep(25);
    }
    await sleep(1000);
    expect(fs.existsSync(folder)).toBe(false);
  });
});
