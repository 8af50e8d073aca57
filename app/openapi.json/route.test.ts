import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, it, vi } from "vitest";
import { documentedRoutes } from "@/app/route-registry";
import { GET } from "./route";

// next-auth's ESM build imports "next/server" bare, which only Next's bundler resolves; these
// tests read the routes' options and never sign anyone in.
vi.mock("@/lib/auth/session", () => ({ handlers: { GET: async () => new Response(), POST: async () => new Response() }, currentUser: async () => null }));

const contractsDir = path.resolve(import.meta.dirname, "../../../shared/contracts");

/**
 * Every `METHOD /path` a contract documents: list items, headings, "**Endpoint:**" lines and
 * ```http blocks that start with a method, and `WebSocket: /path` lines (a GET upgrade).
 * Prose that mentions a method mid-sentence (curl examples, "Poll GET /job/{id}") is not a
 * definition and is skipped.
 */
export function contractOperations(markdown: string): { method: string; path: string }[] {
  const found: { method: string; path: string }[] = [];
  const definition = /^\s*(?:[-*]\s+|\d+\.\s+|#+\s+)?(?:\*\*Endpoint:\*\*\s*)?[`*]*(GET|POST|PUT|PATCH|DELETE)\s+(\/[^\s`*]*)/;
  const socket = /^\s*WebSocket:\s*(\/\S+)/;
  for (const line of markdown.split("\n")) {
    const match = line.match(definition);
    if (match) found.push({ method: match[1], path: match[2] });
    const ws = line.match(socket);
    if (ws) found.push({ method: "GET", path: ws[1] });
  }
  return found;
}

/** `/jobs/{id}?page={n}` and `/jobs/{job_id}/` compare equal: no query, no trailing slash, unnamed parameters. */
function shape(urlPath: string): string {
  const bare = urlPath.split("?")[0].replace(/\/+$/, "") || "/";
  return bare.replace(/\{[^}]*\}/g, "{}");
}

async function theDocument() {
  const response = await GET(new Request("http://localhost/openapi.json"));
  expect(response.status).toBe(200);
  return (await response.json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
}

describe("GET /openapi.json", () => {
  it("is a valid OpenAPI 3.1 document", async () => {
    const document = await theDocument();
    expect(document.openapi).toBe("3.1.0");
    const validator = new Validator();
    const result = await validator.validate(document);
    expect(result.errors ?? [], JSON.stringify(result.errors, null, 2)).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
  });

  it("lists every path of the five contracts with its method", async () => {
    const document = await theDocument();
    const served = new Set(
      Object.entries(document.paths).flatMap(([urlPath, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${shape(urlPath)}`)),
    );
    const files = (await readdir(contractsDir)).filter((name) => name.endsWith(".md"));
    expect(files.length).toBe(5);
    let count = 0;
    for (const file of files) {
      const operations = contractOperations(await readFile(path.join(contractsDir, file), "utf8"));
      expect(operations.length, `${file} documents no endpoint the parser can read`).toBeGreaterThan(0);
      for (const { method, path: urlPath } of operations) {
        count++;
        expect(served.has(`${method} ${shape(urlPath)}`), `${file}: ${method} ${urlPath} is not in the document`).toBe(true);
      }
    }
    expect(count).toBeGreaterThan(25);
  });

  it("takes parameters from the routes' zod schemas", async () => {
    const document = await theDocument();
    const results = document.paths["/api/jobs/{job_id}/results"].get as { parameters: { name: string; in: string; schema: { maximum?: number } }[] };
    expect(results.parameters.map(({ name, in: where }) => `${where}:${name}`)).toEqual(["path:job_id", "query:page", "query:page_size", "query:include_rejected"]);
    expect(results.parameters.find(({ name }) => name === "page_size")?.schema.maximum).toBe(200);
    const review = document.paths["/api/jobs/{job_id}/events/{event_id}/review"] as Record<string, { requestBody?: { content: Record<string, { schema: { properties: Record<string, { enum?: string[] }> } }> }; responses: Record<string, unknown> }>;
    expect(review.post.requestBody?.content["application/json"].schema.properties.verdict.enum).toEqual(["confirmed", "false_positive"]);
    expect(Object.keys(review.delete.responses)).toContain("204");
    expect(Object.keys(review.delete.responses)).not.toContain("200");
    const jobs = document.paths["/jobs"].post as { requestBody: { content: Record<string, unknown> }; parameters: { name: string }[] };
    expect(Object.keys(jobs.requestBody.content).sort()).toEqual(["application/json", "multipart/form-data"]);
    expect(jobs.parameters.map(({ name }) => name)).toContain("job_type");
    const processFields = (document.paths["/process"].post as { requestBody: { content: Record<string, { schema: { properties: object } }> } }).requestBody.content["multipart/form-data"].schema.properties;
    expect(Object.keys(processFields).sort()).toEqual(["aspect", "file", "fps"]);
  });

  it("documents what server.ts answers by hand, and every registered route", async () => {
    const document = await theDocument();
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(["/ws/{client_id}", "/ws/jobs/{job_id}", "/e/{event_key}"]));
    for (const { path: urlPath } of documentedRoutes()) expect(document.paths[urlPath], urlPath).toBeDefined();
  });

  it("documents the answers schemathesis met that it did not list (scripts/fuzz-api.sh)", async () => {
    type Operation = { responses: Record<string, { content?: Record<string, unknown> }> };
    const paths = (await theDocument()).paths as Record<string, Record<string, Operation>>;
    const codes = (urlPath: string, method: string) => Object.keys(paths[urlPath][method].responses);
    expect(codes("/api/jobs/server-videos", "get")).toContain("400"); // VIDEO_INPUT_DIR unset
    expect(codes("/features/search", "post")).toContain("404"); // no such product for this caller
    expect(codes("/ws/{client_id}", "get")).toEqual(expect.arrayContaining(["401", "404"])); // a plain GET is Next's 404
    expect(codes("/e/{event_key}", "post")).toEqual(expect.arrayContaining(["400", "401", "503"]));
    expect(Object.keys(paths["/docs/assets/{file}"].get.responses["200"].content!)).toEqual(["text/javascript", "text/css"]);
  });
});

describe("contractOperations", () => {
  it("reads definitions, not mentions", () => {
    const markdown = ["- GET /health", "### `POST /jobs/`", "**Endpoint:** `GET /job/{job_id}`", "POST /upload", "2. **Poll GET /job/{id}** every 2 s", "curl -X POST /register", "WebSocket: /ws/{client_id}"].join("\n");
    expect(contractOperations(markdown)).toEqual([
      { method: "GET", path: "/health" },
      { method: "POST", path: "/jobs/" },
      { method: "GET", path: "/job/{job_id}" },
      { method: "POST", path: "/upload" },
      { method: "GET", path: "/ws/{client_id}" },
    ]);
  });
});
