/**
 * The inference worker: plain node:http on 127.0.0.1, spawned by the web server (or run on a
 * GPU host). POST /v1/analyze streams one NDJSON line per sampled frame of a video range,
 * POST /v1/images one line per still, GET /healthz says what is loaded and where it runs.
 * Model sessions are created once at startup, in WORKER_CONCURRENCY inference threads
 * (onnxruntime-node's run() blocks its thread); the worker never touches the database.
 *
 *   tsx workers/inference/server.ts   ->   {"event":"listening","port":N} on stdout
 */
import { realpathSync } from "node:fs";
import { stat } from "node:fs/promises";
import path from "node:path";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { pathToFileURL } from "node:url";
import * as ort from "../onnxruntime";
import { AppError, isAppError } from "@/lib/errors";
import { decodeFrames, decodeImage, probeVideoStream, type VideoStreamInfo } from "@/lib/media/frames";
import { looksLikePpm } from "@/lib/media/ppm";
import { loadWorkerEnv, type WorkerEnv } from "./env";
import { mapOrdered } from "./pipeline";
import { startPool, type InferencePool } from "./pool";
import { analyzeRequestSchema, DEFAULT_THRESHOLDS, imagesRequestSchema, TASKS, upscaleRequestSchema, type SourceHint } from "@/lib/inference/worker-protocol";
import { MAX_UPSCALE_INPUT_PIXELS, MAX_UPSCALE_INPUT_SIZE } from "@/lib/inference/upscale-limit";
import { chooseDetector, modelFiles, type DetectorChoice } from "./models/registry";
import { parseBody, resolveAllowedOutput, resolveAllowedPath } from "./request";
import { checkMediaUrl, download, isMediaUrl, scratchFolder, uploadTo } from "./remote-media";
import { runUpscaleWorker } from "@/workers/upscale/launch";
import { modelsFor } from "./tasks/analyze";

const MAX_BODY_BYTES = 1024 * 1024;
/** The largest picture a request may name by URL. */
const MAX_IMAGE_BYTES = 64 * 1024 * 1024;

export type WorkerOptions = {
  /** Variables layered over process.env (tests point roots and ports here). */
  env?: Record<string, string | undefined>;
};

export type Worker = {
  port: number;
  url: string;
  env: WorkerEnv;
  pool: InferencePool;
  detector: DetectorChoice;
  close(): Promise<void>;
};

export async function startWorker(options: WorkerOptions = {}): Promise<Worker> {
  const env = loadWorkerEnv({ ...process.env, ...options.env });
  const detector = await chooseDetector(env.modelsDir, env.DETECTOR_PRECISION);
  const pool = await startPool(env.WORKER_CONCURRENCY, {
    modelsDir: env.modelsDir,
    ids: modelsFor(TASKS, { poseModel: env.WORKER_POSE_MODEL, detectorModel: detector.model }),
    device: env.WORKER_DEVICE,
    threads: env.WORKER_THREADS,
    poseModel: env.WORKER_POSE_MODEL,
    detectorModel: detector.model,
  });
  await warmUp(pool);
  const deps: Deps = { env, pool, detector };

  const server = createServer((req, res) => {
    handle(deps, req, res).catch((error: unknown) => fail(res, error));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(env.WORKER_PORT, env.WORKER_HOST, resolve);
  }).catch(async (error: unknown) => {
    await pool.close();
    throw error;
  });
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: `http://${env.WORKER_HOST}:${port}`,
    env,
    pool,
    detector,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pool.close();
    },
  };
}

type Deps = { env: WorkerEnv; pool: InferencePool; detector: DetectorChoice };

/**
 * Detections on every thread before the worker says it listens: a session's first runs pay for
 * allocating its buffers, and the decoding around it runs slowly until V8 has compiled it;
 * without this the first job of a fresh server pays for both (on vtest.avi that job took about
 * 10% longer than the next ones). A flat grey picture first, then a textured one whose heatmap
 * has peaks, so the decoding's box path runs too; twice per thread.
 */
async function warmUp(pool: InferencePool): Promise<void> {
  const grey = () => ({ width: 640, height: 480, data: new Uint8Array(640 * 480 * 3).fill(128) });
  // Blocks of shades (no randomness: every start does the same work).
  const textured = () => ({ width: 640, height: 480, data: Uint8Array.from({ length: 640 * 480 * 3 }, (_, i) => ((Math.floor(i / 3 / 40) * 37 + Math.floor(i / 3 / 640 / 40) * 91) % 256)) });
  for (const picture of [grey, textured]) {
    await Promise.all(Array.from({ length: pool.size }, () => pool.analyze(picture(), ["detect"], DEFAULT_THRESHOLDS)));
  }
}

