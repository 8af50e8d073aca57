import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { VideoReframer } from "../../clients/ts/video-reframer";
import { makeSpeech, wordErrorRate } from "../../lib/speech/test-speech";
import { contractDecodeRle } from "../../lib/reframer/contract-rle";
import { e2eVideoDir } from "../global-setup";
import { registerKey } from "./keys";

/**
 * contracts/reframer.md over real HTTP: POST /process, the polling loop on GET /job, the
 * streamed GET /results with masks, tracks and scenes, and the reframed video; every
 * documented error. The 12 s street clip (vtest) is uploaded once, with aspect 9:16, and
 * shared by the tests that read it.
 */
test.describe.configure({ mode: "serial" });

const hasVtest = fs.existsSync(path.join(e2eVideoDir, "vtest-12s.mp4"));
const mainName = hasVtest ? "vtest-12s.mp4" : "pattern.mp4";
const jobTimeout = 240_000;
const workDir = path.resolve(".cache/e2e-reframer");

type Job = { job_id: string; status: string; progress_percent?: number; current_step?: string; video_id?: string; error_message?: string };
type Box = { x: number; y: number; width: number; height: number };
type Detection = { class: string; label: string; confidence: number; bbox: Box; track_id?: string };
type Mask = { track_id: string; class: string; mask_rle: string; mask_area_pixels: number };
type Results = {
  job_id: string;
  status: string;
  metadata: { duration_seconds: number; width: number; height: number; fps: number; codec: string; total_frames: number };
  detections: Record<string, Detection[]>;
  segmentation_masks: Record<string, Mask[]>;
  tracking: Record<string, { class: string; start_frame: number; end_frame: number; duration_frames: number; avg_confidence: number; frames: { frame: number; timestamp: number; confidence: number }[] }>;
  scenes: { scene_number: number; start_frame: number; end_frame: number; description: string; importance: number; replaceable_elements: { type: string; description: string; difficulty: string }[] }[];
  reframed_video_url?: string;
  reframe?: { width: number; height: number; jitter: number };
};

let keyA = "";
let keyB = "";
let mainJob = "";


function upload(request: APIRequestContext, key: string | null, file: { name: string; buffer: Buffer }, fields: Record<string, string> = {}) {
  return request.post("/process", { headers: key ? { "X-API-Key": key } : {}, multipart: { ...fields, file: { name: file.name, mimeType: "video/mp4", buffer: file.buffer } } });
}

