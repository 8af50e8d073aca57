/**
 * What the viewer draws over the video, as plain data: the player (components/analysis) and
 * the annotate job (lib/analysis/annotate-video.ts) pick the same boxes for a moment.
 * No Node or browser imports: both sides use it.
 */

/** [label index, track id or -1, confidence 0..1, x, y, width, height] in source pixels. */
export type CompactBox = [number, number, number, number, number, number, number];
/** One sampled frame: its time in seconds and its boxes. */
export type CompactFrame = { t: number; boxes: CompactBox[] };

/** The wire shape of GET /api/jobs/{job_id}/detections. */
export type DetectionWindow = {
  from: number;
  to: number;
  /** Seconds between sampled frames (1 / the analysis fps). */
  sample_interval: number;
  /** Size of the frames the boxes were measured on. */
  width: number;
  height: number;
  labels: string[];
  frames: CompactFrame[];
  /** Person masks where the job ran the mask task: row-major run lengths over width x height. */
  masks: CompactMask[];
};

/** A sampled frame's person mask (lib/inference/worker-protocol.ts maskSchema's RLE). */
export type CompactMask = { t: number; rle: string };

/**
 * Boxes under this score are left off the player by default and off the annotated video: the
 * detector keeps weak boxes for the tracker's second pass, and they clutter the picture.
 */
export const DEFAULT_BOX_CONFIDENCE = 0.4;

export type OverlayFilter = {
  /** Labels not to draw. */
  hidden: ReadonlySet<string>;
  minConfidence: number;
};

/**
 * The sampled frame that stands for the moment `t`: the last one at or before it, held for one
 * sample interval (the detector saw nothing newer); none after that, so boxes never linger
 * over a gap the analysis did not sample. `frames` are sorted by time.
 */
export function frameAt<F extends { t: number }>(frames: readonly F[], t: number, hold: number): F | null {
  let low = 0;
  let high = frames.length - 1;
  let found = -1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (frames[mid].t <= t + 1e-3) {
      found = mid;
      low = mid + 1;
    } else high = mid - 1;
  }
  if (found < 0) return null;
  return t - frames[found].t <= hold + 1e-3 ? frames[found] : null;
}

export type DrawnBox = { label: string; trackId: number | null; confidence: number; x: number; y: number; width: number; height: number };

/** The boxes of a frame that pass the filter, with their labels spelled out. */
export function visibleBoxes(frame: CompactFrame | null, labels: readonly string[], filter: OverlayFilter): DrawnBox[] {
  if (!frame) return [];
  const out: DrawnBox[] = [];
  for (const [labelIndex, track, confidence, x, y, width, height] of frame.boxes) {
    const label = labels[labelIndex] ?? "object";
    if (filter.hidden.has(label) || confidence < filter.minConfidence) continue;
    out.push({ label, trackId: track < 0 ? null : track, confidence, x, y, width, height });
  }
  return out;
}

/** One colour per track (untracked boxes share grey), the same on the player and burned in. */
export const trackPalette: readonly [number, number, number][] = [
  [50, 205, 50],
  [255, 59, 139],
  [255, 176, 32],
  [34, 211, 238],
  [167, 139, 250],
  [249, 115, 22],
  [236, 72, 153],
  [132, 204, 22],
];

export function trackColour(trackId: number | null): [number, number, number] {
  if (trackId === null) return [203, 213, 225];
  return trackPalette[Math.abs(trackId) % trackPalette.length];
}

/** The caption drawn above a box: "person #3 87%". */
export function boxCaption(box: DrawnBox): string {
  return `${box.label}${box.trackId === null ? "" : ` #${box.trackId}`} ${Math.round(box.confidence * 100)}%`;
}

/**
 * A mask's run lengths (zeros first, alternating) as RGBA pixels: `colour` where the mask is
 * set, transparent elsewhere; null when the runs do not cover exactly width x height.
 */
export function maskToRgba(rle: string, width: number, height: number, colour: readonly [number, number, number, number]): Uint8ClampedArray | null {
  const runs = rle.split(",").map(Number);
  const total = width * height;
  if (runs.some((run) => !Number.isInteger(run) || run < 0) || runs.reduce((sum, run) => sum + run, 0) !== total) return null;
  const pixels = new Uint8ClampedArray(total * 4);
  let offset = 0;
  runs.forEach((run, i) => {
    if (i % 2 === 1) {
      for (let p = offset; p < offset + run; p++) pixels.set(colour, p * 4);
    }
    offset += run;
  });
  return pixels;
}