/** Frames in flight: one running and one queued per inference thread. */
const inFlight = (env: WorkerEnv) => env.WORKER_CONCURRENCY * 2;

async function handle(deps: Deps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const route = `${req.method} ${new URL(req.url ?? "/", "http://worker").pathname}`;
  if (route === "GET /healthz") {
    const report = health(deps);
    return sendJson(res, report.status === "down" ? 503 : 200, report);
  }
  if (route === "POST /v1/analyze") return analyze(deps, req, res);
  if (route === "POST /v1/images") return images(deps, req, res);
  if (route === "POST /v1/upscale") return upscale(deps, req, res);
  sendJson(res, 404, { detail: `no route ${route}` });
}

function health({ env, pool, detector }: Deps) {
  const alive = pool.alive();
  return {
    status: alive === pool.size ? "ok" : alive > 0 ? "degraded" : "down",
    device: env.WORKER_DEVICE,
    onnxruntime: ort.env.versions.common,
    ...(pool.cudaError ? { cuda_error: pool.cudaError } : {}),
    threads: pool.size,
    threads_alive: alive,
    intra_op_threads: env.WORKER_THREADS,
    // What runs, not what was asked for: DETECTOR_PRECISION=int8 without the int8 file runs fp32.
    detector,
    tasks: TASKS,
    models: pool.models,
  };
}

/**
 * ffprobe answers for the files ranges were asked of lately, while each file keeps its size and
 * modification time: a job sends one range per chunk of the same video, and each probe is a
 * process start (about 50 ms) in the gap between two chunks.
 */
const probes = new Map<string, { stamp: string; info: VideoStreamInfo }>();
const rememberedProbes = 32;

async function probeRemembered(file: string, hint?: SourceHint): Promise<VideoStreamInfo> {
  // A presigned URL names one object for a while: the web side's probe of it stands.
  if (isMediaUrl(file)) return hint ? { width: hint.width, height: hint.height, fps: hint.fps, duration: hint.duration } : probeVideoStream(file);
  const { size, mtimeMs } = await stat(file);
  // The caller's probe of this very file (same size, same modification time) saves ours: one
  // ffprobe per job, on the web side. A file that changed since is probed here again.
  if (hint && hint.size === size && hint.mtimeMs === mtimeMs) {
    return { width: hint.width, height: hint.height, fps: hint.fps, duration: hint.duration };
  }
  const stamp = `${size}:${mtimeMs}`;
  const known = probes.get(file);
  if (known?.stamp === stamp) return { ...known.info };
  const info = await probeVideoStream(file);
  probes.delete(file);
  probes.set(file, { stamp, info });
  if (probes.size > rememberedProbes) probes.delete(probes.keys().next().value!);
  return { ...info };
}

/** POST /v1/analyze: validate everything, then stream one line per sampled frame. */
async function analyze(deps: Deps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const started = Date.now();
  const body = parseBody(analyzeRequestSchema, await readJson(req));
  const file = await resolveInput(deps, body.path);
  const info = await probeRemembered(file, body.source).catch((error: unknown) => {
    throw new AppError("bad_request", isAppError(error) ? error.message : `cannot read ${nameOf(body.path)}`);
  });
  const start = body.start ?? 0;
  if (!(info.duration > 0)) {
    // Some streams (live captures, broken indexes) carry no duration: only an explicit range works.
    if (body.end === undefined) throw new AppError("bad_request", `${nameOf(body.path)} has no known duration: give end`);
    info.duration = body.end;
  }
  // One source frame of slack: callers derive ranges from a probe that may round the duration.
  const slack = info.fps > 0 ? 1 / info.fps : 0.1;
  if (start >= info.duration) {
    throw new AppError("bad_request", `start ${start} s is past the end of the video (${info.duration} s)`);
  }
  if (body.end !== undefined && body.end > info.duration + slack) {
    throw new AppError("bad_request", `end ${body.end} s is past the end of the video (${info.duration} s)`);
  }
  const end = Math.min(body.end ?? info.duration, info.duration);
  const frames = decodeFrames({ path: file, start, end, fps: body.fps, info });
  await stream(res, started, "frames", frames, inFlight(deps.env), async (frame) => {
    // Read these before the pixels move to an inference thread.
    const { index, timestamp } = frame;
    const result = await deps.pool.analyze(frame, body.tasks, body.thresholds);
    return { index, timestamp: Number(timestamp.toFixed(6)), ...result };
  });
}

