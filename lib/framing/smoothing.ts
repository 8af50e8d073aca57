/**
 * The reframe's crop path (README "Video Reframer", "The reframe"). Per shot, from the subject's
 * centre at each sampled frame (null where it was not seen):
 * 1. gaps are filled by holding the nearest sighting (linear between two sightings);
 * 2. a running median over 5 samples drops single-frame detector outliers;
 * 3. a dead zone: the target moves only when the subject leaves a band of +-deadZone (a
 *    fraction of the crop's size) around the current target, and then only as far as the
 *    band's edge, so a subject standing still gives a crop that holds perfectly still;
 * 4. a zero-phase smoother: an exponential moving average run forwards then backwards
 *    (alpha per sample), which removes steps without the lag of a one-way filter;
 * 5. clamped so the crop stays inside the frame.
 * A path never crosses a shot boundary: each shot is smoothed on its own.
 */
export type SmoothOptions = { cropSize: number; frameSize: number; deadZone?: number; alpha?: number; medianWindow?: number };

export function fillGaps(values: (number | null)[], fallback: number): number[] {
  const known = values.map((value, i) => (value === null ? -1 : i)).filter((i) => i >= 0);
  if (known.length === 0) return values.map(() => fallback);
  return values.map((value, i) => {
    if (value !== null) return value;
    const after = known.find((k) => k > i);
    const before = [...known].reverse().find((k) => k < i);
    if (before === undefined) return values[after!]!;
    if (after === undefined) return values[before]!;
    const t = (i - before) / (after - before);
    return values[before]! + (values[after]! - values[before]!) * t;
  });
}

export function runningMedian(values: number[], window = 5): number[] {
  const half = Math.floor(window / 2);
  return values.map((_, i) => {
    const slice = values.slice(Math.max(0, i - half), Math.min(values.length, i + half + 1)).sort((a, b) => a - b);
    return slice[Math.floor(slice.length / 2)];
  });
}

export function deadZone(values: number[], band: number): number[] {
  if (values.length === 0) return [];
  let target = values[0];
  return values.map((value) => {
    if (value > target + band) target = value - band;
    else if (value < target - band) target = value + band;
    return target;
  });
}

export function zeroPhaseEma(values: number[], alpha: number): number[] {
  if (values.length === 0) return [];
  const forward = [...values];
  for (let i = 1; i < forward.length; i++) forward[i] = forward[i - 1] + alpha * (values[i] - forward[i - 1]);
  const backward = [...forward];
  for (let i = backward.length - 2; i >= 0; i--) backward[i] = backward[i + 1] + alpha * (forward[i] - backward[i + 1]);
  return backward;
}

/** Crop offsets (left or top edge) for one shot's samples. */
export function smoothCropPath(centres: (number | null)[], options: SmoothOptions): number[] {
  const { cropSize, frameSize, deadZone: zone = 0.08, alpha = 0.25, medianWindow = 5 } = options;
  const filled = fillGaps(centres, frameSize / 2);
  const steady = deadZone(runningMedian(filled, medianWindow), zone * cropSize);
  const smooth = zeroPhaseEma(steady, alpha);
  const maxOffset = Math.max(0, frameSize - cropSize);
  return smooth.map((centre) => Math.min(maxOffset, Math.max(0, centre - cropSize / 2)));
}

/** Mean absolute second difference of a path, in pixels per frame^2: the jitter figure. */
export function jitter(path: number[]): number {
  if (path.length < 3) return 0;
  let sum = 0;
  for (let i = 1; i < path.length - 1; i++) sum += Math.abs(path[i + 1] - 2 * path[i] + path[i - 1]);
  return sum / (path.length - 2);
}

/** Values at sample times resampled to every output frame (linear, held at the ends). */
export function resample(times: number[], values: number[], at: number[]): number[] {
  if (times.length === 0) return at.map(() => 0);
  let j = 0;
  return at.map((t) => {
    while (j < times.length - 2 && times[j + 1] < t) j++;
    if (t <= times[0]) return values[0];
    if (t >= times[times.length - 1]) return values[values.length - 1];
    const span = times[j + 1] - times[j];
    const k = span > 0 ? (t - times[j]) / span : 0;
    return values[j] + (values[j + 1] - values[j]) * Math.min(1, Math.max(0, k));
  });
}
