import { existsSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { copyFile, mkdtemp, open, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import { streamFfmpeg } from "./ffmpeg";

/**
 * Real media for tests, e2e specs and benchmarks. The shared files come from Debian packages
 * and live beside the repository (../shared/media); variants are made with ffmpeg on the spot,
 * never committed. Not imported by production code.
 */

export const SHARED_MEDIA_DIR = path.resolve(import.meta.dirname, "../../../shared/media");
export const VTEST_AVI = path.join(SHARED_MEDIA_DIR, "vtest.avi");
export const hasSharedMedia = existsSync(VTEST_AVI);
/**
 * CI always has ../shared/media beside the clone, so there (CI=true) a test that needs it fails
 * instead of skipping: a missing folder must not turn into a green run that tested nothing.
 * Test-only code, so it reads CI itself rather than through lib/env.ts.
 */
export const sharedMediaRequired = process.env.CI === "true";
export const skipWithoutSharedMedia = !hasSharedMedia && !sharedMediaRequired;
export const SKIP_REASON = `shared test media not found at ${VTEST_AVI}: skipping tests that need real video`;
export const MISSING_IN_CI = `shared test media not found at ${VTEST_AVI}, and CI=true requires it`;

if (!hasSharedMedia) console.warn(sharedMediaRequired ? MISSING_IN_CI : SKIP_REASON);

export async function ffmpegCli(args: string[]): Promise<void> {
  // Through ffmpeg.ts like every other ffmpeg run; what it writes to stdout (nothing, here) is dropped.
  for await (const _chunk of streamFfmpeg(["-v", "error", "-y", ...args]));
}

export async function makeTempDir(prefix = "framewise-test-"): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), prefix));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/** The first `bytes` bytes of `source`, as a cut-off upload would leave them. */
export async function truncateCopy(source: string, target: string, bytes: number): Promise<string> {
  const handle = await open(source, "r");
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    await writeFile(target, buffer.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
  return target;
}

export type Variant =
  | "mp4"
  | "mp4-faststart"
  | "mkv"
  | "mov"
  | "mp4-audio"
  | "rotated"
  | "truncated-mp4"
  | "truncated-faststart"
  | "truncated-avi"
  | "empty"
  | "text"
  | "small"
  | "short"
  | "flv"
  | "audio-only"
  | "jpeg-as-mp4"
  | "interlaced";

const FILE_NAMES: Record<Variant, string> = {
  mp4: "clip.mp4",
  "mp4-faststart": "faststart.mp4",
  mkv: "clip.mkv",
  mov: "clip.mov",
  "mp4-audio": "with-audio.mp4",
  rotated: "rotated.mp4",
  "truncated-mp4": "truncated.mp4",
  "truncated-faststart": "truncated-faststart.mp4",
  "truncated-avi": "truncated.avi",
  empty: "empty.mp4",
  text: "notes.mp4",
  small: "small.mp4",
  short: "short.mp4",
  flv: "clip.flv",
  "audio-only": "audio.mp4",
  "jpeg-as-mp4": "picture.mp4",
  interlaced: "interlaced.mp4",
};

const pending = new Map<string, Promise<string>>();

/**
 * Makes one variant in `dir` (from vtest.avi where it needs real pictures) and returns its
 * path. Variants that others derive from are made first; concurrent requests share one run.
 */
export function makeVariant(dir: string, variant: Variant): Promise<string> {
  const target = path.join(dir, FILE_NAMES[variant]);
  let making = pending.get(target);
  if (!making) {
    making = createVariant(dir, variant, target);
    pending.set(target, making);
    making.catch(() => pending.delete(target));
  }
  return making;
}

async function createVariant(dir: string, variant: Variant, target: string): Promise<string> {
  if (existsSync(target)) return target;
  const h264 = ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"];
  switch (variant) {
    case "mp4":
      await ffmpegCli(["-t", "3", "-i", VTEST_AVI, ...h264, target]);
      break;
    case "mp4-faststart":
      await ffmpegCli(["-t", "3", "-i", VTEST_AVI, ...h264, "-movflags", "+faststart", target]);
      break;
    case "mkv":
    case "mov":
      await ffmpegCli(["-i", await makeVariant(dir, "mp4"), "-c", "copy", target]);
      break;
    case "mp4-audio":
      await ffmpegCli([
        "-t", "4", "-i", VTEST_AVI,
        "-f", "lavfi", "-t", "4", "-i", "sine=frequency=440:sample_rate=44100",
        ...h264, "-c:a", "aac", "-shortest", target,
      ]);
      break;
    case "rotated":
      await ffmpegCli(["-i", await makeVariant(dir, "mp4"), "-c", "copy", "-metadata:s:v:0", "rotate=90", target]);
      break;
    case "truncated-mp4":
      // moov is written last without +faststart: the first half has no index at all.
      await truncateCopy(await makeVariant(dir, "mp4"), target, 100_000);
      break;
    case "truncated-faststart":
      await truncateCopy(await makeVariant(dir, "mp4-faststart"), target, 200_000);
      break;
    case "truncated-avi":
      await truncateCopy(VTEST_AVI, target, 4_000_000);
      break;
    case "empty":
      await writeFile(target, "");
      break;
    case "text":
      await writeFile(target, "These are meeting notes, not a video.\n".repeat(20));
      break;
    case "small":
      await ffmpegCli(["-t", "2", "-i", VTEST_AVI, "-vf", "scale=200:150", ...h264, target]);
      break;
    case "short":
      await ffmpegCli(["-t", "0.5", "-i", VTEST_AVI, ...h264, target]);
      break;
    case "flv":
      await ffmpegCli(["-t", "2", "-i", VTEST_AVI, "-c:v", "flv", target]);
      break;
    case "audio-only":
      await ffmpegCli(["-f", "lavfi", "-t", "2", "-i", "sine=frequency=440", "-c:a", "aac", target]);
      break;
    case "jpeg-as-mp4":
      await copyFile(path.join(SHARED_MEDIA_DIR, "dog.jpg"), target);
      break;
    case "interlaced":
      await ffmpegCli([
        "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25", "-t", "1.2",
        ...h264, "-flags", "+ilme+ildct", "-x264opts", "tff=1", target,
      ]);
      break;
  }
  return target;
}

/** Top-level MP4 box types in file order ("ftyp", "moov", "mdat", ...). */
export async function mp4TopLevelBoxes(filePath: string): Promise<string[]> {
  const handle = await open(filePath, "r");
  try {
    const { size } = await handle.stat();
    const boxes: string[] = [];
    const header = Buffer.alloc(16);
    let position = 0;
    while (position + 8 <= size) {
      await handle.read(header, 0, 16, position);
      let boxSize = header.readUInt32BE(0);
      const type = header.toString("latin1", 4, 8);
      if (boxSize === 1) boxSize = Number(header.readBigUInt64BE(8));
      else if (boxSize === 0) boxSize = size - position;
      if (boxSize < 8) break;
      boxes.push(type);
      position += boxSize;
    }
    return boxes;
  } finally {
    await handle.close();
  }
}

export interface WebServer {
  url: string;
  close(): Promise<void>;
}

/**
 * A plain node:http server that hands each request to a Web-standard handler, the way Next's
 * route handlers receive them: request bodies stream in, response bodies stream out with
 * backpressure, and a client that disconnects cancels the response body.
 */
export async function startWebServer(handler: (request: Request) => Promise<Response>): Promise<WebServer> {
  const server = http.createServer(async (incoming, outgoing) => {
    try {
      const hasBody = incoming.method !== "GET" && incoming.method !== "HEAD";
      const request = new Request(`http://127.0.0.1${incoming.url ?? "/"}`, {
        method: incoming.method,
        headers: Object.entries(incoming.headers).flatMap(([name, value]) =>
          value === undefined ? [] : Array.isArray(value) ? value.map((item) => [name, item] as [string, string]) : [[name, value] as [string, string]],
        ),
        body: hasBody ? (Readable.toWeb(incoming) as unknown as ReadableStream<Uint8Array>) : undefined,
        duplex: "half",
      } as RequestInit);
      const response = await handler(request);
      outgoing.writeHead(response.status, Object.fromEntries(response.headers));
      if (!response.body) {
        outgoing.end();
        return;
      }
      const body = Readable.fromWeb(response.body as unknown as NodeReadableStream<Uint8Array>);
      outgoing.on("close", () => body.destroy());
      body.on("error", () => outgoing.destroy());
      body.pipe(outgoing);
    } catch (error) {
      const status = (error as { kind?: string }).kind === "not_found" ? 404 : (error as { kind?: string }).kind === "payload_too_large" ? 413 : 500;
      if (!outgoing.headersSent) outgoing.writeHead(status, { "content-type": "application/json", connection: "close" });
      outgoing.end(JSON.stringify({ detail: (error as Error).message }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
