import type { FeatureVideo, Job, ProductImage, VideoFrame } from "@/lib/db/schema";
import { env } from "@/lib/env";
import type { FeatureCounts, Listed } from "./queries";

/**
 * The wire shapes of contracts/feature-extraction.md. Every timestamp is written in
 * FEATURES_TZ (default +07:00). `local_path` and `paths` are relative to the job's media
 * folder (never a host path); the extra `url` / `urls` fields download them
 * (GET /jobs/{job_id}/files/{path}).
 */
export function formatTimestamp(date: Date, offset = env().FEATURES_TZ): string {
  const sign = offset.startsWith("-") ? -1 : 1;
  const [hours, minutes] = offset.slice(1).split(":").map(Number);
  const shifted = new Date(date.getTime() + sign * (hours * 60 + minutes) * 60_000);
  return `${shifted.toISOString().slice(0, 19)}${offset}`;
}

export function fileUrl(jobId: string, relative: string | null): string | null {
  return relative ? `/jobs/${jobId}/files/${relative.split("/").map(encodeURIComponent).join("/")}` : null;
}

function percent(done: number, total: number): number {
  return total ? Math.round((10_000 * done) / total) / 100 : 0;
}

export type Phase = "collecting" | "frame_extraction" | "feature_extraction" | "completed" | "failed";

export function toFeatureStatus(job: Job, counts: { products: number; videos: number; images: number; frames: number }, failed: unknown[]) {
  const phase: Phase =
    job.status === "completed" ? "completed" : job.status === "failed" || job.status === "cancelled" ? "failed" : ((job.phase as Phase | null) ?? "collecting");
  return {
    job_id: job.id,
    phase,
    percent: phase === "completed" ? 100 : percent(job.processed, job.total),
    counts,
    updated_at: formatTimestamp(job.updatedAt),
    // Beyond the contract: what could not be collected, and the job's own error.
    status: job.status,
    failed_items: failed,
    error: job.errorMessage,
  };
}

export function toFeatureVideo(video: FeatureVideo) {
  return {
    video_id: video.videoId,
    platform: video.platform,
    url: video.url,
    title: video.title,
    duration_s: video.durationS,
    frames_count: video.framesCount,
    updated_at: formatTimestamp(video.updatedAt),
  };
}

type Embeddings = "embRgb" | "embCnn" | "embJoint";
type FrameRow = Omit<VideoFrame, Embeddings> & { hasEmbedding: boolean };
type ImageRow = Omit<ProductImage, Embeddings> & { hasEmbedding: boolean; productTitle?: string | null };

export function toFrame(frame: FrameRow) {
  return { frame_id: frame.frameId, ts: frame.ts, local_path: frame.localPath, url: fileUrl(frame.jobId, frame.localPath), updated_at: formatTimestamp(frame.updatedAt) };
}

export function toImage(image: ImageRow) {
  return {
    img_id: image.imgId,
    product_id: image.productId,
    local_path: image.localPath,
    product_title: image.productTitle ?? null,
    url: fileUrl(image.jobId, image.localPath),
    updated_at: formatTimestamp(image.updatedAt),
  };
}

function featureFields(row: FrameRow | ImageRow) {
  // Beyond the contract: `embedding_cnn`, the detector's 480-d embedding (lib/features/cnn.ts).
  const paths = { segment: row.segMaskPath, embedding: row.hasEmbedding ? row.embPath : null, keypoints: row.kpBlobPath, embedding_cnn: row.hasEmbedding ? row.embCnnPath : null };
  return {
    has_segment: row.segMaskPath !== null,
    has_embedding: Boolean(row.hasEmbedding),
    has_keypoints: row.kpBlobPath !== null,
    paths,
    urls: {
      segment: fileUrl(row.jobId, paths.segment),
      embedding: fileUrl(row.jobId, paths.embedding),
      keypoints: fileUrl(row.jobId, paths.keypoints),
      embedding_cnn: fileUrl(row.jobId, paths.embedding_cnn),
    },
    job_id: row.jobId,
    updated_at: formatTimestamp(row.updatedAt),
  };
}

export function toProductImageFeatures(image: ImageRow) {
  return { img_id: image.imgId, product_id: image.productId, ...featureFields(image) };
}

export function toVideoFrameFeatures(frame: FrameRow) {
  return {
    frame_id: frame.frameId,
    video_id: frame.videoId,
    ts: frame.ts,
    ...featureFields(frame),
    // Beyond the contract: the detected objects and their own masks (lib/features/frame-objects.ts).
    objects: (frame.objects ?? []).map((object) => ({ ...object, mask_url: fileUrl(frame.jobId, object.mask_path) })),
  };
}

function featureSummaryPart(counts: FeatureCounts) {
  return {
    total: counts.total,
    segment: { done: counts.segment, percent: percent(counts.segment, counts.total) },
    embedding: { done: counts.embedding, percent: percent(counts.embedding, counts.total) },
    keypoints: { done: counts.keypoints, percent: percent(counts.keypoints, counts.total) },
  };
}

export function toFeatureSummary(job: Job, summary: { productImages: FeatureCounts; videoFrames: FeatureCounts }) {
  return {
    job_id: job.id,
    product_images: featureSummaryPart(summary.productImages),
    video_frames: featureSummaryPart(summary.videoFrames),
    updated_at: formatTimestamp(job.updatedAt),
  };
}

export function listed<T, U>(list: Listed<T>, serialize: (item: T) => U) {
  return { items: list.items.map(serialize), total: list.total, limit: list.limit, offset: list.offset };
}
