/**
 * Feature-extraction benchmarks (not a test):
 *   `npx tsx scripts/bench-features.ts [--frames 40] [--vectors 100000] [--queries 50] [--skip-postgres]`
 *
 * 1. frames/s per feature on ../shared/media/vtest.avi (frames at 2 fps written as JPEGs by
 *    lib/features/extract-frames.ts, then segment / embedding / keypoints alone, each through
 *    lib/features/compute.ts as the job runs them).
 * 2. search p95 latency: --vectors random 256-d embeddings in video_frames with the migration's
 *    HNSW index, then --queries `order by emb_rgb <=> q limit 60` (the search's candidate
 *    query) on PGlite and on PostgreSQL (TEST_POSTGRES_URL; skipped when it has no pgvector).
 *    Target on PostgreSQL: p95 <= 50 ms.
 */
import path from "node:path";
import { sql } from "drizzle-orm";
import { selectRows } from "@/lib/db/client";
import { createTestDatabase, type TestDatabaseKind } from "@/lib/db/testing";
import { EMBEDDING_DIMENSIONS, jobs } from "@/lib/db/schema";
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

async function benchSearch(kind: TestDatabaseKind, vectors: number, queries: number) {
  const handle = await createTestDatabase(kind);
  try {
    if ((await vectorMode(handle.db)) !== "pgvector") {
      console.log(`${kind}: no pgvector here (emb_rgb is real[]); build it as notes/offline-toolbox.md says to measure the index`);
      return;
    }
    const [job] = await handle.db.insert(jobs).values({ kind: "extract_features" }).returning();
    const random = () => {
      const values = Array.from({ length: EMBEDDING_DIMENSIONS }, () => Math.random());
      const norm = Math.hypot(...values);
      return values.map((value) => value / norm);
    };
    let started = performance.now();
    for (let i = 0; i < vectors; i += 500) {
      const rows = [];
      for (let j = i; j < Math.min(vectors, i + 500); j++) rows.push(sql`(${job.id}, 'v_bench', ${`v_bench_frame_${j}`}, ${j / 2}, 'x.jpg', ${await vectorValue(handle.db, random())})`);
      await handle.db.execute(sql`insert into video_frames (job_id, video_id, frame_id, ts, local_path, emb_rgb) values ${sql.join(rows, sql`, `)}`);
    }
    console.log(`${kind}: ${vectors} embeddings stored (HNSW index kept up) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const times: number[] = [];
    for (let q = 0; q < queries; q++) {
      const vector = await vectorValue(handle.db, random());
      started = performance.now();
      await selectRows(handle.db, sql`select frame_id from video_frames where job_id = ${job.id} order by emb_rgb <=> ${vector} limit 60`);
      times.push(performance.now() - started);
    }
    console.log(`${kind}: search p50 ${percentile(times, 50).toFixed(1)} ms, p95 ${percentile(times, 95).toFixed(1)} ms over ${queries} queries`);
  } finally {
    await handle.close();
  }
}

const frameCount = option("--frames", 40);
const vectors = option("--vectors", 100_000);
const queries = option("--queries", 50);
await benchFeatures(frameCount);
await benchSearch("pglite", vectors, queries);
if (!argv.includes("--skip-postgres")) await benchSearch("postgres", vectors, queries);
process.exit(0);
