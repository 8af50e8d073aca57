import { afterEach, describe, expect, it } from "vitest";
import { resetEnvForTests } from "@/lib/env";
import { baseUrlOf } from "./base-url";

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
  resetEnvForTests();
});

function withEnv(values: Record<string, string | undefined>) {
  process.env = { ...saved, ...values };
  resetEnvForTests();
}

const forged = () =>
  new Request("http://0.0.0.0:3000/api/jobs", { headers: { host: "app.example:3000", "x-forwarded-host": "evil.example", "x-forwarded-proto": "https" } });

describe("baseUrlOf", () => {
  it("builds on the Host header and ignores X-Forwarded-* by default", () => {
    withEnv({ PUBLIC_URL: undefined, TRUST_PROXY: undefined });
    expect(baseUrlOf(forged())).toBe("http://app.example:3000");
  });

  it("believes X-Forwarded-Host and -Proto with TRUST_PROXY=on", () => {
    withEnv({ PUBLIC_URL: undefined, TRUST_PROXY: "on" });
    expect(baseUrlOf(forged())).toBe("https://evil.example");
  });

  it("takes PUBLIC_URL over anything the request says", () => {
    withEnv({ PUBLIC_URL: "https://videos.example/", TRUST_PROXY: "on" });
    expect(baseUrlOf(forged())).toBe("https://videos.example");
  });
});
