import fs from "node:fs";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { skipWithoutSharedMedia } from "../../lib/media/test-media";
import { signUp } from "./helpers";

// Issue 25 item 2 in a real browser, on a real 12 s cut of vtest.avi analysed by the real
// detector: the bar never says 100% before the job ends and the estimate lasts through every
// phase; one count per label on the chips, the legend, the heading and the gallery (short events
// counted where they are hidden); a track's own span and events; events named as the options
// name them; captions on the player apart and inside the frame. Both viewports, screenshots in
// .cache/screens/.

test.describe.configure({ mode: "serial" });

const screens = ".cache/screens";
const statePath = ".cache/viewer-truth-state.json";
const viewports = [
  { name: "desktop", width: 1366, height: 900 },
  { name: "phone", width: 390, height: 844 },
] as const;
let jobId = "";

type Sample = { percent: string; status: string; phase: string; remaining: string | null };

test.beforeAll(async ({ browser }) => {
  test.skip(skipWithoutSharedMedia, "needs ../shared/media/vtest.avi (turned into .cache/e2e-videos/vtest-12s.mp4)");
  test.setTimeout(360_000);
  fs.mkdirSync(screens, { recursive: true });
  const context = await browser.newContext({ viewport: viewports[0] });
  const page = await context.newPage();
  await signUp(page, `truth-${Date.now()}@example.com`, "a long enough password");
  const started = await page.request.post("/api/jobs/start", { form: { tripId: "Truth check", videoName: "vtest-12s.mp4" } });
  expect(started.status()).toBe(200);
  jobId = (await started.json()).job_id;
  await page.goto(`/analyses/${jobId}`);

  // Watch the running job: each sample reads the bar, the status, the phase and the estimate at once.
  const samples: Sample[] = [];
  const deadline = Date.now() + 300_000;
  for (;;) {
    const sample = await page.evaluate(() => ({
      percent: document.querySelector('[data-testid="job-percent"]')?.textContent ?? "",
      status: document.querySelector('[data-testid="job-status"]')?.textContent ?? "",
      phase: document.querySelector('[data-testid="job-phase"]')?.textContent ?? "",
      remaining: document.querySelector('[data-testid="job-remaining"]')?.textContent ?? null,
    }));
    samples.push(sample);
    if (sample.status === "completed" || Date.now() > deadline) break;
    await page.waitForTimeout(250);
  }
  expect(samples[samples.length - 1].status).toBe("completed");
  for (const sample of samples) {
    if (sample.status !== "completed") expect(sample.percent, JSON.stringify(sample)).not.toBe("100%");
  }
  // After detection (tracking, events, media) the estimate is a time, not "estimating…".
  const late = samples.filter((sample) => sample.status === "in progress" && /Tracking|Finding events|Cutting/.test(sample.phase) && sample.remaining !== null);
  console.log(`${samples.length} samples, ${late.length} after detection: ${JSON.stringify(late.slice(0, 2))}`);
  expect(late.length).toBeGreaterThan(0);
  for (const sample of late) expect(sample.remaining, JSON.stringify(sample)).toMatch(/^about \d+:\d\d$/);
  await expect(page.getByTestId("job-percent")).toHaveText("100%");
  await context.storageState({ path: statePath });
  await context.close();
});

async function openViewer(browser: Browser, viewport: { width: number; height: number }): Promise<Page> {
  const context = await browser.newContext({ viewport, storageState: statePath });
  const page = await context.newPage();
  await page.goto(`/analyses/${jobId}`);
  await expect(page.getByTestId("overlay-canvas")).toBeAttached();
  await expect(page.getByTestId("track-list")).toBeVisible();
  return page;
}

/** Every count on the page, read at once. */
async function readCounts(page: Page) {
  return page.evaluate(() => {
    const chips = [...document.querySelectorAll<HTMLElement>('[data-testid="label-chip"]')].map((chip) => ({ label: chip.dataset.label!, count: Number(chip.dataset.count), text: chip.textContent!.trim() }));
    const legend = Object.fromEntries([...document.querySelectorAll<HTMLElement>('[data-testid="timeline-legend"] li[data-label]')].map((item) => [item.dataset.label!, Number(item.dataset.count)]));
    const heading = Number(/\((\d+)\)/.exec(document.querySelector('[data-testid="events-count"]')?.textContent ?? "")?.[1] ?? Number.NaN);
    const gallery = Number(/^(\d+)/.exec(document.querySelector('[data-testid="gallery-count"]')?.textContent ?? "")?.[1] ?? Number.NaN);
    const shortNote = document.querySelector('[data-testid="short-events"]')?.textContent ?? "";
    const shortHidden = Number(/^(\d+) events? shorter/.exec(shortNote)?.[1] ?? 0);
    const headingHidden = Number(/and (\d+) short hidden/.exec(document.querySelector("#events-title")?.textContent ?? "")?.[1] ?? 0);
    return { chips, legend, heading, gallery, shortHidden, headingHidden };
  });
}

function expectOneCountPerLabel(counts: Awaited<ReturnType<typeof readCounts>>) {
  const all = counts.chips.find((chip) => chip.label === "")!;
  const labelled = counts.chips.filter((chip) => chip.label !== "");
  expect(labelled.length).toBeGreaterThan(0);
  for (const chip of labelled) expect(counts.legend[chip.label] ?? 0, chip.label).toBe(chip.count);
  expect(labelled.reduce((sum, chip) => sum + chip.count, 0)).toBe(all.count);
  expect(counts.heading).toBe(all.count);
  expect(counts.gallery).toBe(all.count);
  expect(counts.headingHidden).toBe(counts.shortHidden);
}

