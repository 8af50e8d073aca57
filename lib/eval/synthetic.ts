import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { writeFfmpeg } from "@/lib/media/ffmpeg";
import { decodeFrames, decodeImage } from "@/lib/media/frames";
import { VTEST_AVI } from "@/lib/media/test-media";
import { produceFileAtomic } from "@/lib/storage/write-file";
import { blend, flipHorizontal, resizeRgba, writePng, type Rect, type Rgb, type Rgba } from "./raster";
import { loadSign, loadSprites, SPRITES_FILE } from "./sprites";

/**
 * Synthetic test clips with exact ground truth, for measuring tracking (IDF1, ID switches) and
 * the entering/leaving events. Each clip is real people (cut out of the shared stills by the
 * project's own segmenter: ./make-sprites.ts, ./sprites.json) walking over a real empty plaza
 * (the per-pixel median of 40 frames of vtest.avi, which removes its pedestrians), composed
 * here frame by frame as raw RGB and streamed into ffmpeg (libx264), never held whole. Because
 * the pictures are made here, the truth is known to the pixel: per frame, each person's
 * visible pixels (clipped by the frame, by the occluder and by a nearer person), their bounding
 * box and the share of the cut-out they are; and the events, from the script.
 */

export type SyntheticBox = { x: number; y: number; width: number; height: number };
export type SyntheticObject = {
  id: number;
  label: "person";
  /** Bounding box of the visible pixels, in pixels. */
  box: SyntheticBox;
  /** Share (0..1) of the cut-out's pixels that is visible; under HIDDEN_BELOW the object is left out. */
  visible: number;
};
export type SyntheticFrame = { index: number; timestamp: number; objects: SyntheticObject[] };
export type SyntheticEvent = { label: "person entering" | "person leaving"; time: number; trackId: number };
export type SyntheticClip = {
  name: string;
  /** Absolute path of the H.264 mp4. */
  file: string;
  width: number;
  height: number;
  fps: number;
  /** Seconds: frames.length / fps. */
  duration: number;
  frames: SyntheticFrame[];
  events: SyntheticEvent[];
};

/** Bump when the pictures or the truth of an unchanged script would come out differently. */
export const SYNTHETIC_VERSION = 1;
export const WIDTH = 768;
export const HEIGHT = 576;
export const FPS = 10;
/** An object with less of its cut-out visible than this counts as hidden in that frame. */
export const HIDDEN_BELOW = 0.3;
/** A sprite pixel belongs to the person when its alpha is at least this (of 255). */
const OPAQUE = 128;

type SpriteName = "blue-jacket" | "footballer";
/** Which way each cut-out faces in its still: walking the other way, it is flipped. */
const FACING: Record<SpriteName, "left" | "right"> = { "blue-jacket": "right", footballer: "right" };

type Actor = {
  id: number;
  sprite: SpriteName;
  /** On-screen height of the cut-out, pixels. */
  height: number;
  /** Image row of the feet (the ground line), pixels; the larger, the nearer the camera. */
  feetY: number;
  /**
   * [seconds, feet-centre x] keys, linear between them; the person exists from the first key's
   * time to the last's. Equal x in neighbouring keys: standing (a small sway), else walking (a
   * small step bob).
   */
  keys: [number, number][];
  /** Multiplies the cut-out's red, green and blue: the same person in other clothes. */
  tint?: [number, number, number];
};
type Scene = {
  name: string;
  duration: number;
  actors: Actor[];
  /** The notice sign, in front of everyone: its centre x, the board's top row and its scale. */
  sign?: { x: number; top: number; scale: number };
  /** Global brightness from the first frame to the last (linear), 1 = the plaza as it is. */
  brightness?: [number, number];
};

