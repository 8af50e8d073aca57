import postgres from "postgres";
import { openDatabase, type DatabaseHandle } from "./client";

/**
 * The integration suite runs against both engines: PGlite in memory, and a throwaway
 * database on the real PostgreSQL (TEST_POSTGRES_URL, default 127.0.0.1:5432).
 */
export const testDatabases = ["pglite", "postgres"] as const;
export type TestDatabaseKind = (typeof testDatabases)[number];

const adminUrl = process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

export async function createTestDatabase(kind: TestDatabaseKind): Promise<DatabaseHandle> {
  if (kind === "pglite") return openDatabase({ url: "memory://" });
  const created = await createEmptyPostgresDatabase();
  const handle = await openDatabase({ url: created.url });
  return {
    ...handle,
    close: async () => {
      await handle.close();
      await created.drop();
    },
  };
}

/**
 * A throwaway database on the test PostgreSQL, empty (the first openDatabase on it migrates):
 * for tests that open it several times, as web replicas do. `drop` ends whatever is connected.
 */
export async function createEmptyPostgresDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `framewise_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const cleanup = postgres(adminUrl, { max: 1, onnotice: () => {} });
      try {
        await cleanup.unsafe(`drop database if exists "${name}" with (force)`);
      } finally {
        await cleanup.end();
      }
    },
  };
}
