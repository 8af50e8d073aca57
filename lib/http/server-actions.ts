import fs from "node:fs";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import busboy from "busboy";
import { env } from "@/lib/env";
import { jsonDepthExceeds } from "./limits";

/** Next's default `serverActions.bodySizeLimit`; over it Next answers 500 where a 413 belongs, so this screen answers 413 first. */
const ACTION_BODY_LIMIT = 1024 * 1024;

type Problem = { status: number; detail: string };

/**
 * What a server action takes, argument by argument: text (a string), a FormData (what a form
 * action gets), a form's previous state (an object, null or undefined), a record (an object);
 * with "?", an argument that may be left out (only trailing ones).
 */
type RequiredKind = "text" | "form" | "state" | "record";
export type ArgumentKind = RequiredKind | `${RequiredKind}?`;

/**
 * What the screen knows of the app's actions: the exported name behind an action id (from the
 * build's server-reference manifest) and the arguments each name takes (app/action-arguments.ts).
 */
export type ActionShapes = { nameOf: (id: string) => string | undefined; argumentsOf: Readonly<Record<string, readonly ArgumentKind[]>> };

/**
 * A server-action call (a POST with `Next-Action`) checked before Next decodes it, where Next
 * answers 500 for what is the caller's fault:
 * - from another origin (its Origin's host is not ours): 403. Next refuses too, but as a 500.
 * - a body that is no React Flight reply (not JSON, or multipart without its JSON root field
 *   "0", or broken multipart): 400. Next's decodeReply throws on it, as a 500.
 * - valid JSON that is no reply our actions take (isActionReply): 400, where Next's decoder
 *   or the action itself throws, as a 500.
 * - over Next's action body limit: 413.
 * Returns the request to hand to Next (the checked body replayed), or null when it answered.
 */
export async function screenServerAction(request: IncomingMessage, response: ServerResponse, shapes?: ActionShapes): Promise<IncomingMessage | null> {
  if (request.method !== "POST" || request.headers["next-action"] === undefined) return request;
  const crossOrigin = crossOriginProblem(request);
  if (crossOrigin) return answer(request, response, crossOrigin);
  const body = await readAtMost(request, ACTION_BODY_LIMIT);
  if (!body) {
    // The rest is left unread: the connection closes after the answer.
    response.setHeader("Connection", "close");
    return answer(request, response, { status: 413, detail: "Request body exceeds 1MB limit" }, false);
  }
  const name = shapes?.nameOf(String(request.headers["next-action"]));
  const expected = name === undefined ? undefined : shapes?.argumentsOf[name];
  const malformed = await flightBodyProblem(String(request.headers["content-type"] ?? ""), body, expected);
  if (malformed) return answer(request, response, malformed);
  return replay(request, body);
}

/** Our host as Next compares it: X-Forwarded-Host (only left in place with TRUST_PROXY=on), then Host. */
function crossOriginProblem(request: IncomingMessage): Problem | null {
  const origin = request.headers.origin;
  if (origin === undefined) return null; // Next lets these through too: no browser sends them with cookies cross-site.
  const forwarded = env().TRUST_PROXY === "on" ? String(request.headers["x-forwarded-host"] ?? "").split(",")[0].trim() : "";
  const ours = forwarded || request.headers.host;
  let originHost: string | null = null;
  try {
    originHost = origin === "null" ? null : new URL(origin).host;
  } catch {
    originHost = null;
  }
  return originHost && originHost === ours ? null : { status: 403, detail: "Cross-origin server action refused" };
}

async function flightBodyProblem(contentType: string, body: Buffer, expected: readonly ArgumentKind[] | undefined): Promise<Problem | null> {
  const bad = { status: 400, detail: "Malformed server action request" };
  const root = /^multipart\/form-data/i.test(contentType) ? await multipartRoot(contentType, body).catch(() => undefined) : body.toString("utf8");
  // React decodes a reply recursively: nesting past MAX_JSON_DEPTH would overflow its stack.
  if (root === undefined || jsonDepthExceeds(root)) return bad;
  const value = parseJson(root);
  return value !== undefined && isActionReply(value.json, expected) ? null : bad;
}

/**
 * Whether a decoded reply root is one our actions take: an array of arguments (Next spreads it;
 * anything else throws); strings that React reads as references only in the forms that cannot
 * fail or reach other parts: a FormData ("$K"), dates, BigInts that parse, undefined, NaN, the
 * infinities and -0, and escaped "$$" text. Outlined parts (Maps, Sets, Blobs, promises, streams,
 * iterators, typed arrays, server references, "$<id>" models) and temporary references ("$T",
 * opaque: reading one throws) are refused: none of our actions takes them, and each can throw
 * inside Next. With the action's `expected` arguments, each argument must be of its kind.
 */
