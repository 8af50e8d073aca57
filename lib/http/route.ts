import type { z } from "zod";
import { authenticateApiKey } from "@/lib/auth/api-keys";
import type { AuthUser } from "@/lib/auth/users";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { errorResponse } from "./errors";
import { consumeRateLimit, rateLimitHeaders, type RateLimitState } from "./rate-limit";

/**
 * - none: nobody is identified.
 * - anonymousApi: contracts 000/001/003/004. A key identifies its owner; with ANONYMOUS_API=on
 *   no key is needed (a browser session is used when there is one), with off a key is required.
 * - apiKey: contract 002; `X-API-Key` or `Authorization: Bearer` required.
 * - session / admin: browser routes.
 */
export type AuthMode = "none" | "anonymousApi" | "apiKey" | "session" | "admin";

export type RequestContext = { user: AuthUser | null; isAdmin: boolean; apiKeyId: string | null };

type Schema = z.ZodType;
type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

export type RouteOptions<P, Q, B> = {
  auth: AuthMode;
  params?: P;
  query?: Q;
  body?: B;
  /** Count the request against the caller's key (on by default when a key is used). */
  rateLimit?: boolean;
};

export type Handler<P, Q, B> = (input: {
  request: Request;
  ctx: RequestContext;
  params: Out<P>;
  query: Out<Q>;
  body: Out<B>;
}) => Promise<Response>;

type NextContext = { params: Promise<Record<string, string | string[] | undefined>> };

export function route<P extends Schema | undefined = undefined, Q extends Schema | undefined = undefined, B extends Schema | undefined = undefined>(
  options: RouteOptions<P, Q, B>,
  handler: Handler<P, Q, B>,
) {
  return async (request: Request, context?: NextContext): Promise<Response> => {
    let limit: RateLimitState | undefined;
    try {
      const { ctx, keyId } = await authenticate(request, options.auth);
      if (keyId && options.rateLimit !== false) limit = await consumeRateLimit(await db(), keyId);
      const params = parseWith(options.params, (await context?.params) ?? {}, "Path parameter");
      const query = parseWith(options.query, Object.fromEntries(new URL(request.url).searchParams), "Query parameter");
      const body = options.body ? parseWith(options.body, await readJson(request), "Request body") : undefined;
      const response = await handler({ request, ctx, params, query, body } as Parameters<Handler<P, Q, B>>[0]);
      return limit ? withHeaders(response, rateLimitHeaders(limit)) : response;
    } catch (error) {
      const response = errorResponse(error);
      return limit ? withHeaders(response, rateLimitHeaders(limit)) : response;
    }
  };
}

/** The key a request carries, from `X-API-Key` or `Authorization: Bearer`. */
export function apiKeyOf(request: Request): string | null {
  const header = request.headers.get("x-api-key")?.trim();
  if (header) return header;
  const authorization = request.headers.get("authorization");
  const match = authorization?.match(/^Bearer\s+(\S+)$/i);
  return match ? match[1] : null;
}

async function authenticate(request: Request, mode: AuthMode): Promise<{ ctx: RequestContext; keyId: string | null }> {
  const anonymous = { ctx: { user: null, isAdmin: false, apiKeyId: null }, keyId: null };
  if (mode === "none") return anonymous;

  if (mode === "apiKey" || mode === "anonymousApi") {
    const key = apiKeyOf(request);
    if (key) {
      const found = await authenticateApiKey(await db(), key);
      if (!found) throw new AppError("unauthorized", "Invalid API key");
      return { ctx: contextFor(found.user, found.keyId), keyId: found.keyId };
    }
    if (mode === "apiKey" || env().ANONYMOUS_API === "off") throw new AppError("unauthorized", "Missing API key");
  }

  const user = await sessionUser();
  if (user) {
    if (mode === "admin" && user.role !== "admin") throw new AppError("forbidden", "Admin access required");
    return { ctx: contextFor(user, null), keyId: null };
  }
  if (mode === "anonymousApi") return anonymous;
  throw new AppError("unauthorized", "Not signed in");
}

function contextFor(user: AuthUser, apiKeyId: string | null): RequestContext {
  return { user, isAdmin: user.role === "admin", apiKeyId };
}

async function sessionUser(): Promise<AuthUser | null> {
  // Loaded lazily: next-auth needs Next's request scope, which only route handlers have.
  const { currentUser } = await import("@/lib/auth/session");
  return currentUser();
}

function parseWith<S extends Schema | undefined>(schema: S, value: unknown, what: string): Out<S> {
  if (!schema) return undefined as Out<S>;
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data as Out<S>;
  const issue = parsed.error.issues[0];
  const where = issue.path.length ? `${what} '${issue.path.join(".")}'` : what;
  throw new AppError("bad_request", `${where}: ${issue.message}`);
}

async function readJson(request: Request): Promise<unknown> {
  const text = await request.text();
  if (!text.trim()) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("bad_request", "Request body is not valid JSON");
  }
}

function withHeaders(response: Response, headers: Record<string, string>): Response {
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}
