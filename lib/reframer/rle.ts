/**
 * The contract's run-length encoding (contracts/reframer.md "Segmentation Mask (RLE)"):
 * alternating run lengths over the whole frame, row-major, zeros first (a leading 0 when the
 * first pixel is set). The runs sum to width x height.
 */

export type Region = { x: number; y: number; width: number; height: number };

/**
 * The RLE of a width x height frame that is empty outside `region`, given only the region's
 * bits (row-major): the zeros around the region are counted, not visited. A whole-frame mask is
 * the region {0, 0, width, height}.
 */
export function encodeRegionRle(bits: Uint8Array, region: Region, width: number, height: number): string {
  const runs: number[] = [];
  let current = 0;
  let length = 0;
  const feed = (bit: number, count: number) => {
    if (count <= 0) return;
    if (bit !== current) {
      runs.push(length);
      current = bit;
      length = 0;
    }
    length += count;
  };
  if (region.width > 0 && region.height > 0) {
    feed(0, region.y * width + region.x);
    for (let y = 0; y < region.height; y++) {
      if (y > 0) feed(0, width - region.width);
      for (let x = 0; x < region.width; x++) feed(bits[y * region.width + x] ? 1 : 0, 1);
    }
    feed(0, width * height - ((region.y + region.height - 1) * width + region.x + region.width));
  } else feed(0, width * height);
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
