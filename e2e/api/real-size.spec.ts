import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { expect, test } from "@playwright/test";
import WebSocket from "ws";
import { contractDecodeRle } from "../../lib/reframer/contract-rle";
import { wordErrorRate } from "../../lib/speech/test-speech";
import { serveFolder } from "../file-server";
import { sharedVtest } from "../global-setup";
import { MB, realSizeMinBytes, realSizeVideo, type RealSizeVideo } from "../real-size-video";
import { sampleServerRss, type RssFigures } from "../server-process";
import { registerKey, startServerAnalysis, waitForAnalysis, withKey } from "./keys";

/**
 * Every contract fed a real-sized file (e2e/real-size-video.ts: 80 MB, 79.5 s of street with
 * speech), the way its users send one: uploaded to /upload and /process, fetched by URL for a
 * feature job, picked by `video_name` for the editor jobs. Each test samples the server's RSS
 * while the file streams in and is worked on, and two accounts try to see each other's work.
 */
test.describe.configure({ mode: "serial" });
test.skip(!fs.existsSync(sharedVtest), `${sharedVtest} is missing`);

/** The server may grow this much while an 80 MB file passes through it: less than the file. */
const RSS_BOUND_MB = 60;
/**
 * And this much over a whole feature job, whose models, opencv.js heap and embedded database
 * work in the server process: a working set that does not grow with the file.
 */
const JOB_RSS_BOUND_MB = 150;

let video: RealSizeVideo;
let work: string;
let keyA = "";
let keyB = "";

function ffprobe(file: string): { format: Record<string, string>; streams: Record<string, string | number>[] } {
  return JSON.parse(execFileSync("ffprobe", ["-v", "error", "-count_packets", "-show_format", "-show_streams", "-of", "json", file], { encoding: "utf8" }));
}


/** A multipart upload read from disk as it is sent: the test holds no 80 MB buffer either. */
async function uploadFrom(url: string, key: string, fields: Record<string, string>): Promise<Response> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.set(name, value);
  form.set("file", await fs.openAsBlob(video.file, { type: "video/mp4" }), "street.mp4");
  return fetch(url, { method: "POST", body: form, headers: { "X-API-Key": key } });
}

/** A download streamed to disk; returns its path. */
async function downloadTo(url: string, key: string, name: string): Promise<string> {
  const response = await fetch(url, { headers: { "X-API-Key": key } });
  expect(response.status, url).toBe(200);
  const file = path.join(work, name);
  await pipeline(Readable.fromWeb(response.body! as import("node:stream/web").ReadableStream), fs.createWriteStream(file));
  return file;
}

function assertRss(rss: RssFigures, bound = RSS_BOUND_MB, phase = "") {
  const text = `${phase}${rss.text}`;
  test.info().annotations.push({ type: "rss", description: text });
  console.log(`${test.info().title.split(":")[0]}: ${text}`);
  expect(rss.growth, text).toBeLessThan(bound);
}

test.beforeAll(async ({ request }) => {
  video = await realSizeVideo();
  expect(video.bytes).toBeGreaterThanOrEqual(realSizeMinBytes);
  work = fs.mkdtempSync(path.join(os.tmpdir(), "framewise-real-size-"));
  keyB = await registerKey(request, "real-size-b");
});
// A key per flow: each is 100 requests an hour (contracts/reframer.md), and a flow polling every
// 2 s, as the contract advises, spends 20-50 of them.
test.beforeEach(async ({ request }) => {
  keyA = await registerKey(request, "real-size-a");
});
test.afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

