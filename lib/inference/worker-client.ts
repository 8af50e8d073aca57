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
import { workerMedia, workerOutput } from "./worker-media";

/**
 * Talks to the inference worker (workers/inference): the spawned local one, or the hosts in
 * WORKER_URLS, each range going to the worker with a free slot and the fewest requests in
 * flight; a worker that cannot be reached is passed over while others answer. Results arrive as NDJSON and are yielded frame by frame, so a
 * long range never sits whole in memory. Requests and lines are the protocol's
 * (./worker-protocol.ts), which the worker imports too; every line is checked against it.
 */
export type { WorkerBox, WorkerDetection, WorkerFace, WorkerFrame, WorkerMask, WorkerOcrLine, WorkerPose } from "./worker-protocol";

export type AnalyzeRangeRequest = AnalyzeRequestInput & { start: number; end: number };

/** What this replica knows of one worker: its requests in flight and how its last one went. */
type WorkerState = { inFlight: number; down: boolean; downSince?: number; lastError?: string; lastErrorAt?: string };
type Shared = { localUrl?: string; turn: number; busy: Map<string, Promise<void>>; workers: Map<string, WorkerState> };
const shared: Shared = ((globalThis as { __framewiseWorker?: Partial<Shared> }).__framewiseWorker ??= {}) as Shared;
shared.turn ??= 0;
shared.busy ??= new Map();
shared.workers ??= new Map();

/** A worker that failed is tried again after this long, or at once when no other is up. */
const retryDownAfterMs = 10_000;

function stateOf(url: string): WorkerState {
  let state = shared.workers.get(url);
  if (!state) shared.workers.set(url, (state = { inFlight: 0, down: false }));
  return state;
}

function markDown(url: string, error: unknown): void {
  const state = stateOf(url);
  if (!state.down) state.downSince = Date.now();
  state.down = true;
  state.lastError = error instanceof Error ? error.message : String(error);
  state.lastErrorAt = new Date().toISOString();
}

function markUp(url: string): void {
  const state = stateOf(url);
  state.down = false;
  state.downSince = undefined;
}

/** Counts a request against `url` until the returned function is called. */
function occupy(url: string): () => void {
  const state = stateOf(url);
  state.inFlight += 1;
  let done = false;
  return () => {
    if (!done) state.inFlight -= 1;
    done = true;
  };
}

/** server.ts tells where the spawned local worker listens (or that it stopped: undefined). */
export function setLocalWorkerUrl(url: string | undefined): void {
  shared.localUrl = url;
}

export function workerUrls(): string[] {
  const configured = env().WORKER_URLS;
  if (configured.length) return configured.map((url) => url.replace(/\/$/, ""));
  return shared.localUrl ? [shared.localUrl.replace(/\/$/, "")] : [];
}

/**
 * A free worker, taken until `release` is called: one range at a time per worker. A worker keeps
 * every core busy with the frames of one request, and two decodes competing on a small machine
 * were measured slower (21-22 s against 19.6 s for vtest.avi on 2 cores). More workers in
 * WORKER_URLS, more ranges at once. Among the free ones: a worker that is up before one that
 * failed lately, then the one with the fewest requests in flight (images, upscales), then in
 * turn. A local worker that is (re)starting is waited for. `avoid`: workers that just failed
 * this request, taken only when nothing else is left.
 */
async function takeWorker(waitMs = 60_000, avoid: Set<string> = new Set()): Promise<{ url: string; release: () => void }> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const urls = await waitForWorkers(deadline - Date.now());
    shared.turn = (shared.turn + 1) % urls.length;
    const inTurn = [...urls.slice(shared.turn), ...urls.slice(0, shared.turn)];
    const usable = (url: string) => {
      const state = stateOf(url);
      return !avoid.has(url) && (!state.down || Date.now() - (state.downSince ?? 0) > retryDownAfterMs);
    };
    const free = inTurn.filter((url) => !shared.busy.has(url));
    // Nothing usable is free, but a usable worker is busy: wait for it rather than take a dead one.
    const waitForBusy = !free.some(usable) && inTurn.some((url) => usable(url) && shared.busy.has(url));
    const untried = free.filter((url) => !avoid.has(url));
    const candidates = free.some(usable) ? free.filter(usable) : waitForBusy ? [] : untried.length ? untried : free;
    const chosen = candidates.sort((a, b) => stateOf(a).inFlight - stateOf(b).inFlight)[0];
    if (!chosen) {
      await Promise.race(urls.map((url) => shared.busy.get(url)).filter(Boolean));
      continue;
    }
    let release!: () => void;
    shared.busy.set(chosen, new Promise<void>((resolve) => (release = resolve)));
    const leave = occupy(chosen);
    return {
      url: chosen,
      release: () => {
        leave();
        shared.busy.delete(chosen);
        release();
      },
    };
  }
}

/** The worker could not be reached, answered 5xx, or its stream broke off: another may do it. */
export class WorkerUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "WorkerUnavailableError";
  }
}

/**
 * Runs `request` on a worker and yields its lines. A worker that fails before its first line
 * is marked down and the request goes to the next worker (each tried once); one that fails
 * after it is marked down and the error thrown: the lines already yielded cannot be taken back,
 * so the step's retry runs the range again, on a worker that is up (steps save idempotently).
 */
