/**
 * The reframer contract's `decode_rle`, transcribed as a client would run it (zeros first,
 * alternating; true for the zeros). Tests check lib/reframer/rle.ts and the served masks
 * against it, so it stays apart from the encoder it checks.
 */
export function contractDecodeRle(rle: string): boolean[] {
  const result: boolean[] = [];
  let isZero = true;
  for (const count of rle.split(",").map(Number)) {
    for (let i = 0; i < count; i++) result.push(isZero);
    isZero = !isZero;
  }
  return result;
}
