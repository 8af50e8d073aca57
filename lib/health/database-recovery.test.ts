import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerWithApiKey } from "@/lib/auth/register";
import { resetEnvForTests } from "@/lib/env";
import { health } from "@/lib/health/checks";
import { backupDatabase, restoreDatabase, serveBackups } from "@/lib/db/backup";
import { closeDatabase, database, DatabaseOpenError, openDatabase, pingDatabase, selectRows } from "@/lib/db/client";
import { users } from "@/lib/db/schema";

// A damaged embedded database, and backup and restore, on real PGlite folders.

const root = fs.mkdtempSync(path.join(os.tmpdir(), "framewise-backup-"));
const saved = { ...process.env };

beforeAll(() => {
  Object.assign(process.env, { DATA_DIR: path.join(root, "data"), MIN_FREE_DISK_MB: "0" });
  delete process.env.DATABASE_URL;
  resetEnvForTests();
});

afterAll(async () => {
  await closeDatabase();
  process.env = saved;
  resetEnvForTests();
  fs.rmSync(root, { recursive: true, force: true });
});

/** Overwrites the first page header of a table's file with garbage, as a disk fault would. */
async function damage(dataDir: string, table: string): Promise<void> {
  const handle = await openDatabase({ dataDir });
  const [{ file: relative }] = await selectRows<{ file: string }>(handle.db, sql`select pg_relation_filepath(${table}::regclass) as file`);
  await handle.close();
  const fd = fs.openSync(path.join(dataDir, "db", relative), "r+");
  fs.writeSync(fd, Buffer.alloc(24, 0xff), 0, 24, 0);
  fs.closeSync(fd);
}

describe("a damaged database", () => {
  it("makes /health say degraded when a table's pages do not read", async () => {
    const dataDir = path.join(root, "damaged-table");
    process.env.DATA_DIR = dataDir;
    resetEnvForTests();
    await registerWithApiKey((await database()).db, "someone@example.com");
    expect(await health()).toMatchObject({ status: "ok" });
    await closeDatabase();
    await damage(dataDir, "users");
    expect(await pingDatabase()).toMatchObject({ connected: false });
    expect(await health()).toMatchObject({ status: "degraded" });
    await closeDatabase();
  });

  it("refuses to start with a message naming the folder and what to do", async () => {
    const dataDir = path.join(root, "damaged-catalog");
    await (await openDatabase({ dataDir })).close();
    await damage(dataDir, "pg_class");
    const error = await openDatabase({ dataDir }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DatabaseOpenError);
    expect((error as Error).message).toContain(`The database in ${path.join(dataDir, "db")} could not be opened`);
    expect((error as Error).message).toContain("npm run restore -- <backup.tar.gz>");
  });
});

describe("backup and restore", () => {
  it("copies the running database through its server, and restores it with the server stopped", async () => {
    const dataDir = path.join(root, "backed-up");
    process.env.DATA_DIR = dataDir;
    resetEnvForTests();
    const handle = await database();
    await registerWithApiKey(handle.db, "kept@example.com");
    const stop = await serveBackups(handle, dataDir);
    const file = path.join(root, "backup.tar.gz");
    expect(await backupDatabase(dataDir, file)).toMatchObject({ through: "server" });
    await expect(restoreDatabase(dataDir, file)).rejects.toThrow(/A server is running on .*: stop it, then restore/);

    await registerWithApiKey(handle.db, "after-backup@example.com");
    await stop();
    await closeDatabase();
    const { keptAt } = await restoreDatabase(dataDir, file);
    expect(keptAt && fs.existsSync(keptAt)).toBeTruthy();

    const emails = (await (await database()).db.select({ email: users.email }).from(users)).map((row) => row.email);
    expect(emails).toEqual(["kept@example.com"]);
    await closeDatabase();
    // With no server running the script reads the folder itself.
    expect(await backupDatabase(dataDir, path.join(root, "offline.tar.gz"))).toMatchObject({ through: "folder" });
  });
});
