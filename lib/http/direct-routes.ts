import type { IncomingMessage, ServerResponse } from "node:http";
import { promisify } from "node:util";
import zlib from "node:zlib";
import { hasSessionCookie, type RouteHandler } from "./route";

/**
 * Routes that server.ts answers itself, through the route module's own handler, without going
 * through Next's router: the polling routes, which a client asks many times a second. Next's
 * routing, request scope and response piping cost more than the handler itself (a profile of
 * bench:polling: about four fifths of the server's CPU a request), and these handlers need none of
 * it: they read headers and the path, never Next's request scope.
 *
 * Only the plainest requests take this way: GET, a path that is exactly the pattern with a
 * job id in canonical UUID form (every job id is one; anything else, a trailing slash or an
 * escaped character included, is Next's to answer, as before), and no session cookie (a
 * signed-in browser's session is read through next-auth, which needs Next's request scope).
 * The handler is the very one Next serves, so the answer is the same either way; as Next does,
 * a body of a kilobyte or more is gzipped for a client that takes it.
 */
export type DirectRoute = { pattern: RegExp; handler: RouteHandler };

const gzip = promisify(zlib.gzip);
const GZIP_FROM_BYTES = 1024;

const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

/**
 * `/job/:job_id` → a pattern whose `job_id` group is a canonical UUID, query string allowed,
 * also under any of `prefixes` (the contracts' own prefixes, which Next rewrites away).
 */
export function directPath(template: string, prefixes: readonly string[] = []): RegExp {
  const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const body = literal(template).replace(/:([a-z_]+)/g, `(?<$1>${UUID})`);
  const prefix = prefixes.length ? `(?:${prefixes.map(literal).join("|")})?` : "";
  return new RegExp(`^${prefix}${body}(?:\\?.*)?$`);
}

/** True when the request is answered here (or is being); false leaves it to Next. */
export function serveDirect(routes: readonly DirectRoute[], request: IncomingMessage, response: ServerResponse): boolean {
  if (request.method !== "GET" || !request.url) return false;
  if (hasSessionCookie(request.headers.cookie ?? "")) return false;
  for (const { pattern, handler } of routes) {
    const match = pattern.exec(request.url);
    if (!match) continue;
    void answer(handler, request, response, { ...match.groups });
    return true;
  }
  return false;
}

async function answer(handler: RouteHandler, request: IncomingMessage, response: ServerResponse, params: Record<string, string>): Promise<void> {
  try {
    const headers = new Headers();
    for (const [name, value] of Object.entries(request.headers)) {
      if (value === undefined) continue;
      for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
    }
    // Links in answers come from the Host header itself (lib/http/base-url.ts); one that makes
    // no URL is left out of the request's own.
    const hosted = `http://${request.headers.host ?? "localhost"}${request.url}`;
    const url = URL.canParse(hosted) ? hosted : `http://localhost${request.url}`;
    const answered = await handler(new Request(url, { headers }), { params: Promise.resolve(params) });
    let body = Buffer.from(await answered.arrayBuffer());
    response.statusCode = answered.status;
    answered.headers.forEach((value, name) => {
      if (name !== "set-cookie") response.setHeader(name, value);
    });
    const cookies = answered.headers.getSetCookie();
    if (cookies.length) response.setHeader("set-cookie", cookies);
    response.setHeader("vary", "Accept-Encoding");
    if (body.length >= GZIP_FROM_BYTES && !answered.headers.has("content-encoding") && /\bgzip\b/.test(request.headers["accept-encoding"] ?? "")) {
      body = await gzip(body);
      response.setHeader("content-encoding", "gzip");
    }
    response.setHeader("content-length", body.length);
    response.end(body);
  } catch (error) {
    // route() answers its own errors in the contracts' shape; this is what it could not.
    console.error("[framewise] request failed:", error);
    if (!response.headersSent) response.writeHead(500, { "content-type": "application/json" });
    response.end(JSON.stringify({ detail: "Internal server error" }));
  }
}
