import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { testDatabases } from "@/lib/db/testing";
import type { DatabaseHandle } from "@/lib/db/client";
import { engineRuns, jobs as jobsTable } from "@/lib/db/schema";
import { resetEnvForTests } from "@/lib/env";
import { isAppError } from "@/lib/errors";
import { subscribe } from "@/lib/ws/hub";

/**
 * The job verbs and the editor-jobs serializer over the real path: createJob -> the app's
 * Inngest client -> the local engine's event API -> the real serve() handler with the app's
 * job functions (real ffprobe/ffmpeg) -> lib/jobs writes, on PGlite and on PostgreSQL.
 * What the route handlers do, minus next-auth: the lead's e2e suite covers the HTTP edge.
 */

const work = fs.mkdtempSync(path.join(os.tmpdir(), "framewise-jobs-"));
let app: { url: string; close: () => Promise<void> } | undefined;
let appUrl: string;

// Modules that read the configuration at import time are loaded after it is set.
type Modules = {
  jobs: typeof import("@/lib/jobs");
  serializer: typeof import("@/lib/jobs/serializers/editor-job");
  engine: typeof import("@/inngest/engine");
  users: typeof import("@/lib/auth/users");
  videos: typeof import("@/lib/videos/register-video");
  events: typeof import("@/inngest/events");
  client: typeof import("@/inngest/client");
};
let m: Modules;

