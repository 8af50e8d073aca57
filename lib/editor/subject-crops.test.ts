import { copyFile, mkdir, rm, rmdir } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { startLocalWorker, type LocalWorker } from "@/lib/inference/local-worker";
import { analyzeRange, workerUrls } from "@/lib/inference/worker-client";
import { env } from "@/lib/env";
import { renderTimeline } from "./render";
import { subjectCrop } from "@/lib/framing/subject-crop";
import { withSubjectCrops } from "./subject-crops";

/**
 * A 9:16 render of people walking (vtest.avi, 768x576): the crop follows the subject the
 * reframer picks, so the person it follows stays near the middle of the tall frame, which a
 * centre crop would not do, read back with the same detector on the output.
 */
let worker: LocalWorker;
let dir: string;
let video: string;

beforeAll(async () => {
  // The worker reads only inside DATA_DIR (or VIDEO_INPUT_DIR).
  dir = path.join(env().dataDir, "test-subject-crop", String(process.pid));
  await mkdir(dir, { recursive: true });
  video = path.join(dir, "vtest.avi");
  await copyFile(path.resolve("../shared/media/vtest.avi"), video);
  worker = startLocalWorker();
  for (let waited = 0; workerUrls().length === 0; waited += 200) {
    if (waited > 90_000) throw new Error("the local worker did not start");
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
});
afterAll(async () => {
  await worker?.stop();
  await rm(dir, { recursive: true, force: true });
  await rmdir(path.dirname(dir)).catch(() => undefined); // when no other run still uses it
});

test("an aspect render follows the detected person, not the centre", async () => {
  // 22-36 s: the most prominent walker crosses from the middle to the left edge and back to the right.
  const segment = { file: video, in: 22, out: 36, hasAudio: false, width: 768, height: 576 };
  const crop = await subjectCrop({ file: video, start: segment.in, end: segment.out, frame: segment, aspect: "9:16", fps: 30 });
  const { segments, summary } = await withSubjectCrops([segment], { aspect: "9:16", fps: 30, commandsFile: (k) => path.join(dir, `.crop-${k}.cmd`) });
  const [moved] = summary.segments;
  expect(moved.axis).toBe("x");
  expect(moved.seen / moved.sampled).toBeGreaterThan(0.8);
  // Not the centre crop (offset 222): the window travels 40% of the frame's free width or more.
  expect(moved.max - moved.min).toBeGreaterThan(0.4 * (768 - 324));
  expect(Math.max(moved.centre - moved.min, moved.max - moved.centre)).toBeGreaterThan(100);

  const output = path.join(dir, "tall.mp4");
  const made = await renderTimeline({ segments, height: 640, aspect: { w: 9, h: 16 }, loudnessTarget: null }, output);
  expect(made).toMatchObject({ width: 360, height: 640 });

  // Each sampled output frame: the person detected where the followed subject should be
  // (its source centre through the crop, so a bystander is not taken for it), then where it is.
  const scale = 360 / crop.width;
  let frames = 0;
  let centred = 0;
  for await (const frame of analyzeRange({ path: output, start: 0, end: made.duration, fps: 2, tasks: ["detect"] })) {
    const sample = crop.subjects.reduce((best, s) => (Math.abs(s.time - frame.timestamp) < Math.abs(best.time - frame.timestamp) ? s : best));
    if (!sample.centre) continue;
    const offset = crop.offsets[Math.min(crop.offsets.length - 1, Math.round(frame.timestamp * 30))];
    const expected = (sample.centre.x - offset) * scale;
    const person = frame.detections
      .filter((d) => d.class === "person")
      .map((d) => ({ x: d.bbox.x + d.bbox.width / 2, width: d.bbox.width }))
      .sort((a, b) => Math.abs(a.x - expected) - Math.abs(b.x - expected))[0];
    if (!person || Math.abs(person.x - expected) > Math.max(person.width, 40)) continue;
    frames++;
    if (person.x >= 0.2 * frame.width && person.x <= 0.8 * frame.width) centred++;
  }
  expect(frames).toBeGreaterThan(20);
  expect(centred / frames, `${centred}/${frames} sampled frames with the person in the middle 60%`).toBeGreaterThanOrEqual(0.9);
}, 300_000);
