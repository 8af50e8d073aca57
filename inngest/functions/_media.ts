import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import { NonRetriableError } from "inngest";
import type { Db } from "@/lib/db/client";
import { videos } from "@/lib/db/schema";
import { env } from "@/lib/env";

/**
 * Small ffprobe/ffmpeg helpers for the job functions until lib/media takes them over.
 * Not an Inngest function (the underscore keeps it apart from the one-function-per-file rule).
 */

export type ProbeSummary = {
  path: string;
  format: string | null;
  duration_seconds: number | null;
  size_bytes: number | null;
  video: { codec: string; width: number; height: number; fps: number | null } | null;
  audio: { codec: string; sample_rate: number | null; channels: number | null } | null;
};

/**
 * The file a job's payload points at: `path` (inside VIDEO_INPUT_DIR or DATA_DIR, relative to
 * the first) or `source_asset_id` (a video's id). Missing or out-of-bounds files fail the job
 * without retries.
 */
export async function resolveSource(db: Db, payload: Record<string, unknown>): Promise<string> {
  const config = env();
  let file: string;
  if (typeof payload.path === "string" && payload.path) {
    const roots = [config.VIDEO_INPUT_DIR, config.dataDir].filter((root): root is string => Boolean(root)).map((root) => path.resolve(root));
    file = path.resolve(roots[0], payload.path);
    if (!roots.some((root) => file === root || file.startsWith(root + path.sep))) {
      throw new NonRetriableError(`Path ${payload.path} is outside the media folders`);
    }
  } else if (typeof payload.source_asset_id === "string" && payload.source_asset_id) {
    const id = payload.source_asset_id;
    const [video] = /^[0-9a-f-]{36}$/i.test(id) ? await db.select({ path: videos.path }).from(videos).where(eq(videos.id, id)) : [];
    if (!video) throw new NonRetriableError(`Source asset ${id} not found`);
    file = video.path;
  } else {
    throw new NonRetriableError("The payload names no video: give `path` or `source_asset_id`");
  }
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) throw new NonRetriableError(`Video file not found: ${payload.path ?? file}`);
  return file;
}

export async function probe(file: string): Promise<ProbeSummary> {
  const { stdout } = await run("ffprobe", ["-v", "error", "-print_format", "json", "-show_format", "-show_streams", file]);
  let parsed: { format?: Record<string, string>; streams?: Record<string, unknown>[] };
  try {
    parsed = JSON.parse(stdout);
  } catch {
    throw new NonRetriableError(`ffprobe could not read ${path.basename(file)}`);
  }
  const video = parsed.streams?.find((stream) => stream.codec_type === "video");
  const audio = parsed.streams?.find((stream) => stream.codec_type === "audio");
  const number = (value: unknown) => (value === undefined || value === null || Number.isNaN(Number(value)) ? null : Number(value));
  const [num, den] = String(video?.avg_frame_rate ?? "0/0").split("/").map(Number);
  return {
    path: file,
    format: parsed.format?.format_name ?? null,
    duration_seconds: number(parsed.format?.duration),
    size_bytes: number(parsed.format?.size),
    video: video
      ? { codec: String(video.codec_name), width: Number(video.width), height: Number(video.height), fps: den ? Math.round((num / den) * 1000) / 1000 : null }
      : null,
    audio: audio ? { codec: String(audio.codec_name), sample_rate: number(audio.sample_rate), channels: number(audio.channels) } : null,
  };
}

/** Runs ffmpeg, overwriting `output`; the folder is created. */
export async function ffmpeg(args: string[], output: string): Promise<string> {
  fs.mkdirSync(path.dirname(output), { recursive: true });
  await run("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", ...args, output]);
  return output;
}

/** Where a job writes its files: DATA_DIR/jobs/<jobId>/<name>. */
export function jobOutput(jobId: string, name: string): string {
  return path.join(env().dataDir, "jobs", jobId, name);
}

export function describe(summary: ProbeSummary): string {
  const parts = [`${summary.duration_seconds?.toFixed(1) ?? "?"} s`];
  if (summary.video) parts.push(`${summary.video.width}x${summary.video.height} ${summary.video.codec}`);
  if (summary.audio) parts.push(`audio ${summary.audio.codec}`);
  return parts.join(", ");
}

function run(command: string, args: string[]): Promise<{ stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", (error) => reject(new Error(`${command} could not start: ${error.message}`)));
    child.on("close", (code) => {
      if (code === 0) resolve({ stdout });
      else reject(new Error(`${command} exited with ${code}: ${stderr.trim().slice(-500)}`));
    });
  });
}
