import { lstat, realpath, stat } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { AppError } from "@/lib/errors";

/**
 * The worker's side of the request checks. The schemas themselves are the protocol's
 * (lib/inference/worker-protocol.ts), shared with the web side's client; this file turns their
 * failures into 400s and checks the paths.
 */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const detail = parsed.error.issues
      .map((issue) => (issue.path.length ? `${issue.path.join(".")}: ${issue.message}` : issue.message))
      .join("; ");
    throw new AppError("bad_request", detail);
  }
  return parsed.data;
}

/**
 * The real path of a request's file, refused unless it resolves (symlinks included) inside
 * one of the allowed roots.
 */
export async function resolveAllowedPath(requested: string, roots: string[]): Promise<string> {
  let real: string;
  try {
    real = await realpath(path.resolve(requested));
  } catch {
    throw new AppError("not_found", `file not found: ${requested}`);
  }
  const realRoots = await Promise.all(roots.map((root) => realpath(root).catch(() => undefined)));
  const inside = realRoots.some((root) => root && (real === root || real.startsWith(root + path.sep)));
  if (!inside) throw new AppError("forbidden", `path is outside the allowed roots: ${requested}`);
  if (!(await stat(real)).isFile()) throw new AppError("bad_request", `not a file: ${requested}`);
  return real;
}

/**
 * Where a request may have a new file written: a plain name in an existing folder that
 * resolves (symlinks included) inside one of the allowed roots. An existing file there is
 * replaced; a folder, or a link, is refused.
 */
export async function resolveAllowedOutput(requested: string, roots: string[]): Promise<string> {
  const name = path.basename(requested);
  if (!name || name === "." || name === "..") throw new AppError("bad_request", `not a file name: ${requested}`);
  let dir: string;
  try {
    dir = await realpath(path.dirname(path.resolve(requested)));
  } catch {
    throw new AppError("not_found", `folder not found: ${path.dirname(requested)}`);
  }
  const realRoots = await Promise.all(roots.map((root) => realpath(root).catch(() => undefined)));
  if (!realRoots.some((root) => root && (dir === root || dir.startsWith(root + path.sep)))) throw new AppError("forbidden", `path is outside the allowed roots: ${requested}`);
  const target = path.join(dir, name);
  const existing = await lstat(target).catch(() => null);
  if (existing && !existing.isFile()) throw new AppError("bad_request", `not a file: ${requested}`);
  return target;
}
