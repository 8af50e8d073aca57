import { open } from "node:fs/promises";
import path from "node:path";
import { decodeFrames, decodeImage } from "@/lib/media/frames";
import { detectorInput, DETECTOR_INPUT_DIMS } from "@/workers/inference/tasks/detect";

/**
 * The frames the int8 detector is calibrated on, from the shared media: vtest.avi every 2.4 s
 * starting at 1.2 s (33 frames halfway between the evaluation's labelled ones, which sit at
 * 0, 2.4, ... 76.8 s, so the ranges are not fitted to the very frames that judge them), plus the
 * five shared stills for scenes and sizes that are not vtest's street. Each goes through the
 * worker's own pre-processing (detectorInput), so the ranges are those the worker will feed.
 */
export const CALIBRATION_VIDEO = { file: "vtest.avi", start: 1.2, every: 2.4 };
export const CALIBRATION_STILLS = ["person.jpg", "dog.jpg", "horses.jpg", "messi5.jpg", "scenetext01.jpg"];

/**
 * Writes the calibration inputs to `target` as raw little-endian float32, one
 * [1,512,512,3] tensor after another, and returns how many it wrote. Streams: one frame in
 * memory at a time.
 */
export async function writeCalibrationInputs(mediaDir: string, target: string): Promise<number> {
  const file = await open(target, "w");
  let count = 0;
  const write = async (image: { width: number; height: number; data: Uint8Array }) => {
    const input = detectorInput(image);
    await file.write(new Uint8Array(input.buffer, input.byteOffset, input.byteLength));
    count++;
  };
  try {
    const video = path.join(mediaDir, CALIBRATION_VIDEO.file);
    for await (const frame of decodeFrames({ path: video, start: CALIBRATION_VIDEO.start, fps: 1 / CALIBRATION_VIDEO.every })) await write(frame);
    for (const still of CALIBRATION_STILLS) await write(await decodeImage(path.join(mediaDir, still)));
  } finally {
    await file.close();
  }
  return count;
}

export const CALIBRATION_TENSOR_BYTES = DETECTOR_INPUT_DIMS.reduce((a, b) => a * b, 4);
