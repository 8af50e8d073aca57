import { and, asc, count, desc, eq, gte, ilike, isNotNull, isNull, or, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/lib/db/client";
import { containsPattern } from "@/lib/db/like";
import { featureVideos, jobs, productImages, products, videoFrames, type Job } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { canSee, getJobOrThrow, type Caller } from "@/lib/jobs";
import { frameColumns, imageColumns } from "./run-job";

/**
 * The read side of contracts/feature-extraction.md: every list takes `limit` (default 20, at
 * most MAX_LIMIT), `offset`, `sort_by` (an unknown column is a 400) and `order` (asc|desc,
 * default asc), and answers `{items, total, limit, offset}`.
 */
export const MAX_LIMIT = 200;

const page = {
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .default(20)
    .transform((limit) => Math.min(limit, MAX_LIMIT)),
  offset: z.coerce.number().int().min(0).default(0),
  order: z.enum(["asc", "desc"]).default("asc"),
};
const has = z.enum(["segment", "embedding", "keypoints", "none", "any"]).optional();

export const videosQuery = z.object({
  ...page,
  q: z.string().max(200).optional(),
  platform: z.string().max(40).optional(),
  min_frames: z.coerce.number().int().min(0).optional(),
  sort_by: z.enum(["updated_at", "duration_s", "frames_count", "title"]).default("updated_at"),
});
export const framesQuery = z.object({ ...page, sort_by: z.enum(["ts", "frame_id"]).default("ts") });
export const imagesQuery = z.object({
  ...page,
  product_id: z.string().max(64).optional(),
  q: z.string().max(200).optional(),
  sort_by: z.enum(["img_id", "updated_at"]).default("img_id"),
});
export const productImageFeaturesQuery = z.object({ ...page, has, sort_by: z.enum(["updated_at", "img_id"]).default("img_id") });
export const videoFrameFeaturesQuery = z.object({ ...page, has, video_id: z.string().max(64).optional(), sort_by: z.enum(["updated_at", "frame_id", "ts"]).default("ts") });
export const assetQuery = z.object({ job_id: z.string().max(64).optional() });

type Page = { limit: number; offset: number; order: "asc" | "desc" };
export type Listed<T> = { items: T[]; total: number; limit: number; offset: number };

/** A feature-extraction job the caller may see; any other id (or kind) is a 404. */
export async function getFeatureJobOrThrow(db: Db, caller: Caller, jobId: string): Promise<Job> {
  const job = await getJobOrThrow(db, caller, jobId);
  if (job.kind !== "extract_features") throw new AppError("not_found", `Job ${jobId} not found`);
  return job;
}

function ordered(order: "asc" | "desc", column: Parameters<typeof asc>[0]) {
  return order === "asc" ? asc(column) : desc(column);
}

function hasCondition(table: typeof productImages | typeof videoFrames, value: z.infer<typeof has>): SQL | undefined {
  const emb = table === productImages ? sql`product_images.emb_rgb` : sql`video_frames.emb_rgb`;
  switch (value) {
    case "segment":
      return isNotNull(table.segMaskPath);
    case "embedding":
      return sql`${emb} is not null`;
    case "keypoints":
      return isNotNull(table.kpBlobPath);
    case "none":
      return and(isNull(table.segMaskPath), sql`${emb} is null`, isNull(table.kpBlobPath));
    case "any":
      return or(isNotNull(table.segMaskPath), sql`${emb} is not null`, isNotNull(table.kpBlobPath));
    default:
      return undefined;
  }
}

/** Whether each row has an embedding, without reading the vector itself. */
function embeddingFlag(table: typeof productImages | typeof videoFrames) {
  return table === productImages ? sql<boolean>`(product_images.emb_rgb is not null)` : sql<boolean>`(video_frames.emb_rgb is not null)`;
}

export async function listFeatureVideos(db: Db, jobId: string, query: z.infer<typeof videosQuery>) {
  const where = and(
    eq(featureVideos.jobId, jobId),
    eq(featureVideos.status, "ready"),
    query.q ? or(ilike(featureVideos.title, containsPattern(query.q)), ilike(featureVideos.url, containsPattern(query.q))) : undefined,
    query.platform ? eq(featureVideos.platform, query.platform) : undefined,
    query.min_frames !== undefined ? gte(featureVideos.framesCount, query.min_frames) : undefined,
  );
  const column = { updated_at: featureVideos.updatedAt, duration_s: featureVideos.durationS, frames_count: featureVideos.framesCount, title: featureVideos.title }[query.sort_by];
  const items = await db.select().from(featureVideos).where(where).orderBy(ordered(query.order, column), asc(featureVideos.position)).limit(query.limit).offset(query.offset);
  const [{ total }] = await db.select({ total: count() }).from(featureVideos).where(where);
  return paged(items, total, query);
}

export async function getFeatureVideoOrThrow(db: Db, jobId: string, videoId: string) {
  const [video] = await db.select().from(featureVideos).where(and(eq(featureVideos.jobId, jobId), eq(featureVideos.videoId, videoId)));
  if (!video) throw new AppError("not_found", `Video ${videoId} not found`);
  return video;
}

export async function listVideoFrames(db: Db, jobId: string, videoId: string, query: z.infer<typeof framesQuery> | z.infer<typeof videoFrameFeaturesQuery>) {
  const where = and(
    eq(videoFrames.jobId, jobId),
    videoId ? eq(videoFrames.videoId, videoId) : undefined,
    "has" in query ? hasCondition(videoFrames, query.has) : undefined,
  );
  const column = { ts: videoFrames.ts, frame_id: videoFrames.frameId, updated_at: videoFrames.updatedAt }[query.sort_by];
  const items = await db
    .select({ ...frameColumns, hasEmbedding: embeddingFlag(videoFrames) })
    .from(videoFrames)
    .where(where)
    .orderBy(ordered(query.order, column), asc(videoFrames.frameId))
    .limit(query.limit)
    .offset(query.offset);
  const [{ total }] = await db.select({ total: count() }).from(videoFrames).where(where);
  return paged(items, total, query);
}

export async function listProductImages(db: Db, jobId: string, query: z.infer<typeof imagesQuery> | z.infer<typeof productImageFeaturesQuery>) {
  const where = and(
    eq(productImages.jobId, jobId),
    eq(productImages.status, "ready"),
    "product_id" in query && query.product_id ? eq(productImages.productId, query.product_id) : undefined,
    "q" in query && query.q ? or(ilike(productImages.imgId, containsPattern(query.q)), ilike(products.title, containsPattern(query.q))) : undefined,
    "has" in query ? hasCondition(productImages, query.has) : undefined,
  );
  const column = { img_id: productImages.imgId, updated_at: productImages.updatedAt }[query.sort_by];
  const joined = and(eq(products.jobId, productImages.jobId), eq(products.productId, productImages.productId));
  const items = await db
    .select({ ...imageColumns, productTitle: products.title, hasEmbedding: embeddingFlag(productImages) })
    .from(productImages)
    .leftJoin(products, joined)
    .where(where)
    .orderBy(ordered(query.order, column), asc(productImages.imgId))
    .limit(query.limit)
    .offset(query.offset);
  const [{ total }] = await db.select({ total: count() }).from(productImages).leftJoin(products, joined).where(where);
  return paged(items, total, query);
}

function paged<T>(items: T[], total: number, query: Page): Listed<T> {
  return { items, total: Number(total), limit: query.limit, offset: query.offset };
}

export type FeatureCounts = { total: number; segment: number; embedding: number; keypoints: number };

async function featureCounts(db: Db, table: typeof productImages | typeof videoFrames, where: SQL | undefined): Promise<FeatureCounts> {
  const [row] = await db
    .select({
      total: count(),
      segment: count(table.segMaskPath),
      embedding: sql<number>`count(*) filter (where ${embeddingFlag(table)})`,
      keypoints: count(table.kpBlobPath),
    })
    .from(table)
    .where(where);
  return { total: Number(row.total), segment: Number(row.segment), embedding: Number(row.embedding), keypoints: Number(row.keypoints) };
}

export async function featureSummary(db: Db, jobId: string) {
  return {
    productImages: await featureCounts(db, productImages, and(eq(productImages.jobId, jobId), eq(productImages.status, "ready"))),
    videoFrames: await featureCounts(db, videoFrames, eq(videoFrames.jobId, jobId)),
  };
}

export async function jobCounts(db: Db, jobId: string) {
  const [productsRow] = await db.select({ n: count() }).from(products).where(eq(products.jobId, jobId));
  const [videosRow] = await db.select({ n: count() }).from(featureVideos).where(and(eq(featureVideos.jobId, jobId), eq(featureVideos.status, "ready")));
  const [imagesRow] = await db.select({ n: count() }).from(productImages).where(and(eq(productImages.jobId, jobId), eq(productImages.status, "ready")));
  const [framesRow] = await db.select({ n: count() }).from(videoFrames).where(eq(videoFrames.jobId, jobId));
  return { products: Number(productsRow.n), videos: Number(videosRow.n), images: Number(imagesRow.n), frames: Number(framesRow.n) };
}

/** Asset details by id alone (§4.4): the newest one in a job the caller may see; `job_id` narrows. */
export async function getProductImageOrThrow(db: Db, caller: Caller, imgId: string, jobId?: string) {
  const rows = await db
    .select({ ...imageColumns, hasEmbedding: embeddingFlag(productImages), ownerId: jobs.ownerId })
    .from(productImages)
    .innerJoin(jobs, eq(jobs.id, productImages.jobId))
    .where(and(eq(productImages.imgId, imgId), eq(productImages.status, "ready"), jobId && z.uuid().safeParse(jobId).success ? eq(productImages.jobId, jobId) : jobId ? sql`false` : undefined))
    .orderBy(desc(productImages.updatedAt))
    .limit(50);
  const row = rows.find((candidate) => canSee(caller, candidate));
  if (!row) throw new AppError("not_found", `Product image ${imgId} not found`);
  return row;
}

export async function getVideoFrameOrThrow(db: Db, caller: Caller, frameId: string) {
  const [row] = await db
    .select({ ...frameColumns, hasEmbedding: embeddingFlag(videoFrames), ownerId: jobs.ownerId })
    .from(videoFrames)
    .innerJoin(jobs, eq(jobs.id, videoFrames.jobId))
    .where(eq(videoFrames.frameId, frameId));
  if (!row || !canSee(caller, row)) throw new AppError("not_found", `Video frame ${frameId} not found`);
  return row;
}

