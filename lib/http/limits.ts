import { env } from "@/lib/env";

/** The body limits every route shares (README "Limits"): one place for the numbers and the words. */

const MB = 1024 * 1024;

/**
 * Room for a multipart body's boundaries, part headers and text fields around a file of
 * exactly the limit, so that a Content-Length alone can refuse what could never fit.
 */
export const MULTIPART_OVERHEAD_BYTES = MB;

/** JSON deeper than this is refused before it is parsed: nothing Framewise takes nests half as deep. */
export const MAX_JSON_DEPTH = 64;

export function uploadLimitBytes(): number {
  return env().MAX_UPLOAD_MB * MB;
}

export function jsonLimitBytes(): number {
  return Math.floor(env().MAX_JSON_MB * MB);
}

/** "500MB" for whole megabytes, else the byte count. */
export function formatLimit(bytes: number): string {
  const mb = bytes / MB;
  return Number.isInteger(mb) ? `${mb}MB` : `${bytes} bytes`;
}

/** The contracts' words (contracts/reframer.md "Errors"). */
export function fileTooLargeMessage(bytes = uploadLimitBytes()): string {
  return `File size exceeds ${formatLimit(bytes)} limit`;
}

export function bodyTooLargeMessage(bytes = jsonLimitBytes()): string {
  return `Request body exceeds ${formatLimit(bytes)} limit`;
}

/** The Content-Length a request declares: a number, null when absent, NaN when malformed. */
export function declaredLength(value: string | string[] | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  const text = Array.isArray(value) ? value[0] : value;
  return /^\s*\d+\s*$/.test(text) ? Number(text) : Number.NaN;
}

/**
 * How deep `text` nests arrays and objects, stopping once past `limit`. A linear scan before
 * JSON.parse: a value 100 000 levels deep parses, but whatever walks it next (validation,
 * serialisation, the database's jsonb) overflows its stack.
 */
export function jsonDepthExceeds(text: string, limit = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const char = text.charCodeAt(index);
    if (inString) {
      if (char === 0x5c) index++; // backslash: skip the escaped character
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) inString = true;
    else if (char === 0x5b || char === 0x7b) {
      if (++depth > limit) return true;
    } else if (char === 0x5d || char === 0x7d) depth--;
  }
  return false;
}
