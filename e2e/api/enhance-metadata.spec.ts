import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import WebSocket from "ws";
import { measureVideo } from "../../lib/media/measure";
import { probeVideo } from "../../lib/media/probe";
import { e2eVideoDir, sharedVtest } from "../global-setup";

/**
 * contracts/enhance-metadata.md over real HTTP and a real WebSocket, as its "Processing Flow"
 * says: connect with a client_id, upload with it, hear connection, upload_status and both
 * processes' status_update streams to completed, then fetch both results. The upload is a
 * video given grain with ffmpeg's `noise` filter, so the enhancement must measurably remove it.
 * Then every documented error.
 */

const workDir = path.resolve(".cache/e2e-enhance");
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const iso = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;
const processTimeout = 150_000;

function ffmpeg(...args: string[]) {
  execFileSync("ffmpeg", ["-v", "error", "-y", ...args]);
}

function ffprobe(file: string): { format: Record<string, string>; streams: Record<string, string | number>[] } {
  return JSON.parse(
    execFileSync("ffprobe", ["-v", "error", "-count_packets", "-show_format", "-show_streams", "-of", "json", file], { encoding: "utf8" }),
  );
}

/** 4 s of real footage (or the test pattern) with strong temporal grain, 640 wide. */
function noisyVideo(): string {
  fs.mkdirSync(workDir, { recursive: true });
  const target = path.join(workDir, "noisy.mp4");
  if (!fs.existsSync(target)) {
    const input = fs.existsSync(sharedVtest) ? sharedVtest : path.join(e2eVideoDir, "pattern.mp4");
    ffmpeg("-t", "4", "-i", input, "-vf", "scale=640:-2,noise=alls=25:allf=t", "-c:v", "libx264", "-preset", "veryfast", "-crf", "18", "-pix_fmt", "yuv420p", target);
  }
  return target;
}

type Message = Record<string, unknown> & { type: string };

function listen(url: string): { messages: Message[]; opened: Promise<void>; close: () => void } {
  const messages: Message[] = [];
  const socket = new WebSocket(url);
  socket.on("message", (data) => messages.push(JSON.parse(String(data))));
  const opened = new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
  });
  return { messages, opened, close: () => socket.close() };
}

const processTypes = ["video_enhancement", "metadata_extraction"] as const;

function updatesOf(messages: Message[], fileId: string, processType: string): Message[] {
  return messages.filter((message) => message.type === "status_update" && message.file_id === fileId && message.process_type === processType);
}

test.describe.configure({ mode: "serial" });

let fileId = "";
let clientId = "";
const source = () => path.join(workDir, "noisy.mp4");

test("the processing flow: socket, upload, both processes live to completed", async ({ request, baseURL }) => {
  test.setTimeout(processTimeout + 30_000);
  const input = noisyVideo();
  clientId = `e2e-enhance-${Date.now()}`;
  const socket = listen(`${baseURL!.replace("http", "ws")}/ws/${clientId}`);
  await socket.opened;
  await expect.poll(() => socket.messages[0]).toEqual({ type: "connection", status: "connected", client_id: clientId });

  const uploaded = await request.post("/upload", {
    multipart: { file: { name: "noisy.mp4", mimeType: "video/mp4", buffer: fs.readFileSync(input) }, client_id: clientId },
  });
  expect(uploaded.status()).toBe(200);
  const body = await uploaded.json();
  expect(body).toEqual({ file_id: expect.stringMatching(uuid), message: "Video uploaded successfully" });
  fileId = body.file_id;

  await expect
    .poll(() => processTypes.map((type) => updatesOf(socket.messages, fileId, type).at(-1)?.status), { timeout: processTimeout, intervals: [500] })
    .toEqual(["completed", "completed"]);
  socket.close();

  const upload = socket.messages.findIndex((message) => message.type === "upload_status");
  expect(socket.messages[upload]).toEqual({
    type: "upload_status",
    file_id: fileId,
    status: "uploaded",
    message: "Video uploaded successfully",
    timestamp: expect.stringMatching(iso),
  });
  const firstUpdate = socket.messages.findIndex((message) => message.type === "status_update");
  expect(upload).toBeLessThan(firstUpdate);
  // Nothing else reaches a client socket than the contract's three message types.
  expect(new Set(socket.messages.map((message) => message.type))).toEqual(new Set(["connection", "upload_status", "status_update"]));

  const rank = { pending: 0, processing: 1, completed: 2, failed: 2 } as Record<string, number>;
  for (const type of processTypes) {
    const updates = updatesOf(socket.messages, fileId, type);
    for (const update of updates) {
      expect(Object.keys(update).sort()).toEqual(["error", "file_id", "process_type", "progress", "status", "timestamp", "type"]);
      expect(update.timestamp).toMatch(iso);
      expect(update.error).toBeNull();
    }
    const statuses = updates.map((update) => update.status as string);
    expect(statuses[0]).toBe("pending");
    expect(statuses).toContain("processing");
    expect(statuses.at(-1)).toBe("completed");
    const ranks = statuses.map((status) => rank[status]);
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    const progress = updates.map((update) => update.progress as number);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress.at(-1)).toBe(100);
    // At least every 5 points or every few seconds.
    for (let index = 1; index < updates.length; index++) {
      const seconds = (Date.parse(updates[index].timestamp as string) - Date.parse(updates[index - 1].timestamp as string)) / 1000;
      expect(progress[index] - progress[index - 1] <= 5 || seconds <= 3, `${type} ${progress[index - 1]} -> ${progress[index]} in ${seconds} s`).toBe(true);
    }
  }
});

