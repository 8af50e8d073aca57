import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { e2eDataDir } from "../../playwright.config";
import { serveFolder } from "../file-server";
import { sharedVtest } from "../global-setup";

/**
 * contracts/feature-extraction.md over real HTTP. A local HTTP server (the e2e server runs with
 * ALLOW_PRIVATE_URLS=on; the refusal without it is lib/features/fetch-url.test.ts's) serves a
 * video cut from ../shared/media/vtest.avi and product images cropped from frames of it, so
 * where each product appears is known; one image URL is unreachable and one video URL is a
 * web page, and both must be listed as failed items while the job goes on. Then every polling
 * endpoint is checked for shape, filters, sort, pagination, +07:00 and 404s, and the files
 * behind `paths` are downloaded.
 */

const tz = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00$/;
const hasVtest = fs.existsSync(sharedVtest);
// Seconds into the served clip where each product image was cut, and where in the frame
// (w:h:x:y): each crop holds people walking, so only frames near its time hold all of it.
const crops = [
  { product_id: "p_walkers", title: "Pedestrians", at: 4, box: "260:260:250:120" },
  { product_id: "p_street", title: "Street corner", at: 9, box: "320:260:120:130" },
  { product_id: "p_square", title: "Square", at: 14, box: "200:200:560:170" },
];

function ffmpeg(...args: string[]) {
  execFileSync("ffmpeg", ["-v", "error", "-y", ...args]);
}

type Listed<T> = { items: T[]; total: number; limit: number; offset: number };

async function getJson<T>(request: APIRequestContext, url: string, status = 200): Promise<T> {
  const response = await request.get(url);
  expect(response.status(), `${url}: ${await response.text()}`).toBe(status);
  return (await response.json()) as T;
}

