import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { registerKey, startServerAnalysis, withKey } from "../api/keys";
import { e2eVideoDir } from "../global-setup";
import { crash, restore } from "./parts";

/**
 * Parts of the cluster die while a job runs, and the job still ends as it would have: a web
 * replica killed -9, the Inngest server killed and started again, a worker killed, PostgreSQL
 * stopped for 10 s. Each faulted run is compared with an unfaulted run of the same analysis:
 * the same events, none twice.
 */
test.describe.configure({ mode: "serial" });

const video = fs.existsSync(path.join(e2eVideoDir, "vtest.mp4")) ? "vtest.mp4" : "pattern.mp4";
const options = { fps: 3, tasks: ["detect"] };
type Event = Record<string, unknown>;

let key = "";
let reference: Event[] = [];

async function start(request: APIRequestContext, tripId: string): Promise<string> {
  const started = await startServerAnalysis(request, key, { tripId, videoName: video, options });
  expect(started.status(), await started.text()).toBe(200);
  return ((await started.json()) as { job_id: string }).job_id;
}

/** Waits until the job has processed some frames but not all: the moment to break something. */
async function midway(request: APIRequestContext, jobId: string): Promise<void> {
  await expect
    .poll(async () => {
      const progress = (await (await request.get(`/api/jobs/${jobId}/progress`, { headers: withKey(key) })).json()) as { processed: number; done: boolean };
      expect(progress.done).toBe(false);
      return progress.processed > 0;
    }, { timeout: 120_000, intervals: [200] })
    .toBe(true);
}

/** Polls the job's progress to done; any answer but a 200 without an error fails with what it said. */
async function finished(request: APIRequestContext, jobId: string): Promise<void> {
  await expect
    .poll(async () => {
      const response = await request.get(`/api/jobs/${jobId}/progress`, { headers: withKey(key) });
      const text = await response.text();
      expect(response.status(), text).toBe(200);
      const progress = JSON.parse(text) as { done: boolean; error: string | null };
      expect(progress.error, text).toBeNull();
      return progress.done;
    }, { timeout: 240_000, intervals: [1000] })
    .toBe(true);
}

/** Every event of the job with what differs between runs (ids, media names and URLs) left out. */
async function events(request: APIRequestContext, jobId: string): Promise<Event[]> {
  const all: Event[] = [];
  for (let page = 1; ; page++) {
    const response = await request.get(`/api/jobs/${jobId}/results?page=${page}&page_size=100`, { headers: withKey(key) });
    expect(response.status(), await response.text()).toBe(200);
    const body = (await response.json()) as { events: Event[]; total_pages: number };
    all.push(...body.events);
    if (page >= body.total_pages) break;
  }
  return all.map((event) => Object.fromEntries(Object.entries(event).filter(([name]) => !/id$|Id$|image|clip|url/i.test(name))));
}

test.beforeAll(async ({ request }) => {
  key = await registerKey(request, "cluster-faults");
  const jobId = await start(request, "FAULT-REF");
  await finished(request, jobId);
  reference = await events(request, jobId);
});

test.afterEach(() => {
  restore();
});

test("a web replica killed -9 mid-job: the job completes once, through the other", async ({ request }) => {
  const jobId = await start(request, "FAULT-WEB");
  await midway(request, jobId);
  crash("web-1");
  await finished(request, jobId);
  expect(await events(request, jobId)).toEqual(reference);
});

test("the Inngest server killed and started again mid-job: the run resumes", async ({ request }) => {
  const jobId = await start(request, "FAULT-INNGEST");
  await midway(request, jobId);
  crash("inngest");
  await new Promise((resolve) => setTimeout(resolve, 2000));
  restore();
  await finished(request, jobId);
  expect(await events(request, jobId)).toEqual(reference);
});

test("a worker killed mid-job: its chunks are done by the other", async ({ request }) => {
  const jobId = await start(request, "FAULT-WORKER");
  await midway(request, jobId);
  crash("worker-1");
  await finished(request, jobId);
  expect(await events(request, jobId)).toEqual(reference);
});

test("PostgreSQL stopped for 10 s: 503 with a detail meanwhile, then everything resumes", async ({ request }) => {
  const jobId = await start(request, "FAULT-PG");
  await midway(request, jobId);
  execFileSync("bash", ["scripts/postgres.sh", "stop"], { stdio: "inherit" });
  try {
    const during = await request.get(`/api/jobs/${jobId}`, { headers: withKey(key) });
    expect(during.status()).toBe(503);
    expect(await during.json()).toEqual({ detail: expect.stringMatching(/database/i) });
    await new Promise((resolve) => setTimeout(resolve, 10_000));
  } finally {
    execFileSync("bash", ["scripts/postgres.sh"], { stdio: ["ignore", "ignore", "inherit"] });
  }
  await finished(request, jobId);
  expect(await events(request, jobId)).toEqual(reference);
});
