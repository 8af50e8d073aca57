import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * A request path whose %-escapes do not decode to UTF-8 (`..%c0%af..`, `%ZZ`): Next throws a
 * DecodeError while matching a dynamic route and answers a bare 500 text/plain. No route can
 * see such a path, so server.ts answers it first, in the contracts' envelope. Only the path
 * is judged; a bad escape in the query is the route's business (its schema sees the raw text).
 */
export function isMalformedPath(url: string | undefined): boolean {
  const target = url ?? "/";
  const query = target.indexOf("?");
  const pathname = query === -1 ? target : target.slice(0, query);
  try {
    decodeURIComponent(pathname);
    return false;
  } catch {
    return true;
  }
}

/** Answers a malformed path with 400 `{"detail": "Malformed request path"}`; true when it did. */
export function refuseMalformedPath(request: IncomingMessage, response: ServerResponse): boolean {
  if (!isMalformedPath(request.url)) return false;
  const body = JSON.stringify({ detail: "Malformed request path" });
  response.writeHead(400, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) });
  response.end(request.method === "HEAD" ? undefined : body);
  return true;
}
