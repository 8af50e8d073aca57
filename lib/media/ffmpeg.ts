import { spawn } from "node:child_process";
import path from "node:path";
import ffmpeg from "fluent-ffmpeg";
import { produceFileAtomic } from "@/lib/storage/write-file";

/**
 * The only module that talks to fluent-ffmpeg. The package is archived upstream, so every
 * other file goes through these few functions and could be moved to another runner here.
 *
 * It is also the only module that starts ffmpeg or ffprobe at all (benchmarks that time plain
 * ffmpeg on purpose aside). The primitives:
 * - `runFfmpeg` for jobs that write files (clips, snapshots, enhancement), with progress,
 *   cancellation and a timeout, on fluent-ffmpeg.
 * - `streamFfmpeg` for jobs whose output is read from stdout (raw RGB frames, decode checks).
 *   fluent-ffmpeg's stream output races its own 'close' handler against process exit and can
 *   report a spurious "Output stream closed" under load, so pipes spawn the same binary
 *   directly and settle on the exit code.
 * - `runFfprobe` (ffprobe's full report, through fluent-ffmpeg) and `probeJson` (a few fields
 *   asked for by name, spawned directly: what the frame decoder needs, parsed from JSON).
 */

export type FfprobeData = ffmpeg.FfprobeData;
export type FfmpegCommand = ffmpeg.FfmpegCommand;

/**
 * Paths are passed as `file:` URLs so that a name can never be read as a protocol or option. An
 * http(s) URL (a presigned read of the object store, lib/storage/object-store.ts) passes as it
 * is: only our own code makes those.
 */
export function ffmpegInput(filePath: string): string {
  return isRemoteInput(filePath) ? filePath : `file:${path.resolve(filePath)}`;
}

/** An input our object store made (a presigned http(s) GET), not a path. */
export function isRemoteInput(input: string): boolean {
  return /^https?:\/\//i.test(input);
}

export class FfmpegError extends Error {
  readonly stderr: string;

  constructor(message: string, stderr: string) {
    super(message);
    this.name = "FfmpegError";
    this.stderr = stderr;
  }
}

export class FfmpegAbortError extends Error {
  constructor(message = "ffmpeg was cancelled") {
    super(message);
    this.name = "AbortError";
  }
}

/**
 * ffprobe runs this process has started. Tests read it to hold a job to one probe of its file;
 * counting costs nothing, so it is always on.
 */
let ffprobeRuns = 0;

export function countFfprobeRuns(): number {
  return ffprobeRuns;
}

/** Runs ffprobe with `-show_streams -show_format` plus `extraArgs`. */
export function runFfprobe(filePath: string, extraArgs: string[] = []): Promise<FfprobeData> {
  ffprobeRuns++;
  return new Promise((resolve, reject) => {
    ffmpeg.ffprobe(ffmpegInput(filePath), extraArgs, (error: unknown, data: FfprobeData) => {
      if (error) {
        const message = error instanceof Error ? error.message : String(error);
        reject(new FfmpegError(message, message));
      } else {
        resolve(data);
      }
    });
  });
}

const STDERR_TAIL = 8192;

/**
 * Runs `ffprobe -v error <args> -of json file:<path>` and returns the parsed JSON. One small
 * process with only the entries asked for: cheaper than fluent-ffmpeg's full report, which the
 * frame decoder does not need. Throws FfmpegError (with ffprobe's stderr) when it fails.
 */
export async function probeJson(filePath: string, args: string[]): Promise<unknown> {
  ffprobeRuns++;
  const child = spawn("ffprobe", ["-v", "error", ...args, "-of", "json", ffmpegInput(filePath)], {
    stdio: ["ignore", "pipe", "pipe"],
    windowsHide: true,
  });
  let out = "";
  let err = "";
  child.stdout.setEncoding("utf8").on("data", (text: string) => (out += text));
  child.stderr.setEncoding("utf8").on("data", (text: string) => (err = (err + text).slice(-STDERR_TAIL)));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", resolve);
  }).catch((error: Error) => {
    throw new FfmpegError(`ffprobe could not start: ${error.message}`, err);
  });
  if (code !== 0) throw new FfmpegError(`ffprobe exited with code ${code}: ${err.trim()}`, err.trim());
  try {
    return JSON.parse(out);
  } catch {
    throw new FfmpegError("ffprobe wrote no JSON", err.trim());
  }
}

export interface RunFfmpegOptions {
  /** Called with the media time ffmpeg has reached, in seconds, as it reports it. */
  onTime?: (seconds: number) => void;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Run below normal priority (1-19): background work that must not slow what a user waits on. */
  niceness?: number;
}

const TIME_PATTERN = /time=\s*(-?\d+):(\d{2}):(\d{2}(?:\.\d+)?)/;

export function parseTimemark(line: string): number | undefined {
  const match = TIME_PATTERN.exec(line);
  if (!match) return undefined;
  const seconds = Number(match[1]) * 3600 + Number(match[2]) * 60 + Number(match[3]);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
}

