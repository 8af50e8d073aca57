import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { skipWithoutSharedMedia } from "../../lib/media/test-media";
import { makeSpeech } from "../../lib/speech/test-speech";
import { serveFolder } from "../file-server";
import { e2eVideoDir, sharedVtest } from "../global-setup";
import { sweep, type Finding } from "./a11y-sweep";
import { signUp } from "./helpers";

// Issue 25 item 1 and item 5's search by picture, as a person does them in Chromium: the one
// "New" entry offering the five kinds of work; Reframe (upload -> the results page with
// tracks, masks, scenes and the videos captioned "source" and "reframed"); Extract features
// (pictures and a video uploaded -> the review page) then Search by picture (hits with
// thumbnails that open the review at the frame); Transcribe & edit (upload -> words to click,
// a clip of a picked phrase, a 9:16 video with captions, exports); Enhance with Analyse's drop
// zone. Each at 1366x900 and 390x844 with screenshots in .cache/screens/new-*.png, the pages
// the a11y sweep cannot reach swept here, and no console error anywhere.

test.describe.configure({ mode: "serial" });

const screens = ".cache/screens";
const desktop = { width: 1366, height: 900 };
const phone = { width: 390, height: 844 };
const sizes = [["desktop", desktop], ["phone", phone]] as const;
const password = "a long enough password";
let work = "";
let state = "";
/** The test's folder over HTTP: products and videos by web address. */
let served: { base: string; close: () => Promise<void> } | undefined;
const errors: string[] = [];
const findings: Finding[] = [];

/** A page of the shared account, watched for console errors. */
async function userPage(browser: Browser, size: { width: number; height: number }): Promise<Page> {
  const context = await browser.newContext({ viewport: size, storageState: state });
  const page = await context.newPage();
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(`${page.url()}: ${message.text()}`);
  });
  page.on("pageerror", (error) => errors.push(`${page.url()}: ${error.message}`));
  return page;
}

/** The page at both sizes: a screenshot and an accessibility sweep at each, ending at `end`. */
async function shootBoth(page: Page, name: string, end: { width: number; height: number } = desktop) {
  for (const [label, size] of sizes) {
    await page.setViewportSize(size);
    await page.waitForTimeout(300);
    findings.push(...(await sweep(page, `new-${name}`, label)));
    await page.screenshot({ path: `${screens}/new-${name}-${label}.png`, fullPage: true });
  }
  await page.setViewportSize(end);
}

test.beforeAll(async ({ browser }) => {
  test.skip(skipWithoutSharedMedia || !fs.existsSync(sharedVtest), "needs ../shared/media/vtest.avi");
  test.setTimeout(180_000);
  fs.mkdirSync(screens, { recursive: true });
  work = fs.mkdtempSync(path.join(os.tmpdir(), "framewise-new-e2e-"));
  const ffmpeg = (...args: string[]) => execFileSync("ffmpeg", ["-v", "error", "-y", ...args]);
  ffmpeg("-ss", "20", "-i", sharedVtest, "-t", "8", "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", path.join(work, "street.mp4"));
  ffmpeg("-ss", "4", "-i", path.join(work, "street.mp4"), "-frames:v", "1", "-vf", "crop=260:260:250:120", path.join(work, "walkers.jpg"));
  const speech = await makeSpeech(work, { video: true, sentences: [{ voice: "slt", text: "the quick brown fox jumps over the lazy dog" }] });
  fs.copyFileSync(speech.video!, path.join(work, "speech.mp4"));
  served = await serveFolder(work);
  const context = await browser.newContext({ viewport: desktop });
  const page = await context.newPage();
  await signUp(page, `new-work-${Date.now()}@example.com`, password);
  state = path.join(work, "state.json");
  await context.storageState({ path: state });
  await context.close();
});

