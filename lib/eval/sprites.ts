import { readFile } from "node:fs/promises";
import path from "node:path";
import { decodeImage } from "@/lib/media/frames";
import { SHARED_MEDIA_DIR } from "@/lib/media/test-media";
import { decodeRle } from "@/lib/reframer/rle";
import { cutOut, type Rect, type Rgba } from "./raster";

/**
 * The person cut-outs of the synthetic clips: sprites.json (made by ./make-sprites.ts with the
 * worker's detector and person segmenter) says which still, which rectangle of it and which of
 * its pixels; the pixels themselves come from the shared still each time, so nothing binary is
 * committed and making a clip needs no worker.
 */
export const SPRITES_FILE = path.join(import.meta.dirname, "sprites.json");

export type SpriteEntry = {
  name: string;
  /** A file in ../shared/media. */
  still: string;
  /** The mask's bounding box in the still. */
  crop: Rect;
  /** The crop's mask: run lengths over crop.width x crop.height, row-major, zeros first. */
  mask_rle: string;
  method: string;
  /** The detector's score for the person in the still. */
  detector_score: number;
};
export type SpriteFile = { sprites: SpriteEntry[] };

export type Sprite = { name: string; image: Rgba };

export async function loadSprites(): Promise<Sprite[]> {
  const file = JSON.parse(await readFile(SPRITES_FILE, "utf8")) as SpriteFile;
  return Promise.all(
    file.sprites.map(async (entry) => {
      const still = await decodeImage(path.join(SHARED_MEDIA_DIR, entry.still));
      return { name: entry.name, image: cutOut(still, entry.crop, decodeRle(entry.mask_rle)) };
    }),
  );
}

/**
 * The opaque occluder: the "NOTICE / DOUBLE PARKING PROHIBITED" sign of scenetext01.jpg on its
 * post, a real object cut out by hand: the board (corners rounded off, where the still's trees
 * show) and `postLength` pixels of the post below it, both from the still.
 */
export async function loadSign(postLength: number): Promise<Rgba> {
  const still = await decodeImage(path.join(SHARED_MEDIA_DIR, "scenetext01.jpg"));
  const board = { x: 260, y: 21, width: 180, height: 246 };
  const post = { x: 300, width: 100 };
  const height = board.height + Math.min(postLength, still.height - board.y - board.height);
  const mask = new Uint8Array(board.width * height);
  const radius = 10;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < board.width; x++) {
      if (y >= board.height) {
        mask[y * board.width + x] = x >= post.x - board.x && x < post.x - board.x + post.width ? 1 : 0;
        continue;
      }
      const dx = Math.max(radius - x, x - (board.width - 1 - radius), 0);
      const dy = Math.max(radius - y, y - (board.height - 1 - radius), 0);
      mask[y * board.width + x] = dx * dx + dy * dy <= radius * radius ? 1 : 0;
    }
  }
  return cutOut(still, { x: board.x, y: board.y, width: board.width, height }, mask);
}
