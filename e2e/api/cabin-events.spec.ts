import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { allowedOrigin } from "../../playwright.config";
import { e2eVideoDir } from "../global-setup";

/**
 * contracts/cabin-events.md over real HTTP, the way its curl examples call it: an upload is
 * analysed to the end, its events paged through, their clips fetched with Range; then every
 * documented error. The job is uploaded once per worker and shared by the tests that read it.
 */

const hasVtest = fs.existsSync(path.join(e2eVideoDir, "vtest-12s.mp4"));
const uploadName = hasVtest ? "vtest-12s.mp4" : "pattern.mp4";
const uploadPath = path.join(e2eVideoDir, uploadName);
const unknownJob = "00000000-0000-4000-8000-000000000000";
const analysisTimeout = 150_000;

type Created = { job_id: string; status_url: string; progress_url: string; results_url: string };
type Progress = { processed: number; total: number; done: boolean; error: string | null; notFound?: boolean };
type CabinEvent = {
  label: string;
  activityImage: string | null;
  activityClip: string | null;
  activityImageUrl: string | null;
  activityClipUrl: string | null;
};
type Results = {
  job_id: string;
  trip_id: string;
  events: CabinEvent[];
  page: number;
  page_size: number;
  total: number;
  start: number;
  end: number;
  total_pages: number;
};

let created: Created | undefined;
let finished = false;

function upload(request: APIRequestContext, fields: Record<string, string | { name: string; mimeType: string; buffer: Buffer }>) {
  return request.post("/api/jobs", { multipart: fields });
}

/** The uploaded job (POST /api/jobs once per worker). */
async function uploadedJob(request: APIRequestContext): Promise<Created> {
  if (created) return created;
  const response = await upload(request, {
    tripId: "TRIP-001",
    cvvrFile: { name: uploadName, mimeType: "video/mp4", buffer: fs.readFileSync(uploadPath) },
  });
  expect(response.status(), await response.text()).toBe(200);
  created = (await response.json()) as Created;
  return created;
}

/** Polls `progressUrl` until done; returns the last answer. */
async function pollUntilDone(request: APIRequestContext, progressUrl: string, timeout = analysisTimeout): Promise<Progress> {
  let last: Progress | undefined;
  await expect
    .poll(
      async () => {
        const response = await request.get(progressUrl);
        expect(response.status()).toBe(200);
        last = (await response.json()) as Progress;
        return last.done;
      },
      { timeout, intervals: [500, 1000] },
    )
    .toBe(true);
  return last!;
}

/** The uploaded job, analysed to the end without error. */
async function finishedJob(request: APIRequestContext): Promise<Created> {
  const job = await uploadedJob(request);
  if (!finished) {
    const progress = await pollUntilDone(request, job.progress_url);
    expect(progress.error).toBeNull();
    finished = true;
  }
  return job;
}

async function results(request: APIRequestContext, jobId: string, query: string): Promise<Results> {
  const response = await request.get(`/api/jobs/${jobId}/results?${query}`);
  expect(response.status(), query).toBe(200);
  return (await response.json()) as Results;
}

/** An event with media: the first one with a clip. */
async function eventWithMedia(request: APIRequestContext): Promise<{ jobId: string; event: CabinEvent }> {
  const { job_id } = await finishedJob(request);
  const all = await results(request, job_id, "page=1&page_size=200");
  const event = all.events.find((candidate) => candidate.activityClip && candidate.activityImage);
  expect(event, `${uploadName} gave no event with media`).toBeDefined();
  return { jobId: job_id, event: event! };
}

