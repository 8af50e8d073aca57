import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import type { DatabaseHandle } from "@/lib/db/client";
import { jobs } from "@/lib/db/schema";
import { createTestDatabase } from "@/lib/db/testing";
import { createUser } from "@/lib/auth/users";
import { resetEnvForTests } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { canChange, canSee, type Caller } from "./caller";
import { deleteJob } from "./delete-job";
import { getChangeableJobOrThrow } from "./get-job";
import { rerunJob } from "./rerun-job";

/**
 * Who may change a job (lib/jobs/caller.ts `canChange`): an anonymous job is seen by anyone
 * holding its id, but cancelled, re-run or deleted only by the browser that started it (the
 * ids its signed cookie proves, `createdJobIds`), an admin, or an account for its own jobs.
 */
describe("changing a job: its creator, its account or an admin only", () => {
  let handle: DatabaseHandle;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "framewise-change-job-"));

  beforeAll(async () => {
    process.env.DATA_DIR = dataDir;
    resetEnvForTests();
    handle = await createTestDatabase("pglite");
  });
  afterAll(async () => {
    await handle?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function anonymousJob() {
    const [job] = await handle.db.insert(jobs).values({ kind: "analyze", ownerId: null, status: "completed", tripId: "ANON" }).returning();
    return job;
  }

  async function refusal(promise: Promise<unknown>) {
    const error = await promise.then(() => null, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }

  it("lets anyone holding an anonymous job's id see it, and only its browser change it", async () => {
    const job = await anonymousJob();
    const creator: Caller = { user: null, isAdmin: false, createdJobIds: [job.id] };
    const stranger: Caller = { user: null, isAdmin: false, createdJobIds: [] };
    const alice = await createUser(handle.db, { email: "alice@example.com", password: "long enough" });
    const signedInStranger: Caller = { user: { id: alice.id }, isAdmin: false };

    for (const caller of [creator, stranger, signedInStranger]) expect(canSee(caller, job)).toBe(true);
    expect(canChange(creator, job)).toBe(true);
    expect(canChange(stranger, job)).toBe(false);
    expect(canChange({ user: null, isAdmin: false }, job)).toBe(false);
    expect(canChange(signedInStranger, job)).toBe(false);
    expect(canChange({ user: null, isAdmin: true }, job)).toBe(true);
    // The creator signed in later keeps its browser's proof alongside the account.
    expect(canChange({ user: { id: alice.id }, isAdmin: false, createdJobIds: [job.id] }, job)).toBe(true);

    const refused = await refusal(getChangeableJobOrThrow(handle.db, stranger, job.id, "delete it"));
    expect(refused.kind).toBe("forbidden");
    expect(refused.message).toBe("Only the browser that started this job can delete it");
  });

  it("refuses a stranger's delete and re-run, leaving the job, and deletes it for its browser", async () => {
    const job = await anonymousJob();
    const stranger: Caller = { user: null, isAdmin: false, createdJobIds: [] };
    const before = (await handle.db.select({ id: jobs.id }).from(jobs)).length;

    expect((await refusal(deleteJob(handle.db, stranger, job.id))).message).toBe("Only the browser that started this job can delete it");
    expect((await refusal(rerunJob(handle.db, stranger, job.id, { fps: 2 }))).message).toBe("Only the browser that started this job can run it again");
    // Neither touched the job nor started another.
    expect(await handle.db.select({ id: jobs.id }).from(jobs)).toHaveLength(before);

    await deleteJob(handle.db, { user: null, isAdmin: false, createdJobIds: [job.id] }, job.id);
    expect(await handle.db.select({ id: jobs.id }).from(jobs).where(eq(jobs.id, job.id))).toEqual([]);
  });

  it("keeps an account's jobs its own: another account is told the job does not exist", async () => {
    const bob = await createUser(handle.db, { email: "bob@example.com", password: "long enough" });
    const carol = await createUser(handle.db, { email: "carol@example.com", password: "long enough" });
    const [job] = await handle.db.insert(jobs).values({ kind: "analyze", ownerId: bob.id, status: "completed" }).returning();
    expect(canChange({ user: { id: bob.id }, isAdmin: false }, job)).toBe(true);
    // A cookie naming an account's job proves nothing: only anonymous jobs are a browser's.
    expect(canChange({ user: null, isAdmin: false, createdJobIds: [job.id] }, job)).toBe(false);
    expect((await refusal(deleteJob(handle.db, { user: { id: carol.id }, isAdmin: false }, job.id))).kind).toBe("not_found");
  });
});
