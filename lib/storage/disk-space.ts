import { statfs } from "node:fs/promises";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";

/**
 * A write that failed because the disk (or the user's quota) is full: Node's ENOSPC / EDQUOT,
 * or the same words in a message (PGlite and ffmpeg report it as text).
 */
export function isDiskFull(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  return code === "ENOSPC" || code === "EDQUOT" || /\bENOSPC\b|\bEDQUOT\b|No space left on device|Disk quota exceeded/i.test(String(message ?? ""));
}

/** What a caller is told when the server has no room for what it sent. */
export function diskFullError(): AppError {
  return new AppError("insufficient_storage", "The server is out of disk space; try again later");
}

/** Free space under DATA_DIR for unprivileged writes, in MB, and whether it is under MIN_FREE_DISK_MB. */
export async function freeDiskSpace(dir = env().dataDir): Promise<{ freeMb: number; minFreeMb: number; low: boolean }> {
  const stats = await statfs(dir).catch(() => statfs("."));
  const freeMb = Math.floor((stats.bavail * stats.bsize) / (1024 * 1024));
  const minFreeMb = env().MIN_FREE_DISK_MB;
  return { freeMb, minFreeMb, low: freeMb < minFreeMb };
}
