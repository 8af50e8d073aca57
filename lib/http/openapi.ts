import { z } from "zod";
import type { AuthMode, InputMode, RouteDoc, RouteHandler, RouteOptions } from "./route";

/**
 * The OpenAPI 3.1 document of GET /openapi.json, built from what route() keeps on each handler:
 * its auth mode, its zod schemas for path, query and body, and its `doc`. Nothing about a
 * parameter is written twice: change a route's schema and the document follows.
 */

export const httpMethods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;
export type HttpMethod = (typeof httpMethods)[number];

/** One route module: its URL path in OpenAPI form (`/jobs/{job_id}`) and its exports. */
export type DocumentedModule = {
  path: string;
  module: Partial<Record<HttpMethod, unknown>>;
  doc: RouteDoc;
};

type JsonSchema = Record<string, unknown>;
type Operation = Record<string, unknown>;
type AnyOptions = RouteOptions<z.ZodType | undefined, z.ZodType | undefined, z.ZodType | undefined, InputMode>;

const errorRef = { $ref: "#/components/schemas/ErrorDetail" };
const engineErrorRef = { $ref: "#/components/schemas/EngineError" };

/** What each status means when a route's own doc does not say more. */
const statusMeaning: Record<number, string> = {
  200: "OK",
  400: "The path, query or body does not match the schema",
  401: "Missing or invalid API key, or not signed in",
  403: "The caller may not do this",
  404: "No such resource for this caller",
  413: "The body is larger than the server accepts",
  429: "The key's rate limit is spent (see the X-RateLimit-* headers)",
};

export function isRouteHandler(value: unknown): value is RouteHandler {
  return typeof value === "function" && Array.isArray((value as Partial<RouteHandler>).routes);
}

/**
 * What server.ts answers before Next sees the request, so no route() describes it: the hub's
 * WebSockets (lib/ws/upgrade.ts) and the local engine's event API (inngest/engine).
 */
export const serverPaths: Record<string, Record<string, Operation>> = {
  "/ws/{client_id}": socket({
    operationId: "getWsClient",
    summary: "WebSocket: status messages for a client's uploads (contracts/enhance-metadata.md \"WebSocket API\")",
    description:
      "The first message is `{type: \"connection\", status: \"connected\", client_id}`, then where the client's files " +
      "stand, then upload_status and status updates as they happen. An owned job's messages reach its owner's and admins' sockets only.",
    tags: ["enhance-metadata"],
    parameter: "client_id",
    refusals: { 403: "The Origin is not allowed", 404: "A plain GET, without Upgrade: websocket" },
  }),
  "/ws/jobs/{job_id}": socket({
    operationId: "getWsJob",
    summary: "WebSocket: a job's progress as it happens (contracts/editor-jobs.md \"WebSocket Endpoints\")",
    description: "The first message is `{type: \"connection\", status: \"connected\", job_id}`, then the job's updates in the shape of GET /jobs/{job_id}.",
    tags: ["editor-jobs"],
    parameter: "job_id",
    refusals: { 403: "The Origin is not allowed", 404: "No such job for this caller, or a plain GET without Upgrade: websocket" },
  }),
  "/e/{event_key}": {
    post: {
      operationId: "postEngineEvent",
      summary: "The local orchestration engine's event API (Inngest-compatible; ORCHESTRATION=local only)",
      description: "Where this server's own Inngest client sends events. Accepted from this machine only.",
      tags: ["internal"],
      parameters: [{ name: "event_key", in: "path", required: true, schema: { type: "string" } }],
      requestBody: { required: true, content: { "application/json": { schema: {} } } },
      responses: {
        200: { description: "The events' ids", content: { "application/json": { schema: {} } } },
        // The engine answers as Inngest's event API does: {status, error}, which the SDK reads.
        400: { description: "The body is no event or list of events", content: { "application/json": { schema: engineErrorRef } } },
        401: { description: "Not this engine's event key", content: { "application/json": { schema: engineErrorRef } } },
        403: { description: "Not from this machine", content: { "application/json": { schema: errorRef } } },
        503: { description: "The local engine is not running", content: { "application/json": { schema: engineErrorRef } } },
      },
      security: [],
    },
  },
};

