import type { IncomingMessage, ServerResponse } from "node:http";
import { declaredLength, fileTooLargeMessage, MULTIPART_OVERHEAD_BYTES, uploadLimitBytes } from "./limits";
import { rateLimitHeadersForKey } from "./rate-limit";

/**
 * What server.ts does to every request at the node level, before Next reads anything: the
 * parts that must not wait for a route (a body too large to take) or that Next answers
 * outside the contracts' `{"detail": ...}` shape (405).
 */

function hasBody(request: IncomingMessage): boolean {
  const length = declaredLength(request.headers["content-length"]);
  return request.headers["transfer-encoding"] !== undefined || (length !== null && length !== 0);
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { ...headers, "Content-Type": "application/json", "Content-Length": String(Buffer.byteLength(text)) });
  response.end(text);
}

/**
 * No route takes a body larger than the upload limit (plus a multipart envelope): when the
 * Content-Length says so the answer is 413 at once, without reading a byte of the body, and
 * the connection closes so the client is not left sending it. A request with a valid API key
 * is counted against its hourly limit like any other and the 413 carries its X-RateLimit-*
 * headers (contracts/reframer.md "Rate Limiting": every answer); one key lookup and one upsert,
 * and only for a request that is refused anyway.
 */
export function refuseOversizedBody(request: IncomingMessage, response: ServerResponse): boolean {
  const length = declaredLength(request.headers["content-length"]);
  if (length === null || !(length > uploadLimitBytes() + MULTIPART_OVERHEAD_BYTES)) return false;
  const key = apiKeyOfHeaders(request.headers);
  const limits = key ? rateLimitHeadersForKey(key).catch(() => ({})) : Promise.resolve({});
  void limits.then((headers) => sendJson(response, 413, { detail: fileTooLargeMessage() }, { ...headers, Connection: "close" }));
  return true;
}

/** `X-API-Key`, else `Authorization: Bearer` (as lib/http/route.ts apiKeyOf, on node headers). */
function apiKeyOfHeaders(headers: IncomingMessage["headers"]): string | null {
  const header = (Array.isArray(headers["x-api-key"]) ? headers["x-api-key"][0] : headers["x-api-key"])?.trim();
  if (header) return header;
  const match = headers.authorization?.match(/^Bearer\s+(\S+)$/i);
  return match ? match[1] : null;
}

/**
 * An answer written before the request's body was read to the end (a 413 mid-upload, a 404
 * to a POST nobody reads) closes the connection after it: otherwise Node would read and drop
 * the rest of the body, however long, to keep the connection alive. A 413 always closes: the
 * body was refused, and the multipart parser drains what follows the refusal, so a fast client's
 * body may be complete by the time the answer's head is written.
 */
export function closeWhenBodyUnread(request: IncomingMessage, response: ServerResponse): void {
  if (!hasBody(request)) return;
  const writeHead = response.writeHead;
  response.writeHead = function (this: ServerResponse, ...args: unknown[]) {
    const status = typeof args[0] === "number" ? args[0] : this.statusCode;
    if ((!request.complete || status === 413) && !this.headersSent) this.setHeader("Connection", "close");
    return (writeHead as (...rest: unknown[]) => ServerResponse).apply(this, args);
  } as ServerResponse["writeHead"];
}

/**
 * Methods the Fetch API forbids (TRACE; Node's parser already refuses TRACK and CONNECT has its
 * own event): Next cannot make a Request of one and answers 500. No route takes them: 405.
 */
export function refuseForbiddenMethod(request: IncomingMessage, response: ServerResponse): boolean {
  if (request.method !== "TRACE") return false;
  sendJson(response, 405, { detail: "Method Not Allowed" });
  return true;
}

/**
 * Next answers a method a route does not export with an empty 405; the contracts (FastAPI)
 * answer `{"detail": "Method Not Allowed"}`. When a 405 goes out without a content type, its
 * (empty) body is replaced by that one.
 */
export function methodNotAllowedAsJson(response: ServerResponse): void {
  const { writeHead, write, end } = response;
  let fill = false;
  response.writeHead = function (this: ServerResponse, ...args: unknown[]) {
    const status = typeof args[0] === "number" ? args[0] : this.statusCode;
    if (status === 405 && !this.headersSent && !this.hasHeader("content-type") && !args.some((arg) => typeof arg === "object" && arg !== null)) {
      fill = true;
      this.setHeader("Content-Type", "application/json");
      this.removeHeader("Content-Length");
    }
    return (writeHead as (...rest: unknown[]) => ServerResponse).apply(this, args);
  } as ServerResponse["writeHead"];
  response.write = function (this: ServerResponse, chunk: unknown, ...rest: unknown[]) {
    // Only a 405 needs its head decided here; others keep Node's own framing (Content-Length on end).
    if (this.statusCode === 405 && !this.headersSent) this.writeHead(this.statusCode);
    const empty = chunk === undefined || chunk === null || (chunk as { length?: number }).length === 0;
    if (fill && empty) {
      const callback = rest.find((arg) => typeof arg === "function") as (() => void) | undefined;
      callback?.();
      return true;
    }
    fill = false;
    return (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
  } as ServerResponse["write"];
  response.end = function (this: ServerResponse, ...args: unknown[]) {
    // Only a 405 needs its head decided here; others keep Node's own framing (Content-Length on end).
    if (this.statusCode === 405 && !this.headersSent) this.writeHead(this.statusCode);
    const chunk = args[0];
    const empty = args.length === 0 || typeof chunk === "function" || chunk === undefined || chunk === null || (chunk as { length?: number }).length === 0;
    if (fill && empty) {
      fill = false;
      const callback = args.find((arg) => typeof arg === "function");
      return (end as (...rest: unknown[]) => ServerResponse).call(this, JSON.stringify({ detail: "Method Not Allowed" }), ...(callback ? [callback] : []));
    }
    return (end as (...rest: unknown[]) => ServerResponse).apply(this, args);
  } as ServerResponse["end"];
}
