import { spawn } from "node:child_process";
import path from "node:path";
import readline from "node:readline";
import { pathToFileURL } from "node:url";
import { AppError } from "@/lib/errors";
import { FfmpegAbortError } from "@/lib/media/ffmpeg";
import type { UpscaleOptions } from "./upscale";

const root = path.resolve(import.meta.dirname ?? __dirname, "../..");
const tsxLoader = pathToFileURL(path.join(root, "node_modules/tsx/dist/loader.mjs")).href;

/**
 * Runs the ESRGAN-slim upscale in its own process (./main.ts): onnxruntime's
 * run() blocks its thread, and the web process must keep answering. Progress comes back as
 * JSON lines; a failure is an AppError with the worker's reason. The inference worker runs it
 * for POST /v1/upscale (workers/inference/server.ts). `signal` kills the process (its ffmpeg
 * decoder and encoder then see their pipes close and stop) and rejects with FfmpegAbortError.
 */
export function runUpscaleWorker(
  options: Omit<UpscaleOptions, "onProgress">,
  onProgress?: (done: number, total: number) => void,
  signal?: AbortSignal,
): Promise<{ frames: number; ms_per_frame: number; provider: string; width: number; height: number }> {
  if (signal?.aborted) return Promise.reject(new FfmpegAbortError("upscale was cancelled"));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", tsxLoader, path.join(root, "workers/upscale/main.ts"), JSON.stringify(options)], {
      cwd: root,
      stdio: ["pipe", "pipe", "pipe"],
    });
    let settled = false;
    let stderr = "";
    const onAbort = () => {
      child.kill("SIGKILL");
      if (!settled) {
        settled = true;
        reject(new FfmpegAbortError("upscale was cancelled"));
      }
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    child.stderr.setEncoding("utf8").on("data", (text: string) => (stderr = (stderr + text).slice(-4000)));
    readline.createInterface({ input: child.stdout }).on("line", (line) => {
      let message: { event?: string; done?: number; total?: number; message?: string } & Record<string, unknown>;
      try {
        message = JSON.parse(line);
      } catch {
        return;
      }
      if (message.event === "progress") onProgress?.(message.done ?? 0, message.total ?? 0);
      else if (message.event === "done" && !settled) {
        settled = true;
        const { event: _event, ...result } = message;
        resolve(result as never);
      } else if (message.event === "error" && !settled) {
        settled = true;
        reject(new AppError("internal", `Upscale failed: ${message.message}`));
      }
    });
    child.once("error", (error) => !settled && ((settled = true), reject(new AppError("internal", `Upscale failed: ${error.message}`))));
    child.once("close", (code) => {
      signal?.removeEventListener("abort", onAbort);
      if (!settled) {
        settled = true;
        reject(new AppError("internal", `Upscale failed: the worker exited with code ${code}${stderr ? `: ${stderr.trim().split("\n").at(-1)}` : ""}`));
      }
    });
  });
}
