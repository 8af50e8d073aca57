import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asc, count, eq } from "drizzle-orm";
import type { DatabaseHandle } from "@/lib/db/client";
import { detections, events, jobs, tracks } from "@/lib/db/schema";
import { createTestDatabase, testDatabases } from "@/lib/db/testing";
import { eventRulesSchema } from "./events/detect-events";
import { findEvents } from "./find-events";
import { countAnalysedFrames, saveFrames } from "./save-frames";
import { loadAnalysis } from "@/lib/editor/analysis-exports";
import { trackJob } from "./track-job";
import type { WorkerFrame } from "@/lib/inference/worker-client";

/** What the worker returns for a person walking right and, from 4 s, a second one standing still. */
function workerFrames(from: number, to: number): WorkerFrame[] {
  const frames: WorkerFrame[] = [];
  for (let i = from; i < to; i++) {
    const t = i / 5;
    const found: WorkerFrame["detections"] = [{ class: "person", confidence: 0.9, bbox: { x: 20 + i * 4, y: 100, width: 60, height: 160 }, appearance: [0.5, 0.3, 0.4, 0.25, 0.35, 0.2] }];
    if (t >= 4) found.push({ class: "person", confidence: 0.85, bbox: { x: 500, y: 90, width: 60, height: 170 } });
    if (i === 7) found.push({ class: "dog", confidence: 0.3, bbox: { x: 300, y: 300, width: 40, height: 30 } }); // a one-frame flicker
    frames.push({ index: i * 2, timestamp: t, width: 640, height: 360, detections: found });
  }
  return frames;
}

describe.each(testDatabases)("analysis persistence on %s", (kind) => {
  let handle: DatabaseHandle;
  let jobId: string;
  beforeAll(async () => {
    handle = await createTestDatabase(kind);
    [{ id: jobId }] = await handle.db.insert(jobs).values({ kind: "analyze", status: "in_progress" }).returning({ id: jobs.id });
  });
  afterAll(async () => handle?.close());

  it("saves chunks idempotently: a retried chunk rewrites its rows, never adds more", async () => {
    await saveFrames(handle.db, jobId, workerFrames(0, 25));
    await saveFrames(handle.db, jobId, workerFrames(25, 50));
    const [{ value: first }] = await handle.db.select({ value: count() }).from(detections).where(eq(detections.jobId, jobId));
    await saveFrames(handle.db, jobId, workerFrames(25, 50)); // the retry
    const [{ value: again }] = await handle.db.select({ value: count() }).from(detections).where(eq(detections.jobId, jobId));
    expect(Number(again)).toBe(Number(first));
    expect(await countAnalysedFrames(handle.db, jobId)).toBe(50);
    // Appearance signatures round-trip; a detection without one stores null.
    const stored = await handle.db.select({ label: detections.label, appearance: detections.appearance }).from(detections).where(eq(detections.jobId, jobId)).orderBy(asc(detections.frameIndex), asc(detections.ordinal));
    expect(stored[0].appearance?.map((v) => Math.round(v * 100) / 100)).toEqual([0.5, 0.3, 0.4, 0.25, 0.35, 0.2]);
    expect(stored.find((row) => row.label === "dog")?.appearance).toBeNull();
  });

  it("tracks across the saved chunks with ids numbered in order of appearance", async () => {
    const summary = await trackJob(handle.db, jobId, { tracker: { trackBuffer: 10 } });
    expect(summary).toMatchObject({ frames: 50, tracks: 2, personTracks: 2, personTracksOver2s: 2, personReacquired: 0 });
    const rows = await handle.db.select().from(tracks).where(eq(tracks.jobId, jobId)).orderBy(asc(tracks.trackId));
    expect(rows.map((row) => [row.trackId, row.startFrame])).toEqual([[1, 0], [2, 40]]);
    // The one-frame dog never became a track.
    const dog = await handle.db.select().from(detections).where(eq(detections.label, "dog"));
    expect(dog.every((row) => row.trackId === null)).toBe(true);
    // Exports hold confirmed objects only; the raw flag adds the rest.
    const exported = await loadAnalysis(handle.db, jobId);
    expect(exported.boxes.some((box) => box.label === "dog")).toBe(false);
    expect(exported.boxes.every((box) => box.trackId !== null)).toBe(true);
    expect((await loadAnalysis(handle.db, jobId, { raw: true })).boxes.some((box) => box.label === "dog")).toBe(true);
    // Running it again gives the same answer.
    expect(await trackJob(handle.db, jobId, { tracker: { trackBuffer: 10 } })).toEqual(summary);
  });

  it("stores events once per ordinal and drops those a re-run no longer finds", async () => {
    const all = await findEvents(handle.db, jobId, eventRulesSchema.parse({}));
    const labels = (await handle.db.select().from(events).where(eq(events.jobId, jobId)).orderBy(asc(events.ordinal))).map((e) => e.label);
    expect(labels).toContain("person");
    expect(labels).toContain("person entering");
    expect(all).toBe(labels.length);

    const fewer = await findEvents(handle.db, jobId, eventRulesSchema.parse({ entering: false, leaving: false }));
    const [{ value }] = await handle.db.select({ value: count() }).from(events).where(eq(events.jobId, jobId));
    expect(Number(value)).toBe(fewer);
    expect(fewer).toBeLessThan(all);
  });
});
