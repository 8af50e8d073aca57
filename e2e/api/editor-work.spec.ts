import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { makeSpeech, wordErrorRate, type Placement } from "../../lib/speech/test-speech";
import { e2eVideoDir } from "../global-setup";

/**
 * issue 14 over real HTTP: each editor job does its work on real media. The speech video is
 * made here: three flite sentences with silences between, under a test pattern.
 */
type Job = {
  id: string;
  status: string;
  error_message: string | null;
  completed_at: string | null;
  result_payload: ({ progress: number; log: { message: string }[]; files: Record<string, string> } & Record<string, unknown>) | null;
};

const speechName = "speech-e2e.mp4";
let placements: Placement[] = [];
let duration = 0;
let work: string;

test.beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "framewise-editor-e2e-"));
  const made = await makeSpeech(work, { video: true });
  fs.copyFileSync(made.video!, path.join(e2eVideoDir, speechName));
  placements = made.placements;
  duration = made.duration;
});
test.afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** The address the server is reached at: absolute file URLs start with it. */
const origin = () => test.info().project.use.baseURL!.replace(/\/$/, "");

async function run(request: APIRequestContext, type: string, payload: Record<string, unknown>, timeout = 90_000): Promise<Job> {
  const created = await request.post(`/jobs/?job_type=${type}`, { data: payload });
  expect(created.status(), await created.text()).toBe(202);
  const { id } = (await created.json()) as Job;
  let last: Job | undefined;
  await expect
    .poll(async () => {
      last = (await (await request.get(`/jobs/${id}`)).json()) as Job;
      return last.completed_at !== null;
    }, { timeout, intervals: [250, 500] })
    .toBe(true);
  expect(last!.status, last!.error_message ?? "").toBe("completed");
  expect(last!.result_payload!.progress).toBe(1);
  // Absolute, like every contract's links (the server's own address here: no PUBLIC_URL is set).
  for (const url of Object.values(last!.result_payload!.files)) expect(url).toMatch(new RegExp(`^${origin()}/jobs/${id}/files/[^/]+$`));
  expect(JSON.stringify(last)).not.toContain(path.resolve(".cache"));
  return last!;
}

async function download(request: APIRequestContext, url: string, name: string): Promise<string> {
  const response = await request.get(url);
  expect(response.status(), url).toBe(200);
  const file = path.join(work, name);
  fs.writeFileSync(file, await response.body());
  return file;
}

function probe(file: string, args: string[]): Record<string, unknown> {
  return JSON.parse(execFileSync("ffprobe", ["-v", "error", ...args, "-of", "json", file], { encoding: "utf8" }));
}

test("transcribe: VAD + pocketsphinx words with times, files served with Range", async ({ request }) => {
  const job = await run(request, "transcribe", { video_name: speechName, language: "en" });
  const result = job.result_payload as unknown as { transcript: { engine: string; language: string; text: string; words: { word: string; start: number; end: number; confidence: number }[]; segments: { start: number; end: number; text: string }[] }; files: Record<string, string> };
  expect(result.transcript.engine).toBe("pocketsphinx+silero-vad");
  expect(result.transcript.language).toBe("en");
  const wer = wordErrorRate(placements.map((p) => p.text).join(" "), result.transcript.words.map((w) => w.word).join(" "));
  expect(wer).toBeLessThanOrEqual(0.25);
  expect(result.transcript.segments).toHaveLength(placements.length);
  for (const placement of placements) {
    const inside = result.transcript.words.filter((w) => w.start >= placement.start - 0.5 && w.end <= placement.end + 0.5);
    expect(Math.abs(inside[0].start - placement.start)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(inside.at(-1)!.end - placement.end)).toBeLessThanOrEqual(0.5);
  }
  const messages = job.result_payload!.log.map((l) => l.message);
  expect(messages.filter((m) => /^Segment \d\/3/.test(m))).toHaveLength(3);
  expect(Object.keys(result.files).sort()).toEqual(["audio", "json", "srt", "txt", "vtt"]);
  const srt = await request.get(result.files.srt);
  expect(srt.headers()["content-type"]).toBe("application/x-subrip; charset=utf-8");
  expect(await srt.text()).toMatch(/^1\n00:00:0\d,\d{3} --> 00:00:0\d,\d{3}\n/);
  const vtt = await (await request.get(result.files.vtt)).text();
  expect(vtt.startsWith("WEBVTT\n\n")).toBe(true);
  const ranged = await request.get(result.files.txt, { headers: { range: "bytes=0-8" } });
  expect(ranged.status()).toBe(206);
  expect(await ranged.text()).toBe((await (await request.get(result.files.txt)).text()).slice(0, 9));
  expect(JSON.parse(await (await request.get(result.files.json)).text()).words.length).toBe(result.transcript.words.length);
  const missing = await request.get(`/jobs/${job.id}/files/nothing.srt`);
  expect(missing.status()).toBe(404);
  expect(await missing.json()).toEqual({ detail: "File nothing.srt not found" });
  const escape = await request.get(`/jobs/${job.id}/files/..%2F..%2Fjob.json`);
  expect(escape.status()).toBe(404);
});