/**
 * Builds a fluent-ffmpeg command with `build` and runs it to completion. Progress is read from
 * ffmpeg's own stderr stats lines rather than fluent-ffmpeg's 'progress' event, which would
 * start a second ffprobe of the input just to compute a percentage we compute ourselves.
 */
export function runFfmpeg(build: (command: FfmpegCommand) => void, options: RunFfmpegOptions = {}): Promise<void> {
  const { onTime, signal, timeoutMs } = options;
  if (signal?.aborted) return Promise.reject(new FfmpegAbortError());

  return new Promise((resolve, reject) => {
    const command = ffmpeg();
    build(command);
    if (options.niceness) command.renice(options.niceness);

    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      if (error) reject(error);
      else resolve();
    };
    const kill = () => {
      // fluent-ffmpeg warns when there is no process yet; only signal a running one.
      if ((command as unknown as { ffmpegProc?: unknown }).ffmpegProc) command.kill("SIGKILL");
    };
    const onAbort = () => {
      kill();
      finish(new FfmpegAbortError());
    };

    signal?.addEventListener("abort", onAbort, { once: true });
    if (timeoutMs) {
      timer = setTimeout(() => {
        kill();
        finish(new FfmpegError(`ffmpeg ran longer than ${Math.round(timeoutMs / 1000)} s`, ""));
      }, timeoutMs);
    }
    if (onTime) {
      command.on("stderr", (line: string) => {
        const seconds = parseTimemark(line);
        if (seconds !== undefined) onTime(seconds);
      });
    }
    command.on("error", (error: Error, _stdout: string | null, stderr: string | null) => {
      finish(new FfmpegError(error.message, stderr ?? ""));
    });
    command.on("end", () => finish());
    command.run();
  });
}

export interface StreamFfmpegOptions {
  signal?: AbortSignal;
  /** Bytes ffmpeg may buffer in the pipe before it blocks; backpressure does the rest. */
  highWaterMark?: number;
}

/**
 * Runs `ffmpeg args...` and yields its stdout in chunks. Reading is pull-based: when the
 * consumer is slow the pipe fills and ffmpeg blocks, so nothing accumulates in memory. Breaking
 * out of the loop kills the process. Throws FfmpegError on a non-zero exit.
 */
