import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { e2eVideoDir } from "../global-setup";

// The enhancement page in a real browser: upload with progress, both processes live over the
// WebSocket, then the before/after split view, the figures, the metadata table, the histograms
// and the downloads.

test("a person uploads a video and sees it enhanced beside the original, with its metadata", async ({ page }) => {
  test.setTimeout(180_000);
  const dir = path.resolve(".cache/e2e-enhance");
  fs.mkdirSync(dir, { recursive: true });
  const input = path.join(dir, "pattern-grainy.mp4");
  if (!fs.existsSync(input)) {
    execFileSync("ffmpeg", ["-v", "error", "-y", "-i", path.join(e2eVideoDir, "pattern.mp4"), "-vf", "noise=alls=20:allf=t", "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", input]);
  }

  await page.goto("/enhancement");
  await page.getByLabel("Video file").setInputFiles(input);
  await page.getByLabel("Preset").selectOption("auto");
  await page.getByRole("button", { name: "Upload and enhance" }).click();

  for (const type of ["video_enhancement", "metadata_extraction"]) {
    await expect(page.getByTestId(`status-${type}`)).toHaveText("completed", { timeout: 150_000 });
  }
  const split = page.getByTestId("split-view");
  await expect(split.locator("video")).toHaveCount(2);
  await expect.poll(() => split.locator("video").nth(1).evaluate((video: HTMLVideoElement) => video.readyState), { timeout: 20_000 }).toBeGreaterThanOrEqual(1);
  await expect(page.getByTestId("figures")).toContainText("noise");
  await expect(page.getByTestId("metadata-table")).toContainText("640 x 360");
  await expect(page.getByTestId("metadata-table")).toContainText("40");
  await expect(page.getByTestId("histogram").locator("polyline")).toHaveCount(3);
  await expect(page.getByRole("link", { name: "Download the enhanced video" })).toHaveAttribute("href", /^\/processed_videos\/enhanced_[0-9a-f-]{36}\.mp4$/);
  await expect(page.getByRole("link", { name: "Download the metadata (JSON)" })).toHaveAttribute("href", /_metadata\.json$/);
});
