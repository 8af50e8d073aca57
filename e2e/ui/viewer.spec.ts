import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { trackColour, type DetectionWindow } from "../../lib/analysis/viewer/overlay";
import { skipWithoutSharedMedia } from "../../lib/media/test-media";
import { e2eVideoDir } from "../global-setup";
import { signUp } from "./helpers";

// The analysis page as a viewer, on a real 12 s cut of vtest.avi (pedestrians) analysed by the
// real detector: boxes on the canvas where the API says a person is, the playhead following
// playback, the timeline's one keyboard control, choosing a track, the gallery's sort and
// search, JSON/CSV downloads, and an annotated video whose decoded frame shows a box. Both
// viewports, with screenshots in .cache/screens.

test.describe.configure({ mode: "serial" });

const screens = ".cache/screens";
const viewports = [
  { name: "desktop", width: 1366, height: 900 },
  { name: "phone", width: 390, height: 844 },
] as const;
const statePath = ".cache/viewer-state.json";
let jobId = "";

type Box = DetectionWindow["frames"][number]["boxes"][number];

test.beforeAll(async ({ browser }) => {
  test.skip(skipWithoutSharedMedia, "needs ../shared/media/vtest.avi (turned into .cache/e2e-videos/vtest-12s.mp4)");
  test.setTimeout(300_000);
  mkdirSync(screens, { recursive: true });
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  const page = await context.newPage();
  await signUp(page, `viewer-${Date.now()}@example.com`, "a long enough password");
  const started = await page.request.post("/api/jobs/start", { form: { tripId: "VIEWER-E2E", videoName: "vtest-12s.mp4", options: JSON.stringify({ tasks: ["detect", "mask"] }) } });
  expect(started.status()).toBe(200);
  jobId = (await started.json()).job_id;
  await page.goto(`/analyses/${jobId}`);
  const status = await page.getByTestId("job-status").textContent();
  // While it runs the page says it is live; once it ends the marker goes.
  if (status !== "completed") await expect(page.getByTestId("live-marker")).toBeVisible();
  await expect(page.getByTestId("job-status")).toHaveText("completed", { timeout: 240_000 });
  await expect(page.getByTestId("live-marker")).toHaveCount(0);
  await context.storageState({ path: statePath });
  await context.close();
});