test("enhance-metadata: 80 MB through /upload, both processes live to completed, results agree with ffprobe; B sees none of it", async ({ request, baseURL }) => {
  test.setTimeout(600_000);
  type Message = Record<string, unknown> & { type: string };
  const clientId = `real-size-${Date.now()}`;
  const listen = (key: string) => {
    const messages: Message[] = [];
    const socket = new WebSocket(`${baseURL!.replace("http", "ws")}/ws/${clientId}`, { headers: { "X-API-Key": key } });
    socket.on("message", (data) => messages.push(JSON.parse(String(data))));
    return { messages, socket, opened: new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject)) };
  };
  const owner = listen(keyA);
  const stranger = listen(keyB);
  await Promise.all([owner.opened, stranger.opened]);
  // The route is loaded before the baseline: a refused upload warms it.
  expect((await request.post("/upload", { multipart: { file: { name: "a.txt", mimeType: "text/plain", buffer: Buffer.from("text") } } })).status()).toBe(400);

  const rss = sampleServerRss(baseURL!);
  const uploaded = await uploadFrom(`${baseURL}/upload`, keyA, { client_id: clientId });
  const body = await uploaded.json();
  expect(uploaded.status, JSON.stringify(body)).toBe(200);
  const fileId: string = body.file_id;
  const last = (type: string) => owner.messages.filter((m) => m.type === "status_update" && m.file_id === fileId && m.process_type === type).at(-1);
  await expect
    .poll(() => [last("video_enhancement")?.status, last("metadata_extraction")?.status], { timeout: 540_000, intervals: [1000] })
    .toEqual(["completed", "completed"]);
  const updates = owner.messages.filter((m) => m.type === "status_update");
  console.log(`status updates over the socket: ${updates.length}`);
  for (const type of ["video_enhancement", "metadata_extraction"]) {
    const progress = updates.filter((m) => m.process_type === type).map((m) => m.progress as number);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress.length).toBeGreaterThan(5);
  }
  owner.socket.close();
  stranger.socket.close();
  // B, on the same client_id, heard its own connection and nothing of A's file.
  expect(stranger.messages).toEqual([{ type: "connection", status: "connected", client_id: clientId }]);

  const metadataUrl = `${baseURL}/processed_videos/metadata/${fileId}_metadata.json`;
  const metadata = await (await fetch(metadataUrl, { headers: { "X-API-Key": keyA } })).json();
  const probe = ffprobe(video.file);
  const stream = probe.streams.find((s) => s.codec_type === "video")!;
  expect(metadata).toMatchObject({
    file_id: fileId,
    filename: "street.mp4",
    resolution: { width: 768, height: 576 },
    frame_count: Number(stream.nb_read_packets),
    duration_seconds: Math.trunc(Number(probe.format.duration)),
    file_size_bytes: video.bytes,
    bit_rate: String(probe.format.bit_rate),
  });
  expect(metadata.fps).toBeCloseTo(10, 3);
  expect(metadata.advanced.sampled_frames).toBe(795);
  for (const channel of ["b", "g", "r"]) {
    expect(metadata.color_profile.histograms[channel]).toHaveLength(256);
    expect((metadata.color_profile.histograms[channel] as number[]).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
  }

  const enhanced = await downloadTo(`${baseURL}/processed_videos/enhanced_${fileId}.mp4`, keyA, "enhanced.mp4");
  assertRss(rss.stop());
  execFileSync("ffmpeg", ["-v", "error", "-xerror", "-i", enhanced, "-f", "null", "-"]);
  const after = ffprobe(enhanced);
  expect(Number(after.format.duration)).toBeCloseTo(79.5, 0);
  expect(Number(after.streams.find((s) => s.codec_type === "video")!.nb_read_packets)).toBe(795);
  // Through Playwright's client: the decode above blocked this process for longer than the
  // server keeps an idle connection, and fetch's pool would reuse the one it closed meanwhile.
  const status = await (await request.get(`/internal/video-enhancement-status/${fileId}`, { headers: { "X-API-Key": keyA } })).json();
  console.log(`enhancement chose ${status.enhancement.filters}; noise ${status.enhancement.before.noise} -> ${status.enhancement.after.noise}`);
  expect(status.enhancement.after.noise).toBeLessThan(status.enhancement.before.noise * 0.8);

  // B and an anonymous caller: every door to A's file is "File not found", and so are paths
  // that try to step out of /processed_videos.
  const closed = [
    `/internal/video-enhancement-status/${fileId}`,
    `/internal/metadata-extraction-status/${fileId}`,
    `/processed_videos/enhanced_${fileId}.mp4`,
    `/processed_videos/metadata/${fileId}_metadata.json`,
  ];
  for (const headers of [{ "X-API-Key": keyB }, {}] as Record<string, string>[]) {
    for (const url of closed) {
      const response = await request.get(url, { headers });
      expect(response.status(), url).toBe(404);
      expect(await response.json()).toEqual({ detail: "File not found" });
    }
  }
  for (const url of [
    `/processed_videos/enhanced_${fileId}.mp4%2F..%2F..%2Fjob.json`,
    `/processed_videos/..%2F..%2Fjobs%2F${fileId}%2Fmedia%2Fenhanced_${fileId}.mp4`,
    `/processed_videos/enhanced_..%2F${fileId}.mp4`,
    `/processed_videos/metadata/..%2F..%2F${fileId}_metadata.json`,
    `/processed_videos/metadata/${fileId}_metadata.json%00.mp4`,
    `/processed_videos/enhanced_${fileId.toUpperCase()}.MP4`,
    `/internal/metadata-extraction-status/..%2F${fileId}`,
    `/internal/video-enhancement-status/${fileId}'%20OR%20'1'='1`,
  ]) {
    const response = await request.get(url, { headers: { "X-API-Key": keyA } });
    const text = await response.text();
    expect(response.status(), url).toBe(404);
    expect(JSON.parse(text), url).toEqual({ detail: expect.any(String) });
    expect(text).not.toMatch(/\/work\/|\.cache|select |stack|at .*\.js/i);
  }
  // A Range past the end is refused in the contract's shape, not served or crashed on.
  const beyond = await request.get(closed[2], { headers: { "X-API-Key": keyA, Range: `bytes=${1000 * MB}-` } });
  expect(beyond.status()).toBe(416);
});

