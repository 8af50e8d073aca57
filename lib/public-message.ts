import path from "node:path";
import { env } from "@/lib/env";

/**
 * What of an error message may leave the server: a job's error_message and log lines, and the
 * `{"detail"}` of a domain error. ffmpeg/ffprobe stderr and our own messages name files by
 * their absolute path, and a failed query's error carries its SQL text; none of that is for
 * the caller (ARCHITECTURE.md, "Security model"). Paths inside DATA_DIR or VIDEO_INPUT_DIR
 * become relative to it, any other absolute path its file name; SQL becomes one sentence;
 * stack frames go; the rest is kept (it is usually the useful part: "Invalid data found").
 */

const MAX_LENGTH = 1000;

// An absolute POSIX path, not part of a word or a URL ("http://h/p": its slashes are doubled or
// follow a word); ffmpeg's "file:/abs/x.mp4" is one.
const ABSOLUTE_PATH = /(?<![\w.~/\\-])\/(?!\/)(?:[^\s'"`:;,()<>[\]{}|*?]+)/g;
const STACK_FRAME = /^\s*at\s+(?:\S+\s+\()?(?:file:\/\/|node:|\/|\w:\\|<anonymous>)[^\n]*$/gm;
const SQL = /\bFailed query:|\b(?:select|insert into|update|delete from)\b[\s\S]*?\b(?:from|values|set|where)\b[\s\S]*\$\d/i;

export function publicMessage(message: string): string {
  if (SQL.test(message)) return "A database query failed";
  let text = message.replace(STACK_FRAME, "").replace(/\n{2,}/g, "\n").trim();
  for (const root of roots()) text = text.split(`${root}${path.sep}`).join("");
  text = text.replace(ABSOLUTE_PATH, (match) => path.basename(match) || match);
  return text.length > MAX_LENGTH ? `${text.slice(0, MAX_LENGTH - 1)}…` : text;
}

function roots(): string[] {
  const config = env();
  const found = [config.dataDir, config.VIDEO_INPUT_DIR ? path.resolve(config.VIDEO_INPUT_DIR) : null];
  // Longest first, so a folder inside another is stripped as a whole.
  return found.filter((root): root is string => Boolean(root) && root !== path.sep).sort((a, b) => b.length - a.length);
}
