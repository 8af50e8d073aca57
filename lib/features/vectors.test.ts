import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { selectRows, type DatabaseHandle } from "@/lib/db/client";
import { createTestDatabase, testDatabases } from "@/lib/db/testing";
import { EMBEDDING_DIMENSIONS, jobs } from "@/lib/db/schema";
import { parseVector, vectorMode, vectorValue } from "./vectors";

describe.each(testDatabases)("emb_rgb on %s", (kind) => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await createTestDatabase(kind);
  }, 60_000);
  afterAll(async () => handle?.close());

  it("stores a vector of the documented length and ranks by cosine distance", async () => {
    const mode = await vectorMode(handle.db);
    // PGlite always has pgvector; PostgreSQL has it only where it was built (notes/offline-toolbox.md).
    if (kind === "pglite") expect(mode).toBe("pgvector");
    console.log(`${kind}: emb_rgb is ${mode}`);
    const [job] = await handle.db.insert(jobs).values({ kind: "extract_features" }).returning();
    const unit = (i: number) => Array.from({ length: EMBEDDING_DIMENSIONS }, (_, j) => (j === i ? 1 : 0));
    for (const i of [0, 1, 2]) {
      await handle.db.execute(
        sql`insert into video_frames (job_id, video_id, frame_id, ts, local_path, emb_rgb) values (${job.id}, 'v_t', ${`v_t_frame_00000${i}`}, ${i}, 'x.jpg', ${await vectorValue(handle.db, unit(i))})`,
      );
    }
    const rows = await selectRows<{ frame_id: string; emb_rgb: unknown }>(handle.db, sql`select frame_id, emb_rgb from video_frames order by frame_id`);
    expect(rows).toHaveLength(3);
    for (const row of rows) expect(parseVector(row.emb_rgb)).toHaveLength(EMBEDDING_DIMENSIONS);
    if (mode === "pgvector") {
      const nearest = await selectRows<{ frame_id: string }>(
        handle.db,
        sql`select frame_id from video_frames order by emb_rgb <=> ${await vectorValue(handle.db, unit(1))} limit 1`,
      );
      expect(nearest[0].frame_id).toBe("v_t_frame_000001");
    }
  });

  it("refuses a vector of the wrong length", async () => {
    await expect(vectorValue(handle.db, [1, 2, 3])).rejects.toThrow(/expected 256/);
  });
});
