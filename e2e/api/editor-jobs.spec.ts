import fs from "node:fs";
import path from "node:path";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { e2eVideoDir } from "../global-setup";

/**
 * contracts/editor-jobs.md over real HTTP: a job is created with the query string as metadata
 * and the JSON body as its payload, runs on the local engine, and is polled to completion;
 * unknown jobs and bad types keep the {detail} envelope; a running job can be cancelled.
 * (The 503 when the engine cannot take a job is inngest/functions/jobs.test.ts's: this server is shared.)
 */

const timestamp = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$/;
// Jobs name videos inside VIDEO_INPUT_DIR by name (or an upload by its id), never by host path.
const hasVtest = fs.existsSync(path.join(e2eVideoDir, "vtest.mp4"));

type EditorJob = {
  id: string;
  created_at: string;
  updated_at: string;
  clip_version_id: string | null;
  job_type: string;
  status: string;
  queue_name: string;
  priority: number;
  payload: Record<string, unknown>;
  result_payload: ({ progress: number; log: { timestamp: string; message: string }[] } & Record<string, unknown>) | null;
  error_message: string | null;
  started_at: string | null;
  completed_at: string | null;
};

const recordKeys = [
  "id",
  "created_at",
  "updated_at",
  "clip_version_id",
  "job_type",
  "status",
  "queue_name",
  "priority",
  "payload",
  "result_payload",
  "error_message",
  "started_at",
  "completed_at",
].sort();

async function getJob(request: APIRequestContext, id: string): Promise<EditorJob> {
  const response = await request.get(`/jobs/${id}`);
  expect(response.status()).toBe(200);
  return (await response.json()) as EditorJob;
}

async function pollJob(request: APIRequestContext, id: string, until: (job: EditorJob) => boolean, timeout = 60_000): Promise<EditorJob> {
  let last: EditorJob | undefined;
  await expect
    .poll(
      async () => {
        last = await getJob(request, id);
        return until(last);
      },
      { timeout, intervals: [100, 250, 500] },
    )
    .toBe(true);
  return last!;
}

test("POST /jobs/ queues an ingest job that GET /jobs/{id} follows to completion", async ({ request }) => {
  const payload = { video_name: "pattern.mp4", project_id: "proj_123" };
  const response = await request.post("/jobs/?job_type=ingest&priority=5", { data: payload });
  expect(response.status(), await response.text()).toBe(202);
  const job = (await response.json()) as EditorJob;
  expect(Object.keys(job).sort()).toEqual(recordKeys);
  expect(job).toMatchObject({
    clip_version_id: null,
    job_type: "ingest",
    priority: 5,
    payload,
    error_message: null,
    completed_at: null,
  });
  expect(job.id).toMatch(/^[0-9a-f-]{36}$/);
  expect(["queued", "pending", "in_progress"]).toContain(job.status);
  expect(typeof job.queue_name).toBe("string");
  expect(job.queue_name.length).toBeGreaterThan(0);
  expect(job.created_at).toMatch(timestamp);
  expect(job.updated_at).toMatch(timestamp);
  if (job.status !== "in_progress") {
    // The contract's 202 example: nothing has run yet.
    expect(job.result_payload).toBeNull();
    expect(job.started_at).toBeNull();
  }

  const done = await pollJob(request, job.id, (current) => current.completed_at !== null || current.error_message !== null);
  expect(Object.keys(done).sort()).toEqual(recordKeys);
  expect(done).toMatchObject({
    id: job.id,
    created_at: job.created_at,
    job_type: "ingest",
    status: "completed",
    queue_name: job.queue_name,
    priority: 5,
    payload,
    error_message: null,
    clip_version_id: null,
  });
  expect(done.started_at).toMatch(timestamp);
  expect(done.completed_at).toMatch(timestamp);
  expect(done.updated_at).toMatch(timestamp);
  expect(Date.parse(done.completed_at!)).toBeGreaterThanOrEqual(Date.parse(done.started_at!));
  expect(done.result_payload).not.toBeNull();
  expect(done.result_payload!.progress).toBe(1);
  expect(done.result_payload!.log.length).toBeGreaterThan(0);
  for (const entry of done.result_payload!.log) {
    expect(entry).toEqual({ timestamp: expect.stringMatching(timestamp), message: expect.any(String) });
  }
  const messages = done.result_payload!.log.map((entry) => entry.message);
  expect(messages[0]).toBe("Started ingest");
  expect(messages.at(-1)).toBe("Completed ingest");

  // The same record under the contract's prefix.
  const prefixed = await request.get(`/editor/jobs/${job.id}`);
  expect(prefixed.status()).toBe(200);
  expect(await prefixed.json()).toEqual(done);
});