/** The scripted clips. Walking speeds are about 85-130 px/s; people are 180-220 px tall. */
export const SCENES: readonly Scene[] = [
  {
    name: "enter-leave",
    duration: 11,
    actors: [{ id: 1, sprite: "blue-jacket", height: 220, feetY: 530, keys: [[0.8, -40], [9.4, 808]] }],
  },
  {
    // Opposite edges, about the same ground line; they cross mid-frame around 5.2 s with boxes
    // overlapping for about 1.4 s (the footballer, farther away, is partly covered).
    name: "crossing",
    duration: 12,
    actors: [
      { id: 1, sprite: "blue-jacket", height: 220, feetY: 540, keys: [[1, -40], [9.5, 808]] },
      { id: 2, sprite: "footballer", height: 180, feetY: 510, keys: [[1, 890], [9.5, -122]] },
    ],
  },
  {
    name: "pause",
    duration: 13,
    actors: [{ id: 1, sprite: "footballer", height: 180, feetY: 500, keys: [[0.8, 890], [4.5, 400], [8, 400], [12.2, -122]] }],
  },
  {
    // The sign's board (198 x 258 at this scale, rows 262-520) covers the walker's whole
    // height (rows 277-500): about 1.4 s fully hidden, 2.0 s (20 frames) under HIDDEN_BELOW.
    name: "occluded",
    duration: 12,
    actors: [{ id: 1, sprite: "blue-jacket", height: 220, feetY: 500, keys: [[0.8, -40], [10.6, 808]] }],
    sign: { x: 384, top: 262, scale: 1.05 },
  },
  {
    // One stands mid-frame from the start and walks out (leaving only); one walks in at 4 s
    // and is still standing there at the end (entering only).
    name: "present-at-start",
    duration: 12,
    actors: [
      { id: 1, sprite: "blue-jacket", height: 220, feetY: 520, keys: [[0, 420], [2.5, 420], [6.5, 808]] },
      { id: 2, sprite: "footballer", height: 180, feetY: 470, keys: [[4, -122], [8.5, 250], [12, 250]] },
    ],
  },
  {
    // A trap for re-identification by motion alone: one walks in and stays behind the sign; a
    // second person in other clothes, hidden there from the start, walks out the way the first
    // was heading about 2 s later. Two people, two ids: no leaving for the first, no entering
    // for the second (both were in the frame, behind the sign).
    name: "swap-behind-sign",
    duration: 12,
    actors: [
      { id: 1, sprite: "blue-jacket", height: 220, feetY: 500, keys: [[0.8, -40], [4.4, 384], [12, 384]] },
      { id: 2, sprite: "blue-jacket", height: 210, feetY: 505, keys: [[0, 384], [5, 384], [9, 808]], tint: [1.35, 0.55, 0.35] },
    ],
    sign: { x: 384, top: 262, scale: 1.05 },
  },
  { name: "empty", duration: 10, actors: [], brightness: [0.94, 1.06] },
];

/**
 * Makes the clips (all, or those named in `only`) in `outDir` and returns them with their
 * truth. A clip already there with the same script, sprites and version is reused: its name
 * carries a hash of all three, and its truth is the json beside it.
 */
export async function makeSyntheticClips(outDir: string, options: { only?: string[] } = {}): Promise<SyntheticClip[]> {
  const scenes = SCENES.filter((scene) => !options.only || options.only.includes(scene.name));
  const unknown = (options.only ?? []).filter((name) => !SCENES.some((scene) => scene.name === name));
  if (unknown.length) throw new Error(`no synthetic clip named ${unknown.join(", ")}; there are ${SCENES.map((scene) => scene.name).join(", ")}`);
  await mkdir(outDir, { recursive: true });
  const spritesText = await readFile(SPRITES_FILE, "utf8");
  let assets: Assets | undefined;
  const clips: SyntheticClip[] = [];
  for (const scene of scenes) {
    const key = createHash("sha256").update(JSON.stringify({ SYNTHETIC_VERSION, scene, spritesText })).digest("hex").slice(0, 10);
    const base = path.resolve(outDir, `${scene.name}.v${SYNTHETIC_VERSION}-${key}`);
    const file = `${base}.mp4`;
    if (existsSync(file) && existsSync(`${base}.json`)) {
      clips.push({ ...(JSON.parse(await readFile(`${base}.json`, "utf8")) as SyntheticClip), file });
      continue;
    }
    assets ??= await loadAssets(outDir);
    const clip = await renderScene(scene, assets, file);
    await produceFileAtomic(`${base}.json`, (partial) => writeFile(partial, JSON.stringify(clip)));
    clips.push(clip);
  }
  return clips;
}

