import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { createEmptyPostgresDatabase, createTestDatabase, testDatabases } from "./testing";
import { openDatabase, selectRows, type DatabaseHandle } from "./client";

describe.each(testDatabases)("migrations on %s", (kind) => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await createTestDatabase(kind);
  });
  afterAll(async () => handle?.close());

  it("creates every table of the foundation", async () => {
    const rows = await selectRows<{ table_name: string }>(
      handle.db,
      sql`select table_name from information_schema.tables where table_schema = 'public' order by table_name`,
    );
    const names = rows.map((r) => r.table_name);
    expect(names).toEqual(expect.arrayContaining(["users", "api_keys", "videos", "jobs", "job_logs", "rate_limits"]));
  });
});

describe.skipIf(!process.env.TEST_POSTGRES_URL)("replicas opening one empty PostgreSQL database at once", () => {
  it("migrate it once: none fails on a table another just made", async () => {
    const { url, drop } = await createEmptyPostgresDatabase();
    try {
      const handles = await Promise.all([1, 2, 3, 4].map(() => openDatabase({ url })));
      const rows = await selectRows<{ n: number }>(handles[0].db, sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
      const files = fs.readdirSync(path.resolve("drizzle")).filter((name) => name.endsWith(".sql"));
      expect(rows[0].n).toBe(files.length);
      await Promise.all(handles.map((handle) => handle.close()));
    } finally {
      await drop();
    }
  });
});
