import type { IncomingMessage, ServerResponse } from "node:http";
import { env } from "@/lib/env";

const forwardedHeaders = ["x-forwarded-host", "x-forwarded-proto", "x-forwarded-port"] as const;

/**
 * server.ts, for every request: X-Forwarded-Host/-Proto/-Port are a proxy's word only when
 * TRUST_PROXY=on. Otherwise any client could send `X-Forwarded-Host: evil.example` and have
 * absolute URLs (ours, and Next's redirects and server-action origin check) built on it, so they
 * are removed before anything reads them.
 */
export function dropUntrustedForwarding(request: IncomingMessage): void {
  if (env().TRUST_PROXY === "on") return;
  for (const name of forwardedHeaders) delete request.headers[name];
}

/**
 * Headers every answer gets as its head is written, unless the answer set its own:
 * `Cache-Control: no-store` on JSON (answers are per caller; media and files set theirs).
 */
export function addResponseHeaders(response: ServerResponse): void {
  const writeHead = response.writeHead;
  response.writeHead = function (this: ServerResponse, ...args: unknown[]) {
    if (!this.headersSent) {
      const type = String(headerValue(this, args, "content-type") ?? "");
      if (/^application\/(.+\+)?json/i.test(type) && headerValue(this, args, "cache-control") === undefined) {
        this.setHeader("Cache-Control", "no-store");
      }
    }
    return (writeHead as (...rest: unknown[]) => ServerResponse).apply(this, args);
  } as ServerResponse["writeHead"];
}

/** A header as set on the response or passed to writeHead(status, [message], headers). */
function headerValue(response: ServerResponse, args: unknown[], name: string): unknown {
  const given = args.find((arg) => arg && typeof arg === "object");
  if (Array.isArray(given)) {
    // Raw [name, value, name, value] or [[name, value]] pairs.
    const flat = given.flat() as unknown[];
    for (let index = 0; index + 1 < flat.length; index += 2) if (String(flat[index]).toLowerCase() === name) return flat[index + 1];
  } else if (given) {
    for (const [key, value] of Object.entries(given)) if (key.toLowerCase() === name) return value;
  }
  return response.getHeader(name);
}