/** GET with the path sent byte for byte (no URL normalisation), like `curl --path-as-is`. */
function rawGet(baseURL: string, rawPath: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(baseURL);
  return new Promise((resolve, reject) => {
    const request = http.request({ hostname, port, path: rawPath, method: "GET" }, (response) => {
      let body = "";
      response.setEncoding("latin1");
      response.on("data", (chunk: string) => (body += chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on("error", reject);
    request.end();
  });
}

test.describe("upload flow", () => {
  test.describe.configure({ timeout: analysisTimeout + 30_000 });

  test("POST /api/jobs answers job_id and absolute status, progress and results URLs that work", async ({ request, baseURL }) => {
    const job = await uploadedJob(request);
    expect(job).toEqual({
      job_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      status_url: `${baseURL}/api/jobs/${job.job_id}`,
      progress_url: `${baseURL}/api/jobs/${job.job_id}/progress`,
      results_url: `${baseURL}/api/jobs/${job.job_id}/results`,
    });
    const status = await request.get(job.status_url);
    expect(status.status()).toBe(200);
    expect((await status.json()).job_id).toBe(job.job_id);
    const progress = await request.get(job.progress_url);
    expect(progress.status()).toBe(200);
    expect(await progress.json()).toEqual({
      processed: expect.any(Number),
      total: expect.any(Number),
      done: expect.any(Boolean),
      error: null,
    });
    const page = await request.get(job.results_url);
    expect(page.status()).toBe(200);
    expect(await page.json()).toMatchObject({ job_id: job.job_id, trip_id: "TRIP-001", page: 1, page_size: 25 });
  });

  test("progress is polled to done, and the summary says so", async ({ request }) => {
    const job = await uploadedJob(request);
    const progress = await pollUntilDone(request, job.progress_url);
    expect(progress).toEqual({ processed: expect.any(Number), total: expect.any(Number), done: true, error: null });
    expect(progress.total).toBeGreaterThan(0);
    expect(progress.processed).toBe(progress.total);
    finished = true;

    const response = await request.get(`/api/jobs/${job.job_id}`);
    expect(response.status()).toBe(200);
    const summary = await response.json();
    expect(summary).toMatchObject({ job_id: job.job_id, processed: progress.processed, total: progress.total, percent: 100, done: true, error: null });
    for (const key of ["processed", "total", "percent"]) expect(typeof summary[key], key).toBe("number");
  });

  test("results page through the events with absolute media URLs", async ({ request, baseURL }) => {
    const { job_id } = await finishedJob(request);
    const first = await results(request, job_id, "page=1&page_size=2");
    expect(first).toMatchObject({ job_id, trip_id: "TRIP-001", page: 1, page_size: 2, start: 0 });
    expect(first.events.length).toBe(Math.min(2, first.total));
    expect(first.end).toBe(first.events.length);
    expect(first.total_pages).toBe(Math.ceil(first.total / 2));

    const all = await results(request, job_id, "page=1&page_size=200");
    expect(all.total).toBe(first.total);
    expect(all.events.length).toBe(all.total);
    if (hasVtest) {
      expect(all.total).toBeGreaterThan(0);
      expect(all.events.map((event) => event.label)).toContain("person");
    }
    const mediaBase = `${baseURL}/api/jobs/${job_id}/media/`;
    for (const event of all.events) {
      for (const [name, url] of [
        [event.activityImage, event.activityImageUrl],
        [event.activityClip, event.activityClipUrl],
      ] as const) {
        if (name === null) {
          expect(url).toBeNull();
          continue;
        }
        expect(name).not.toMatch(/^[a-z]+:|^\//);
        expect(url).toBe(mediaBase + encodeURIComponent(name));
      }
      expect(event.activityImage).toMatch(/\.jpg$/);
      expect(event.activityClip).toMatch(/\.mp4$/);
    }

    // page_size=1: one event a page, as many pages as events.
    const single = await results(request, job_id, "page=1&page_size=1");
    expect(single).toMatchObject({ page: 1, page_size: 1, total: all.total, total_pages: all.total, start: 0, end: Math.min(1, all.total) });
    expect(single.events).toEqual(all.events.slice(0, 1));
    if (all.total > 1) {
      const second = await results(request, job_id, "page=2&page_size=1");
      expect(second).toMatchObject({ page: 2, start: 1, end: 2, total: all.total });
      expect(second.events).toEqual(all.events.slice(1, 2));
    }

    // A page beyond the end is empty, with the true total.
    const beyond = await results(request, job_id, "page=99&page_size=2");
    expect(beyond).toEqual({
      job_id,
      trip_id: "TRIP-001",
      events: [],
      page: 99,
      page_size: 2,
      total: all.total,
      start: all.total,
      end: all.total,
      total_pages: Math.ceil(all.total / 2),
      reviewed: { confirmed: 0, false_positive: 0 },
      zones: {},
    });

    for (const query of ["page=0&page_size=2", "page=1&page_size=0", "page=abc", "page_size=abc", "page=-1"]) {
      const bad = await request.get(`/api/jobs/${job_id}/results?${query}`);
      expect(bad.status(), query).toBe(400);
      const body = await bad.json();
      expect(Object.keys(body), query).toEqual(["detail"]);
      expect(typeof body.detail).toBe("string");
    }
  });

  test("a clip answers Range requests; the image is a JPEG", async ({ request }) => {
    const { jobId, event } = await eventWithMedia(request);
    const clipUrl = event.activityClipUrl!;

    const full = await request.get(clipUrl);
    expect(full.status()).toBe(200);
    expect(full.headers()["content-type"]).toBe("video/mp4");
    expect(full.headers()["accept-ranges"]).toBe("bytes");
    const bytes = await full.body();
    const size = bytes.length;
    expect(size).toBeGreaterThan(1024);
    expect(bytes.toString("latin1", 4, 8)).toBe("ftyp");

    const head = await request.get(clipUrl, { headers: { Range: "bytes=0-1023" } });
    expect(head.status()).toBe(206);
    expect(head.headers()["content-range"]).toBe(`bytes 0-1023/${size}`);
    expect(head.headers()["accept-ranges"]).toBe("bytes");
    // Soft, so that one missing header does not hide how the other ranges are answered.
    expect.soft(head.headers()["content-length"]).toBe("1024");
    expect(head.headers()["content-type"]).toBe("video/mp4");
    expect((await head.body()).equals(bytes.subarray(0, 1024))).toBe(true);

    const suffix = await request.get(clipUrl, { headers: { Range: "bytes=-500" } });
    expect(suffix.status()).toBe(206);
    expect(suffix.headers()["content-range"]).toBe(`bytes ${size - 500}-${size - 1}/${size}`);
    expect.soft(suffix.headers()["content-length"]).toBe("500");
    expect((await suffix.body()).equals(bytes.subarray(size - 500))).toBe(true);

    const open = await request.get(clipUrl, { headers: { Range: `bytes=${size - 10}-` } });
    expect(open.status()).toBe(206);
    expect(open.headers()["content-range"]).toBe(`bytes ${size - 10}-${size - 1}/${size}`);

    const beyond = await request.get(clipUrl, { headers: { Range: `bytes=${size}-${size + 100}` } });
    expect(beyond.status()).toBe(416);
    expect(beyond.headers()["content-range"]).toBe(`bytes */${size}`);

    // The relative name works under the documented path too.
    const byName = await request.get(`/api/jobs/${jobId}/media/${event.activityClip}`, { headers: { Range: "bytes=0-1023" } });
    expect(byName.status()).toBe(206);

    const image = await request.get(event.activityImageUrl!);
    expect(image.status()).toBe(200);
    expect(image.headers()["content-type"]).toBe("image/jpeg");
    const jpeg = await image.body();
    expect([jpeg[0], jpeg[1], jpeg[2]]).toEqual([0xff, 0xd8, 0xff]);
  });

  test("media errors: unknown job, missing file, path escapes", async ({ request, baseURL }) => {
    const { job_id } = await finishedJob(request);
    const all = await results(request, job_id, "page=1&page_size=200");

    const unknown = await request.get(`/api/jobs/${unknownJob}/media/event-001.mp4`);
    expect(unknown.status()).toBe(404);
    expect(await unknown.json()).toEqual({ detail: "not_found" });
    const notAnId = await request.get(`/api/jobs/not-a-job/media/event-001.mp4`);
    expect(notAnId.status()).toBe(404);
    expect(await notAnId.json()).toEqual({ detail: "not_found" });

    const missing = await request.get(`/api/jobs/${job_id}/media/no-such-file.mp4`);
    expect(missing.status()).toBe(404);
    // A job with events has a media folder, so a name it lacks is file_missing.
    if (all.total > 0) expect(await missing.json()).toEqual({ detail: "file_missing" });
    else expect(["no_assets", "file_missing"]).toContain((await missing.json()).detail);

    const escapes = [
      "..%2F..%2F..%2F..%2F..%2F..%2Fetc%2Fpasswd",
      "..%2f..%2f..%2f..%2f..%2f..%2fetc%2fhostname",
      "%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
      "%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd",
      "..%5C..%5C..%5C..%5Cetc%5Cpasswd",
      "%2Fetc%2Fpasswd",
      "%00event-001.mp4",
      "event-001.mp4%00.jpg",
      "../../../../../../etc/passwd",
    ];
    for (const escape of escapes) {
      // Byte for byte, as `curl --path-as-is` sends it: no client-side normalisation.
      const raw = await rawGet(baseURL!, `/api/jobs/${job_id}/media/${escape}`);
      expect(raw.status, escape).toBe(404);
      // "root:" opens /etc/passwd: what a successful escape would show.
      expect(raw.body, escape).not.toContain("root:");
      // And as a normalising client sends it.
      const normalised = await request.get(`/api/jobs/${job_id}/media/${escape}`);
      expect(normalised.status(), escape).toBe(404);
      expect(await normalised.text(), escape).not.toContain("root:");
    }
    const encoded = await rawGet(baseURL!, `/api/jobs/${job_id}/media/..%2F..%2Fetc%2Fpasswd`);
    expect(JSON.parse(encoded.body)).toEqual({ detail: "file_missing" });
  });

  test("the contract prefix serves the same job", async ({ request }) => {
    const { job_id } = await finishedJob(request);
    const progress = await request.get(`/cabin/api/jobs/${job_id}/progress`);
    expect(progress.status()).toBe(200);
    expect(await progress.json()).toMatchObject({ done: true, error: null });
    const summary = await request.get(`/cabin/api/jobs/${job_id}`);
    expect(summary.status()).toBe(200);
    expect(await summary.json()).toMatchObject({ job_id, done: true, percent: 100 });
    const page = await request.get(`/cabin/api/jobs/${job_id}/results?page=1&page_size=2`);
    expect(page.status()).toBe(200);
    expect(await page.json()).toMatchObject({ job_id, page: 1, page_size: 2 });
    expect((await request.get(`/cabin/api/jobs/${unknownJob}`)).status()).toBe(404);
    const videos = await request.get("/cabin/api/jobs/server-videos");
    expect(videos.status()).toBe(200);
    expect((await videos.json()).videos).toContain("pattern.mp4");
  });
});

test.describe("upload errors", () => {
  const pattern = () => ({ name: "pattern.mp4", mimeType: "video/mp4", buffer: fs.readFileSync(path.join(e2eVideoDir, "pattern.mp4")) });

  test("tripId and cvvrFile are required", async ({ request }) => {
    const noTrip = await upload(request, { cvvrFile: pattern() });
    expect(noTrip.status()).toBe(400);
    expect(await noTrip.json()).toEqual({ detail: "tripId is required" });
    const blankTrip = await upload(request, { tripId: "  ", cvvrFile: pattern() });
    expect(blankTrip.status()).toBe(400);
    expect(await blankTrip.json()).toEqual({ detail: "tripId is required" });
    const noFile = await upload(request, { tripId: "TRIP-001" });
    expect(noFile.status()).toBe(400);
    expect(await noFile.json()).toEqual({ detail: "cvvrFile is required" });
  });

  test("a text file is refused with a clear reason", async ({ request }) => {
    const text = await upload(request, {
      tripId: "TRIP-001",
      cvvrFile: { name: "notes.txt", mimeType: "text/plain", buffer: fs.readFileSync(path.join(e2eVideoDir, "notes.txt")) },
    });
    expect(text.status()).toBe(400);
    expect((await text.json()).detail).toMatch(/^(File is not a video|Unsupported video type)$/);
    const disguised = await upload(request, {
      tripId: "TRIP-001",
      cvvrFile: { name: "notes.mp4", mimeType: "video/mp4", buffer: Buffer.from("not a video\n") },
    });
    expect(disguised.status()).toBe(400);
    expect(await disguised.json()).toEqual({ detail: "File is not a video" });
  });

  test("a truncated mp4 is refused as truncated or corrupt", async ({ request }) => {
    const whole = fs.readFileSync(uploadPath);
    // Cut off the end: without faststart the index (moov) is there, so the file cannot be read.
    const truncated = whole.subarray(0, Math.floor(whole.length * 0.6));
    const response = await upload(request, { tripId: "TRIP-001", cvvrFile: { name: "cut.mp4", mimeType: "video/mp4", buffer: truncated } });
    expect(response.status()).toBe(400);
    expect((await response.json()).detail).toMatch(/^Video file is truncated or corrupt: /);
  });
});

test.describe("server videos", () => {
  test("GET /api/jobs/server-videos lists the videos and nothing else", async ({ request }) => {
    const response = await request.get("/api/jobs/server-videos");
    expect(response.status()).toBe(200);
    const body = await response.json();
    expect(Object.keys(body)).toEqual(["videos"]);
    const expected = fs
      .readdirSync(e2eVideoDir)
      .filter((name) => name.endsWith(".mp4") && name !== "escape.mp4" && fs.statSync(path.join(e2eVideoDir, name)).isFile())
      .sort((a, b) => a.localeCompare(b));
    expect(body.videos).toEqual(expected);
    expect(body.videos).toContain("pattern.mp4");
    if (hasVtest) expect(body.videos).toEqual(expect.arrayContaining(["vtest.mp4", "vtest-12s.mp4"]));
    expect(body.videos).not.toContain("notes.txt");
    expect(body.videos).not.toContain("escape.mp4");
  });

  test("POST /api/jobs/start starts a job on a listed video", async ({ request }) => {
    const response = await request.post("/api/jobs/start", {
      headers: { "content-type": "application/x-www-form-urlencoded" },
      data: "tripId=TRIP-002&videoName=pattern.mp4",
    });
    expect(response.status(), await response.text()).toBe(200);
    const body = await response.json();
    expect(body).toEqual({ job_id: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    const summary = await request.get(`/api/jobs/${body.job_id}`);
    expect(summary.status()).toBe(200);
    expect(await summary.json()).toMatchObject({ job_id: body.job_id, trip_id: "TRIP-002", error: null });
    const progress = await pollUntilDone(request, `/api/jobs/${body.job_id}/progress`, 90_000);
    expect(progress.error).toBeNull();
    const page = await results(request, body.job_id, "page=1&page_size=25");
    expect(page).toMatchObject({ job_id: body.job_id, trip_id: "TRIP-002" });
    if (page.total === 0) {
      // No event, so no event media: no_assets while the job has no media folder at all,
      // file_missing once it has one (the job may keep other files there).
      const media = await request.get(`/api/jobs/${body.job_id}/media/event-001.mp4`);
      expect(media.status()).toBe(404);
      expect(["no_assets", "file_missing"]).toContain((await media.json()).detail);
    }
  });

  test("POST /api/jobs/start refuses every bad selection with the contract's detail", async ({ request }) => {
    const start = (body: string) =>
      request.post("/api/jobs/start", { headers: { "content-type": "application/x-www-form-urlencoded" }, data: body });
    const cases: [string, number, string][] = [
      ["tripId=TRIP-001&videoName=notes.txt", 400, "Unsupported video type"],
      [`tripId=TRIP-001&videoName=${encodeURIComponent("../etc/passwd.mp4")}`, 400, "Invalid video selection"],
      [`tripId=TRIP-001&videoName=${encodeURIComponent("../../../../../../etc/passwd")}`, 400, "Invalid video selection"],
      [`tripId=TRIP-001&videoName=${encodeURIComponent("/etc/x.mp4")}`, 400, "Invalid video selection"],
      ["tripId=TRIP-001&videoName=escape.mp4", 400, "Invalid video selection"],
      ["tripId=TRIP-001&videoName=pattern.mp4%00.txt", 400, "Invalid video selection"],
      ["tripId=TRIP-001&videoName=%00", 400, "Invalid video selection"],
      ["tripId=TRIP-001&videoName=missing.mp4", 404, "Selected video not found"],
      ["videoName=pattern.mp4", 400, "tripId is required"],
      ["tripId=&videoName=pattern.mp4", 400, "tripId is required"],
    ];
    for (const [body, status, detail] of cases) {
      const response = await start(body);
      expect(response.status(), body).toBe(status);
      expect(await response.json(), body).toEqual({ detail });
    }
    // "VIDEO_INPUT_DIR is not configured or does not exist" needs a server started without the
    // folder; this shared server has it (lib/media/server-videos.test.ts covers that answer).
  });
});

test.describe("unknown jobs and CORS", () => {
  test("an unknown job is invalid_job, and its progress says notFound", async ({ request }) => {
    for (const id of [unknownJob, "not-a-uuid"]) {
      const summary = await request.get(`/api/jobs/${id}`);
      expect(summary.status(), id).toBe(404);
      expect(await summary.json()).toEqual({ detail: "invalid_job" });
      const page = await request.get(`/api/jobs/${id}/results?page=1&page_size=25`);
      expect(page.status(), id).toBe(404);
      expect(await page.json()).toEqual({ detail: "invalid_job" });
      const progress = await request.get(`/api/jobs/${id}/progress`);
      expect(progress.status(), id).toBe(200);
      expect(await progress.json()).toMatchObject({ done: true, notFound: true });
    }
  });

  test("a preflight for Range gets the origin back and Content-Range, Accept-Ranges exposed", async ({ request }) => {
    const preflight = await request.fetch(`/api/jobs/${unknownJob}/media/event-001.mp4`, {
      method: "OPTIONS",
      headers: { Origin: allowedOrigin, "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "range" },
    });
    expect(preflight.status()).toBeLessThan(300);
    const headers = preflight.headers();
    expect(headers["access-control-allow-origin"]).toBe(allowedOrigin);
    expect(headers["access-control-allow-headers"]?.toLowerCase()).toContain("range");
    for (const method of ["GET", "POST", "OPTIONS"]) expect(headers["access-control-allow-methods"]).toContain(method);
    const exposed = headers["access-control-expose-headers"]?.split(",").map((name) => name.trim().toLowerCase());
    expect(exposed).toEqual(expect.arrayContaining(["content-range", "accept-ranges"]));

    const second = await request.fetch("/api/jobs/server-videos", { headers: { Origin: "http://second.example" } });
    expect(second.headers()["access-control-allow-origin"]).toBe("http://second.example");
    expect(second.headers()["access-control-expose-headers"]).toContain("Content-Range");
    const stranger = await request.fetch("/api/jobs/server-videos", { headers: { Origin: "http://stranger.example" } });
    expect(stranger.headers()["access-control-allow-origin"]).toBeUndefined();
  });
});
