import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { e2eAdminEmail } from "../../playwright.config";
import { serveFolder } from "../file-server";
import { sharedVtest } from "../global-setup";

/**
 * The admins' feature review (issue 13 §7) at /admin/features/{job_id}: a real job over a clip
 * of vtest.avi and a product image cut from it (one image URL unreachable), then the page must
 * draw masks and keypoints on the cards, list the failed item with its reason, filter through
 * the API, and put the search's hits on the video's timeline. Screenshots at 1366x900 and
 * 390x844 go to .cache/screens/features-review-{desktop,phone}.png.
 */

const ADMIN_PASSWORD = "an admin password";

async function signInAsAdmin(page: Page) {
  // The first sign-up of ADMIN_EMAIL makes the admin; another spec may have made it already.
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(e2eAdminEmail);
  await page.getByLabel("Password").fill(ADMIN_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  const signedIn = await page.getByTestId("signed-in-as").waitFor({ timeout: 5_000 }).then(() => true, () => false);
  if (signedIn) return;
  await page.goto("/sign-up");
  await page.getByLabel("Name").fill("E2E Admin");
  await page.getByLabel("Email").fill(e2eAdminEmail);
  await page.getByLabel("Password").fill(ADMIN_PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByTestId("signed-in-as")).toHaveText(e2eAdminEmail);
}

test.describe("feature review", () => {
  test.skip(!fs.existsSync(sharedVtest), `${sharedVtest} is missing`);
  test.describe.configure({ timeout: 300_000 });

  let close: (() => Promise<void>) | undefined;
  let base: string;
  let dir: string;

  test.beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "fw-review-"));
    const ffmpeg = (...args: string[]) => execFileSync("ffmpeg", ["-v", "error", "-y", ...args]);
    ffmpeg("-ss", "20", "-i", sharedVtest, "-t", "8", "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", path.join(dir, "clip.mp4"));
    ffmpeg("-ss", "4", "-i", path.join(dir, "clip.mp4"), "-frames:v", "1", "-vf", "crop=260:260:250:120", path.join(dir, "walkers.jpg"));
    ({ base, close } = await serveFolder(dir));
  });

  test.afterAll(async () => {
    await close?.();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test("masks, keypoints, failures, filters and the search timeline, on desktop and phone", async ({ page, request }) => {
    const created = await request.post("/jobs/?job_type=extract_features", {
      data: {
        products: [{ product_id: "p_walkers", title: "Pedestrians", images: [`${base}/walkers.jpg`, `${base}/missing.jpg`] }],
        videos: [{ url: `${base}/clip.mp4`, title: "Clip" }],
        fps: 1,
      },
    });
    expect(created.status(), await created.text()).toBe(202);
    const jobId = ((await created.json()) as { id: string }).id;
    await expect.poll(async () => ((await (await request.get(`/status/${jobId}`)).json()) as { phase: string }).phase, { timeout: 240_000 }).toBe("completed");

    await page.setViewportSize({ width: 1366, height: 900 });
    await signInAsAdmin(page);
    await page.goto("/admin/features");
    await page.getByRole("link", { name: jobId }).click();
    await expect(page).toHaveURL(new RegExp(`/admin/features/${jobId}$`));
    await expect(page.getByTestId("review-status")).toContainText("Done");

    // The unreachable image, with its reason.
    await expect(page.getByTestId("failed-items")).toContainText("p_walkers_img_1");
    await expect(page.getByTestId("failed-items")).toContainText("404");

    // Cards: the product image and the frames, each with its mask tinted and keypoints drawn.
    const imageCards = page.getByTestId("image-grid").getByTestId("feature-card");
    await expect(imageCards).toHaveCount(1);
    await expect(imageCards.first()).toHaveAttribute("data-mask", "drawn");
    await expect.poll(async () => Number(await imageCards.first().getAttribute("data-keypoints"))).toBeGreaterThan(20);
    const frameCards = page.getByTestId("frame-grid").getByTestId("feature-card");
    await expect.poll(() => frameCards.count()).toBeGreaterThanOrEqual(8);
    await expect(frameCards.first()).toHaveAttribute("data-mask", "drawn");
    await expect.poll(async () => Number(await frameCards.first().getAttribute("data-keypoints"))).toBeGreaterThan(50);
    await expect(page.getByTestId("frame-grid")).toContainText("objects");

    // Filters go through the API: nothing lacks every feature; newest timestamp first.
    await page.getByTestId("filter-has").selectOption("none");
    await expect(page.getByTestId("frames-pager")).toContainText("none");
    await expect(frameCards).toHaveCount(0);
    await page.getByTestId("filter-has").selectOption("any");
    await page.getByTestId("filter-order").selectOption("desc");
    await expect(frameCards.first()).toContainText(/[78]\.\d s/);

    // Search by the job's product: hits on the clip's timeline, the best one near 4 s.
    await page.getByTestId("search-run").click();
    await expect(page.getByTestId("search-timeline")).toHaveCount(1);
    await expect.poll(() => page.getByTestId("search-hit").count()).toBeGreaterThan(0);
    await expect(page.getByTestId("search-selected-ts")).toHaveText(/^[345]\.\d s$/);
    await page.screenshot({ path: ".cache/screens/features-review-desktop.png", fullPage: true });

    // And by an uploaded picture.
    await page.getByTestId("search-file").setInputFiles(path.join(dir, "walkers.jpg"));
    await page.getByTestId("search-upload").click();
    await expect(page.getByTestId("search-selected-ts")).toHaveText(/^[345]\.\d s$/);

    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByTestId("frame-grid").scrollIntoViewIfNeeded();
    // Nothing of the review reaches past the phone's width (the site header is the layout's).
    const widest = await page.getByTestId("feature-review").evaluate((root) => Math.max(...[root, ...root.querySelectorAll("*")].map((element) => element.getBoundingClientRect().right)));
    expect(widest).toBeLessThanOrEqual(390);
    await page.screenshot({ path: ".cache/screens/features-review-phone.png", fullPage: false });
  });
});
