import { boolean, doublePrecision, index, integer, jsonb, pgTable, real, text, timestamp, uniqueIndex, uuid, vector } from "drizzle-orm/pg-core";
import { jobs } from "./jobs";

/**
 * Feature extraction (contracts/feature-extraction.md): a job's products and their images,
 * its videos and their frames, and per image and frame the three features the contract names:
 * `seg_mask_path` (PNG mask), `emb_rgb` (embedding vector) and `kp_blob_path` (keypoint blob).
 * Paths are relative to the job's media folder (lib/storage/layout.ts), never host paths.
 *
 * `emb_rgb` is a pgvector `vector(EMBEDDING_DIMENSIONS)` with an HNSW cosine index where the
 * `vector` extension exists (PGlite always; PostgreSQL when pgvector is installed). On a
 * PostgreSQL without pgvector the migration makes it `real[]` instead and search ranks in
 * JavaScript (lib/features/vectors.ts says which one a database has).
 *
 * Three embeddings per picture (drizzle/0006_add_detector_embeddings.sql adds the last two,
 * with the same vector-or-real[] rule):
 * - `emb_rgb`: EMBEDDING_DIMENSIONS, the HSV colour histogram (lib/features/compute.ts);
 * - `emb_cnn`: CNN_EMBEDDING_DIMENSIONS, CenterNet's pooled backbone feature (lib/features/cnn.ts);
 * - `emb_joint`: JOINT_EMBEDDING_DIMENSIONS, [sqrt(w) * emb_rgb, sqrt(1 - w) * emb_cnn] with
 *   w = JOINT_COLOUR_WEIGHT, the one search ranks by (HNSW cosine index): it retrieved best of
 *   the three on scripts/eval-embeddings.ts.
 */
export const EMBEDDING_DIMENSIONS = 256;
export const CNN_EMBEDDING_DIMENSIONS = 480;
export const JOINT_EMBEDDING_DIMENSIONS = EMBEDDING_DIMENSIONS + CNN_EMBEDDING_DIMENSIONS;
export const JOINT_COLOUR_WEIGHT = 0.25;

/** A detected object of a frame with its own mask (lib/features/frame-objects.ts). */
export type FrameObject = {
  label: string;
  confidence: number;
  /** Source pixels. */
  box: { x: number; y: number; width: number; height: number };
  method: "segmenter" | "grabcut";
  /** 8-bit PNG (255 = object) at the frame's size, relative to the job's media folder. */
  mask_path: string;
  area: number;
};

export const featureItemStatuses = ["pending", "ready", "failed"] as const;
export type FeatureItemStatus = (typeof featureItemStatuses)[number];

export const products = pgTable(
  "products",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    jobId: uuid("job_id")
      .notNull()
      .references(() => jobs.id, { onDelete: "cascade" }),
    productId: text("product_id").notNull(),
    title: text("title"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [uniqueIndex("products_job_product_idx").on(table.jobId, table.productId)],
);

export const productImages = pgTable(
  "product_images",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    jobId: uuid("job_id")
      .notNull()
      .references(() => jobs.id, { onDelete: "cascade" }),
    productId: text("product_id").notNull(),
    /** `<product_id>_img_<n>`. */
    imgId: text("img_id").notNull(),
    /** Where it came from: the URL, or `upload:<field>` for a multipart file. */
    source: text("source").notNull(),
    status: text("status", { enum: featureItemStatuses }).notNull().default("pending"),
    error: text("error"),
    localPath: text("local_path"),
    width: integer("width"),
    height: integer("height"),
    segMaskPath: text("seg_mask_path"),
    embRgb: vector("emb_rgb", { dimensions: EMBEDDING_DIMENSIONS }),
    embPath: text("emb_path"),
    embCnn: vector("emb_cnn", { dimensions: CNN_EMBEDDING_DIMENSIONS }),
    embCnnPath: text("emb_cnn_path"),
    embJoint: vector("emb_joint", { dimensions: JOINT_EMBEDDING_DIMENSIONS }),
    kpBlobPath: text("kp_blob_path"),
    kpCount: integer("kp_count"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex("product_images_job_img_idx").on(table.jobId, table.imgId),
    index("product_images_img_idx").on(table.imgId),
  ],
);

export const featureVideos = pgTable(
  "feature_videos",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    jobId: uuid("job_id")
      .notNull()
      .references(() => jobs.id, { onDelete: "cascade" }),
    /** `v_` + 12 hex: unique across jobs, so frame ids are too. */
    videoId: text("video_id").notNull(),
    /** Position in the request's `videos` list. */
    position: integer("position").notNull(),
    platform: text("platform").notNull(),
    url: text("url"),
    title: text("title"),
    status: text("status", { enum: featureItemStatuses }).notNull().default("pending"),
    error: text("error"),
    localPath: text("local_path"),
    durationS: doublePrecision("duration_s"),
    framesCount: integer("frames_count").notNull().default(0),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex("feature_videos_video_idx").on(table.videoId),
    uniqueIndex("feature_videos_job_position_idx").on(table.jobId, table.position),
  ],
);

export const videoFrames = pgTable(
  "video_frames",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    jobId: uuid("job_id")
      .notNull()
      .references(() => jobs.id, { onDelete: "cascade" }),
    videoId: text("video_id").notNull(),
    /** `<video_id>_frame_<source frame index, 6 digits>`. */
    frameId: text("frame_id").notNull(),
    ts: real("ts").notNull(),
    /** Taken because a shot starts here (else: on the fps grid). */
    isCut: boolean("is_cut").notNull().default(false),
    localPath: text("local_path").notNull(),
    segMaskPath: text("seg_mask_path"),
    embRgb: vector("emb_rgb", { dimensions: EMBEDDING_DIMENSIONS }),
    embPath: text("emb_path"),
    embCnn: vector("emb_cnn", { dimensions: CNN_EMBEDDING_DIMENSIONS }),
    embCnnPath: text("emb_cnn_path"),
    embJoint: vector("emb_joint", { dimensions: JOINT_EMBEDDING_DIMENSIONS }),
    kpBlobPath: text("kp_blob_path"),
    kpCount: integer("kp_count"),
    /** Per-object masks of the detector's boxes (the segment feature of a frame). */
    objects: jsonb("objects").$type<FrameObject[]>(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex("video_frames_frame_idx").on(table.frameId),
    index("video_frames_job_video_idx").on(table.jobId, table.videoId, table.ts),
  ],
);

export type Product = typeof products.$inferSelect;
export type ProductImage = typeof productImages.$inferSelect;
export type FeatureVideo = typeof featureVideos.$inferSelect;
export type VideoFrame = typeof videoFrames.$inferSelect;
