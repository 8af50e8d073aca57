/**
 * Feature-extraction benchmarks (not a test):
 *   `npx tsx scripts/bench-features.ts [--frames 40] [--vectors 100000] [--queries 50] [--rgb]
 *      [--skip-features] [--skip-pglite] [--skip-postgres] [--smoke]`
 *
 * 1. frames/s per feature on ../shared/media/vtest.avi (frames at 2 fps written as JPEGs by
 *    lib/features/extract-frames.ts, then segment / embedding / keypoints alone, each through
 *    lib/features/compute.ts as the job runs them).
 * 2. search latency over --vectors stored frame embeddings (emb_joint, 736-d, what search ranks
 *    by; --rgb: emb_rgb, 256-d), without and with the HNSW index (benchSearch below), on PGlite
 *    and on PostgreSQL (TEST_POSTGRES_URL; skipped when it has no pgvector). Target on
 *    PostgreSQL: p95 <= 50 ms.
 */
import path from "node:path";
import { sql, type SQL } from "drizzle-orm";
import { selectRows } from "@/lib/db/client";
import { createTestDatabase, type TestDatabaseKind } from "@/lib/db/testing";
import { EMBEDDING_DIMENSIONS, JOINT_EMBEDDING_DIMENSIONS, jobs } from "@/lib/db/schema";
import { CANDIDATES, EF_SEARCH } from "@/lib/features/search";
import { extractPictureFeatures, type FeatureKind } from "@/lib/features/compute";
import { extractFrames } from "@/lib/features/extract-frames";
import { vectorMode, vectorValue } from "@/lib/features/vectors";
import { makeTempDir, removeDir, VTEST_AVI } from "@/lib/media/test-media";

const argv = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const index = argv.indexOf(name);
  return index >= 0 && argv[index + 1] ? Number(argv[index + 1]) : fallback;
};

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function benchFeatures(frameCount: number) {
  const dir = await makeTempDir("bench-features-");
  try {
    let started = performance.now();
    const { frames } = await extractFrames({ file: VTEST_AVI, dir: path.join(dir, "frames"), fps: 2, sceneThreshold: 0.3, maxFrames: frameCount });
    console.log(`frames: ${frames.length} JPEGs in ${((performance.now() - started) / 1000).toFixed(2)} s`);
    for (const kind of ["segment", "embedding", "keypoints"] as FeatureKind[]) {
      started = performance.now();
      for (const frame of frames) {
        await extractPictureFeatures({ file: path.join(dir, "frames", frame.file), mediaDir: dir, base: `out/${frame.index}`, features: [kind], maskedEmbedding: false });
      }
      const seconds = (performance.now() - started) / 1000;
      console.log(`${kind.padEnd(10)} ${(frames.length / seconds).toFixed(2)} frames/s (${((seconds * 1000) / frames.length).toFixed(1)} ms/frame, decode included)`);
    }
  } finally {
    await removeDir(dir);
  }
}

/** The search's candidate query, `order by <column> <=> q limit 60`, timed over `queries` random vectors. */
async function timeQueries(handle: Awaited<ReturnType<typeof createTestDatabase>>, jobId: string, column: SQL, dimensions: number, queries: Float32Array[]): Promise<{ times: number[]; ids: string[][] }> {
  const times: number[] = [];
  const ids: string[][] = [];
  for (const query of queries) {
    const vector = await vectorValue(handle.db, query, dimensions);
    const started = performance.now();
    // As lib/features/search.ts runs it: hnsw.ef_search raised past the candidate count.
    const rows = await handle.db.transaction(async (tx) => {
      await tx.execute(sql.raw(`set local hnsw.ef_search = ${EF_SEARCH}`));
      return selectRows<{ frame_id: string }>(tx, sql`select frame_id from video_frames where job_id = ${jobId} order by ${column} <=> ${vector} limit ${CANDIDATES}`);
    });
    times.push(performance.now() - started);
    ids.push(rows.map((row) => row.frame_id));
  }
  return { times, ids };
}

function randomUnit(dimensions: number): Float32Array {
  const values = Float32Array.from({ length: dimensions }, () => Math.random() - 0.5);
  const norm = Math.hypot(...values);
  return values.map((value) => value / norm);
}