type Assets = { plaza: Rgb; sprites: Map<string, Rgba>; sign: Rgba };

async function loadAssets(outDir: string): Promise<Assets> {
  const [plaza, sprites, sign] = await Promise.all([plazaBackground(outDir), loadSprites(), loadSign(120)]);
  return { plaza, sprites: new Map(sprites.map((sprite) => [sprite.name, sprite.image])), sign };
}

/**
 * The plaza without its people: the per-pixel, per-channel median of vtest.avi sampled every
 * 20th frame (40 frames over its 79.5 s). Pedestrians keep moving, so at any pixel most samples
 * see the ground. Kept in `outDir` as a PNG (lossless) once made.
 */
export async function plazaBackground(outDir: string): Promise<Rgb> {
  const file = path.join(outDir, `plaza.v${SYNTHETIC_VERSION}.png`);
  if (existsSync(file)) return decodeImage(file);
  const samples: Buffer[] = [];
  for await (const frame of decodeFrames({ path: VTEST_AVI, fps: 0.5, width: WIDTH, height: HEIGHT })) samples.push(frame.data);
  const data = Buffer.allocUnsafe(WIDTH * HEIGHT * 3);
  const column = new Uint8Array(samples.length);
  const middle = samples.length >> 1;
  for (let i = 0; i < data.length; i++) {
    for (let k = 0; k < samples.length; k++) column[k] = samples[k][i];
    column.sort();
    data[i] = samples.length % 2 ? column[middle] : (column[middle - 1] + column[middle] + 1) >> 1;
  }
  const plaza = { width: WIDTH, height: HEIGHT, data };
  await mkdir(outDir, { recursive: true });
  await produceFileAtomic(file, (partial) => writePng(partial, plaza));
  return plaza;
}

/** One actor's picture and place in one frame. */
type Placed = { actor: Actor; image: Rgba; left: number; top: number; opaque: number };

