import fs from "node:fs";
import path from "node:path";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { e2eVideoDir } from "../global-setup";
import { registerKey, startServerAnalysis, waitForAnalysis, withKey } from "./keys";

/**
 * Event review over real HTTP: an account analyses the 12 s cut of vtest.avi, marks one event
 * false_positive and one confirmed, and reads them back through the results (with and without
 * include_rejected=1), the event exports (the viewer's CSV and JSON, the editor's events_csv),
 * the verdict counts and the reviewed events' COCO labels. A second account and an anonymous
 * caller are told 404, as for a job that does not exist.
 */

const videoName = "vtest-12s.mp4";
const analysisTimeout = 200_000;

type Review = { verdict: "confirmed" | "false_positive"; note: string | null; reviewed_at: string; reviewed_by_admin: boolean };
type CabinEvent = { id: string; label: string; start_time: number; track_ids: number[]; activityImage: string | null; activityImageUrl: string | null; review: Review | null };
type Results = { job_id: string; events: CabinEvent[]; total: number; reviewed: { confirmed: number; false_positive: number } };
type EditorJob = { id: string; status: string; error_message: string | null; completed_at: string | null; result_payload: { files: Record<string, string> } | null };
type Coco = {
  images: { id: number; file_name: string; coco_url: string | null; width: number; height: number }[];
  annotations: { id: number; image_id: number; category_id: number; bbox: number[]; area: number; iscrowd: number; attributes: { verdict: string; event_label: string; event_id: string } }[];
  categories: { id: number; name: string }[];
};

test.describe.configure({ mode: "serial" });
test.skip(!fs.existsSync(path.join(e2eVideoDir, videoName)), "needs ../shared/media/vtest.avi");

let key: string;
let jobId: string;
let rejected: CabinEvent;
let confirmed: CabinEvent;


const as = withKey;

async function results(request: APIRequestContext, query = ""): Promise<Results> {
  const response = await request.get(`/api/jobs/${jobId}/results?page_size=200${query}`, { headers: as(key) });
  expect(response.status()).toBe(200);
  return (await response.json()) as Results;
}

function review(request: APIRequestContext, eventId: string, body: unknown, headers: Record<string, string> = as(key)) {
  return request.post(`/api/jobs/${jobId}/events/${eventId}/review`, { headers, data: body });
}

/** Runs an editor export job of the analysis as the account, and reads its events_csv. */
async function editorEventsCsv(request: APIRequestContext, includeRejected: boolean): Promise<string[]> {
  const created = await request.post("/jobs/?job_type=export", {
    headers: as(key),
    data: { video_name: videoName, formats: ["events_csv"], analysis_job_id: jobId, ...(includeRejected ? { include_rejected: true } : {}) },
  });
  expect(created.status(), await created.text()).toBe(202);
  const { id } = (await created.json()) as EditorJob;
  let last: EditorJob | undefined;
  await expect
    .poll(async () => {
      last = (await (await request.get(`/jobs/${id}`, { headers: as(key) })).json()) as EditorJob;
      return last.completed_at !== null;
    }, { timeout: 60_000, intervals: [250, 500] })
    .toBe(true);
  expect(last!.status, last!.error_message ?? "").toBe("completed");
  const csv = await request.get(last!.result_payload!.files.events_csv, { headers: as(key) });
  expect(csv.status()).toBe(200);
  return (await csv.text()).trim().split("\n");
}

test("an account's analysis of a real video gives events to review", async ({ request }) => {
  test.setTimeout(analysisTimeout + 30_000);
  key = await registerKey(request, "reviewer");
  const started = await startServerAnalysis(request, key, { tripId: "REVIEW-1", videoName, options: { fps: 2, tasks: ["detect"] } });
  expect(started.status(), await started.text()).toBe(200);
  jobId = ((await started.json()) as { job_id: string }).job_id;
  await waitForAnalysis(request, key, jobId, analysisTimeout);
  const before = await results(request);
  expect(before.events.length, `${videoName} gave fewer than two events`).toBeGreaterThanOrEqual(2);
  expect(before.reviewed).toEqual({ confirmed: 0, false_positive: 0 });
  for (const event of before.events) expect(event.review).toBeNull();
  [rejected, confirmed] = before.events;
});

