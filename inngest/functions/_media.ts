import path from "node:path";
import { eq } from "drizzle-orm";
import { NonRetriableError } from "inngest";
import type { Db } from "@/lib/db/client";
import { videos } from "@/lib/db/schema";
import { env } from "@/lib/env";
import { isAppError } from "@/lib/errors";
import { probeVideo, type VideoProbe } from "@/lib/media/probe";
import { jobMediaDir } from "@/lib/storage/layout";
import { resolveInside } from "@/lib/storage/resolve-inside";

/**
 * What the editor-contract job functions share: finding the payload's video, a summary of it,
 * and where their outputs go. The media work itself is lib/media's. Not an Inngest function
 * (the underscore keeps it apart from the one-function-per-file rule).
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
 * The file a job's payload points at: `path` (relative to VIDEO_INPUT_DIR or DATA_DIR, or an
 * absolute path inside one of them; symlinks may not lead out) or `source_asset_id` (a
 * video's id). Missing or out-of-bounds files fail the job without retries.
 */
export async function resolveSource(db: Db, payload: Record<string, unknown>): Promise<string> {
  if (typeof payload.path === "string" && payload.path) {
    const requested = payload.path;
    const config = env();
    const roots = [config.VIDEO_INPUT_DIR, config.dataDir].filter((root): root is string => Boolean(root)).map((root) => path.resolve(root));
    // An absolute path is looked for only in the root that holds it; a relative one in each.
    const candidates = roots
      .map((root) => ({ root, name: path.isAbsolute(requested) ? path.relative(root, requested) : requested }))
      .filter(({ name }) => !path.isAbsolute(requested) || (!name.startsWith("..") && !path.isAbsolute(name)));
    const errors: unknown[] = [];
    for (const { root, name } of candidates) {
      try {
        return await resolveInside(root, name, {
          invalid: { kind: "bad_request", message: `Path ${requested} is outside the media folders` },
          missing: { kind: "not_found", message: `Video file not found: ${requested}` },
        });
      } catch (error) {
        if (!isAppError(error)) throw error;
        errors.push(error);
      }
    }
    // "Not found" in some folder says more than "outside" another one.
    const reported = errors.find((error) => isAppError(error) && error.kind === "not_found") ?? errors[0];
    if (reported) throw nonRetriable(reported);
    throw new NonRetriableError(`Path ${requested} is outside the media folders`);
  }
  if (typeof payload.source_asset_id === "string" && payload.source_asset_id) {
    const id = payload.source_asset_id;
    const [video] = /^[0-9a-f-]{36}$/i.test(id) ? await db.select({ path: videos.path }).from(videos).where(eq(videos.id, id)) : [];
    if (!video) throw new NonRetriableError(`Source asset ${id} not found`);
    return video.path;
  }
  throw new NonRetriableError("The payload names no video: give `path` or `source_asset_id`");
}

/** The probe as the editor contract's result_payload shows it. */
export async function probe(file: string): Promise<ProbeSummary> {
  const probed: VideoProbe = await probeVideo(file).catch((error: unknown) => {
    throw nonRetriable(error);
  });
  const audio = probed.audio[0];
  return {
    path: file,
    format: probed.formatName || null,
    duration_seconds: probed.duration || null,
    size_bytes: probed.fileSize,
    video: probed.hasVideo ? { codec: probed.codec ?? "unknown", width: probed.width, height: probed.height, fps: probed.fps ? Math.round(probed.fps * 1000) / 1000 : null } : null,
    audio: audio ? { codec: audio.codec, sample_rate: audio.sampleRate || null, channels: audio.channels || null } : null,
  };
}

/** Where a job writes its files: the job's media folder (lib/storage layout). */
export function jobOutput(jobId: string, name: string): string {
  return path.join(jobMediaDir(jobId), name);
}

export function describe(summary: ProbeSummary): string {
  const parts = [`${summary.duration_seconds?.toFixed(1) ?? "?"} s`];
  if (summary.video) parts.push(`${summary.video.width}x${summary.video.height} ${summary.video.codec}`);
  if (summary.audio) parts.push(`audio ${summary.audio.codec}`);
  return parts.join(", ");
}

/** A domain error about the input will not go away on a retry. */
export function nonRetriable(error: unknown): unknown {
  return isAppError(error) ? new NonRetriableError(error.message) : error;
}
