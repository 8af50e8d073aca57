import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser } from "@/lib/auth/users";
import type { DatabaseHandle } from "@/lib/db/client";
import { jobs } from "@/lib/db/schema";
import { createTestDatabase } from "@/lib/db/testing";
import { findAnnotateJob } from "./annotate-job";
import { eventRulesSchema } from "./events/detect-events";
import { exportEvents } from "./export-events";
import { findEvents } from "./find-events";
import { listDetections } from "./list-detections";
import { listTracks } from "./list-tracks";
import { saveFrames } from "./save-frames";
import { trackJob } from "./track-job";
import type { WorkerFrame } from "@/lib/inference/worker-client";

// The viewer's reads over what a real pipeline writes: frames saved as the worker sends them,
// tracked by ByteTrack and turned into events by the rules, then read back as the page does.

/** Eight seconds at 5 fps of one person walking right, with a mask on every frame. */
function walkingPerson(): WorkerFrame[] {
  return Array.from({ length: 40 }, (_, i) => ({
    index: i * 2,
    timestamp: i * 0.2,
    width: 64,
    height: 48,
    detections: [{ class: "person", confidence: 0.9, bbox: { x: 2 + i, y: 10, width: 10, height: 30 } }],
    masks: [{ class: "person" as const, mask_rle: `${64 * 10},${64 * 30},${64 * 8}`, mask_area_pixels: 64 * 30 }],
  }));
}

describe("viewer queries", () => {
  let handle: DatabaseHandle;
  let jobId: string;
  beforeAll(async () => {
    handle = await createTestDatabase("pglite");
    const owner = await createUser(handle.db, { email: "viewer@example.com", password: "long enough" });
    const [job] = await handle.db
      .insert(jobs)
      .values({ kind: "analyze", ownerId: owner.id, status: "completed", payload: { fps: 5, duration: 8, checked: { width: 64, height: 48, fps: 10 } } })
      .returning();
    jobId = job.id;
    await saveFrames(handle.db, jobId, walkingPerson());
    await trackJob(handle.db, jobId);
    await findEvents(handle.db, jobId, eventRulesSchema.parse({}));
  });
  afterAll(async () => handle?.close());

  const job = async () => (await handle.db.select().from(jobs)).find((row) => row.id === jobId)!;

  it("returns a window's boxes compactly, with the geometry and masks", async () => {
    const window = await listDetections(handle.db, await job(), { from: 1, to: 2 });
    expect(window).toMatchObject({ from: 1, to: 2, width: 64, height: 48, labels: ["person"] });
    expect(window.sample_interval).toBeCloseTo(0.2);
    expect(window.frames.map((frame) => frame.t)).toEqual([1, 1.2, 1.4, 1.6, 1.8, 2]);
    const [label, track, confidence, x, y, width, height] = window.frames[0].boxes[0];
    expect([label, confidence, x, y, width, height]).toEqual([0, 0.9, 7, 10, 10, 30]);
    expect(track).toBeGreaterThanOrEqual(0);
    expect(window.masks).toHaveLength(6);
    expect(window.masks[0].rle).toBe("640,1920,512");
  });

  it("lists the track with its path, first and last seen and its events", async () => {
    const [track, ...others] = await listTracks(handle.db, jobId);
    expect(others).toEqual([]);
    expect(track).toMatchObject({ label: "person", first_seen: 0 });
    expect(track.last_seen).toBeCloseTo(7.8);
    expect(track.path.length).toBeLessThanOrEqual(48);
    expect(track.path[0]).toEqual([0, 7, 25]);
    expect(track.path[track.path.length - 1]).toEqual([7.8, 46, 25]);
    expect(track.event_ids.length).toBeGreaterThan(0);
  });

  it("exports every event as JSON and as CSV", async () => {
    const read = async (stream: ReadableStream<Uint8Array>) => new Response(stream).text();
    const json = JSON.parse(await read(exportEvents(handle.db, await job(), "json", "http://host")));
    expect(json.job_id).toBe(jobId);
    expect(json.events.length).toBeGreaterThan(0);
    expect(json.events[0].label).toBe("person");
    const csv = (await read(exportEvents(handle.db, await job(), "csv", "http://host"))).split("\r\n").filter(Boolean);
    expect(csv).toHaveLength(json.events.length + 1);
    expect(csv[1].startsWith(`${json.events[0].id},person,`)).toBe(true);
  });

  it("finds annotate jobs only for callers who may see them", async () => {
    const analysis = await job();
    const other = await createUser(handle.db, { email: "other@example.com", password: "long enough" });
    const [annotate] = await handle.db.insert(jobs).values({ kind: "annotate", ownerId: analysis.ownerId, payload: { analysis_job_id: jobId } }).returning();
    expect((await findAnnotateJob(handle.db, { user: { id: analysis.ownerId! }, isAdmin: false }, analysis))?.id).toBe(annotate.id);
    expect(await findAnnotateJob(handle.db, { user: { id: other.id }, isAdmin: false }, analysis)).toBeNull();
    expect((await findAnnotateJob(handle.db, { user: null, isAdmin: true }, analysis))?.id).toBe(annotate.id);
  });
});
