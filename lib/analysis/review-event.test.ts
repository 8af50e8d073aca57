import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccounts } from "@/lib/auth/testing";
import type { AuthUser } from "@/lib/auth/users";
import type { DatabaseHandle } from "@/lib/db/client";
import { jobs, type Job } from "@/lib/db/schema";
import { createTestDatabase, testDatabases } from "@/lib/db/testing";
import { eventsCsv, loadAnalysis } from "@/lib/editor/analysis-exports";
import { AppError } from "@/lib/errors";
import { anonymousCaller, callerFor } from "@/lib/jobs";
import { countReviews } from "./count-reviews";
import { eventRulesSchema } from "./events/detect-events";
import { exportEvents } from "./export-events";
import { exportReviewedEvents } from "./export-reviewed-events";
import { findEvents } from "./find-events";
import { listEvents } from "./list-events";
import { listTracks } from "./list-tracks";
import { clearEventReview, eventReviewSchema, reviewEvent } from "./review-event";
import { saveFrames } from "./save-frames";
import { toCabinEvent, toCabinResults } from "./serializers/cabin-events";
import { trackJob } from "./track-job";
import type { WorkerFrame } from "@/lib/inference/worker-client";

// Event review over what a real pipeline writes: frames as the worker sends them, tracked by
// ByteTrack and turned into events by the rules; then verdicts given, listed, counted, exported.

/** Eight seconds at 5 fps of one person walking right; `hiddenUntil` seconds of empty frames first. */
function walkingPerson(hiddenUntil = 0): WorkerFrame[] {
  return Array.from({ length: 40 }, (_, i) => ({
    index: i * 2,
    timestamp: i * 0.2,
    width: 64,
    height: 48,
    detections: i * 0.2 < hiddenUntil ? [] : [{ class: "person", confidence: 0.9, bbox: { x: 2 + i, y: 10, width: 10, height: 30 } }],
  }));
}

/** The person rule and a class rule over the same person: two events, both at 0 s. */
const rulesNamed = (label: string) => eventRulesSchema.parse({ classVisible: [{ class: "person", minSeconds: 1, label }] });

const all = { offset: 0, limit: 100 };
const read = (stream: ReadableStream<Uint8Array>) => new Response(stream).text();