/** A WebSocket upgrade on the hub (a GET answered 101), refused with a bare HTTP status. */
function socket(spec: { operationId: string; summary: string; description: string; tags: string[]; parameter: string; refusals: Record<number, string> }) {
  const { parameter, refusals, ...text } = spec;
  const answers = { 101: "Switching Protocols: the socket is open", 401: "An unknown or revoked API key", ...refusals, 503: "The caller could not be identified right now" };
  return {
    get: {
      ...text,
      parameters: [{ name: parameter, in: "path", required: true, schema: { type: "string" } }],
      responses: Object.fromEntries(Object.entries(answers).map(([code, description]) => [code, { description }])),
      security: [{ ApiKeyHeader: [] }, { SessionCookie: [] }, {}],
    },
  };
}

export function openApiDocument(modules: DocumentedModule[], extraPaths: Record<string, Record<string, Operation>> = serverPaths) {
  const paths: Record<string, Record<string, Operation>> = {};
  for (const { path, module, doc } of modules) {
    for (const method of httpMethods) {
      const handler = module[method];
      if (handler === undefined) continue;
      if (!isRouteHandler(handler)) throw new Error(`${method} ${path} is not built with route(); document it by hand or hide it`);
      (paths[path] ??= {})[method.toLowerCase()] = operation(method, path, handler.routes, doc);
    }
  }
  for (const [path, operations] of Object.entries(extraPaths)) paths[path] = { ...paths[path], ...operations };
  return {
    openapi: "3.1.0",
    info: {
      title: "Framewise API",
      version: "1.0.0",
      description:
        "Every HTTP contract Framewise serves (cabin events, editor jobs, enhance + metadata, feature extraction, reframer) " +
        "and its additions. Each contract is also reachable under its own prefix: /cabin, /editor, /enhance, " +
        "/feature-extraction, /reframer. Errors answer `{\"detail\": string}`.",
    },
    paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b))),
    components: {
      schemas: {
        ErrorDetail: { type: "object", properties: { detail: { type: "string" } }, required: ["detail"] },
        EngineError: { type: "object", properties: { status: { type: "integer" }, error: { type: "string" } }, required: ["status", "error"] },
      },
      securitySchemes: {
        ApiKeyHeader: { type: "apiKey", in: "header", name: "X-API-Key" },
        BearerKey: { type: "http", scheme: "bearer", description: "The same API key as `Authorization: Bearer <key>`" },
        SessionCookie: { type: "apiKey", in: "cookie", name: "authjs.session-token", description: "A browser session from /sign-in" },
      },
    },
  };
}

function operation(method: HttpMethod, path: string, routes: readonly AnyOptions[], doc: RouteDoc): Operation {
  const [first] = routes;
  const merged = { ...doc, ...first.doc };
  const summary = merged.summary ?? `${method} ${path}`;
  const parameters = [
    ...objectParameters(first.params, "path"),
    ...objectParameters(first.query, "query"),
  ];
  const bodies = method === "GET" || method === "HEAD" ? {} : Object.assign({}, ...routes.map((options) => requestContent(options, merged)));
  const status = { ...defaultResponses(first, method, path), ...merged.responses };
  // A route that answers 204 (no content) has no 200 besides.
  if (merged.responses?.[204]) delete status[200];
  const produces = [merged.produces ?? "application/json"].flat();
  const responses = Object.fromEntries(
    Object.entries(status).map(([code, description]) => {
      const numeric = Number(code);
      if (numeric >= 400) return [code, { description, content: { "application/json": { schema: errorRef } } }];
      if (numeric === 101 || numeric === 204 || method === "HEAD") return [code, { description }];
      return [code, { description, content: Object.fromEntries(produces.map((type) => [type, { schema: {} }])) }];
    }),
  );
  return {
    operationId: operationId(method, path),
    summary: method === "HEAD" ? `${summary} (headers only)` : summary,
    ...(merged.description ? { description: merged.description } : {}),
    ...(merged.tags ? { tags: merged.tags } : {}),
    ...(parameters.length ? { parameters } : {}),
    ...(Object.keys(bodies).length ? { requestBody: { required: true, content: bodies } } : {}),
    responses,
    security: securityOf(first.auth),
  };
}

