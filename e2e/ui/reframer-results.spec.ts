import fs from "node:fs";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { skipWithoutSharedMedia } from "../../lib/media/test-media";
import { e2eVideoDir } from "../global-setup";
import { signUp } from "./helpers";

// The results page of a reframer job (app/(dashboard)/reframes/[job_id]): a signed-in person
// makes a key, processes the 12 s street clip with aspect 9:16 through POST /process, and opens
// the job's page: the source video with its boxes and masks drawn over it (checked pixel by
// pixel at a paused frame with a person's mask), the tracks, the scenes with their
// descriptions, and the reframed video beside the source.

const video = path.join(e2eVideoDir, "vtest-12s.mp4");
const screens = path.resolve(".cache/screens");

type Box = { x: number; y: number; width: number; height: number };
type Results = {
  metadata: { width: number; height: number; fps: number };
  detections: Record<string, { class: string; bbox: Box; track_id?: string }[]>;
  segmentation_masks: Record<string, { track_id: string; class: string; mask_rle: string }[]>;
  tracking: Record<string, unknown>;
  scenes: { description: string }[];
};

/** The contract's decode_rle: zeros first, row-major over the whole frame. */
function decodeRle(rle: string, size: number): Uint8Array {
  const out = new Uint8Array(size);
  let offset = 0;
  rle.split(",").forEach((run, i) => {
    const n = Number(run);
    if (i % 2 === 1) out.fill(1, offset, offset + n);
    offset += n;
  });
  return out;
}

/** Pauses the source video on a frame and waits until the overlay has been drawn for it. */
async function pauseOn(page: Page, frame: number, fps: number) {
  await page.getByTestId("source-video").evaluate(async (element: HTMLVideoElement, time) => {
    element.pause();
    if (Math.abs(element.currentTime - time) > 1e-3) {
      await new Promise<void>((resolve) => {
        element.addEventListener("seeked", () => resolve(), { once: true });
        element.currentTime = time;
      });
    }
    // Two animation frames: the overlay redraws on each.
    await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  }, frame / fps);
}

/** RGBA of the overlay canvas at source pixel (x, y). */
function overlayPixel(page: Page, x: number, y: number): Promise<number[]> {
  return page.getByTestId("overlay").evaluate((canvas: HTMLCanvasElement, [px, py]) => [...canvas.getContext("2d")!.getImageData(px, py, 1, 1).data], [x, y]);
}

