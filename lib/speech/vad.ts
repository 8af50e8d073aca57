import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import readline from "node:readline";
import { pathToFileURL } from "node:url";
import { z } from "zod";
import { FfmpegAbortError } from "@/lib/media/ffmpeg";

/**
 * Speech segments of a 16 kHz mono WAV, found by Silero VAD in a child process
 * (workers/vad/cli.ts): onnxruntime runs in workers/, never in the web bundle. The signal
 * kills the child.
 */
export type SpeechSegment = { start: number; end: number };

const doneLine = z.object({ event: z.literal("done"), duration: z.number(), segments: z.array(z.object({ start: z.number(), end: z.number() })) });
const progressLine = z.object({ event: z.literal("progress"), fraction: z.number() });

/** The repository root: where the server was started (server.ts runs from it), else above lib/. */
function repoRoot(): string {
  const fromCwd = process.cwd();
  if (existsSync(path.join(fromCwd, "workers/vad/cli.ts"))) return fromCwd;
  return path.resolve(import.meta.dirname ?? __dirname, "../..");
}

export async function detectSpeech(
  wavFile: string,
  options: { modelsDir: string; signal?: AbortSignal; onProgress?: (fraction: number) => void },
): Promise<{ duration: number; segments: SpeechSegment[] }> {
  if (options.signal?.aborted) throw new FfmpegAbortError("cancelled");
  const root = repoRoot();
  const loader = pathToFileURL(path.join(root, "node_modules/tsx/dist/loader.mjs")).href;
  const child = spawn(process.execPath, ["--import", loader, path.join(root, "workers/vad/cli.ts"), wavFile, options.modelsDir], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const onAbort = () => child.kill("SIGKILL");
  options.signal?.addEventListener("abort", onAbort, { once: true });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (text: string) => (stderr = (stderr + text).slice(-2000)));
  let done: z.infer<typeof doneLine> | undefined;
  readline.createInterface({ input: child.stdout }).on("line", (line) => {
    try {
      const message = JSON.parse(line) as unknown;
      const progress = progressLine.safeParse(message);
      if (progress.success) options.onProgress?.(progress.data.fraction);
      const finished = doneLine.safeParse(message);
      if (finished.success) done = finished.data;
    } catch {
      // not one of the CLI's lines
    }
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", resolve);
  }).finally(() => options.signal?.removeEventListener("abort", onAbort));
  if (options.signal?.aborted) throw new FfmpegAbortError("cancelled");
  if (code !== 0 || !done) throw new Error(`Voice activity detection failed: ${stderr.trim().split("\n").at(-1) ?? `exit ${code}`}`);
  return { duration: done.duration, segments: done.segments };
}
