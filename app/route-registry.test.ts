import { readdir } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { isRouteHandler, urlPathOfRouteFile } from "@/lib/http/openapi";
import { routeRegistry } from "./route-registry";

// next-auth's ESM build imports "next/server" bare, which only Next's bundler resolves; these
// tests read the routes' options and never sign anyone in.
vi.mock("@/lib/auth/session", () => ({ handlers: { GET: async () => new Response(), POST: async () => new Response() }, currentUser: async () => null }));

const appDir = path.resolve(import.meta.dirname);

async function routeFiles(): Promise<string[]> {
  const entries = await readdir(appDir, { recursive: true });
  return entries
    .filter((entry) => path.basename(entry) === "route.ts")
    .map((entry) => `app/${entry.split(path.sep).join("/")}`)
    .sort();
}

describe("app/route-registry.ts", () => {
  it("lists every app/**/route.ts under its URL path, with that very module", async () => {
    const files = await routeFiles();
    expect(files.length).toBeGreaterThan(40);
    for (const file of files) {
      const urlPath = urlPathOfRouteFile(file);
      const entry = routeRegistry.find((candidate) => candidate.path === urlPath);
      expect(entry, `${file} (${urlPath}) is not in app/route-registry.ts`).toBeDefined();
      const routeModule = await import(path.join(appDir, "..", file));
      expect(entry!.module, `${urlPath} is registered with another module than ${file}`).toBe(routeModule);
    }
    expect(routeRegistry.length).toBe(files.length);
  });

  it("documents each method of a route built with route(), or says why it is hidden", () => {
    for (const { path: urlPath, module, doc, hidden } of routeRegistry) {
      if (hidden) continue;
      expect(doc?.summary, `${urlPath} has no summary`).toBeTruthy();
      const methods = Object.entries(module).filter(([name]) => /^[A-Z]+$/.test(name));
      expect(methods.length, `${urlPath} exports no method`).toBeGreaterThan(0);
      for (const [method, handler] of methods) expect(isRouteHandler(handler), `${method} ${urlPath} is not built with route()`).toBe(true);
    }
  });
});

describe("urlPathOfRouteFile", () => {
  it("drops groups and turns segments into templates", () => {
    expect(urlPathOfRouteFile("app/(admin)/admin/jobs/[id]/route.ts")).toBe("/admin/jobs/{id}");
    expect(urlPathOfRouteFile("app/api/jobs/[job_id]/media/[...filename]/route.ts")).toBe("/api/jobs/{job_id}/media/{filename}");
    expect(urlPathOfRouteFile("app/openapi.json/route.ts")).toBe("/openapi.json");
  });
});