test("status endpoints answer the contract's fields with the result URLs", async ({ request }) => {
  for (const [route, name] of [
    ["video-enhancement-status", `enhanced_${fileId}.mp4`],
    ["metadata-extraction-status", `${fileId}_metadata.json`],
  ]) {
    const response = await request.get(`/internal/${route}/${fileId}`);
    expect(response.status()).toBe(200);
    const status = await response.json();
    expect(status).toMatchObject({ status: "completed", progress: 100, error: null, last_updated: expect.stringMatching(iso) });
    expect(status.result_url).toMatch(new RegExp(`/processed_videos/${name.includes("metadata") ? "metadata/" : ""}${name.replace(".", "\\.")}$`));
  }
});

test("a late socket gets the current state of its files at once", async ({ baseURL }) => {
  const socket = listen(`${baseURL!.replace("http", "ws")}/ws/${clientId}`);
  await socket.opened;
  await expect.poll(() => socket.messages.length).toBeGreaterThanOrEqual(4);
  socket.close();
  expect(socket.messages[0]).toEqual({ type: "connection", status: "connected", client_id: clientId });
  expect(socket.messages[1]).toMatchObject({ type: "upload_status", file_id: fileId, status: "uploaded" });
  for (const type of processTypes) {
    expect(updatesOf(socket.messages, fileId, type)).toEqual([expect.objectContaining({ status: "completed", progress: 100, error: null })]);
  }
});

