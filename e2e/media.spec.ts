import path from "node:path";
import { expect, test } from "@playwright/test";
import { serveFile } from "../lib/http/media-response";
import { makeClip } from "../lib/media/clip";
import { probeVideo } from "../lib/media/probe";
import { makeTempDir, removeDir, SKIP_REASON, skipWithoutSharedMedia, startWebServer, VTEST_AVI, type WebServer } from "../lib/media/test-media";

/**
 * A clip made by lib/media from the MS-MPEG4 AVI, served by serveFile over real HTTP, plays in
 * Chromium: the browser reads its duration, seeks with Range requests and advances time.
 * Needs no Next app: a node:http server calls serveFile directly.
 */

test.describe("media served with Range plays in a browser", () => {
  test.skip(skipWithoutSharedMedia, SKIP_REASON);

  let dir: string;
  let server: WebServer;
  let clipDuration = 0;
  const requests: { range: string | null; status: number }[] = [];

  test.beforeAll(async () => {
    dir = await makeTempDir("framewise-e2e-media-");
    const clip = path.join(dir, "event.mp4");
    await makeClip({ input: VTEST_AVI, start: 20, end: 24, preRoll: 2, postRoll: 2, output: clip });
    clipDuration = (await probeVideo(clip)).duration;
    server = await startWebServer(async (request) => {
      const response = await serveFile(request, clip);
      requests.push({ range: request.headers.get("range"), status: response.status });
      return response;
    });
  });

  test.afterAll(async () => {
    await server?.close();
    if (dir) await removeDir(dir);
  });

  test("the clip gets a duration, plays, and seeks", async ({ page }) => {
    await page.setContent(`<video id="clip" muted playsinline preload="auto" src="${server.url}/event.mp4"></video>`);
    const duration = await page.waitForFunction(() => {
      const video = document.querySelector<HTMLVideoElement>("#clip")!;
      return Number.isFinite(video.duration) && video.duration > 0 ? video.duration : false;
    });
    expect(await duration.jsonValue()).toBeCloseTo(clipDuration, 0);

    await page.evaluate(() => document.querySelector<HTMLVideoElement>("#clip")!.play());
    await page.waitForFunction(() => document.querySelector<HTMLVideoElement>("#clip")!.currentTime > 0.5, undefined, { timeout: 15_000 });
    expect(await page.evaluate(() => document.querySelector<HTMLVideoElement>("#clip")!.error)).toBeNull();

    // Seeking near the end must work without the whole file, which is what Range is for.
    await page.evaluate(() => {
      const video = document.querySelector<HTMLVideoElement>("#clip")!;
      video.currentTime = video.duration - 1;
    });
    await page.waitForFunction(() => {
      const video = document.querySelector<HTMLVideoElement>("#clip")!;
      return !video.seeking && video.currentTime >= video.duration - 1.2;
    });
    expect(requests.some((entry) => entry.range !== null && entry.status === 206)).toBe(true);
  });

  test("Range and validators over real HTTP", async ({ request }) => {
    const full = await request.get(`${server.url}/event.mp4`);
    expect(full.status()).toBe(200);
    expect(full.headers()["content-type"]).toBe("video/mp4");
    const size = Number(full.headers()["content-length"]);
    expect((await full.body()).length).toBe(size);

    const tail = await request.get(`${server.url}/event.mp4`, { headers: { Range: "bytes=-500" } });
    expect(tail.status()).toBe(206);
    expect(tail.headers()["content-range"]).toBe(`bytes ${size - 500}-${size - 1}/${size}`);
    expect((await tail.body()).equals((await full.body()).subarray(size - 500))).toBe(true);

    const beyond = await request.get(`${server.url}/event.mp4`, { headers: { Range: `bytes=${size}-` } });
    expect(beyond.status()).toBe(416);
    expect(beyond.headers()["content-range"]).toBe(`bytes */${size}`);

    const cached = await request.get(`${server.url}/event.mp4`, { headers: { "If-None-Match": full.headers()["etag"] } });
    expect(cached.status()).toBe(304);
  });
});
