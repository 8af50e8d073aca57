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

export function isPreflight(request: Request): boolean {
  return request.method === "OPTIONS" && request.headers.has("access-control-request-method");
}

export function preflightResponse(request: Request): Response {
  return new Response(null, {
    status: 204,
    headers: corsHeaders(request.headers.get("origin"), request.headers.get("access-control-request-headers")),
  });
}