beforeAll(async () => {
  execFileSync("ffmpeg", [
    ...["-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=15", "-f", "lavfi", "-i", "sine=frequency=440"],
    ...["-t", "2", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", path.join(work, "sample.mp4")],
  ]);
  execFileSync("ffmpeg", [
    ...["-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=size=640x480:rate=30", "-t", "30"],
    ...["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", path.join(work, "long.mp4")],
  ]);

  // PORT is deliberately wrong: the client must find the engine through the URL it was started with.
  Object.assign(process.env, { PORT: "1", DATA_DIR: path.join(work, "data"), VIDEO_INPUT_DIR: work, ENGINE_BACKOFF_MS: "50" });
  delete process.env.INNGEST_BASE_URL;
  delete process.env.INNGEST_EVENT_KEY;
  resetEnvForTests();

  m = {
    jobs: await import("@/lib/jobs"),
    serializer: await import("@/lib/jobs/serializers/editor-job"),
    engine: await import("@/inngest/engine"),
    users: await import("@/lib/auth/users"),
    videos: await import("@/lib/videos/register-video"),
    events: await import("@/inngest/events"),
    client: await import("@/inngest/client"),
  };
  app = await (await import("@/inngest/engine/testing")).serveAppForTests();
  appUrl = app.url;
});

afterAll(async () => {
  await app?.close();
  fs.rmSync(work, { recursive: true, force: true });
});

const anonymous = { user: null, isAdmin: false };
const admin = { user: null, isAdmin: true };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** What lib/http/base-url.ts gives the routes: the serializer makes file paths absolute with it. */
const baseUrl = "https://framewise.example";

describe.each(testDatabases)("jobs on %s", (kind) => {
  let handle: DatabaseHandle;

  beforeAll(async () => {
    handle = await (await import("@/inngest/engine/testing")).startEngineOnTestDatabase(kind, appUrl);
  });
  afterAll(async () => {
    await m.engine.stopLocalEngine();
    await handle?.close();
  });

  async function waitForJob(id: string, until: (status: string) => boolean = (s) => ["completed", "failed", "cancelled"].includes(s)) {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const job = await m.jobs.getJobOrThrow(handle.db, admin, id);
      if (until(job.status)) return m.serializer.toEditorJob(job, await m.jobs.listJobLogs(handle.db, id), baseUrl);
      if (Date.now() > deadline) throw new Error(`job ${id} still ${job.status}`);
      await sleep(25);
    }
  }

  it("creates a queued job and runs it to completed, with progress and log", async () => {
    const messages: unknown[] = [];
    const job = await m.jobs.createJob(handle.db, anonymous, {
      kind: "ingest",
      priority: 5,
      clientId: `client-${kind}`,
      payload: { video_name: "sample.mp4", project_id: "proj_123" },
    });
    const unsubscribe = [subscribe(`job:${job.id}`, (message) => messages.push(message)), subscribe(`client:client-${kind}`, () => {})];
    const created = m.serializer.toEditorJob(job, [], baseUrl);
    expect(created).toMatchObject({
      id: job.id,
      job_type: "ingest",
      status: "queued",
      queue_name: "framewise-jobs",
      priority: 5,
      clip_version_id: null,
      payload: { video_name: "sample.mp4", project_id: "proj_123" },
      result_payload: null,
      error_message: null,
      started_at: null,
      completed_at: null,
    });
    expect(created.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$/);

    const done = await waitForJob(job.id);
    unsubscribe.forEach((stop) => stop());
    expect(done.status).toBe("completed");
    expect(done.result_payload?.progress).toBe(1);
    expect(done.result_payload?.log.map((line) => line.message)).toEqual([
      "Started ingest",
      expect.stringMatching(/^Probed: 2\.0 s, 320x240 h264, audio aac$/),
      "Made the web proxy (H.264, 1 s keyframes)",
      expect.stringMatching(/^Made a 2-thumbnail sprite$/),
      expect.stringMatching(/^Waveform: \d+ peaks$/),
      expect.stringMatching(/^Loudness and \d+ shots$/),
      "Completed ingest",
    ]);
    expect(done.result_payload?.log[0].timestamp).toMatch(/\+00:00$/);
    expect(done.started_at).not.toBeNull();
    expect(done.completed_at).not.toBeNull();
    // Absolute, as every contract's links are; stored as paths.
    const files = (done.result_payload as unknown as { files: Record<string, string> }).files;
    expect(Object.keys(files).sort()).toEqual(["poster", "proxy", "shots", "sprite", "sprite_vtt", "waveform"]);
    for (const url of Object.values(files)) expect(url).toMatch(new RegExp(`^${baseUrl}/jobs/${job.id}/files/[^/]+$`));
    const stored = (await m.jobs.getJobOrThrow(handle.db, anonymous, job.id)).resultPayload as { files: Record<string, string> };
    expect(stored.files.proxy).toMatch(new RegExp(`^/jobs/${job.id}/files/`));
    // Named as the caller named it: no host path in the result.
    expect((done.result_payload as unknown as { media: Record<string, unknown> }).media).toMatchObject({ name: "sample.mp4", source_asset_id: null, video: { width: 320 } });
    expect(JSON.stringify(done)).not.toContain(work);
    expect(messages.length).toBeGreaterThan(3);
    const row = await m.jobs.getJobOrThrow(handle.db, anonymous, job.id);
    // The job is completed by the run's last step; the run itself ends one call later.
    const deadline = Date.now() + 10_000;
    while ((await handle.db.select().from(engineRuns).where(eq(engineRuns.id, row.runId!)))[0].status !== "completed") {
      if (Date.now() > deadline) throw new Error("run did not complete");
      await sleep(25);
    }
  });

  it("fails the job with a clear message when the video is missing, without retries", async () => {
    const job = await m.jobs.createJob(handle.db, anonymous, { kind: "ingest", payload: { video_name: "missing.mp4" } });
    const done = await waitForJob(job.id);
    expect(done.status).toBe("failed");
    expect(done.error_message).toBe("Video file not found: missing.mp4");
    expect(done.completed_at).not.toBeNull();
  });

  it("runs the other job kinds' real steps", async () => {
    const created = await Promise.all(
      (["transcribe", "generate_clip", "render", "export"] as const).map((jobKind) =>
        m.jobs.createJob(handle.db, anonymous, { kind: jobKind, payload: { video_name: "sample.mp4", start: 0.5, end: 1.5, height: 144 } }),
      ),
    );
    for (const job of created) {
      const done = await waitForJob(job.id);
      expect(done.status, `${job.kind}: ${done.error_message}`).toBe("completed");
    }
    // Outputs live in the job's media folder, the one storage layout (lib/storage/layout.ts),
    // and results name them relative to the data folder.
    expect(fs.existsSync(path.join(work, "data", "jobs", created[1].id, "media", "clip.mp4"))).toBe(true);
    const clip = await waitForJob(created[1].id);
    expect((clip.result_payload as unknown as { clips: { url: string }[] }).clips[0]).toMatchObject({ start: 0.5, end: 1.5, url: `${baseUrl}/jobs/${created[1].id}/files/clip.mp4` });
  });

  it("renders segments that each name their video, with no source of its own", async () => {
    const job = await m.jobs.createJob(handle.db, anonymous, {
      kind: "render",
      payload: { segments: [{ video_name: "sample.mp4", in: 0, out: 1 }, { video_name: "long.mp4", in: 2, out: 3 }], height: 144, loudness: null },
    });
    const done = await waitForJob(job.id);
    expect(done.status, done.error_message ?? "").toBe("completed");
    expect(done.payload).not.toHaveProperty("video_name");
    const result = done.result_payload as unknown as { files: { video: string }; render: { segments: number; duration: number } };
    expect(result.render.segments).toBe(2);
    expect(result.render.duration).toBeCloseTo(2, 0);
    expect(result.files.video).toBe(`${baseUrl}/jobs/${job.id}/files/render.mp4`);
  });

  it("cancels a running job and its run", async () => {
    const job = await m.jobs.createJob(handle.db, anonymous, { kind: "render", payload: { video_name: "long.mp4", height: 480 } });
    await waitForJob(job.id, (status) => status === "in_progress");
    const cancelled = await m.jobs.cancelJob(handle.db, anonymous, job.id);
    expect(cancelled.status).toBe("cancelled");
    const deadline = Date.now() + 30_000;
    let run;
    while ((run = (await handle.db.select().from(engineRuns).where(eq(engineRuns.id, cancelled.runId!)))[0]).status !== "cancelled") {
      if (Date.now() > deadline) throw new Error(`run still ${run.status}`);
      await sleep(25);
    }
    await sleep(200);
    const after = await waitForJob(job.id);
    expect(after.status).toBe("cancelled");
    expect(after.completed_at).not.toBeNull();
    expect(after.result_payload?.log.map((line) => line.message)).not.toContain("Completed render");
    expect(after.result_payload?.log.map((line) => line.message).filter((message) => message.startsWith("Failed"))).toEqual([]);
    expect(after.result_payload?.log.at(-1)?.message).toBe("Cancelled");
  });

  it("a job cancelled before its run is: the stopped step's failure logs no stray Failed line", async () => {
    // What Inngest's cloud may do: the cancel event is taken asynchronously, so the step sees the
    // row cancelled, stops ffmpeg and fails its run, and onFailure runs, before the run is cancelled.
    const job = await m.jobs.createJob(handle.db, anonymous, { kind: "render", payload: { video_name: "long.mp4", height: 480 } });
    await waitForJob(job.id, (status) => status === "in_progress");
    await sleep(300);
    const row = await m.jobs.setJobStatus(handle.db, job.id, "cancelled");
    expect(row?.runId).toBeTruthy();
    const deadline = Date.now() + 30_000;
    let run;
    while (!["failed", "cancelled"].includes((run = (await handle.db.select().from(engineRuns).where(eq(engineRuns.id, row!.runId!)))[0])?.status ?? "")) {
      if (Date.now() > deadline) throw new Error(`run still ${run?.status}`);
      await sleep(50);
    }
    expect(run!.status).toBe("failed");
    await sleep(1500); // onFailure's own run
    const after = await waitForJob(job.id);
    expect(after.status).toBe("cancelled");
    expect(after.error_message).toBeNull();
    expect(after.result_payload?.log.map((line) => line.message).filter((message) => message.startsWith("Failed"))).toEqual([]);
    expect(fs.existsSync(path.join(work, "data", "jobs", job.id, "media"))).toBe(false);
  });

  it("answers not_found for unknown or malformed ids", async () => {
    const missing = "00000000-0000-4000-8000-000000000000";
    for (const id of [missing, "job_789"]) {
      const error = await m.jobs.getJobOrThrow(handle.db, anonymous, id).catch((e: unknown) => e);
      expect(isAppError(error) && error.kind).toBe("not_found");
      expect((error as Error).message).toBe(`Job ${id} not found`);
    }
  });

  it("filters by owner: own jobs, admins all, anonymous jobs by id", async () => {
    const alice = await m.users.createUser(handle.db, { email: `alice-${kind}@example.com`, password: "password-a" });
    const bob = await m.users.createUser(handle.db, { email: `bob-${kind}@example.com`, password: "password-b" });
    const asAlice = { user: alice, isAdmin: false };
    const asBob = { user: bob, isAdmin: false };
    const job = await m.jobs.createJob(handle.db, asAlice, { kind: "ingest", payload: { video_name: "missing.mp4" } });
    expect((await m.jobs.getJobOrThrow(handle.db, asAlice, job.id)).id).toBe(job.id);
    expect((await m.jobs.getJobOrThrow(handle.db, admin, job.id)).id).toBe(job.id);
    await expect(m.jobs.getJobOrThrow(handle.db, asBob, job.id)).rejects.toThrow(`Job ${job.id} not found`);
    await expect(m.jobs.getJobOrThrow(handle.db, anonymous, job.id)).rejects.toThrow("not found");
    expect((await m.jobs.listJobs(handle.db, asAlice)).map((j) => j.id)).toEqual([job.id]);
    expect(await m.jobs.listJobs(handle.db, asBob)).toEqual([]);
    expect(await m.jobs.listJobs(handle.db, anonymous)).toEqual([]);
    expect((await m.jobs.listJobs(handle.db, admin)).length).toBeGreaterThan(1);
    await waitForJob(job.id).catch(() => {});
  });

  it("refuses host paths and other users' videos at creation; runs on a video the owner may see", async () => {
    const carol = await m.users.createUser(handle.db, { email: `carol-${kind}@example.com`, password: "password-c" });
    const dave = await m.users.createUser(handle.db, { email: `dave-${kind}@example.com`, password: "password-d" });
    const asCarol = { user: carol, isAdmin: false };
    const asDave = { user: dave, isAdmin: false };
    const { video } = await m.videos.registerServerVideo(handle.db, asCarol, path.join(work, "sample.mp4"), "sample.mp4");

    for (const payload of [{ path: "/etc/hostname" }, { path: "sample.mp4", video_name: "sample.mp4" }]) {
      const error = await m.jobs.createJob(handle.db, anonymous, { kind: "ingest", payload }).catch((e: unknown) => e);
      expect(isAppError(error) && error.kind).toBe("bad_request");
      expect((error as Error).message).toMatch(/^Request body 'path': naming a file on the server is not allowed/);
    }
    const stranger = await m.jobs.createJob(handle.db, asDave, { kind: "ingest", payload: { source_asset_id: video.id } }).catch((e: unknown) => e);
    expect(isAppError(stranger) && stranger.kind).toBe("not_found");
    expect((stranger as Error).message).toBe(`Source asset ${video.id} not found`);
    await expect(m.jobs.createJob(handle.db, anonymous, { kind: "ingest", payload: { source_asset_id: video.id } })).rejects.toThrow("not found");
    expect((await m.jobs.listJobs(handle.db, asDave)).length).toBe(0);

    const job = await m.jobs.createJob(handle.db, asCarol, { kind: "ingest", payload: { source_asset_id: video.id } });
    const done = await waitForJob(job.id);
    expect(done.status, done.error_message ?? "").toBe("completed");
    expect((done.result_payload as unknown as { media: Record<string, unknown> }).media).toMatchObject({ name: "sample.mp4", source_asset_id: video.id });
  });

  it("checks a stored payload again in the run's first step, without retries", async () => {
    // A row written before payloads had schemas (or by hand): the run must not trust it.
    const [row] = await handle.db.insert(jobsTable).values({ kind: "ingest", payload: { path: "/etc/hostname" } }).returning();
    await m.client.inngest.send(m.events.jobRequestedEvents.ingest.create({ jobId: row.id, priority: 0 }, { id: `job-${row.id}` }));
    const done = await waitForJob(row.id);
    expect(done.status).toBe("failed");
    expect(done.error_message).toMatch(/^Request body 'path': naming a file on the server is not allowed/);
    expect(done.result_payload?.log.map((line) => line.message)).not.toContain("Completed ingest");
  });

  it("never moves a finished job", async () => {
    const job = await m.jobs.createJob(handle.db, anonymous, { kind: "ingest", payload: { video_name: "missing.mp4" } });
    await waitForJob(job.id);
    expect(await m.jobs.setJobStatus(handle.db, job.id, "completed")).toBeNull();
    expect(await m.jobs.reportProgress(handle.db, job.id, { processed: 1, total: 1 })).toBeNull();
    expect((await m.jobs.getJobOrThrow(handle.db, anonymous, job.id)).status).toBe("failed");
  });

  it("answers unavailable when the engine cannot take work", async () => {
    await m.engine.stopLocalEngine();
    expect(await m.engine.engineDiagnostics()).toEqual({ mode: "local", accepting: false, queued: 0, running: 0 });
    const error = await m.jobs.createJob(handle.db, anonymous, { kind: "ingest", payload: { video_name: "sample.mp4" } }).catch((e: unknown) => e);
    expect(isAppError(error) && error.kind).toBe("unavailable");
    expect((error as Error).message).toMatch(/^Failed to enqueue job: .*local engine is not running/);
    await m.engine.startLocalEngine({ appUrl, db: handle.db });
    expect((await m.engine.engineDiagnostics()).accepting).toBe(true);
  });
});