test("the owner marks one event false_positive and one confirmed; a second verdict replaces the first", async ({ request }) => {
  const first = await review(request, rejected.id, { verdict: "confirmed" });
  expect(first.status(), await first.text()).toBe(200);
  const replaced = await review(request, rejected.id, { verdict: "false_positive", note: "a shadow, not a person" });
  expect(replaced.status()).toBe(200);
  const body = (await replaced.json()) as CabinEvent;
  expect(body).toMatchObject({ id: rejected.id, label: rejected.label, activityImage: rejected.activityImage, activityImageUrl: rejected.activityImageUrl });
  expect(body.review).toEqual({ verdict: "false_positive", note: "a shadow, not a person", reviewed_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/), reviewed_by_admin: false });

  const ok = await review(request, confirmed.id, { verdict: "confirmed" });
  expect(ok.status()).toBe(200);
  expect(((await ok.json()) as CabinEvent).review).toMatchObject({ verdict: "confirmed", note: null, reviewed_by_admin: false });
});

test("results leave the false positive out unless include_rejected=1, and count the verdicts", async ({ request }) => {
  const shown = await results(request);
  const everything = await results(request, "&include_rejected=1");
  expect(shown.reviewed).toEqual({ confirmed: 1, false_positive: 1 });
  expect(everything.reviewed).toEqual({ confirmed: 1, false_positive: 1 });
  expect(shown.total).toBe(everything.total - 1);
  expect(shown.events.map((event) => event.id)).not.toContain(rejected.id);
  expect(shown.events.find((event) => event.id === confirmed.id)?.review?.verdict).toBe("confirmed");
  expect(everything.events.find((event) => event.id === rejected.id)?.review).toMatchObject({ verdict: "false_positive", note: "a shadow, not a person" });
  expect(everything.events.filter((event) => event.review === null)).toHaveLength(everything.total - 2);

  // The track list's event ids follow the same rule.
  const tracks = async (query: string) =>
    ((await (await request.get(`/api/jobs/${jobId}/tracks${query}`, { headers: as(key) })).json()) as { tracks: { event_ids: string[] }[] }).tracks.flatMap((t) => t.event_ids);
  expect(await tracks("")).not.toContain(rejected.id);
  if (rejected.track_ids.length) expect(await tracks("?include_rejected=1")).toContain(rejected.id);

  const bad = await request.get(`/api/jobs/${jobId}/results?include_rejected=maybe`, { headers: as(key) });
  expect(bad.status()).toBe(400);
  expect((await bad.json()).detail).toMatch(/^Query parameter 'include_rejected'/);
});

test("the event exports leave the false positive out unless asked: CSV, JSON and the editor's events_csv", async ({ request }) => {
  const exported = async (query: string) => {
    const response = await request.get(`/api/jobs/${jobId}/export?${query}`, { headers: as(key) });
    expect(response.status()).toBe(200);
    return response.text();
  };
  const csvIds = (text: string) => text.trim().split("\r\n").slice(1).map((row) => row.split(",")[0]);
  const shownCsv = csvIds(await exported("format=csv"));
  expect(shownCsv).toContain(confirmed.id);
  expect(shownCsv).not.toContain(rejected.id);
  expect(csvIds(await exported("format=csv&include_rejected=1"))).toEqual(expect.arrayContaining([confirmed.id, rejected.id]));
  const json = JSON.parse(await exported("format=json")) as { events: CabinEvent[] };
  expect(json.events.map((event) => event.id)).not.toContain(rejected.id);
  expect(json.events.find((event) => event.id === confirmed.id)?.review?.verdict).toBe("confirmed");

  const everything = await results(request, "&include_rejected=1");
  const shown = await editorEventsCsv(request, false);
  expect(shown[0]).toBe("ordinal,label,start_time,end_time,confidence,track_ids,best_timestamp");
  expect(shown).toHaveLength(everything.total);
  const all = await editorEventsCsv(request, true);
  expect(all).toHaveLength(everything.total + 1);
  const rejectedRow = all.find((row) => !shown.includes(row))!;
  expect(rejectedRow.split(",").slice(1, 3)).toEqual([rejected.label, rejected.start_time.toFixed(3)]);
});

