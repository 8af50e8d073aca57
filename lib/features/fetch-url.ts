import { createWriteStream } from "node:fs";
import { rename } from "node:fs/promises";
import http from "node:http";
import https from "node:https";
import dns from "node:dns/promises";
import net from "node:net";
import ipaddr from "ipaddr.js";
import type { LookupFunction } from "node:net";
import { pipeline } from "node:stream/promises";
import { Transform } from "node:stream";
import { AppError } from "@/lib/errors";
import { removeQuietly } from "@/lib/storage/write-file";

/**
 * Downloads for feature jobs: HTTP(S) only, streamed to disk under a size and a time cap, and
 * never into loopback, link-local, private or other non-public ranges unless the caller allows
 * it (ALLOW_PRIVATE_URLS=on). The check runs on the address DNS answered, and the connection
 * is made to that very address (no second lookup a rebinding DNS could answer differently);
 * every redirect is checked again the same way.
 */

export type ResolvedAddress = { address: string; family: 4 | 6 };
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

const systemResolver: Resolver = async (hostname) =>
  (await dns.lookup(hostname, { all: true, verbatim: true })).map((entry) => ({ address: entry.address, family: entry.family === 6 ? 6 : 4 }));

/**
 * True for an address a feature job must not fetch from without ALLOW_PRIVATE_URLS: anything
 * ipaddr.js (which follows the IANA special-purpose registries) does not call plain unicast.
 * An IPv6 address that carries an IPv4 one (IPv4-mapped ::ffff:127.0.0.1, IPv4-compatible
 * ::127.0.0.1, IPv4-translated, NAT64 64:ff9b::7f00:1, 6to4 2002:7f00:1::) is judged by the
 * IPv4 address it reaches.
 */
export function isPrivateAddress(address: string): boolean {
  if (net.isIP(address) === 0) return true;
  const parsed = ipaddr.parse(address);
  if (parsed.kind() === "ipv4") return parsed.range() !== "unicast";
  const ipv6 = parsed as ipaddr.IPv6;
  const embedded = embeddedIPv4(ipv6);
  if (embedded) return embedded.range() !== "unicast";
  return ipv6.range() !== "unicast";
}

function embeddedIPv4(address: ipaddr.IPv6): ipaddr.IPv4 | null {
  const bytes = address.toByteArray();
  const v4 = (offset: number) => new ipaddr.IPv4(bytes.slice(offset, offset + 4));
  switch (address.range()) {
    case "ipv4Mapped": // ::ffff:a.b.c.d
    case "rfc6145": // ::ffff:0:a.b.c.d
    case "rfc6052": // 64:ff9b::a.b.c.d
      return v4(12);
    case "6to4": // 2002:aabb:ccdd::
      return v4(2);
  }
  // IPv4-compatible (::a.b.c.d, deprecated but still routed by some stacks); :: and ::1 included.
  return bytes.slice(0, 12).every((byte) => byte === 0) ? v4(12) : null;
}

export type FetchPolicy = {
  allowPrivate: boolean;
  maxBytes: number;
  timeoutMs: number;
  maxRedirects?: number;
  resolve?: Resolver;
  /** Which addresses are refused; isPrivateAddress unless a test says otherwise. */
  isBlocked?: (address: string) => boolean;
};

