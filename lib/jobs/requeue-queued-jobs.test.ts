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
 * again (server.ts): only `queued` ones, young enough for the server's event-id dedupe, each
 * with its job's id, priority and owner's concurrency group. The queue here records the sends;
 * that the real server starts no second run for a repeated id was tried by hand (README).
 */
describe.each(testDatabases)("requeueQueuedJobs on %s", (kind) => {
  let handle: DatabaseHandle;
  const sent: { id: string; kind: string; priority: number; caller: string }[] = [];

  beforeAll(async () => {
    handle = await createTestDatabase(kind);
    setJobQueue({
      enqueue: async (job, caller) => void sent.push({ id: job.id, kind: job.kind, priority: job.priority, caller }),
      cancel: async () => {},
    });
  });
  afterAll(async () => handle?.close());

  it("sends the queued jobs again, and nothing else", async () => {
    const db = handle.db;
    const user = await createUser(db, { email: `requeue-${kind}-${Date.now()}@example.com` });
    const owned = await createJob(db, callerFor({ id: user.id, role: "user" }), { kind: "ingest", payload: { video_name: "a.mp4" }, priority: 7 });
    const anonymous = await createJob(db, anonymousCaller, { kind: "render", payload: { video_name: "b.mp4" } });
    const running = await createJob(db, anonymousCaller, { kind: "ingest", payload: { video_name: "c.mp4" } });
    await setJobStatus(db, running.id, "in_progress", { runId: "run-1" });
    const old = await createJob(db, anonymousCaller, { kind: "ingest", payload: { video_name: "d.mp4" } });
    await db.update(jobs).set({ createdAt: new Date(Date.now() - 24 * 60 * 60 * 1000) }).where(eq(jobs.id, old.id));
    sent.length = 0;

    expect(await requeueQueuedJobs(db)).toBe(2);
    expect(sent.sort((a, b) => a.kind.localeCompare(b.kind))).toEqual([
      { id: owned.id, kind: "ingest", priority: 7, caller: queueKeyOf(callerFor({ id: user.id, role: "user" })) },
      { id: anonymous.id, kind: "render", priority: 0, caller: "system" },
    ]);
  });
});