for (const viewport of viewports) {
  test(`the viewer's counts, names, track view and captions agree at ${viewport.name}`, async ({ browser }) => {
    test.skip(skipWithoutSharedMedia, "needs ../shared/media/vtest.avi");
    test.setTimeout(180_000);
    const page = await openViewer(browser, viewport);
    const api = (await (await page.request.get(`/api/jobs/${jobId}/results?page_size=200`)).json()) as { total: number; events: { id: string; label: string }[] };
    expect(api.total).toBeGreaterThan(0);

    // Names as the options name the rules.
    await expect(page.getByTestId("label-chip").filter({ hasText: /^Person present \d+$/ })).toHaveCount(1);
    await expect(page.getByTestId("label-chip").filter({ hasText: /^person \d+$/ })).toHaveCount(0);

    // One count per label, short events hidden and counted; then shown, all of them.
    const hidden = await readCounts(page);
    expectOneCountPerLabel(hidden);
    expect(hidden.chips.find((chip) => chip.label === "")!.count + hidden.shortHidden).toBe(api.total);
    await page.screenshot({ path: `${screens}/truth-counts-${viewport.name}.png`, fullPage: true });
    console.log(`${viewport.name}: ${api.total} events, ${hidden.shortHidden} short hidden`);
    if (hidden.shortHidden > 0) {
      await page.getByTestId("short-events").getByRole("button", { name: "Show them" }).click();
      const shown = await readCounts(page);
      expectOneCountPerLabel(shown);
      expect(shown.chips.find((chip) => chip.label === "")!.count).toBe(api.total);
      await page.getByTestId("short-events").getByRole("button", { name: "Hide them" }).click();
    }

    // A track's own span and its events cut to it; the counts follow the track.
    const tracks = (await (await page.request.get(`/api/jobs/${jobId}/tracks`)).json()).tracks as { track_id: number; first_seen: number; last_seen: number; event_ids: string[] }[];
    const candidates = tracks.filter((track) => track.event_ids.length > 0).sort((a, b) => a.last_seen - a.first_seen - (b.last_seen - b.first_seen));
    const track = candidates[0];
    expect(track).toBeTruthy();
    await page.getByRole("checkbox", { name: "Only tracks in events" }).check();
    const item = page.locator(`[data-testid="track-item"][data-track-id="${track.track_id}"]`);
    await item.scrollIntoViewIfNeeded();
    await item.click();
    await expect(page.getByTestId("track-span")).toContainText(`(${(track.last_seen - track.first_seen).toFixed(1)} s)`);
    const spans = await page.getByTestId("track-event").evaluateAll((items: HTMLElement[]) => items.map((el) => [Number(el.dataset.start), Number(el.dataset.end)]));
    expect(spans).toHaveLength(track.event_ids.length);
    const overlapping = spans.filter(([start, end]) => end >= track.first_seen - 1e-6 && start <= track.last_seen + 1e-6);
    expect(overlapping.length).toBeGreaterThan(0);
    for (const [start, end] of overlapping) {
      expect(start).toBeGreaterThanOrEqual(track.first_seen - 1e-6);
      expect(end).toBeLessThanOrEqual(track.last_seen + 1e-6);
    }
    expectOneCountPerLabel(await readCounts(page));
    await page.getByTestId("track-detail").scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${screens}/truth-track-${viewport.name}.png`, fullPage: true });
    await page.getByTestId("selected-track-chip").click();

    // Captions on the player: apart from each other and inside the frame, at the busiest moments.
    const window = (await (await page.request.get(`/api/jobs/${jobId}/detections?from=0&to=60`)).json()) as { frames: { t: number; boxes: number[][] }[] };
    const busiest = [...window.frames].sort((a, b) => b.boxes.length - a.boxes.length).slice(0, 4);
    const video = page.getByTestId("source-video");
    await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.readyState), { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
    await page.getByTestId("confidence-slider").fill("0");
    let checked = 0;
    for (const frame of busiest) {
      await video.evaluate((v: HTMLVideoElement, at) => {
        v.pause();
        v.currentTime = at + 0.01;
      }, frame.t);
      const canvas = page.getByTestId("overlay-canvas");
      await expect.poll(() => canvas.evaluate((c: HTMLCanvasElement, at) => Math.abs(Number(c.dataset.time) - at) < 0.05, frame.t + 0.01)).toBe(true);
      const { captions, width, height } = await canvas.evaluate((c: HTMLCanvasElement) => ({ captions: JSON.parse(c.dataset.captions ?? "[]") as number[][], width: c.width, height: c.height }));
      expect(captions.length).toBeGreaterThan(0);
      for (const [x, y, w, h] of captions) {
        expect(x).toBeGreaterThanOrEqual(0);
        expect(y).toBeGreaterThanOrEqual(0);
        expect(x + w).toBeLessThanOrEqual(width + 1);
        expect(y + h).toBeLessThanOrEqual(height + 1);
      }
      for (let i = 0; i < captions.length; i++) {
        for (let j = i + 1; j < captions.length; j++) {
          const [a, b] = [captions[i], captions[j]];
          // One pixel of slack for the rounding of the recorded rectangles.
          const apart = a[0] + a[2] <= b[0] + 1 || b[0] + b[2] <= a[0] + 1 || a[1] + a[3] <= b[1] + 1 || b[1] + b[3] <= a[1] + 1;
          expect(apart, `${a} and ${b}`).toBe(true);
        }
      }
      checked += captions.length;
    }
    expect(checked).toBeGreaterThan(4);
    await page.getByTestId("overlay-canvas").scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${screens}/truth-captions-${viewport.name}.png` });
    await page.context().close();
  });
}
