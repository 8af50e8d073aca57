import { mkdir, readdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import { AppError } from "@/lib/errors";
import { ffmpegInput, FfmpegError, streamFfmpeg } from "@/lib/media/ffmpeg";
import { probeVideoStream } from "@/lib/media/frames";
import { findCuts, scoreFrames } from "@/lib/shots/detect-shots";

/**
 * Frames for feature extraction: one every 1/fps seconds and one at every shot cut (lib/shots:
 * ffmpeg's `select` scene score, 0-1, over `threshold`), written as JPEGs named by their source frame index
 * (`000123.jpg`). A cut that falls on a grid frame is kept once, marked as a cut.
 */
export type ExtractedFrame = { index: number; ts: number; isCut: boolean; file: string };

export async function shotCuts(file: string, threshold: number): Promise<number[]> {
  try {
    return findCuts(await scoreFrames(file, { measure: "scene" }), { cutScore: threshold, strictly: true }).map((cut) => cut.time);
  } catch (error) {
    throw new AppError("unsupported_media", `ffmpeg could not find shot cuts: ${error instanceof FfmpegError ? error.message : String(error)}`);
  }
}

export async function extractFrames(input: { file: string; dir: string; fps: number; sceneThreshold: number; maxFrames: number }): Promise<{ duration: number; frames: ExtractedFrame[] }> {
  const info = await probeVideoStream(input.file);
  if (!(info.fps > 0)) throw new AppError("unsupported_media", "the video has no frame rate");
  const duration = info.duration;
  const lastIndex = Math.max(0, Math.floor(duration * info.fps) - 1);
  const wanted = new Map<number, boolean>();
  for (let k = 0; k * (1 / input.fps) < duration; k++) wanted.set(Math.min(lastIndex, Math.round((k / input.fps) * info.fps)), false);
  for (const ts of await shotCuts(input.file, input.sceneThreshold)) wanted.set(Math.min(lastIndex, Math.round(ts * info.fps)), true);
  const indexes = [...wanted.keys()].sort((a, b) => a - b).slice(0, input.maxFrames);
  if (indexes.length === 0) return { duration, frames: [] };

  // One decoding pass: select exactly these frame numbers, written in order, then renamed.
  await rm(input.dir, { recursive: true, force: true });
  await mkdir(input.dir, { recursive: true });
  const select = indexes.map((index) => `eq(n\\,${index})`).join("+");
  const args = ["-loglevel", "error", "-i", ffmpegInput(input.file), "-an", "-vf", `select='${select}'`, "-fps_mode", "passthrough", "-q:v", "3", path.join(input.dir, "seq_%06d.jpg")];
  try {
    for await (const chunk of streamFfmpeg(args)) void chunk;
  } catch (error) {
    throw new AppError("unsupported_media", `ffmpeg could not write frames: ${error instanceof FfmpegError ? error.message : String(error)}`);
  }
  const written = (await readdir(input.dir)).filter((name) => name.startsWith("seq_")).sort();
  const frames: ExtractedFrame[] = [];
  for (let i = 0; i < Math.min(written.length, indexes.length); i++) {
    const index = indexes[i];
    const name = `${String(index).padStart(6, "0")}.jpg`;
    await rename(path.join(input.dir, written[i]), path.join(input.dir, name));
    frames.push({ index, ts: Math.round((index / info.fps) * 1000) / 1000, isCut: wanted.get(index) ?? false, file: name });
  }
  return { duration, frames };
}
