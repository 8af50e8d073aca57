import path from "node:path";
import { expect, test } from "@playwright/test";
import { skipWithoutSharedMedia } from "../../lib/media/test-media";
import { e2eVideoDir } from "../global-setup";
import { signUp } from "./helpers";

// The first whole path in a browser: upload an H.264 copy of vtest.avi, watch the job live
// (no reload) to 100%, then a "person" event whose snapshot loads and whose clip plays, and
// the analysis in the signed-in person's list with its thumbnail. Events are named as the options
// name their rules ("Person present").

const video = path.join(e2eVideoDir, "vtest.mp4");
const shots = "test-results/screenshots";

test("upload a video, watch it analysed live, play an event's clip", async ({ page }) => {
  test.skip(skipWithoutSharedMedia, "needs ../shared/media/vtest.avi (turned into .cache/e2e-videos/vtest.mp4)");
  test.setTimeout(300_000);

  await signUp(page, `analyst-${Date.now()}@example.com`, "a long enough password");
  await page.goto("/analyses/new");
  await page.getByTestId("file-input").setInputFiles(video);
  await expect(page.getByTestId("chosen-file")).toContainText("vtest.mp4");
  await page.locator("#upload-label").fill("TRIP-E2E");
  await expect(page.getByTestId("server-video-select")).toContainText("vtest.mp4");
  await page.screenshot({ path: `${shots}/upload-page.png`, fullPage: true });
  await page.getByRole("button", { name: "Upload and analyse" }).click();

  await expect(page).toHaveURL(/\/analyses\/[0-9a-f-]{36}$/, { timeout: 60_000 });
  // A marker on window survives only if the page is never reloaded.
  await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));

  await expect(page.getByTestId("job-phase")).toContainText(/Detecting objects \(\d+\/\d+ frames\)/, { timeout: 90_000 });
  await page.screenshot({ path: `${shots}/job-running.png`, fullPage: true });
  const running = Number((await page.getByTestId("job-percent").textContent())!.replace("%", ""));
  expect(running).toBeLessThan(100);

  await expect(page.getByTestId("job-status")).toHaveText("completed", { timeout: 240_000 });
  await expect(page.getByTestId("job-percent")).toHaveText("100%");
  expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
  await expect(page.getByTestId("job-log")).toContainText("Tracking:");

  const person = page.getByTestId("event-card").filter({ has: page.getByTestId("event-label").getByText("Person present", { exact: true }) }).first();
  await expect(person).toBeVisible();
  const snapshot = person.getByTestId("event-snapshot");
  await expect.poll(() => snapshot.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(0);
  await expect(page.getByTestId("timeline")).toBeVisible();
  // Every snapshot loads (the gallery loads them lazily; a full-page picture needs them all now).
  const snapshots = page.getByTestId("event-snapshot");
  await snapshots.evaluateAll((images: HTMLImageElement[]) => images.forEach((image) => (image.loading = "eager")));
  await expect.poll(() => snapshots.evaluateAll((images: HTMLImageElement[]) => images.every((image) => image.complete && image.naturalWidth > 0)), { timeout: 30_000 }).toBe(true);
  await snapshots.evaluateAll((images: HTMLImageElement[]) => Promise.all(images.map((image) => image.decode())));
  await page.screenshot({ path: `${shots}/job-finished.png`, fullPage: true });

  // The label filter narrows the gallery to one kind of event.
  const all = await page.getByTestId("event-card").count();
  await page.getByRole("group", { name: "Filter events by label" }).getByRole("button", { name: /^Person present \d+$/ }).click();
  await expect(page.getByTestId("event-label")).toHaveText(Array(await page.getByTestId("event-card").count()).fill("Person present"));
  expect(await page.getByTestId("event-card").count()).toBeLessThanOrEqual(all);

  await snapshot.click();
  const clip = person.getByTestId("event-clip");
  await expect.poll(() => clip.evaluate((v: HTMLVideoElement) => v.duration), { timeout: 30_000 }).toBeGreaterThan(0);
  await expect.poll(() => clip.evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 30_000 }).toBeGreaterThan(0.2);

  // The analysis is in the person's list, with the annotated snapshot of its best event.
  await page.goto("/analyses");
  const row = page.getByTestId("analyses-table").getByRole("row").filter({ hasText: "vtest.mp4" }).first();
  await expect(row).toContainText("completed");
  const thumbnail = row.getByTestId("analysis-thumbnail");
  await expect.poll(() => thumbnail.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(0);
  await page.screenshot({ path: `${shots}/analyses-list.png`, fullPage: true });
});
