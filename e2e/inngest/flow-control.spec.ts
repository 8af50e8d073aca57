import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { e2eVideoDir } from "../global-setup";
import { registerKey, withKey } from "../api/keys";
import { speechServerPort } from "../../playwright.inngest.config";
import { startSpeechServer, type SpeechServer } from "./speech-server";

/**
 * Retries, onFailure, concurrency, priority and cancel with the app in Inngest mode against the
 * real server (playwright.inngest.config.ts, INNGEST_E2E_STORE=postgres: PostgreSQL and Redis
 * behind it). The transcribe job is the probe: its one external call goes to the scripted
 * speech server (./speech-server.ts), which fails, waits or answers as each test needs and
 * records when each call came. Every other job kind runs once here too; the contracts' own
 * flows run in the SQLite run.
 */

type Job = { id: string; status: string; priority: number; error_message: string | null; started_at: string | null; completed_at: string | null; result_payload: { log: { message: string }[]; progress: number } | null };

let speech: SpeechServer;
const toneVideo = "tone-inngest.mp4";
const longVideo = "long-inngest.mp4";

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  const make = (name: string, args: string[]) => {
    const target = path.join(e2eVideoDir, name);
    if (!fs.existsSync(target)) execFileSync("ffmpeg", ["-v", "error", "-y", ...args, target]);
  };
  make(toneVideo, ["-f", "lavfi", "-i", "testsrc=duration=3:size=320x240:rate=10", "-f", "lavfi", "-i", "sine=frequency=440:duration=3", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest"]);
  make(longVideo, ["-f", "lavfi", "-i", "testsrc=duration=40:size=640x480:rate=30", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]);
  speech = await startSpeechServer(speechServerPort);
});
test.afterAll(async () => speech?.close());

async function create(request: APIRequestContext, type: string, payload: Record<string, unknown>, options: { priority?: number; headers?: Record<string, string> } = {}): Promise<Job> {
  const query = options.priority === undefined ? "" : `&priority=${options.priority}`;
  const response = await request.post(`/jobs/?job_type=${type}${query}`, { data: payload, headers: options.headers });
  expect(response.status(), await response.text()).toBe(202);
  return (await response.json()) as Job;
}

async function settled(request: APIRequestContext, id: string, timeout = 90_000, headers?: Record<string, string>): Promise<Job> {
  let last: Job | undefined;
  await expect
    .poll(async () => {
      last = (await (await request.get(`/jobs/${id}`, { headers })).json()) as Job;
      return last.completed_at !== null;
    }, { timeout, intervals: [250, 500] })
    .toBe(true);
  return last!;
}

const callsOf = (language: string) => speech.calls.filter((call) => call.language === language);

test("a step that fails once is retried and the job completes", async ({ request }) => {
  const job = await create(request, "transcribe", { video_name: toneVideo, language: "en-flaky" });
  const done = await settled(request, job.id);
  expect(done.status, done.error_message ?? "").toBe("completed");
  expect(callsOf("en-flaky").map((call) => call.status)).toEqual([503, 200]);
});

test("a step that fails on every attempt: three attempts (retries: 2), then onFailure marks the job failed", async ({ request }) => {
  const job = await create(request, "transcribe", { video_name: toneVideo, language: "en-fail" });
  const done = await settled(request, job.id);
  expect(done.status).toBe("failed");
  expect(done.error_message).toMatch(/^The speech-to-text server answered 500/);
  expect(done.result_payload!.log.at(-1)!.message).toMatch(/^Failed: The speech-to-text server answered 500/);
  expect(callsOf("en-fail").length).toBe(3);
  // No fourth attempt comes later.
  await new Promise((resolve) => setTimeout(resolve, 3000));
  expect(callsOf("en-fail").length).toBe(3);
});

