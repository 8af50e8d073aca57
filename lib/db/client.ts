import fs from "node:fs";
import path from "node:path";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { sql, type SQL } from "drizzle-orm";
import { env } from "@/lib/env";
import * as schema from "./schema";

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export type DatabaseHandle = {
  db: Db;
  driver: "pglite" | "postgres";
  close: () => Promise<void>;
  /**
   * PGlite only: a gzipped tar of the data folder, taken between queries (PGlite's
   * dumpDataDir holds its query lock) after a checkpoint: a consistent copy while it runs.
   */
  dump?: () => Promise<Blob>;
};

/** An advisory lock key of our own ("fwmg"), held while migrations run. */
const MIGRATION_LOCK = 0x66776d67;

const migrationsFolder = path.resolve(import.meta.dirname ?? __dirname, "../../drizzle");

/**
 * Opens a database and applies every migration in drizzle/ before anyone queries it.
 * `url` undefined -> PGlite in `dataDir`/db (or in memory with "memory://"); a postgres:// URL
 * -> postgres.js. The same SQL migrations serve both.
 */
export async function openDatabase(options: { url?: string; dataDir?: string }): Promise<DatabaseHandle> {
  if (options.url && !options.url.startsWith("memory://")) {
    const { default: postgres } = await import("postgres");
    const { drizzle } = await import("drizzle-orm/postgres-js");
    const { migrate } = await import("drizzle-orm/postgres-js/migrator");
    const client = postgres(options.url, { max: 10, onnotice: () => {} });
    const db = drizzle(client, { schema });
    // Replicas starting together on one database would each run the same migration and all but
    // one fail on "already exists": the first takes a lock (held on a connection set aside for
    // it), the others wait on theirs and then find the work done.
    const session = await client.reserve();
    try {
      await session`select pg_advisory_lock(${MIGRATION_LOCK})`;
      await migrate(db, { migrationsFolder });
    } finally {
      await session`select pg_advisory_unlock(${MIGRATION_LOCK})`.catch(() => {});
      session.release();
    }
    return { db: db as unknown as Db, driver: "postgres", close: () => client.end({ timeout: 5 }) };
  }
  const { PGlite } = await import("@electric-sql/pglite");
  const { drizzle } = await import("drizzle-orm/pglite");
  const { migrate } = await import("drizzle-orm/pglite/migrator");
  let dataPath: string | undefined;
  if (!options.url && options.dataDir) {
    dataPath = path.join(options.dataDir, "db");
    fs.mkdirSync(dataPath, { recursive: true });
  }
  // pgvector for feature embeddings (drizzle/0003_add_features.sql creates the extension).
  const { vector } = await import("@electric-sql/pglite-pgvector");
  let client: InstanceType<typeof PGlite> | undefined;
  try {
    client = new PGlite({ dataDir: dataPath, extensions: { vector } });
    await client.waitReady;
    const db = drizzle(client, { schema });
    await migrate(db, { migrationsFolder });
    const opened = client;
    const dump = async () => {
      await opened.exec("CHECKPOINT");
      return opened.dumpDataDir("gzip");
    };
    return { db: db as unknown as Db, driver: "pglite", close: () => opened.close(), dump };
  } catch (error) {
    await client?.close().catch(() => undefined);
    throw dataPath ? new DatabaseOpenError(dataPath, error) : error;
  }
}

/**
 * The embedded database would not open or migrate: its folder is damaged (a disk fault, a copy
 * taken while it ran) or not a database. Says which folder and what to do, for the operator
 * reading the server's last line.
 */
export class DatabaseOpenError extends Error {
  constructor(
    readonly folder: string,
    cause: unknown,
  ) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      `The database in ${folder} could not be opened: ${reason.split("\n")[0]}\n` +
        `  It may be damaged. Restore a backup with \`npm run restore -- <backup.tar.gz>\` (README, "Backup and restore"),\n` +
        `  or move ${folder} aside to start with an empty database (jobs, users and keys are then gone; media files stay).`,
      { cause },
    );
    this.name = "DatabaseOpenError";
  }
}

// PGlite allows one opener per data folder. Next bundles route handlers apart from server.ts,
// so the handle lives on globalThis: every copy of this module finds the same one.
type Shared = { handle?: Promise<DatabaseHandle> };
const shared = ((globalThis as { __framewiseDb?: Shared }).__framewiseDb ??= {});

/** The process-wide database, opened (and migrated) on first use. */
export function database(): Promise<DatabaseHandle> {
  shared.handle ??= openDatabase({ url: env().DATABASE_URL, dataDir: env().dataDir }).catch((error) => {
    shared.handle = undefined;
    throw error;
  });
  return shared.handle;
}

export async function db(): Promise<Db> {
  return (await database()).db;
}

export async function closeDatabase(): Promise<void> {
  const handle = shared.handle;
  shared.handle = undefined;
  if (handle) await (await handle).close();
}

/**
 * Rows of a raw SQL query. postgres.js answers an array and PGlite an object with `rows`;
 * callers get the rows either way.
 */
export async function selectRows<T>(db: Db, query: SQL): Promise<T[]> {
  const result: unknown = await db.execute(query);
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/**
 * For health checks: reads every row of the tables the routes live on (a damaged page fails the
 * read; `select 1` would not notice), with the error when it fails.
 */
export async function pingDatabase(): Promise<{ connected: boolean; driver?: string; error?: string }> {
  try {
    const handle = await database();
    await handle.db.execute(sql`select (select count(*) from ${schema.users}), (select count(*) from ${schema.apiKeys}), (select count(*) from ${schema.videos}), (select count(*) from ${schema.jobs}), (select count(*) from ${schema.engineQueue})`);
    return { connected: true, driver: handle.driver };
  } catch (error) {
    return { connected: false, error: error instanceof Error ? error.message : String(error) };
  }
}
