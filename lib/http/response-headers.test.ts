import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetEnvForTests } from "@/lib/env";
import { addResponseHeaders, contentSecurityPolicy, dropUntrustedForwarding } from "./response-headers";

// A real node server, as server.ts installs the hooks, answering the ways Next and serveFile do.
let server: http.Server;
let base: string;
const saved = { ...process.env };

beforeAll(async () => {
  server = http.createServer((request, response) => {
    dropUntrustedForwarding(request);
    addResponseHeaders(request, response);
    const url = new URL(request.url ?? "/", "http://x");
    if (url.pathname === "/echo-forwarded") {
      response.setHeader("content-type", "application/json");
      response.end(JSON.stringify({ host: request.headers["x-forwarded-host"] ?? null, proto: request.headers["x-forwarded-proto"] ?? null }));
    } else if (url.pathname === "/json-own-cache") {
      response.writeHead(200, { "Content-Type": "application/json", "Cache-Control": "private, max-age=60" });
      response.end("{}");
    } else if (url.pathname === "/json-in-writehead") {
      response.writeHead(404, { "Content-Type": "application/json" });
      response.end("{}");
    } else if (url.pathname === "/page") {
      response.setHeader("content-type", "text/html; charset=utf-8");
      response.end("<!doctype html><p>page</p>");
    } else {
      response.setHeader("content-type", "video/mp4");
      response.end("v");
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  process.env = saved;
  resetEnvForTests();
  await new Promise((resolve) => server.close(resolve));
});

describe("dropUntrustedForwarding", () => {
  const forged = { "x-forwarded-host": "evil.example", "x-forwarded-proto": "https" };
  it("removes X-Forwarded-Host and -Proto unless TRUST_PROXY=on", async () => {
    process.env = { ...saved, TRUST_PROXY: "off" };
    resetEnvForTests();
    expect(await (await fetch(`${base}/echo-forwarded`, { headers: forged })).json()).toEqual({ host: null, proto: null });
    process.env = { ...saved, TRUST_PROXY: "on" };
    resetEnvForTests();
    expect(await (await fetch(`${base}/echo-forwarded`, { headers: forged })).json()).toEqual({ host: "evil.example", proto: "https" });
  });
});

describe("addResponseHeaders", () => {
  it("marks JSON answers no-store, leaving an answer's own Cache-Control and other types alone", async () => {
    expect((await fetch(`${base}/echo-forwarded`)).headers.get("cache-control")).toBe("no-store");
    expect((await fetch(`${base}/json-in-writehead`)).headers.get("cache-control")).toBe("no-store");
    expect((await fetch(`${base}/json-own-cache`)).headers.get("cache-control")).toBe("private, max-age=60");
    expect((await fetch(`${base}/video`)).headers.get("cache-control")).toBeNull();
  });
});

describe("addResponseHeaders on pages", () => {
  it("sends a CSP refusing framing on HTML, nosniff and a Referrer-Policy on everything", async () => {
    process.env = { ...saved, TRUST_PROXY: "off" };
    resetEnvForTests();
    const page = await fetch(`${base}/page`);
    const csp = page.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("default-src 'self'");
    expect(csp).not.toContain("unsafe-eval");
    expect(contentSecurityPolicy(true)).toContain("'unsafe-eval'");
    for (const answer of [page, await fetch(`${base}/echo-forwarded`), await fetch(`${base}/video`)]) {
      expect(answer.headers.get("x-content-type-options")).toBe("nosniff");
      expect(answer.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
    }
    expect((await fetch(`${base}/echo-forwarded`)).headers.get("content-security-policy")).toBeNull();
  });

  it("sends HSTS only when a trusted proxy says the caller used https", async () => {
    const https = { "x-forwarded-proto": "https" };
    process.env = { ...saved, TRUST_PROXY: "off" };
    resetEnvForTests();
    expect((await fetch(`${base}/page`, { headers: https })).headers.get("strict-transport-security")).toBeNull();
    process.env = { ...saved, TRUST_PROXY: "on" };
    resetEnvForTests();
    expect((await fetch(`${base}/page`)).headers.get("strict-transport-security")).toBeNull();
    expect((await fetch(`${base}/page`, { headers: https })).headers.get("strict-transport-security")).toBe("max-age=31536000");
  });
});