test("transcribe refuses a language it has no model for", async ({ request }) => {
  const response = await request.post("/jobs/?job_type=transcribe", { data: { video_name: speechName, language: "fr" } });
  expect(response.status()).toBe(400);
  const body = (await response.json()) as { detail: string };
  expect(body.detail).toMatch(/^Request body 'language': no speech model for 'fr' here; available: en/);
});

test("ingest: proxy with 1 s keyframes, poster, sprite + WebVTT, waveform, loudness, shots", async ({ request }) => {
  const job = await run(request, "ingest", { video_name: speechName });
  const result = job.result_payload as unknown as {
    files: Record<string, string>;
    loudness: { integrated_lufs: number; range_lu: number; true_peak_dbtp: number };
    shots: { start: number; end: number }[];
    sprite: { count: number; columns: number; width: number; height: number };
  };
  expect(Object.keys(result.files).sort()).toEqual(["poster", "proxy", "shots", "sprite", "sprite_vtt", "waveform"]);
  const proxy = await download(request, result.files.proxy, "proxy.mp4");
  const keyframes = probe(proxy, ["-select_streams", "v:0", "-skip_frame", "nokey", "-show_entries", "frame=pts_time"]) as { frames: { pts_time: string }[] };
  const times = keyframes.frames.map((f) => Number(f.pts_time));
  expect(times.length).toBeGreaterThanOrEqual(Math.floor(duration) - 1);
  for (let i = 1; i < times.length; i++) expect(times[i] - times[i - 1]).toBeLessThanOrEqual(1.01);
  const streams = probe(proxy, ["-show_entries", "stream=codec_name"]) as { streams: { codec_name: string }[] };
  expect(streams.streams.map((s) => s.codec_name).sort()).toEqual(["aac", "h264"]);
  const poster = await request.get(result.files.poster);
  expect(poster.headers()["content-type"]).toBe("image/jpeg");
  const vtt = await (await request.get(result.files.sprite_vtt)).text();
  expect(vtt).toMatch(/^WEBVTT\n\n00:00:00\.000 --> 00:00:0\d\.\d{3}\nsprite\.jpg#xywh=0,0,160,90\n/);
  expect(result.sprite).toMatchObject({ width: 160, height: 90 });
  const waveform = JSON.parse(await (await request.get(result.files.waveform)).text()) as { length: number; data: number[]; samples_per_pixel: number; sample_rate: number };
  expect(waveform.length).toBeCloseTo((duration * waveform.sample_rate) / waveform.samples_per_pixel, -1);
  // Silence at the start, speech at the first sentence.
  const at = (seconds: number) => Math.round((seconds * waveform.sample_rate) / waveform.samples_per_pixel) * 2;
  expect(Math.abs(waveform.data[at(0.5) + 1])).toBeLessThanOrEqual(1);
  const loudest = Math.max(...waveform.data.slice(at(placements[0].start), at(placements[0].end)));
  expect(loudest).toBeGreaterThan(20);
  expect(result.loudness.integrated_lufs).toBeLessThan(-10);
  expect(result.loudness.integrated_lufs).toBeGreaterThan(-40);
  expect(result.loudness.true_peak_dbtp).toBeLessThanOrEqual(0.5);
  expect(typeof result.loudness.range_lu).toBe("number");
  expect(result.shots[0].start).toBe(0);
  expect(result.shots.at(-1)!.end).toBeCloseTo(duration, 0);
});

test("generate_clip by a spoken phrase returns the moment it was said", async ({ request }) => {
  const job = await run(request, "generate_clip", { video_name: speechName, prompt: "open the door" });
  const clips = (job.result_payload as unknown as { clips: { start: number; end: number; url: string; reason: string }[] }).clips;
  expect(clips).toHaveLength(1);
  const sentence = placements[1];
  expect(clips[0].start).toBeGreaterThanOrEqual(sentence.start - 0.5);
  expect(clips[0].end).toBeLessThanOrEqual(sentence.end + 0.5);
  expect(clips[0].end - clips[0].start).toBeLessThan(sentence.end - sentence.start);
  expect(clips[0].reason).toMatch(/^spoken: "open the door"/);
  const file = await download(request, clips[0].url, "clip.mp4");
  const format = probe(file, ["-show_entries", "format=duration"]) as { format: { duration: string } };
  expect(Number(format.format.duration)).toBeCloseTo(clips[0].end - clips[0].start, 0);

  const byTime = await run(request, "generate_clip", { video_name: speechName, start: 1, end: 3, aspect: "1:1", height: 240 });
  const timed = (byTime.result_payload as unknown as { clips: { start: number; end: number; url: string; reason: string }[] }).clips;
  expect(timed).toEqual([{ start: 1, end: 3, url: `${origin()}/jobs/${byTime.id}/files/clip.mp4`, reason: "start/end" }]);
  const square = probe(await download(request, timed[0].url, "square.mp4"), ["-select_streams", "v:0", "-show_entries", "stream=width,height"]) as { streams: { width: number; height: number }[] };
  expect(square.streams[0]).toEqual({ width: 240, height: 240 });

  const unsaid = await request.post("/jobs/?job_type=generate_clip", { data: { video_name: speechName, prompt: "elephant parade", start: 1 } });
  expect(unsaid.status()).toBe(400);
  expect((await unsaid.json()).detail).toBe("Request body 'prompt': give start/end or prompt, not both");
});

test("render: segments, 9:16, burned captions, overlay, -14 LUFS, +faststart", async ({ request }) => {
  const job = await run(request, "render", {
    video_name: speechName,
    segments: [{ in: placements[0].start - 0.3, out: placements[0].end + 0.3 }, { video_name: speechName, in: placements[2].start - 0.3, out: placements[2].end + 0.3 }],
    aspect: "9:16",
    height: 640,
    captions: true,
    overlay: { text: "Framewise", position: "top" },
  });
  const result = job.result_payload as unknown as { files: Record<string, string>; render: { width: number; height: number; crop: { mode: string }; captions: { cues: number; words: number } } };
  // A test pattern has nobody to follow: the subject crop holds the centre.
  expect(result.render).toMatchObject({ width: 360, height: 640, crop: { mode: "subject" } });
  expect(result.render.captions.words).toBeGreaterThanOrEqual(10);
  const file = await download(request, result.files.video, "render.mp4");
  const info = probe(file, ["-show_entries", "stream=codec_name,width,height:format=duration"]) as { streams: { codec_name: string; width?: number }[]; format: { duration: string } };
  expect(info.streams.map((s) => s.codec_name).sort()).toEqual(["aac", "h264"]);
  const expected = placements[0].end - placements[0].start + placements[2].end - placements[2].start + 1.2;
  expect(Number(info.format.duration)).toBeCloseTo(expected, 0);
  const head = fs.readFileSync(file).subarray(0, 64 * 1024);
  expect(head.indexOf("moov")).toBeGreaterThan(0);
  expect(head.indexOf("mdat") === -1 || head.indexOf("moov") < head.indexOf("mdat")).toBe(true);
  const scan = spawnSync("ffmpeg", ["-hide_banner", "-nostats", "-i", file, "-af", "ebur128=framelog=verbose", "-f", "null", "-"], { encoding: "utf8" });
  const integrated = Number(/Integrated loudness:\s*I:\s*(-?[\d.]+) LUFS/.exec(scan.stderr)?.[1]);
  expect(integrated).toBeGreaterThan(-15.5);
  expect(integrated).toBeLessThan(-12.5);
  const ass = await (await request.get(result.files.captions)).text();
  expect(ass).toMatch(/Dialogue: 0,0:00:0\d\.\d\d,/);
  const progressLines = job.result_payload!.log.map((l) => l.message);
  expect(progressLines.some((m) => m.startsWith("Rendered "))).toBe(true);
});

test("render: segments that each name their video need no source of the job's own", async ({ request }) => {
  test.skip(!fs.existsSync(path.join(e2eVideoDir, "vtest.mp4")), "needs ../shared/media/vtest.avi");
  const job = await run(request, "render", {
    segments: [{ video_name: speechName, in: 0, out: 1 }, { video_name: "vtest.mp4", in: 22, out: 23 }],
    height: 144,
    loudness: null,
  });
  const result = job.result_payload as unknown as { files: { video: string }; render: { segments: number } };
  expect(result.render.segments).toBe(2);
  const info = probe(await download(request, result.files.video, "two-videos.mp4"), ["-show_entries", "format=duration"]) as { format: { duration: string } };
  expect(Number(info.format.duration)).toBeCloseTo(2, 0);
});

test("export: transcript, scenes (CSV, EDL) and a remux, as files and a zip", async ({ request }) => {
  const job = await run(request, "export", { video_name: speechName, formats: ["srt", "json", "scenes_csv", "edl", "mkv"] });
  const files = job.result_payload!.files;
  expect(Object.keys(files).sort()).toEqual(["edl", "json", "mkv", "scenes_csv", "srt", "zip"]);
  expect(await (await request.get(files.scenes_csv)).text()).toMatch(/^index,start,end,duration,score\n0,0\.000,/);
  // EDL columns are fixed-width: the first event's line, spaces and all.
  const edlHead = "TITLE: speech-e2e\nFCM: NON-DROP FRAME\n\n001  AX       V     C        00:00:00:00 ";
  expect((await (await request.get(files.edl)).text()).slice(0, edlHead.length)).toBe(edlHead);
  const mkv = probe(await download(request, files.mkv, "export.mkv"), ["-show_entries", "format=format_name"]) as { format: { format_name: string } };
  expect(mkv.format.format_name).toContain("matroska");
  const zip = await download(request, files.zip, "export.zip");
  const listing = execFileSync("unzip", ["-Z1", zip], { encoding: "utf8" }).trim().split("\n").sort();
  expect(listing).toEqual(["speech-e2e.edl", "speech-e2e.mkv", "speech-e2e.scenes.csv", "speech-e2e.transcript.json", "speech-e2e.transcript.srt"]);
  execFileSync("unzip", ["-tq", zip]);
  const needsAnalysis = await request.post("/jobs/?job_type=export", { data: { video_name: speechName, formats: ["coco"] } });
  expect(needsAnalysis.status()).toBe(400);
  expect((await needsAnalysis.json()).detail).toBe("Request body 'analysis_job_id': give analysis_job_id for coco, mot, detections_csv, tracks_csv or events_csv");
});

test("render: 9:16 follows the walking subject, with an image overlay from VIDEO_INPUT_DIR", async ({ request }) => {
  test.skip(!fs.existsSync(path.join(e2eVideoDir, "vtest.mp4")), "needs ../shared/media/vtest.avi");
  test.setTimeout(180_000);
  execFileSync("ffmpeg", ["-y", "-v", "error", "-f", "lavfi", "-i", "color=c=0xff0000:s=64x64:d=1", "-frames:v", "1", path.join(e2eVideoDir, "logo-e2e.png")]);
  const job = await run(
    request,
    "render",
    { video_name: "vtest.mp4", segments: [{ in: 22, out: 36 }], aspect: "9:16", height: 640, loudness: null, overlay: { image: { image_name: "logo-e2e.png" }, position: "bottom-right", scale: 0.2, opacity: 1 } },
    150_000,
  );
  const result = job.result_payload as unknown as { files: Record<string, string>; render: { crop: { mode: string; segments: { min: number; max: number; centre: number; seen: number; sampled: number }[] }; overlay: unknown } };
  expect(result.render.overlay).toEqual({ text: false, image: true, position: "bottom-right" });
  const [crop] = result.render.crop.segments;
  expect(result.render.crop.mode).toBe("subject");
  expect(crop.seen / crop.sampled).toBeGreaterThan(0.8);
  expect(crop.max - crop.min).toBeGreaterThan(150);
  const file = await download(request, result.files.video, "tall.mp4");
  // The overlay: 72 px square (0.2 x 360), 14.4 px (4% of the width) from the bottom-right corner.
  const rgb = execFileSync("ffmpeg", ["-v", "error", "-ss", "5", "-i", file, "-frames:v", "1", "-vf", `crop=2:2:${360 - 14 - 36}:${640 - 14 - 36},format=rgb24`, "-f", "rawvideo", "pipe:1"]);
  expect(rgb[0]).toBeGreaterThan(235);
  expect(rgb[1]).toBeLessThan(25);
  expect(job.result_payload!.log.some((l) => l.message.startsWith("Subject crop for segment 1/1"))).toBe(true);
});

test("cancel mid-render stops ffmpeg, removes partial output, status cancelled", async ({ request }) => {
  const created = await request.post("/jobs/?job_type=render", { data: { video_name: speechName, height: 1080, segments: [{ in: 0, out: duration }, { in: 0, out: duration }, { in: 0, out: duration }] } });
  const { id } = (await created.json()) as Job;
  await expect
    .poll(async () => {
      const job = (await (await request.get(`/jobs/${id}`)).json()) as Job;
      return job.status === "in_progress" && (job.result_payload?.progress ?? 0) > 0.02;
    }, { timeout: 60_000, intervals: [100] })
    .toBe(true);
  const ffmpegRunning = () => execFileSync("ps", ["-eo", "args"], { encoding: "utf8" }).split("\n").filter((line) => line.startsWith("ffmpeg") && line.includes(id));
  expect(ffmpegRunning().length).toBe(1);
  const cancelled = await request.post(`/jobs/${id}/cancel`);
  expect(cancelled.status()).toBe(200);
  expect(((await cancelled.json()) as Job).status).toBe("cancelled");
  await expect.poll(() => ffmpegRunning().length, { timeout: 10_000 }).toBe(0);
  await expect.poll(async () => (await request.get(`/jobs/${id}/files/render.mp4`)).status(), { timeout: 10_000 }).toBe(404);
  const mediaDir = path.join(process.env.E2E_DATA_DIR ?? ".cache/e2e-data", "jobs", id, "media");
  await expect.poll(() => (fs.existsSync(mediaDir) ? fs.readdirSync(mediaDir) : []), { timeout: 10_000 }).toEqual([]);
  // Long enough for the stopped step's failure to reach onFailure: it must not log a failure.
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const after = (await (await request.get(`/jobs/${id}`)).json()) as Job;
  expect(after.status).toBe("cancelled");
  expect(after.error_message).toBeNull();
  const messages = after.result_payload!.log.map((l) => l.message);
  expect(messages.filter((m) => m.startsWith("Failed"))).toEqual([]);
  expect(messages.at(-1)).toBe("Cancelled");
});

test("with an analysis job: generate_clip by a detected class, COCO and MOT exports in their published formats", async ({ request }) => {
  test.skip(!fs.existsSync(path.join(e2eVideoDir, "vtest-12s.mp4")), "needs ../shared/media/vtest.avi");
  test.setTimeout(240_000);
  const started = await request.post("/api/jobs/start", { form: { tripId: "EDITOR-1", videoName: "vtest-12s.mp4", options: JSON.stringify({ fps: 2, tasks: ["detect"] }) } });
  expect(started.status(), await started.text()).toBe(200);
  const { job_id: analysisId } = (await started.json()) as { job_id: string };
  await expect
    .poll(async () => ((await (await request.get(`/jobs/${analysisId}`)).json()) as Job).status, { timeout: 200_000, intervals: [1000] })
    .toBe("completed");

  const clip = await run(request, "generate_clip", { video_name: "vtest-12s.mp4", prompt: "persons", analysis_job_id: analysisId, max_clips: 2 });
  const clips = (clip.result_payload as unknown as { clips: { start: number; end: number; url: string; reason: string }[] }).clips;
  expect(clips.length).toBeGreaterThanOrEqual(1);
  expect(clips[0].reason).toBe("detected: person");
  expect(clips[0].end - clips[0].start).toBeGreaterThan(1);

  const exported = await run(request, "export", { video_name: "vtest-12s.mp4", formats: ["coco", "mot", "detections_csv", "tracks_csv", "events_csv"], analysis_job_id: analysisId });
  const files = exported.result_payload!.files;
  const coco = JSON.parse(await (await request.get(files.coco)).text()) as {
    images: { id: number; width: number; height: number; file_name: string }[];
    annotations: { id: number; image_id: number; category_id: number; bbox: number[]; area: number; iscrowd: number; score: number }[];
    categories: { id: number; name: string; supercategory: string }[];
  };
  // cocodataset.org/#format-data: every annotation on a listed image and category, bbox [x,y,w,h].
  const imageIds = new Set(coco.images.map((i) => i.id));
  const categoryIds = new Map(coco.categories.map((c) => [c.id, c.name]));
  expect(categoryIds.get(1)).toBe("person");
  expect(categoryIds.get(90)).toBe("toothbrush");
  expect(coco.annotations.length).toBeGreaterThan(0);
  const ids = new Set<number>();
  for (const a of coco.annotations) {
    expect(imageIds.has(a.image_id)).toBe(true);
    expect(categoryIds.has(a.category_id)).toBe(true);
    expect(a.bbox).toHaveLength(4);
    const image = coco.images.find((i) => i.id === a.image_id)!;
    expect(a.bbox[0]).toBeGreaterThanOrEqual(0);
    expect(a.bbox[0] + a.bbox[2]).toBeLessThanOrEqual(image.width);
    expect(a.bbox[1] + a.bbox[3]).toBeLessThanOrEqual(image.height);
    expect(a.area).toBe(a.bbox[2] * a.bbox[3]);
    expect(a.iscrowd).toBe(0);
    ids.add(a.id);
  }
  expect(ids.size).toBe(coco.annotations.length);
  // motchallenge.net: frame,id,bb_left,bb_top,bb_width,bb_height,conf,x,y,z; frames from 1.
  const mot = (await (await request.get(files.mot)).text()).trim().split("\n");
  expect(mot.length).toBe(coco.annotations.length);
  for (const line of mot) {
    const fields = line.split(",").map(Number);
    expect(fields).toHaveLength(10);
    expect(Number.isInteger(fields[0]) && fields[0] >= 1).toBe(true);
    // Confirmed objects only: every box is on a track (raw_detections: true would add the rest).
    expect(Number.isInteger(fields[1]) && fields[1] >= 1).toBe(true);
    expect(fields.slice(7)).toEqual([-1, -1, -1]);
  }
  expect((await (await request.get(files.detections_csv)).text()).split("\n")[0]).toBe("frame_index,timestamp,label,confidence,x,y,width,height,track_id");
  expect((await (await request.get(files.tracks_csv)).text()).split("\n")[0]).toBe("track_id,label,start_frame,end_frame,start_time,end_time,frames,avg_confidence");
  expect((await (await request.get(files.events_csv)).text()).split("\n")[0]).toBe("ordinal,label,start_time,end_time,confidence,track_ids,best_timestamp");
});
