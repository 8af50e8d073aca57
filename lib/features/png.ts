import { deflateSync } from "node:zlib";

/**
 * A minimal PNG writer for 8-bit grayscale (segmentation masks) and RGB images (the masked
 * crops the detector embeds): opencv-js has no imencode. Filter type 0 on every row; zlib
 * does the rest.
 */
const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

export function encodeGrayPng(width: number, height: number, pixels: Uint8Array): Buffer {
  return encodePng(width, height, pixels, 1);
}

/** `pixels`: width x height x 3 bytes, RGB. */
export function encodeRgbPng(width: number, height: number, pixels: Uint8Array): Buffer {
  return encodePng(width, height, pixels, 3);
}

function encodePng(width: number, height: number, pixels: Uint8Array, channels: 1 | 3): Buffer {
  if (pixels.length !== width * height * channels) throw new Error("pixel count does not match the size");
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = channels === 1 ? 0 : 2; // grayscale or truecolour
  const row = width * channels;
  const raw = Buffer.alloc((row + 1) * height);
  for (let y = 0; y < height; y++) raw.set(pixels.subarray(y * row, (y + 1) * row), y * (row + 1) + 1);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", header), chunk("IDAT", deflateSync(raw)), chunk("IEND", Buffer.alloc(0))]);
}