/** POST /v1/images: every path checked and probed first, then one line per image. */
async function images(deps: Deps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const started = Date.now();
  const body = parseBody(imagesRequestSchema(deps.env.WORKER_MAX_IMAGES), await readJson(req));
  // Pictures named by URL are fetched into a folder of this request's own first: they are small,
  // and a PPM is read from disk.
  const scratch = body.paths.some(isMediaUrl) ? await scratchFolder() : undefined;
  try {
    const files: { requested: string; file: string }[] = [];
    for (const [index, requested] of body.paths.entries()) {
      let file = await resolveInput(deps, requested);
      if (scratch && isMediaUrl(file)) {
        const local = path.join(scratch.folder, `${index}${path.extname(new URL(file).pathname).slice(0, 8)}`);
        await download(file, local, MAX_IMAGE_BYTES);
        file = local;
      }
      // A binary PPM is read without ffmpeg (lib/media/ppm.ts); anything else must probe as a picture.
      if (!(await looksLikePpm(file).catch(() => false))) {
        await probeVideoStream(file).catch(() => {
          throw new AppError("bad_request", `not an image: ${nameOf(requested)}`);
        });
      }
      files.push({ requested, file });
    }
    await stream(res, started, "images", toAsync(files), inFlight(deps.env), async ({ requested, file }) => ({
      path: requested,
      ...(await deps.pool.analyze(await decodeImage(file), body.tasks, body.thresholds)),
    }));
  } finally {
    await scratch?.remove();
  }
}

/** A request's media: a URL under the allowed prefixes, or a path inside the allowed roots. */
async function resolveInput(deps: Deps, requested: string): Promise<string> {
  return isMediaUrl(requested) ? checkMediaUrl(requested, deps.env.allowedUrls) : resolveAllowedPath(requested, deps.env.allowedRoots);
}

/**
 * How an error names a request's media: a URL by its file name alone (its query holds a
 * signature, its host is the store's, and the message may reach a user).
 */
function nameOf(requested: string): string {
  return isMediaUrl(requested) ? path.posix.basename(new URL(requested).pathname) : requested;
}

/**
 * POST /v1/upscale: checks, then the ESRGAN-slim upscale in its own process (workers/upscale/launch.ts:
 * onnxruntime's run() would block this server's loop), streaming its progress as it comes. The
 * client going away kills it; the partial output is left for the caller's clean-up (the web
 * side removes a cancelled job's folder) and replaced by the next attempt.
 */
async function upscale(deps: Deps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const started = Date.now();
  const body = parseBody(upscaleRequestSchema, await readJson(req));
  const file = await resolveInput(deps, body.path);
  // An output URL (a presigned PUT) gets the video once it is whole, from a file of this worker's own.
  const outputUrl = isMediaUrl(body.output) ? checkMediaUrl(body.output, deps.env.allowedUrls) : undefined;
  const output = outputUrl ? undefined : await resolveAllowedOutput(body.output, deps.env.allowedRoots);
  if (output === file || outputUrl === file) throw new AppError("bad_request", "output must not be the input");
  const info = await probeRemembered(file, body.source).catch((error: unknown) => {
    throw new AppError("bad_request", isAppError(error) ? error.message : `cannot read ${nameOf(body.path)}`);
  });
  const even = (value: number) => Math.max(2, value - (value % 2));
  const width = even(info.width);
  const height = even(info.height);
  if (width * height > MAX_UPSCALE_INPUT_PIXELS) throw new AppError("bad_request", `upscale takes videos up to ${MAX_UPSCALE_INPUT_SIZE} (by area); this one is ${info.width}x${info.height}`);
  const model = modelFiles[body.scale === 4 ? "esrgan-slim-x4" : "esrgan-slim-x2"];
  if (!(await stat(path.join(deps.env.modelsDir, model)).catch(() => null))) throw new AppError("bad_request", `this worker has no ${model}: run npm run models on it`);

  res.writeHead(200, { "content-type": "application/x-ndjson", "cache-control": "no-store" });
  const gone = new AbortController();
  res.on("close", () => {
    if (!res.writableFinished) gone.abort();
  });
  const scratch = outputUrl ? await scratchFolder() : undefined;
  try {
    const written = output ?? path.join(scratch!.folder, `upscaled${path.extname(new URL(outputUrl!).pathname).slice(0, 8)}`);
    const result = await runUpscaleWorker(
      { input: file, output: written, format: body.format, scale: body.scale, width, height, fps: info.fps, frameCount: Math.max(1, Math.round(info.duration * info.fps)), hasAudio: body.has_audio, modelsDir: deps.env.modelsDir },
      (frame, total) => void write(res, `${JSON.stringify({ frame, total })}\n`),
      gone.signal,
    );
    if (outputUrl) await uploadTo(outputUrl, written);
    await write(res, `${JSON.stringify({ upscaled: result })}\n`);
    res.end(`${JSON.stringify({ done: true, frames: result.frames, ms: Date.now() - started })}\n`);
  } catch (error) {
    if (gone.signal.aborted) return;
    logError(error);
    res.end(`${JSON.stringify({ done: false, error: publicMessage(error) })}\n`);
  } finally {
    await scratch?.remove();
  }
}