test("the metadata file agrees with ffprobe and has 3 x 256 histograms", async ({ request }) => {
  const response = await request.get(`/processed_videos/metadata/${fileId}_metadata.json`);
  expect(response.status()).toBe(200);
  expect(response.headers()["content-type"]).toContain("application/json");
  const metadata = await response.json();
  const probe = ffprobe(source());
  const video = probe.streams.find((stream) => stream.codec_type === "video")!;
  const [num, den] = String(video.avg_frame_rate).split("/").map(Number);
  expect(Object.keys(metadata).sort()).toEqual(
    ["advanced", "bit_rate", "color_profile", "duration_seconds", "file_id", "file_size_bytes", "filename", "format", "fps", "frame_count", "resolution"].sort(),
  );
  expect(metadata.file_id).toBe(fileId);
  expect(metadata.filename).toBe("noisy.mp4");
  expect(metadata.format).toBe("mp4");
  expect(metadata.resolution).toEqual({ width: video.width, height: video.height });
  expect(metadata.fps).toBeCloseTo(num / den, 2);
  expect(metadata.frame_count).toBe(Number(video.nb_read_packets));
  expect(metadata.duration_seconds).toBe(Math.trunc(Number(probe.format.duration)));
  expect(metadata.file_size_bytes).toBe(fs.statSync(source()).size);
  expect(metadata.bit_rate).toBe(String(probe.format.bit_rate));
  for (const channel of ["b", "g", "r"]) {
    const histogram = metadata.color_profile.histograms[channel] as number[];
    expect(histogram).toHaveLength(256);
    expect(histogram.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    expect(Number.isInteger(metadata.color_profile.average_color[channel])).toBe(true);
  }
  expect(metadata.advanced.format.format_name).toBe(probe.format.format_name);
  expect(metadata.advanced.streams).toHaveLength(probe.streams.length);
  // Every frame went into the histograms (one streaming pass).
  expect(metadata.advanced.sampled_frames).toBe(metadata.frame_count);
});

test("the enhanced video plays, supports Range, and measures less noise", async ({ request }) => {
  const url = `/processed_videos/enhanced_${fileId}.mp4`;
  const partial = await request.get(url, { headers: { Range: "bytes=0-99" } });
  expect(partial.status()).toBe(206);
  expect(partial.headers()["content-range"]).toMatch(/^bytes 0-99\/\d+$/);
  const response = await request.get(url);
  expect(response.status()).toBe(200);
  expect(response.headers()["content-type"]).toBe("video/mp4");
  const output = path.join(workDir, `enhanced_${fileId}.mp4`);
  fs.writeFileSync(output, await response.body());

  // It plays: every frame decodes.
  execFileSync("ffmpeg", ["-v", "error", "-xerror", "-i", output, "-f", "null", "-"]);
  const outputProbe = ffprobe(output);
  expect(outputProbe.streams.find((stream) => stream.codec_type === "video")?.codec_name).toBe("h264");
  expect(Number(outputProbe.format.duration)).toBeCloseTo(Number(ffprobe(source()).format.duration), 0);

  const sourceProbe = await probeVideo(source());
  const before = await measureVideo(source(), sourceProbe);
  const after = await measureVideo(output, sourceProbe, { size: { width: before.width, height: before.height } });
  expect(after.noise).toBeLessThan(before.noise * 0.7);
});

test("the enhancement status reports what it chose and the figures it measured", async ({ request }) => {
  const status = await (await request.get(`/internal/video-enhancement-status/${fileId}`)).json();
  expect(status.enhancement.preset).toBe("auto");
  expect(status.enhancement.filters).toMatch(/hqdn3d/);
  for (const figures of [status.enhancement.before, status.enhancement.after]) {
    expect(Object.keys(figures)).toEqual(expect.arrayContaining(["sharpness", "noise", "mean_luma", "contrast"]));
  }
  expect(status.enhancement.after.noise).toBeLessThan(status.enhancement.before.noise);
});

test("each process fails alone: an upscale the input is too big for fails, metadata still completes", async ({ request, baseURL }) => {
  test.setTimeout(processTimeout);
  fs.mkdirSync(workDir, { recursive: true });
  const big = path.join(workDir, "720p.mp4");
  if (!fs.existsSync(big)) ffmpeg("-f", "lavfi", "-i", "testsrc=duration=1.5:size=1280x720:rate=10", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", big);
  const client = `e2e-fail-alone-${Date.now()}`;
  const socket = listen(`${baseURL!.replace("http", "ws")}/ws/${client}`);
  await socket.opened;
  const uploaded = await request.post("/upload", {
    multipart: { file: { name: "720p.mp4", mimeType: "video/mp4", buffer: fs.readFileSync(big) }, client_id: client, preset: "upscale" },
  });
  expect(uploaded.status()).toBe(200);
  const id = (await uploaded.json()).file_id;
  await expect
    .poll(() => processTypes.map((type) => updatesOf(socket.messages, id, type).at(-1)?.status), { timeout: processTimeout - 10_000, intervals: [500] })
    .toEqual(["failed", "completed"]);
  socket.close();
  const failed = updatesOf(socket.messages, id, "video_enhancement").at(-1)!;
  expect(failed.error).toMatch(/^Upscale takes videos up to 960x540 \(by area\); this one is 1280x720$/);
  const status = await (await request.get(`/internal/video-enhancement-status/${id}`)).json();
  expect(status).toMatchObject({ status: "failed", error: failed.error });
  expect(status.result_url).toBeUndefined();
  expect((await request.get(`/processed_videos/enhanced_${id}.mp4`)).status()).toBe(404);
  const metadata = await (await request.get(`/internal/metadata-extraction-status/${id}`)).json();
  expect(metadata).toMatchObject({ status: "completed", progress: 100, error: null });
});

test("the upscale preset runs on the inference worker with progress, and doubles the picture", async ({ request, baseURL }) => {
  test.setTimeout(processTimeout);
  fs.mkdirSync(workDir, { recursive: true });
  const small = path.join(workDir, "small-upscale.mp4");
  if (!fs.existsSync(small)) ffmpeg("-f", "lavfi", "-i", "testsrc2=duration=1.2:size=320x240:rate=10", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", small);
  const client = `e2e-upscale-${Date.now()}`;
  const socket = listen(`${baseURL!.replace("http", "ws")}/ws/${client}`);
  await socket.opened;
  const uploaded = await request.post("/upload", {
    multipart: { file: { name: "small.mp4", mimeType: "video/mp4", buffer: fs.readFileSync(small) }, client_id: client, preset: "upscale" },
  });
  expect(uploaded.status()).toBe(200);
  const id = (await uploaded.json()).file_id;
  await expect
    .poll(() => ["completed", "failed"].includes(String(updatesOf(socket.messages, id, "video_enhancement").at(-1)?.status)), { timeout: processTimeout - 10_000, intervals: [500] })
    .toBe(true);
  socket.close();
  const last = updatesOf(socket.messages, id, "video_enhancement").at(-1)!;
  expect(last.status, String(last.error)).toBe("completed");
  const progress = updatesOf(socket.messages, id, "video_enhancement").map((update) => update.progress as number);
  // Per-frame progress from the worker's stream lies between the preparation and the finish.
  expect(progress.filter((p) => p > 8 && p < 94).length).toBeGreaterThanOrEqual(1);
  const status = await (await request.get(`/internal/video-enhancement-status/${id}`)).json();
  const video = await request.get(new URL(status.result_url).pathname);
  expect(video.status()).toBe(200);
  const file = path.join(workDir, "upscaled.mp4");
  fs.writeFileSync(file, await video.body());
  expect(ffprobe(file).streams.find((s) => s.codec_type === "video")).toMatchObject({ width: 640, height: 480 });
});

test("errors: not a video by content, unknown file ids", async ({ request }) => {
  fs.mkdirSync(workDir, { recursive: true });
  const dog = path.resolve("../shared/media/dog.jpg");
  const jpeg = fs.existsSync(dog)
    ? fs.readFileSync(dog)
    : (ffmpeg("-f", "lavfi", "-i", "testsrc=size=320x240", "-frames:v", "1", path.join(workDir, "still.jpg")), fs.readFileSync(path.join(workDir, "still.jpg")));
  const refused = [
    { name: "notes.mp4", mimeType: "video/mp4", buffer: Buffer.from("These are meeting notes, not a video.\n".repeat(20)) },
    { name: "picture.mp4", mimeType: "video/mp4", buffer: jpeg },
    { name: "empty.mp4", mimeType: "video/mp4", buffer: Buffer.alloc(0) },
    { name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("plain text") },
  ];
  for (const file of refused) {
    const response = await request.post("/upload", { multipart: { file } });
    expect(response.status(), file.name).toBe(400);
    expect(await response.json()).toEqual({ detail: "File is not a video" });
  }
  const noFile = await request.post("/upload", { multipart: { client_id: "no-file" } });
  expect(noFile.status()).toBe(400);

  const unknown = "00000000-0000-4000-8000-000000000000";
  for (const url of [
    `/internal/video-enhancement-status/${unknown}`,
    `/internal/metadata-extraction-status/${unknown}`,
    "/internal/metadata-extraction-status/not-a-uuid",
    `/processed_videos/enhanced_${unknown}.mp4`,
    `/processed_videos/metadata/${unknown}_metadata.json`,
    `/processed_videos/enhanced_${fileId}.mkv`,
    "/processed_videos/passwd",
  ]) {
    const response = await request.get(url);
    expect(response.status(), url).toBe(404);
    expect(await response.json()).toEqual({ detail: "File not found" });
  }
});
