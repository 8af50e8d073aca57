import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDatabase, db } from "@/lib/db/client";
import { resetEnvForTests } from "@/lib/env";
import { clientAddressHeader } from "@/lib/http/client-address";
import { limitCredentialsCallback } from "./credentials-callback";
import { createUser } from "./users";

// next-auth's real handlers on the process-wide database (PGlite in a temporary DATA_DIR),
// called as Next calls the route, with a CSRF token and cookie fetched as a script would.

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "framewise-credentials-"));
const saved = { ...process.env };
const base = "http://localhost:3400/api/auth";

beforeAll(async () => {
  Object.assign(process.env, { DATA_DIR: dataDir, SIGN_IN_FAILURES_PER_HOUR: "2", SIGN_IN_FAILURES_PER_ADDRESS_PER_HOUR: "50" });
  resetEnvForTests();
  await createUser(await db(), { email: "limited@example.com", password: "the right password" });
});

afterAll(async () => {
  await closeDatabase();
  process.env = saved;
  resetEnvForTests();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function handlers() {
  const { handlers } = await import("./session");
  return { GET: handlers.GET, POST: limitCredentialsCallback(handlers.POST) };
}

async function signInAttempt(password: string, address = "198.51.100.7"): Promise<Response> {
  const { GET, POST } = await handlers();
  const csrf = await GET(new Request(`${base}/csrf`) as never);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const cookie = csrf.headers.getSetCookie().map((line) => line.split(";")[0]).join("; ");
  const body = new URLSearchParams({ email: "limited@example.com", password, csrfToken, callbackUrl: "/keys" });
  const request = new Request(`${base}/callback/credentials`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie, [clientAddressHeader]: address },
    body,
  });
  return POST(request as never);
}

describe("POST /api/auth/callback/credentials", () => {
  it("answers 429 with when to retry once the account's wrong passwords are spent, the right one included", async () => {
    for (let i = 0; i < 2; i++) {
      const wrong = await signInAttempt("a wrong password");
      expect(wrong.status).toBe(302);
      expect(wrong.headers.get("location")).toContain("error=CredentialsSignin");
    }
    for (const password of ["a wrong password", "the right password"]) {
      const refused = await signInAttempt(password);
      expect(refused.status).toBe(429);
      expect(await refused.json()).toEqual({ detail: expect.stringMatching(/^Too many failed sign-ins; try again in \d+ minutes?$/) });
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    }
  });

  it("still signs in with the right password below the limits", async () => {
    await createUser(await db(), { email: "fine@example.com", password: "the right password" });
    const { GET, POST } = await handlers();
    const csrf = await GET(new Request(`${base}/csrf`) as never);
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    const cookie = csrf.headers.getSetCookie().map((line) => line.split(";")[0]).join("; ");
    const response = await POST(
      new Request(`${base}/callback/credentials`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", cookie },
        body: new URLSearchParams({ email: "fine@example.com", password: "the right password", csrfToken, callbackUrl: "/keys" }),
      }) as never,
    );
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("http://localhost:3400/keys");
    expect(response.headers.getSetCookie().some((line) => line.startsWith("authjs.session-token="))).toBe(true);
  });
});
