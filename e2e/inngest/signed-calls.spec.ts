import { expect, test } from "@playwright/test";
import { canonicalJson, signBody } from "../../inngest/engine/signing";
import { inngestSigningKey } from "../../playwright.inngest.config";

/**
 * The app in Inngest mode (playwright.inngest.config.ts) answers only the Inngest server:
 * /api/inngest runs a step or syncs only for a request signed with INNGEST_SIGNING_KEY. A forged
 * call would otherwise run a job's steps on an attacker's event, and an unsigned sync would
 * register the URL it arrived on (its Host header) as where the server sends its signed calls.
 */

/** An invocation as the server sends it: the ingest function, from the top, for a made-up job. */
const invocation = {
  event: { name: "job/ingest.requested", data: { jobId: "00000000-0000-4000-8000-000000000000", priority: 0 }, id: "forged", ts: Date.now() },
  events: [{ name: "job/ingest.requested", data: { jobId: "00000000-0000-4000-8000-000000000000", priority: 0 }, id: "forged", ts: Date.now() }],
  steps: {},
  version: 2,
  ctx: { run_id: "01FORGED", attempt: 0, max_attempts: 3, disable_immediate_execution: false, use_api: false, stack: { stack: [], current: 0 } },
};
const invokeUrl = "/api/inngest?fnId=framewise-ingest&stepId=step";

test("a step call without a signature, or signed with another key, is refused before any function runs", async ({ request }) => {
  const body = canonicalJson(invocation);
  const unsigned = await request.post(invokeUrl, { data: body, headers: { "content-type": "application/json" } });
  expect(unsigned.status()).toBe(401);
  const otherKey = await request.post(invokeUrl, {
    data: body,
    headers: { "content-type": "application/json", "x-inngest-signature": signBody("ab".repeat(32), body) },
  });
  expect(otherKey.status()).toBe(401);
  // The right key over another body (a replayed signature on a changed event) is refused too.
  const tampered = await request.post(invokeUrl, {
    data: canonicalJson({ ...invocation, steps: { x: { data: 1 } } }),
    headers: { "content-type": "application/json", "x-inngest-signature": signBody(inngestSigningKey, body) },
  });
  expect(tampered.status()).toBe(401);
});

test("a sync (PUT) needs the signature too; the signed one re-registers the app with the server", async ({ request }) => {
  const unsigned = await request.put("/api/inngest", { headers: { host: "attacker.example" } });
  expect(unsigned.status()).toBe(401);
  const body = canonicalJson({});
  const wrong = await request.put("/api/inngest", { data: body, headers: { "content-type": "application/json", "x-inngest-signature": signBody("cd".repeat(32), body) } });
  expect(wrong.status()).toBe(401);
  const signed = await request.put("/api/inngest", { data: body, headers: { "content-type": "application/json", "x-inngest-signature": signBody(inngestSigningKey, body) } });
  expect(signed.status(), await signed.text()).toBe(200);
});