test("feature-extraction: the 80 MB video fetched by URL, frames and features of all 79.5 s, search finds the products; B sees none of it", async ({ request, baseURL }) => {
  test.setTimeout(600_000);
  // Product images cut from the file itself at known times (people walking).
  const crops = [
    { product_id: "p_walkers", at: 24, box: "260:260:250:120" },
    { product_id: "p_street", at: 29, box: "320:260:120:130" },
    { product_id: "p_square", at: 34, box: "200:200:560:170" },
  ];
  for (const crop of crops) {
    execFileSync("ffmpeg", ["-v", "error", "-y", "-ss", String(crop.at), "-i", video.file, "-frames:v", "1", "-vf", `crop=${crop.box}`, path.join(work, `${crop.product_id}.jpg`)]);
  }
  fs.symlinkSync(video.file, path.join(work, "street.mp4"));
  const { base, close } = await serveFolder(work);
  const owner = { "X-API-Key": keyA };
  try {
    const rss = sampleServerRss(baseURL!);
    const created = await request.post("/jobs/?job_type=extract_features", {
      headers: owner,
      data: {
        products: crops.map((crop) => ({ product_id: crop.product_id, title: crop.product_id, images: [`${base}/${crop.product_id}.jpg`] })),
        videos: [{ url: `${base}/street.mp4`, title: "Street" }],
        fps: 1,
        features: ["segment", "embedding", "keypoints"],
      },
    });
    expect(created.status(), await created.text()).toBe(202);
    const jobId = ((await created.json()) as { id: string }).id;
    type Status = { phase: string; percent: number; counts: Record<string, number>; failed_items: unknown[] };
    let status: Status | undefined;
    let collected: RssFigures | undefined;
    await expect
      .poll(
        async () => {
          status = (await (await request.get(`/status/${jobId}`, { headers: owner })).json()) as Status;
          if (status.phase !== "collecting") collected ??= rss.snapshot();
          return status.phase;
        },
        { timeout: 540_000, intervals: [2000] },
      )
      .toBe("completed");
    // While the 80 MB download streams to disk, then over the whole job.
    assertRss(collected!, RSS_BOUND_MB, "collecting: ");
    assertRss(rss.stop(), JOB_RSS_BOUND_MB, "whole job: ");
    expect(status!.failed_items).toEqual([]);
    expect(status!.counts).toMatchObject({ products: 3, videos: 1, images: 3 });
    expect(status!.counts.frames).toBeGreaterThanOrEqual(79);

    const videos = (await (await request.get(`/jobs/${jobId}/videos`, { headers: owner })).json()) as { items: { video_id: string; duration_s: number; frames_count: number; platform: string }[] };
    expect(videos.items).toHaveLength(1);
    expect(videos.items[0]).toMatchObject({ platform: "direct" });
    expect(videos.items[0].duration_s).toBeCloseTo(79.5, 0);
    expect(videos.items[0].frames_count).toBeGreaterThanOrEqual(79);
    const frames = (await (await request.get(`/jobs/${jobId}/features/video-frames?limit=100`, { headers: owner })).json()) as { total: number; items: { has_segment: boolean; has_embedding: boolean; has_keypoints: boolean }[] };
    expect(frames.total).toBe(videos.items[0].frames_count);
    expect(frames.items.every((frame) => frame.has_embedding && frame.has_keypoints)).toBe(true);
    expect(frames.items.filter((frame) => frame.has_segment).length).toBeGreaterThan(frames.items.length / 2);

    let found = 0;
    for (const crop of crops) {
      const response = await request.post("/features/search", { headers: owner, data: { job_id: jobId, product_id: crop.product_id, limit: 5 } });
      expect(response.status()).toBe(200);
      const { items } = (await response.json()) as { items: { ts: number }[] };
      console.log(`search ${crop.product_id} (cut at ${crop.at} s) among ${frames.total} frames: ${items.map((item) => `${item.ts}s`).join(", ")}`);
      if (items.some((item) => Math.abs(item.ts - crop.at) <= 1.5)) found++;
    }
    expect(found).toBeGreaterThanOrEqual(2);

    for (const headers of [{ "X-API-Key": keyB }, {}] as Record<string, string>[]) {
      for (const url of [`/status/${jobId}`, `/jobs/${jobId}/videos`, `/jobs/${jobId}/features/video-frames`]) {
        expect((await request.get(url, { headers })).status(), url).toBe(404);
      }
      const search = await request.post("/features/search", { headers, data: { job_id: jobId, product_id: crops[0].product_id } });
      expect(search.status()).toBe(404);
    }
  } finally {
    await close();
  }
});

