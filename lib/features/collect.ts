import { spawn } from "node:child_process";
import { access, constants, mkdir, readdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { probeVideoStream } from "@/lib/media/frames";
import { startEgressProxy } from "./egress-proxy";
import { checkUrlTarget, downloadToFile, platformOf, sniffMedia, type FetchPolicy } from "./fetch-url";

/**
 * Collecting a feature job's inputs into its media folder. Each function either leaves the
 * file in place and answers where, or throws an AppError whose message is the item's reason.
 */

export function fetchPolicy(): FetchPolicy {
  const config = env();
  return {
    allowPrivate: config.ALLOW_PRIVATE_URLS === "on",
    maxBytes: config.FEATURES_MAX_DOWNLOAD_MB * 1e6,
    timeoutMs: config.FEATURES_DOWNLOAD_TIMEOUT_S * 1000,
  };
}

const IMAGE_EXT: Record<string, string> = { "\xff\xd8\xff": "jpg", "\x89PN": "png", GIF: "gif", RIF: "webp", BM: "bmp" };

function imageExtension(head: Buffer): string {
  const ascii = head.toString("latin1");
  for (const [prefix, ext] of Object.entries(IMAGE_EXT)) if (ascii.startsWith(prefix)) return ext;
  return "img";
}

/** An image URL into `dir`/`name`.<ext>; answers the file's path relative to `mediaDir`. */
export async function collectImage(url: string, mediaDir: string, relativeBase: string, policy = fetchPolicy()): Promise<string> {
  const target = path.join(mediaDir, relativeBase);
  await mkdir(path.dirname(target), { recursive: true });
  const partial = `${target}.download`;
  const download = await downloadToFile(url, partial, policy);
  const kind = sniffMedia(download.head);
  if (kind !== "image") {
    await rm(partial, { force: true });
    throw new AppError("unsupported_media", kind === "html" ? "the URL is a web page, not an image" : `not an image (content type ${download.contentType ?? "unknown"})`);
  }
  const relative = `${relativeBase}.${imageExtension(download.head)}`;
  // turbopackIgnore (here and below): a file in the job's media folder, not the app's; without
  // it the build traces the whole project for `<anything>.<ext>`.
  await rename(partial, path.join(/* turbopackIgnore: true */ mediaDir, relative));
  await probeVideoStream(path.join(/* turbopackIgnore: true */ mediaDir, relative)).catch(async () => {
    await rm(path.join(/* turbopackIgnore: true */ mediaDir, relative), { force: true });
    throw new AppError("unsupported_media", "the image could not be decoded");
  });
  return relative;
}

/** Whether `yt-dlp` is an executable on PATH. */
export async function findYtDlp(): Promise<string | null> {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, "yt-dlp");
    if (await access(candidate, constants.X_OK).then(() => true, () => false)) return candidate;
  }
  return null;
}

export const NO_YT_DLP = "the URL is a web page, not a media file, and yt-dlp is not installed on this server to fetch the video from it";

/**
 * A video URL into `relativeBase`.<ext>. Direct media is streamed (fetch-url.ts); a page
 * (YouTube, TikTok, ... or any HTML answer) goes through yt-dlp when it is on PATH, under the
 * same size and time caps.
 */
export async function collectVideoUrl(url: string, mediaDir: string, relativeBase: string, policy = fetchPolicy()): Promise<string> {
  const target = path.join(mediaDir, relativeBase);
  await mkdir(path.dirname(target), { recursive: true });
  let isPage = platformOf(url) !== "direct";
  if (!isPage) {
    const download = await downloadToFile(url, `${target}.download`, policy);
    const kind = sniffMedia(download.head);
    if (kind === "video" || kind === "unknown") {
      const relative = `${relativeBase}.video`;
      await rename(download.file, path.join(mediaDir, relative));
      const info = await probeVideoStream(path.join(mediaDir, relative)).catch(() => null);
      if (info && info.duration > 0) return relative;
      await rm(path.join(mediaDir, relative), { force: true });
      throw new AppError("unsupported_media", kind === "video" ? "the video could not be decoded" : `not a video (content type ${download.contentType ?? "unknown"})`);
    }
    await rm(download.file, { force: true });
    if (kind === "image") throw new AppError("unsupported_media", "the URL is an image, not a video");
    isPage = true;
  }
  // The page's own address is checked like any download; yt-dlp then follows the site's links.
  await checkUrlTarget(url, policy);
  const ytDlp = await findYtDlp();
  if (!ytDlp) throw new AppError("unsupported_media", NO_YT_DLP);
  await runYtDlp(ytDlp, url, target, policy);
  const produced = (await readdir(path.dirname(target))).find((name) => name.startsWith(`${path.basename(target)}.`) && !name.endsWith(".part"));
  if (!produced) throw new AppError("unsupported_media", "yt-dlp produced no video");
  return path.join(path.dirname(relativeBase), produced);
}

/**
 * yt-dlp with every request it makes through an egress proxy of ours (egress-proxy.ts), which
 * resolves each destination and refuses private ones, as downloadToFile does for ours.
 */
async function runYtDlp(binary: string, url: string, target: string, policy: FetchPolicy): Promise<void> {
  const proxy = await startEgressProxy(policy);
  try {
    await spawnYtDlp(binary, ["--proxy", proxy.url, ...ytDlpArguments(url, target, policy)], policy);
  } finally {
    await proxy.close();
  }
}

function ytDlpArguments(url: string, target: string, policy: FetchPolicy): string[] {
  return ["--no-playlist", "--no-progress", "--max-filesize", String(Math.floor(policy.maxBytes)), "-f", "mp4/best", "-o", `${target}.%(ext)s`, "--", url];
}

function spawnYtDlp(binary: string, args: string[], policy: FetchPolicy): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      binary,
      args,
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    let stderr = "";
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (text: string) => (stderr = (stderr + text).slice(-2000)));
    const timer = setTimeout(() => child.kill("SIGKILL"), policy.timeoutMs);
    child.once("error", () => reject(new AppError("unavailable", "yt-dlp could not start")));
    child.once("close", (code) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new AppError("unsupported_media", `yt-dlp failed: ${stderr.trim().split("\n").pop()?.slice(0, 200) ?? code}`));
    });
  });
}