test("one caller's steps run one at a time; two callers' run side by side", async ({ request }) => {
  speech.delayMs = 1500;
  try {
    const before = speech.calls.length;
    const mine = await Promise.all(["en-one", "en-two", "en-three"].map((language) => create(request, "transcribe", { video_name: toneVideo, language })));
    for (const job of mine) expect((await settled(request, job.id)).status).toBe("completed");
    const overlaps = (calls: typeof speech.calls) =>
      calls.some((a, i) => calls.some((b, j) => i !== j && a.startedAt < b.endedAt! && b.startedAt < a.endedAt!));
    expect(overlaps(speech.calls.slice(before))).toBe(false);

    const key = await registerKey(request, "inngest-caller");
    const ours = await create(request, "transcribe", { video_name: toneVideo, language: "en-anon" });
    const theirs = await create(request, "transcribe", { video_name: toneVideo, language: "en-keyed" }, { headers: withKey(key) });
    expect((await settled(request, ours.id)).status).toBe("completed");
    expect((await settled(request, theirs.id, 90_000, withKey(key))).status).toBe("completed");
    expect(overlaps([callsOf("en-anon")[0], callsOf("en-keyed")[0]])).toBe(true);
  } finally {
    speech.delayMs = 0;
  }
});

test("priority: behind a caller's busy slot, the waiting job with the higher priority starts first", async ({ request }) => {
  // The server alone starts waiting runs in the order they came; the app admits a caller's
  // jobs itself (lib/jobs/admission.ts, README "Inngest server").
  speech.delayMs = 2500;
  try {
    const blocker = await create(request, "transcribe", { video_name: toneVideo, language: "en-block" });
    await expect.poll(() => callsOf("en-block").length, { timeout: 60_000, intervals: [100] }).toBe(1);
    const low = await create(request, "transcribe", { video_name: toneVideo, language: "en-low" }, { priority: 0 });
    const high = await create(request, "transcribe", { video_name: toneVideo, language: "en-high" }, { priority: 300 });
    const done = [];
    for (const job of [blocker, low, high]) done.push(await settled(request, job.id));
    expect(done.map((job) => job.status)).toEqual(["completed", "completed", "completed"]);
    expect(callsOf("en-high")[0].startedAt).toBeLessThan(callsOf("en-low")[0].startedAt);
    expect(Date.parse(done[2].started_at!)).toBeLessThan(Date.parse(done[1].started_at!));
  } finally {
    speech.delayMs = 0;
  }
});

test("ingest, generate_clip, export, enhance, metadata, extract_features and reframe: one job each completes", async ({ request }) => {
  test.setTimeout(300_000);
  const editorJobs = await Promise.all([
    create(request, "ingest", { video_name: "pattern.mp4" }),
    create(request, "generate_clip", { video_name: toneVideo, prompt: "open the door" }),
    create(request, "export", { video_name: toneVideo, formats: ["srt", "edl"] }),
  ]);
  for (const job of editorJobs) {
    const done = await settled(request, job.id, 180_000);
    expect(done.status, `${job.id}: ${done.error_message}`).toBe("completed");
  }

  const clientId = `inngest-${Date.now()}`;
  const uploaded = await request.post("/upload", {
    multipart: { file: { name: "tone.mp4", mimeType: "video/mp4", buffer: fs.readFileSync(path.join(e2eVideoDir, toneVideo)) }, client_id: clientId },
  });
  expect(uploaded.status(), await uploaded.text()).toBe(200);
  const fileId = ((await uploaded.json()) as { file_id: string }).file_id;
  for (const status of [`/internal/video-enhancement-status/${fileId}`, `/internal/metadata-extraction-status/${fileId}`]) {
    await expect.poll(async () => ((await (await request.get(status)).json()) as { status: string }).status, { timeout: 180_000, intervals: [1000] }).toBe("completed");
  }

  const frame = execFileSync("ffmpeg", ["-v", "error", "-i", path.join(e2eVideoDir, "pattern.mp4"), "-frames:v", "1", "-f", "image2", "-c:v", "mjpeg", "pipe:1"]);
  const features = await request.post("/jobs/?job_type=extract_features", {
    multipart: {
      payload: JSON.stringify({ products: [{ product_id: "p_inngest", title: "Pattern" }], features: ["embedding"] }),
      fps: "1",
      "image:p_inngest": { name: "pattern.jpg", mimeType: "image/jpeg", buffer: frame },
      video: { name: "pattern.mp4", mimeType: "video/mp4", buffer: fs.readFileSync(path.join(e2eVideoDir, "pattern.mp4")) },
    },
  });
  expect(features.status(), await features.text()).toBe(202);
  const featuresJob = (await features.json()) as { id: string };
  await expect.poll(async () => ((await (await request.get(`/status/${featuresJob.id}`)).json()) as { phase: string }).phase, { timeout: 180_000, intervals: [1000] }).toBe("completed");

  const key = await registerKey(request, "inngest-reframe");
  const processed = await request.post("/process", {
    headers: withKey(key),
    multipart: { file: { name: "pattern.mp4", mimeType: "video/mp4", buffer: fs.readFileSync(path.join(e2eVideoDir, "pattern.mp4")) } },
  });
  expect(processed.status(), await processed.text()).toBe(200);
  const reframeId = ((await processed.json()) as { job_id: string }).job_id;
  await expect
    .poll(async () => ((await (await request.get(`/job/${reframeId}`, { headers: withKey(key) })).json()) as { status: string }).status, { timeout: 180_000, intervals: [2000] })
    .toBe("completed");
});