test("editor jobs on the 80 MB file by video_name: ingest, transcribe, render and export; B sees none of it", async ({ request, baseURL }) => {
  test.setTimeout(600_000);
  type Job = { id: string; status: string; error_message: string | null; completed_at: string | null; result_payload: Record<string, unknown> & { files: Record<string, string> } };
  const owner = { "X-API-Key": keyA };
  const ids: string[] = [];
  const run = async (type: string, payload: Record<string, unknown>): Promise<Job> => {
    const created = await request.post(`/jobs/?job_type=${type}`, { headers: owner, data: payload });
    expect(created.status(), await created.text()).toBe(202);
    const { id } = (await created.json()) as Job;
    ids.push(id);
    let last: Job | undefined;
    await expect
      .poll(async () => (last = (await (await request.get(`/jobs/${id}`, { headers: owner })).json()) as Job).completed_at, { timeout: 240_000, intervals: [2000] })
      .not.toBeNull();
    expect(last!.status, last!.error_message ?? "").toBe("completed");
    return last!;
  };
  const rss = sampleServerRss(baseURL!);

  const ingest = await run("ingest", { video_name: video.name });
  const shots = ingest.result_payload.shots as { start: number; end: number }[];
  expect(shots[0].start).toBe(0);
  expect(shots.at(-1)!.end).toBeCloseTo(79.5, 0);
  const proxy = await downloadTo(ingest.result_payload.files.proxy, keyA, "proxy.mp4");
  expect(Number(ffprobe(proxy).format.duration)).toBeCloseTo(79.5, 0);

  const transcribe = await run("transcribe", { video_name: video.name, language: "en" });
  const words = (transcribe.result_payload.transcript as { words: { word: string; start: number; end: number }[] }).words;
  const wer = wordErrorRate(video.placements.map((p) => p.text).join(" "), words.map((w) => w.word).join(" "));
  console.log(`transcript of 79.5 s: WER ${wer.toFixed(2)}; ${words.map((w) => `${w.word}@${w.start}`).join(" ")}`);
  expect(wer).toBeLessThanOrEqual(0.25);
  for (const placement of video.placements) {
    const inside = words.filter((w) => w.start >= placement.start - 0.5 && w.end <= placement.end + 0.5);
    expect(Math.abs(inside[0].start - placement.start)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(inside.at(-1)!.end - placement.end)).toBeLessThanOrEqual(0.5);
  }

  const [first, , last] = video.placements;
  const render = await run("render", { video_name: video.name, segments: [{ in: first.start - 0.5, out: last.end + 0.5 }], aspect: "9:16", height: 640, captions: true });
  expect(render.result_payload.render).toMatchObject({ width: 360, height: 640, crop: { mode: "subject" } });
  const rendered = ffprobe(await downloadTo(render.result_payload.files.video, keyA, "render.mp4"));
  expect(Number(rendered.format.duration)).toBeCloseTo(last.end - first.start + 1, 0);

  const exported = await run("export", { video_name: video.name, formats: ["srt", "scenes_csv", "mkv"] });
  const mkv = await downloadTo(exported.result_payload.files.mkv, keyA, "export.mkv");
  assertRss(rss.stop());
  const remux = ffprobe(mkv);
  expect(remux.format.format_name).toContain("matroska");
  expect(Number(remux.format.duration)).toBeCloseTo(79.5, 0);
  expect(Number(remux.streams.find((s) => s.codec_type === "video")!.nb_read_packets)).toBe(795);

  for (const headers of [{ "X-API-Key": keyB }, {}] as Record<string, string>[]) {
    for (const id of ids) expect((await request.get(`/jobs/${id}`, { headers })).status()).toBe(404);
    expect((await request.get(exported.result_payload.files.mkv, { headers })).status()).toBe(404);
    expect((await request.post(`/jobs/${render.id}/cancel`, { headers })).status()).toBe(404);
  }
});