test("a reframer job's page: the overlay on the paused video, tracks, scenes and the reframe beside the source", async ({ page }) => {
  test.skip(skipWithoutSharedMedia || !fs.existsSync(video), "needs ../shared/media/vtest.avi (cut to .cache/e2e-videos/vtest-12s.mp4)");
  test.setTimeout(420_000);
  fs.mkdirSync(screens, { recursive: true });
  await page.setViewportSize({ width: 1366, height: 900 });

  await signUp(page, `reframes-${Date.now()}@example.com`, "a long enough password");
  await page.goto("/keys");
  await page.getByLabel("Key name").fill("reframer page");
  await page.getByRole("button", { name: "Create key" }).click();
  const key = (await page.getByTestId("new-key-value").textContent())!.trim();

  const created = await page.request.post("/process", {
    headers: { "X-API-Key": key },
    multipart: { aspect: "9:16", fps: "5", file: { name: "vtest-12s.mp4", mimeType: "video/mp4", buffer: fs.readFileSync(video) } },
  });
  expect(created.status(), await created.text()).toBe(200);
  const { job_id: jobId } = (await created.json()) as { job_id: string };

  // The page follows the job itself (it polls while the results answer 202).
  await page.goto(`/reframes/${jobId}`);
  await expect(page.getByTestId("reframe-results")).toBeVisible({ timeout: 360_000 });
  const results = (await (await page.request.get(`/api/reframes/${jobId}/results`)).json()) as Results;
  const { width, height, fps } = results.metadata;

  // Both videos load; the reframe is 9:16 and stands beside the source on a wide screen.
  const source = page.getByTestId("source-video");
  const reframed = page.getByTestId("reframed-video");
  await expect.poll(() => source.evaluate((v: HTMLVideoElement) => v.readyState), { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
  await expect.poll(() => reframed.evaluate((v: HTMLVideoElement) => v.readyState), { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
  const [w, h] = await reframed.evaluate((v: HTMLVideoElement) => [v.videoWidth, v.videoHeight]);
  expect(w / h).toBeCloseTo(9 / 16, 1);
  const sourceBox = (await source.boundingBox())!;
  const reframedBox = (await reframed.boundingBox())!;
  expect(reframedBox.x).toBeGreaterThanOrEqual(sourceBox.x + sourceBox.width - 1);
  expect(Math.abs(reframedBox.y - sourceBox.y)).toBeLessThan(40);

  // A frame with a person's mask: pause there, and the overlay holds that mask and box.
  const maskFrame = Object.keys(results.segmentation_masks)
    .map(Number)
    .find((frame) => results.segmentation_masks[String(frame)].some((mask) => mask.class === "person") && results.detections[String(frame)]?.some((d) => d.class === "person"));
  expect(maskFrame, "a sampled frame with a person's mask").toBeDefined();
  const mask = results.segmentation_masks[String(maskFrame)].find((m) => m.class === "person")!;
  const person = results.detections[String(maskFrame)].find((d) => d.track_id === mask.track_id) ?? results.detections[String(maskFrame)].find((d) => d.class === "person")!;
  const bits = decodeRle(mask.mask_rle, width * height);
  // A mask pixel away from the box's outline and label, and a pixel far from every detection.
  const { x, y, width: bw, height: bh } = person.bbox;
  let inside: [number, number] | undefined;
  for (let py = y + Math.round(bh / 3); py < y + bh - 4 && !inside; py++) {
    for (let px = x + 4; px < x + bw - 4; px++) {
      if (bits[py * width + px]) {
        inside = [px, py];
        break;
      }
    }
  }
  expect(inside, "a pixel inside the person's mask").toBeDefined();
  await pauseOn(page, maskFrame!, fps);
  const masked = await overlayPixel(page, inside![0], inside![1]);
  expect(masked[3], `overlay alpha at the mask pixel ${inside}`).toBeGreaterThan(60);
  const outline = await overlayPixel(page, x + Math.round(bw / 2), y);
  expect(outline[3], "the box's top edge is drawn").toBeGreaterThan(200);
  const boxes = results.detections[String(maskFrame)] ?? [];
  const masks = results.segmentation_masks[String(maskFrame)].map((m) => decodeRle(m.mask_rle, width * height));
  let empty: [number, number] | undefined;
  for (let py = 20; py < height - 20 && !empty; py += 7) {
    for (let px = 20; px < width - 20; px += 7) {
      const near = boxes.some((d) => px > d.bbox.x - 12 && px < d.bbox.x + d.bbox.width + 12 && py > d.bbox.y - 24 && py < d.bbox.y + d.bbox.height + 12);
      if (!near && masks.every((m) => !m[py * width + px])) {
        empty = [px, py];
        break;
      }
    }
  }
  expect(empty, "a pixel away from every box and mask").toBeDefined();
  expect((await overlayPixel(page, empty![0], empty![1]))[3]).toBe(0);

  // The tracks list and the scenes strip with their written descriptions.
  const tracks = page.getByTestId("tracks").getByRole("listitem");
  await expect(tracks).toHaveCount(Object.keys(results.tracking).length);
  await expect(tracks.first()).toContainText(/obj_\d{3}/);
  const scenes = page.getByTestId("scenes").getByRole("button");
  await expect(scenes).toHaveCount(results.scenes.length);
  await expect(scenes.first()).toContainText(results.scenes[0].description);
  expect(results.scenes[0].description).toMatch(/person|people/);

  await page.screenshot({ path: path.join(screens, "reframer-results-desktop.png"), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await pauseOn(page, maskFrame!, fps);
  // On a phone the results fit the screen's width: the videos stack and neither runs off the side.
  for (const part of [page.getByTestId("reframe-results"), source, reframed]) {
    const box = (await part.boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(391);
  }
  await page.screenshot({ path: path.join(screens, "reframer-results-phone.png"), fullPage: true });
});