async function* onSomeWorker<T>(open: (url: string) => AsyncGenerator<T>): AsyncGenerator<T> {
  const tried = new Set<string>();
  for (;;) {
    const { url, release } = await takeWorker(60_000, tried);
    tried.add(url);
    let yielded = false;
    try {
      for await (const line of open(url)) {
        if (!yielded) markUp(url);
        yielded = true;
        yield line;
      }
      markUp(url);
      return;
    } catch (error) {
      if (!(error instanceof WorkerUnavailableError)) {
        stateOf(url).lastError = error instanceof Error ? error.message : String(error);
        stateOf(url).lastErrorAt = new Date().toISOString();
        throw error;
      }
      markDown(url, error);
      const others = workerUrls().filter((other) => !tried.has(other));
      if (yielded || others.length === 0) throw error;
      console.warn(`[worker] ${url} failed (${error.message}); trying another worker`);
    } finally {
      release();
    }
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
  const { inputs } = await workerMedia([request.path]);
  yield* onSomeWorker((url) => streamRange(url, { ...request, path: inputs[0] }, signal));
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
  }).catch((error: unknown) => {
    if (signal?.aborted) throw error;
    throw new WorkerUnavailableError(`Worker unreachable: ${describeCause(error)}`, { cause: error });
  });
  if (!response.ok || !response.body) {
    const detail = await response
      .json()
      .then((answer: { detail?: string }) => answer.detail)
      .catch(() => undefined);
    const message = `Worker refused the request: ${detail ?? response.statusText}`;
    if (response.status >= 400 && response.status < 500) throw new WorkerRequestError(message);
    throw new WorkerUnavailableError(message);
  }
  for await (const line of cutOffAsUnavailable(ndjsonLines(response.body), signal)) {
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
  throw new WorkerUnavailableError("Worker closed the stream before it finished");
}

/** A body that breaks off (the worker died mid-stream) is the worker's failure, not the request's. */
async function* cutOffAsUnavailable(lines: AsyncGenerator<string>, signal?: AbortSignal): AsyncGenerator<string> {
  try {
    yield* lines;
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new WorkerUnavailableError(`Worker stream broke off: ${describeCause(error)}`, { cause: error });
  }
}

function describeCause(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } } | null)?.cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}

export type WorkerHealth = {
  url: string;
  /** Its /healthz answered (and said it is not down). */
  ok: boolean;
  /** up, or down: its /healthz fails or its last request could not reach it. */
  state: "up" | "down";
  /** The execution providers its models run on (cpu, cuda). */
  provider: string | null;
  /** Requests this replica has in flight on it. */
  in_flight: number;
  last_error: string | null;
  last_error_at: string | null;
  details?: unknown;
  error?: string;
};

/** Each worker as /health/diagnostics and the admin system page show it (admins only). */
export async function workerHealth(): Promise<WorkerHealth[]> {
  return Promise.all(
    workerUrls().map(async (url): Promise<WorkerHealth> => {
      const key = url;
      const known = stateOf(key);
      const base = { url, in_flight: known.inFlight, last_error: known.lastError ?? null, last_error_at: known.lastErrorAt ?? null };
      try {
        const response = await fetch(`${key}/healthz`, { signal: AbortSignal.timeout(3000) });
        const details = (await response.json()) as { models?: { provider?: string }[]; device?: string };
        const providers = [...new Set((details.models ?? []).map((model) => model.provider).filter(Boolean))];
        // Answering again is proof enough that it is back.
        if (response.ok) markUp(key);
        return { ...base, ok: response.ok, state: response.ok ? "up" : "down", provider: providers.join(", ") || null, details };
      } catch (error) {
        return { ...base, ok: false, state: "down", provider: null, error: error instanceof Error ? error.message : String(error) };
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
  const media = await workerMedia(paths);
  for await (const line of onSomeWorker((url) => streamLines(`${url}/v1/images`, { paths: media.inputs, tasks } satisfies ImagesRequestInput, imageLineSchema, signal))) {
    yield { ...line, path: media.fileOf(line.path) };
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
  // The worker that is up with the fewest requests in flight; in turn among equals.
  shared.turn = (shared.turn + 1) % urls.length;
  const inTurn = [...urls.slice(shared.turn), ...urls.slice(0, shared.turn)];
  const url = inTurn.sort((a, b) => Number(stateOf(a).down) - Number(stateOf(b).down) || stateOf(a).inFlight - stateOf(b).inFlight)[0];
  let result: UpscaleResult | undefined;
  const { inputs } = await workerMedia([request.path]);
  const sent = { ...request, path: inputs[0], output: await workerOutput(request.output) };
  const leave = occupy(url);
  try {
    for await (const line of streamLines(`${url}/v1/upscale`, sent, upscaleLineSchema, signal)) {
      if ("upscaled" in line) result = line.upscaled;
      else onProgress?.(line.frame, line.total);
    }
  } catch (error) {
    if (error instanceof WorkerRequestError) throw new AppError("bad_request", error.message.replace(/^Worker refused the request: /, "Upscale refused: "));
    if (error instanceof WorkerUnavailableError) markDown(url, error);
    throw error;
  } finally {
    leave();
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
