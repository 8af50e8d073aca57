import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setLocalWorkerUrl, upscaleOnWorker } from "@/lib/inference/worker-client";
import { doneLineSchema, upscaleLineSchema } from "@/lib/inference/worker-protocol";
import { isAppError } from "@/lib/errors";
import { startWorker, type Worker } from "./server";

/**
 * POST /v1/upscale over real HTTP: ESRGAN-slim on the worker, frame by frame, progress
 * streamed, the file written where asked inside the allowed roots; and through the web side's
 * client (upscaleOnWorker), which the enhance job calls.
 */
const models = path.resolve("models");
const hasModel = existsSync(path.join(models, "esrgan-slim-x2.onnx"));

let worker: Worker;
let scratch: string;
let clip: string;

beforeAll(async () => {
  if (!hasModel) return;
  scratch = await mkdtemp(path.join(os.tmpdir(), "worker-upscale-"));
  clip = path.join(scratch, "small.mp4");
  execFileSync("ffmpeg", ["-v", "error", "-f", "lavfi", "-i", "testsrc2=size=96x64:rate=10:duration=0.8", "-f", "lavfi", "-i", "sine=frequency=440:duration=0.8", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", clip]);
  worker = await startWorker({ env: { WORKER_PORT: "0", WORKER_ALLOWED_ROOTS: scratch, MODELS_DIR: models, WORKER_DEVICE: "cpu" } });
}, 120_000);
afterAll(async () => {
  setLocalWorkerUrl(undefined);
  await worker?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

async function post(body: unknown): Promise<{ status: number; lines: Record<string, unknown>[]; detail?: string }> {
  const response = await fetch(`${worker.url}/v1/upscale`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const text = await response.text();
  if (response.status !== 200) return { status: response.status, lines: [], detail: JSON.parse(text).detail };
  return { status: 200, lines: text.trim().split("\n").map((line) => JSON.parse(line)) };
}

function probe(file: string): { streams: { codec_type: string; width?: number; height?: number }[] } {
  return JSON.parse(execFileSync("ffprobe", ["-v", "error", "-show_entries", "stream=codec_type,width,height", "-of", "json", file], { encoding: "utf8" }));
}

describe.skipIf(!hasModel)("POST /v1/upscale", () => {
  it("streams per-frame progress, then the result and done, and writes the 2x video with its audio", async () => {
    const output = path.join(scratch, "up.mp4");
    const { status, lines } = await post({ path: clip, output, format: "mp4", scale: 2, has_audio: true });
    expect(status).toBe(200);
    const done = doneLineSchema.parse(lines.at(-1));
    expect(done).toMatchObject({ done: true, frames: 8 });
    const body = lines.slice(0, -1).map((line) => upscaleLineSchema.parse(line));
    const progress = body.filter((line) => "frame" in line);
    expect(progress.length).toBeGreaterThanOrEqual(1);
    expect(progress.at(-1)).toEqual({ frame: 8, total: 8 });
    expect(body.at(-1)).toEqual({ upscaled: { frames: 8, ms_per_frame: expect.any(Number), provider: "cpu", width: 192, height: 128 } });
    const streams = probe(output).streams;
    expect(streams.find((s) => s.codec_type === "video")).toMatchObject({ width: 192, height: 128 });
    expect(streams.some((s) => s.codec_type === "audio")).toBe(true);
  }, 120_000);

  it("refuses paths outside its roots, a missing folder, an unknown format", async () => {
    expect(await post({ path: clip, output: "/tmp/elsewhere.mp4", format: "mp4", scale: 2 })).toMatchObject({ status: 400, detail: "path is outside the allowed roots: /tmp/elsewhere.mp4" });
    expect(await post({ path: clip, output: path.join(scratch, "no/such/dir.mp4"), format: "mp4", scale: 2 })).toMatchObject({ status: 400, detail: expect.stringMatching(/^folder not found/) });
    expect(await post({ path: "/etc/hostname", output: path.join(scratch, "x.mp4"), format: "mp4", scale: 2 })).toMatchObject({ status: 400, detail: "path is outside the allowed roots: /etc/hostname" });
    expect(await post({ path: clip, output: path.join(scratch, "x.mp4"), format: "webm", scale: 2 })).toMatchObject({ status: 400, detail: expect.stringMatching(/^format:/) });
    expect(await post({ path: clip, output: path.join(scratch, "x.mp4"), format: "mp4", scale: 3 })).toMatchObject({ status: 400, detail: expect.stringMatching(/^scale:/) });
  });

  it("through the web side's client: progress callbacks and the result; a refusal is a bad request", async () => {
    setLocalWorkerUrl(worker.url);
    const seen: [number, number][] = [];
    const result = await upscaleOnWorker({ path: clip, output: path.join(scratch, "client.mkv"), format: "matroska", scale: 2 }, (frame, total) => seen.push([frame, total]));
    expect(result).toMatchObject({ frames: 8, width: 192, height: 128 });
    expect(seen.at(-1)).toEqual([8, 8]);
    const refused = await upscaleOnWorker({ path: clip, output: "/tmp/x.mp4", format: "mp4", scale: 2 }).catch((error: unknown) => error);
    expect(isAppError(refused) && refused.kind).toBe("bad_request");
    expect((refused as Error).message).toBe("Upscale refused: path is outside the allowed roots: /tmp/x.mp4");
  }, 120_000);

  it("a client that goes away stops the upscale process", async () => {
    setLocalWorkerUrl(worker.url);
    const long = path.join(scratch, "long.mp4");
    execFileSync("ffmpeg", ["-v", "error", "-f", "lavfi", "-i", "testsrc2=size=320x192:rate=10:duration=30", "-c:v", "libx264", "-pix_fmt", "yuv420p", long]);
    const controller = new AbortController();
    const running = upscaleOnWorker({ path: long, output: path.join(scratch, "aborted.mp4"), format: "mp4", scale: 2 }, (frame) => frame >= 1 && controller.abort(), controller.signal).catch((error: unknown) => error);
    const error = await running;
    expect((error as Error).name).toBe("AbortError");
    const upscalers = () => execFileSync("ps", ["-eo", "args"], { encoding: "utf8" }).split("\n").filter((line) => line.includes("workers/upscale/main.ts") && line.includes("aborted.mp4"));
    for (let waited = 0; upscalers().length && waited < 5000; waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(upscalers()).toEqual([]);
    expect((await readdir(scratch)).filter((name) => name.startsWith("aborted.mp4") && !name.includes("partial"))).toEqual([]);
  }, 120_000);
});