export async function* streamFfmpeg(args: string[], options: StreamFfmpegOptions = {}): AsyncGenerator<Buffer> {
  const { signal } = options;
  if (signal?.aborted) throw new FfmpegAbortError();
  const child = spawn("ffmpeg", ["-hide_banner", "-nostdin", ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    windowsHide: true,
  });

  let stderr = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (text: string) => {
    // Only the tail matters for error messages; keep memory bounded on chatty inputs.
    stderr = (stderr + text).slice(-STDERR_TAIL);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>((resolve) => {
    child.once("error", (error) => resolve({ code: null, signal: null, error }));
    child.once("close", (code, exitSignal) => resolve({ code, signal: exitSignal }));
  });
  const onAbort = () => child.kill("SIGKILL");
  signal?.addEventListener("abort", onAbort, { once: true });

  let completed = false;
  try {
    for await (const chunk of child.stdout) yield chunk as Buffer;
    const result = await exited;
    if (signal?.aborted) throw new FfmpegAbortError();
    if (result.error) throw new FfmpegError(`ffmpeg could not start: ${result.error.message}`, stderr);
    if (result.code !== 0) {
      throw new FfmpegError(`ffmpeg exited with code ${result.code ?? result.signal}: ${lastLines(stderr)}`, stderr);
    }
    completed = true;
  } finally {
    signal?.removeEventListener("abort", onAbort);
    if (!completed && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }
}

/**
 * Cuts a rawvideo stream (`-f rawvideo pipe:1` through streamFfmpeg) into whole frames of
 * `frameBytes`. With `fresh` every frame is a buffer of its own that the caller may keep;
 * without it one buffer is refilled, valid until the next frame is asked for. Bytes after the
 * last whole frame (ffmpeg stopping inside a frame) are reported through `leftover`.
 */
export async function* rawFrames(
  chunks: AsyncIterable<Buffer>,
  frameBytes: number,
  options: { fresh?: boolean; leftover?: (bytes: number) => void } = {},
): AsyncGenerator<Buffer> {
  let frame = Buffer.allocUnsafe(frameBytes);
  let filled = 0;
  for await (const chunk of chunks) {
    let offset = 0;
    while (offset < chunk.length) {
      const take = Math.min(frameBytes - filled, chunk.length - offset);
      chunk.copy(frame, filled, offset, offset + take);
      filled += take;
      offset += take;
      if (filled === frameBytes) {
        filled = 0;
        yield frame;
        if (options.fresh) frame = Buffer.allocUnsafe(frameBytes);
      }
    }
  }
  if (filled !== 0) options.leftover?.(filled);
}

/** The last meaningful stderr lines, which is where ffmpeg says what went wrong. */
export function lastLines(stderr: string, count = 3): string {
  return stderr
    .split(/\r?\n|\r/)
    .map((line) => line.trim())
    .filter((line) => line && !/^(frame|size)=/.test(line))
    .slice(-count)
    .join("; ");
}

/** One input to one output file, written atomically (temp + rename): what every renderer here does. */
export function renderToFile(
  output: string,
  spec: { input: string; inputOptions?: string[]; outputOptions: string[] },
  options: RunFfmpegOptions = {},
): Promise<void> {
  return produceFileAtomic(output, (partial) =>
    runFfmpeg((command) => {
      command
        .input(ffmpegInput(spec.input))
        .inputOptions(spec.inputOptions ?? [])
        .outputOptions(spec.outputOptions)
        .output(partial);
    }, options),
  );
}

export interface ExecFfmpegOptions {
  signal?: AbortSignal;
  /** Media time reached, from ffmpeg's own `-progress` output (`out_time_us`), in seconds. */
  onTime?: (seconds: number) => void;
  /** How much of stderr to keep (the tail): filters such as ebur128 and scdet report there. */
  stderrBytes?: number;
}

/**
 * Runs `ffmpeg -hide_banner -nostdin -nostats -progress pipe:1 args...` to completion and
 * returns its stderr: for jobs that read what filters print (loudness, scene changes) or want
 * progress from ffmpeg's machine-readable `-progress` stream rather than the stats line. The
 * signal kills ffmpeg (SIGKILL) and rejects with FfmpegAbortError.
 */
export async function execFfmpeg(args: string[], options: ExecFfmpegOptions = {}): Promise<{ stderr: string }> {
  const { signal } = options;
  if (signal?.aborted) throw new FfmpegAbortError();
  const keep = options.stderrBytes ?? 256 * 1024;
  const child = spawn("ffmpeg", ["-hide_banner", "-nostdin", "-nostats", "-progress", "pipe:1", ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    windowsHide: true,
  });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (text: string) => (stderr = (stderr + text).slice(-keep)));
  let pending = "";
  child.stdout.setEncoding("utf8").on("data", (text: string) => {
    pending += text;
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) {
      const match = /^out_time_us=(\d+)/.exec(line.trim());
      if (match && options.onTime) options.onTime(Number(match[1]) / 1e6);
    }
  });
  const onAbort = () => child.kill("SIGKILL");
  signal?.addEventListener("abort", onAbort, { once: true });
  const result = await new Promise<{ code: number | null; error?: Error }>((resolve) => {
    child.once("error", (error) => resolve({ code: null, error }));
    child.once("close", (code) => resolve({ code }));
  });
  signal?.removeEventListener("abort", onAbort);
  if (signal?.aborted) throw new FfmpegAbortError();
  if (result.error) throw new FfmpegError(`ffmpeg could not start: ${result.error.message}`, stderr);
  if (result.code !== 0) throw new FfmpegError(`ffmpeg exited with code ${result.code}: ${lastLines(stderr)}`, stderr);
  return { stderr };
}

export interface FfmpegWriter {
  /** Writes one chunk to ffmpeg's stdin, waiting while the pipe is full. */
  write(chunk: Uint8Array): Promise<void>;
  /** Closes stdin and waits for ffmpeg to finish; throws FfmpegError on a non-zero exit. */
  end(): Promise<void>;
  kill(): void;
}

/**
 * Runs `ffmpeg args...` reading its input from stdin (`-i pipe:0` in args): frames made in
 * this process (an AI upscale) go to an encoder without touching the disk. Backpressure: write()
 * resolves once the pipe has room.
 */
export function writeFfmpeg(args: string[]): FfmpegWriter {
  const child = spawn("ffmpeg", ["-hide_banner", "-nostdin", ...args.filter((arg) => arg !== "-nostdin")], {
    stdio: ["pipe", "ignore", "pipe"],
    windowsHide: true,
  });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (text: string) => (stderr = (stderr + text).slice(-STDERR_TAIL)));
  const exited = new Promise<{ code: number | null; error?: Error }>((resolve) => {
    child.once("error", (error) => resolve({ code: null, error }));
    child.once("close", (code) => resolve({ code }));
  });
  // A broken pipe shows up as the exit status; the write error itself says nothing more.
  child.stdin.on("error", () => undefined);
  const fail = async () => {
    const result = await exited;
    throw new FfmpegError(result.error ? `ffmpeg could not start: ${result.error.message}` : `ffmpeg exited with code ${result.code}: ${lastLines(stderr)}`, stderr);
  };
  return {
    async write(chunk) {
      if (child.exitCode !== null) return fail();
      if (!child.stdin.write(chunk)) {
        await Promise.race([new Promise((resolve) => child.stdin.once("drain", resolve)), exited]);
        if (child.exitCode !== null) return fail();
      }
    },
    async end() {
      child.stdin.end();
      const result = await exited;
      if (result.error || result.code !== 0) return fail();
    },
    kill() {
      if (child.exitCode === null) child.kill("SIGKILL");
    },
  };
}
