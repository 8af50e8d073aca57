import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { resetEnvForTests } from "@/lib/env";
import { applyCors, corsHeaders } from "./cors";

function withOrigins(value: string | undefined) {
  if (value === undefined) delete process.env.FRONTEND_ORIGIN;
  else process.env.FRONTEND_ORIGIN = value;
  resetEnvForTests();
}

describe("CORS", () => {
  afterEach(() => withOrigins(undefined));

  it("allows every origin by default and exposes the Range headers", () => {
    withOrigins(undefined);
    const headers = corsHeaders("http://anywhere.example");
    expect(headers["Access-Control-Allow-Origin"]).toBe("*");
    expect(headers["Access-Control-Expose-Headers"]).toContain("Content-Range");
    expect(headers["Access-Control-Expose-Headers"]).toContain("Accept-Ranges");
  });

  it("echoes a listed origin and refuses others", () => {
    withOrigins("http://a.example, http://b.example");
    expect(corsHeaders("http://b.example")["Access-Control-Allow-Origin"]).toBe("http://b.example");
    expect(corsHeaders("http://evil.example")["Access-Control-Allow-Origin"]).toBeUndefined();
    expect(corsHeaders("http://b.example").Vary).toBe("Origin");
  });

  /** applyCors on a real node server, as server.ts runs it before Next: "next" answers 200 "next". */
  async function serve(init: RequestInit & { path?: string }) {
    const server = http.createServer((request, response) => {
      if (applyCors(request, response)) return;
      response.end("next");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}${init.path ?? "/api/jobs"}`, init);
      return { status: response.status, headers: response.headers, text: await response.text() };
    } finally {
      server.close();
    }
  }

  it("answers a preflight itself with the requested headers, Range included", async () => {
    withOrigins("http://a.example");
    const response = await serve({
      method: "OPTIONS",
      headers: { Origin: "http://a.example", "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "range,x-api-key" },
    });
    expect(response.status).toBe(204);
    expect(response.text).toBe("");
    expect(response.headers.get("access-control-allow-origin")).toBe("http://a.example");
    expect(response.headers.get("access-control-allow-headers")).toBe("range,x-api-key");
    expect(response.headers.get("access-control-allow-methods")).toContain("POST");
  });

  it("sets the headers on every other answer and lets it through, a plain OPTIONS included", async () => {
    withOrigins("http://a.example");
    const post = await serve({ method: "POST", headers: { Origin: "http://a.example" }, body: "x" });
    expect(post.text).toBe("next");
    expect(post.headers.get("access-control-allow-origin")).toBe("http://a.example");
    expect(post.headers.get("access-control-expose-headers")).toContain("Retry-After");
    const options = await serve({ method: "OPTIONS", headers: { Origin: "http://evil.example" } });
    expect(options.text).toBe("next");
    expect(options.headers.get("access-control-allow-origin")).toBeNull();
  });
});
