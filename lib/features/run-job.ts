import { randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { and, asc, eq, getTableColumns, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { CNN_EMBEDDING_DIMENSIONS, featureVideos, JOINT_COLOUR_WEIGHT, JOINT_EMBEDDING_DIMENSIONS, productImages, products, videoFrames } from "@/lib/db/schema";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { ownerCaller } from "@/lib/jobs";
import type { ExtractFeaturesPayload } from "./job-kinds";
import { publicMessage } from "@/lib/public-message";
import { jobMediaDir } from "@/lib/storage/layout";
import { resolveSource } from "@/lib/videos/resolve-source";
import { collectImage, collectVideoUrl } from "./collect";
import { dropStagedImage, fetchStagedImage } from "./staged-images";
import { detectorViews, joinEmbeddings, type DetectorView } from "./cnn";
import { extractPictureFeatures, type FeatureKind, type PictureFeatures } from "./compute";
import { frameObjectMasks } from "./frame-objects";
import { extractFrames } from "./extract-frames";
import { platformOf } from "./fetch-url";
import { vectorValue } from "./vectors";

/**
 * The steps of an extract_features job (inngest/functions/extract-features.ts), one verb
 * each. Every step is idempotent: rows are keyed by (job, img_id) / video position / frame id
 * and a step redone overwrites what it wrote. Files live in the job's media folder:
 *   products/<product_id>/<n>.<ext>           downloaded product images
 *   videos/<video_id>/source.<ext>            downloaded videos (server and upload videos stay where they are)
 *   frames/<video_id>/<frame index>.jpg       extracted frames
 *   features/products/<img_id>.{seg.png,emb.bin,cnn.bin,kp.bin,crop.png}   crop.png: what the detector embedded
 *   features/frames/<video_id>/<frame_id>.{seg.png,obj-<k>.png,emb.bin,cnn.bin,kp.bin}
 */

/**
 * A product image's columns without its embeddings, whose driver value is a vector's text or a
 * real[] array depending on the database (lib/features/vectors.ts reads it).
 */
const { embRgb: _imageRgb, embCnn: _imageCnn, embJoint: _imageJoint, ...imageColumns } = getTableColumns(productImages);
const { embRgb: _frameRgb, embCnn: _frameCnn, embJoint: _frameJoint, ...frameColumns } = getTableColumns(videoFrames);
export { imageColumns, frameColumns };

export type CollectPlan = { images: string[]; videos: { position: number; videoId: string }[] };

function reason(error: unknown): string {
  return publicMessage(error instanceof AppError ? error.message : "unexpected error");
}

/** Rows for every product, image and video of the request, pending; ids chosen once. */
export async function planCollect(db: Db, jobId: string, payload: ExtractFeaturesPayload): Promise<CollectPlan> {
  const images: string[] = [];
  for (const product of payload.products) {
    await db.insert(products).values({ jobId, productId: product.product_id, title: product.title ?? null }).onConflictDoNothing();
    const sources = [...product.images, ...(product.uploaded_images ?? []).map((name) => `upload:${name}`)];
    for (const [n, source] of sources.entries()) {
      const imgId = `${product.product_id}_img_${n}`;
      await db.insert(productImages).values({ jobId, productId: product.product_id, imgId, source }).onConflictDoNothing();
      images.push(imgId);
    }
  }
  const videos: CollectPlan["videos"] = [];
  for (const [position, video] of payload.videos.entries()) {
    const platform = video.url !== undefined ? (video.platform ?? platformOf(video.url)) : video.video_name !== undefined ? "server" : "upload";
    await db
      .insert(featureVideos)
      .values({
        jobId,
        position,
        videoId: `v_${randomBytes(6).toString("hex")}`,
        platform,
        url: video.url ?? null,
        title: video.title ?? video.video_name ?? null,
      })
      .onConflictDoNothing();
    const [row] = await db.select({ videoId: featureVideos.videoId }).from(featureVideos).where(and(eq(featureVideos.jobId, jobId), eq(featureVideos.position, position)));
    videos.push({ position, videoId: row.videoId });
  }
  return { images, videos };
}

export async function collectProductImage(db: Db, jobId: string, imgId: string): Promise<boolean> {
  const [image] = await db.select(imageColumns).from(productImages).where(and(eq(productImages.jobId, jobId), eq(productImages.imgId, imgId)));
  if (!image) return false;
  const mediaDir = jobMediaDir(jobId);
  try {
    let relative: string;
    if (image.source.startsWith("upload:")) {
      // Staged by the multipart request (create-from-form.ts); copied so a retried step finds it again.
      const name = path.basename(image.source.slice("upload:".length));
      relative = `products/${image.productId}/${imgId.slice(imgId.lastIndexOf("_") + 1)}${path.extname(name)}`;
      await fetchStagedImage(name, path.join(mediaDir, relative));
    } else {
      const n = imgId.slice(imgId.lastIndexOf("_") + 1);
      relative = await collectImage(image.source, mediaDir, `products/${image.productId}/${n}`);
    }
    await db.update(productImages).set({ status: "ready", localPath: relative, error: null, updatedAt: new Date() }).where(eq(productImages.id, image.id));
    return true;
  } catch (error) {
    await db.update(productImages).set({ status: "failed", error: reason(error), updatedAt: new Date() }).where(eq(productImages.id, image.id));
    return false;
  }
}

/**
 * Deletes the product images a multipart request staged for this job (create-from-form.ts):
 * once every image is collected (copied into the job's media folder) or the job has failed.
 * Answers how many files were there.
 */
export async function dropStagedImages(payload: ExtractFeaturesPayload): Promise<number> {
  const names = payload.products.flatMap((product) => product.uploaded_images ?? []);
  const removed = await Promise.all(names.map((name) => dropStagedImage(name)));
  return removed.filter(Boolean).length;
}

/** The file of a collected video: in the media folder, or the server/upload video itself. */
async function videoFile(db: Db, jobId: string, ownerId: string | null, payload: ExtractFeaturesPayload, position: number, videoId: string): Promise<{ file: string; local: string | null }> {
  const video = payload.videos[position];
  if (video.url !== undefined) {
    const relative = await collectVideoUrl(video.url, jobMediaDir(jobId), `videos/${videoId}/source`);
    return { file: path.join(jobMediaDir(jobId), relative), local: relative };
  }
  const reference = video.source_asset_id !== undefined ? { source_asset_id: video.source_asset_id } : { video_name: video.video_name! };
  const resolved = await resolveSource(db, await ownerCaller(db, ownerId), reference, jobId);
  return { file: resolved.file, local: null };
}

/** Collects one video and writes its frames (fps grid and shot cuts); answers the frame count, or null when it failed. */
export async function collectVideoAndFrames(db: Db, jobId: string, ownerId: string | null, payload: ExtractFeaturesPayload, position: number, videoId: string): Promise<number | null> {
  const [row] = await db.select().from(featureVideos).where(eq(featureVideos.videoId, videoId));
  if (!row) return null;
  try {
    const { file, local } = await videoFile(db, jobId, ownerId, payload, position, videoId);
    const dir = path.join(jobMediaDir(jobId), "frames", videoId);
    const { duration, frames } = await extractFrames({ file, dir, fps: payload.fps, sceneThreshold: payload.scene_threshold, maxFrames: env().FEATURES_MAX_FRAMES });
    await db.delete(videoFrames).where(eq(videoFrames.videoId, videoId));
    for (let i = 0; i < frames.length; i += 200) {
      await db.insert(videoFrames).values(
        frames.slice(i, i + 200).map((frame) => ({
          jobId,
          videoId,
          frameId: `${videoId}_frame_${String(frame.index).padStart(6, "0")}`,
          ts: frame.ts,
          isCut: frame.isCut,
          localPath: `frames/${videoId}/${frame.file}`,
        })),
      );
    }
    await db
      .update(featureVideos)
      .set({ status: "ready", error: null, localPath: local, durationS: Math.round(duration * 1000) / 1000, framesCount: frames.length, updatedAt: new Date() })
      .where(eq(featureVideos.id, row.id));
    return frames.length;
  } catch (error) {
    await db.update(featureVideos).set({ status: "failed", error: reason(error), updatedAt: new Date() }).where(eq(featureVideos.id, row.id));
    return null;
  }
}

async function storeFeatures(db: Db, table: typeof productImages | typeof videoFrames, id: string, features: PictureFeatures, detector: StoredDetector | null) {
  await db
    .update(table)
    .set({
      segMaskPath: features.segMaskPath,
      embPath: features.embPath,
      embCnnPath: detector?.path ?? null,
      kpBlobPath: features.kpBlobPath,
      kpCount: features.kpCount,
      updatedAt: new Date(),
    })
    .where(eq(table.id, id));
  if (features.embedding) {
    const name = table === productImages ? sql.raw("product_images") : sql.raw("video_frames");
    const rgb = await vectorValue(db, features.embedding);
    if (detector) {
      const cnn = await vectorValue(db, detector.embedding, CNN_EMBEDDING_DIMENSIONS);
      const joint = await vectorValue(db, joinEmbeddings(features.embedding, detector.embedding, JOINT_COLOUR_WEIGHT), JOINT_EMBEDDING_DIMENSIONS);
      await db.execute(sql`update ${name} set emb_rgb = ${rgb}, emb_cnn = ${cnn}, emb_joint = ${joint} where id = ${id}`);
    } else {
      await db.execute(sql`update ${name} set emb_rgb = ${rgb}, emb_cnn = null, emb_joint = null where id = ${id}`);
    }
  }
}

type StoredDetector = { embedding: Float32Array; path: string };

/** Writes `<base>.cnn.bin`: CNN_EMBEDDING_DIMENSIONS little-endian float32 (lib/features/cnn.ts). */
async function writeDetectorEmbedding(mediaDir: string, base: string, view: DetectorView): Promise<StoredDetector> {
  const relative = `${base}.cnn.bin`;
  await writeFile(path.join(mediaDir, relative), Buffer.from(view.embedding.buffer, view.embedding.byteOffset, view.embedding.byteLength));
  return { embedding: view.embedding, path: relative };
}

export async function extractProductImageFeatures(db: Db, jobId: string, features: readonly FeatureKind[]): Promise<number> {
  const mediaDir = jobMediaDir(jobId);
  const images = await db
    .select({ id: productImages.id, imgId: productImages.imgId, localPath: productImages.localPath })
    .from(productImages)
    .where(and(eq(productImages.jobId, jobId), eq(productImages.status, "ready")));
  const computed: { id: string; base: string; result: PictureFeatures }[] = [];
  for (const image of images) {
    const base = `features/products/${image.imgId}`;
    try {
      const result = await extractPictureFeatures({ file: path.join(mediaDir, image.localPath!), mediaDir, base, features, maskedEmbedding: true });
      await db.update(productImages).set({ width: result.width, height: result.height }).where(eq(productImages.id, image.id));
      computed.push({ id: image.id, base, result });
    } catch (error) {
      await db.update(productImages).set({ status: "failed", error: `feature extraction failed: ${reason(error)}`, updatedAt: new Date() }).where(eq(productImages.id, image.id));
    }
  }
  // The detector embeds each product's masked crop, all in one worker request per 64.
  const crops = computed.filter(({ result }) => result.cropPath).map(({ result }) => path.join(mediaDir, result.cropPath!));
  const views = crops.length ? await detectorViews(crops) : new Map<string, DetectorView>();
  for (const { id, base, result } of computed) {
    const view = result.cropPath ? views.get(path.join(mediaDir, result.cropPath)) : undefined;
    await storeFeatures(db, productImages, id, result, view ? await writeDetectorEmbedding(mediaDir, base, view) : null);
  }
  return computed.length;
}

export const FRAMES_PER_STEP = 40;

/**
 * Features of one slice of a video's frames (ordered by ts). One worker request runs the
 * detector over the slice: its pooled embedding is each frame's emb_cnn, and its boxes are the
 * objects whose masks make the frame's segment feature (lib/features/frame-objects.ts).
 */
export async function extractFrameFeatures(db: Db, jobId: string, videoId: string, offset: number, features: readonly FeatureKind[]): Promise<number> {
  const mediaDir = jobMediaDir(jobId);
  const frames = await db
    .select({ id: videoFrames.id, frameId: videoFrames.frameId, localPath: videoFrames.localPath })
    .from(videoFrames)
    .where(eq(videoFrames.videoId, videoId))
    .orderBy(asc(videoFrames.ts), asc(videoFrames.frameId))
    .limit(FRAMES_PER_STEP)
    .offset(offset);
  const wantsDetector = features.includes("segment") || features.includes("embedding");
  const views = wantsDetector && frames.length ? await detectorViews(frames.map((frame) => path.join(mediaDir, frame.localPath))) : new Map<string, DetectorView>();
  const pictureFeatures = features.filter((kind) => kind !== "segment");
  for (const frame of frames) {
    const file = path.join(mediaDir, frame.localPath);
    const base = `features/frames/${videoId}/${frame.frameId}`;
    const result = await extractPictureFeatures({ file, mediaDir, base, features: pictureFeatures, maskedEmbedding: false });
    const view = views.get(file);
    if (features.includes("segment") && view) {
      const segment = await frameObjectMasks({ file, mediaDir, base, view });
      result.segMaskPath = segment.segMaskPath;
      await db.update(videoFrames).set({ objects: segment.objects }).where(eq(videoFrames.id, frame.id));
    }
    const detector = features.includes("embedding") && view ? await writeDetectorEmbedding(mediaDir, base, view) : null;
    await storeFeatures(db, videoFrames, frame.id, result, detector);
  }
  return frames.length;
}

/** Items that could not be collected or processed, with their reasons (the job's result). */
export async function failedItems(db: Db, jobId: string): Promise<{ kind: "image" | "video"; id: string; source: string | null; reason: string }[]> {
  const images = await db.select(imageColumns).from(productImages).where(and(eq(productImages.jobId, jobId), eq(productImages.status, "failed")));
  const videos = await db.select().from(featureVideos).where(and(eq(featureVideos.jobId, jobId), eq(featureVideos.status, "failed")));
  return [
    ...images.map((image) => ({ kind: "image" as const, id: image.imgId, source: image.source.startsWith("upload:") ? "upload" : image.source, reason: image.error ?? "failed" })),
    ...videos.map((video) => ({ kind: "video" as const, id: video.videoId, source: video.url ?? video.title, reason: video.error ?? "failed" })),
  ];
}
