import { and, desc, eq, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { selectRows, type Db } from "@/lib/db/client";
import { CNN_EMBEDDING_DIMENSIONS, EMBEDDING_DIMENSIONS, JOINT_EMBEDDING_DIMENSIONS, jobs, productImages } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { canSee, type Caller } from "@/lib/jobs";
import { readJobMedia } from "@/lib/storage/job-media";
import { decodeKeypointBlob, type Keypoints } from "./keypoint-blob";
import { openCv } from "@/lib/media/opencv";
import { fileUrl } from "./serializers";
import { cosine, parseVector, vectorMode, vectorValue } from "./vectors";

/**
 * Where does this product appear (issue 13 §6): frames ranked by embedding similarity (pgvector
 * `<=>` cosine distance over the HNSW index, or in JavaScript on a PostgreSQL without pgvector;
 * `emb_joint`, the colour histogram joined with the detector's embedding, unless `embedding`
 * names one part),
 * then the best CANDIDATES re-ranked by ORB keypoint matching (Hamming, Lowe ratio 0.75) with a
 * RANSAC homography. score = inliers + similarity, so a geometrically verified match (at least
 * MIN_INLIERS inliers) ranks above any unverified one; `box` is where the product image's
 * corners land in the frame, as fractions of the frame's width and height.
 */
export const searchBody = z
  .object({
    job_id: z.string().max(64).optional(),
    product_id: z.string().max(64).optional(),
    img_id: z.string().max(200).optional(),
    video_id: z.string().max(64).optional(),
    limit: z.number().int().min(1).max(100).default(10),
    /** false: rank by embedding similarity alone (to measure what the keypoint re-rank adds). */
    rerank: z.boolean().default(true),
    /** Which embedding ranks the candidates: the joined one (default, it retrieves best), or one part alone. */
    embedding: z.enum(["joint", "rgb", "cnn"]).default("joint"),
  })
  .strict()
  .refine((body) => (body.product_id === undefined) !== (body.img_id === undefined), { message: "give product_id or img_id", path: ["product_id"] });

export const CANDIDATES = 60;
/** hnsw.ef_search for the candidate query: the index returns at most this many rows. */
export const EF_SEARCH = 2 * CANDIDATES;
export const MIN_INLIERS = 8;

export type SearchHit = { frame_id: string; video_id: string; ts: number; url: string | null; score: number; similarity: number; inliers: number; box?: { x: number; y: number; width: number; height: number } };

export type EmbeddingColumn = z.infer<typeof searchBody>["embedding"];

/** Each searchable embedding's column and size. */
export const EMBEDDING_COLUMNS: Record<EmbeddingColumn, { name: SQL; dimensions: number }> = {
  joint: { name: sql.raw("emb_joint"), dimensions: JOINT_EMBEDDING_DIMENSIONS },
  rgb: { name: sql.raw("emb_rgb"), dimensions: EMBEDDING_DIMENSIONS },
  cnn: { name: sql.raw("emb_cnn"), dimensions: CNN_EMBEDDING_DIMENSIONS },
};

export type QueryImage = { jobId: string; imgId: string; embedding: number[]; keypoints: Keypoints | null };

async function queryImages(db: Db, caller: Caller, body: z.infer<typeof searchBody>): Promise<QueryImage[]> {
  const rows = await db
    .select({ jobId: productImages.jobId, imgId: productImages.imgId, kp: productImages.kpBlobPath, ownerId: jobs.ownerId, emb: sql<unknown>`product_images.${EMBEDDING_COLUMNS[body.embedding].name}` })
    .from(productImages)
    .innerJoin(jobs, eq(jobs.id, productImages.jobId))
    .where(
      and(
        eq(productImages.status, "ready"),
        body.img_id !== undefined ? eq(productImages.imgId, body.img_id) : eq(productImages.productId, body.product_id!),
        body.job_id !== undefined ? (z.uuid().safeParse(body.job_id).success ? eq(productImages.jobId, body.job_id) : sql`false`) : undefined,
      ),
    )
    .orderBy(desc(productImages.updatedAt))
    .limit(200);
  const visible = rows.filter((row) => canSee(caller, row) && row.emb !== null);
  if (visible.length === 0) throw new AppError("not_found", body.img_id !== undefined ? `Product image ${body.img_id} not found` : `Product ${body.product_id} not found`);
  // One job: the one given, else the newest that has this product.
  const jobId = visible[0].jobId;
  return Promise.all(
    visible
      .filter((row) => row.jobId === jobId)
      .map(async (row) => ({
        jobId,
        imgId: row.imgId,
        embedding: parseVector(row.emb)!,
        keypoints: row.kp ? decodeKeypointBlob(await readJobMedia(jobId, row.kp)) : null,
      })),
  );
}

type Candidate = { frame_id: string; video_id: string; ts: number; local_path: string | null; kp_blob_path: string | null; similarity: number };

async function candidates(db: Db, jobId: string, query: number[], videoId: string | undefined, column: EmbeddingColumn): Promise<Candidate[]> {
  const videoFilter = videoId ? sql`and video_id = ${videoId}` : sql``;
  const { name, dimensions } = EMBEDDING_COLUMNS[column];
  if ((await vectorMode(db)) === "pgvector") {
    const vector = await vectorValue(db, query, dimensions);
    // An HNSW scan yields at most hnsw.ef_search rows (default 40): ask for more than CANDIDATES.
    const rows = await db.transaction(async (tx) => {
      await tx.execute(sql.raw(`set local hnsw.ef_search = ${EF_SEARCH}`));
      return selectRows<Omit<Candidate, "similarity"> & { distance: number }>(
        tx,
        sql`select frame_id, video_id, ts, local_path, kp_blob_path, ${name} <=> ${vector} as distance from video_frames
            where job_id = ${jobId} and ${name} is not null ${videoFilter} order by ${name} <=> ${vector} limit ${CANDIDATES}`,
      );
    });
    return rows.map((row) => ({ ...row, ts: Number(row.ts), similarity: 1 - Number(row.distance) }));
  }
  const rows = await selectRows<Omit<Candidate, "similarity"> & { emb: unknown }>(
    db,
    sql`select frame_id, video_id, ts, local_path, kp_blob_path, ${name} as emb from video_frames where job_id = ${jobId} and ${name} is not null ${videoFilter}`,
  );
  return rows
    .map((row) => ({ frame_id: row.frame_id, video_id: row.video_id, ts: Number(row.ts), local_path: row.local_path, kp_blob_path: row.kp_blob_path, similarity: cosine(query, parseVector(row.emb)!) }))
    .sort((a, b) => b.similarity - a.similarity)
    .slice(0, CANDIDATES);
}

function descriptorsMat(cv: Awaited<ReturnType<typeof openCv>>, keypoints: Keypoints) {
  return cv.matFromArray(keypoints.count, keypoints.descriptorBytes, cv.CV_8U, Array.from(keypoints.descriptors));
}

/** RANSAC-verified matches of `product` in `frame`: the inlier count and the projected box. */
export async function verify(product: Keypoints, frame: Keypoints): Promise<{ inliers: number; box?: SearchHit["box"] }> {
  if (product.count < 4 || frame.count < 4) return { inliers: 0 };
  const cv = await openCv();
  const queryMat = descriptorsMat(cv, product);
  const trainMat = descriptorsMat(cv, frame);
  const matcher = new cv.BFMatcher(cv.NORM_HAMMING, false);
  const matches = new cv.DMatchVectorVector();
  const mats: { delete(): void }[] = [queryMat, trainMat, matcher, matches];
  try {
    matcher.knnMatch(queryMat, trainMat, matches, 2);
    const source: number[] = [];
    const target: number[] = [];
    for (let i = 0; i < matches.size(); i++) {
      const pair = matches.get(i);
      if (pair.size() < 2) continue;
      const [best, second] = [pair.get(0), pair.get(1)];
      if (best.distance < 0.75 * second.distance) {
        source.push(product.points[best.queryIdx * 6], product.points[best.queryIdx * 6 + 1]);
        target.push(frame.points[best.trainIdx * 6], frame.points[best.trainIdx * 6 + 1]);
      }
    }
    if (source.length / 2 < MIN_INLIERS) return { inliers: 0 };
    const from = cv.matFromArray(source.length / 2, 1, cv.CV_32FC2, source);
    const to = cv.matFromArray(target.length / 2, 1, cv.CV_32FC2, target);
    const inlierMask = new cv.Mat();
    mats.push(from, to, inlierMask);
    const homography = cv.findHomography(from, to, cv.RANSAC, 5, inlierMask);
    mats.push(homography);
    if (homography.empty()) return { inliers: 0 };
    let inliers = 0;
    for (let i = 0; i < inlierMask.rows; i++) if (inlierMask.data[i]) inliers++;
    const h = homography.data64F as Float64Array;
    const corners = [
      [0, 0],
      [product.width, 0],
      [product.width, product.height],
      [0, product.height],
    ].map(([x, y]) => {
      const w = h[6] * x + h[7] * y + h[8];
      return [(h[0] * x + h[1] * y + h[2]) / w, (h[3] * x + h[4] * y + h[5]) / w];
    });
    const xs = corners.map((c) => Math.min(frame.width, Math.max(0, c[0])));
    const ys = corners.map((c) => Math.min(frame.height, Math.max(0, c[1])));
    const round = (value: number) => Math.round(value * 10_000) / 10_000;
    const box = {
      x: round(Math.min(...xs) / frame.width),
      y: round(Math.min(...ys) / frame.height),
      width: round((Math.max(...xs) - Math.min(...xs)) / frame.width),
      height: round((Math.max(...ys) - Math.min(...ys)) / frame.height),
    };
    return { inliers, box: box.width > 0 && box.height > 0 ? box : undefined };
  } finally {
    for (const mat of mats) mat.delete();
  }
}

export async function searchProduct(db: Db, caller: Caller, body: z.infer<typeof searchBody>): Promise<{ items: SearchHit[] }> {
  return rankFrames(db, await queryImages(db, caller, body), body);
}

/** Frames of the query images' job, best first: embedding candidates, then the keypoint re-rank. */
export async function rankFrames(db: Db, images: QueryImage[], options: { video_id?: string; limit: number; rerank: boolean; embedding: EmbeddingColumn }): Promise<{ items: SearchHit[] }> {
  const body = options;
  const jobId = images[0].jobId;
  const byFrame = new Map<string, SearchHit>();
  for (const image of images) {
    for (const candidate of await candidates(db, jobId, image.embedding, body.video_id, body.embedding)) {
      let verified: Awaited<ReturnType<typeof verify>> = { inliers: 0 };
      if (body.rerank && image.keypoints && candidate.kp_blob_path) {
        const frame = decodeKeypointBlob(await readJobMedia(jobId, candidate.kp_blob_path));
        verified = await verify(image.keypoints, frame);
      }
      const inliers = verified.inliers >= MIN_INLIERS ? verified.inliers : 0;
      const hit: SearchHit = {
        frame_id: candidate.frame_id,
        video_id: candidate.video_id,
        ts: candidate.ts,
        // Beyond issue 13's shape: the frame's picture, for the hits' thumbnails.
        url: fileUrl(jobId, candidate.local_path),
        score: Math.round((inliers + candidate.similarity) * 10_000) / 10_000,
        similarity: Math.round(candidate.similarity * 10_000) / 10_000,
        inliers,
        ...(inliers && verified.box ? { box: verified.box } : {}),
      };
      const previous = byFrame.get(hit.frame_id);
      if (!previous || previous.score < hit.score) byFrame.set(hit.frame_id, hit);
    }
  }
  return { items: [...byFrame.values()].sort((a, b) => b.score - a.score).slice(0, body.limit) };
}