test("the reviewed events come out as COCO-style labels with their verdicts", async ({ request }) => {
  const response = await request.get(`/api/jobs/${jobId}/events/reviewed?format=coco`, { headers: as(key) });
  expect(response.status()).toBe(200);
  const coco = (await response.json()) as Coco;
  expect(coco.images).toHaveLength(2);
  const byEvent = new Map(coco.annotations.map((a) => [a.attributes.event_id, a]));
  expect([...byEvent.keys()].sort()).toEqual([rejected.id, confirmed.id].sort());
  expect(byEvent.get(rejected.id)!.attributes).toEqual({ verdict: "false_positive", event_label: rejected.label, event_id: rejected.id });
  expect(byEvent.get(confirmed.id)!.attributes).toEqual({ verdict: "confirmed", event_label: confirmed.label, event_id: confirmed.id });
  const categories = new Map(coco.categories.map((c) => [c.id, c.name]));
  expect(categories.get(1)).toBe("person");
  for (const event of [rejected, confirmed]) {
    const image = coco.images.find((i) => i.id === byEvent.get(event.id)!.image_id)!;
    expect(image.file_name).toBe(event.activityImage);
    expect(image.coco_url).toBe(event.activityImageUrl);
    expect(image.width).toBeGreaterThan(0);
    // The snapshot it names is served.
    expect((await request.get(image.coco_url!, { headers: as(key) })).status()).toBe(200);
  }
  for (const annotation of coco.annotations) {
    const image = coco.images.find((i) => i.id === annotation.image_id)!;
    expect(categories.has(annotation.category_id)).toBe(true);
    expect(annotation.bbox).toHaveLength(4);
    expect(annotation.bbox[0] + annotation.bbox[2]).toBeLessThanOrEqual(image.width);
    expect(annotation.bbox[1] + annotation.bbox[3]).toBeLessThanOrEqual(image.height);
    expect(annotation.area).toBe(annotation.bbox[2] * annotation.bbox[3]);
    expect(annotation.iscrowd).toBe(0);
  }
  const document = await (await request.get("/openapi.json")).json();
  expect(Object.keys(document.paths["/api/jobs/{job_id}/events/{event_id}/review"]).sort()).toEqual(["delete", "post"]);
  expect(document.paths["/api/jobs/{job_id}/events/reviewed"].get).toBeDefined();
});

test("a second account and an anonymous caller are told 404, as for a missing job; bad bodies 400", async ({ request }) => {
  const other = await registerKey(request, "not-the-owner");
  for (const headers of [as(other), {}]) {
    const denied = await review(request, confirmed.id, { verdict: "false_positive" }, headers);
    expect(denied.status()).toBe(404);
    expect(await denied.json()).toEqual({ detail: "invalid_job" });
    const cleared = await request.delete(`/api/jobs/${jobId}/events/${confirmed.id}/review`, { headers });
    expect(cleared.status()).toBe(404);
    const coco = await request.get(`/api/jobs/${jobId}/events/reviewed?format=coco`, { headers });
    expect(coco.status()).toBe(404);
    expect(await coco.json()).toEqual({ detail: "invalid_job" });
  }
  const unknownJob = await request.post(`/api/jobs/00000000-0000-4000-8000-000000000000/events/${confirmed.id}/review`, { headers: as(key), data: { verdict: "confirmed" } });
  expect(await unknownJob.json()).toEqual({ detail: "invalid_job" });
  const unknownEvent = await review(request, "00000000-0000-4000-8000-000000000000", { verdict: "confirmed" });
  expect(unknownEvent.status()).toBe(404);
  expect(await unknownEvent.json()).toEqual({ detail: "Event 00000000-0000-4000-8000-000000000000 not found" });

  for (const [body, detail] of [
    [{ verdict: "maybe" }, /^Request body 'verdict'/],
    [{}, /^Request body 'verdict'/],
    [{ verdict: "confirmed", note: "x".repeat(1001) }, /^Request body 'note'/],
    [{ verdict: "confirmed", reviewer: "me" }, /^Request body/],
  ] as const) {
    const response = await review(request, confirmed.id, body);
    expect(response.status(), JSON.stringify(body)).toBe(400);
    expect((await response.json()).detail).toMatch(detail);
  }
  const notJson = await request.post(`/api/jobs/${jobId}/events/${confirmed.id}/review`, { headers: { ...as(key), "Content-Type": "application/json" }, data: "{verdict" });
  expect(notJson.status()).toBe(400);

  // Nothing of that changed the verdicts.
  expect((await results(request)).reviewed).toEqual({ confirmed: 1, false_positive: 1 });
});

test("DELETE clears a verdict (204): the event is listed again, unreviewed", async ({ request }) => {
  const cleared = await request.delete(`/api/jobs/${jobId}/events/${rejected.id}/review`, { headers: as(key) });
  expect(cleared.status()).toBe(204);
  const after = await results(request);
  expect(after.reviewed).toEqual({ confirmed: 1, false_positive: 0 });
  expect(after.events.find((event) => event.id === rejected.id)?.review).toBeNull();
  expect(after.total).toBe((await results(request, "&include_rejected=1")).total);
});