test("an analysis and its annotated video complete", async ({ request }) => {
  test.setTimeout(240_000);
  const started = await request.post("/api/jobs/start", { form: { tripId: "INNGEST-1", videoName: "pattern.mp4", options: JSON.stringify({ fps: 2, tasks: ["detect"] }) } });
  expect(started.status(), await started.text()).toBe(200);
  const { job_id: analysisId } = (await started.json()) as { job_id: string };
  const analysis = await settled(request, analysisId, 180_000);
  expect(analysis.status, analysis.error_message ?? "").toBe("completed");
  const requested = await request.post(`/api/jobs/${analysisId}/annotated`);
  expect(requested.status(), await requested.text()).toBe(202);
  let annotate: { status: string; error: string | null; video_url: string | null } | undefined;
  await expect
    .poll(async () => {
      annotate = ((await (await request.get(`/api/jobs/${analysisId}/annotated`)).json()) as { annotate: typeof annotate }).annotate;
      return annotate?.status;
    }, { timeout: 120_000, intervals: [500, 1000] })
    .toMatch(/^(completed|failed)$/);
  expect(annotate!.error).toBeNull();
  expect((await request.get(annotate!.video_url!)).status()).toBe(200);
});

test("cancel stops a running render: cancelled, no failure logged, the run ends", async ({ request }) => {
  const job = await create(request, "render", { video_name: longVideo, height: 1080, segments: [{ in: 0, out: 40 }, { in: 0, out: 40 }] });
  await expect
    .poll(async () => {
      const current = (await (await request.get(`/jobs/${job.id}`)).json()) as Job;
      return current.status === "in_progress" && (current.result_payload?.progress ?? 0) > 0.02;
    }, { timeout: 60_000, intervals: [100] })
    .toBe(true);
  const cancelled = await request.post(`/jobs/${job.id}/cancel`);
  expect(cancelled.status()).toBe(200);
  expect(((await cancelled.json()) as Job).status).toBe("cancelled");
  const ffmpegRunning = () => execFileSync("ps", ["-eo", "args"], { encoding: "utf8" }).split("\n").filter((line) => line.startsWith("ffmpeg") && line.includes(job.id));
  await expect.poll(() => ffmpegRunning().length, { timeout: 10_000 }).toBe(0);
  // Long enough for a retry or onFailure to show if the server had not cancelled the run.
  await new Promise((resolve) => setTimeout(resolve, 5000));
  const after = (await (await request.get(`/jobs/${job.id}`)).json()) as Job;
  expect(after.status).toBe("cancelled");
  expect(after.error_message).toBeNull();
  const messages = after.result_payload!.log.map((line) => line.message);
  expect(messages.filter((message) => message.startsWith("Failed"))).toEqual([]);
  expect(messages.at(-1)).toBe("Cancelled");
  expect(ffmpegRunning()).toEqual([]);
});
