import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import type { DatabaseHandle } from "@/lib/db/client";
import { createTestDatabase, testDatabases } from "@/lib/db/testing";
import { EMBEDDING_DIMENSIONS, featureVideos, jobs, productImages, videoFrames } from "@/lib/db/schema";
import { anonymousCaller } from "@/lib/jobs";
import { parseJobPayload } from "@/lib/jobs/payloads";
import {
  featureSummary,
  getProductImageOrThrow,
  imagesQuery,
  jobCounts,
  listFeatureVideos,
  listProductImages,
  listVideoFrames,
  productImageFeaturesQuery,
  videoFrameFeaturesQuery,
  videosQuery,
} from "./queries";
import { planCollect } from "./run-job";
import { formatTimestamp } from "./serializers";
import { vectorValue } from "./vectors";

// The read side's SQL on both engines: filters, sort, pagination, `has` and counts.
describe.each(testDatabases)("feature queries on %s", (kind) => {
  let handle: DatabaseHandle;
  let jobId: string;
  beforeAll(async () => {
    handle = await createTestDatabase(kind);
    const db = handle.db;
    const [job] = await db.insert(jobs).values({ kind: "extract_features" }).returning();
    jobId = job.id;
    const payload = parseJobPayload("extract_features", {
      products: [
        { product_id: "p_001", title: "NeckCare Pillow V2", images: ["https://shop.example/p_001/0.jpg", "https://shop.example/p_001/1.jpg"] },
        { product_id: "p_002", title: "Lamp", images: ["https://shop.example/p_002/0.jpg"] },
      ],
      videos: [{ url: "https://www.youtube.com/watch?v=x", title: "Review" }, { video_name: "box.mp4" }],
    });
    const plan = await planCollect(db, jobId, payload);
    expect(plan.images).toEqual(["p_001_img_0", "p_001_img_1", "p_002_img_0"]);
    // What the collect and feature steps leave behind: two ready images (one with all three
    // features), one failed; one ready video with two frames.
    await db.update(productImages).set({ status: "ready", localPath: "products/p_001/0.jpg", segMaskPath: "features/products/p_001_img_0.seg.png", kpBlobPath: "k" }).where(eq(productImages.imgId, "p_001_img_0"));
    const unit = Array.from({ length: EMBEDDING_DIMENSIONS }, (_, i) => (i === 0 ? 1 : 0));
    await db.execute(sql`update product_images set emb_rgb = ${await vectorValue(db, unit)}, emb_path = 'e' where img_id = 'p_001_img_0'`);
    await db.update(productImages).set({ status: "ready", localPath: "products/p_002/0.jpg" }).where(eq(productImages.imgId, "p_002_img_0"));
    await db.update(productImages).set({ status: "failed", error: "the server answered HTTP 404" }).where(eq(productImages.imgId, "p_001_img_1"));
    const videoId = plan.videos[0].videoId;
    await db.update(featureVideos).set({ status: "ready", durationS: 12.5, framesCount: 2 }).where(eq(featureVideos.videoId, videoId));
    await db.insert(videoFrames).values([
      { jobId, videoId, frameId: `${videoId}_frame_000000`, ts: 0, localPath: "frames/a.jpg" },
      { jobId, videoId, frameId: `${videoId}_frame_000010`, ts: 1, localPath: "frames/b.jpg", kpBlobPath: "k" },
    ]);
  }, 60_000);
  afterAll(async () => handle?.close());

  it("lists videos with platform, q and min_frames", async () => {
    const all = await listFeatureVideos(handle.db, jobId, videosQuery.parse({}));
    expect(all.total).toBe(1);
    expect(all.items[0]).toMatchObject({ platform: "youtube", title: "Review", durationS: 12.5 });
    expect((await listFeatureVideos(handle.db, jobId, videosQuery.parse({ platform: "server" }))).total).toBe(0);
    expect((await listFeatureVideos(handle.db, jobId, videosQuery.parse({ q: "REV" }))).total).toBe(1);
    expect((await listFeatureVideos(handle.db, jobId, videosQuery.parse({ q: "100%" }))).total).toBe(0);
    expect((await listFeatureVideos(handle.db, jobId, videosQuery.parse({ min_frames: "3" }))).total).toBe(0);
  });

  it("lists images with product_id, q, sort and has", async () => {
    const images = await listProductImages(handle.db, jobId, imagesQuery.parse({ sort_by: "img_id", order: "desc" }));
    expect(images.items.map((image) => image.imgId)).toEqual(["p_002_img_0", "p_001_img_0"]);
    expect(images.items[1]).toMatchObject({ productTitle: "NeckCare Pillow V2", hasEmbedding: true });
    expect((await listProductImages(handle.db, jobId, imagesQuery.parse({ q: "neck" }))).items.map((i) => i.imgId)).toEqual(["p_001_img_0"]);
    const has = async (value: string) => (await listProductImages(handle.db, jobId, productImageFeaturesQuery.parse({ has: value }))).items.map((i) => i.imgId);
    expect(await has("embedding")).toEqual(["p_001_img_0"]);
    expect(await has("none")).toEqual(["p_002_img_0"]);
    expect(await has("any")).toEqual(["p_001_img_0"]);
    expect(productImageFeaturesQuery.safeParse({ has: "colour" }).success).toBe(false);
    expect(imagesQuery.parse({ limit: "5000" }).limit).toBe(200);
  });

  it("lists frames with has and pagination, and counts features", async () => {
    const frames = await listVideoFrames(handle.db, jobId, "", videoFrameFeaturesQuery.parse({ has: "keypoints" }));
    expect(frames.items.map((frame) => frame.ts)).toEqual([1]);
    const page = await listVideoFrames(handle.db, jobId, "", videoFrameFeaturesQuery.parse({ limit: "1", offset: "1", order: "desc" }));
    expect(page).toMatchObject({ total: 2, limit: 1, offset: 1 });
    expect(page.items[0].ts).toBe(0);
    const summary = await featureSummary(handle.db, jobId);
    expect(summary.productImages).toEqual({ total: 2, segment: 1, embedding: 1, keypoints: 1 });
    expect(summary.videoFrames).toEqual({ total: 2, segment: 0, embedding: 0, keypoints: 1 });
    expect(await jobCounts(handle.db, jobId)).toEqual({ products: 2, videos: 1, images: 2, frames: 2 });
  });

  it("finds an asset by img_id alone and refuses an unknown one", async () => {
    expect((await getProductImageOrThrow(handle.db, anonymousCaller, "p_001_img_0")).jobId).toBe(jobId);
    await expect(getProductImageOrThrow(handle.db, anonymousCaller, "p_001_img_1")).rejects.toThrow(/not found/);
    await expect(getProductImageOrThrow(handle.db, anonymousCaller, "p_001_img_0", "not-a-uuid")).rejects.toThrow(/not found/);
  });
});

describe("formatTimestamp", () => {
  it("writes the instant in the configured offset", () => {
    expect(formatTimestamp(new Date("2025-08-23T07:25:00Z"), "+07:00")).toBe("2025-08-23T14:25:00+07:00");
    expect(formatTimestamp(new Date("2025-08-23T07:25:00Z"), "-03:30")).toBe("2025-08-23T03:55:00-03:30");
  });
});
