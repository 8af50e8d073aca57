import type { z } from "zod";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import {
  doneLineSchema,
  frameLineSchema,
  imageLineSchema,
  sourceHintSchema,
  upscaleLineSchema,
  type AnalyzeRequestInput,
  type ImagesRequestInput,
  type UpscaleRequestInput,
  type UpscaleResult,
  type WorkerFrame,
  type WorkerImageLine,
} from "./worker-protocol";

/**
 * Talks to the inference worker (workers/inference): the spawned local one, or the hosts in
 * WORKER_URLS, taken in turn. Results arrive as NDJSON and are yielded frame by frame, so a
 * long range never sits whole in memory. Requests and lines are the protocol's
 * (./worker-protocol.ts), which the worker imports too; every line is checked against it.
 */
export type { WorkerBox, WorkerDetection, WorkerFace, WorkerFrame, WorkerMask, WorkerOcrLine, WorkerPose } from "./worker-protocol";

export type AnalyzeRangeRequest = AnalyzeRequestInput & { start: number; end: number };

type Shared = { localUrl?: string; turn: number; busy: Map<string, Promise<void>> };
const shared: Shared = ((globalThis as { __framewiseWorker?: Shared }).__framewiseWorker ??= { turn: 0, busy: new Map() });

/** server.ts tells where the spawned local worker listens (or that it stopped: undefined). */
export function setLocalWorkerUrl(url: string | undefined): void {
  shared.localUrl = url;
}

export function workerUrls(): string[] {
  const configured = env().WORKER_URLS;
  if (configured.length) return configured;
  return shared.localUrl ? [shared.localUrl] : [];
}

/**
 * A free worker, taken until `release` is called: one range at a time per worker. A worker keeps
 * every core busy with the frames of one request, and two decodes competing on a small machine
 * were measured slower (21-22 s against 19.6 s for vtest.avi on 2 cores). More workers in
 * WORKER_URLS, more ranges at once. A local worker that is (re)starting is waited for.
 */
async function takeWorker(waitMs = 60_000): Promise<{ url: string; release: () => void }> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const urls = await waitForWorkers(deadline - Date.now());
    shared.turn = (shared.turn + 1) % urls.length;
    const free = [...urls.slice(shared.turn), ...urls.slice(0, shared.turn)].find((url) => !shared.busy.has(url));
    if (!free) {
      await Promise.race(urls.map((url) => shared.busy.get(url)));
      continue;
    }
    let release!: () => void;
    shared.busy.set(free, new Promise<void>((resolve) => (release = resolve)));
    return {
      url: free.replace(/\/$/, ""),
      release: () => {
        shared.busy.delete(free);
        release();
      },
    };
  }
}

/** A refusal by the worker (400: the request itself is wrong): retrying will not help. */
export class WorkerRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WorkerRequestError";
  }
}

export async function* analyzeRange(request: AnalyzeRangeRequest, signal?: AbortSignal): AsyncGenerator<WorkerFrame> {
  const { url, release } = await takeWorker();
  try {
    yield* streamRange(url, request, signal);
  } finally {
    release();
  }
}

function streamRange(url: string, request: AnalyzeRangeRequest, signal?: AbortSignal): AsyncGenerator<WorkerFrame> {
  return streamLines(`${url}/v1/analyze`, withUsableHint(request), frameLineSchema, signal);
}

/**
 * POSTs `body` to a worker endpoint and yields its NDJSON result lines, each checked against
 * `lineSchema`, until the final `done` line: a 4xx is the request's fault (WorkerRequestError),
 * anything else, a line outside the protocol or a stream cut short, the worker's.
 */
async function* streamLines<T>(endpoint: string, body: unknown, lineSchema: z.ZodType<T>, signal?: AbortSignal): AsyncGenerator<T> {
  const response = await fetch(endpoint, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    signal,
  });
  if (!response.ok || !response.body) {
    const detail = await response
      .json()
      .then((answer: { detail?: string }) => answer.detail)
      .catch(() => undefined);
    const message = `Worker refused the request: ${detail ?? response.statusText}`;
    if (response.status >= 400 && response.status < 500) throw new WorkerRequestError(message);
    throw new Error(message);
  }
  for await (const line of ndjsonLines(response.body)) {
    const value = parseLine(line);
    if ("done" in value) {
      const done = doneLineSchema.safeParse(value);
      if (!done.success) throw malformed(done.error);
      if (!done.data.done) throw new Error(`Worker failed mid-stream: ${done.data.error}`);
      return;
    }
    const parsed = lineSchema.safeParse(value);
    if (!parsed.success) throw malformed(parsed.error);
    yield parsed.data;
  }
  throw new Error("Worker closed the stream before it finished");
}