async function openViewer(browser: Browser, viewport: { width: number; height: number }): Promise<Page> {
  const context = await browser.newContext({ viewport, storageState: statePath, acceptDownloads: true });
  const page = await context.newPage();
  await page.goto(`/analyses/${jobId}`);
  await expect(page.getByTestId("overlay-canvas")).toBeAttached();
  await expect.poll(() => page.getByTestId("source-video").evaluate((v: HTMLVideoElement) => v.readyState), { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
  return page;
}

/** A confident person box whose left edge no other box of its frame touches. */
function pickPersonBox(window: DetectionWindow): { t: number; box: Box } {
  const person = window.labels.indexOf("person");
  expect(person).toBeGreaterThanOrEqual(0);
  for (const frame of window.frames) {
    if (frame.t < 1) continue;
    for (const box of frame.boxes) {
      if (box[0] !== person || box[2] < 0.5 || box[1] < 0 || box[6] < 40) continue;
      const edgeX = box[3] + 1;
      const edgeY = box[4] + box[6] / 2;
      const clear = frame.boxes.every((other) => other === box || edgeX < other[3] - 4 || edgeX > other[3] + other[5] + 4 || edgeY < other[4] - 30 || edgeY > other[4] + other[6] + 4);
      if (clear) return { t: frame.t, box };
    }
  }
  throw new Error("no clear person box in the detections");
}

async function canvasPixel(page: Page, x: number, y: number): Promise<number[]> {
  return page.getByTestId("overlay-canvas").evaluate((canvas: HTMLCanvasElement, [px, py]) => [...canvas.getContext("2d")!.getImageData(px, py, 1, 1).data], [Math.round(x), Math.round(y)]);
}

function decodeFrame(file: string, at: number, width: number, height: number): Buffer {
  return execFileSync("ffmpeg", ["-v", "error", "-ss", at.toFixed(3), "-i", file, "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"], { maxBuffer: width * height * 3 + 1024 });
}

const distance = (a: number[], b: readonly number[]) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);

for (const viewport of viewports) {
  test(`the analysis viewer at ${viewport.name}`, async ({ browser }) => {
    test.skip(skipWithoutSharedMedia, "needs ../shared/media/vtest.avi");
    test.setTimeout(300_000);
    const page = await openViewer(browser, viewport);
    const video = page.getByTestId("source-video");
    const canvas = page.getByTestId("overlay-canvas");

    // 1. Boxes on a paused frame, where the detector found a person.
    const window = (await (await page.request.get(`/api/jobs/${jobId}/detections?from=0&to=60`)).json()) as DetectionWindow;
    expect(window.frames.length).toBeGreaterThan(10);
    const { t, box } = pickPersonBox(window);
    await expect(page.getByTestId("confidence-slider")).toHaveValue("40");
    await video.evaluate((v: HTMLVideoElement, at) => {
      v.pause();
      v.currentTime = at + 0.01;
    }, t);
    await expect.poll(() => canvas.getAttribute("data-time").then(Number)).toBeCloseTo(t, 1);
    await expect.poll(() => canvas.getAttribute("data-boxes").then(Number)).toBeGreaterThan(0);
    const scale = (await canvas.evaluate((c: HTMLCanvasElement) => c.width)) / window.width;
    const edge = { x: (box[3] + 1) * scale, y: (box[4] + box[6] / 2) * scale };
    const drawn = await canvasPixel(page, edge.x, edge.y);
    expect(drawn[3]).toBe(255);
    expect(distance(drawn, trackColour(box[1]))).toBeLessThan(10);
    // The class toggle hides it.
    await page.getByRole("group", { name: "Classes drawn on the player" }).getByRole("button", { name: "person", exact: true }).click();
    await expect.poll(async () => (await canvasPixel(page, edge.x, edge.y))[3]).toBe(0);
    await page.getByRole("group", { name: "Classes drawn on the player" }).getByRole("button", { name: "person", exact: true }).click();
    await expect.poll(async () => (await canvasPixel(page, edge.x, edge.y))[3]).toBe(255);
    // The confidence slider above the box's score removes it.
    await page.getByTestId("confidence-slider").fill(String(Math.min(95, Math.ceil(box[2] * 20) * 5)));
    await expect.poll(async () => (await canvasPixel(page, edge.x, edge.y))[3]).toBe(0);
    await page.getByTestId("confidence-slider").fill("40");
    await expect.poll(async () => (await canvasPixel(page, edge.x, edge.y))[3]).toBe(255);
    await page.getByTestId("overlay-canvas").scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${screens}/viewer-overlay-${viewport.name}.png`, fullPage: true });

    // Person masks (the job ran the mask task): painted where the RLE says, and toggled off.
    const mask = window.masks.find((m) => Math.abs(m.t - t) < 1e-3);
    expect(mask).toBeTruthy();
    await expect(canvas).toHaveAttribute("data-mask", "1");
    const runs = mask!.rle.split(",").map(Number);
    const set: number[] = [];
    runs.reduce((offset, run, i) => {
      if (i % 2 === 1) for (let p = offset; p < offset + run; p += 97) set.push(p);
      return offset + run;
    }, 0);
    expect(set.length).toBeGreaterThan(5);
    const probes = set.filter((_, i) => i % Math.ceil(set.length / 40) === 0).map((p) => ({ x: (p % window.width) * scale, y: Math.floor(p / window.width) * scale }));
    for (const probe of probes) expect((await canvasPixel(page, probe.x, probe.y))[3]).toBeGreaterThan(0);
    await page.getByTestId("mask-toggle").click();
    await expect(canvas).toHaveAttribute("data-mask", "0");
    let cleared = 0;
    for (const probe of probes) if ((await canvasPixel(page, probe.x, probe.y))[3] === 0) cleared++;
    expect(cleared).toBeGreaterThanOrEqual(probes.length / 2);
    await page.getByTestId("mask-toggle").click();
    await expect(canvas).toHaveAttribute("data-mask", "1");

    // Frame stepping: one frame forward with the button and the key.
    const before = await video.evaluate((v: HTMLVideoElement) => v.currentTime);
    await page.getByRole("button", { name: "Next frame" }).click();
    await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime)).toBeGreaterThan(before + 0.05);
    const afterButton = await video.evaluate((v: HTMLVideoElement) => v.currentTime);
    expect(afterButton - before).toBeLessThan(0.2);
    await video.focus();
    await page.keyboard.press(",");
    await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime)).toBeLessThan(afterButton - 0.05);

    // 2. The playhead follows playback.
    const playhead = page.getByTestId("playhead");
    const slider = page.getByRole("slider", { name: /Seek in video/ });
    await video.evaluate((v: HTMLVideoElement) => {
      v.currentTime = 1;
    });
    await expect.poll(() => slider.getAttribute("aria-valuenow").then(Number)).toBeCloseTo(1, 0);
    const leftAt = async () => playhead.evaluate((el: HTMLElement) => el.getBoundingClientRect().left);
    const startLeft = await leftAt();
    await video.evaluate((v: HTMLVideoElement) => v.play());
    await expect.poll(() => slider.getAttribute("aria-valuenow").then(Number), { timeout: 10_000 }).toBeGreaterThan(2.5);
    expect(await leftAt()).toBeGreaterThan(startLeft + 5);
    await video.evaluate((v: HTMLVideoElement) => v.pause());

    // The timeline: one tab stop (a slider), arrows seek, Home/End the ends; bars and legend.
    await expect(page.getByTestId("timeline").locator("button, a, [tabindex]")).toHaveCount(1);
    await expect(page.getByTestId("timeline-legend").locator("li").first()).toBeVisible();
    expect(await page.getByTestId("timeline-lane").count()).toBeGreaterThan(0);
    await slider.focus();
    await page.keyboard.press("Home");
    await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime)).toBe(0);
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("ArrowRight");
    await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime)).toBeCloseTo(3, 1);
    await expect(slider).toHaveAttribute("aria-valuenow", "3");
    await page.keyboard.press("End");
    await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime)).toBeGreaterThan(11);
    // A click seeks to where it lands.
    const sliderBox = (await slider.boundingBox())!;
    await slider.click({ position: { x: sliderBox.width / 2, y: sliderBox.height - 6 } });
    const duration = await video.evaluate((v: HTMLVideoElement) => v.duration);
    await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime)).toBeCloseTo(duration / 2, 0);
    // Hovering shows the frame at that second, served for this job.
    await slider.hover({ position: { x: sliderBox.width / 4, y: sliderBox.height - 6 } });
    const preview = page.getByTestId("scrub-preview").locator("img");
    await expect.poll(() => preview.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), { timeout: 20_000 }).toBeGreaterThan(0);

    // 3. Tracks: choosing one selects it, seeks to its first sighting, shows what it did.
    const tracks = (await (await page.request.get(`/api/jobs/${jobId}/tracks`)).json()).tracks as { track_id: number; first_seen: number; event_ids: string[] }[];
    const withEvents = tracks.find((track) => track.event_ids.length > 0)!;
    expect(withEvents).toBeTruthy();
    const item = page.locator(`[data-testid="track-item"][data-track-id="${withEvents.track_id}"]`);
    await item.click();
    await expect(item).toHaveAttribute("aria-pressed", "true");
    await expect(page.getByTestId("track-detail")).toContainText(`#${withEvents.track_id}`);
    await expect(page.getByTestId("track-detail")).toContainText("Seen ");
    await expect(page.getByTestId("track-events").locator("li")).toHaveCount(withEvents.event_ids.length);
    await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime)).toBeCloseTo(withEvents.first_seen, 0);
    await expect(page.getByTestId("selected-track-chip")).toBeVisible();
    await expect(page.getByTestId("track-detail").getByTestId("track-path")).toBeVisible();
    await page.getByTestId("track-detail").scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${screens}/viewer-track-${viewport.name}.png`, fullPage: true });
    await page.getByTestId("selected-track-chip").click();
    await expect(page.getByTestId("track-detail")).toHaveCount(0);

    // 4. Gallery: sort by confidence, search, the compact list.
    const total = (await (await page.request.get(`/api/jobs/${jobId}/results?page_size=200`)).json()).total as number;
    expect(total).toBeGreaterThan(0);
    await page.getByTestId("gallery-sort").selectOption("confidence");
    const scores = (await page.getByTestId("event-confidence").allTextContents()).map((text) => Number(text.replace("%", "")));
    expect(scores.length).toBeGreaterThan(0);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    await page.getByTestId("gallery-search").fill("person");
    const labels = await page.getByTestId("event-label").allTextContents();
    expect(labels.length).toBeGreaterThan(0);
    for (const label of labels) expect(label.toLowerCase()).toContain("person");
    await page.getByTestId("gallery-search").fill("no such thing");
    await expect(page.getByTestId("event-card")).toHaveCount(0);
    await page.getByTestId("gallery-search").fill("");
    await page.getByRole("group", { name: "Gallery layout" }).getByRole("button", { name: "List" }).click();
    await expect(page.getByTestId("event-row").first()).toBeVisible();
    await page.getByTestId("event-list").scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${screens}/viewer-gallery-list-${viewport.name}.png`, fullPage: true });
    await page.getByRole("group", { name: "Gallery layout" }).getByRole("button", { name: "Cards" }).click();
    await page.getByTestId("gallery-sort").selectOption("time");
    const snapshot = page.getByTestId("event-snapshot").first();
    await snapshot.scrollIntoViewIfNeeded();
    await expect.poll(() => snapshot.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(0);
    // The snapshot box has the video's shape (768x576).
    const shape = (await snapshot.boundingBox())!;
    expect(shape.width / shape.height).toBeCloseTo(768 / 576, 1);
    await page.screenshot({ path: `${screens}/viewer-gallery-${viewport.name}.png`, fullPage: true });

    // 6. Exports: JSON and CSV downloads, parsed.
    const [jsonDownload] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-json").click()]);
    const exported = JSON.parse(readFileSync((await jsonDownload.path())!, "utf8"));
    expect(exported.job_id).toBe(jobId);
    expect(exported.events).toHaveLength(total);
    expect(exported.events[0]).toHaveProperty("start_time");
    const [csvDownload] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-csv").click()]);
    const lines = readFileSync((await csvDownload.path())!, "utf8").split("\r\n").filter(Boolean);
    expect(lines[0].split(",")).toEqual(["id", "label", "start_time", "end_time", "duration", "confidence", "track_ids", "best_frame_time", "snapshot_url", "clip_url"]);
    expect(lines).toHaveLength(total + 1);
    expect(lines.slice(1).map((line) => line.split(",")[0]).sort()).toEqual(exported.events.map((event: { id: string }) => event.id).sort());

    if (viewport.name === "desktop") {
      // Someone else is told the job does not exist, on every viewer route; bad windows are 400.
      const stranger = await browser.newContext();
      const other = await stranger.newPage();
      await signUp(other, `viewer-other-${Date.now()}@example.com`, "a long enough password");
      for (const url of [`detections`, `tracks`, `tracks/1/thumbnail`, `thumbnails/1`, `export?format=csv`, `annotated`]) {
        const answer = await other.request.get(`/api/jobs/${jobId}/${url}`);
        expect(answer.status(), url).toBe(404);
        expect(await answer.json()).toEqual({ detail: "invalid_job" });
      }
      expect((await other.request.post(`/api/jobs/${jobId}/annotated`)).status()).toBe(404);
      await stranger.close();
      for (const query of ["from=-1", "from=5&to=2", "from=0&to=500", "from=abc"]) {
        const answer = await page.request.get(`/api/jobs/${jobId}/detections?${query}`);
        expect(answer.status(), query).toBe(400);
        expect(typeof (await answer.json()).detail).toBe("string");
      }
      expect((await page.request.get(`/api/jobs/${jobId}/thumbnails/9999`)).status()).toBe(404);
      expect((await page.request.get(`/api/jobs/${jobId}/export?format=xml`)).status()).toBe(400);
      const thumb = await page.request.get(`/api/jobs/${jobId}/thumbnails/3`);
      expect(thumb.headers()["content-type"]).toBe("image/jpeg");
      expect((await page.request.get(`/api/jobs/${jobId}/thumbnails/3?size=huge`)).status()).toBe(400);

      // The annotated video: made on request with progress, then a decoded frame shows the box.
      await page.getByTestId("annotate-start").click();
      await expect(page.getByTestId("annotate-job")).toBeVisible();
      const download = page.getByTestId("annotate-download");
      await expect(download).toBeVisible({ timeout: 180_000 });
      const response = await page.request.get((await download.getAttribute("href"))!);
      expect(response.status()).toBe(200);
      const file = path.resolve(".cache/viewer-annotated.mp4");
      mkdirSync(path.dirname(file), { recursive: true });
      const { writeFileSync } = await import("node:fs");
      writeFileSync(file, await response.body());
      const frame = decodeFrame(file, t + 0.001, window.width, window.height);
      const original = decodeFrame(path.join(e2eVideoDir, "vtest-12s.mp4"), t + 0.001, window.width, window.height);
      const at = (buffer: Buffer, x: number, y: number) => [...buffer.subarray((y * window.width + x) * 3, (y * window.width + x) * 3 + 3)];
      const ex = Math.round(box[3] + 1);
      const ey = Math.round(box[4] + box[6] / 2);
      const burned = at(frame, ex, ey);
      const colour = trackColour(box[1]);
      expect(distance(burned, colour)).toBeLessThan(90);
      expect(distance(burned, colour)).toBeLessThan(distance(at(original, ex, ey), colour) - 40);
      await page.getByTestId("exports").scrollIntoViewIfNeeded();
      await page.screenshot({ path: `${screens}/viewer-exports-${viewport.name}.png`, fullPage: true });
    } else {
      await expect(page.getByTestId("annotate-download")).toBeVisible();
      await page.getByTestId("exports").scrollIntoViewIfNeeded();
      await page.screenshot({ path: `${screens}/viewer-exports-${viewport.name}.png`, fullPage: true });
    }
    await page.context().close();
  });
}

