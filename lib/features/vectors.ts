import { sql, type SQL } from "drizzle-orm";
import { selectRows, type Db } from "@/lib/db/client";
import { EMBEDDING_DIMENSIONS } from "@/lib/db/schema";

/**
 * How this database stores `emb_rgb` (drizzle/0003_add_features.sql): a pgvector `vector`
 * (PGlite, or PostgreSQL with pgvector) or `real[]` (PostgreSQL without it). Writes and
 * searches go through here so both work.
 */
export type VectorMode = "pgvector" | "real_array";

const modes = new WeakMap<Db, Promise<VectorMode>>();

export function vectorMode(db: Db): Promise<VectorMode> {
  let mode = modes.get(db);
  if (!mode) {
    mode = selectRows<{ udt_name: string }>(
      db,
      sql`select udt_name from information_schema.columns where table_name = 'video_frames' and column_name = 'emb_rgb' limit 1`,
    ).then((rows) => (rows[0]?.udt_name === "vector" ? "pgvector" : "real_array"));
    modes.set(db, mode);
  }
  return mode;
}

/** The SQL value for an embedding in the column's type (emb_rgb's size unless `dimensions` says otherwise). */
export async function vectorValue(db: Db, values: ArrayLike<number>, dimensions = EMBEDDING_DIMENSIONS): Promise<SQL> {
  if (values.length !== dimensions) throw new Error(`embedding has ${values.length} values, expected ${dimensions}`);
  const list = Array.from(values, (value) => (Number.isFinite(value) ? Number(value.toPrecision(7)) : 0)).join(",");
  return (await vectorMode(db)) === "pgvector" ? sql`${`[${list}]`}::vector` : sql`${`{${list}}`}::real[]`;
}

/** Cosine similarity of two vectors (both L2-normalised: the dot product). */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return na && nb ? dot / Math.sqrt(na * nb) : 0;
}

/** Parses `emb_rgb` as either driver returns it: "[1,2]" (vector), "{1,2}" or number[] (real[]). */
export function parseVector(value: unknown): number[] | null {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map(Number);
  if (typeof value === "string") return value.replace(/^[[{]|[\]}]$/g, "").split(",").filter(Boolean).map(Number);
  return null;
}
