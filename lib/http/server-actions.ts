import http, { type IncomingMessage, type ServerResponse } from "node:http";
import busboy from "busboy";
import { env } from "@/lib/env";

/** Next's default `serverActions.bodySizeLimit`; over it Next answers 500 where a 413 belongs, so this screen answers 413 first. */
const ACTION_BODY_LIMIT = 1024 * 1024;

type Problem = { status: number; detail: string };

/**
 * A server-action call (a POST with `Next-Action`) checked before Next decodes it, where Next
 * answers 500 for what is the caller's fault:
 * - from another origin (its Origin's host is not ours): 403. Next refuses too, but as a 500.
 * - a body that is no React Flight reply (not JSON, or multipart without its JSON root field
 *   "0", or broken multipart): 400. Next's decodeReply throws on it, as a 500.
 * - over Next's action body limit: 413.
 * Returns the request to hand to Next (the checked body replayed), or null when it answered.
 */
export async function screenServerAction(request: IncomingMessage, response: ServerResponse): Promise<IncomingMessage | null> {
  if (request.method !== "POST" || request.headers["next-action"] === undefined) return request;
  const crossOrigin = crossOriginProblem(request);
  if (crossOrigin) return answer(request, response, crossOrigin);
  const body = await readAtMost(request, ACTION_BODY_LIMIT);
  if (!body) {
    // The rest is left unread: the connection closes after the answer.
    response.setHeader("Connection", "close");
    return answer(request, response, { status: 413, detail: "Request body exceeds 1MB limit" }, false);
  }
  const malformed = await flightBodyProblem(String(request.headers["content-type"] ?? ""), body);
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

async function flightBodyProblem(contentType: string, body: Buffer): Promise<Problem | null> {
  const bad = { status: 400, detail: "Malformed server action request" };
  if (/^multipart\/form-data/i.test(contentType)) {
    const root = await multipartRoot(contentType, body).catch(() => undefined);
    return root !== undefined && isJson(root) ? null : bad;
  }
  return isJson(body.toString("utf8")) ? null : bad;
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

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
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
