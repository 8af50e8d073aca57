import { resample, smoothCropPath } from "./smoothing";

/**
 * The subject-following crop's size and path, shared by the reframer's render and the editor's
 * `aspect` renders (README "Video Reframer", "The reframe"): a crop of the asked aspect, as
 * large as the frame allows, moving along x for a narrower aspect and along y for a wider one,
 * following each shot's subject along a smoothed path (./smoothing.ts) that restarts at every cut.
 */
export type Aspect = "9:16" | "1:1" | "4:5" | "16:9";
/** The subject's centre at a sampled frame, and its box's size where it is known. */
export type SubjectSample = { time: number; centre: { x: number; y: number; width?: number; height?: number } | null };
export type ShotPlan = { start: number; end: number; subject: string | null; samples: SubjectSample[] };
export type CropSize = { width: number; height: number; axis: "x" | "y" };

export function cropSize(aspect: Aspect, width: number, height: number): CropSize {
  const [aw, ah] = aspect.split(":").map(Number);
  const even = (value: number) => Math.max(2, Math.floor(value / 2) * 2);
  if (width / height > aw / ah) return { width: even((height * aw) / ah), height: even(height), axis: "x" };
  return { width: even(width), height: even((width * ah) / aw), axis: "y" };
}

/** Crop offsets at every output frame (time = n / fps), shot by shot. */
export function cropPath(shots: ShotPlan[], size: { width: number; height: number; axis: "x" | "y" }, frame: { width: number; height: number }, fps: number, duration: number) {
  const frameSize = size.axis === "x" ? frame.width : frame.height;
  const crop = size.axis === "x" ? size.width : size.height;
  const frames = Math.max(1, Math.round(duration * fps));
  const offsets = new Array<number>(frames).fill(Math.max(0, (frameSize - crop) / 2));
  for (const shot of shots) {
    const samples = shot.samples;
    const centres = samples.map((s) => (s.centre ? (size.axis === "x" ? s.centre.x : s.centre.y) : null));
    const path = smoothCropPath(centres, { cropSize: crop, frameSize });
    const first = Math.ceil(shot.start * fps - 1e-6);
    const last = Math.min(frames - 1, Math.ceil(shot.end * fps - 1e-6) - 1);
    if (last < first) continue;
    const times = Array.from({ length: last - first + 1 }, (_, k) => (first + k) / fps);
    const values = samples.length ? resample(samples.map((s) => s.time), path, times) : times.map(() => (frameSize - crop) / 2);
    values.forEach((value, k) => (offsets[first + k] = Math.round(value)));
  }
  return offsets;
}