/** The contract's polling loop: GET /job every second until completed or failed. */
async function waitFor(request: APIRequestContext, key: string, jobId: string, seen: Job[] = []): Promise<Job> {
  const deadline = Date.now() + jobTimeout;
  for (;;) {
    const response = await request.get(`/job/${jobId}`, { headers: { "X-API-Key": key } });
    expect(response.status()).toBe(200);
    const job = (await response.json()) as Job;
    seen.push(job);
    if (job.status === "completed" || job.status === "failed") return job;
    if (Date.now() > deadline) throw new Error(`job ${jobId} still ${job.status} at ${job.progress_percent}%`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

async function results(request: APIRequestContext, key: string, jobId: string, query = ""): Promise<Results> {
  const response = await request.get(`/results/${jobId}${query}`, { headers: { "X-API-Key": key } });
  expect(response.status()).toBe(200);
  return (await response.json()) as Results;
}


test.beforeAll(async ({ request }) => {
  keyA = await registerKey(request, "reframer");
  keyB = await registerKey(request, "reframer");
  fs.mkdirSync(workDir, { recursive: true });
});

test("POST /process: every documented error, word for word, with rate limit headers", async ({ request, baseURL }) => {
  const video = { name: "pattern.mp4", buffer: fs.readFileSync(path.join(e2eVideoDir, "pattern.mp4")) };
  const missing = await upload(request, null, video);
  expect(missing.status()).toBe(401);
  expect(await missing.json()).toEqual({ detail: "Missing API key" });
  const invalid = await upload(request, "vr_not_a_real_key", video);
  expect(invalid.status()).toBe(401);
  expect(await invalid.json()).toEqual({ detail: "Invalid API key" });

  const text = await upload(request, keyA, { name: "notes.txt", buffer: Buffer.from("not a video\n") });
  expect(text.status()).toBe(400);
  expect(await text.json()).toEqual({ detail: "Invalid file format" });
  for (const name of ["X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"]) expect(text.headers()[name.toLowerCase()]).toMatch(/^\d+$/);

  const renamed = await upload(request, keyA, { name: "clip.wmv", buffer: video.buffer });
  expect(renamed.status()).toBe(400);
  expect(await renamed.json()).toEqual({ detail: "Invalid file format" });

  const aspect = await upload(request, keyA, video, { aspect: "3:7" });
  expect(aspect.status()).toBe(400);
  expect(((await aspect.json()) as { detail: string }).detail).toBe("aspect must be one of 9:16, 1:1, 4:5, 16:9");
  const fps = await upload(request, keyA, video, { fps: "500" });
  expect(fps.status()).toBe(400);
  expect(((await fps.json()) as { detail: string }).detail).toMatch(/^fps must be/);

  const none = await request.post("/process", { headers: { "X-API-Key": keyA }, multipart: { aspect: "9:16" } });
  expect(none.status()).toBe(400);

  // A declared body past the limit: 413 before any of it is sent (the node-level check).
  const url = new URL(baseURL!);
  const reply = await new Promise<string>((resolve, reject) => {
    const socket = net.connect(Number(url.port), url.hostname, () => {
      socket.write(`POST /process HTTP/1.1\r\nHost: ${url.host}\r\nX-API-Key: ${keyA}\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: ${600 * 1024 * 1024}\r\n\r\n`);
    });
    let text = "";
    socket.setEncoding("latin1");
    socket.on("data", (data: string) => (text += data));
    socket.on("close", () => resolve(text));
    socket.on("error", reject);
    setTimeout(() => reject(new Error("no answer within 10 s")), 10_000);
  });
  const [head, answer] = reply.split("\r\n\r\n");
  expect(head).toMatch(/^HTTP\/1\.1 413 /);
  expect(JSON.parse(answer)).toEqual({ detail: "File size exceeds 500MB limit" });
  // Counted against the key like any other answer, and saying so.
  expect(head).toMatch(/\r\nx-ratelimit-limit: 100\r\n/i);
  expect(head).toMatch(/\r\nx-ratelimit-remaining: \d+\r\n/i);
  expect(head).toMatch(/\r\nx-ratelimit-reset: \d{10}\r\n/i);
});

test("the 12 s street clip: 202 before completion, progress that never goes back, another key's job 404", async ({ request }) => {
  const created = await upload(request, keyA, { name: mainName, buffer: fs.readFileSync(path.join(e2eVideoDir, mainName)) }, { aspect: "9:16", fps: "5" });
  expect(created.status(), await created.text()).toBe(200);
  const body = (await created.json()) as { job_id: string; status: string; message: string };
  expect(body.status).toBe("queued");
  expect(body.message).toBe("Video queued for processing");
  expect(created.headers()["x-ratelimit-limit"]).toBe("100");
  mainJob = body.job_id;

  const early = await request.get(`/results/${mainJob}`, { headers: { "X-API-Key": keyA } });
  expect(early.status()).toBe(202);
  expect(((await early.json()) as { detail: string }).detail).toMatch(/still (queued|processing)/);

  for (const url of [`/job/${mainJob}`, `/results/${mainJob}`, `/results/${mainJob}/reframed.mp4`]) {
    const other = await request.get(url, { headers: { "X-API-Key": keyB } });
    expect(other.status(), url).toBe(404);
    expect(await other.json()).toEqual({ detail: "Job not found" });
  }
  const unknown = await request.get("/job/00000000-0000-4000-8000-000000000000", { headers: { "X-API-Key": keyA } });
  expect(unknown.status()).toBe(404);
  expect(await unknown.json()).toEqual({ detail: "Job not found" });
  expect((await request.get(`/job/${mainJob}`)).status()).toBe(401);

  const seen: Job[] = [];
  const done = await waitFor(request, keyA, mainJob, seen);
  expect(done.status, done.error_message).toBe("completed");
  expect(done.progress_percent).toBe(100);
  expect(done.current_step).toBe("Processing complete");
  expect(done.video_id).toMatch(/^[0-9a-f-]{36}$/);
  const percents = seen.map((job) => job.progress_percent ?? 0);
  percents.forEach((value, i) => {
    expect(Number.isInteger(value)).toBe(true);
    if (i > 0) expect(value).toBeGreaterThanOrEqual(percents[i - 1]);
  });
  console.log(`steps seen: ${[...new Set(seen.map((job) => job.current_step))].join(" | ")}`);
});

test("results: detections, real masks inside their boxes, tracks, scenes, and the reframed video", async ({ request }) => {
  test.skip(!hasVtest, "needs ../shared/media/vtest.avi");
  test.setTimeout(400_000);
  const r = await results(request, keyA, mainJob);
  expect(r.status).toBe("success");
  expect(r.metadata).toMatchObject({ width: 768, height: 576, codec: "h264" });
  expect(r.metadata.total_frames).toBe(Math.round(r.metadata.duration_seconds * r.metadata.fps));
  expect(r.metadata.duration_seconds).toBeCloseTo(12, 0);
  fs.writeFileSync(path.join(workDir, "results.json"), JSON.stringify(r));
  const frames = Object.keys(r.detections);
  expect(frames.length).toBeGreaterThan(40);
  const all = Object.values(r.detections).flat();
  expect(all.every((d) => d.class === "person" || d.class === "product")).toBe(true);
  expect(all.filter((d) => d.class === "person").length).toBeGreaterThan(50);
  expect(all.every((d) => Number.isInteger(d.bbox.x) && Number.isInteger(d.bbox.width))).toBe(true);
  const coco = await results(request, keyA, mainJob, "?classes=coco");
  expect(Object.values(coco.detections).flat().some((d) => d.class === "person")).toBe(true);

  // Masks decode to width x height with the contract's decoder, lie inside their object's box,
  // and are not the box.
  const masked = Object.entries(r.segmentation_masks);
  expect(masked.length).toBeGreaterThan(5);
  let checked = 0;
  const fills: number[] = [];
  for (const [frame, masks] of masked) {
    for (const mask of masks) {
      const bits = contractDecodeRle(mask.mask_rle);
      expect(bits.length).toBe(r.metadata.width * r.metadata.height);
      const ones: number[] = [];
      bits.forEach((zero, i) => {
        if (!zero) ones.push(i);
      });
      expect(ones.length).toBe(mask.mask_area_pixels);
      const box = r.detections[frame].find((d) => d.track_id === mask.track_id)!.bbox;
      let minX = Infinity, maxX = -1, minY = Infinity, maxY = -1, outside = 0;
      for (const i of ones) {
        const x = i % r.metadata.width;
        const y = Math.floor(i / r.metadata.width);
        if (!(x >= box.x && x < box.x + box.width && y >= box.y && y < box.y + box.height)) outside++;
        minX = Math.min(minX, x); maxX = Math.max(maxX, x); minY = Math.min(minY, y); maxY = Math.max(maxY, y);
      }
      expect(outside, `${mask.track_id} at frame ${frame}: pixels outside its box`).toBe(0);
      // Not the box: smaller than it, and not a filled rectangle of its own.
      expect(ones.length).toBeLessThan(box.width * box.height);
      const fill = ones.length / ((maxX - minX + 1) * (maxY - minY + 1));
      expect(fill).toBeLessThan(0.99);
      fills.push(fill);
      checked++;
    }
  }
  expect(checked).toBeGreaterThan(5);
  // Silhouettes, not rectangles: the typical mask fills well under its bounding rectangle.
  const median = [...fills].sort((a, b) => a - b)[Math.floor(fills.length / 2)];
  console.log(`masks checked ${checked}; median fill of their own bounding rectangle ${median.toFixed(2)}`);
  expect(median).toBeLessThan(0.85);
  expect(masked.flatMap(([, masks]) => masks).some((m) => m.class === "person")).toBe(true);

  const tracks = Object.entries(r.tracking);
  expect(tracks.length).toBeGreaterThan(2);
  expect(tracks[0][0]).toBe("obj_001");
  for (const [, track] of tracks) {
    expect(track.duration_frames).toBe(track.end_frame - track.start_frame);
    expect(track.frames[0].frame).toBe(track.start_frame);
  }
  expect(r.scenes.length).toBeGreaterThan(0);
  expect(r.scenes[0].scene_number).toBe(1);
  expect(r.scenes[0].description).toMatch(/people/);
  expect(r.scenes[0].importance).toBeGreaterThanOrEqual(1);
  expect(r.scenes[0].replaceable_elements.length).toBeGreaterThan(0);

  // The reframed video, served with Range; 9:16 from 768x576 is 324x576.
  expect(r.reframed_video_url).toMatch(new RegExp(`/results/${mainJob}/reframed\\.mp4$`));
  expect(r.reframe).toMatchObject({ width: 324, height: 576 });
  console.log(`crop jitter (mean |second difference| of x): ${r.reframe!.jitter} px/frame²`);
  expect(r.reframe!.jitter).toBeLessThan(1.5);
  const part = await request.get(`/results/${mainJob}/reframed.mp4`, { headers: { "X-API-Key": keyA, Range: "bytes=0-99" } });
  expect(part.status()).toBe(206);
  expect((await part.body()).length).toBe(100);
  const whole = await request.get(`/results/${mainJob}/reframed.mp4`, { headers: { "X-API-Key": keyA } });
  expect(whole.status()).toBe(200);
  const reframed = path.join(workDir, "reframed.mp4");
  fs.writeFileSync(reframed, await whole.body());
  const probe = JSON.parse(execFileSync("ffprobe", ["-v", "error", "-show_streams", "-of", "json", reframed]).toString()) as { streams: { codec_name: string; width?: number; height?: number }[] };
  expect(probe.streams[0]).toMatchObject({ codec_name: "h264", width: 324, height: 576 });
  // +faststart: the moov atom comes before mdat.
  const head = fs.readFileSync(reframed).subarray(0, 4096).toString("latin1");
  expect(head.indexOf("moov")).toBeGreaterThan(0);
  expect(head.indexOf("moov")).toBeLessThan(head.indexOf("mdat") === -1 ? Infinity : head.indexOf("mdat"));

});

test("the reframe of a walking person keeps the subject in the middle 60% of the frame", async ({ request }) => {
  test.setTimeout(400_000);
  // A person (the middle third of ../shared/media/person.jpg: the man in blue, with a piece of
  // the horse) walking across a 1280x480 frame over 8 s.
  const walk = path.join(workDir, "walking-v2.mp4");
  const still = path.resolve("../shared/media/person.jpg");
  test.skip(!fs.existsSync(still), "needs ../shared/media/person.jpg");
  if (!fs.existsSync(walk)) {
    execFileSync("ffmpeg", ["-v", "error", "-y", "-f", "lavfi", "-i", "color=c=0x607080:s=1280x480:r=10:d=8", "-i", still, "-filter_complex", "[1]scale=-2:300,crop=iw/3:ih:iw/3:0[p];[0][p]overlay=x='40+t*130':y=120", "-c:v", "libx264", "-pix_fmt", "yuv420p", walk]);
  }
  const created = await upload(request, keyA, { name: "walking.mp4", buffer: fs.readFileSync(walk) }, { aspect: "9:16" });
  expect(created.status(), await created.text()).toBe(200);
  const { job_id } = (await created.json()) as { job_id: string };
  expect((await waitFor(request, keyA, job_id)).status).toBe("completed");
  const r = await results(request, keyA, job_id);
  fs.writeFileSync(path.join(workDir, "walking-results.json"), JSON.stringify(r));
  console.log(`walking person: crop jitter ${r.reframe!.jitter} px/frame²`);
  expect(r.reframe!.jitter).toBeLessThan(1.5);
  const whole = await request.get(`/results/${job_id}/reframed.mp4`, { headers: { "X-API-Key": keyA } });
  expect(whole.status()).toBe(200);
  const reframed = path.join(workDir, "walking-reframed.mp4");
  fs.writeFileSync(reframed, await whole.body());

  // The detector on the reframed video finds the subject (the largest person) inside the middle
  // 60% of the frame in at least 90% of the sampled frames where it finds a person.
  const again = await upload(request, keyA, { name: "walking-reframed.mp4", buffer: fs.readFileSync(reframed) });
  expect(again.status(), await again.text()).toBe(200);
  const check = (await again.json()) as { job_id: string };
  expect((await waitFor(request, keyA, check.job_id)).status).toBe("completed");
  const detected = await results(request, keyA, check.job_id);
  const width = detected.metadata.width;
  const perFrame = Object.values(detected.detections)
    .map((list) => list.filter((d) => d.class === "person").sort((a, b) => b.bbox.width * b.bbox.height - a.bbox.width * a.bbox.height)[0])
    .filter(Boolean);
  const centred = perFrame.filter((d) => {
    const cx = d.bbox.x + d.bbox.width / 2;
    return cx >= 0.2 * width && cx <= 0.8 * width;
  });
  console.log(`subject centred in ${centred.length}/${perFrame.length} sampled frames of the walking reframe`);
  expect(perFrame.length).toBeGreaterThan(25);
  expect(centred.length / perFrame.length).toBeGreaterThanOrEqual(0.9);
});

test("scenes: a cut between two different clips is found within 0.5 s", async ({ request }) => {
  test.setTimeout(300_000);
  const joined = path.join(workDir, "two-clips.mp4");
  if (!fs.existsSync(joined)) {
    execFileSync("ffmpeg", ["-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=duration=3:size=640x360:rate=25", "-f", "lavfi", "-i", "mandelbrot=size=640x360:rate=25", "-filter_complex", "[1]trim=duration=3,setpts=PTS-STARTPTS[b];[0][b]concat=n=2:v=1[v]", "-map", "[v]", "-c:v", "libx264", "-pix_fmt", "yuv420p", joined]);
  }
  const created = await upload(request, keyA, { name: "two-clips.mp4", buffer: fs.readFileSync(joined) });
  expect(created.status(), await created.text()).toBe(200);
  const { job_id } = (await created.json()) as { job_id: string };
  expect((await waitFor(request, keyA, job_id)).status).toBe("completed");
  const r = await results(request, keyA, job_id);
  expect(r.reframed_video_url).toBeUndefined();
  expect(r.scenes.length).toBe(2);
  const cut = r.scenes[1].start_frame / r.metadata.fps;
  expect(Math.abs(cut - 3)).toBeLessThanOrEqual(0.5);
  expect(r.scenes[0].end_frame).toBe(r.scenes[1].start_frame - 1);
  expect((await request.get(`/results/${job_id}/reframed.mp4`, { headers: { "X-API-Key": keyA } })).status()).toBe(404);
});

test("scenes: the text on screen and the speech of a video made here are in its descriptions", async ({ request }) => {
  test.setTimeout(300_000);
  // A key of its own: keyA's 100 requests an hour go on the earlier tests' 1 s polling, and
  // on a loaded box their jobs take long enough to use them up.
  const key = await registerKey(request, "reframer-scenes");
  // A caption drawn by ffmpeg over a plain background, and flite speech under it.
  const speech = await makeSpeech(workDir, { sentences: [{ voice: "slt", text: "please open the door and turn on the light" }] });
  const captioned = path.join(workDir, "captioned.mp4");
  const font = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";
  execFileSync("ffmpeg", [
    "-v", "error", "-y", "-f", "lavfi", "-i", `color=c=0x203060:s=640x360:r=10:d=${speech.duration.toFixed(2)}`, "-i", speech.wav,
    "-vf", `drawtext=fontfile=${font}:text='GRAND OPENING':fontsize=56:fontcolor=white:x=(w-tw)/2:y=(h-th)/2`,
    "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", captioned,
  ]);
  const created = await upload(request, key, { name: "captioned.mp4", buffer: fs.readFileSync(captioned) });
  expect(created.status(), await created.text()).toBe(200);
  const { job_id } = (await created.json()) as { job_id: string };
  expect((await waitFor(request, key, job_id)).status).toBe("completed");
  const r = (await results(request, key, job_id)) as Results & { scenes: { description_source: string; text_on_screen: string[]; speech: string | null }[] };
  expect(r.scenes).toHaveLength(1);
  const [scene] = r.scenes;
  expect(scene.description_source).toBe("measured");
  expect(scene.text_on_screen.map((line) => line.toLowerCase().replace(/[^a-z]/g, ""))).toContain("grandopening");
  expect(scene.description).toMatch(/text on screen: "GRAND ?OPENING"/i);
  expect(wordErrorRate(speech.placements[0].text, scene.speech ?? "")).toBeLessThanOrEqual(0.34);
  expect(scene.description).toContain(`speech: "${scene.speech}"`);
});

test("clients: the contract's Python polling loop and SDK example, and the TypeScript client, as written", async ({ request, baseURL }) => {
  test.setTimeout(400_000);
  // Its own key, as the scenes test: the clients poll with it.
  const clientKey = await registerKey(request, "reframer-clients");
  const python = spawnSync("python3", ["-c", "import requests"]);
  test.skip(python.status !== 0, "python3 with requests is not installed");
  const dir = path.join(workDir, "clients");
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(path.join(e2eVideoDir, "pattern.mp4"), path.join(dir, "video.mp4"));

  // The contract's polling loop, verbatim after its three names are set.
  const created = await upload(request, clientKey, { name: "pattern.mp4", buffer: fs.readFileSync(path.join(e2eVideoDir, "pattern.mp4")) });
  const { job_id } = (await created.json()) as { job_id: string };
  const loop = `import json
BASE_URL = ${JSON.stringify(baseURL)}
import requests
import time

job_id = ${JSON.stringify(job_id)}
api_key = ${JSON.stringify(clientKey)}

while True:
    response = requests.get(
        f"{BASE_URL}/job/{job_id}",
        headers={"X-API-Key": api_key}
    )
    data = response.json()

    if data["status"] == "completed":
        results = requests.get(
            f"{BASE_URL}/results/{job_id}",
            headers={"X-API-Key": api_key}
        ).json()
        print("Results:", json.dumps(results)[:200])
        break
    elif data["status"] == "failed":
        print("Error:", data["error_message"])
        break
    else:
        print(f"Progress: {data['progress_percent']}%")
        time.sleep(2)

def decode_rle(rle_string):
    rle = [int(x) for x in rle_string.split(',')]
    result = []
    is_zero = True
    for count in rle:
        result.extend([is_zero] * count)
        is_zero = not is_zero
    return result

size = results["metadata"]["width"] * results["metadata"]["height"]
for masks in results["segmentation_masks"].values():
    for mask in masks:
        assert len(decode_rle(mask["mask_rle"])) == size
print("MASKS", sum(len(m) for m in results["segmentation_masks"].values()), "SCENES", len(results["scenes"]))
`;
  fs.writeFileSync(path.join(dir, "loop.py"), loop);
  const ran = spawnSync("python3", ["loop.py"], { cwd: dir, encoding: "utf8", timeout: 300_000 });
  expect(ran.status, ran.stderr).toBe(0);
  expect(ran.stdout).toContain("Results:");
  expect(ran.stdout).toMatch(/SCENES 1/);

  // The contract's Python SDK example, as written, with the package on PYTHONPATH.
  fs.writeFileSync(
    path.join(dir, "sdk.py"),
    `from video_reframer import Client\n\nclient = Client(api_key=${JSON.stringify(clientKey)})\njob = client.process("video.mp4")\nresults = job.wait()\nprint(results.detections)\nprint("METADATA", results.metadata["width"], results.metadata["height"])\n`,
  );
  const sdk = spawnSync("python3", ["sdk.py"], { cwd: dir, encoding: "utf8", timeout: 300_000, env: { ...process.env, PYTHONPATH: path.resolve("clients/python"), VIDEO_REFRAMER_URL: baseURL } });
  expect(sdk.status, sdk.stderr).toBe(0);
  expect(sdk.stdout).toContain("METADATA 640 360");

  // The contract's JavaScript example, with the TypeScript client.
  process.env.VIDEO_REFRAMER_URL = baseURL;
  const seen: number[] = [];
  const client = new VideoReframer(clientKey);
  const job = await client.process(path.join(dir, "video.mp4"), { aspect: "1:1" });
  const results = await job.wait({ intervalMs: 1000, onProgress: (status) => seen.push(status.progress_percent ?? 0) });
  console.log(`TS client: ${Object.keys(results.detections).length} frames with detections, progress ${seen.join(",")}`);
  expect(results.metadata.width).toBe(640);
  expect(results.reframed_video_url).toContain(`/results/${job.id}/reframed.mp4`);
  expect(seen[seen.length - 1]).toBe(100);
  await expect(new VideoReframer("vr_wrong").process(path.join(dir, "video.mp4"))).rejects.toThrow("401: Invalid API key");
});
