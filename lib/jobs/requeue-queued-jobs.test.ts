import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { createUser } from "@/lib/auth/users";
import type { DatabaseHandle } from "@/lib/db/client";
import { jobs } from "@/lib/db/schema";
import { createTestDatabase, testDatabases } from "@/lib/db/testing";
import { anonymousCaller, callerFor, queueKeyOf } from "./caller";
import { createJob } from "./create-job";
import { setJobQueue } from "./job-queue";
import { requeueQueuedJobs } from "./requeue-queued-jobs";
import { setJobStatus } from "./set-job-status";

/**
 * After the app syncs with the Inngest server it sends the start events of its queued jobs
 * again (server.ts): only `queued` ones whose run was started (or from before admission),
 * young enough for the server's event-id dedupe, each with its job's id, priority and
 * concurrency group; then each caller's next waiting job. The queue here records the sends;
 * that the real server starts no second run for a repeated id was tried by hand (README).
 */
describe.each(testDatabases)("requeueQueuedJobs on %s", (kind) => {
  let handle: DatabaseHandle;
  const sent: { id: string; kind: string; priority: number; caller: string }[] = [];
  const record = async (job: { id: string; kind: string; priority: number }, caller: string) => void sent.push({ id: job.id, kind: job.kind, priority: job.priority, caller });

  beforeAll(async () => {
    handle = await createTestDatabase(kind);
    // Every job is started at once, as the local engine's queue does.
    setJobQueue({ enqueue: async (job, caller, db) => void (await db.update(jobs).set({ dispatchedAt: new Date() }).where(eq(jobs.id, job.id))), cancel: async () => {} });
  });
  afterAll(async () => handle?.close());

  it("sends the started queued jobs again, those from before admission, and each caller's next waiting one", async () => {
    const db = handle.db;
    const user = await createUser(db, { email: `requeue-${kind}-${Date.now()}@example.com` });
    const owner = callerFor({ id: user.id, role: "user" });
    const owned = await createJob(db, owner, { kind: "ingest", payload: { video_name: "a.mp4" }, priority: 7 });
    const waiting = await createJob(db, owner, { kind: "render", payload: { video_name: "w.mp4" } });
    await db.update(jobs).set({ dispatchedAt: null }).where(eq(jobs.id, waiting.id));
    const legacy = await createJob(db, anonymousCaller, { kind: "render", payload: { video_name: "b.mp4" } });
    await db.update(jobs).set({ queueKey: null, dispatchedAt: null }).where(eq(jobs.id, legacy.id));
    const running = await createJob(db, { ...anonymousCaller, queueKey: "ip:10.0.0.1" }, { kind: "ingest", payload: { video_name: "c.mp4" } });
    await setJobStatus(db, running.id, "in_progress", { runId: "run-1" });
    const old = await createJob(db, anonymousCaller, { kind: "ingest", payload: { video_name: "d.mp4" } });
    await db.update(jobs).set({ createdAt: new Date(Date.now() - 24 * 60 * 60 * 1000) }).where(eq(jobs.id, old.id));
    sent.length = 0;

    // `owned` is started and still queued: sent again; `waiting` is not started, and its caller's
    // turn is taken by `owned`, so it waits on.
    expect(await requeueQueuedJobs(db, record)).toBe(2);
    expect(sent.sort((a, b) => a.kind.localeCompare(b.kind))).toEqual([
      { id: owned.id, kind: "ingest", priority: 7, caller: queueKeyOf(owner) },
      { id: legacy.id, kind: "render", priority: 0, caller: "system" },
    ]);

    // Once `owned` is done, the next pass starts `waiting`.
    await db.update(jobs).set({ status: "completed" }).where(eq(jobs.id, owned.id));
    sent.length = 0;
    expect(await requeueQueuedJobs(db, record)).toBe(2);
    expect(sent.map((job) => job.id).sort()).toEqual([legacy.id, waiting.id].sort());
  });
});
