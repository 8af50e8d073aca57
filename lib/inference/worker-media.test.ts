import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetEnvForTests } from "@/lib/env";
import { localVideoFile, storedPath } from "@/lib/storage/job-media";
import { jobMediaDir } from "@/lib/storage/layout";
import { objectStore, resetObjectStoreForTests, type ObjectStore } from "@/lib/storage/object-store";
import { startTestS3Server, type TestS3Server } from "@/lib/storage/testing";
import { startLocalWorker, type LocalWorker } from "./local-worker";
import { analyzeImages, analyzeRange, upscaleOnWorker, workerUrls } from "./worker-client";

/**
 * WORKER_MEDIA=url: a worker that shares no folder with the web side (its allowed roots an empty
 * folder of its own) reads its sources through presigned GETs of a real SeaweedFS and sends an
 * upscale back through a presigned PUT; refused URLs never reach the network.
 */
const media = path.resolve("../shared/media");
const models = path.resolve("models");
const ready = existsSync(path.join(media, "vtest.avi")) && existsSync(path.join(models, "esrgan-slim-x2.onnx"));

let server: TestS3Server;
let worker: LocalWorker;
let workerUrl: string;
let root: string;
let store: ObjectStore;
const saved = { ...process.env };

beforeAll(async () => {
  if (!ready) return;
  root = await mkdtemp(path.join(os.tmpdir(), "framewise-worker-media-"));
  server = await startTestS3Server(18563);
  await mkdir(path.join(root, "worker-only"));
  Object.assign(process.env, server.env, {
    STORAGE_URL: `s3://${new URL(server.env.STORAGE_URL).hostname}/worker-media-${randomUUID()}`,
    DATA_DIR: path.join(root, "web"),
    WORKER_MEDIA: "url",
    WORKER_URLS: "",
  });
  resetEnvForTests();
  resetObjectStoreForTests();
  store = await objectStore();
  // The worker runs as its own process, with the store's variables and an empty folder of its own
  // as its only allowed root: it can read no file of the web side.
  worker = startLocalWorker({ env: { WORKER_ALLOWED_ROOTS: path.join(root, "worker-only"), WORKER_CONCURRENCY: "1", WORKER_DEVICE: "cpu" } });
  for (const deadline = Date.now() + 120_000; !workerUrls().length; ) {
    if (Date.now() > deadline) throw new Error("the worker did not start");
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  workerUrl = workerUrls()[0];
}, 600_000);

afterAll(async () => {
  await worker?.stop();
  process.env = saved;
  resetEnvForTests();
  resetObjectStoreForTests();
  await server?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

async function keysUnder(prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const object of store.list(prefix)) keys.push(object.key);
  return keys;
}

async function post(endpoint: string, body: unknown): Promise<{ status: number; text: string }> {
  const response = await fetch(`${workerUrl}${endpoint}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: response.status, text: await response.text() };
}

describe.skipIf(!ready)("WORKER_MEDIA=url against a real object store", () => {
  it("analyses a stored source through a presigned GET: the worker is refused any path of the web host", async () => {
    const jobId = randomUUID();
    await store.upload("uploads/vtest.avi", path.join(media, "vtest.avi"));
    const source = await localVideoFile(storedPath("uploads/vtest.avi"), jobId);
    // The worker could not read the web host's copy by path:
    const byPath = await post("/v1/analyze", { path: source, start: 0, end: 1, fps: 2, tasks: ["detect"] });
    expect(byPath).toEqual({ status: 400, text: expect.stringContaining("path is outside the allowed roots") });
    const frames = [];
    for await (const frame of analyzeRange({ path: source, start: 0, end: 2, fps: 2, tasks: ["detect"] })) frames.push(frame);
    expect(frames.map((frame) => frame.timestamp)).toEqual([0, 0.5, 1, 1.5]);
    expect(frames.flatMap((frame) => frame.detections).some((box) => box.class === "person")).toBe(true);
  }, 120_000);

  it("sends pictures made on the web host as scratch copies, one per version of a file, and names them by their files", async () => {
    const picture = path.join(root, "web", "tmp", "person.jpg");
    await mkdir(path.dirname(picture), { recursive: true });
    await copyFile(path.join(media, "person.jpg"), picture);
    for (let pass = 0; pass < 2; pass++) {
      const lines = [];
      for await (const line of analyzeImages([picture], ["detect"])) lines.push(line);
      expect(lines).toHaveLength(1);
      expect(lines[0].path).toBe(picture);
      expect(lines[0].detections.map((box) => box.class)).toContain("person");
    }
    expect(await keysUnder("scratch/")).toEqual([expect.stringMatching(/^scratch\/[0-9a-f]{32}\/person\.jpg$/)]);
    // A changed file is a new copy.
    await copyFile(path.join(media, "dog.jpg"), picture);
    for await (const line of analyzeImages([picture], ["detect"])) expect(line.detections.map((box) => box.class)).toContain("dog");
    expect(await keysUnder("scratch/")).toHaveLength(2);
  }, 120_000);

  it("gets an upscale back through a presigned PUT of the job's media, and nothing on the web host's disk", async () => {
    const jobId = randomUUID();
    const clip = path.join(root, "clip.mp4");
    execFileSync("ffmpeg", ["-v", "error", "-f", "lavfi", "-i", "testsrc2=size=96x64:rate=10:duration=0.5", "-c:v", "libx264", "-pix_fmt", "yuv420p", clip]);
    await store.upload("uploads/clip.mp4", clip);
    const source = await localVideoFile(storedPath("uploads/clip.mp4"), jobId);
    const output = path.join(jobMediaDir(jobId), "enhanced_clip.mp4");
    const result = await upscaleOnWorker({ path: source, output, format: "mp4", scale: 2 });
    expect(result).toMatchObject({ frames: 5, width: 192, height: 128 });
    expect(existsSync(output)).toBe(false);
    const stored = await store.stat(`jobs/${jobId}/media/enhanced_clip.mp4`);
    expect(stored?.size).toBeGreaterThan(1000);
  }, 180_000);

  it("answers a presigned URL that no longer signs, or names nothing, as a bad request that quotes neither the store nor the signature", async () => {
    const signed = await store.inputUrl("uploads/vtest.avi");
    const forged = signed.replace(/X-Amz-Signature=[0-9a-f]+/, `X-Amz-Signature=${"0".repeat(64)}`);
    const analyzed = await post("/v1/analyze", { path: forged, start: 0, end: 1, fps: 2, tasks: ["detect"] });
    expect(analyzed).toEqual({ status: 400, text: expect.stringContaining("vtest.avi") });
    const missing = await post("/v1/images", { paths: [await store.inputUrl("uploads/none.jpg")], tasks: ["detect"] });
    expect(missing).toEqual({ status: 400, text: expect.stringContaining("no such object") });
    for (const answer of [analyzed, missing]) expect(answer.text).not.toMatch(/X-Amz|127\.0\.0\.1|framewise\//);
  }, 60_000);
});
