import { execFileSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { expect, test } from "vitest";
import { COCO_IDS, cocoJson, motCsv } from "./analysis-exports";
import { scenesCsv, scenesEdl, timecode, toCsv } from "./exports";
import { findSpokenMoments } from "./find-moments";
import { captionsAss, parseAspect, outputSize } from "./render";
import { writeZip } from "./zip";

const words = "so please open the door and then we go".split(" ").map((word, i) => ({ word, start: i, end: i + 0.6, confidence: 0.9 }));

test("spoken moments: in order, tolerant of a missed word, cut half way into the pauses", () => {
  expect(findSpokenMoments(words, "open the door", { duration: 20 })).toEqual([{ start: 1.8, end: 4.8, matched: "open the door", score: 1 }]);
  // "a" is not heard: 3 of 4 words, first and last among them
  expect(findSpokenMoments(words, "open a the door", { duration: 20 })[0]).toMatchObject({ matched: "open the door", score: 0.75 });
  expect(findSpokenMoments(words, "elephant parade", { duration: 20 })).toEqual([]);
  // a shot boundary inside the pause wins over the half-way point
  expect(findSpokenMoments(words, "open the door", { duration: 20, shotBoundaries: [4.7] })[0].end).toBe(4.7);
});

test("aspect and output size; ASS styled for phones", () => {
  expect(parseAspect("9:16")).toEqual({ w: 9, h: 16 });
  expect(parseAspect("0:1")).toBeNull();
  expect(outputSize({ height: 640, aspect: { w: 9, h: 16 }, segments: [] })).toEqual({ width: 360, height: 640 });
  const ass = captionsAss([{ start: 1, end: 2.5, text: "hello {world}" }], 360, 640);
  expect(ass).toContain("PlayResY: 640");
  expect(ass).toContain("Dialogue: 0,0:00:01.00,0:00:02.50,Phone,,0,0,0,,hello world");
});

test("CSV, EDL timecode", () => {
  expect(toCsv(["a", "b"], [["x,y", 'q"']])).toBe('a,b\n"x,y","q"""\n');
  expect(timecode(3661.48, 25)).toBe("01:01:01:12");
  const shots = [{ index: 0, start: 0, end: 4, score: null }, { index: 1, start: 4, end: 6.5, score: 30 }];
  expect(scenesCsv(shots)).toBe("index,start,end,duration,score\n0,0.000,4.000,4.000,\n1,4.000,6.500,2.500,30\n");
  expect(scenesEdl(shots, { title: "t", fps: 25, clipName: "v.mp4" })).toBe(
    "TITLE: t\nFCM: NON-DROP FRAME\n\n001  AX       V     C        00:00:00:00 00:00:04:00 00:00:00:00 00:00:04:00\n* FROM CLIP NAME: v.mp4\n\n002  AX       V     C        00:00:04:00 00:00:06:13 00:00:04:00 00:00:06:13\n* FROM CLIP NAME: v.mp4\n",
  );
});

test("COCO results and MOT rows", () => {
  expect(COCO_IDS).toHaveLength(80);
  expect(COCO_IDS[79]).toBe(90);
  const box = { id: 1, jobId: "j", frameIndex: 3, ordinal: 0, timestamp: 0.6, label: "dog", confidence: 0.8, x: 10, y: 20, width: 30, height: 40, trackId: 7 };
  const analysis = { frames: [{ frameIndex: 0, timestamp: 0 }, { frameIndex: 3, timestamp: 0.6 }], boxes: [box, { ...box, ordinal: 1, label: "face", trackId: null }], tracks: [], events: [] } as never;
  const coco = cocoJson(analysis, { name: "v.mp4", width: 640, height: 360 });
  expect(coco.images.map((i) => i.id)).toEqual([1, 4]);
  expect(coco.annotations[0]).toMatchObject({ image_id: 4, category_id: 18, bbox: [10, 20, 30, 40], area: 1200, iscrowd: 0, score: 0.8, track_id: 7 });
  expect(coco.categories.find((c) => c.name === "face")).toEqual({ id: 1000, name: "face", supercategory: "other" });
  expect(motCsv(analysis)).toBe("2,7,10,20,30,40,0.8000,-1,-1,-1\n2,-1,10,20,30,40,0.8000,-1,-1,-1\n");
});

test("store-only zip that unzip accepts", async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), "framewise-zip-"));
  try {
    await writeFile(path.join(dir, "a.txt"), "hello\n");
    await writeFile(path.join(dir, "b.bin"), Buffer.alloc(100_000, 7));
    const zip = path.join(dir, "out.zip");
    await writeZip(zip, [{ name: "a.txt", file: path.join(dir, "a.txt") }, { name: "dir/b.bin", file: path.join(dir, "b.bin") }]);
    execFileSync("unzip", ["-tq", zip]);
    expect(execFileSync("unzip", ["-p", zip, "a.txt"], { encoding: "utf8" })).toBe("hello\n");
    expect(execFileSync("unzip", ["-Z1", zip], { encoding: "utf8" }).trim().split("\n")).toEqual(["a.txt", "dir/b.bin"]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("visual sightings join into padded moments", async () => {
  const { runsOf, normaliseText } = await import("./visual-moments");
  expect(runsOf([1, 1.5, 2, 6, 6.5], { duration: 7 })).toEqual([
    { first: 1, last: 2, start: 0.5, end: 2.5 },
    { first: 6, last: 6.5, start: 5.5, end: 7 },
  ]);
  expect(normaliseText("EXIT — 24")).toBe("exit24");
});
