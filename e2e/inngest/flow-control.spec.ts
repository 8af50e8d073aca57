import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { e2eVideoDir } from "../global-setup";
import { registerKey, withKey } from "../api/keys";
import { speechServerPort } from "../../playwright.inngest.config";
import { startSpeechServer, type SpeechServer } from "./speech-server";

/**
 * Retries, onFailure, concurrency and cancel with the app in Inngest mode against the
 * real server (playwright.inngest.config.ts, INNGEST_E2E_STORE=postgres: PostgreSQL and Redis
 * behind it). The transcribe job is the probe: its one external call goes to the scripted
 * speech server (./speech-server.ts), which fails, waits or answers as each test needs and
 * records when each call came. The contracts' own flows run in the SQLite run.
 * Priority is not here: the real server does not order runs that wait on a concurrency key by
 * priority (README, "Inngest server").
 */

type Job = { id: string; status: string; priority: number; error_message: string | null; completed_at: string | null; result_payload: { log: { message: string }[]; progress: number } | null };

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