export function isActionReply(root: unknown, expected: readonly ArgumentKind[] | undefined): boolean {
  if (!Array.isArray(root) || !onlyPlainValues(root)) return false;
  if (expected === undefined) return true;
  const required = expected.filter((kind) => !kind.endsWith("?")).length;
  return root.length >= required && root.length <= expected.length && root.every((value, index) => isOfKind(value, expected[index].replace("?", "") as RequiredKind));
}

function isOfKind(value: unknown, kind: RequiredKind): boolean {
  const object = value !== null && typeof value === "object" && !Array.isArray(value);
  switch (kind) {
    case "text":
      return typeof value === "string" && (!value.startsWith("$") || value.startsWith("$$"));
    case "form":
      return typeof value === "string" && value.startsWith("$K");
    case "state":
      return object || value === null || value === "$undefined";
    case "record":
      return object;
  }
}

function onlyPlainValues(value: unknown): boolean {
  if (typeof value === "string") return !value.startsWith("$") || isPlainMarker(value);
  if (Array.isArray(value)) return value.every(onlyPlainValues);
  if (value && typeof value === "object") return Object.values(value).every(onlyPlainValues);
  return true;
}

function isPlainMarker(text: string): boolean {
  switch (text[1]) {
    case "$": // escaped text
    case "K": // a FormData built from the form's fields: never fails
    case "D": // a Date, valid or not
    case "u":
    case "N":
    case "I":
    case "-":
    case "H":
      return true;
    case "n":
      return isBigInt(text.slice(2));
    default:
      return false;
  }
}

/** React's own limit is 300 digits; BigInt() throws on anything that is no integer. */
function isBigInt(digits: string): boolean {
  if (digits.length > 300) return false;
  try {
    BigInt(digits);
    return true;
  } catch {
    return false;
  }
}

/** The multipart field "0" (React's encodeReply puts the reply's root there), or undefined. */
function multipartRoot(contentType: string, body: Buffer): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    let root: string | undefined;
    const parser = busboy({ headers: { "content-type": contentType }, limits: { fieldSize: ACTION_BODY_LIMIT } });
    parser.on("field", (name, value) => {
      if (name === "0") root = value;
    });
    parser.on("file", (_name, stream) => stream.resume());
    parser.on("close", () => resolve(root));
    parser.on("error", reject);
    parser.end(body);
  });
}

function parseJson(text: string): { json: unknown } | undefined {
  try {
    return { json: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}

/**
 * The action names of a build, read from its server-reference manifest when an id is first
 * seen, and again for an id it lacks (`next dev` adds actions as pages compile), at most once
 * a second: made-up ids must not turn every request into a file read.
 */
export function actionNamesFrom(manifestPaths: readonly string[], now = () => Date.now()): (id: string) => string | undefined {
  let names = new Map<string, string>();
  let readAt = -Infinity;
  return (id) => {
    if (!names.has(id) && now() - readAt >= 1000) {
      readAt = now();
      names = readActionNames(manifestPaths) ?? names;
    }
    return names.get(id);
  };
}

function readActionNames(manifestPaths: readonly string[]): Map<string, string> | undefined {
  for (const file of manifestPaths) {
    try {
      const manifest = JSON.parse(fs.readFileSync(file, "utf8")) as { node?: Record<string, { exportedName?: string }> };
      return new Map(Object.entries(manifest.node ?? {}).flatMap(([id, entry]) => (entry.exportedName ? [[id, entry.exportedName] as const] : [])));
    } catch {
      // Not built (yet) at this path: try the next.
    }
  }
  return undefined;
}

/** The same request with its body read again from `body`: what Next decodes. */
function replay(original: IncomingMessage, body: Buffer): IncomingMessage {
  const copy = new http.IncomingMessage(original.socket);
  Object.assign(copy, {
    method: original.method,
    url: original.url,
    headers: original.headers,
    rawHeaders: original.rawHeaders,
    httpVersion: original.httpVersion,
    httpVersionMajor: original.httpVersionMajor,
    httpVersionMinor: original.httpVersionMinor,
  });
  copy.push(body);
  copy.push(null);
  copy.complete = true;
  return copy;
}

/** The whole body, or null once it grows past `limit` (reading stops there). */
function readAtMost(request: IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        request.off("data", onData).off("end", onEnd).pause();
        resolve(null);
      } else chunks.push(chunk);
    };
    const onEnd = () => resolve(Buffer.concat(chunks));
    request.on("data", onData).on("end", onEnd).once("error", reject);
  });
}

function answer(request: IncomingMessage, response: ServerResponse, problem: Problem, drain = true): null {
  const body = JSON.stringify({ detail: problem.detail });
  response.writeHead(problem.status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) });
  response.end(body);
  if (drain) request.resume();
  return null;
}
