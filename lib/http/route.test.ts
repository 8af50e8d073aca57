import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { registerWithApiKey } from "@/lib/auth/register";
import { closeDatabase, db } from "@/lib/db/client";
import { resetEnvForTests } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { route } from "./route";

// The wrapper every route goes through, called as Next calls a route handler, on the real
// process-wide database (PGlite in a temporary DATA_DIR).

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "framewise-route-"));
const saved = { ...process.env };
let key: string;

beforeAll(async () => {
  Object.assign(process.env, { DATA_DIR: dataDir, ANONYMOUS_API: "off", RATE_LIMIT_PER_HOUR: "2" });
  resetEnvForTests();
  key = (await registerWithApiKey(await db(), "route@example.com")).apiKey;
});

afterAll(async () => {
  await closeDatabase();
  process.env = saved;
  resetEnvForTests();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const echo = route(
  { auth: "anonymousApi", params: z.object({ id: z.string().uuid() }), body: z.object({ n: z.number() }) },
  async ({ ctx, params, body }) => Response.json({ user: ctx.user?.email ?? null, id: params.id, n: body.n }),
);
const id = "6f1c2b7e-8a36-4b7f-9d7e-2f4f6b1c9a10";
const call = (headers: Record<string, string>, body: string, params: Record<string, string> = { id }) =>
  echo(new Request("http://localhost/x", { method: "POST", headers, body }), { params: Promise.resolve(params) });

describe("route()", () => {
  it("needs a key for the anonymous-capable contracts when ANONYMOUS_API=off", async () => {
    const response = await call({}, '{"n":1}');
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ detail: "Missing API key" });
    const wrong = await call({ "X-API-Key": `vr_${"1".repeat(32)}` }, '{"n":1}');
    expect(await wrong.json()).toEqual({ detail: "Invalid API key" });
  });

  it("parses params and body, and counts the key against its hourly limit", async () => {
    const ok = await call({ Authorization: `Bearer ${key}` }, '{"n":7}');
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ user: "route@example.com", id, n: 7 });
    expect(ok.headers.get("x-ratelimit-limit")).toBe("2");
    expect(ok.headers.get("x-ratelimit-remaining")).toBe("1");

    const badParam = await call({ "X-API-Key": key }, '{"n":7}', { id: "../etc" });
    expect(badParam.status).toBe(400);
    expect((await badParam.json()).detail).toMatch(/^Path parameter 'id': /);

    const limited = await call({ "X-API-Key": key }, '{"n":7}');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await limited.json()).detail).toBe("Rate limit exceeded");
  });

  it("maps domain errors to their status and hides unknown ones", async () => {
    const missing = route({ auth: "none" }, async () => {
      throw new AppError("not_found", "invalid_job");
    });
    const response = await missing(new Request("http://localhost/x"));
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ detail: "invalid_job" });

    const broken = route({ auth: "none" }, async () => {
      throw new Error("secret connection string postgres://user:pw@host");
    });
    const hidden = await broken(new Request("http://localhost/x"));
    expect(hidden.status).toBe(500);
    expect(await hidden.json()).toEqual({ detail: "Internal server error" });
  });
});