describe.each(testDatabases)("event review on %s", (kind) => {
  let handle: DatabaseHandle;
  let admin: AuthUser;
  let owner: AuthUser;
  let stranger: AuthUser;

  beforeAll(async () => {
    handle = await createTestDatabase(kind);
    ({ admin, owner, stranger } = await createAccounts(handle.db));
  });
  afterAll(async () => handle?.close());

  /** An analysis job of `ownerId`, analysed to its events. */
  async function analysedJob(ownerId: string | null, label = "walker"): Promise<Job> {
    const [job] = await handle.db
      .insert(jobs)
      .values({ kind: "analyze", ownerId, status: "completed", payload: { fps: 5, duration: 8, filename: "walk.mp4", checked: { width: 64, height: 48, fps: 10 } } })
      .returning();
    await saveFrames(handle.db, job.id, walkingPerson());
    await trackJob(handle.db, job.id);
    await findEvents(handle.db, job.id, rulesNamed(label));
    return job;
  }

  async function eventsOf(job: Job) {
    const { items } = await listEvents(handle.db, job.id, all, { includeRejected: true });
    const byLabel = (label: string) => items.find((event) => event.label === label)!;
    return { items, person: byLabel("person"), walker: byLabel("walker") };
  }

  it("has an admin, an owner and a stranger", () => {
    expect([admin.role, owner.role, stranger.role]).toEqual(["admin", "user", "user"]);
  });

  it("confirms and rejects events; listings, tracks and exports leave the rejected out unless asked", async () => {
    const job = await analysedJob(owner.id);
    const { items, person, walker } = await eventsOf(job);
    expect(items).toHaveLength(2);
    expect(items.every((event) => event.reviewVerdict === null)).toBe(true);

    const confirmed = await reviewEvent(handle.db, callerFor(owner), job.id, person.id, { verdict: "confirmed", note: "seen on the clip" });
    expect(confirmed.job.id).toBe(job.id);
    const wire = toCabinEvent(confirmed.event, "http://host/media", job);
    expect(wire).toMatchObject({ id: person.id, label: "person" });
    expect(wire.review).toEqual({ verdict: "confirmed", note: "seen on the clip", reviewed_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), reviewed_by_admin: false });
    const rejected = await reviewEvent(handle.db, callerFor(admin), job.id, walker.id, { verdict: "false_positive" });
    expect(toCabinEvent(rejected.event, "http://host/media", job).review).toMatchObject({ verdict: "false_positive", note: null, reviewed_by_admin: true });

    const shown = await listEvents(handle.db, job.id, all);
    expect(shown.items.map((event) => event.id)).toEqual([person.id]);
    expect(shown.total).toBe(1);
    const everything = await listEvents(handle.db, job.id, all, { includeRejected: true });
    expect(everything.items.map((event) => event.id).sort()).toEqual([person.id, walker.id].sort());
    expect(everything.total).toBe(2);

    const reviewed = await countReviews(handle.db, job.id);
    expect(reviewed).toEqual({ confirmed: 1, false_positive: 1 });
    const results = toCabinResults(job, shown, { page: 1, pageSize: 25 }, "http://host", reviewed, {});
    expect(results).toMatchObject({ total: 1, reviewed: { confirmed: 1, false_positive: 1 } });
    expect(results.events[0].review?.verdict).toBe("confirmed");

    const [track] = await listTracks(handle.db, job.id);
    expect(track.event_ids).toEqual([person.id]);
    expect((await listTracks(handle.db, job.id, { includeRejected: true }))[0].event_ids.sort()).toEqual([person.id, walker.id].sort());

    const csvIds = async (includeRejected?: boolean) =>
      (await read(exportEvents(handle.db, job, "csv", "http://host", { includeRejected }))).split("\r\n").slice(1).filter(Boolean).map((row) => row.split(",")[0]);
    expect(await csvIds()).toEqual([person.id]);
    expect((await csvIds(true)).sort()).toEqual([person.id, walker.id].sort());
    const json = JSON.parse(await read(exportEvents(handle.db, job, "json", "http://host")));
    expect(json.events.map((event: { id: string; review: { verdict: string } }) => [event.id, event.review.verdict])).toEqual([[person.id, "confirmed"]]);

    // The editor export's events_csv (inngest/functions/export.ts) reads through loadAnalysis.
    const rowsOf = (csv: string) => csv.trim().split("\n").slice(1).map((row) => row.split(",")[1]);
    expect(rowsOf(eventsCsv(await loadAnalysis(handle.db, job.id)))).toEqual(["person"]);
    expect(rowsOf(eventsCsv(await loadAnalysis(handle.db, job.id, { includeRejected: true }))).sort()).toEqual(["person", "walker"]);
  });

  it("replaces a verdict with the next one, and clears it", async () => {
    const job = await analysedJob(owner.id);
    const { person } = await eventsOf(job);
    await reviewEvent(handle.db, callerFor(owner), job.id, person.id, { verdict: "false_positive", note: "a poster" });
    const again = await reviewEvent(handle.db, callerFor(owner), job.id, person.id, { verdict: "confirmed" });
    expect(again.event).toMatchObject({ reviewVerdict: "confirmed", reviewNote: null, reviewedBy: owner.id });
    expect(await countReviews(handle.db, job.id)).toEqual({ confirmed: 1, false_positive: 0 });

    await reviewEvent(handle.db, callerFor(owner), job.id, person.id, { verdict: "false_positive" });
    expect((await listEvents(handle.db, job.id, all)).total).toBe(1);
    const cleared = await clearEventReview(handle.db, callerFor(admin), job.id, person.id);
    expect(cleared.event).toMatchObject({ reviewVerdict: null, reviewNote: null, reviewedAt: null, reviewedBy: null });
    expect(toCabinEvent(cleared.event, "http://host/media", job).review).toBeNull();
    expect((await listEvents(handle.db, job.id, all)).total).toBe(2);
    expect(await countReviews(handle.db, job.id)).toEqual({ confirmed: 0, false_positive: 0 });
  });

  it("lets only the owner or an admin review: anyone else, unknown events and other jobs' events are not found", async () => {
    const job = await analysedJob(owner.id);
    const other = await analysedJob(owner.id);
    const { person } = await eventsOf(job);
    const { person: otherPerson } = await eventsOf(other);
    const review = { verdict: "confirmed" } as const;
    const notFound = (detail: string) => expect.objectContaining({ kind: "not_found", message: detail }) as AppError;

    await expect(reviewEvent(handle.db, callerFor(stranger), job.id, person.id, review)).rejects.toEqual(notFound("invalid_job"));
    await expect(reviewEvent(handle.db, anonymousCaller, job.id, person.id, review)).rejects.toEqual(notFound("invalid_job"));
    await expect(clearEventReview(handle.db, callerFor(stranger), job.id, person.id)).rejects.toEqual(notFound("invalid_job"));
    await expect(reviewEvent(handle.db, callerFor(owner), "00000000-0000-4000-8000-000000000000", person.id, review)).rejects.toEqual(notFound("invalid_job"));
    await expect(reviewEvent(handle.db, callerFor(owner), job.id, otherPerson.id, review)).rejects.toEqual(notFound(`Event ${otherPerson.id} not found`));
    await expect(reviewEvent(handle.db, callerFor(owner), job.id, "00000000-0000-4000-8000-000000000000", review)).rejects.toEqual(
      notFound("Event 00000000-0000-4000-8000-000000000000 not found"),
    );
    await expect(reviewEvent(handle.db, callerFor(owner), job.id, "not-a-uuid", review)).rejects.toEqual(notFound("Event not-a-uuid not found"));
    expect((await eventsOf(job)).person.reviewVerdict).toBeNull();
    expect((await eventsOf(other)).person.reviewVerdict).toBeNull();
    await expect(exportReviewedEvents(handle.db, job, "http://host")).resolves.toMatchObject({ images: [], annotations: [] });

    // An anonymous job is readable by whoever holds its id, but only an admin may review it.
    const anonymousJob = await analysedJob(null);
    const { person: anonymousPerson } = await eventsOf(anonymousJob);
    await expect(reviewEvent(handle.db, anonymousCaller, anonymousJob.id, anonymousPerson.id, review)).rejects.toEqual(notFound("invalid_job"));
    await expect(reviewEvent(handle.db, callerFor(stranger), anonymousJob.id, anonymousPerson.id, review)).rejects.toEqual(notFound("invalid_job"));
    const byAdmin = await reviewEvent(handle.db, callerFor(admin), anonymousJob.id, anonymousPerson.id, review);
    expect(toCabinEvent(byAdmin.event, "http://host/media", anonymousJob).review?.reviewed_by_admin).toBe(true);
  });

  it("exports the reviewed events as COCO-style labels with their verdicts", async () => {
    const job = await analysedJob(owner.id);
    const { person, walker } = await eventsOf(job);
    await reviewEvent(handle.db, callerFor(owner), job.id, person.id, { verdict: "confirmed" });
    await reviewEvent(handle.db, callerFor(owner), job.id, walker.id, { verdict: "false_positive" });
    const coco = await exportReviewedEvents(handle.db, job, "http://host");
    expect(coco.images).toHaveLength(2);
    for (const image of coco.images) {
      expect(image).toMatchObject({ width: 64, height: 48, coco_url: null });
      // No media step ran here: the frame is named by the video and its time.
      expect(image.file_name).toMatch(/^walk\.mp4#t=\d+\.\d{3}$/);
    }
    expect(coco.annotations.length).toBe(person.boxes.length + walker.boxes.length);
    const categories = new Map(coco.categories.map((category) => [category.id, category.name]));
    for (const annotation of coco.annotations) {
      expect(categories.get(annotation.category_id)).toBe("person");
      expect(coco.images.some((image) => image.id === annotation.image_id)).toBe(true);
      expect(annotation.area).toBe(annotation.bbox[2] * annotation.bbox[3]);
    }
    expect(coco.annotations.map((annotation) => annotation.attributes).sort((a, b) => a.event_label.localeCompare(b.event_label))).toEqual([
      ...person.boxes.map(() => ({ verdict: "confirmed", event_label: "person", event_id: person.id })),
      ...walker.boxes.map(() => ({ verdict: "false_positive", event_label: "walker", event_id: walker.id })),
    ]);
    const annotationOf = coco.annotations.find((annotation) => annotation.attributes.event_id === person.id)!;
    expect(annotationOf.bbox).toEqual([person.boxes[0].box.x, person.boxes[0].box.y, person.boxes[0].box.width, person.boxes[0].box.height]);
  });

  it("keeps a verdict through a re-run of the events step only while the event keeps its label and start time", async () => {
    const job = await analysedJob(owner.id);
    const { person, walker } = await eventsOf(job);
    await reviewEvent(handle.db, callerFor(owner), job.id, person.id, { verdict: "confirmed", note: "kept" });
    await reviewEvent(handle.db, callerFor(owner), job.id, walker.id, { verdict: "false_positive" });

    // The same rules again: the same events at the same ordinals keep their verdicts.
    await findEvents(handle.db, job.id, rulesNamed("walker"));
    const now = await eventsOf(job);
    expect([now.person.reviewVerdict, now.person.reviewNote, now.walker.reviewVerdict]).toEqual(["confirmed", "kept", "false_positive"]);

    // The class rule renamed: its row (same ordinal, same id) now holds another event.
    await findEvents(handle.db, job.id, rulesNamed("stroller"));
    const renamed = (await listEvents(handle.db, job.id, all)).items;
    const stroller = renamed.find((event) => event.label === "stroller")!;
    expect(stroller.id).toBe(walker.id);
    expect([stroller.reviewVerdict, stroller.reviewNote, stroller.reviewedAt, stroller.reviewedBy]).toEqual([null, null, null, null]);
    expect(renamed.find((event) => event.label === "person")).toMatchObject({ id: person.id, reviewVerdict: "confirmed", reviewNote: "kept" });

    // The person now first seen at 2 s: same label, another start, so no longer the reviewed event.
    await saveFrames(handle.db, job.id, walkingPerson(2));
    await trackJob(handle.db, job.id);
    await findEvents(handle.db, job.id, rulesNamed("stroller"));
    const later = (await listEvents(handle.db, job.id, all)).items.find((event) => event.label === "person")!;
    expect(later.startTime).toBeGreaterThan(1.5);
    expect(later.reviewVerdict).toBeNull();
    expect(await countReviews(handle.db, job.id)).toEqual({ confirmed: 0, false_positive: 0 });
  });

  it("takes a verdict, an optional note of at most 1000 characters, and nothing else", () => {
    expect(eventReviewSchema.parse({ verdict: "confirmed" })).toEqual({ verdict: "confirmed" });
    expect(eventReviewSchema.parse({ verdict: "false_positive", note: "x".repeat(1000) }).note).toHaveLength(1000);
    expect(eventReviewSchema.safeParse({ verdict: "maybe" }).success).toBe(false);
    expect(eventReviewSchema.safeParse({}).success).toBe(false);
    expect(eventReviewSchema.safeParse({ verdict: "confirmed", note: "x".repeat(1001) }).success).toBe(false);
    expect(eventReviewSchema.safeParse({ verdict: "confirmed", reviewer: "me" }).success).toBe(false);
  });
});
