import type { z } from "zod";
import { authenticateApiKey } from "@/lib/auth/api-keys";
import { countUnknownKey } from "@/lib/auth/attempt-limits";
import type { AuthUser } from "@/lib/auth/users";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { clientAddress } from "./client-address";
import { errorResponse } from "./errors";
import { bodyTooLargeMessage, declaredLength, jsonDepthExceeds, jsonLimitBytes, MAX_JSON_DEPTH } from "./limits";
import { discardUpload, parseMultipart, type ParseMultipartOptions, type UploadedFile } from "./multipart";
import { consumeRateLimit, rateLimitHeaders, type RateLimitState } from "./rate-limit";
import { uploadSubject, withUploadSlot } from "./upload-slots";

/**
 * - none: nobody is identified.
 * - anonymousApi: contracts 000/001/003/004. A key identifies its owner; with ANONYMOUS_API=on
 *   no key is needed (a browser session is used when there is one), with off a key is required.
 * - apiKey: contract 002; `X-API-Key` or `Authorization: Bearer` required.
 * - session / admin: browser routes.
 */
export type AuthMode = "none" | "anonymousApi" | "apiKey" | "session" | "admin";

export type RequestContext = { user: AuthUser | null; isAdmin: boolean; apiKeyId: string | null; queueKey?: string };

type Schema = z.ZodType;
type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

/**
 * How the body is read before the handler runs:
 * - json (the default): parsed and checked against `body`, at most MAX_JSON_MB.
 * - form: text fields from a urlencoded, JSON or file-less multipart body (JSON values that
 *   are not strings arrive as their JSON text), at most MAX_JSON_MB.
 * - multipart: fields and files; files stream to DATA_DIR/tmp under the upload limit, the
 *   request holds one of the caller's upload slots while it runs, and the stored files are
 *   removed when the handler throws (on success the handler owns them).
 * `body`, when given, checks the JSON value or the form's fields.
 */
export type InputMode = "json" | "form" | "multipart";

export type FormInput = { fields: Record<string, string>; files: UploadedFile[] };

export type MultipartOptions = Pick<ParseMultipartOptions, "fileFields" | "maxFiles" | "maxFields" | "maxFieldBytes" | "maxFileBytes" | "toStore">;

export type RouteOptions<P, Q, B, I extends InputMode = "json"> = {
  auth: AuthMode;
  params?: P;
  query?: Q;
  body?: B;
  input?: I;
  /** Limits for `input: "multipart"`. */
  multipart?: MultipartOptions;
  /** Count the request against the caller's key (on by default when a key is used). */
  rateLimit?: boolean;
  /** What the API document (lib/http/openapi.ts) says beyond the schemas above. */
  doc?: RouteDoc;
  /**
   * Body or form fields the handler checks itself, with its contract's own words, before they
   * reach the database (e.g. a server-video name, refused as "Invalid video selection"): the
   * NUL and surrogate check below leaves them to it.
   */
  ownTextChecks?: readonly string[];
};

/**
 * For GET /openapi.json. `fields` describes form or multipart fields that the handler reads
 * itself; `responses` maps a status to what it means; `produces` is the success body's type
 * (or types, when it serves several).
 */
export type RouteDoc = {
  summary?: string;
  description?: string;
  tags?: string[];
  fields?: z.ZodObject;
  produces?: string | readonly string[];
  responses?: Record<number, string>;
};

/** A handler as route() returns it: it keeps its options so that the API document can read them. */
export type RouteHandler = ((request: Request, context?: NextContext) => Promise<Response>) & {
  routes: readonly RouteOptions<Schema | undefined, Schema | undefined, Schema | undefined, InputMode>[];
};

export type Handler<P, Q, B, I extends InputMode = "json"> = (input: {
  request: Request;
  ctx: RequestContext;
  params: Out<P>;
  query: Out<Q>;
  body: Out<B>;
  form: I extends "form" | "multipart" ? FormInput : undefined;
}) => Promise<Response>;

type NextContext = { params: Promise<Record<string, string | string[] | undefined>> };

export function route<
  P extends Schema | undefined = undefined,
  Q extends Schema | undefined = undefined,
  B extends Schema | undefined = undefined,
  I extends InputMode = "json",
