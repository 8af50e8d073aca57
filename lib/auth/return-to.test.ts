import { describe, expect, it } from "vitest";
import { safeReturnPath, signInHref } from "./return-to";

describe("safeReturnPath", () => {
  it("keeps paths on this site", () => {
    expect(safeReturnPath("/analyses/abc?tab=events")).toBe("/analyses/abc?tab=events");
  });

  it("refuses anything that leaves the site or loops back to sign-in", () => {
    for (const value of ["https://evil.example/", "//evil.example", "/\\evil.example", "evil", "", undefined, 42, "/sign-in", "/sign-up?x=1"]) {
      expect(safeReturnPath(value)).toBe("/");
    }
  });
});

describe("signInHref", () => {
  it("carries the path as callbackUrl", () => {
    expect(signInHref("/keys")).toBe("/sign-in?callbackUrl=%2Fkeys");
    expect(signInHref("/")).toBe("/sign-in");
  });
});
