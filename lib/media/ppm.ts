import { open, readFile } from "node:fs/promises";

/**
 * Binary PPM (P6, 8-bit RGB): the one image format read and written here without ffmpeg. A
 * caller that already holds pixels (the reframer's person crops) writes them as PPM, and the
 * worker's decodeImage reads them back with a file read instead of an ffprobe and an ffmpeg
 * process per picture.
 */
export type PpmImage = { width: number; height: number; data: Buffer };

/** The header of a binary 8-bit PPM (`P6 <width> <height> 255` and one whitespace), or null. */
export function ppmHeader(buffer: Buffer): { width: number; height: number; offset: number } | null {
  if (buffer.length < 2 || buffer[0] !== 0x50 || buffer[1] !== 0x36) return null; // "P6"
  const fields: number[] = [];
  let offset = 2;
  const space = (byte: number) => byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d;
  while (fields.length < 3) {
    while (offset < buffer.length && (space(buffer[offset]) || buffer[offset] === 0x23)) {
      if (buffer[offset] === 0x23) while (offset < buffer.length && buffer[offset] !== 0x0a) offset++; // # comment
      else offset++;
    }
    let value = 0;
    let digits = 0;
    while (offset < buffer.length && buffer[offset] >= 0x30 && buffer[offset] <= 0x39 && digits < 6) {
      value = value * 10 + buffer[offset++] - 0x30;
      digits++;
    }
    if (digits === 0 || offset >= buffer.length || !space(buffer[offset])) return null;
    fields.push(value);
  }
  const [width, height, max] = fields;
  if (width < 1 || height < 1 || max !== 255) return null;
  return { width, height, offset: offset + 1 };
}

/** The picture of a binary PPM file, or null when the file is not one (or is cut short). */
export async function readPpm(path: string): Promise<PpmImage | null> {
  const buffer = await readFile(path);
  const header = ppmHeader(buffer);
  if (!header || buffer.length < header.offset + header.width * header.height * 3) return null;
  return { width: header.width, height: header.height, data: buffer.subarray(header.offset, header.offset + header.width * header.height * 3) };
}

/** Whether a file starts like a binary PPM (reads its first 32 bytes). */
export async function looksLikePpm(path: string): Promise<boolean> {
  const handle = await open(path, "r");
  try {
    const head = Buffer.alloc(32);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return ppmHeader(head.subarray(0, bytesRead)) !== null;
  } finally {
    await handle.close();
  }
}

export function encodePpm(image: PpmImage): Buffer {
  const header = Buffer.from(`P6\n${image.width} ${image.height}\n255\n`, "latin1");
  return Buffer.concat([header, image.data.subarray(0, image.width * image.height * 3)]);
}

/** A rectangle of an RGB picture, copied row by row. */
export function cropRgb(image: PpmImage, rect: { x: number; y: number; width: number; height: number }): PpmImage {
  const data = Buffer.allocUnsafe(rect.width * rect.height * 3);
  for (let y = 0; y < rect.height; y++) {
    const from = ((rect.y + y) * image.width + rect.x) * 3;
    image.data.copy(data, y * rect.width * 3, from, from + rect.width * 3);
  }
  return { width: rect.width, height: rect.height, data };
}
