import { execFileSync } from "node:child_process";
import { mkdtemp, rm, stat, symlink } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analyzeLineSchema, DEFAULT_THRESHOLDS, doneLineSchema, frameLineSchema, imageLineSchema, MAX_SAMPLE_FPS, TASKS } from "@/lib/inference/worker-protocol";
import { countFfprobeRuns } from "@/lib/media/ffmpeg";
import { readManifest } from "./models/registry";
import { startWorker, type Worker } from "./server";
import { SHARED_MEDIA_DIR, skipWithoutSharedMedia } from "@/lib/media/test-media";
import { decodeRle } from "./tasks/mask";

/**
 * The real worker on a random port over real HTTP, on real photos and video. Assertions are
 * what a working model must find, not numbers copied from a run.
 */
const media = SHARED_MEDIA_DIR;

type Bbox = { x: number; y: number; width: number; height: number };
// The worker's JSON lines, read loosely: their shapes are the protocol's (worker-protocol.test.ts).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Line = Record<string, any>;

let worker: Worker;
let scratch: string;

beforeAll(async () => {
  if (skipWithoutSharedMedia) return;
  scratch = await mkdtemp(path.join(os.tmpdir(), "worker-test-"));
  // A link inside an allowed root that points outside it must still be refused.
  await symlink("/etc/hostname", path.join(scratch, "escape.jpg"));
  worker = await startWorker({
    env: { WORKER_PORT: "0", WORKER_ALLOWED_ROOTS: `${media},${scratch}`, WORKER_DEVICE: "auto" },
  });
});