test("reframer: 80 MB through /process, the contract's polling loop to results whose masks decode; B sees none of it", async ({ request, baseURL }) => {
  test.setTimeout(600_000);
  const owner = { "X-API-Key": keyA };
  const rss = sampleServerRss(baseURL!);
  const uploaded = await uploadFrom(`${baseURL}/process`, keyA, { aspect: "9:16" });
  const body = await uploaded.json();
  expect(uploaded.status, JSON.stringify(body)).toBe(200);
  expect(body).toMatchObject({ status: "queued", message: "Video queued for processing" });
  const jobId: string = body.job_id;
  let job: { status: string; progress_percent?: number; error_message?: string } | undefined;
  await expect
    .poll(async () => (job = await (await request.get(`/job/${jobId}`, { headers: owner })).json()).status, { timeout: 540_000, intervals: [2000] })
    .toMatch(/^(completed|failed)$/);
  expect(job!.status, job!.error_message).toBe("completed");

  type Results = {
    metadata: { width: number; height: number; total_frames: number; duration_seconds: number };
    detections: Record<string, { class: string; track_id?: string; bbox: { x: number; y: number; width: number; height: number } }[]>;
    segmentation_masks: Record<string, { track_id: string; mask_rle: string; mask_area_pixels: number }[]>;
    tracking: Record<string, unknown>;
    scenes: unknown[];
    reframed_video_url?: string;
  };
  // Streamed to disk and parsed from there, as a client with a big answer would.
  const saved = await downloadTo(`${baseURL}/results/${jobId}`, keyA, "results.json");
  const results = JSON.parse(fs.readFileSync(saved, "utf8")) as Results;
  console.log(`results: ${(fs.statSync(saved).size / MB).toFixed(1)} MB, ${Object.keys(results.detections).length} frames with detections, ${Object.keys(results.tracking).length} tracks`);
  expect(results.metadata).toMatchObject({ width: 768, height: 576, total_frames: 795 });
  expect(results.metadata.duration_seconds).toBeCloseTo(79.5, 0);
  expect(Object.keys(results.tracking).length).toBeGreaterThan(2);
  expect(results.scenes.length).toBeGreaterThan(0);
  const masks = Object.values(results.segmentation_masks).flat();
  expect(masks.length).toBeGreaterThan(50);
  for (const mask of masks.filter((_, index) => index % Math.ceil(masks.length / 20) === 0)) {
    const bits = contractDecodeRle(mask.mask_rle);
    expect(bits.length).toBe(768 * 576);
    expect(bits.filter((zero) => !zero).length).toBe(mask.mask_area_pixels);
  }
  const reframed = await downloadTo(`${baseURL}/results/${jobId}/reframed.mp4`, keyA, "reframed.mp4");
  assertRss(rss.stop());
  const probe = ffprobe(reframed);
  expect(probe.streams.find((s) => s.codec_type === "video")).toMatchObject({ width: 324, height: 576 });
  expect(Number(probe.format.duration)).toBeCloseTo(79.5, 0);

  for (const url of [`/job/${jobId}`, `/results/${jobId}`, `/results/${jobId}/reframed.mp4`]) {
    const response = await request.get(url, { headers: { "X-API-Key": keyB } });
    expect(response.status(), url).toBe(404);
  }
});