async function* toAsync<T>(items: T[]): AsyncGenerator<T> {
  yield* items;
}

/**
 * Streams NDJSON: results in order with bounded parallelism, a write that waits for the
 * socket to drain, and an early stop (which kills ffmpeg) when the client goes away.
 */
async function stream<T, R>(
  res: ServerResponse,
  started: number,
  countName: "frames" | "images",
  source: AsyncIterable<T>,
  concurrency: number,
  fn: (item: T) => Promise<R>,
): Promise<void> {
  res.writeHead(200, { "content-type": "application/x-ndjson", "cache-control": "no-store" });
  let closed = false;
  res.on("close", () => (closed = true));
  let count = 0;
  try {
    for await (const line of mapOrdered(source, concurrency, fn)) {
      if (closed) break;
      await write(res, `${JSON.stringify(line)}\n`);
      count++;
    }
    if (!closed) res.end(`${JSON.stringify({ done: true, [countName]: count, ms: Date.now() - started })}\n`);
  } catch (error) {
    // Headers are gone: report the failure as the last line instead of a status code.
    logError(error);
    if (!closed) res.end(`${JSON.stringify({ done: false, error: publicMessage(error), [countName]: count })}\n`);
  }
}

function write(res: ServerResponse, text: string): Promise<void> {
  if (res.write(text)) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.on("drain", done);
    res.on("close", done);
  });
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new AppError("payload_too_large", `request body over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw new AppError("bad_request", "request body is not valid JSON");
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

/** Errors before streaming: the caller's mistakes are 400 with a detail, ours a generic 500. */
function fail(res: ServerResponse, error: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (isAppError(error) && error.kind !== "internal" && error.kind !== "unavailable") {
    sendJson(res, error.kind === "payload_too_large" ? 413 : 400, { detail: publicMessage(error) });
    return;
  }
  logError(error);
  sendJson(res, 500, { detail: "internal error" });
}

/** An error as the caller reads it: media URLs (ffmpeg quotes them) by their file names alone. */
function publicMessage(error: unknown): string {
  return isAppError(error) ? error.message.replace(/https?:\/\/[^\s:]+(:\d+)?[^\s:]*/gi, nameOf) : "internal error";
}

function logError(error: unknown): void {
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`${JSON.stringify({ event: "error", message })}\n`);
}

function isMain(): boolean {
  if (!process.argv[1]) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
  } catch {
    return false;
  }
}

/**
 * Spawned by the web server (lib/inference/local-worker.ts, `--exit-with-parent`): exit when it
 * is gone, however it died. Its end of our stdin pipe closes then; a changed parent pid (we
 * were re-parented) is the fallback check.
 */
function exitWithParent(stop: () => void): void {
  const parent = process.ppid;
  process.stdin.on("end", stop).on("close", stop).on("error", stop).resume();
  setInterval(() => {
    if (process.ppid !== parent) stop();
  }, 1000).unref();
}

if (isMain()) {
  // Until the worker listens, the parent's death ends it at once (nothing to close yet).
  let onParentGone: () => void = () => process.exit(0);
  if (process.argv.includes("--exit-with-parent")) exitWithParent(() => onParentGone());
  startWorker()
    .then((worker) => {
      process.stdout.write(`${JSON.stringify({ event: "listening", port: worker.port })}\n`);
      let stopping = false;
      const stop = () => {
        if (stopping) return;
        stopping = true;
        // A request in flight must not keep an orphan alive: exit after 2 s whatever happens.
        setTimeout(() => process.exit(0), 2000).unref();
        void worker.close().then(() => process.exit(0));
      };
      process.once("SIGTERM", stop);
      process.once("SIGINT", stop);
      onParentGone = stop;
    })
    .catch((error: unknown) => {
      process.stderr.write(`${JSON.stringify({ event: "fatal", message: error instanceof Error ? error.message : String(error) })}\n`);
      process.exit(1);
    });
}