/** Parses and checks a URL's scheme and its resolved address; answers the address to connect to. */
export async function checkUrlTarget(raw: string | URL, policy: Pick<FetchPolicy, "allowPrivate" | "resolve" | "isBlocked">): Promise<{ url: URL; target: ResolvedAddress }> {
  let url: URL;
  try {
    url = typeof raw === "string" ? new URL(raw) : raw;
  } catch {
    throw new AppError("bad_request", "not a valid URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new AppError("bad_request", `only http and https URLs are fetched, not ${url.protocol}`);
  if (url.username || url.password) throw new AppError("bad_request", "URLs with credentials are not fetched");
  const hostname = url.hostname.replace(/^\[|\]$/g, "");
  let addresses: ResolvedAddress[];
  if (net.isIP(hostname)) addresses = [{ address: hostname, family: net.isIP(hostname) === 6 ? 6 : 4 }];
  else {
    try {
      addresses = await (policy.resolve ?? systemResolver)(hostname);
    } catch {
      throw new AppError("bad_request", `host ${hostname} could not be resolved`);
    }
  }
  if (addresses.length === 0) throw new AppError("bad_request", `host ${hostname} could not be resolved`);
  // Every answer must be public: a client may pick any of them.
  if (!policy.allowPrivate && addresses.some((entry) => (policy.isBlocked ?? isPrivateAddress)(entry.address))) {
    throw new AppError("forbidden", `refused: ${hostname} resolves to a private, loopback or link-local address (ALLOW_PRIVATE_URLS is off)`);
  }
  return { url, target: addresses[0] };
}

export type Download = { file: string; bytes: number; contentType: string | null; finalUrl: string; head: Buffer };

/**
 * Streams `raw` into `file` (written as `file`.part and renamed when complete). Fails with an
 * AppError on a refused address, a non-2xx answer, more than `maxBytes`, or `timeoutMs`.
 * The first bytes come back in `head` for the caller's content check.
 */
export async function downloadToFile(raw: string, file: string, policy: FetchPolicy): Promise<Download> {
  const deadline = AbortSignal.timeout(policy.timeoutMs);
  let current = raw;
  for (let hop = 0; hop <= (policy.maxRedirects ?? 5); hop++) {
    const { url, target } = await checkUrlTarget(current, policy);
    const response = await request(url, target, deadline);
    const status = response.statusCode ?? 0;
    if (status >= 300 && status < 400 && response.headers.location) {
      response.resume();
      current = new URL(response.headers.location, url).toString();
      continue;
    }
    if (status < 200 || status >= 300) {
      response.resume();
      throw new AppError("bad_request", `the server answered HTTP ${status}`);
    }
    const declared = Number(response.headers["content-length"]);
    if (Number.isFinite(declared) && declared > policy.maxBytes) {
      response.destroy();
      throw new AppError("payload_too_large", `larger than the ${Math.round(policy.maxBytes / 1e6)} MB download limit`);
    }
    let bytes = 0;
    const head: Buffer[] = [];
    let headBytes = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        bytes += chunk.length;
        if (bytes > policy.maxBytes) return callback(new AppError("payload_too_large", `larger than the ${Math.round(policy.maxBytes / 1e6)} MB download limit`));
        if (headBytes < 64) {
          head.push(chunk.subarray(0, 64 - headBytes));
          headBytes += Math.min(chunk.length, 64 - headBytes);
        }
        callback(null, chunk);
      },
    });
    const partial = `${file}.part`;
    try {
      await pipeline(response, counter, createWriteStream(partial), { signal: deadline });
      await rename(partial, file);
    } catch (error) {
      await removeQuietly(partial);
      if (deadline.aborted) throw new AppError("unavailable", `download took longer than ${Math.round(policy.timeoutMs / 1000)} s`);
      if (error instanceof AppError) throw error;
      throw new AppError("unavailable", "the download was interrupted");
    }
    return { file, bytes, contentType: response.headers["content-type"] ?? null, finalUrl: url.toString(), head: Buffer.concat(head) };
  }
  throw new AppError("bad_request", "too many redirects");
}

function request(url: URL, target: ResolvedAddress, signal: AbortSignal): Promise<http.IncomingMessage> {
  // The connection goes to the checked address, whatever a second lookup would say.
  const lookup: LookupFunction = (_hostname, options, callback) => {
    if ((options as { all?: boolean }).all) (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [target]);
    else callback(null, target.address, target.family);
  };
  const client = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.get(url, { lookup, signal, headers: { "user-agent": "Framewise feature extraction", accept: "*/*" } }, resolve);
    req.on("error", (error) => {
      if (signal.aborted) reject(new AppError("unavailable", "download timed out"));
      else reject(new AppError("unavailable", `could not connect: ${(error as NodeJS.ErrnoException).code ?? "network error"}`));
    });
  });
}

export type MediaKind = "image" | "video" | "html" | "unknown";

/** What the first bytes of a file are: an image, a video container, a web page, or neither. */
export function sniffMedia(head: Buffer): MediaKind {
  const ascii = head.toString("latin1");
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return "image";
  if (ascii.startsWith("\x89PNG") || ascii.startsWith("GIF8") || ascii.startsWith("BM")) return "image";
  if (ascii.startsWith("RIFF") && ascii.slice(8, 12) === "WEBP") return "image";
  if (ascii.startsWith("RIFF") && ascii.slice(8, 11) === "AVI") return "video";
  if (ascii.slice(4, 8) === "ftyp") return /^ftyp(avif|heic|heix|mif1)/.test(ascii.slice(4, 12)) ? "image" : "video";
  if (["moov", "mdat", "wide", "free"].includes(ascii.slice(4, 8))) return "video";
  if (head[0] === 0x1a && head[1] === 0x45 && head[2] === 0xdf && head[3] === 0xa3) return "video";
  if (ascii.startsWith("OggS") || ascii.startsWith("FLV")) return "video";
  if (/^\s*(<!doctype html|<html|<\?xml|<head|<body|<)/i.test(ascii)) return "html";
  return "unknown";
}

/** The platform a video URL belongs to (contracts/feature-extraction.md `platform`). */
export function platformOf(raw: string): "youtube" | "tiktok" | "instagram" | "vimeo" | "direct" {
  let host = "";
  try {
    host = new URL(raw).hostname.toLowerCase();
  } catch {
    return "direct";
  }
  const is = (domain: string) => host === domain || host.endsWith(`.${domain}`);
  if (is("youtube.com") || is("youtu.be") || is("youtube-nocookie.com")) return "youtube";
  if (is("tiktok.com")) return "tiktok";
  if (is("instagram.com")) return "instagram";
  if (is("vimeo.com")) return "vimeo";
  return "direct";
}
