import path from "node:path";
import { randomBytes } from "node:crypto";
import { env } from "@/lib/env";
import { readOrCreateSecretFile } from "@/lib/storage/secret-file";

let cached: string | undefined;

/**
 * AUTH_SECRET when set; otherwise a random secret made once and kept in DATA_DIR, so that
 * sessions survive restarts with nothing to configure, and web replicas sharing DATA_DIR sign
 * and read each other's sessions.
 */
export function authSecret(): string {
  if (cached) return cached;
  const configured = env().AUTH_SECRET;
  if (configured) return (cached = configured);
  cached = readOrCreateSecretFile(path.join(env().dataDir, "auth-secret"), () => randomBytes(32).toString("base64url"));
  return cached;
}