>(options: RouteOptions<P, Q, B, I>, handler: Handler<P, Q, B, I>) {
  const mode: InputMode = options.input ?? "json";
  const handle = async (request: Request, context?: NextContext): Promise<Response> => {
    let limit: RateLimitState | undefined;
    try {
      const { ctx, keyId } = await authenticate(request, options.auth);
      if (keyId && options.rateLimit !== false) limit = await consumeRateLimit(await db(), keyId);
      const rawParams = (await context?.params) ?? {};
      const rawQuery = Object.fromEntries(new URL(request.url).searchParams);
      // A path naming something with a NUL or half a surrogate names nothing: 404, as any
      // unknown job or file (the contracts' answer for a name that does not exist).
      if (unsafeTextAt(rawParams)) throw new AppError("not_found", "Not Found");
      refuseUnsafeText(rawQuery, "Query parameter");
      const params = parseWith(options.params, rawParams, "Path parameter");
      const query = parseWith(options.query, rawQuery, "Query parameter");
      const run = async (form: FormInput | undefined) => {
        const raw = form ? form.fields : options.body ? await readJson(request) : undefined;
        refuseUnsafeText(withoutKeys(raw, options.ownTextChecks), form ? "Form field" : "Request body");
        const body = options.body ? parseWith(options.body, raw, "Request body") : undefined;
        return handler({ request, ctx, params, query, body, form } as Parameters<Handler<P, Q, B, I>>[0]);
      };
      let response: Response;
      if (mode === "multipart") {
        response = await withUploadSlot(uploadSubject(ctx, request), async () => {
          const form = await readMultipart(request, options.multipart ?? {});
          try {
            return await run(form);
          } catch (error) {
            await Promise.all(form.files.map((file) => discardUpload(file.path)));
            throw error;
          }
        });
      } else {
        response = await run(mode === "form" ? await readForm(request) : undefined);
      }
      return limit ? withHeaders(response, rateLimitHeaders(limit)) : response;
    } catch (error) {
      const response = errorResponse(error);
      return limit ? withHeaders(response, rateLimitHeaders(limit)) : response;
    }
  };
  return Object.assign(handle, { routes: [options] }) as RouteHandler;
}

/**
 * One method taking either a multipart body or another (JSON, form): the request goes to the
 * handler whose input mode matches its Content-Type, and the document shows both bodies.
 */
export function byContentType(multipart: RouteHandler, other: RouteHandler): RouteHandler {
  const handle = (request: Request, context?: NextContext) =>
    /^multipart\/form-data/i.test(request.headers.get("content-type") ?? "") ? multipart(request, context) : other(request, context);
  return Object.assign(handle, { routes: [...other.routes, ...multipart.routes] });
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
  // Anonymous callers are told apart by address, for their jobs' fair queueing (lib/jobs/caller.ts).
  const anonymous = { ctx: { user: null, isAdmin: false, apiKeyId: null, queueKey: `ip:${clientAddress(request)}` }, keyId: null };
  if (mode === "none") return anonymous;

  if (mode === "apiKey" || mode === "anonymousApi") {
    const key = apiKeyOf(request);
    if (key) {
      const found = await authenticateApiKey(await db(), key);
      if (!found) {
        await countUnknownKey(await db(), clientAddress(request));
        throw new AppError("unauthorized", "Invalid API key");
      }
      return { ctx: contextFor(found.user, found.keyId), keyId: found.keyId };
    }
    if (mode === "apiKey" || env().ANONYMOUS_API === "off") throw new AppError("unauthorized", "Missing API key");
  }

  const user = await sessionUser(request);
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

async function sessionUser(request: Request): Promise<AuthUser | null> {
  // No session cookie, no session: next-auth is not asked (an anonymous poller's requests then
  // skip its token handling altogether).
  if (!hasSessionCookie(request.headers.get("cookie") ?? "")) return null;
  // Loaded lazily: next-auth needs Next's request scope, which only route handlers have.
  const { currentUser } = await import("@/lib/auth/session");
  return currentUser();
}

/** Whether a Cookie header carries next-auth's session cookie (or a chunk of it). */
export function hasSessionCookie(cookie: string): boolean {
  return SESSION_COOKIE.test(cookie);
}

/** next-auth's session cookie, over http or https, whole or in chunks (`.0`, `.1`...). */
const SESSION_COOKIE = /(?:^|;)\s*(?:__Secure-)?authjs\.session-token(?:\.\d+)?=/;

// A NUL, or half of a UTF-16 surrogate pair: PostgreSQL refuses both in text and jsonb. The
// NUL is the one control character matched on purpose (hence the rule's exception).
// eslint-disable-next-line no-control-regex
const UNSAFE_TEXT = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Refuses with 400 any string in `value` (keys included, nested at any depth) that holds a NUL
 * or a lone surrogate: PostgreSQL cannot store either, so without this check the request
 * reaches the database and fails there as a 500.
 */
export function refuseUnsafeText(value: unknown, what: string): void {
  const path = unsafeTextAt(value);
  if (!path) return;
  const where = path.length ? `${what} '${path.join(".")}'` : what;
  throw new AppError("bad_request", `${where}: must not contain NUL bytes or unpaired surrogates`);
}

/** Where in `value` the first string with a NUL or a lone surrogate is, or null if none is. */
function unsafeTextAt(value: unknown, path: string[] = []): string[] | null {
  if (typeof value === "string") return UNSAFE_TEXT.test(value) ? path : null;
  if (!value || typeof value !== "object") return null;
  for (const [key, item] of Object.entries(value)) {
    if (UNSAFE_TEXT.test(key)) return path;
    const found = unsafeTextAt(item, [...path, key]);
    if (found) return found;
  }
  return null;
}

function withoutKeys(value: unknown, keys: readonly string[] | undefined): unknown {
  if (!keys?.length || !value || typeof value !== "object" || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([key]) => !keys.includes(key)));
}

