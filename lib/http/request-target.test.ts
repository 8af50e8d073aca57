import { describe, expect, it } from "vitest";
import { hostProblem, requestTargetProblem } from "./request-target";

describe("requestTargetProblem", () => {
  it("refuses an absolute-form target instead of taking its host", () => {
    expect(requestTargetProblem("http://evil.example/health")).toEqual({ status: 400, detail: "Request target must be a path" });
    expect(requestTargetProblem("https://evil.example/")?.status).toBe(400);
    expect(requestTargetProblem("*")).toBeNull();
    expect(requestTargetProblem("/health")).toBeNull();
  });

  it("answers 404 for every other spelling of the engine's path, and leaves the exact one to its guard", () => {
    for (const alias of ["/cabin/api/inngest", "/editor/api/inngest?fnId=x", "/api/%69nngest", "//api/inngest", "/api/x/../inngest", "/API/inngest", "/api/inngest%2Fx", "/reframer/cabin/api/inngest/"]) {
      expect(requestTargetProblem(alias), alias).toEqual({ status: 404, detail: "Not Found" });
    }
    expect(requestTargetProblem("/api/inngest")).toBeNull();
    expect(requestTargetProblem("/api/inngest?fnId=a&stepId=b")).toBeNull();
    expect(requestTargetProblem("/cabin/api/jobs")).toBeNull();
    expect(requestTargetProblem("/api/inngestion")).toBeNull();
  });
});

describe("hostProblem", () => {
  it("refuses a Host header that makes no URL, and takes every usual one", () => {
    for (const host of ["bad host", "[::1", "a:b:c", "example.com:port", "x/y", "a@b", "x?y"]) {
      expect(hostProblem(host), host).toEqual({ status: 400, detail: "Invalid Host header" });
    }
    for (const host of [undefined, "localhost", "127.0.0.1:3000", "[::1]:3000", "framewise.example.com", "xn--bcher-kva.example", "localhost:80"]) {
      expect(hostProblem(host), host).toBeNull();
    }
  });
});