async function renderScene(scene: Scene, assets: Assets, file: string): Promise<SyntheticClip> {
  const count = Math.round(scene.duration * FPS);
  const random = seeded(scene.name);
  const noise = noiseTable(random);
  const looks = new Map(scene.actors.map((actor) => [actor.id, actorImages(actor, assets)]));
  const sign = scene.sign ? scaledSign(assets.sign, scene.sign) : undefined;
  const frames: SyntheticFrame[] = [];
  const onScreen = new Map<number, { first: boolean; last: boolean }>();
  const owner = new Uint8Array(WIDTH * HEIGHT);

  const args = [
    ...["-loglevel", "error", "-y"],
    ...["-f", "rawvideo", "-pix_fmt", "rgb24", "-s", `${WIDTH}x${HEIGHT}`, "-r", String(FPS), "-i", "pipe:0"],
    ...["-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-crf", "20", "-f", "mp4"],
  ];
  await produceFileAtomic(file, async (partial) => {
    const encoder = writeFfmpeg([...args, partial]);
    try {
      for (let index = 0; index < count; index++) {
        const t = index / FPS;
        // A fresh buffer per frame: the pipe may still hold the previous one.
        const data = Buffer.allocUnsafe(WIDTH * HEIGHT * 3);
        const pixels = new Uint8ClampedArray(data.buffer, data.byteOffset, data.length);
        const [from, to] = scene.brightness ?? [1, 1];
        const gain = from + ((to - from) * index) / Math.max(1, count - 1);
        if (gain === 1) assets.plaza.data.copy(data);
        else for (let i = 0; i < data.length; i++) pixels[i] = assets.plaza.data[i] * gain;
        const frame = { width: WIDTH, height: HEIGHT, data };

        // Far to near (by the feet's row); the sign stands in front of everyone.
        const layers: Placed[] = scene.actors
          .map((actor) => place(actor, t, looks.get(actor.id)!))
          .filter((placed): placed is Placed => placed !== null)
          .sort((a, b) => a.actor.feetY - b.actor.feetY);
        owner.fill(0);
        layers.forEach((layer, k) => {
          blend(frame, layer.image, layer.left, layer.top);
          paintOwner(owner, layer, k + 1);
        });
        if (sign) {
          blend(frame, sign.image, sign.left, sign.top);
          paintOwner(owner, sign, 255);
        }
        const objects: SyntheticObject[] = [];
        layers.forEach((layer, k) => {
          const seen = ownedBounds(owner, layer, k + 1);
          if (seen.pixels / layer.opaque >= HIDDEN_BELOW) objects.push({ id: layer.actor.id, label: "person", box: seen.box, visible: round3(seen.pixels / layer.opaque) });
        });
        objects.sort((a, b) => a.id - b.id);
        for (const actor of scene.actors) {
          const inside = layers.some((layer) => layer.actor === actor && intersectsFrame(layer));
          const state = onScreen.get(actor.id) ?? { first: false, last: false };
          if (index === 0) state.first = inside;
          if (index === count - 1) state.last = inside;
          onScreen.set(actor.id, state);
        }

        const offset = Math.floor(random() * NOISE_SLACK);
        for (let i = 0; i < data.length; i++) pixels[i] = data[i] + noise[offset + i];
        frames.push({ index, timestamp: round3(t), objects });
        await encoder.write(data);
      }
      await encoder.end();
    } catch (error) {
      encoder.kill();
      throw error;
    }
  });

  // Entering: the first frame an object counts as visible, when it came in through an edge
  // (it was not in the frame at t=0). Leaving: its last visible frame, when it walked out (it
  // is not in the last frame). Hidden stretches in between are neither.
  const events: SyntheticEvent[] = [];
  for (const actor of scene.actors) {
    const seen = frames.filter((frame) => frame.objects.some((object) => object.id === actor.id));
    if (seen.length === 0) continue;
    const state = onScreen.get(actor.id)!;
    if (!state.first) events.push({ label: "person entering", time: seen[0].timestamp, trackId: actor.id });
    if (!state.last) events.push({ label: "person leaving", time: seen[seen.length - 1].timestamp, trackId: actor.id });
  }
  events.sort((a, b) => a.time - b.time || a.trackId - b.trackId);
  return { name: scene.name, file, width: WIDTH, height: HEIGHT, fps: FPS, duration: count / FPS, frames, events };
}

/** The actor's cut-out at its on-screen height, facing each way, with its count of opaque pixels. */
function actorImages(actor: Actor, assets: Assets): { right: Rgba; left: Rgba; opaque: number } {
  const still = assets.sprites.get(actor.sprite);
  if (!still) throw new Error(`sprites.json has no sprite ${actor.sprite}`);
  const scaled = resizeRgba(still, Math.max(1, Math.round((still.width * actor.height) / still.height)), actor.height);
  if (actor.tint) {
    const [r, g, b] = actor.tint;
    for (let i = 0; i < scaled.data.length; i += 4) {
      scaled.data[i] *= r;
      scaled.data[i + 1] *= g;
      scaled.data[i + 2] *= b;
    }
  }
  const flipped = flipHorizontal(scaled);
  const [right, left] = FACING[actor.sprite] === "right" ? [scaled, flipped] : [flipped, scaled];
  let opaque = 0;
  for (let i = 3; i < scaled.data.length; i += 4) if (scaled.data[i] >= OPAQUE) opaque++;
  return { right, left, opaque };
}

