import { describe, expect, it } from "vitest";
import { isMalformedPath } from "./malformed-url";

describe("isMalformedPath", () => {
  it("finds %-escapes that are not UTF-8 in the path only", () => {
    expect(isMalformedPath("/api/jobs/x/media/..%c0%af..%c0%afetc%c0%afpasswd")).toBe(true);
    expect(isMalformedPath("/api/jobs/..%c0%af../source")).toBe(true);
    expect(isMalformedPath("/jobs/a%ZZ")).toBe(true);
    expect(isMalformedPath("/api/jobs/x/media/frame%20001.jpg")).toBe(false);
    expect(isMalformedPath("/api/jobs/x/media/%E2%9C%93.jpg?x=%c0")).toBe(false);
    expect(isMalformedPath(undefined)).toBe(false);
  });
});
