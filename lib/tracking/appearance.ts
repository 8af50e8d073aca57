/**
 * Appearance signatures (the worker's colour signature of a box: workers/inference/tasks/
 * appearance.ts) compared: the video tracker's stitching and ByteTrack's association use them
 * to tell people apart where motion alone cannot.
 */

/** The mean of appearance signatures, or null without any. */
export function meanLook(looks: number[][]): number[] | null {
  if (looks.length === 0) return null;
  return looks[0].map((_, i) => looks.reduce((sum, look) => sum + look[i], 0) / looks.length);
}

/**
 * How different two appearance signatures are: Euclidean over each band's chromaticity
 * (r, g shares) and, at half weight, its brightness, which light changes more than clothes.
 */
export function appearanceDistance(a: number[], b: number[]): number {
  let sum = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const weight = i % 3 === 2 ? 0.5 : 1;
    sum += weight * (a[i] - b[i]) ** 2;
  }
  return Math.sqrt(sum);
}
