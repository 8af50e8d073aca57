import type { IncomingMessage, ServerResponse } from "node:http";
import { contractPrefixes } from "./contract-prefixes";

/** The Inngest serve() endpoint: reachable by this exact path only (inngest/engine/index.ts guards it). */
const ENGINE_PATH = "/api/inngest";

/**
 * What is wrong with a request target before Next sees it, or null:
 * - absolute-form (`GET http://evil.example/health`): Next builds its redirects and absolute
 *   URLs from it, sending the caller to that host. We are no proxy; only a path is accepted
 *   (and `*` for OPTIONS).
 * - another spelling of the engine's path (`/cabin/api/inngest` through a contract prefix's
 *   rewrite, `/api/%69nngest`, `//api/inngest`): Next routes it to the serve() endpoint, but
 *   the loopback guard in front of that endpoint compares the raw path, so it would be passed.
 */
export function requestTargetProblem(url: string | undefined): { status: number; detail: string } | null {
  const target = url ?? "/";
  if (target === "*") return null;
  if (!target.startsWith("/")) {
    return { status: 400, detail: "Request target must be a path" };
  }
  const raw = target.split("?")[0];
  if (raw === ENGINE_PATH || raw.startsWith(`${ENGINE_PATH}/`)) return null;
  return isEnginePath(normalisedPath(raw)) ? { status: 404, detail: "Not Found" } : null;
}

function normalisedPath(raw: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    decoded = raw;
  }
  // Collapse slashes first: `new URL("//api/x", base)` would read `api` as a host.
  const resolved = new URL(decoded.replace(/[\\/]+/g, "/"), "http://localhost").pathname.toLowerCase();
  const prefixes = Object.values(contractPrefixes);
  let path = resolved;
  for (let stripped = true; stripped; ) {
    stripped = false;
    for (const prefix of prefixes) {
      if (path === prefix || path.startsWith(`${prefix}/`)) {
        path = path.slice(prefix.length) || "/";
        stripped = true;
      }
    }
  }
  return path;
}

function isEnginePath(path: string): boolean {
  return path === ENGINE_PATH || path.startsWith(`${ENGINE_PATH}/`);
}

/**
 * A Host header that is no host and port (`bad host`, `[::1`, `a:b:c`, `x/y`): Next builds each request's URL
 * from it and answered such a request 500 ("Invalid URL") on every page. RFC 9112 (3.2): 400.
 */
export function hostProblem(host: string | undefined): { status: number; detail: string } | null {
  // A path, query, fragment or credentials in it would parse, as part of another URL than meant.
  if (host === undefined || (!/[\s/?#@\\]/.test(host) && URL.canParse(`http://${host}/`))) return null;
  return { status: 400, detail: "Invalid Host header" };
}

/** Answers a problem target or Host header in the contracts' envelope; true when it did. */
export function refuseOddTarget(request: IncomingMessage, response: ServerResponse): boolean {
  const problem = requestTargetProblem(request.url) ?? hostProblem(request.headers.host);
  if (!problem) return false;
  const body = JSON.stringify({ detail: problem.detail });
  response.writeHead(problem.status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) });
  response.end(request.method === "HEAD" ? undefined : body);
  return true;
}
