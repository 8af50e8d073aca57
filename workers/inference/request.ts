import { realpath, stat } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { AppError } from "@/lib/errors";

/**
 * The worker's side of the request checks. The schemas themselves are the protocol's
 * (lib/analysis/worker-protocol.ts), shared with the web side's client; this file turns their
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