test("cabin-events: the 80 MB file analysed with zones; confirmed boxes only, zone counts that agree, a review; B sees none of it", async ({ request }) => {
  test.setTimeout(600_000);
  // A key of its own: the other flows' polling has used much of keyA's 100 requests an hour.
  const key = await registerKey(request, "real-size-zones");
  const lowerHalf = { name: "lower half", points: [[0, 0.5], [1, 0.5], [1, 1], [0, 1]] };
  const started = await startServerAnalysis(request, key, { tripId: "REAL-ZONES", videoName: video.name, options: { profile: "street", zones: [lowerHalf], rules: { loiterSeconds: 4 } } });
  expect(started.status(), await started.text()).toBe(200);
  const { job_id: jobId } = (await started.json()) as { job_id: string };
  await waitForAnalysis(request, key, jobId, 400_000, 2000);

  type Event = { id: string; label: string; zone: string | null; start_time: number; end_time: number };
  type Results = { events: Event[]; total: number; zones: Record<string, { entered: number; left: number; loitering: number }> };
  const read = async (): Promise<Results> => (await (await request.get(`/api/jobs/${jobId}/results?page_size=200`, { headers: withKey(key) })).json()) as Results;
  const results = await read();
  const zoneEvents = results.events.filter((event) => event.zone !== null);
  expect(zoneEvents.length, JSON.stringify(results.events.map((e) => [e.label, e.zone, e.start_time]))).toBeGreaterThan(0);
  for (const event of zoneEvents) expect(event.zone).toBe("lower half");
  const count = (label: string) => zoneEvents.filter((event) => event.label === label).length;
  expect(results.zones).toEqual({ "lower half": { entered: count("zone entered"), left: count("zone left"), loitering: count("loitering") } });

  // The viewer's boxes: confirmed objects only, each on a track, of the street profile's classes;
  // raw=1 adds what no confirmed track holds (the grainy plaza's bollards and bins).
  type Window = { labels: string[]; frames: { boxes: number[][] }[] };
  const shown = (await (await request.get(`/api/jobs/${jobId}/detections?from=0&to=80`, { headers: withKey(key) })).json()) as Window;
  const raw = (await (await request.get(`/api/jobs/${jobId}/detections?from=0&to=80&raw=1`, { headers: withKey(key) })).json()) as Window;
  const boxes = (window: Window) => window.frames.flatMap((frame) => frame.boxes);
  expect(boxes(shown).length).toBeGreaterThan(0);
  for (const box of boxes(shown)) expect(box[1]).toBeGreaterThanOrEqual(1);
  for (const label of shown.labels) expect(["person", "bicycle", "car", "motorcycle", "bus", "truck", "dog", "cat", "backpack", "handbag", "suitcase", "umbrella", "traffic light", "stop sign"]).toContain(label);
  expect(boxes(raw).length).toBeGreaterThan(boxes(shown).length);

  // A review takes the event out of the results; B can neither read nor review any of it.
  const reviewed = await request.post(`/api/jobs/${jobId}/events/${zoneEvents[0].id}/review`, { headers: withKey(key), data: { verdict: "false_positive" } });
  expect(reviewed.status(), await reviewed.text()).toBe(200);
  expect((await read()).total).toBe(results.total - 1);
  for (const url of [`/api/jobs/${jobId}/results`, `/api/jobs/${jobId}/detections?from=0&to=10`, `/api/jobs/${jobId}/tracks`]) {
    const response = await request.get(url, { headers: withKey(keyB) });
    expect(response.status(), url).toBe(404);
  }
  const forged = await request.post(`/api/jobs/${jobId}/events/${zoneEvents[0].id}/review`, { headers: withKey(keyB), data: { verdict: "confirmed" } });
  expect(forged.status()).toBe(404);
});
