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
 * The pages' Content Security Policy. Next's hydration and Swagger UI's setup are inline scripts
 * and React sets inline styles, hence 'unsafe-inline' (nonces would make every page dynamic);
 * what it stops: framing (clickjacking), plugins, foreign scripts, fetches and form targets,
 * and a <base> that moves relative links. Development adds 'unsafe-eval' for Next's dev runtime.
 */
export function contentSecurityPolicy(dev = false): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'unsafe-inline'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** Over TLS here, or behind a trusted proxy that says the caller used https. */
function servedOverHttps(request: IncomingMessage): boolean {
  if ((request.socket as { encrypted?: boolean }).encrypted) return true;
  return env().TRUST_PROXY === "on" && String(request.headers["x-forwarded-proto"] ?? "").split(",")[0].trim().toLowerCase() === "https";
}

/**
 * Headers every answer gets as its head is written, unless the answer set its own:
 * `Cache-Control: no-store` on JSON (answers are per caller; media and files set theirs);
 * `X-Content-Type-Options: nosniff` and a `Referrer-Policy` on all; the CSP on HTML pages;
 * HSTS when served over https.
 */
export function addResponseHeaders(request: IncomingMessage, response: ServerResponse, options: { dev?: boolean } = {}): void {
  const https = servedOverHttps(request);
  const writeHead = response.writeHead;
  response.writeHead = function (this: ServerResponse, ...args: unknown[]) {
    if (!this.headersSent) {
      const type = String(headerValue(this, args, "content-type") ?? "");
      const unset = (name: string) => headerValue(this, args, name) === undefined;
      if (/^application\/(.+\+)?json/i.test(type) && unset("cache-control")) this.setHeader("Cache-Control", "no-store");
      if (unset("x-content-type-options")) this.setHeader("X-Content-Type-Options", "nosniff");
      if (unset("referrer-policy")) this.setHeader("Referrer-Policy", "strict-origin-when-cross-origin");
      if (/^text\/html/i.test(type) && unset("content-security-policy")) this.setHeader("Content-Security-Policy", contentSecurityPolicy(options.dev));
      if (https && unset("strict-transport-security")) this.setHeader("Strict-Transport-Security", "max-age=31536000");
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