/** Where the actor is at `t` (null before its first key and after its last). */
function place(actor: Actor, t: number, looks: { right: Rgba; left: Rgba; opaque: number }): Placed | null {
  const { keys } = actor;
  if (t < keys[0][0] - 1e-9 || t > keys[keys.length - 1][0] + 1e-9) return null;
  let k = 0;
  while (k < keys.length - 2 && t > keys[k + 1][0]) k++;
  const [t0, x0] = keys[k];
  const [t1, x1] = keys[Math.min(k + 1, keys.length - 1)];
  const share = t1 > t0 ? Math.min(1, Math.max(0, (t - t0) / (t1 - t0))) : 0;
  let x = x0 + (x1 - x0) * share;
  let feet = actor.feetY;
  if (x1 === x0) x += 2.5 * Math.sin((2 * Math.PI * t) / 1.6); // standing: a slow sway
  else feet -= 3 * Math.abs(Math.sin(2 * Math.PI * t)); // walking: a step bob, two a second
  const image = facesLeft(keys, k) ? looks.left : looks.right;
  return { actor, image, left: Math.round(x - image.width / 2), top: Math.round(feet - image.height), opaque: looks.opaque };
}

/**
 * Whether the person faces left in the segment from key k: the way it walks there, or, standing,
 * the way of its last walk (of its next one when it has not walked yet).
 */
function facesLeft(keys: [number, number][], k: number): boolean {
  const walksLeft = (j: number) => keys[j][1] < keys[j - 1][1];
  for (let j = Math.min(k + 1, keys.length - 1); j > 0; j--) if (keys[j][1] !== keys[j - 1][1]) return walksLeft(j);
  for (let j = k + 2; j < keys.length; j++) if (keys[j][1] !== keys[j - 1][1]) return walksLeft(j);
  return false;
}

function scaledSign(sign: Rgba, at: NonNullable<Scene["sign"]>): { image: Rgba; left: number; top: number } {
  const image = resizeRgba(sign, Math.round(sign.width * at.scale), Math.round(sign.height * at.scale));
  return { image, left: Math.round(at.x - image.width / 2), top: at.top };
}

/** Marks `id` on the frame pixels where the layer is opaque (a later, nearer layer overwrites). */
function paintOwner(owner: Uint8Array, layer: { image: Rgba; left: number; top: number }, id: number): void {
  const { image, left, top } = layer;
  for (let y = Math.max(0, top); y < Math.min(HEIGHT, top + image.height); y++) {
    for (let x = Math.max(0, left); x < Math.min(WIDTH, left + image.width); x++) {
      if (image.data[((y - top) * image.width + x - left) * 4 + 3] >= OPAQUE) owner[y * WIDTH + x] = id;
    }
  }
}

/** How many frame pixels still show the layer `id`, and their bounding box. */
function ownedBounds(owner: Uint8Array, layer: Placed, id: number): { pixels: number; box: Rect } {
  const { image, left, top } = layer;
  let pixels = 0;
  let x0 = WIDTH;
  let y0 = HEIGHT;
  let x1 = -1;
  let y1 = -1;
  for (let y = Math.max(0, top); y < Math.min(HEIGHT, top + image.height); y++) {
    for (let x = Math.max(0, left); x < Math.min(WIDTH, left + image.width); x++) {
      if (owner[y * WIDTH + x] !== id) continue;
      pixels++;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
  }
  return { pixels, box: pixels ? { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 } : { x: 0, y: 0, width: 0, height: 0 } };
}

function intersectsFrame(layer: Placed): boolean {
  return layer.left < WIDTH && layer.top < HEIGHT && layer.left + layer.image.width > 0 && layer.top + layer.image.height > 0;
}

const NOISE_SLACK = 65_536;

/** Sensor-like noise, -3..3 (triangular), read from a random offset each frame. */
function noiseTable(random: () => number): Int8Array {
  const table = new Int8Array(WIDTH * HEIGHT * 3 + NOISE_SLACK);
  for (let i = 0; i < table.length; i++) table[i] = Math.round((random() + random() - 1) * 3);
  return table;
}

/** mulberry32 seeded from the name: the same clip comes out the same every time. */
function seeded(name: string): () => number {
  let state = createHash("sha256").update(name).digest().readUInt32LE(0);
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const round3 = (value: number) => Math.round(value * 1000) / 1000;
