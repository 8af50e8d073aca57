import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeFrames, decodeImage } from "@/lib/media/frames";
import { SHARED_MEDIA_DIR, skipWithoutSharedMedia, VTEST_AVI } from "@/lib/media/test-media";
import { loadWorkerEnv } from "../env";
import { chooseDetector, DETECTOR_MODELS, MANIFEST_FILE } from "../models/registry";
import { loadModels, releaseModels, type ModelSet } from "../models/sessions";
import { iou, type Rgb } from "./image";
import { runDetector, type Detection } from "./detect";

/**
 * The int8 detector (npm run models quantizes it from the fp32 one) against the fp32 original on
 * real pictures: it must find the same people, in nearly the same boxes. The real model files,
 * checked against the manifest like the worker's; where the shared media is there to calibrate
 * on, npm run models has built the int8 file, so its absence fails here.
 */
const { modelsDir } = loadWorkerEnv();
const thresholds = { score: 0.2, iou: 0.4 };

let models: ModelSet;

beforeAll(async () => {
  if (skipWithoutSharedMedia) return;
  models = await loadModels({ modelsDir, ids: [DETECTOR_MODELS.fp32, DETECTOR_MODELS.int8], device: "cpu", threads: 1 });
});

afterAll(async () => {
  if (models) await releaseModels(models);
});

/** The people each precision finds with a score of at least `floor`. */
async function people(image: Rgb, floor: number): Promise<Record<"fp32" | "int8", Detection[]>> {
  const find = async (id: string) =>
    (await runDetector(models.get(id as typeof DETECTOR_MODELS.fp32), image, thresholds)).detections.filter((d) => d.class === "person" && d.score >= floor);
  return { fp32: await find(DETECTOR_MODELS.fp32), int8: await find(DETECTOR_MODELS.int8) };
}

/**
 * Every confident person of one list is found by the other (at the worker's 0.2 threshold) in a
 * box at IoU >= 0.8. Scores are not compared one by one: int8 moves a detection's score by 0.05
 * on average and up to 0.27 on 28 shared pictures, which is what the evaluation weighs.
 */
function expectSamePeople(from: Detection[], to: Detection[], confident: number) {
  for (const person of from.filter((d) => d.score >= confident)) {
    const overlap = Math.max(0, ...to.map((other) => iou(person.box, other.box)));
    expect(overlap, `person at ${JSON.stringify(person.box)} (${person.score.toFixed(2)})`).toBeGreaterThanOrEqual(0.8);
  }
}

describe.skipIf(skipWithoutSharedMedia)("int8 detector", () => {
  it("finds the person in person.jpg where fp32 does", async () => {
    const found = await people(await decodeImage(path.join(SHARED_MEDIA_DIR, "person.jpg")), 0.2);
    expect(found.fp32.filter((d) => d.score >= 0.5)).toHaveLength(1);
    expect(found.int8.filter((d) => d.score >= 0.5)).toHaveLength(1);
    // Both ways: int8 neither loses fp32's confident people nor invents its own.
    expectSamePeople(found.fp32, found.int8, 0.4);
    expectSamePeople(found.int8, found.fp32, 0.4);
  });

  it("finds the pedestrians of a vtest.avi frame where fp32 does", async () => {
    // 12.6 s: six people on the plaza, none of them a calibration frame (1.2 s + k * 2.4 s).
    const frames = decodeFrames({ path: VTEST_AVI, start: 12.6, end: 12.7, fps: 10 });
    const { value: frame } = await frames[Symbol.asyncIterator]().next();
    const found = await people(frame!, 0.2);
    expect(found.fp32.filter((d) => d.score >= 0.4).length).toBeGreaterThanOrEqual(3);
    expectSamePeople(found.fp32, found.int8, 0.4);
    expectSamePeople(found.int8, found.fp32, 0.4);
  });
});

describe("detector choice", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "detector-choice-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("runs fp32 and says why when the int8 model was not built", async () => {
    await writeFile(path.join(dir, MANIFEST_FILE), JSON.stringify({ packages: {}, models: {} }));
    const choice = await chooseDetector(dir, "int8");
    expect(choice).toMatchObject({ model: "centernet", precision: "fp32", requested: "int8" });
    expect(choice.fallback).toMatch(/^centernet-int8\.onnx was not built \(npm run models/);
    expect(choice.fallback).not.toContain(dir);
  });

  it("takes fp32 when asked, whatever is built", async () => {
    expect(await chooseDetector(modelsDir, "fp32")).toEqual({ model: "centernet", precision: "fp32", requested: "fp32" });
  });
});
