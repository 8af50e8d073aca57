/**
 * Which embedding retrieves a product's frames best (issue 13 §3), measured, not a test:
 *   `npx tsx scripts/eval-embeddings.ts` (npm run eval:embeddings)
 *
 * Gallery: frames at 2 fps of (a) 40 s of ../shared/media/vtest.avi and (b) one 6 s pan-and-zoom
 * clip made by ffmpeg from each still in ../shared/media (dog, horses, messi5, person,
 * scenetext01). Queries, cut the way a product photo would be:
 *   - vtest: six crops of people walking, each from the frame at a known time; a hit is a vtest
 *     frame within 1.5 s of it (the search criterion);
 *   - stills: the detector's best box in each still, cropped; a hit is any frame of that
 *     still's clip.
 * Each query is embedded as the job embeds a product image (GrabCut mask, then the colour
 * histogram over the mask / CenterNet's pooled feature over the masked crop), each frame as
 * the job embeds a frame (whole). Printed: recall@1, recall@5 and mean reciprocal rank for the
 * colour histogram, CenterNet, and their weighted joins.
 */
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { setLocalWorkerUrl } from "@/lib/inference/worker-client";
import { CNN_DIMENSIONS, detectorViews, joinEmbeddings, maskedCrop } from "@/lib/features/cnn";
import { colourEmbedding, fit, grabCutMask, SEGMENT_SIDE } from "@/lib/features/compute";
import { extractFrames } from "@/lib/features/extract-frames";
import { encodeRgbPng } from "@/lib/features/png";
import { cosine } from "@/lib/features/vectors";
import { decodeImage, probeVideoStream } from "@/lib/media/frames";
import { ffmpegCli, makeTempDir, removeDir, SHARED_MEDIA_DIR, VTEST_AVI } from "@/lib/media/test-media";
import { startWorker } from "@/workers/inference/server";

const STILLS = ["dog.jpg", "horses.jpg", "messi5.jpg", "person.jpg", "scenetext01.jpg"];
// Seconds into vtest.avi (from 20 s) and w:h:x:y, as the e2e search test cuts them, and three more.
const VTEST_CROPS = [
  { at: 4, box: "260:260:250:120" },
  { at: 9, box: "320:260:120:130" },
  { at: 14, box: "200:200:560:170" },
  { at: 21, box: "240:300:300:150" },
  { at: 27, box: "280:240:80:200" },
  { at: 33, box: "220:260:450:120" },
];

type Item = { name: string; file: string; colour: Float32Array; cnn: Float32Array };
type Frame = Item & { clip: string; ts: number };
type Query = Item & { hit: (frame: Frame) => boolean };

