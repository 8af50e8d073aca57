import { probeVideo, type VideoProbe } from "@/lib/media/probe";
import type { ResolvedSource } from "./resolve-source";

/**
 * A video as the editor contract's result_payload shows it (ingest's `media`): named as the
 * caller named it, never by where it lies on the host.
 */
export type VideoSummary = {
  name: string;
  source_asset_id: string | null;
  format: string | null;
  duration_seconds: number | null;
  size_bytes: number | null;
  video: { codec: string; width: number; height: number; fps: number | null } | null;
  audio: { codec: string; sample_rate: number | null; channels: number | null } | null;
};

/** Probes the resolved source with ffprobe (AppError for a file that is not a usable video). */
export async function summarizeVideo(source: ResolvedSource): Promise<VideoSummary> {
  const probed: VideoProbe = await probeVideo(source.file);
  const audio = probed.audio[0];
  return {
    name: source.name,
    source_asset_id: source.videoId,
    format: probed.formatName || null,
    duration_seconds: probed.duration || null,
    size_bytes: probed.fileSize,
    video: probed.hasVideo ? { codec: probed.codec ?? "unknown", width: probed.displayWidth, height: probed.displayHeight, fps: probed.fps ? Math.round(probed.fps * 1000) / 1000 : null } : null,
    audio: audio ? { codec: audio.codec, sample_rate: audio.sampleRate || null, channels: audio.channels || null } : null,
  };
}

/** One log line: "2.0 s, 320x240 h264, audio aac". */
export function describeVideo(summary: VideoSummary): string {
  const parts = [`${summary.duration_seconds?.toFixed(1) ?? "?"} s`];
  if (summary.video) parts.push(`${summary.video.width}x${summary.video.height} ${summary.video.codec}`);
  if (summary.audio) parts.push(`audio ${summary.audio.codec}`);
  return parts.join(", ");
}
