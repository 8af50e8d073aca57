import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Inngest } from "inngest";
import { openDatabase, type DatabaseHandle } from "@/lib/db/client";
import { callSdk } from "./http";
import { canonicalJson, generateSigningKey, localEventKey, localSigningKey, signBody, verifySignature } from "./signing";
import { startHarness, type Harness } from "./testing";

/**
 * The engine and the SDK's signed mode (inngest 4.24.0): the real serve() handler accepts the
 * engine's calls and refuses unsigned, forged, stale and tampered ones before any function
 * code runs; the engine checks the handler's signed answers; the event API wants its key.
 */

describe("the local signing key", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "framewise-signkey-"));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("is made once in DATA_DIR, 0600, in the SDK's signkey-<env>-<hex> format", () => {
    const key = localSigningKey(dir);
    expect(key).toMatch(/^signkey-prod-[0-9a-f]{64}$/);
    const file = path.join(dir, "inngest-signing-key");
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(file, "utf8")).toBe(key);
    expect(localSigningKey(dir)).toBe(key);
    expect(generateSigningKey()).not.toBe(key);
    expect(localEventKey(key)).toMatch(/^[0-9a-f]{64}$/);
    expect(localEventKey(generateSigningKey())).not.toBe(localEventKey(key));
  });

  it("signs canonical JSON and checks signatures with the 5-minute window", () => {
    expect(canonicalJson({ b: [1, { d: null, c: "x" }], a: undefined, e: new Date(0) })).toBe('{"b":[1,{"c":"x","d":null}],"e":"1970-01-01T00:00:00.000Z"}');
    const key = generateSigningKey();
    const header = signBody(key, "body");
    expect(header).toMatch(/^t=\d+&s=[0-9a-f]{64}$/);
    expect(verifySignature(key, "body", header)).toBe(true);
    expect(verifySignature(key, "body!", header)).toBe(false);
    expect(verifySignature(generateSigningKey(), "body", header)).toBe(false);
    expect(verifySignature(key, "body", signBody(key, "body", Date.now() - 6 * 60_000))).toBe(false);
    expect(verifySignature(key, "body", undefined)).toBe(false);
  });
});

describe("serve() in signed mode, driven by the engine", () => {
  let handle: DatabaseHandle;
  let harness: Harness;
  let failureHandlerRuns = 0;
  let bodyRuns = 0;

  const functions = (client: Inngest) => [
    client.createFunction(
      {
        id: "guarded",
        retries: 0,
        triggers: [{ event: "test/guarded" }],
        onFailure: async () => {
          failureHandlerRuns++;
        },
      },
      async ({ step }) => step.run("work", () => (bodyRuns++, "done")),
    ),
  ];

  beforeAll(async () => {
    handle = await openDatabase({ url: "memory://" });
    harness = await startHarness({ db: handle.db, functions });
  });
  afterAll(async () => {
    await harness?.close();
    await handle?.close();
  });

  const serveUrl = () => `${harness.baseUrl}/api/inngest`;
  const failedEvent = {
    name: "inngest/function.failed",
    data: { function_id: "test-guarded", run_id: "forged", error: { name: "Error", message: "forged" }, event: { name: "test/guarded", data: {} } },
  };
  const failureCall = {
    event: failedEvent,
    events: [failedEvent],
    steps: {},
    version: -1,
    ctx: { run_id: "forged", attempt: 0, max_attempts: 1, disable_immediate_execution: false, use_api: false, stack: { stack: [], current: 0 } },
  };
  const post = (headers: Record<string, string>, body = JSON.stringify(failureCall)) =>
    fetch(`${serveUrl()}?fnId=test-guarded-failure&stepId=step`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });

  it("syncs and runs signed, and checks the signed answers", async () => {
    expect([...harness.engine.functions.keys()]).toEqual(expect.arrayContaining(["test-guarded", "test-guarded-failure"]));
    await harness.client.send({ name: "test/guarded", data: {} });
    const run = await harness.waitForRun({ functionId: "test-guarded" });
    expect(run.status).toBe("completed");
    expect(run.output).toBe("done");
    expect(bodyRuns).toBe(1);

    const sync = await callSdk("PUT", serveUrl(), { url: serveUrl() }, harness.signingKey, { "x-inngest-sync-kind": "in_band" });
    expect(sync.status).toBe(200);
    expect(sync.signed).toBe(true);
    // The answer's signature is over its text: another key does not verify it.
    const other = await callSdk("PUT", serveUrl(), { url: serveUrl() }, generateSigningKey(), { "x-inngest-sync-kind": "in_band" });
    expect(other.status).toBe(401);
    expect(other.signed).toBe(false);
  });

  it("refuses unsigned, forged, stale and tampered calls before any code runs", async () => {
    const text = canonicalJson(failureCall);
    const refusals = [
      await post({}),
      await post({ "x-inngest-signature": signBody(generateSigningKey(), text) }),
      await post({ "x-inngest-signature": signBody(harness.signingKey, text, Date.now() - 10 * 60_000) }),
      await post({ "x-inngest-signature": signBody(harness.signingKey, text) }, JSON.stringify({ ...failureCall, steps: { x: { data: 1 } } })),
      await fetch(serveUrl(), { method: "PUT", headers: { "content-type": "application/json", "x-inngest-sync-kind": "in_band" }, body: JSON.stringify({ url: "http://evil.example/api/inngest" }) }),
      await fetch(serveUrl()),
    ];
    for (const response of refusals) {
      expect(response.status).toBe(401);
      const body = await response.text();
      expect(body).toBe('{"message":"Unauthorized"}');
    }
    expect(failureHandlerRuns).toBe(0);

    // The same call signed with the engine's key does run (so the refusals above were the signature's doing).
    const signed = await post({ "x-inngest-signature": signBody(harness.signingKey, text) }, text);
    expect(signed.status).toBe(200);
    expect(verifySignature(harness.signingKey, await signed.text(), signed.headers.get("x-inngest-signature") ?? undefined)).toBe(true);
    expect(failureHandlerRuns).toBe(1);
  });

  it("takes events only on /e/<its key>, and never inngest/* events", async () => {
    const send = (key: string, events: unknown[]) =>
      fetch(`${harness.baseUrl}/e/${key}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(events) });
    const wrongKey = await send("NO_EVENT_KEY_SET", [failedEvent]);
    expect(wrongKey.status).toBe(401);
    const reserved = await send(localEventKey(harness.signingKey), [failedEvent]);
    expect(reserved.status).toBe(400);
    expect(await reserved.json()).toEqual({ status: 400, error: "Event names starting with inngest/ are reserved" });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(failureHandlerRuns).toBe(1);
    const accepted = await send(localEventKey(harness.signingKey), [{ name: "test/other", data: {} }]);
    expect(accepted.status).toBe(200);
    expect((await accepted.json()).status).toBe(200);
  });
});
