import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { resolveInside } from "@/lib/storage/resolve-inside";
import { isSupportedVideoName } from "./formats";

/**
 * Videos already on the server, in VIDEO_INPUT_DIR (contracts/cabin-events.md "List Server
 * Videos" / "Create Job (server file)"). Names are file names directly inside the folder.
 */

export interface ServerVideoOptions {
  /** Overrides VIDEO_INPUT_DIR (tests, tools). */
  dir?: string;
}

async function inputDirOrThrow(options: ServerVideoOptions): Promise<string> {
  const dir = options.dir ?? env().VIDEO_INPUT_DIR;
  const info = dir ? await stat(dir).catch(() => null) : null;
  if (!dir || !info?.isDirectory()) {
    throw new AppError("bad_request", "VIDEO_INPUT_DIR is not configured or does not exist");
  }
  return path.resolve(dir);
}

/** Supported videos in VIDEO_INPUT_DIR, sorted; hidden files and links out of it are left out. */
export async function listServerVideos(options: ServerVideoOptions = {}): Promise<string[]> {
  const dir = await inputDirOrThrow(options);
  // turbopackIgnore: the operator's folder, named at run time, not one for the build to trace.
  const entries = await readdir(/* turbopackIgnore: true */ dir, { withFileTypes: true });
  const names: string[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith(".") || !isSupportedVideoName(entry.name)) continue;
    if (!entry.isFile() && !entry.isSymbolicLink()) continue;
    try {
      const real = await resolveInside(dir, entry.name);
      if ((await stat(real)).isFile()) names.push(entry.name);
    } catch {
      // A link that leaves the folder, or one that dangles, is not offered.
    }
  }
  return names.sort((a, b) => a.localeCompare(b));
}

/** The longest selection accepted: one file name (255 bytes on common file systems). */
export const MAX_VIDEO_NAME_BYTES = 255;

/**
 * Turns a user's selection into the absolute path of a video inside VIDEO_INPUT_DIR, or throws
 * the contract's error: folder missing, "Invalid video selection" (anything that could leave
 * the folder), "Unsupported video type", "Selected video not found".
 */
export async function resolveServerVideo(name: string, options: ServerVideoOptions = {}): Promise<string> {
  const invalid = { kind: "bad_request", message: "Invalid video selection" } as const;
  const missing = { kind: "not_found", message: "Selected video not found" } as const;
  // Checked before the folder is touched: a 10 000-character name is the caller's error, not
  // an ENAMETOOLONG from the file system.
  if (typeof name !== "string" || name.trim() === "" || name.includes("\0") || Buffer.byteLength(name) > MAX_VIDEO_NAME_BYTES) {
    throw new AppError(invalid.kind, invalid.message);
  }
  const dir = await inputDirOrThrow(options);
  // Escapes are judged before the type so that "../x.txt" reads as what it is.
  await resolveInside(dir, name, { mustExist: false, invalid, missing });
  if (!isSupportedVideoName(name)) throw new AppError("bad_request", "Unsupported video type");
  const resolved = await resolveInside(dir, name, { mustExist: true, invalid, missing });
  const info = await stat(resolved).catch(() => null);
  if (!info?.isFile()) throw new AppError(missing.kind, missing.message);
  return resolved;
}
