import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { e2eVideoDir } from "../global-setup";
import { signUp } from "./helpers";

// Issue 25 item 2 (AVI): a browser cannot play an AVI. While the analysis runs the page says a
// playable copy is being made, instead of a black player, and plays the copy as soon as it exists,
// before the analysis ends. Both viewports, screenshots in .cache/screens/.

const screens = ".cache/screens";
const avi = "ui-preview.avi";

test.beforeAll(() => {
  fs.mkdirSync(screens, { recursive: true });
  const file = path.join(e2eVideoDir, avi);
  // MPEG-4 Part 2 in AVI: what old cameras write, and nothing Chromium plays.
  if (!fs.existsSync(file)) execFileSync("ffmpeg", ["-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=duration=30:size=640x360:rate=25", "-c:v", "mpeg4", "-q:v", "6", file]);
});

for (const [name, viewport] of [["desktop", { width: 1366, height: 900 }], ["phone", { width: 390, height: 844 }]] as const) {
  test(`an AVI being analysed: told a playable copy is being made, then the copy plays before the job ends, at ${name}`, async ({ browser }) => {
    test.setTimeout(300_000);
    const page = await (await browser.newContext({ viewport })).newPage();
    await signUp(page, `avi-${name}-${Date.now()}@example.com`, "a long enough password");
    const started = await page.request.post("/api/jobs/start", { form: { tripId: "AVI preview", videoName: avi } });
    expect(started.status()).toBe(200);
    const id = (await started.json()).job_id as string;
    await page.goto(`/analyses/${id}`);

    type Sample = { status: string; message: boolean; error: boolean; hidden: boolean; ready: number };
    const samples: Sample[] = [];
    let shot = false;
    const deadline = Date.now() + 240_000;
    for (;;) {
      const sample: Sample = await page.evaluate(() => {
        const video = document.querySelector<HTMLVideoElement>('[data-testid="source-video"]');
        return {
          status: document.querySelector('[data-testid="job-status"]')?.textContent ?? "",
          message: document.querySelector('[data-testid="source-unplayable"]') !== null,
          error: video?.error != null,
          hidden: video ? getComputedStyle(video).display === "none" : true,
          ready: video?.readyState ?? 0,
        };
      });
      samples.push(sample);
      if (sample.message && !shot) {
        await page.screenshot({ path: `${screens}/avi-copy-being-made-${name}.png`, fullPage: true });
        shot = true;
      }
      if (sample.status === "completed" || Date.now() > deadline) break;
      await page.waitForTimeout(200);
    }
    // The original failed to play and the page said why, with the black player hidden.
    expect(samples.some((s) => s.message && s.hidden)).toBe(true);
    // Never left as a visible, failed player for more than a moment (one sample, while React re-renders).
    const silent = samples.filter((s, i) => s.error && !s.hidden && samples[i + 1]?.error && !samples[i + 1]?.hidden);
    expect(silent).toEqual([]);
    // The copy plays while the job still runs: shown, loaded, no error, no message.
    expect(samples.some((s) => s.status !== "completed" && s.ready >= 1 && !s.error && !s.hidden && !s.message)).toBe(true);
    await page.context().close();
  });
}