test.describe("feature extraction", () => {
  test.skip(!hasVtest, `${sharedVtest} is missing`);
  // One job serves every test: serial keeps the worker (and jobId) across them.
  test.describe.configure({ mode: "serial", timeout: 300_000 });

  let close: (() => Promise<void>) | undefined;
  let base: string;
  let dir: string;
  let jobId: string;

  test.beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "fw-features-"));
    ffmpeg("-ss", "20", "-i", sharedVtest, "-t", "16", "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", path.join(dir, "review.mp4"));
    for (const crop of crops) {
      ffmpeg("-ss", String(crop.at), "-i", path.join(dir, "review.mp4"), "-frames:v", "1", "-vf", `crop=${crop.box}`, path.join(dir, `${crop.product_id}.jpg`));
    }
    fs.writeFileSync(path.join(dir, "page.html"), "<!doctype html><html><body>a review page</body></html>");
    ({ base, close } = await serveFolder(dir));
  });

  test.afterAll(async () => {
    await close?.();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test("a job collects, extracts frames and features, and every polling endpoint answers as documented", async ({ request }) => {
    const body = {
      products: [
        ...crops.map((crop) => ({ product_id: crop.product_id, title: crop.title, images: [`${base}/${crop.product_id}.jpg`] })),
        { product_id: "p_gone", title: "Gone", images: [`${base}/gone.jpg`] },
      ],
      videos: [
        { url: `${base}/review.mp4`, title: "Review" },
        { video_name: "pattern.mp4" },
        { url: `${base}/page.html`, title: "A page" },
      ],
      fps: 1,
      features: ["segment", "embedding", "keypoints"],
    };
    const created = await request.post("/jobs/?job_type=extract_features", { data: body });
    expect(created.status(), await created.text()).toBe(202);
    const job = (await created.json()) as { id: string; job_type: string; status: string };
    expect(job.job_type).toBe("extract_features");
    jobId = job.id;

    // Polling: the phase moves through the documented values to completed.
    const phases = new Set<string>();
    type Status = { job_id: string; phase: string; percent: number; counts: Record<string, number>; updated_at: string; failed_items: { kind: string; id: string; source: string; reason: string }[] };
    let status: Status | undefined;
    await expect
      .poll(
        async () => {
          status = await getJson<Status>(request, `/status/${jobId}`);
          phases.add(status.phase);
          return status.phase;
        },
        { timeout: 240_000, intervals: [500, 1000, 2000] },
      )
      .toBe("completed");
    for (const phase of phases) expect(["collecting", "frame_extraction", "feature_extraction", "completed"]).toContain(phase);
    expect(status!.job_id).toBe(jobId);
    expect(status!.percent).toBe(100);
    expect(status!.updated_at).toMatch(tz);
    expect(status!.counts).toMatchObject({ products: 4, videos: 2, images: 3 });
    expect(status!.counts.frames).toBeGreaterThanOrEqual(16 + 4);
    // The unreachable image and the page (no yt-dlp here, or a page yt-dlp cannot read) are failed items with reasons.
    const failed = Object.fromEntries(status!.failed_items.map((item) => [item.source, item]));
    expect(failed[`${base}/gone.jpg`]).toMatchObject({ kind: "image", id: "p_gone_img_0" });
    expect(failed[`${base}/gone.jpg`].reason).toMatch(/HTTP 404/);
    expect(failed[`${base}/page.html`]).toMatchObject({ kind: "video" });
    expect(failed[`${base}/page.html`].reason).toMatch(/yt-dlp/);

    // §2 videos, with filters and sort.
    type Video = { video_id: string; platform: string; url: string | null; title: string; duration_s: number; frames_count: number; updated_at: string };
    const videos = await getJson<Listed<Video>>(request, `/jobs/${jobId}/videos`);
    expect(videos).toMatchObject({ total: 2, limit: 20, offset: 0 });
    for (const video of videos.items) {
      expect(Object.keys(video).sort()).toEqual(["duration_s", "frames_count", "platform", "title", "updated_at", "url", "video_id"]);
      expect(video.video_id).toMatch(/^v_[0-9a-f]{12}$/);
      expect(video.updated_at).toMatch(tz);
    }
    const review = videos.items.find((video) => video.title === "Review")!;
    expect(review).toMatchObject({ platform: "direct", url: `${base}/review.mp4` });
    expect(review.duration_s).toBeCloseTo(16, 0);
    const pattern = videos.items.find((video) => video.platform === "server")!;
    expect(pattern.title).toBe("pattern.mp4");
    expect((await getJson<Listed<Video>>(request, `/jobs/${jobId}/videos?platform=server`)).items.map((v) => v.video_id)).toEqual([pattern.video_id]);
    expect((await getJson<Listed<Video>>(request, `/jobs/${jobId}/videos?q=revi`)).items.map((v) => v.video_id)).toEqual([review.video_id]);
    expect((await getJson<Listed<Video>>(request, `/jobs/${jobId}/videos?min_frames=10`)).items.map((v) => v.video_id)).toEqual([review.video_id]);
    const byFrames = await getJson<Listed<Video>>(request, `/jobs/${jobId}/videos?sort_by=frames_count&order=desc&limit=1&offset=0`);
    expect(byFrames).toMatchObject({ total: 2, limit: 1, offset: 0 });
    expect(byFrames.items[0].video_id).toBe(review.video_id);
    expect((await getJson<Listed<Video>>(request, `/jobs/${jobId}/videos?sort_by=frames_count&order=desc&limit=1&offset=1`)).items[0].video_id).toBe(pattern.video_id);

    // §2 frames: at 1 fps plus shot cuts, ids from the source frame index, JPEG files.
    type Frame = { frame_id: string; ts: number; local_path: string; url: string; updated_at: string };
    const frames = await getJson<Listed<Frame>>(request, `/jobs/${jobId}/videos/${review.video_id}/frames?limit=1000`);
    expect(frames.limit).toBe(200);
    expect(frames.total).toBe(review.frames_count);
    expect(frames.items.length).toBe(frames.total);
    const stamps = frames.items.map((frame) => frame.ts);
    expect(stamps).toEqual([...stamps].sort((a, b) => a - b));
    for (const second of [0, 1, 2, 5, 10, 15]) expect(stamps.some((ts) => Math.abs(ts - second) < 0.051)).toBe(true);
    for (const frame of frames.items) {
      expect(Object.keys(frame).sort()).toEqual(["frame_id", "local_path", "ts", "updated_at", "url"]);
      const index = Number(/_frame_(\d{6})$/.exec(frame.frame_id)![1]);
      expect(frame.frame_id).toBe(`${review.video_id}_frame_${String(index).padStart(6, "0")}`);
      expect(Math.abs(index / 10 - frame.ts)).toBeLessThan(0.051); // vtest is 10 fps
      expect(frame.local_path).toBe(`frames/${review.video_id}/${String(index).padStart(6, "0")}.jpg`);
      expect(frame.local_path.startsWith("/")).toBe(false);
      expect(frame.updated_at).toMatch(tz);
    }
    const desc = await getJson<Listed<Frame>>(request, `/jobs/${jobId}/videos/${review.video_id}/frames?sort_by=frame_id&order=desc&limit=3&offset=2`);
    expect(desc.items.map((frame) => frame.frame_id)).toEqual(frames.items.map((frame) => frame.frame_id).sort().reverse().slice(2, 5));
    const jpeg = await request.get(frames.items[3].url);
    expect(jpeg.status()).toBe(200);
    expect([...(await jpeg.body()).subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);

    // §3 images.
    type Image = { img_id: string; product_id: string; local_path: string; product_title: string; url: string; updated_at: string };
    const images = await getJson<Listed<Image>>(request, `/jobs/${jobId}/images`);
    expect(images.total).toBe(3);
    expect(images.items.map((image) => image.img_id)).toEqual(["p_square_img_0", "p_street_img_0", "p_walkers_img_0"]);
    expect(images.items[0]).toMatchObject({ product_id: "p_square", product_title: "Square", local_path: "products/p_square/0.jpg" });
    expect(Object.keys(images.items[0]).sort()).toEqual(["img_id", "local_path", "product_id", "product_title", "updated_at", "url"]);
    expect((await getJson<Listed<Image>>(request, `/jobs/${jobId}/images?product_id=p_street`)).items.map((i) => i.img_id)).toEqual(["p_street_img_0"]);
    expect((await getJson<Listed<Image>>(request, `/jobs/${jobId}/images?q=pedes`)).items.map((i) => i.img_id)).toEqual(["p_walkers_img_0"]);
    expect((await getJson<Listed<Image>>(request, `/jobs/${jobId}/images?sort_by=img_id&order=desc&limit=2`)).items.map((i) => i.img_id)).toEqual(["p_walkers_img_0", "p_street_img_0"]);

    // §4.1 summary.
    const summary = await getJson<{ job_id: string; product_images: Record<string, unknown>; video_frames: Record<string, unknown>; updated_at: string }>(request, `/jobs/${jobId}/features/summary`);
    expect(summary.job_id).toBe(jobId);
    expect(summary.updated_at).toMatch(tz);
    expect(summary.product_images).toEqual({
      total: 3,
      segment: { done: 3, percent: 100 },
      embedding: { done: 3, percent: 100 },
      keypoints: { done: 3, percent: 100 },
    });
    expect(summary.video_frames).toMatchObject({ total: status!.counts.frames, embedding: { done: status!.counts.frames, percent: 100 } });

    // §4.2 / §4.3 lists with `has`, and the files behind paths.
    type Features = { has_segment: boolean; has_embedding: boolean; has_keypoints: boolean; paths: Record<string, string | null>; urls: Record<string, string | null>; updated_at: string };
    const productFeatures = await getJson<Listed<Features & { img_id: string; product_id: string }>>(request, `/jobs/${jobId}/features/product-images?has=keypoints`);
    expect(productFeatures.total).toBe(3);
    expect((await getJson<Listed<unknown>>(request, `/jobs/${jobId}/features/product-images?has=none`)).total).toBe(0);
    expect((await getJson<Listed<unknown>>(request, `/jobs/${jobId}/features/product-images?has=any`)).total).toBe(3);
    const one = productFeatures.items[0];
    expect(one).toMatchObject({ has_segment: true, has_embedding: true, has_keypoints: true });
    expect(one.paths.segment).toBe(`features/products/${one.img_id}.seg.png`);
    const mask = await request.get(one.urls.segment!);
    expect(mask.status()).toBe(200);
    expect((await mask.body()).subarray(1, 4).toString()).toBe("PNG");
    const embedding = await request.get(one.urls.embedding!);
    expect((await embedding.body()).length).toBe(256 * 4);
    const keypoints = await request.get(one.urls.keypoints!);
    expect((await keypoints.body()).subarray(0, 4).toString()).toBe("FWKP");
    // The detector's embedding of the masked crop: 480 float32, L2-normalised.
    expect(one.paths.embedding_cnn).toBe(`features/products/${one.img_id}.cnn.bin`);
    const cnn = await (await request.get(one.urls.embedding_cnn!)).body();
    expect(cnn.length).toBe(480 * 4);
    const cnnValues = new Float32Array(cnn.buffer.slice(cnn.byteOffset, cnn.byteOffset + cnn.length));
    expect(Math.hypot(...cnnValues)).toBeCloseTo(1, 3);

    const frameFeatures = await getJson<Listed<Features & { frame_id: string; video_id: string; ts: number }>>(
      request,
      `/jobs/${jobId}/features/video-frames?video_id=${review.video_id}&has=embedding&sort_by=ts&order=desc&limit=5`,
    );
    expect(frameFeatures.total).toBe(review.frames_count);
    expect(frameFeatures.items.map((frame) => frame.ts)).toEqual(stamps.slice(-5).reverse());
    expect(frameFeatures.items[0]).toMatchObject({ video_id: review.video_id, has_segment: true, has_embedding: true, has_keypoints: true });
    expect((await getJson<Listed<unknown>>(request, `/jobs/${jobId}/features/video-frames`)).total).toBe(status!.counts.frames);

    // §4.4 details.
    const detail = await getJson<Features & { img_id: string }>(request, `/features/product-images/${one.img_id}`);
    expect(detail).toMatchObject({ img_id: one.img_id, paths: one.paths });
    const frameDetail = await getJson<Features & { frame_id: string; ts: number }>(request, `/features/video-frames/${frameFeatures.items[0].frame_id}`);
    expect(frameDetail).toMatchObject({ frame_id: frameFeatures.items[0].frame_id, ts: frameFeatures.items[0].ts });
    expect(frameDetail.updated_at).toMatch(tz);

    // Frames' segment feature: per-object masks on the detector's boxes (vtest: people walking).
    type FrameObject = { label: string; confidence: number; box: { x: number; y: number; width: number; height: number }; method: string; mask_path: string; mask_url: string; area: number };
    const allFrames = await getJson<Listed<{ frame_id: string; objects: FrameObject[]; urls: Record<string, string> }>>(request, `/jobs/${jobId}/features/video-frames?video_id=${review.video_id}&limit=100`);
    const objects = allFrames.items.flatMap((frame) => frame.objects);
    expect(objects.filter((object) => object.label === "person").length).toBeGreaterThan(allFrames.items.length);
    for (const object of objects.slice(0, 10)) {
      expect(["segmenter", "grabcut"]).toContain(object.method);
      // A silhouette inside its box: smaller than the box, not a speck.
      expect(object.area).toBeLessThan(object.box.width * object.box.height);
      expect(object.area).toBeGreaterThan(0.05 * object.box.width * object.box.height);
      const png = await request.get(object.mask_url);
      expect(png.status()).toBe(200);
      expect((await png.body()).subarray(1, 4).toString()).toBe("PNG");
    }
  });

  test("documented errors: unknown ids are 404, an unknown sort_by or has is 400", async ({ request }) => {
    const unknown = "00000000-0000-4000-8000-000000000000";
    for (const url of [
      `/status/${unknown}`,
      `/jobs/${unknown}/videos`,
      `/jobs/${unknown}/images`,
      `/jobs/${unknown}/features/summary`,
      `/jobs/${unknown}/features/product-images`,
      `/jobs/${unknown}/features/video-frames`,
      "/features/product-images/p_nobody_img_0",
      "/features/video-frames/v_000000000000_frame_000001",
    ]) {
      const body = await getJson<{ detail: string }>(request, url, 404);
      expect(typeof body.detail).toBe("string");
    }
    test.skip(!jobId, "needs the job of the first test");
    await getJson(request, `/jobs/${jobId}/videos/v_000000000000/frames`, 404);
    await getJson(request, `/jobs/${jobId}/files/../../../etc/hostname`, 404);
    for (const url of [
      `/jobs/${jobId}/videos?sort_by=size`,
      `/jobs/${jobId}/images?sort_by=title`,
      `/jobs/${jobId}/features/product-images?has=colour`,
      `/jobs/${jobId}/features/video-frames?sort_by=score`,
      `/jobs/${jobId}/videos?order=sideways`,
    ]) {
      const body = await getJson<{ detail: string }>(request, url, 400);
      expect(body.detail).toMatch(/Query parameter/);
    }
    const bad = await request.post("/jobs/?job_type=extract_features", { data: { products: [{ product_id: "p", images: ["file:///etc/passwd"] }] } });
    expect(bad.status()).toBe(400);
    expect(((await bad.json()) as { detail: string }).detail).toMatch(/http\(s\) URL/);
    const empty = await request.post("/jobs/?job_type=extract_features", { data: {} });
    expect(empty.status()).toBe(400);
  });

  test("search: each product's source frame (within 1.5 s) is in the top 5, with a box", async ({ request }) => {
    test.skip(!jobId, "needs the job of the first test");
    type Hit = { frame_id: string; video_id: string; ts: number; score: number; inliers: number; box?: { x: number; y: number; width: number; height: number } };
    const videos = await getJson<Listed<{ video_id: string; title: string }>>(request, `/jobs/${jobId}/videos`);
    const review = videos.items.find((video) => video.title === "Review")!;
    let found = 0;
    let foundByEmbedding = 0;
    for (const crop of crops) {
      // The colour embedding alone, for the record (README: what the re-rank adds).
      const plain = (await (await request.post("/features/search", { data: { job_id: jobId, product_id: crop.product_id, limit: 5, rerank: false } })).json()) as { items: Hit[] };
      if (plain.items.some((item) => item.video_id === review.video_id && Math.abs(item.ts - crop.at) <= 1.5)) foundByEmbedding++;
      console.log(`embedding only ${crop.product_id}: ${plain.items.map((item) => `${item.ts}s`).join(", ")}`);
      const response = await request.post("/features/search", { data: { job_id: jobId, product_id: crop.product_id, limit: 5 } });
      expect(response.status(), await response.text()).toBe(200);
      const { items } = (await response.json()) as { items: Hit[] };
      expect(items.length).toBeLessThanOrEqual(5);
      const hit = items.find((item) => item.video_id === review.video_id && Math.abs(item.ts - crop.at) <= 1.5);
      console.log(`search ${crop.product_id} (cut at ${crop.at} s): ${items.map((item) => `${item.ts}s/${item.inliers}`).join(", ")}`);
      if (hit) {
        found++;
        expect(hit.box).toBeDefined();
      }
    }
    console.log(`top-5 within 1.5 s: re-ranked ${found}/${crops.length}, embedding only ${foundByEmbedding}/${crops.length}`);
    expect(found / crops.length).toBeGreaterThanOrEqual(0.8);
    // Each embedding alone, for the record (README: which retrieves better).
    for (const embedding of ["rgb", "cnn", "joint"]) {
      let top5 = 0;
      for (const crop of crops) {
        const response = await request.post("/features/search", { data: { job_id: jobId, product_id: crop.product_id, limit: 5, rerank: false, embedding } });
        expect(response.status()).toBe(200);
        const { items } = (await response.json()) as { items: Hit[] };
        if (items.some((item) => item.video_id === review.video_id && Math.abs(item.ts - crop.at) <= 1.5)) top5++;
      }
      console.log(`embedding ${embedding} alone: top-5 within 1.5 s ${top5}/${crops.length}`);
    }
  });

  test("search by an uploaded image: the frames it was cut from, and its product image first", async ({ request }) => {
    test.skip(!jobId, "needs the job of the first test");
    type Hit = { frame_id: string; video_id: string; ts: number; inliers: number; box?: unknown };
    let found = 0;
    for (const crop of crops) {
      const response = await request.post("/features/search/image", {
        multipart: { job_id: jobId, limit: "5", image: { name: `${crop.product_id}.jpg`, mimeType: "image/jpeg", buffer: fs.readFileSync(path.join(dir, `${crop.product_id}.jpg`)) } },
      });
      expect(response.status(), await response.text()).toBe(200);
      const body = (await response.json()) as { items: Hit[]; products: { img_id: string; similarity: number }[] };
      expect(body.items.length).toBeLessThanOrEqual(5);
      // The job holds this very picture as a product image: it must be the nearest one (not
      // identical: GrabCut's initial clustering is random, so the two masks differ a little).
      expect(body.products[0].img_id).toBe(`${crop.product_id}_img_0`);
      expect(body.products[0].similarity).toBeGreaterThan(0.85);
      const hit = body.items.find((item) => Math.abs(item.ts - crop.at) <= 1.5);
      console.log(`image search ${crop.product_id} (cut at ${crop.at} s): ${body.items.map((item) => `${item.ts}s/${item.inliers}`).join(", ")}`);
      if (hit) found++;
    }
    expect(found / crops.length).toBeGreaterThanOrEqual(0.8);
    const notImage = await request.post("/features/search/image", { multipart: { job_id: jobId, image: { name: "a.jpg", mimeType: "image/jpeg", buffer: Buffer.from("not a picture at all") } } });
    expect(notImage.status()).toBe(415);
    expect(Object.keys(await notImage.json())).toEqual(["detail"]);
    const noFile = await request.post("/features/search/image", { multipart: { job_id: jobId } });
    expect(noFile.status()).toBe(400);
    const unknownJob = await request.post("/features/search/image", {
      multipart: { job_id: "00000000-0000-4000-8000-000000000000", image: { name: "a.jpg", mimeType: "image/jpeg", buffer: fs.readFileSync(path.join(dir, "p_walkers.jpg")) } },
    });
    expect(unknownJob.status()).toBe(404);
    // Each uploaded picture is gone once its answer is made, found or not.
    const leftInTmp = fs.readdirSync(path.resolve(e2eDataDir, "tmp")).filter((name) => name.endsWith(".jpg"));
    expect(leftInTmp).toEqual([]);
    const missing = await request.post("/features/search", { data: { job_id: jobId, product_id: "p_nobody" } });
    expect(missing.status()).toBe(404);
    const neither = await request.post("/features/search", { data: { job_id: jobId } });
    expect(neither.status()).toBe(400);
  });

  test("another account's feature job is 404 on every endpoint, to anonymous callers too", async ({ request }) => {
    const register = async (name: string) => {
      const response = await request.post("/register", { data: { email: `${name}-${Date.now()}@example.com` } });
      expect(response.status()).toBe(200);
      return ((await response.json()) as { api_key: string }).api_key;
    };
    const owner = { "X-API-Key": await register("features-owner") };
    const stranger = { "X-API-Key": await register("features-stranger") };
    const created = await request.post("/jobs/?job_type=extract_features", {
      headers: owner,
      data: { products: [{ product_id: "p_own", images: [`${base}/p_walkers.jpg`] }], features: ["embedding"] },
    });
    expect(created.status(), await created.text()).toBe(202);
    const id = ((await created.json()) as { id: string }).id;
    await expect.poll(async () => ((await (await request.get(`/status/${id}`, { headers: owner })).json()) as { phase: string }).phase, { timeout: 120_000 }).toBe("completed");
    for (const headers of [stranger, {}]) {
      for (const url of [`/status/${id}`, `/jobs/${id}/images`, `/jobs/${id}/videos`, `/jobs/${id}/features/summary`, `/jobs/${id}`]) {
        const response = await request.get(url, { headers });
        expect(response.status(), url).toBe(404);
        expect(Object.keys(await response.json())).toEqual(["detail"]);
      }
      const search = await request.post("/features/search", { headers, data: { job_id: id, product_id: "p_own" } });
      expect(search.status()).toBe(404);
      const byImage = await request.post("/features/search/image", {
        headers,
        multipart: { job_id: id, image: { name: "a.jpg", mimeType: "image/jpeg", buffer: fs.readFileSync(path.join(dir, "p_walkers.jpg")) } },
      });
      expect(byImage.status()).toBe(404);
    }
  });

  test("the multipart variant carries the files themselves", async ({ request }) => {
    ffmpeg("-f", "lavfi", "-i", "testsrc=duration=3:size=320x240:rate=10", "-c:v", "libx264", "-pix_fmt", "yuv420p", path.join(dir, "upload.mp4"));
    const response = await request.post("/jobs/?job_type=extract_features", {
      multipart: {
        payload: JSON.stringify({ products: [{ product_id: "p_up", title: "Uploaded" }], features: ["embedding", "keypoints"] }),
        fps: "1",
        "image:p_up": { name: "walkers.jpg", mimeType: "image/jpeg", buffer: fs.readFileSync(path.join(dir, "p_walkers.jpg")) },
        video: { name: "upload.mp4", mimeType: "video/mp4", buffer: fs.readFileSync(path.join(dir, "upload.mp4")) },
      },
    });
    expect(response.status(), await response.text()).toBe(202);
    const job = (await response.json()) as { id: string; payload: { videos: { source_asset_id: string }[]; products: { uploaded_images: string[] }[] } };
    const staged = path.resolve(e2eDataDir, "uploads", "feature-images", job.payload.products[0].uploaded_images[0]);
    await expect.poll(async () => (await getJson<{ phase: string }>(request, `/status/${job.id}`)).phase, { timeout: 120_000 }).toBe("completed");
    // The staged upload is gone once the job has its own copy.
    expect(fs.existsSync(staged)).toBe(false);
    const images = await getJson<Listed<{ img_id: string; local_path: string }>>(request, `/jobs/${job.id}/images`);
    expect(images.items).toEqual([expect.objectContaining({ img_id: "p_up_img_0", local_path: "products/p_up/0.jpg" })]);
    const videos = await getJson<Listed<{ platform: string; frames_count: number }>>(request, `/jobs/${job.id}/videos`);
    expect(videos.items).toEqual([expect.objectContaining({ platform: "upload", frames_count: 3 })]);
    const features = await getJson<Listed<{ has_segment: boolean; has_embedding: boolean; has_keypoints: boolean }>>(request, `/jobs/${job.id}/features/video-frames`);
    expect(features.items.every((frame) => !frame.has_segment && frame.has_embedding && frame.has_keypoints)).toBe(true);
    const wrongKind = await request.post("/jobs/?job_type=render", { multipart: { video: { name: "a.mp4", mimeType: "video/mp4", buffer: Buffer.from("x") } } });
    expect(wrongKind.status()).toBe(400);
  });
});
