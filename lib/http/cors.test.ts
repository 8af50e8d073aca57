import { afterEach, describe, expect, it } from "vitest";
import { resetEnvForTests } from "@/lib/env";
import { corsHeaders, isPreflight, preflightResponse } from "./cors";

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

  it("answers a preflight with the requested headers, Range included", () => {
    withOrigins("http://a.example");
    const request = new Request("http://localhost/api/jobs", {
      method: "OPTIONS",
      headers: { Origin: "http://a.example", "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "range,x-api-key" },
    });
    expect(isPreflight(request)).toBe(true);
    const response = preflightResponse(request);
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe("http://a.example");
    expect(response.headers.get("access-control-allow-headers")).toBe("range,x-api-key");
  });
});
