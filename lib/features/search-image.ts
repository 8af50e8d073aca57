import { open, writeFile } from "node:fs/promises";
import { sql } from "drizzle-orm";
import { z } from "zod";
import { selectRows, type Db } from "@/lib/db/client";
import { JOINT_COLOUR_WEIGHT } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import type { UploadedFile } from "@/lib/http/multipart";
import type { Caller } from "@/lib/jobs";
import { decodeImage, probeVideoStream } from "@/lib/media/frames";
import { removeQuietly } from "@/lib/storage/write-file";
import { detectorViews, joinEmbeddings, maskedCrop } from "./cnn";
import { colourEmbedding, fit, grabCutMask, KEYPOINT_SIDE, orbKeypoints, SEGMENT_SIDE } from "./compute";
import { sniffMedia } from "./fetch-url";
import { encodeRgbPng } from "./png";
import { getFeatureJobOrThrow } from "./queries";
import { EMBEDDING_COLUMNS, rankFrames, type EmbeddingColumn, type SearchHit } from "./search";
import { cosine, parseVector, vectorMode, vectorValue } from "./vectors";

/**
 * `POST /features/search/image` (multipart): where does the product in this picture appear in
 * a feature job's frames. The picture is treated exactly as a product image of the job is
 * (GrabCut mask, colour histogram over it, the detector's embedding of the masked crop, ORB
 * keypoints), then ranked like `POST /features/search`. Also answers the job's nearest product
 * images by the same embedding. Fields: `image` (the file), `job_id`, and optionally
 * `video_id`, `limit` (1-100, 10), `rerank` (true|false), `embedding` (joint|rgb|cnn).
 */
export const imageSearchFields = z.looseObject({
  job_id: z.string().max(64),
  video_id: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(10),
  rerank: z.enum(["true", "false"]).default("true"),
  embedding: z.enum(["joint", "rgb", "cnn"]).default("joint"),
});

export type ProductHit = { img_id: string; product_id: string; similarity: number };

export async function searchByImage(db: Db, caller: Caller, fields: z.infer<typeof imageSearchFields>, file: UploadedFile | undefined): Promise<{ items: SearchHit[]; products: ProductHit[] }> {
  if (!file) throw new AppError("bad_request", "Give the picture in an `image` file field");
  // The upload is this search's alone: it goes when the answer is made, whatever the answer.
  try {
    return await searchWith(db, caller, fields, file);
  } finally {
    await removeQuietly(file.path);
  }
}

async function searchWith(db: Db, caller: Caller, fields: z.infer<typeof imageSearchFields>, file: UploadedFile): Promise<{ items: SearchHit[]; products: ProductHit[] }> {
  const head = Buffer.alloc(64);
  const handle = await open(file.path, "r");
  await handle.read(head, 0, 64, 0).finally(() => handle.close());
  if (sniffMedia(head) !== "image") throw new AppError("unsupported_media", "The uploaded file is not an image");
  const job = await getFeatureJobOrThrow(db, caller, fields.job_id);

  const info = await probeVideoStream(file.path);
  const small = await decodeImage(file.path, fit(info.width, info.height, SEGMENT_SIDE));
  const mask = await grabCutMask(small);
  const colour = colourEmbedding(small, mask);
  const crop = maskedCrop(small, mask);
  // Beside the upload in DATA_DIR/tmp, inside the worker's roots; gone when the search is.
  const cropFile = `${file.path}.crop.png`;
  let embedding: number[];
  try {
    await writeFile(cropFile, encodeRgbPng(crop.width, crop.height, crop.data));
    const view = (await detectorViews([cropFile])).get(cropFile);
    if (!view) throw new AppError("unavailable", "The inference worker did not embed the picture");
    const vectors: Record<EmbeddingColumn, Float32Array> = { rgb: colour, cnn: view.embedding, joint: joinEmbeddings(colour, view.embedding, JOINT_COLOUR_WEIGHT) };
    embedding = Array.from(vectors[fields.embedding]);
  } finally {
    await removeQuietly(cropFile);
  }
  const keypoints = fields.rerank === "true" ? await orbKeypoints(await decodeImage(file.path, fit(info.width, info.height, KEYPOINT_SIDE)), 500) : null;
  const options = { video_id: fields.video_id, limit: fields.limit, rerank: fields.rerank === "true", embedding: fields.embedding };
  const frames = await rankFrames(db, [{ jobId: job.id, imgId: "upload", embedding, keypoints }], options);
  return { items: frames.items, products: await nearestProductImages(db, job.id, embedding, fields.embedding) };
}

/** The job's product images nearest the embedding (pgvector, else ranked here). */
async function nearestProductImages(db: Db, jobId: string, embedding: number[], column: EmbeddingColumn, limit = 5): Promise<ProductHit[]> {
  const { name, dimensions } = EMBEDDING_COLUMNS[column];
  const round = (value: number) => Math.round(value * 10_000) / 10_000;
  if ((await vectorMode(db)) === "pgvector") {
    const vector = await vectorValue(db, embedding, dimensions);
    const rows = await selectRows<{ img_id: string; product_id: string; distance: number }>(
      db,
      sql`select img_id, product_id, ${name} <=> ${vector} as distance from product_images where job_id = ${jobId} and ${name} is not null order by ${name} <=> ${vector} limit ${limit}`,
    );
    return rows.map((row) => ({ img_id: row.img_id, product_id: row.product_id, similarity: round(1 - Number(row.distance)) }));
  }
  const rows = await selectRows<{ img_id: string; product_id: string; emb: unknown }>(db, sql`select img_id, product_id, ${name} as emb from product_images where job_id = ${jobId} and ${name} is not null`);
  return rows
    .map((row) => ({ img_id: row.img_id, product_id: row.product_id, similarity: round(cosine(embedding, parseVector(row.emb)!)) }))
    .sort((a, b) => b.similarity - a.similarity)
    .slice(0, limit);
}
