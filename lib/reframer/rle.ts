/**
 * The contract's run-length encoding (contracts/reframer.md "Segmentation Mask (RLE)"):
 * alternating run lengths over the whole frame, row-major, zeros first (a leading 0 when the
 * first pixel is set). The runs sum to width x height.
 */
export function encodeRle(mask: Uint8Array): string {
  const runs: number[] = [];
  let current = 0;
  let length = 0;
  for (let i = 0; i < mask.length; i++) {
    const bit = mask[i] ? 1 : 0;
    if (bit !== current) {
      runs.push(length);
      current = bit;
      length = 0;
    }
    length++;
  }
  runs.push(length);
  return runs.join(",");
}

export function decodeRle(rle: string): Uint8Array {
  const runs = rle.split(",").map(Number);
  const mask = new Uint8Array(runs.reduce((sum, run) => sum + run, 0));
  let offset = 0;
  runs.forEach((run, i) => {
    if (i % 2 === 1) mask.fill(1, offset, offset + run);
    offset += run;
  });
  return mask;
}

export function maskArea(mask: Uint8Array): number {
  let area = 0;
  for (let i = 0; i < mask.length; i++) area += mask[i] ? 1 : 0;
  return area;
}