test.afterAll(async () => {
  await served?.close();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

test("one New entry offers the five kinds of work, from the nav at both sizes", async ({ browser }) => {
  for (const [label, size] of sizes) {
    const page = await userPage(browser, size);
    await page.goto("/");
    const nav = page.getByRole("navigation", { name: "Main" });
    if (label === "phone") await nav.getByRole("button", { name: "Menu" }).click();
    await nav.getByRole("link", { name: "New", exact: true }).click();
    await expect(page).toHaveURL(/\/new$/);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Start something new");
    const choices = page.getByTestId("new-choice");
    await expect(choices).toHaveCount(5);
    const expected = [
      ["Analyse", "/analyses/new", "Analyse a video"],
      ["Reframe", "/reframes/new", "Reframe a video"],
      ["Extract features", "/features/new", "Extract features"],
      ["Transcribe & edit", "/transcripts/new", "Transcribe & edit"],
      ["Enhance", "/enhancement", "Enhance a video"],
    ];
    for (const [index, [title, href]] of expected.entries()) {
      await expect(choices.nth(index).getByRole("heading")).toHaveText(title);
      await expect(choices.nth(index)).toHaveAttribute("href", href);
    }
    await page.screenshot({ path: `${screens}/new-choices-${label}.png`, fullPage: true });
    // Each opens its form, with the same drop zone as Analyse, and New stays the current page.
    for (const [title, href, heading] of expected) {
      await page.goto("/new");
      await page.getByTestId("new-choice").filter({ has: page.getByRole("heading", { name: title, exact: true }) }).click();
      await expect(page).toHaveURL(new RegExp(`${href.replace("/", "\\/")}$`));
      await expect(page.getByRole("heading", { level: 1 })).toHaveText(heading);
      await expect(page.getByTestId(href === "/features/new" ? "video-drop-zone" : "drop-zone")).toBeVisible();
      // (on a phone the link sits in the closed menu, out of the accessibility tree)
      await expect(page.locator('nav[aria-label="Main"] a[href="/new"]')).toHaveAttribute("aria-current", "page");
    }
    await page.context().close();
  }
  // Signed out, the forms that need an account ask to sign in first and come back.
  const anonymous = await browser.newPage();
  await anonymous.goto("/reframes/new");
  await expect(anonymous).toHaveURL(/\/sign-in\?callbackUrl=%2Freframes%2Fnew$/);
  await anonymous.close();
});

test("Reframe: upload, then the results page with tracks, masks, scenes, source and reframed", async ({ browser }) => {
  test.setTimeout(420_000);
  // On a phone: mistakes are told in words.
  const small = await userPage(browser, phone);
  await small.goto("/reframes/new");
  await small.getByRole("button", { name: "Upload and reframe" }).click();
  await expect(small.getByTestId("upload-error")).toHaveText("Choose a video first");
  // A file that is not a video is refused as it is chosen, before anything is uploaded.
  await small.getByLabel("Video file").setInputFiles(path.join(e2eVideoDir, "notes.txt"));
  await expect(small.getByTestId("upload-error")).toHaveText("“notes.txt” is not a video we can read: choose an MP4, MOV, MKV or AVI file");
  await expect(small.getByTestId("chosen-file")).toHaveCount(0);
  await small.screenshot({ path: `${screens}/new-reframe-form-error-phone.png`, fullPage: true });
  await small.context().close();

  const page = await userPage(browser, desktop);
  await page.goto("/reframes/new");
  await page.getByLabel("Video file").setInputFiles(path.join(work, "street.mp4"));
  await expect(page.getByTestId("chosen-file")).toContainText("street.mp4");
  await page.getByLabel("Square (1:1)").check();
  await page.getByLabel("Frames looked at per second").fill("2");
  await page.screenshot({ path: `${screens}/new-reframe-form-desktop.png`, fullPage: true });
  await page.getByRole("button", { name: "Upload and reframe" }).click();
  await expect(page).toHaveURL(/\/reframes\/[0-9a-f-]{36}$/, { timeout: 60_000 });
  await expect(page.getByTestId("reframe-results")).toBeVisible({ timeout: 360_000 });
  await expect(page.getByTestId("source-caption")).toHaveText("source");
  await expect(page.getByTestId("reframed-caption")).toHaveText("reframed");
  const reframed = page.getByTestId("reframed-video");
  await expect.poll(() => reframed.evaluate((v: HTMLVideoElement) => v.readyState), { timeout: 30_000 }).toBeGreaterThanOrEqual(1);
  const [w, h] = await reframed.evaluate((v: HTMLVideoElement) => [v.videoWidth, v.videoHeight]);
  expect(w / h).toBeCloseTo(1, 1);
  await expect(page.getByTestId("tracks").getByRole("listitem").first()).toBeVisible();
  await expect(page.getByTestId("scenes").getByRole("button").first()).toBeVisible();
  // Masks and boxes are drawn over the source once it has a frame.
  const source = page.getByTestId("source-video");
  await expect.poll(() => source.evaluate((v: HTMLVideoElement) => v.readyState), { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
  await page.getByTestId("tracks").getByRole("button").first().click();
  await expect
    .poll(() => page.getByTestId("overlay").evaluate((c: HTMLCanvasElement) => c.getContext("2d")!.getImageData(0, 0, c.width, c.height).data.some((value, i) => i % 4 === 3 && value > 0)), { timeout: 15_000 })
    .toBe(true);
  await shootBoth(page, "reframe-results");
  await page.setViewportSize(phone);
  for (const part of [page.getByTestId("reframe-results"), source, reframed]) {
    const box = (await part.boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(391);
  }
  // It is listed under New's recent work.
  await page.goto("/new");
  await expect(page.getByTestId("recent-work")).toContainText("Reframe");
  await page.context().close();
});

let featureJob = "";

test("Extract features: pictures uploaded and by web address, a video uploaded, then the review page", async ({ browser }) => {
  test.setTimeout(360_000);
  const page = await userPage(browser, phone);
  await page.goto("/features/new");
  await page.getByRole("button", { name: "Start extracting" }).click();
  await expect(page.getByTestId("upload-error")).toHaveText("Add a product picture or a video first");
  await page.getByLabel("Name").fill("Walkers");
  await page.getByTestId("product-files-0").setInputFiles(path.join(work, "walkers.jpg"));
  await page.getByRole("button", { name: "Add another product" }).click();
  await page.getByLabel("Name").nth(1).fill("Walkers online");
  await page.getByLabel(/Or picture web addresses/).nth(1).fill(`${served!.base}/walkers.jpg`);
  await page.getByTestId("video-files").setInputFiles(path.join(work, "street.mp4"));
  await page.getByLabel(/Or video web addresses/).fill("not an address");
  await page.getByRole("button", { name: "Start extracting" }).click();
  await expect(page.getByTestId("upload-error")).toHaveText("“not” is not a web address: it should start with http:// or https://");
  await page.getByLabel(/Or video web addresses/).fill("");
  await page.screenshot({ path: `${screens}/new-features-form-phone.png`, fullPage: true });
  await page.getByRole("button", { name: "Start extracting" }).click();
  await expect(page).toHaveURL(/\/features\/[0-9a-f-]{36}$/, { timeout: 60_000 });
  featureJob = page.url().split("/").pop()!;
  await expect(page.getByTestId("feature-review")).toBeVisible({ timeout: 300_000 });
  await expect(page.getByTestId("review-status")).toContainText("Done");
  await expect(page.getByTestId("review-status")).toContainText("2 products");
  await expect(page.getByTestId("image-grid").getByTestId("feature-card")).toHaveCount(2);
  await expect.poll(() => page.getByTestId("frame-grid").getByTestId("feature-card").count()).toBeGreaterThan(3);
  await shootBoth(page, "features-review");
  await page.context().close();
});

test("Search by picture: hits with thumbnails open the review at that frame, at both sizes", async ({ browser }) => {
  test.setTimeout(240_000);
  expect(featureJob, "the feature job of the test before").not.toBe("");
  for (const [label, size] of sizes) {
    const page = await userPage(browser, size);
    await page.goto("/search");
    const search = page.getByTestId("image-search");
    await expect(search.getByLabel("In the videos of")).toContainText("Walkers");
    await search.getByRole("button", { name: "Search by picture" }).click();
    await expect(page.getByTestId("image-search-error")).toHaveText("Choose a picture first");
    await search.getByLabel("Product picture").setInputFiles(path.join(work, "walkers.jpg"));
    await search.getByRole("button", { name: "Search by picture" }).click();
    await expect(page.getByTestId("image-search-count")).toContainText("found", { timeout: 60_000 });
    const hits = page.getByTestId("search-hit");
    expect(await hits.count()).toBeGreaterThan(0);
    // Every thumbnail is a real picture of the frame.
    for (const image of await hits.locator("img").all()) {
      await image.scrollIntoViewIfNeeded();
      await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    }
    // The best hit is where the picture was cut from (second 4 of the clip), checked by matching points.
    await expect(hits.first()).toContainText("Same product");
    await expect(hits.first()).toContainText(/at 0:0[345]\.\d/);
    await page.screenshot({ path: `${screens}/new-search-picture-${label}.png`, fullPage: true });
    if (label === "desktop") findings.push(...(await sweep(page, "new-search-picture", label)));
    const href = (await hits.first().getAttribute("href"))!;
    expect(href).toMatch(new RegExp(`^/features/${featureJob}\\?frame=[^&]+&t=\\d+(\\.\\d)?$`));
    await hits.first().click();
    await expect(page).toHaveURL(new RegExp(`/features/${featureJob}\\?frame=`));
    const focused = page.getByTestId("focused-frame");
    await expect(focused).toContainText(/The moment you opened: 0:0[345]\.\d in street\.mp4/);
    await expect.poll(() => focused.locator("img").evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0), { timeout: 30_000 }).toBe(true);
    await page.screenshot({ path: `${screens}/new-search-picture-opened-${label}.png` });
    await page.context().close();
  }
});

test("Transcribe & edit: words to click, a clip of a phrase, a 9:16 video with captions, exports", async ({ browser }) => {
  test.setTimeout(420_000);
  const page = await userPage(browser, desktop);
  await page.goto("/transcripts/new");
  await page.getByLabel("Video file").setInputFiles(path.join(work, "speech.mp4"));
  await page.getByRole("button", { name: "Upload and transcribe" }).click();
  await expect(page).toHaveURL(/\/transcripts\/[0-9a-f-]{36}$/, { timeout: 60_000 });
  const words = page.getByTestId("transcript-word");
  await expect.poll(() => words.count(), { timeout: 240_000 }).toBeGreaterThan(3);

  // A click seeks the audio to the word.
  const audio = page.getByTestId("transcript-audio");
  await expect.poll(() => audio.evaluate((a: HTMLAudioElement) => a.readyState), { timeout: 30_000 }).toBeGreaterThanOrEqual(1);
  const count = await words.count();
  await words.nth(1).click();
  const seekedTo = await audio.evaluate((a: HTMLAudioElement) => a.currentTime);
  expect(seekedTo).toBeGreaterThan(0);
  await expect(words.nth(1)).toHaveAttribute("aria-pressed", "true");
  // A second word picks the phrase between them.
  await words.nth(Math.min(count - 1, 3)).click();
  await expect(page.getByTestId("phrase-text")).toBeVisible();
  await expect(words.nth(2)).toHaveAttribute("aria-pressed", "true");
  await page.getByRole("button", { name: "Make a clip" }).click();
  const edits = page.getByTestId("edit");
  await expect(edits).toHaveCount(1);
  await expect(edits.first().getByTestId("edit-status")).toHaveText("Ready", { timeout: 120_000 });
  const clip = edits.first().getByTestId("edit-video");
  await expect.poll(() => clip.evaluate((v: HTMLVideoElement) => v.readyState), { timeout: 30_000 }).toBeGreaterThanOrEqual(1);
  const clipLength = await clip.evaluate((v: HTMLVideoElement) => v.duration);
  expect(clipLength).toBeGreaterThan(0.3);
  expect(clipLength).toBeLessThan(6);

  // A tall video of the whole recording with captions.
  await page.getByLabel("Shape").selectOption("9:16");
  await expect(page.getByLabel("Captions of what is said")).toBeChecked();
  await page.getByRole("button", { name: "Make the video" }).click();
  await expect(edits).toHaveCount(2);
  await expect(edits.first()).toContainText("Video, tall (9:16), with captions");
  await expect(edits.first().getByTestId("edit-status")).toHaveText("Ready", { timeout: 240_000 });
  const rendered = edits.first().getByTestId("edit-video");
  await expect.poll(() => rendered.evaluate((v: HTMLVideoElement) => v.readyState), { timeout: 30_000 }).toBeGreaterThanOrEqual(1);
  const [w, h] = await rendered.evaluate((v: HTMLVideoElement) => [v.videoWidth, v.videoHeight]);
  expect(w / h).toBeCloseTo(9 / 16, 1);

  // Exports: the subtitles download with their cues.
  const srt = page.getByTestId("exports").getByRole("link", { name: "Subtitles (SRT)" });
  const response = await page.request.get((await srt.getAttribute("href"))!);
  expect(response.status()).toBe(200);
  expect(await response.text()).toContain("-->");
  await expect(page.getByTestId("transcript-exports").getByRole("link")).toHaveCount(4);
  // The video exported in another container with its cut list, all in one ZIP as well.
  await page.getByLabel("The video as").selectOption("mkv");
  await page.getByRole("button", { name: "Export the video and its cuts" }).click();
  await expect(edits).toHaveCount(3);
  await expect(edits.first().getByTestId("edit-status")).toHaveText("Ready", { timeout: 120_000 });
  for (const name of ["Video (MKV)", "Cut list for editing software (EDL)", "Scenes (CSV)", "Everything (ZIP)"]) {
    const href = (await edits.first().getByRole("link", { name }).getAttribute("href"))!;
    expect((await page.request.get(href)).status(), name).toBe(200);
  }
  await shootBoth(page, "transcript-editor", phone);
  // On a phone too, a word is a button that seeks.
  await words.nth(0).scrollIntoViewIfNeeded();
  await words.nth(0).tap().catch(() => words.nth(0).click());
  await expect(words.nth(0)).toHaveAttribute("aria-pressed", "true");
  await page.context().close();
});

test("no console errors and no accessibility findings on any of these pages", () => {
  expect(errors).toEqual([]);
  expect(findings.map(({ page, viewport, problem }) => `${page} @ ${viewport}: ${problem}`)).toEqual([]);
});
