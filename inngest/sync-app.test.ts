import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetEnvForTests } from "@/lib/env";
import { verifySignature } from "./engine/signing";
import { syncWithInngestServer } from "./sync-app";

/**
 * The self-sync's request, as serve() sees it: a PUT to /api/inngest whose signature checks out
 * with INNGEST_SIGNING_KEY over the body it carries, tried again while the answer is not 2xx.
 * That serve() then registers with a real Inngest server is e2e/inngest/signed-calls.spec.ts's.
 */
const signingKey = "ab".repeat(32);
let server: http.Server;
let url: string;
let answers: number[] = [];
const seen: { method: string; path: string; signed: boolean }[] = [];

beforeAll(async () => {
  process.env.INNGEST_SIGNING_KEY = signingKey;
  resetEnvForTests();
  server = http.createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => (body += chunk));
    request.on("end", () => {
      seen.push({ method: request.method ?? "", path: request.url ?? "", signed: verifySignature(signingKey, body, request.headers["x-inngest-signature"]) });
      response.writeHead(answers.shift() ?? 200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  delete process.env.INNGEST_SIGNING_KEY;
  resetEnvForTests();
  await new Promise((resolve) => server.close(resolve));
});

describe("syncWithInngestServer", () => {
  it("sends one signed PUT to the app's /api/inngest", async () => {
    seen.length = 0;
    await syncWithInngestServer(`${url}/`);
    expect(seen).toEqual([{ method: "PUT", path: "/api/inngest", signed: true }]);
  });

  it("tries again while the server is not up, and gives up with the last answer", async () => {
    seen.length = 0;
    answers = [500, 500];
    await syncWithInngestServer(url, { attempts: 3, delayMs: 10 });
    expect(seen.length).toBe(3);
    answers = [500, 500];
    await expect(syncWithInngestServer(url, { attempts: 2, delayMs: 10 })).rejects.toThrow(/^Could not sync with the Inngest server: 500/);
  });
});
