import { lstat, realpath } from "node:fs/promises";
import path from "node:path";
import { AppError, type ErrorKind } from "@/lib/errors";

export interface ResolveInsideOptions {
  /** Require the target to exist (default true). Without it, a path to be created is returned. */
  mustExist?: boolean;
  /** The error for a name that escapes the root or is malformed. */
  invalid?: { kind: ErrorKind; message: string };
  /** The error for a name that is well-formed but absent (only with mustExist). */
  missing?: { kind: ErrorKind; message: string };
}

const DEFAULT_INVALID = { kind: "bad_request", message: "Invalid path" } as const;
const DEFAULT_MISSING = { kind: "not_found", message: "File not found" } as const;

function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return relative === "" || (!relative.startsWith("..") && !path.isAbsolute(relative));
}

/** Longest name accepted (bytes): PATH_MAX on Linux is 4096, a segment may have 255. */
export const MAX_NAME_BYTES = 1024;
const MAX_SEGMENT_BYTES = 255;

/** Errors that say the name itself is unusable (too long, a link loop, bad bytes). */
const UNUSABLE_NAME = new Set(["ENAMETOOLONG", "ELOOP", "EILSEQ", "EINVAL"]);

class UnusableName extends Error {}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

async function realpathOrNull(target: string): Promise<string | null> {
  try {
    return await realpath(target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return null;
    if (code && UNUSABLE_NAME.has(code)) throw new UnusableName(code);
    throw error;
  }
}

/**
 * Resolves a user-supplied relative name inside `root` and returns the real absolute path, or
 * throws. Refused before touching the disk: empty names, NUL bytes, absolute paths (POSIX,
 * Windows drive or UNC), backslashes and any `..` segment. Then the real path (symlinks
 * followed) must still be inside the real root, so a link that points out is refused too.
 * Names may contain sub-folders ("clips/a.mp4").
 */
export async function resolveInside(root: string, name: string, options: ResolveInsideOptions = {}): Promise<string> {
  const invalid = options.invalid ?? DEFAULT_INVALID;
  try {
    return await resolveName(root, name, options, invalid);
  } catch (error) {
    // The file system refused the name itself: the caller's mistake, never a server error.
    if (error instanceof UnusableName) throw new AppError(invalid.kind, invalid.message);
    throw error;
  }
}

async function resolveName(root: string, name: string, options: ResolveInsideOptions, invalid: { kind: ErrorKind; message: string }): Promise<string> {
  const { mustExist = true } = options;
  const missing = options.missing ?? DEFAULT_MISSING;
  const refuse = () => new AppError(invalid.kind, invalid.message);

  if (typeof name !== "string" || name.trim() === "" || name.includes("\0")) throw refuse();
  if (Buffer.byteLength(name) > MAX_NAME_BYTES) throw refuse();
  // A lone surrogate (from a bad %-escape decoded leniently) cannot name a file we wrote.
  if (LONE_SURROGATE.test(name)) throw refuse();
  // Backslashes are separators on Windows and never part of a name we produced.
  if (name.includes("\\") || path.isAbsolute(name) || /^[a-zA-Z]:/.test(name)) throw refuse();
  const segments = name.split("/");
  if (segments.some((segment) => segment === ".." || Buffer.byteLength(segment) > MAX_SEGMENT_BYTES)) throw refuse();

  const realRoot = await realpathOrNull(path.resolve(root));
  if (!realRoot) {
    if (mustExist) throw new AppError(missing.kind, missing.message);
    return path.join(path.resolve(root), path.normalize(name));
  }
  // turbopackIgnore (here and below): roots are data folders named at run time; without it the
  // build traces the whole project for any path under one.
  const candidate = path.join(/* turbopackIgnore: true */ realRoot, path.normalize(name));
  if (!isInside(realRoot, candidate) || candidate === realRoot) throw refuse();

  const real = await realpathOrNull(candidate);
  if (real) {
    if (!isInside(realRoot, real) || real === realRoot) throw refuse();
    return real;
  }
  // Something is there but cannot be resolved: a dangling link. Writing through it would
  // create a file wherever it points.
  if (await lstat(candidate).then(() => true, () => false)) throw refuse();
  if (mustExist) {
    // A dangling link, or a parent that is a link out of the root, is an escape, not a miss.
    let parent = path.dirname(candidate);
    while (isInside(realRoot, parent) && parent !== realRoot) {
      const realParent = await realpathOrNull(parent);
      if (realParent) {
        if (!isInside(realRoot, realParent)) throw refuse();
        break;
      }
      parent = path.dirname(parent);
    }
    throw new AppError(missing.kind, missing.message);
  }
  // For a path to be created, the deepest existing ancestor must be inside the root.
  let ancestor = path.dirname(candidate);
  for (;;) {
    const realAncestor = await realpathOrNull(ancestor);
    if (realAncestor) {
      if (!isInside(realRoot, realAncestor)) throw refuse();
      return path.join(/* turbopackIgnore: true */ realAncestor, path.relative(ancestor, candidate));
    }
    ancestor = path.dirname(ancestor);
  }
}
