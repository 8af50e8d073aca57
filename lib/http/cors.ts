import type { IncomingMessage, ServerResponse } from "node:http";
import { env } from "@/lib/env";

const allowedMethods = "GET, POST, PUT, PATCH, DELETE, OPTIONS";
const exposedHeaders = "Content-Range, Accept-Ranges, Content-Length, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, Retry-After";

/**
 * CORS headers for a request from `origin` (contracts/cabin-events.md "CORS"): FRONTEND_ORIGIN
 * is `*` or a comma-separated list; a listed origin is echoed back, others get no allow header.
 */
export function corsHeaders(origin: string | null, requestedHeaders?: string | null): Record<string, string> {
  const configured = env().FRONTEND_ORIGIN.split(",").map((value) => value.trim()).filter(Boolean);
  const headers: Record<string, string> = {
    "Access-Control-Allow-Methods": allowedMethods,
    // "*" is not honoured for Authorization, so echo what the browser asks for, Range included.
    "Access-Control-Allow-Headers": requestedHeaders || "*, Authorization, Range",
    "Access-Control-Expose-Headers": exposedHeaders,
    "Access-Control-Max-Age": "600",
  };
  if (configured.includes("*")) {
    headers["Access-Control-Allow-Origin"] = "*";
  } else {
    headers.Vary = "Origin";
    if (origin && configured.includes(origin)) headers["Access-Control-Allow-Origin"] = origin;
  }
  return headers;
}

function header(request: IncomingMessage, name: string): string | null {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(", ") : value ?? null;
}

export function isPreflight(request: IncomingMessage): boolean {
  return request.method === "OPTIONS" && request.headers["access-control-request-method"] !== undefined;
}

/**
 * CORS for every answer, applied on the node response before Next sees the request. It lives
 * here and not in a Next proxy because a proxy whose matcher covers a route makes Next buffer
 * that route's body and cut it at 10 MB: uploads must reach their handler as a stream.
 * Answers a preflight itself (returns true); otherwise sets the headers, which Next keeps
 * (it only adds a header the response does not have yet).
 */
export function applyCors(request: IncomingMessage, response: ServerResponse): boolean {
  const origin = header(request, "origin");
  if (isPreflight(request)) {
    response.writeHead(204, corsHeaders(origin, header(request, "access-control-request-headers")));
    response.end();
    return true;
  }
  for (const [name, value] of Object.entries(corsHeaders(origin))) response.setHeader(name, value);
  return false;
}