for (const viewport of viewports) {
  test(`a stopped job is explained and its live marker ends at ${viewport.name}`, async ({ browser }) => {
    test.skip(skipWithoutSharedMedia, "needs ../shared/media/vtest.avi");
    test.setTimeout(120_000);
    const context = await browser.newContext({ viewport, storageState: statePath });
    const page = await context.newPage();
    const started = await page.request.post("/api/jobs/start", { form: { tripId: "VIEWER-STOP", videoName: "vtest.mp4" } });
    const id = (await started.json()).job_id as string;
    await page.goto(`/analyses/${id}`);
    await expect(page.getByTestId("live-marker")).toBeVisible();
    await page.evaluate(() => ((window as unknown as { __same: boolean }).__same = true));
    expect((await page.request.post(`/jobs/${id}/cancel`)).status()).toBe(200);
    // Told over the live connection, without a reload: the reason in plain words, marker gone.
    await expect(page.getByTestId("job-status")).toHaveText("cancelled", { timeout: 30_000 });
    await expect(page.getByTestId("job-failure-title")).toHaveText("The job was cancelled");
    await expect(page.getByTestId("live-marker")).toHaveCount(0);
    expect(await page.evaluate(() => (window as unknown as { __same?: boolean }).__same)).toBe(true);
    await page.screenshot({ path: `${screens}/viewer-stopped-${viewport.name}.png`, fullPage: true });
    await context.close();
  });
}
