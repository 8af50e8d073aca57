import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/**
 * A secret kept in a file that several processes may be first to need (web replicas starting
 * together on one shared DATA_DIR): the first one's value wins and every process reads the same.
 * The value is written whole to a file of its own and then linked into place, which fails if the
 * file exists: nobody ever reads a file half written (an empty secret would be taken as one).
 */
export function readOrCreateSecretFile(file: string, make: () => string): string {
  try {
    return fs.readFileSync(file, "utf8").trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const value = make();
  const draft = `${file}.${randomBytes(4).toString("hex")}.new`;
  fs.writeFileSync(draft, value, { mode: 0o600 });
  try {
    fs.linkSync(draft, file);
    return value;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    return fs.readFileSync(file, "utf8").trim();
  } finally {
    fs.rmSync(draft, { force: true });
  }
}
