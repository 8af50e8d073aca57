import crypto from "node:crypto";
import path from "node:path";
import { readOrCreateSecretFile } from "@/lib/storage/secret-file";

/**
 * Signed calls between the local engine and the app's serve() handler, in the SDK's own format
 * (inngest 4.24.0, components/InngestCommHandler.js and helpers/net.js):
 * - a signing key looks like `signkey-<env>-<hex>`; the HMAC key is the UTF-8 text after the
 *   `signkey-<env>-` prefix;
 * - a request carries `X-Inngest-Signature: t=<unix seconds>&s=<hex HMAC-SHA256>` over the
 *   canonical JSON (RFC 8785: keys sorted) of its parsed body followed by `t`; the SDK refuses
 *   a missing or wrong signature, or one more than 5 minutes old, with 401;
 * - the SDK signs its answers to a signed call the same way, over the raw body text.
 * In local mode the key is made once and kept in DATA_DIR (0600), like the auth secret, so the
 * engine and the handler (one process, two module copies) agree with nothing to configure.
 */

export const signatureHeader = "x-inngest-signature";
const keyPrefix = /^signkey-\w+-/;
const keyFileName = "inngest-signing-key";

/** A fresh key in the SDK's format: `signkey-prod-` and 64 hex digits. */
export function generateSigningKey(): string {
  return `signkey-prod-${crypto.randomBytes(32).toString("hex")}`;
}

const cache = new Map<string, string>();

/**
 * The local engine's signing key, kept in `<dataDir>/inngest-signing-key` (made on first use
 * with mode 0600; a second process racing to make it reads the winner's, never half of it).
 */
export function localSigningKey(dataDir: string): string {
  const file = path.join(dataDir, keyFileName);
  const known = cache.get(file);
  if (known) return known;
  const key = readOrCreateSecretFile(file, generateSigningKey);
  if (!keyPrefix.test(key)) throw new Error(`${file} does not hold an Inngest signing key (signkey-<env>-<hex>)`);
  cache.set(file, key);
  return key;
}

/**
 * The event key the app's client posts to the local engine's `/e/<key>` with: derived from the
 * signing key, so it is secret too and needs no file of its own.
 */
export function localEventKey(signingKey: string): string {
  return crypto.createHmac("sha256", signingKey.replace(keyPrefix, "")).update("framewise local event key").digest("hex");
}

/** JSON with object keys sorted at every level: what the SDK signs (the `canonicalize` package). */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object" || typeof (value as { toJSON?: unknown }).toJSON === "function") {
    return JSON.stringify(value) ?? "null";
  }
  if (Array.isArray(value)) {
    return `[${value.map((item) => (item === undefined || typeof item === "symbol" || typeof item === "function" ? "null" : canonicalJson(item))).join(",")}]`;
  }
  const entries = Object.keys(value)
    .sort()
    .filter((key) => {
      const item = (value as Record<string, unknown>)[key];
      return item !== undefined && typeof item !== "symbol" && typeof item !== "function";
    })
    .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
  return `{${entries.join(",")}}`;
}

function hmac(signingKey: string, text: string, timestamp: string): string {
  return crypto.createHmac("sha256", signingKey.replace(keyPrefix, "")).update(text).update(timestamp).digest("hex");
}

/** The `X-Inngest-Signature` value for a body already serialized (canonically, for requests). */
export function signBody(signingKey: string, text: string, now = Date.now()): string {
  const timestamp = String(Math.round(now / 1000));
  return `t=${timestamp}&s=${hmac(signingKey, text, timestamp)}`;
}

/**
 * Checks a signature over `text` (an SDK answer's raw body): right key, at most 5 minutes
 * off, as the SDK checks requests.
 */
export function verifySignature(signingKey: string, text: string, header: string | string[] | undefined, now = Date.now()): boolean {
  if (typeof header !== "string") return false;
  const params = new URLSearchParams(header);
  const timestamp = params.get("t") ?? "";
  const signature = params.get("s") ?? "";
  if (!/^\d+$/.test(timestamp) || !/^[0-9a-f]{64}$/.test(signature)) return false;
  if (Math.abs(now - Number(timestamp) * 1000) > 5 * 60_000) return false;
  return crypto.timingSafeEqual(Buffer.from(hmac(signingKey, text, timestamp), "hex"), Buffer.from(signature, "hex"));
}
