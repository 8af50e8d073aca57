import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccounts } from "@/lib/auth/testing";
import { createUser, type AuthUser } from "@/lib/auth/users";
import type { DatabaseHandle } from "@/lib/db/client";
import { jobs, type Job } from "@/lib/db/schema";
import { createTestDatabase, testDatabases } from "@/lib/db/testing";
import type { WorkerFrame } from "@/lib/inference/worker-client";
import { anonymousCaller, callerFor } from "@/lib/jobs";
import { eventRulesSchema } from "./events/detect-events";
import { findEvents } from "./find-events";
import { listReviewLabels, listReviewQueue } from "./list-review-queue";
import { clearEventReview, reviewEvent } from "./review-event";
import { saveFrames } from "./save-frames";
import { trackJob } from "./track-job";

// The review queue over what the real pipeline writes: frames as the worker sends them, tracked
// and turned into events by the rules, for three accounts' analyses and an anonymous one.

/** Eight seconds at 5 fps of one person walking right, seen from `from` seconds on. */
function walkingPerson(from: number): WorkerFrame[] {
  return Array.from({ length: 40 }, (_, i) => ({
    index: i * 2,
    timestamp: i * 0.2,
    width: 64,
    height: 48,
    detections: i * 0.2 < from ? [] : [{ class: "person", confidence: 0.9, bbox: { x: 2 + i, y: 10, width: 10, height: 30 } }],
  }));
}

describe.each(testDatabases)("listReviewQueue on %s", (kind) => {
  let handle: DatabaseHandle;
  let admin: AuthUser;
  let owner: AuthUser;
  let stranger: AuthUser;

  beforeAll(async () => {
    handle = await createTestDatabase(kind);
    ({ admin, owner, stranger } = await createAccounts(handle.db));
  });
  afterAll(async () => handle?.close());

  /**
   * An analysis of `ownerId` analysed to two events at `from` seconds: "person" (the class rule)
   * and `label` (a second rule over the same person).
   */
  async function analysedJob(ownerId: string | null, label: string, from = 0): Promise<Job> {
    const [job] = await handle.db
      .insert(jobs)
      .values({ kind: "analyze", ownerId, tripId: label, status: "completed", payload: { fps: 5, duration: 8, filename: "walk.mp4", checked: { width: 64, height: 48, fps: 10 } } })
      .returning();
    await saveFrames(handle.db, job.id, walkingPerson(from));
    await trackJob(handle.db, job.id);
    await findEvents(handle.db, job.id, eventRulesSchema.parse({ classVisible: [{ class: "person", minSeconds: 1, label }] }));
    return job;
  }

  const idsOf = (list: { items: { id: string }[] }) => list.items.map((item) => item.id);

  it("lists only the caller's own analyses' events; an admin's lists everyone's, the anonymous caller's nothing", async () => {
    const mine = await analysedJob(owner.id, "walker");
    const theirs = await analysedJob(stranger.id, "stranger-walker");
    const nobodys = await analysedJob(null, "anonymous-walker");

    const ownerQueue = await listReviewQueue(handle.db, callerFor(owner));
    expect(ownerQueue.total).toBe(2);
    expect(ownerQueue.items.every((item) => item.jobId === mine.id)).toBe(true);
    expect(ownerQueue.items.map((item) => item.label).sort()).toEqual(["person", "walker"]);
    expect(ownerQueue.items[0]).toMatchObject({ tripId: "walker", verdict: null, analysedAt: expect.any(Date) });

    const strangerQueue = await listReviewQueue(handle.db, callerFor(stranger));
    expect(strangerQueue.items.map((item) => item.jobId)).toEqual([theirs.id, theirs.id]);
    expect(strangerQueue.items.some((item) => item.jobId === mine.id || item.jobId === nobodys.id)).toBe(false);
    expect(await listReviewLabels(handle.db, callerFor(stranger))).toEqual(["person", "stranger-walker"]);

    const adminQueue = await listReviewQueue(handle.db, callerFor(admin));
    expect(new Set(adminQueue.items.map((item) => item.jobId))).toEqual(new Set([mine.id, theirs.id, nobodys.id]));
    expect(adminQueue.total).toBe(6);

    expect(await listReviewQueue(handle.db, anonymousCaller)).toEqual({ total: 0, items: [] });
    expect(await listReviewLabels(handle.db, anonymousCaller)).toEqual([]);
  });

  it("puts unreviewed events first, then the newest analysis, each in the video's order; filters by verdict and label", async () => {
    const reviewer = await createUser(handle.db, { email: "reviewer@example.com" });
    const caller = callerFor(reviewer);
    const older = await analysedJob(reviewer.id, "first-walker", 2);
    const newer = await analysedJob(reviewer.id, "second-walker", 0);

    const before = await listReviewQueue(handle.db, caller);
    const ofNewer = before.items.filter((item) => item.jobId === newer.id);
    const ofOlder = before.items.filter((item) => item.jobId === older.id);
    expect(ofNewer.length).toBeGreaterThanOrEqual(2);
    expect(ofOlder.length).toBeGreaterThanOrEqual(2);
    expect(before.items).toEqual([...ofNewer, ...ofOlder]);
    const startsOf = (items: { startTime: number }[]) => items.map((item) => item.startTime);
    expect(startsOf(ofOlder)).toEqual(startsOf(ofOlder).sort((a, b) => a - b));

    const [first, second] = ofNewer;
    await reviewEvent(handle.db, caller, newer.id, first.id, { verdict: "confirmed" });
    await reviewEvent(handle.db, caller, newer.id, second.id, { verdict: "false_positive" });

    const after = await listReviewQueue(handle.db, caller);
    const unreviewed = [...ofNewer.slice(2), ...ofOlder].map((item) => item.id);
    expect(idsOf(after)).toEqual([...unreviewed, first.id, second.id]);
    expect(after.items.slice(-2).map((item) => item.verdict)).toEqual(["confirmed", "false_positive"]);

    expect(idsOf(await listReviewQueue(handle.db, caller, { show: "unreviewed" }))).toEqual(unreviewed);
    expect(idsOf(await listReviewQueue(handle.db, caller, { show: "confirmed" }))).toEqual([first.id]);
    expect(idsOf(await listReviewQueue(handle.db, caller, { show: "rejected" }))).toEqual([second.id]);
    const walkers = await listReviewQueue(handle.db, caller, { label: "first-walker" });
    expect(walkers.items.length).toBeGreaterThan(0);
    expect(walkers.items.every((item) => item.jobId === older.id && item.label === "first-walker")).toBe(true);
    expect(walkers.total).toBe(walkers.items.length);
    expect((await listReviewQueue(handle.db, caller, { show: "confirmed", label: "first-walker" })).items).toEqual([]);

    const paged = await listReviewQueue(handle.db, caller, { limit: 1, offset: 1 });
    expect(paged).toMatchObject({ total: after.total, items: [{ id: after.items[1].id }] });

    // Taking a verdict back puts the event among the unreviewed again.
    await clearEventReview(handle.db, caller, newer.id, second.id);
    expect(idsOf(await listReviewQueue(handle.db, caller, { show: "unreviewed" }))).toContain(second.id);
  });
});