test("unknown jobs and bad requests keep the {detail} envelope", async ({ request }) => {
  const missing = await request.get("/jobs/job_789");
  expect(missing.status()).toBe(404);
  expect(await missing.json()).toEqual({ detail: "Job job_789 not found" });
  const unknownUuid = "00000000-0000-4000-8000-000000000000";
  const missingUuid = await request.get(`/jobs/${unknownUuid}`);
  expect(missingUuid.status()).toBe(404);
  expect(await missingUuid.json()).toEqual({ detail: `Job ${unknownUuid} not found` });
  const cancelMissing = await request.post("/jobs/job_789/cancel");
  expect(cancelMissing.status()).toBe(404);
  expect(await cancelMissing.json()).toEqual({ detail: "Job job_789 not found" });

  const badType = await request.post("/jobs/?job_type=teleport", { data: { video_name: "pattern.mp4" } });
  expect(badType.status()).toBe(400);
  const badTypeBody = await badType.json();
  expect(Object.keys(badTypeBody)).toEqual(["detail"]);
  expect(badTypeBody.detail).toMatch(/job_type/);

  const noType = await request.post("/jobs/", { data: { video_name: "pattern.mp4" } });
  expect(noType.status()).toBe(400);
  expect((await noType.json()).detail).toMatch(/job_type/);

  const badPriority = await request.post("/jobs/?job_type=ingest&priority=high", { data: { video_name: "pattern.mp4" } });
  expect(badPriority.status()).toBe(400);
  expect((await badPriority.json()).detail).toMatch(/priority/);

  const notAnObject = await request.post("/jobs/?job_type=ingest", { data: Buffer.from("[1,2]"), headers: { "content-type": "application/json" } });
  expect(notAnObject.status()).toBe(400);
  expect((await notAnObject.json()).detail).toMatch(/^Request body/);

  const badJson = await request.post("/jobs/?job_type=ingest", { data: Buffer.from("{nope"), headers: { "content-type": "application/json" } });
  expect(badJson.status()).toBe(400);
  expect(await badJson.json()).toEqual({ detail: "Request body is not valid JSON" });
});

test("a job whose payload names no file fails with its reason", async ({ request }) => {
  const response = await request.post("/jobs/?job_type=ingest", { data: { video_name: "missing.mp4" } });
  expect(response.status()).toBe(202);
  const job = (await response.json()) as EditorJob;
  expect(job.priority).toBe(0);
  const failed = await pollJob(request, job.id, (current) => current.completed_at !== null || current.error_message !== null);
  expect(failed.status).toBe("failed");
  expect(failed.error_message).toBe("Video file not found: missing.mp4");
  expect(failed.completed_at).toMatch(timestamp);
});

test("POST /jobs/{id}/cancel stops a running render job", async ({ request }) => {
  // The longest local video renders for several seconds, long enough to be caught running.
  const source = hasVtest ? "vtest.mp4" : "pattern.mp4";
  const response = await request.post("/jobs/?job_type=render&priority=3&clip_version_id=cv_1", { data: { video_name: source, height: 720 } });
  expect(response.status()).toBe(202);
  const job = (await response.json()) as EditorJob;
  expect(job).toMatchObject({ job_type: "render", priority: 3, clip_version_id: "cv_1", payload: { video_name: source, height: 720 } });

  const running = await pollJob(request, job.id, (current) => current.status !== "queued" && current.status !== "pending", 30_000);
  expect(running.status).toBe("in_progress");
  expect(running.started_at).toMatch(timestamp);

  const cancel = await request.post(`/jobs/${job.id}/cancel`);
  expect(cancel.status()).toBe(200);
  const cancelled = (await cancel.json()) as EditorJob;
  expect(Object.keys(cancelled).sort()).toEqual(recordKeys);
  expect(cancelled).toMatchObject({ id: job.id, status: "cancelled", job_type: "render" });
  expect(cancelled.completed_at).toMatch(timestamp);

  // The run does not bring it back: a finished job never changes again.
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  const after = await getJob(request, job.id);
  expect(after.status).toBe("cancelled");
  expect(after.completed_at).toBe(cancelled.completed_at);

  // Cancelling again returns the finished job unchanged.
  const again = await request.post(`/jobs/${job.id}/cancel`);
  expect(again.status()).toBe(200);
  expect(await again.json()).toMatchObject({ status: "cancelled", completed_at: cancelled.completed_at });
});

test("GET /health/ and /health/diagnostics answer the contract's shapes", async ({ request }) => {
  const health = await request.get("/health/");
  expect(health.status()).toBe(200);
  expect(await health.json()).toEqual({ status: "ok", app: expect.any(String), environment: "production" });

  const response = await request.get("/health/diagnostics");
  expect(response.status()).toBe(200);
  const diagnostics = await response.json();
  expect(["ok", "degraded"]).toContain(diagnostics.status);
  expect(typeof diagnostics.app).toBe("string");
  expect(diagnostics.environment).toBe("production");
  // Anonymous callers see each part's state; the details are for admins (security-access.spec.ts).
  expect(diagnostics.orchestration).toEqual({ status: "ok" });
  expect(diagnostics.database).toEqual({ status: "ok" });
  // The contract's queue object (the engine's counts in place of Redis's figures are for admins).
  // In Inngest mode (playwright.inngest.config.ts) the broker is the Inngest server.
  expect(diagnostics.queue).toEqual({ connected: true, broker_url: process.env.E2E_BROKER ?? "local-engine" });

  const prefixed = await request.get("/editor/health/diagnostics");
  expect(prefixed.status()).toBe(200);
  expect((await prefixed.json()).orchestration).toEqual({ status: "ok" });
});
