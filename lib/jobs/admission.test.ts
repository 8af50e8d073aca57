import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { openDatabase, type DatabaseHandle } from "@/lib/db/client";
import { jobs } from "@/lib/db/schema";
import { createEmptyPostgresDatabase, createTestDatabase, testDatabases } from "@/lib/db/testing";
import { admitNext, admitWaiting, type StartRun } from "./admission";
import { createJob } from "./create-job";
import { setJobQueue } from "./job-queue";
import { setJobStatus } from "./set-job-status";

/**
 * Admission as the app runs it against the Inngest server (inngest/client.ts): a caller's jobs
 * start one at a time, highest priority first, and each finishing job starts the next. The
 * start function records what was started, in order.
 */
describe.each(testDatabases)("admission on %s", (kind) => {
  let handle: DatabaseHandle;
  const started: string[] = [];
  const start: StartRun = async (job) => void started.push(job.id);
  const caller = (queueKey: string) => ({ user: null, isAdmin: false, queueKey });

  beforeAll(async () => {
    handle = await createTestDatabase(kind);
    setJobQueue({
      enqueue: async (_job, queueKey, db) => void (await admitNext(db, queueKey, start)),
      cancel: async () => {},
      finished: async (job, db) => void (job.queueKey && (await admitNext(db, job.queueKey, start))),
    });
  });
  afterAll(async () => handle?.close());
  beforeEach(() => void (started.length = 0));

  const create = (queueKey: string, name: string, priority = 0) =>
    createJob(handle.db, caller(queueKey), { kind: "ingest", payload: { video_name: `${name}.mp4` }, priority });

  it("starts a caller's first job at once and the rest one by one as each finishes, highest priority first, then oldest", async () => {
    const first = await create("ip:10.0.0.1", "first");
    const low = await create("ip:10.0.0.1", "low", 0);
    const high = await create("ip:10.0.0.1", "high", 300);
    const lowToo = await create("ip:10.0.0.1", "low-too", 0);
    expect(started).toEqual([first.id]);
    // Waiting jobs read as queued, as the contracts show them.
    expect((await handle.db.select().from(jobs).where(eq(jobs.id, high.id)))[0].status).toBe("queued");

    await setJobStatus(handle.db, first.id, "in_progress");
    expect(started).toEqual([first.id]);
    await setJobStatus(handle.db, first.id, "completed");
    expect(started).toEqual([first.id, high.id]);
    await setJobStatus(handle.db, high.id, "failed", { errorMessage: "boom" });
    expect(started).toEqual([first.id, high.id, low.id]);
    // A cancelled job hands its turn on too.
    await setJobStatus(handle.db, low.id, "cancelled");
    expect(started).toEqual([first.id, high.id, low.id, lowToo.id]);
  });

  it("keeps callers apart: one caller's running job does not hold another's back", async () => {
    const mine = await create("user:a", "mine");
    await create("user:a", "mine-next");
    const theirs = await create("user:b", "theirs");
    expect(started).toEqual([mine.id, theirs.id]);
  });

  it("a start that fails leaves the job waiting, and a later pass starts it", async () => {
    const failing: StartRun = async () => {
      throw new Error("the server is down");
    };
    const waiting = await create("ip:10.0.0.8", "waiting");
    // As if its start had never been made.
    await handle.db.update(jobs).set({ dispatchedAt: null }).where(eq(jobs.id, waiting.id));
    await expect(admitNext(handle.db, "ip:10.0.0.8", failing)).rejects.toThrow("the server is down");
    expect((await handle.db.select().from(jobs).where(eq(jobs.id, waiting.id)))[0].dispatchedAt).toBeNull();
    started.length = 0;
    // The pass finds every caller with a job waiting; user:a's next still waits behind its first.
    expect(await admitWaiting(handle.db, start)).toEqual({ started: 1, failed: 0 });
    expect(started).toEqual([waiting.id]);
  });
});

describe("admission across replicas on one PostgreSQL", () => {
  let drop: () => Promise<void>;
  let a: DatabaseHandle;
  let b: DatabaseHandle;

  beforeAll(async () => {
    const created = await createEmptyPostgresDatabase();
    drop = created.drop;
    a = await openDatabase({ url: created.url });
    b = await openDatabase({ url: created.url });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await drop?.();
  });

  it("two replicas admitting for one caller at once start one job between them", async () => {
    for (let i = 0; i < 4; i++) {
      await a.db.insert(jobs).values({ kind: "ingest", status: "queued", queueKey: "user:race", payload: { video_name: `${i}.mp4` } });
    }
    const started: string[] = [];
    const slowStart: StartRun = async (job) => {
      started.push(job.id);
      await new Promise((resolve) => setTimeout(resolve, 20));
    };
    await Promise.all(Array.from({ length: 8 }, (_, i) => admitNext(i % 2 ? b.db : a.db, "user:race", slowStart)));
    expect(started).toHaveLength(1);
  });
});
