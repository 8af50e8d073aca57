import { writeFfmpeg } from "@/lib/media/ffmpeg";
import type { Image } from "@/lib/media/frames";

/**
 * The few pixel operations the synthetic clips need, on plain buffers: RGBA sprites with a
 * straight (not premultiplied) alpha, resized bilinearly and blended onto RGB frames. No image
 * library: the clips are composed in Node and streamed into ffmpeg (./synthetic.ts).
 */
/** An RGB24 picture, as the frame decoder gives one. */
export type Rgb = Image;
export type Rgba = { width: number; height: number; data: Uint8ClampedArray };
export type Rect = { x: number; y: number; width: number; height: number };

/** An RGB rectangle with alpha from `mask` (one byte per pixel of the rectangle, 0 or 1). */
export function cutOut(image: Rgb, rect: Rect, mask: Uint8Array): Rgba {
  const data = new Uint8ClampedArray(rect.width * rect.height * 4);
  for (let y = 0; y < rect.height; y++) {
    for (let x = 0; x < rect.width; x++) {
      const s = ((rect.y + y) * image.width + rect.x + x) * 3;
      const d = (y * rect.width + x) * 4;
      data[d] = image.data[s];
      data[d + 1] = image.data[s + 1];
      data[d + 2] = image.data[s + 2];
      data[d + 3] = mask[y * rect.width + x] ? 255 : 0;
    }
  }
  return { width: rect.width, height: rect.height, data };
}

export function flipHorizontal(sprite: Rgba): Rgba {
  const data = new Uint8ClampedArray(sprite.data.length);
  for (let y = 0; y < sprite.height; y++) {
    for (let x = 0; x < sprite.width; x++) {
      const s = (y * sprite.width + x) * 4;
      const d = (y * sprite.width + sprite.width - 1 - x) * 4;
      for (let c = 0; c < 4; c++) data[d + c] = sprite.data[s + c];
    }
  }
  return { width: sprite.width, height: sprite.height, data };
}

/**
 * Bilinear resize with premultiplied colour, so transparent pixels (whose colour is whatever
 * the still had there) do not bleed a fringe into the edge.
 */
export function resizeRgba(sprite: Rgba, width: number, height: number): Rgba {
  const data = new Uint8ClampedArray(width * height * 4);
  const sx = sprite.width / width;
  const sy = sprite.height / height;
  for (let y = 0; y < height; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), sprite.height - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, sprite.height - 1);
    const wy = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), sprite.width - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, sprite.width - 1);
      const wx = fx - x0;
      const corners = [
        [(y0 * sprite.width + x0) * 4, (1 - wx) * (1 - wy)],
        [(y0 * sprite.width + x1) * 4, wx * (1 - wy)],
        [(y1 * sprite.width + x0) * 4, (1 - wx) * wy],
        [(y1 * sprite.width + x1) * 4, wx * wy],
      ];
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (const [i, w] of corners) {
        const alpha = sprite.data[i + 3] * w;
        r += sprite.data[i] * alpha;
        g += sprite.data[i + 1] * alpha;
        b += sprite.data[i + 2] * alpha;
        a += alpha;
      }
      const d = (y * width + x) * 4;
      if (a > 0) {
        data[d] = r / a;
        data[d + 1] = g / a;
        data[d + 2] = b / a;
      }
      data[d + 3] = a;
    }
  }
  return { width, height, data };
}

/** Blends `sprite` onto `frame` (in place) with its top-left corner at (left, top), whole pixels. */
export function blend(frame: Rgb, sprite: Rgba, left: number, top: number): void {
  const x0 = Math.max(0, left);
  const y0 = Math.max(0, top);
  const x1 = Math.min(frame.width, left + sprite.width);
  const y1 = Math.min(frame.height, top + sprite.height);
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const s = ((y - top) * sprite.width + x - left) * 4;
      const alpha = sprite.data[s + 3];
      if (alpha === 0) continue;
      const d = (y * frame.width + x) * 3;
      const a = alpha / 255;
      frame.data[d] = frame.data[d] + (sprite.data[s] - frame.data[d]) * a + 0.5;
      frame.data[d + 1] = frame.data[d + 1] + (sprite.data[s + 1] - frame.data[d + 1]) * a + 0.5;
      frame.data[d + 2] = frame.data[d + 2] + (sprite.data[s + 2] - frame.data[d + 2]) * a + 0.5;
    }
  }
}

/** Writes an RGB or RGBA picture as PNG (to look at by eye). */
export async function writePng(file: string, image: Rgb | Rgba): Promise<void> {
  const channels = image.data.length / (image.width * image.height);
  const input = Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength);
  const args = ["-loglevel", "error", "-y", "-f", "rawvideo", "-pix_fmt", channels === 4 ? "rgba" : "rgb24", "-s", `${image.width}x${image.height}`, "-i", "pipe:0", "-frames:v", "1", "-c:v", "png", "-f", "image2", "-update", "1", file];
  const writer = writeFfmpeg(args);
  await writer.write(input);
  await writer.end();
}