/** The OpenAPI form of a zod schema, as a caller sends it (defaults make a field optional). */
export function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchema;
  return rest;
}

function objectParameters(schema: z.ZodType | undefined, where: "path" | "query") {
  if (!schema) return [];
  const json = jsonSchemaOf(schema);
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => {
    // A catch-all segment ([...path]) is an array in Next; on the wire it is one string with slashes.
    const wire = property.type === "array" ? { type: "string", description: "One or more path segments joined by /" } : property;
    return { name, in: where, required: where === "path" || required.has(name), schema: wire };
  });
}

function requestContent(options: AnyOptions, doc: RouteDoc): Record<string, unknown> {
  const mode = options.input ?? "json";
  const fields = { ...propertiesOf(options.body), ...propertiesOf(doc.fields) };
  if (mode === "json") return options.body ? { "application/json": { schema: jsonSchemaOf(options.body) } } : {};
  const form = { type: "object", properties: fields.properties, required: fields.required };
  if (mode === "form") {
    return { "application/x-www-form-urlencoded": { schema: form }, "application/json": { schema: form } };
  }
  const files = options.multipart?.fileFields ?? [];
  const fileProperties = Object.fromEntries(files.map((name) => [name, { type: "string", contentMediaType: "application/octet-stream" }]));
  const multipart = {
    type: "object",
    properties: { ...fileProperties, ...fields.properties },
    required: [...files, ...fields.required],
  };
  return { "multipart/form-data": { schema: multipart } };
}

function propertiesOf(schema: z.ZodType | undefined): { properties: Record<string, unknown>; required: string[] } {
  if (!schema) return { properties: {}, required: [] };
  const json = jsonSchemaOf(schema);
  return { properties: (json.properties ?? {}) as Record<string, unknown>, required: (json.required ?? []) as string[] };
}

function defaultResponses(options: AnyOptions, method: HttpMethod, path: string): Record<number, string> {
  const codes: Record<number, string> = { 200: statusMeaning[200] };
  const reads = options.params || options.query || options.body || (options.input && options.input !== "json");
  if (reads) codes[400] = statusMeaning[400];
  if (options.auth !== "none") codes[401] = statusMeaning[401];
  if (options.auth === "admin") codes[403] = statusMeaning[403];
  if (path.includes("{")) codes[404] = statusMeaning[404];
  if (method !== "GET" && method !== "HEAD" && (options.body || options.input)) codes[413] = statusMeaning[413];
  if ((options.auth === "apiKey" || options.auth === "anonymousApi") && options.rateLimit !== false) codes[429] = statusMeaning[429];
  return codes;
}

function securityOf(auth: AuthMode): Record<string, string[]>[] {
  const key: Record<string, string[]>[] = [{ ApiKeyHeader: [] }, { BearerKey: [] }];
  switch (auth) {
    case "none":
      return [];
    case "apiKey":
      return key;
    case "anonymousApi":
      // A key when ANONYMOUS_API=off; otherwise optional (a browser session is used when present).
      return [...key, { SessionCookie: [] }, {}];
    case "session":
    case "admin":
      return [{ SessionCookie: [] }];
  }
}

function operationId(method: HttpMethod, path: string): string {
  const words = path.split(/[^A-Za-z0-9]+/).filter(Boolean);
  return [method.toLowerCase(), ...words.map((word) => word[0].toUpperCase() + word.slice(1))].join("");
}

/** Turns a route file's place under app/ into its URL path: `(group)` dropped, `[id]` and `[...id]` become `{id}`. */
export function urlPathOfRouteFile(file: string): string {
  const segments = file
    .replace(/^app\//, "")
    .replace(/\/?route\.ts$/, "")
    .split("/")
    .filter((segment) => segment && !/^\(.*\)$/.test(segment))
    .map((segment) => segment.replace(/^\[(?:\.\.\.)?(.+)\]$/, "{$1}"));
  return `/${segments.join("/")}`;
}