/**
 * `vectors` random unit vectors in `column` (emb_joint, what search ranks by, or emb_rgb), stored
 * without an index; then the candidate query timed as an exact scan (the index dropped), the
 * HNSW index built (timed), and the same queries timed through it, with its recall@60 against
 * the exact answers.
 */
async function benchSearch(kind: TestDatabaseKind, vectors: number, queries: number, columnName: "emb_joint" | "emb_rgb") {
  const handle = await createTestDatabase(kind);
  try {
    if ((await vectorMode(handle.db)) !== "pgvector") {
      console.log(`${kind}: no pgvector here (embeddings are real[]); build it as notes/offline-toolbox.md says to measure the index`);
      return;
    }
    const dimensions = columnName === "emb_joint" ? JOINT_EMBEDDING_DIMENSIONS : EMBEDDING_DIMENSIONS;
    const column = sql.raw(columnName);
    const index = sql.raw(`video_frames_${columnName === "emb_joint" ? "emb_joint" : "emb"}_idx`);
    const [job] = await handle.db.insert(jobs).values({ kind: "extract_features" }).returning();
    await handle.db.execute(sql`drop index if exists ${index}`);
    let started = performance.now();
    for (let i = 0; i < vectors; i += 500) {
      const rows = [];
      for (let j = i; j < Math.min(vectors, i + 500); j++) rows.push(sql`(${job.id}, 'v_bench', ${`v_bench_frame_${j}`}, ${j / 2}, 'x.jpg', ${await vectorValue(handle.db, randomUnit(dimensions), dimensions)})`);
      await handle.db.execute(sql`insert into video_frames (job_id, video_id, frame_id, ts, local_path, ${column}) values ${sql.join(rows, sql`, `)}`);
    }
    console.log(`${kind}: ${vectors} ${dimensions}-d vectors in ${columnName} stored in ${((performance.now() - started) / 1000).toFixed(1)} s (no index)`);
    const probes = Array.from({ length: queries }, () => randomUnit(dimensions));
    const exact = await timeQueries(handle, job.id, column, dimensions, probes);
    console.log(`${kind}: no index (exact scan): p50 ${percentile(exact.times, 50).toFixed(1)} ms, p95 ${percentile(exact.times, 95).toFixed(1)} ms over ${queries} queries`);
    started = performance.now();
    await handle.db.transaction(async (tx) => {
      if (kind === "postgres") await tx.execute(sql`set local maintenance_work_mem = '1GB'`);
      await tx.execute(sql`create index ${index} on video_frames using hnsw (${column} vector_cosine_ops)`);
    });
    // Fresh statistics, as autovacuum would leave them: without them the planner scans exactly.
    await handle.db.execute(sql`analyze video_frames`);
    console.log(`${kind}: HNSW index (m 16, ef_construction 64) built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const indexed = await timeQueries(handle, job.id, column, dimensions, probes);
    const recall = indexed.ids.reduce((sum, ids, q) => sum + ids.filter((id) => exact.ids[q].includes(id)).length / Math.max(1, exact.ids[q].length), 0) / queries;
    console.log(`${kind}: HNSW (ef_search ${EF_SEARCH}): p50 ${percentile(indexed.times, 50).toFixed(1)} ms, p95 ${percentile(indexed.times, 95).toFixed(1)} ms, recall@${CANDIDATES} vs exact ${recall.toFixed(2)}`);
  } finally {
    await handle.close();
  }
}

// --smoke (for npm test): 2 frames, 300 vectors, 5 queries, on both databases as ever.
const smoke = argv.includes("--smoke");
const frameCount = option("--frames", smoke ? 2 : 40);
const vectors = option("--vectors", smoke ? 300 : 100_000);
const queries = option("--queries", smoke ? 5 : 50);
const column = argv.includes("--rgb") ? "emb_rgb" : "emb_joint";
if (!argv.includes("--skip-features")) await benchFeatures(frameCount);
if (!argv.includes("--skip-pglite")) await benchSearch("pglite", vectors, queries, column);
if (!argv.includes("--skip-postgres")) await benchSearch("postgres", vectors, queries, column);
process.exit(0);
