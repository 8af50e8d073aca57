import fs from "node:fs";
import path from "node:path";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { e2eVideoDir } from "../global-setup";
import { registerKey, startServerAnalysis, waitForAnalysis, withKey } from "./keys";

/**
 * Zones over real HTTP: an account analyses the 12 s cut of vtest.avi with two named zones (the
 * plaza's lower half, where people walk across, and a corner nobody reaches) and a short
 * loitering time. The results carry zone events naming their zone, per-zone counts that agree
 * with them, nothing for the empty corner, and a scene profile's classes only. A bad zone is a
 * 400 naming the field; a second account and an anonymous caller get 404 on the results.
 */

const videoName = "vtest-12s.mp4";
const analysisTimeout = 200_000;

type ZoneEvent = { id: string; label: string; zone: string | null; start_time: number; end_time: number; track_ids: number[] };
type Results = { events: ZoneEvent[]; total: number; zones: Record<string, { entered: number; left: number; loitering: number }> };

test.describe.configure({ mode: "serial" });
test.skip(!fs.existsSync(path.join(e2eVideoDir, videoName)), "needs ../shared/media/vtest.avi");

const lowerHalf = { name: "lower half", points: [[0, 0.5], [1, 0.5], [1, 1], [0, 1]] };
const emptyCorner = { name: "sky corner", points: [[0.97, 0], [1, 0], [1, 0.03]] };
let key: string;
let jobId: string;


const as = withKey;

const start = (request: APIRequestContext, options: unknown) => startServerAnalysis(request, key, { tripId: "ZONES-1", videoName, options });

test("a zone without enough corners, or two zones of one name, is refused with its field named", async ({ request }) => {
  key = await registerKey(request, "zones");
  const few = await start(request, { zones: [{ name: "door", points: [[0, 0], [1, 1]] }] });
  expect(few.status()).toBe(400);
  expect((await few.json()).detail).toMatch(/zones.*at least 3 points/);
  const twice = await start(request, { zones: [lowerHalf, lowerHalf] });
  expect(twice.status()).toBe(400);
  expect((await twice.json()).detail).toMatch(/zone names must differ/);
  const outside = await start(request, { zones: [{ name: "x", points: [[0, 0], [1.5, 0], [1, 1]] }] });
  expect(outside.status()).toBe(400);
});

test("zone events name their zone and the per-zone counts agree with them", async ({ request }) => {
  test.setTimeout(analysisTimeout + 30_000);
  const started = await start(request, { fps: 5, tasks: ["detect"], profile: "street", zones: [lowerHalf, emptyCorner], rules: { loiterSeconds: 4 } });
  expect(started.status(), await started.text()).toBe(200);
  jobId = ((await started.json()) as { job_id: string }).job_id;
  await waitForAnalysis(request, key, jobId, analysisTimeout);
  const response = await request.get(`/api/jobs/${jobId}/results?page_size=200`, { headers: as(key) });
  expect(response.status()).toBe(200);
  const results = (await response.json()) as Results;
  const zoneEvents = results.events.filter((event) => event.zone !== null);
  // People walk across the plaza's lower half in these 12 s: they enter it, leave it or stay.
  expect(zoneEvents.length, JSON.stringify(results.events.map((e) => [e.label, e.zone, e.start_time]))).toBeGreaterThan(0);
  for (const event of zoneEvents) {
    expect(["zone entered", "zone left", "loitering"]).toContain(event.label);
    expect(event.zone).toBe("lower half");
    expect(event.track_ids.length).toBeGreaterThan(0);
  }
  for (const event of results.events.filter((e) => e.zone === null)) expect(event.label.startsWith("zone") || event.label === "loitering").toBe(false);
  const count = (label: string) => zoneEvents.filter((event) => event.label === label).length;
  expect(results.zones).toEqual({ "lower half": { entered: count("zone entered"), left: count("zone left"), loitering: count("loitering") } });
  for (const loiter of zoneEvents.filter((event) => event.label === "loitering")) expect(loiter.end_time - loiter.start_time).toBeGreaterThanOrEqual(4);
  expect(results.zones["sky corner"]).toBeUndefined();

  // The street profile offers only its classes: nothing like skis or a sports ball.
  const boxes = await (await request.get(`/api/jobs/${jobId}/detections?from=0&to=12`, { headers: as(key) })).json();
  for (const label of boxes.labels as string[]) expect(["person", "bicycle", "car", "motorcycle", "bus", "truck", "dog", "cat", "backpack", "handbag", "suitcase", "umbrella", "traffic light", "stop sign"]).toContain(label);
});

test("another account and an anonymous caller cannot read the zone results", async ({ request }) => {
  const other = await registerKey(request, "not-zones-owner");
  for (const headers of [as(other), {}]) {
    const response = await request.get(`/api/jobs/${jobId}/results`, { headers });
    expect(response.status()).toBe(404);
    expect(await response.json()).toEqual({ detail: expect.any(String) });
  }
});