function parseWith<S extends Schema | undefined>(schema: S, value: unknown, what: string): Out<S> {
  if (!schema) return undefined as Out<S>;
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data as Out<S>;
  const issue = parsed.error.issues[0];
  const where = issue.path.length ? `${what} '${issue.path.join(".")}'` : what;
  throw new AppError("bad_request", `${where}: ${issue.message}`);
}

/**
 * The body as text, refused with 413 past MAX_JSON_MB: on its Content-Length before reading,
 * or as soon as the bytes read cross the cap (the rest is left unread, and the server closes
 * the connection after the answer).
 */
export async function readLimitedText(request: Request, maxBytes = jsonLimitBytes()): Promise<string> {
  const declared = declaredLength(request.headers.get("content-length"));
  if (declared !== null && declared > maxBytes) throw new AppError("payload_too_large", bodyTooLargeMessage(maxBytes));
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      // Not cancel(): cancelling the body would destroy the socket before the 413 is sent.
      reader.releaseLock();
      throw new AppError("payload_too_large", bodyTooLargeMessage(maxBytes));
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

export function parseJsonText(text: string): unknown {
  if (!text.trim()) return {};
  if (jsonDepthExceeds(text)) throw new AppError("bad_request", `Request body is nested too deeply (maximum depth ${MAX_JSON_DEPTH})`);
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("bad_request", "Request body is not valid JSON");
  }
}

async function readJson(request: Request): Promise<unknown> {
  return parseJsonText(await readLimitedText(request));
}

function contentTypeOf(request: Request): string {
  return request.headers.get("content-type")?.toLowerCase() ?? "";
}

async function readMultipart(request: Request, options: MultipartOptions): Promise<FormInput> {
  if (!contentTypeOf(request).startsWith("multipart/form-data")) {
    throw new AppError("bad_request", "Content-Type must be multipart/form-data");
  }
  return parseMultipart(request, options);
}

/** Form fields as `POST /api/jobs/start` takes them: urlencoded, JSON, or multipart without files. */
async function readForm(request: Request): Promise<FormInput> {
  const type = contentTypeOf(request);
  if (type.startsWith("multipart/form-data")) {
    return parseMultipart(request, { maxFiles: 0, maxFileBytes: 0, maxFieldBytes: jsonLimitBytes() });
  }
  const text = await readLimitedText(request);
  if (type.startsWith("application/json")) {
    const value = parseJsonText(text);
    if (!value || typeof value !== "object" || Array.isArray(value)) throw new AppError("bad_request", "Request body must be a JSON object");
    const fields = Object.fromEntries(
      Object.entries(value).map(([key, field]) => [key, typeof field === "string" ? field : JSON.stringify(field)]),
    );
    return { fields, files: [] };
  }
  return { fields: Object.fromEntries(new URLSearchParams(text)), files: [] };
}

function withHeaders(response: Response, headers: Record<string, string>): Response {
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}