const dir = await makeTempDir("eval-embeddings-");
const worker = await startWorker({ env: { WORKER_PORT: "0", WORKER_ALLOWED_ROOTS: dir } });
setLocalWorkerUrl(worker.url);
try {
  // Gallery frames.
  const clips: { clip: string; file: string }[] = [];
  await ffmpegCli(["-ss", "20", "-i", VTEST_AVI, "-t", "40", "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", path.join(dir, "vtest.mp4")]);
  clips.push({ clip: "vtest", file: path.join(dir, "vtest.mp4") });
  for (const still of STILLS) {
    const file = path.join(dir, `${path.parse(still).name}.mp4`);
    // 6 s at 25 fps: a slow zoom towards a point right of centre, over a 640x480 picture.
    const zoom = "zoompan=z='min(zoom+0.002,1.3)':x='iw/2-(iw/zoom/2)+on*0.5':y='ih/2-(ih/zoom/2)':d=150:s=640x480:fps=25";
    await ffmpegCli(["-i", path.join(SHARED_MEDIA_DIR, still), "-vf", `scale=1280:-2,${zoom}`, "-t", "6", "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", file]);
    clips.push({ clip: path.parse(still).name, file });
  }
  const frameFiles: { clip: string; ts: number; file: string }[] = [];
  for (const { clip, file } of clips) {
    const { frames } = await extractFrames({ file, dir: path.join(dir, "frames", clip), fps: 2, sceneThreshold: 0.3, maxFrames: 500 });
    for (const frame of frames) frameFiles.push({ clip, ts: frame.ts, file: path.join(dir, "frames", clip, frame.file) });
  }
  const frameViews = await detectorViews(frameFiles.map((frame) => frame.file));
  const frames: Frame[] = [];
  for (const frame of frameFiles) {
    const info = await probeVideoStream(frame.file);
    const picture = await decodeImage(frame.file, fit(info.width, info.height, SEGMENT_SIDE));
    frames.push({ ...frame, name: `${frame.clip}@${frame.ts}`, colour: colourEmbedding(picture, null), cnn: frameViews.get(frame.file)!.embedding });
  }

  // Query crops, as product photos.
  const cropFiles: { name: string; file: string; hit: (frame: Frame) => boolean }[] = [];
  for (const crop of VTEST_CROPS) {
    const file = path.join(dir, `q-vtest-${crop.at}.jpg`);
    await ffmpegCli(["-ss", String(crop.at), "-i", path.join(dir, "vtest.mp4"), "-frames:v", "1", "-vf", `crop=${crop.box}`, file]);
    cropFiles.push({ name: `vtest@${crop.at}`, file, hit: (frame) => frame.clip === "vtest" && Math.abs(frame.ts - crop.at) <= 1.5 });
  }
  for (const still of STILLS) {
    const name = path.parse(still).name;
    const source = path.join(dir, `${name}.png`);
    await ffmpegCli(["-i", path.join(SHARED_MEDIA_DIR, still), source]);
    const [view] = (await detectorViews([source])).values();
    const best = [...view.detections].sort((a, b) => b.confidence - a.confidence)[0];
    const { x, y, width, height } = best?.bbox ?? { x: 0, y: 0, width: view.width, height: view.height };
    const file = path.join(dir, `q-${name}.jpg`);
    await ffmpegCli(["-i", source, "-vf", `crop=${width}:${height}:${x}:${y}`, "-frames:v", "1", file]);
    cropFiles.push({ name: `${name}:${best?.class ?? "whole"}`, file, hit: (frame) => frame.clip === name });
  }
  const queries: Query[] = [];
  const crops: string[] = [];
  const pending: { name: string; file: string; hit: Query["hit"]; colour: Float32Array; crop: string }[] = [];
  for (const query of cropFiles) {
    const info = await probeVideoStream(query.file);
    const picture = await decodeImage(query.file, fit(info.width, info.height, SEGMENT_SIDE));
    const mask = await grabCutMask(picture);
    const cut = maskedCrop(picture, mask);
    const crop = `${query.file}.crop.png`;
    await writeFile(crop, encodeRgbPng(cut.width, cut.height, cut.data));
    crops.push(crop);
    pending.push({ ...query, colour: colourEmbedding(picture, mask), crop });
  }
  const cropViews = await detectorViews(crops);
  for (const query of pending) queries.push({ name: query.name, file: query.file, hit: query.hit, colour: query.colour, cnn: cropViews.get(query.crop)!.embedding });

  const methods: { name: string; score: (q: Query, f: Frame) => number }[] = [
    { name: "colour (256-d HSV)", score: (q, f) => cosine(q.colour, f.colour) },
    { name: `CenterNet (${CNN_DIMENSIONS}-d)`, score: (q, f) => cosine(q.cnn, f.cnn) },
    ...[0.25, 0.5, 0.75].map((w) => ({ name: `join, colour weight ${w}`, score: (q: Query, f: Frame) => cosine(joinEmbeddings(q.colour, q.cnn, w), joinEmbeddings(f.colour, f.cnn, w)) })),
  ];
  console.log(`gallery: ${frames.length} frames (${clips.map((c) => c.clip).join(", ")}); queries: ${queries.length}`);
  for (const method of methods) {
    let top1 = 0;
    let top5 = 0;
    let rr = 0;
    const ranks: string[] = [];
    for (const query of queries) {
      const ranked = frames.map((frame) => ({ frame, score: method.score(query, frame) })).sort((a, b) => b.score - a.score);
      const rank = ranked.findIndex(({ frame }) => query.hit(frame)) + 1;
      if (rank === 1) top1++;
      if (rank >= 1 && rank <= 5) top5++;
      rr += rank ? 1 / rank : 0;
      ranks.push(`${query.name}=${rank}`);
    }
    const n = queries.length;
    console.log(`${method.name.padEnd(26)} recall@1 ${(top1 / n).toFixed(2)}  recall@5 ${(top5 / n).toFixed(2)}  MRR ${(rr / n).toFixed(3)}   ranks: ${ranks.join(" ")}`);
  }
} finally {
  await worker.close();
  await removeDir(dir);
}
process.exit(0);