afterAll(async () => {
  await worker?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

async function post(route: string, body: unknown): Promise<{ status: number; lines: Line[]; json?: Line }> {
  const response = await fetch(`${worker.url}${route}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status !== 200) return { status: response.status, lines: [], json: JSON.parse(text) };
  return { status: 200, lines: text.trim().split("\n").map((line) => JSON.parse(line)) };
}

async function image(file: string, tasks: string[], thresholds?: object): Promise<Line> {
  const { status, lines } = await post("/v1/images", { paths: [path.join(media, file)], tasks, thresholds });
  expect(status).toBe(200);
  expect(lines.at(-1)).toMatchObject({ done: true, images: 1 });
  return lines[0];
}

function inside(point: { x: number; y: number }, box: Bbox, margin: number): boolean {
  const mx = box.width * margin;
  const my = box.height * margin;
  return point.x >= box.x - mx && point.x <= box.x + box.width + mx && point.y >= box.y - my && point.y <= box.y + box.height + my;
}

function norm(values: number[]): number {
  return Math.sqrt(values.reduce((sum, value) => sum + value * value, 0));
}

describe.skipIf(skipWithoutSharedMedia)("inference worker", () => {
  it("reports its models, checksums and the provider each session runs on", async () => {
    const response = await fetch(`${worker.url}/healthz`);
    expect(response.status).toBe(200);
    const health = await response.json();
    const manifest = await readManifest(worker.env.modelsDir);
    expect(health.status).toBe("ok");
    expect(health.onnxruntime).toBe("1.30.0");
    const ids = health.models.map((model: Line) => model.id);
    expect(ids).toEqual(expect.arrayContaining([health.detector.model, "movenet-lightning", "selfie", "mobilefacenet", "blazeface", "ocr-det", "ocr-rec"]));
    // The detector it says it runs is the one it loaded, and the precision is that model's.
    expect(health.detector).toEqual(worker.detector);
    expect(health.detector.model).toBe(health.detector.precision === "int8" ? "centernet-int8" : "centernet");
    expect(health.detector.precision === health.detector.requested || health.detector.fallback).toBeTruthy();
    for (const model of health.models) {
      expect(model.sha256).toBe(manifest?.models[model.id as keyof typeof manifest.models]?.sha256);
      expect(["cpu", "cuda"]).toContain(model.provider);
      expect(model.source).toMatch(/@\d+\.\d+\.\d+$/);
    }
  });

  it("finds the person, the dog and the horse in person.jpg", async () => {
    const result = await image("person.jpg", ["detect"]);
    const classes = result.detections.map((d: Line) => d.class);
    expect(classes).toEqual(expect.arrayContaining(["person", "dog", "horse"]));
    for (const { bbox, confidence } of result.detections) {
      expect(Object.values(bbox).every(Number.isInteger)).toBe(true);
      expect(bbox.x + bbox.width).toBeLessThanOrEqual(result.width);
      expect(bbox.y + bbox.height).toBeLessThanOrEqual(result.height);
      expect(confidence).toBeGreaterThan(0);
    }
  });

  it("puts a person's keypoints inside the person's box", async () => {
    const result = await image("person.jpg", ["pose"]);
    expect(result.pose.length).toBeGreaterThanOrEqual(1);
    const [pose] = result.pose;
    expect(pose.keypoints.length).toBeGreaterThanOrEqual(10);
    for (const point of pose.keypoints) expect(inside(point, pose.bbox, 0.1), JSON.stringify(point)).toBe(true);
    // A standing person: shoulders above hips above ankles.
    const y = (name: string) => pose.keypoints.find((point: Line) => point.name === name)?.y;
    if (y("left_shoulder") && y("left_hip") && y("left_ankle")) {
      expect(y("left_shoulder")).toBeLessThan(y("left_hip"));
      expect(y("left_hip")).toBeLessThan(y("left_ankle"));
    }
  });

  it("returns a person mask whose RLE covers the frame", async () => {
    const result = await image("person.jpg", ["mask", "detect"]);
    expect(result.masks).toHaveLength(1);
    const mask = decodeRle(result.masks[0].mask_rle);
    expect(mask.length).toBe(result.width * result.height);
    const area = mask.reduce((sum, bit) => sum + bit, 0);
    expect(area).toBe(result.masks[0].mask_area_pixels);
    expect(area).toBeGreaterThan(0);
    // Most of the mask lies on the detected person.
    const person = result.detections.find((d: Line) => d.class === "person").bbox as Bbox;
    let onPerson = 0;
    for (let y = person.y; y < person.y + person.height; y++) {
      for (let x = person.x; x < person.x + person.width; x++) onPerson += mask[y * result.width + x];
    }
    expect(onPerson / area).toBeGreaterThan(0.5);
  });

  it("finds the face in messi5.jpg with landmarks and a unit embedding", async () => {
    const result = await image("messi5.jpg", ["faces"]);
    expect(result.faces.length).toBeGreaterThanOrEqual(1);
    const [face] = result.faces;
    expect(face.confidence).toBeGreaterThan(0.6);
    expect(face.embedding).toHaveLength(192);
    expect(norm(face.embedding)).toBeCloseTo(1, 3);
    const eyes = face.landmarks.filter((point: Line) => point.name.endsWith("_eye"));
    expect(eyes).toHaveLength(2);
    for (const eye of eyes) expect(inside(eye, face.bbox, 0)).toBe(true);
  });

  it("reads PARKING from scenetext01.jpg", async () => {
    const result = await image("scenetext01.jpg", ["ocr"]);
    const texts = result.ocr.map((line: Line) => line.text as string);
    expect(texts.some((text: string) => text.toLowerCase().includes("parking")), texts.join(" | ")).toBe(true);
  });

  it("streams one line per sampled frame of vtest.avi with people in them", async () => {
    const { status, lines } = await post("/v1/analyze", {
      path: path.join(media, "vtest.avi"),
      start: 20,
      end: 22,
      fps: 2,
      tasks: ["detect", "embed"],
    });
    expect(status).toBe(200);
    const frames = lines.slice(0, -1);
    expect(lines.at(-1)).toMatchObject({ done: true, frames: 4 });
    expect(frames.map((frame) => frame.timestamp)).toEqual([20, 20.5, 21, 21.5]);
    expect(frames.map((frame) => frame.index)).toEqual([200, 205, 210, 215]);
    for (const frame of frames) {
      expect([frame.width, frame.height]).toEqual([768, 576]);
      expect(frame.detections.filter((d: Line) => d.class === "person").length).toBeGreaterThanOrEqual(2);
      expect(frame.embedding).toHaveLength(480);
      expect(norm(frame.embedding)).toBeCloseTo(1, 3);
    }
    // Half a second apart in one static shot: the frame embeddings nearly agree.
    const cosine = frames[0].embedding.reduce((sum: number, v: number, i: number) => sum + v * frames[1].embedding[i], 0);
    expect(cosine).toBeGreaterThan(0.9);
  });

  it.each([
    ["bad JSON", "{nope", /not valid JSON/],
    ["a missing file", { path: path.join(media, "missing.avi"), fps: 1, tasks: ["detect"] }, /file not found/],
    ["a path outside the roots", { path: "/etc/hostname", fps: 1, tasks: ["detect"] }, /outside the allowed roots/],
    ["a symlink escaping a root", { path: "ESCAPE", fps: 1, tasks: ["detect"] }, /outside the allowed roots/],
    ["an unknown task", { path: path.join(media, "vtest.avi"), fps: 1, tasks: ["teleport"] }, /unknown task "teleport"/],
    ["a range past the end", { path: path.join(media, "vtest.avi"), start: 500, fps: 1, tasks: ["detect"] }, /past the end/],
    ["an end past the end", { path: path.join(media, "vtest.avi"), start: 1, end: 500, fps: 1, tasks: ["detect"] }, /past the end/],
    ["no fps", { path: path.join(media, "vtest.avi"), tasks: ["detect"] }, /fps/],
    ["a file that is not media", { path: path.join(media, "README.md"), fps: 1, tasks: ["detect"] }, /could not read/],
  ])("answers 400 to %s and keeps serving", async (_name, body, detail) => {
    const payload = typeof body === "object" && body.path === "ESCAPE" ? { ...body, path: path.join(scratch, "escape.jpg") } : body;
    const { status, json } = await post("/v1/analyze", payload);
    expect(status).toBe(400);
    expect(json?.detail).toMatch(detail);
    const next = await post("/v1/analyze", { path: path.join(media, "vtest.avi"), start: 5, end: 5.5, fps: 2, tasks: ["detect"] });
    expect(next.status).toBe(200);
    expect(next.lines.at(-1)).toMatchObject({ done: true, frames: 1 });
  });

  it("refuses bad image requests with 400", async () => {
    expect((await post("/v1/images", { paths: [], tasks: ["detect"] })).status).toBe(400);
    const outside = await post("/v1/images", { paths: ["/etc/hostname"], tasks: ["detect"] });
    expect(outside.json?.detail).toMatch(/outside the allowed roots/);
  });

  it("streams only lines the shared protocol describes, every field of them", async () => {
    const analyzed = await post("/v1/analyze", { path: path.join(media, "vtest.avi"), start: 30, end: 31, fps: 2, tasks: [...TASKS] });
    expect(analyzed.status).toBe(200);
    const frames = analyzed.lines.slice(0, -1);
    expect(frames).toHaveLength(2);
    for (const line of analyzed.lines) expect(analyzeLineSchema.safeParse(line).success, JSON.stringify(line).slice(0, 300)).toBe(true);
    // Parsing keeps every field: the schema is the whole line, not a part of it.
    for (const frame of frames) expect(frameLineSchema.parse(frame)).toEqual(frame);
    expect(doneLineSchema.parse(analyzed.lines.at(-1))).toEqual(analyzed.lines.at(-1));
    // What each task adds is present and typed (vtest is a street: people, poses, masks).
    expect(frames.every((frame) => frame.pose && frame.masks && frame.faces && frame.ocr && frame.embedding)).toBe(true);
    expect(frames.some((frame) => frame.pose.length > 0 && frame.masks.length > 0)).toBe(true);

    const stills = await post("/v1/images", { paths: ["person.jpg", "messi5.jpg", "scenetext01.jpg"].map((name) => path.join(media, name)), tasks: [...TASKS] });
    expect(stills.status).toBe(200);
    const images = stills.lines.slice(0, -1);
    expect(images).toHaveLength(3);
    for (const image of images) expect(imageLineSchema.parse(image)).toEqual(image);
    expect(images[1].faces.length).toBeGreaterThan(0);
    expect(images[2].ocr.length).toBeGreaterThan(0);
  });

  it("takes the protocol's default thresholds when a request gives none", async () => {
    const range = { path: path.join(media, "vtest.avi"), start: 40, end: 43, fps: 2, tasks: ["detect"] };
    const implicit = await post("/v1/analyze", range);
    const explicit = await post("/v1/analyze", { ...range, thresholds: { ...DEFAULT_THRESHOLDS } });
    const stricter = await post("/v1/analyze", { ...range, thresholds: { detect: 0.25 } });
    const detections = (lines: Line[]) => lines.slice(0, -1).flatMap((frame) => frame.detections as Line[]);
    expect(detections(implicit.lines)).toEqual(detections(explicit.lines));
    const scores = detections(implicit.lines).map((d) => d.confidence as number);
    expect(Math.min(...scores)).toBeGreaterThanOrEqual(DEFAULT_THRESHOLDS.detect);
    // The worker's own default was 0.25: boxes between the two prove which one it uses now.
    expect(scores.some((score) => score < 0.25)).toBe(true);
    expect(detections(stricter.lines).length).toBeLessThan(scores.length);
  });

  it("caps the sampling rate where the analysis options do", async () => {
    const range = { path: path.join(media, "vtest.avi"), start: 1, end: 1.1, tasks: ["detect"] };
    expect((await post("/v1/analyze", { ...range, fps: MAX_SAMPLE_FPS })).status).toBe(200);
    const over = await post("/v1/analyze", { ...range, fps: MAX_SAMPLE_FPS + 1 });
    expect(over.status).toBe(400);
    expect(over.json?.detail).toMatch(/fps/);
  });

  it("uses the caller's probe of an unchanged file instead of its own, and probes a changed one", async () => {
    const file = path.join(media, "vtest.avi");
    const { size, mtimeMs } = await stat(file);
    const range = { path: file, start: 12, end: 13, fps: 2, tasks: ["detect"] };
    const sizes = (lines: Line[]) => lines.slice(0, -1).map((frame) => [frame.width, frame.height, frame.index]);
    // A hint that differs from the file on purpose (half the size, twice the rate) shows it is
    // used: frames come out at its size, whole, with indices at its rate, and no ffprobe ran.
    const before = countFfprobeRuns();
    const hinted = await post("/v1/analyze", { ...range, source: { size, mtimeMs, width: 384, height: 288, fps: 20, duration: 79.5 } });
    expect(countFfprobeRuns()).toBe(before);
    expect(sizes(hinted.lines)).toEqual([[384, 288, 240], [384, 288, 250]]);
    // The same hint for a file that has changed since (another size) is ignored.
    const stale = await post("/v1/analyze", { ...range, source: { size: size + 1, mtimeMs, width: 384, height: 288, fps: 20, duration: 79.5 } });
    expect(sizes(stale.lines)).toEqual([[768, 576, 120], [768, 576, 125]]);
    // A hint is checked like the rest of the request.
    const huge = await post("/v1/analyze", { ...range, source: { size, mtimeMs, width: 16384, height: 16384, fps: 10, duration: 79.5 } });
    expect(huge.status).toBe(400);
    expect(huge.json?.detail).toMatch(/source/);
  });

  it("stops decoding when the client disconnects, and keeps serving", async () => {
    const controller = new AbortController();
    const response = await fetch(`${worker.url}/v1/analyze`, {
      method: "POST",
      body: JSON.stringify({ path: path.join(media, "vtest.avi"), start: 0, end: 60, fps: 10, tasks: ["detect"] }),
      signal: controller.signal,
    });
    const reader = response.body!.getReader();
    await reader.read();
    controller.abort();
    await reader.cancel().catch(() => undefined);
    // The worker notices the closed socket at its next write; ffmpeg goes with it.
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && ffmpegChildren() > 0) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(ffmpegChildren()).toBe(0);
    const health = await fetch(`${worker.url}/healthz`);
    expect(health.status).toBe(200);
  });
});

function ffmpegChildren(): number {
  try {
    return execFileSync("pgrep", ["-P", String(process.pid), "ffmpeg"], { encoding: "utf8" }).trim().split("\n").filter(Boolean).length;
  } catch {
    return 0;
  }
}
