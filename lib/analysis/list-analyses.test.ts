import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import type { DatabaseHandle } from "@/lib/db/client";
import { events, jobs } from "@/lib/db/schema";
import { createTestDatabase } from "@/lib/db/testing";
import { createUser } from "@/lib/auth/users";
import { listAnalyses, listBrowserAnalyses } from "./list-analyses";
import { listEvents } from "./list-events";
import { reviewEvent } from "./review-event";

describe("listAnalyses", () => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await createTestDatabase("pglite");
  });
  afterAll(async () => handle?.close());

  it("lists a user's own analyses, everyone's for an admin, nothing for the anonymous", async () => {
    const admin = await createUser(handle.db, { email: "admin@example.com", password: "long enough" });
    const alice = await createUser(handle.db, { email: "alice@example.com", password: "long enough" });
    const [mine] = await handle.db.insert(jobs).values({ kind: "analyze", ownerId: alice.id, tripId: "T1" }).returning();
    await handle.db.insert(jobs).values([{ kind: "analyze", ownerId: null }, { kind: "ingest", ownerId: alice.id }]);

    expect((await listAnalyses(handle.db, { user: alice, isAdmin: false })).map((a) => a.id)).toEqual([mine.id]);
    expect(await listAnalyses(handle.db, { user: admin, isAdmin: true })).toHaveLength(2);
    expect(await listAnalyses(handle.db, { user: null, isAdmin: false })).toEqual([]);
  });

  it("counts a job's events and shows its most confident event's annotated snapshot", async () => {
    const owner = await createUser(handle.db, { email: "bob@example.com", password: "long enough" });
    const [job] = await handle.db.insert(jobs).values({ kind: "analyze", ownerId: owner.id }).returning();
    const event = (ordinal: number, confidence: number, snapshotAnnotated: string | null) => ({
      jobId: job.id, ordinal, label: "person", startTime: ordinal, endTime: ordinal + 1, trackIds: [1], confidence,
      bestFrameIndex: 0, bestTimestamp: ordinal, boxes: [], snapshotAnnotated,
    });
    const [before] = await listAnalyses(handle.db, { user: owner, isAdmin: false });
    expect(before).toMatchObject({ events: 0, thumbnail: null });
    await handle.db.insert(events).values([event(0, 0.6, "event-001-annotated.jpg"), event(1, 0.9, "event-002-annotated.jpg"), event(2, 0.95, null)]);
    const [after] = await listAnalyses(handle.db, { user: owner, isAdmin: false });
    expect(after).toMatchObject({ events: 3, thumbnail: "event-002-annotated.jpg" });

    // A reviewer's false positive leaves the count; a confirmed event stays in it.
    const { items } = await listEvents(handle.db, job.id, { offset: 0, limit: 10 });
    await reviewEvent(handle.db, { user: owner, isAdmin: false }, job.id, items[0].id, { verdict: "false_positive" });
    await reviewEvent(handle.db, { user: owner, isAdmin: false }, job.id, items[1].id, { verdict: "confirmed" });
    const [reviewed] = await listAnalyses(handle.db, { user: owner, isAdmin: false });
    expect(reviewed.events).toBe(2);
  });

  it("lists a browser's anonymous analyses, newest first, and nothing it cannot prove or that is gone", async () => {
    const owner = await createUser(handle.db, { email: "dora@example.com", password: "long enough" });
    const [older] = await handle.db.insert(jobs).values({ kind: "analyze", ownerId: null, tripId: "OLD", createdAt: new Date("2030-01-01T00:00:00Z") }).returning();
    const [newer] = await handle.db.insert(jobs).values({ kind: "analyze", ownerId: null, tripId: "NEW", createdAt: new Date("2030-01-02T00:00:00Z") }).returning();
    const [accounts] = await handle.db.insert(jobs).values({ kind: "analyze", ownerId: owner.id }).returning();
    const [other] = await handle.db.insert(jobs).values({ kind: "ingest", ownerId: null }).returning();
    const [gone] = await handle.db.insert(jobs).values({ kind: "analyze", ownerId: null }).returning();
    await handle.db.delete(jobs).where(eq(jobs.id, gone.id));

    const listed = await listBrowserAnalyses(handle.db, [older.id, gone.id, accounts.id, other.id, newer.id, "not-a-uuid"]);
    expect(listed.map((item) => item.tripId)).toEqual(["NEW", "OLD"]);
    expect(await listBrowserAnalyses(handle.db, [])).toEqual([]);
  });
});