export async function workerHealth(): Promise<{ url: string; ok: boolean; details?: unknown; error?: string }[]> {
  return Promise.all(
    workerUrls().map(async (url) => {
      try {
        const response = await fetch(`${url.replace(/\/$/, "")}/healthz`, { signal: AbortSignal.timeout(3000) });
        return { url, ok: response.ok, details: await response.json() };
      } catch (error) {
        return { url, ok: false, error: error instanceof Error ? error.message : String(error) };
      }
    }),
  );
}

/**
 * A source hint the protocol would refuse (a stream with no known frame rate, a picture past
 * the hint's pixel bound) is left out rather than sent: the worker then probes the file itself
 * instead of refusing the range.
 */
function withUsableHint(request: AnalyzeRangeRequest): AnalyzeRangeRequest {
  if (request.source === undefined || sourceHintSchema.safeParse(request.source).success) return request;
  const { source: _unusable, ...rest } = request;
  return rest;
}

function parseLine(line: string): object {
  try {
    const value: unknown = JSON.parse(line);
    if (value && typeof value === "object") return value;
  } catch {
    // reported below
  }
  throw new Error("Worker sent a line that is not a JSON object");
}

/** A worker speaking another version of the protocol: said plainly, not saved half-understood. */
function malformed(error: z.ZodError): Error {
  const issue = error.issues[0];
  return new Error(`Worker sent a line outside the protocol: ${issue.path.join(".") || "line"}: ${issue.message}`);
}

async function* ndjsonLines(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffered = "";
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    buffered += decoder.decode(chunk, { stream: true });
    let newline: number;
    while ((newline = buffered.indexOf("\n")) >= 0) {
      const line = buffered.slice(0, newline).trim();
      buffered = buffered.slice(newline + 1);
      if (line) yield line;
    }
  }
  const rest = (buffered + decoder.decode()).trim();
  if (rest) yield rest;
}

/** POST /v1/images on a free worker: one result per path, in order (lib/reframer/masks.ts). */
export async function* analyzeImages(paths: string[], tasks: ImagesRequestInput["tasks"], signal?: AbortSignal): AsyncGenerator<WorkerImageLine> {
  const { url, release } = await takeWorker();
  try {
    yield* streamLines(`${url}/v1/images`, { paths, tasks } satisfies ImagesRequestInput, imageLineSchema, signal);
  } finally {
    release();
  }
}

/**
 * POST /v1/upscale on a worker (the enhance job's `upscale` preset): progress per frame as the
 * worker streams it, the result at the end. The worker is not held as busy: the upscale runs in
 * its own process there with one inference thread, beside whatever range it is analysing, and
 * an hour-long upscale must not stall every analysis behind it.
 */
export async function upscaleOnWorker(request: UpscaleRequestInput, onProgress?: (frame: number, total: number) => void, signal?: AbortSignal): Promise<UpscaleResult> {
  const urls = await waitForWorkers();
  shared.turn = (shared.turn + 1) % urls.length;
  const url = urls[shared.turn].replace(/\/$/, "");
  let result: UpscaleResult | undefined;
  try {
    for await (const line of streamLines(`${url}/v1/upscale`, request, upscaleLineSchema, signal)) {
      if ("upscaled" in line) result = line.upscaled;
      else onProgress?.(line.frame, line.total);
    }
  } catch (error) {
    if (error instanceof WorkerRequestError) throw new AppError("bad_request", error.message.replace(/^Worker refused the request: /, "Upscale refused: "));
    throw error;
  }
  if (!result) throw new Error("Worker ended the upscale without its result");
  return result;
}

async function waitForWorkers(waitMs = 60_000): Promise<string[]> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const urls = workerUrls();
    if (urls.length) return urls;
    if (env().WORKER_URLS.length || Date.now() > deadline) throw new AppError("unavailable", "No inference worker is running");
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
