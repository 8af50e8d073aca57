import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { e2eVideoDir } from "../global-setup";

/**
 * Holes a hostile caller used against a fresh server on its defaults (issue 10, items 7, 8
 * and 13): forged calls into the Inngest endpoint and the engine's event API, /register
 * making admins and taking unlimited calls, media answers without their length.
 */

const patternPath = path.join(e2eVideoDir, "pattern.mp4");
const stamp = Date.now();

async function uploadPattern(request: APIRequestContext, apiKey?: string): Promise<string> {
  const response = await request.post("/api/jobs", {
    headers: apiKey ? { "X-API-Key": apiKey } : {},
    multipart: { tripId: "SEC-1", cvvrFile: { name: "pattern.mp4", mimeType: "video/mp4", buffer: fs.readFileSync(patternPath) } },
  });
  expect(response.status(), await response.text()).toBe(200);
  return (await response.json()).job_id as string;
}

async function register(request: APIRequestContext, email: string): Promise<string> {
  const response = await request.post("/register", { data: { email } });
  expect(response.status(), await response.text()).toBe(200);
  return (await response.json()).api_key as string;
}

/** A POST from another loopback address (the server sees 127.0.0.2), with any headers. */
function postFrom(localAddress: string, url: string, body: unknown, headers: Record<string, string> = {}) {
  const target = new URL(url);
  const payload = JSON.stringify(body);
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const request = http.request(
      target,
      { method: "POST", localAddress, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(payload), ...headers } },
      (response) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk) => (text += chunk));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text }));
      },
    );
    request.on("error", reject);
    request.end(payload);
  });
}

function expectNoInternals(text: string) {
  expect(text).not.toMatch(/stack|\n\s+at |node_modules|\/work\//);
}

test("unsigned or forged calls to /api/inngest and the event API are refused and run nothing", async ({ request }) => {
  const jobId = await uploadPattern(request);
  const marker = `forged-${stamp}`;
  const failed = {
    name: "inngest/function.failed",
    data: {
      function_id: "framewise-export",
      run_id: "forged",
      error: { name: "Error", message: marker },
      event: { name: "job/export.requested", data: { jobId } },
    },
  };
  const call = {
    event: failed,
    events: [failed],
    steps: {},
    version: -1,
    ctx: { run_id: "forged", attempt: 0, max_attempts: 1, disable_immediate_execution: false, use_api: false, stack: { stack: [], current: 0 } },
  };
  const forgedSignature = `t=${Math.round(Date.now() / 1000)}&s=${"0".repeat(64)}`;
  for (const headers of [{}, { "X-Inngest-Signature": forgedSignature }] as Record<string, string>[]) {
    const response = await request.post("/api/inngest?fnId=framewise-export-failure&stepId=step", { data: call, headers });
    expect(response.status()).toBe(401);
    expect(response.headers()["content-type"]).toContain("application/json");
    expectNoInternals(await response.text());
  }
  const malformed = await request.post("/api/inngest?fnId=framewise-export-failure&stepId=step", {
    data: Buffer.from("{not json"),
    headers: { "content-type": "application/json" },
  });
  expect([400, 401]).toContain(malformed.status());
  expectNoInternals(await malformed.text());
  const sync = await request.put("/api/inngest", { data: { url: "http://evil.example/api/inngest" }, headers: { "x-inngest-sync-kind": "in_band" } });
  expect(sync.status()).toBe(401);
  expectNoInternals(await sync.text());

  // The event API wants the engine's key, and never takes the engine's own events.
  const event = await request.post("/e/NO_EVENT_KEY_SET", { data: [failed] });
  expect(event.status()).toBe(401);
  expectNoInternals(await event.text());

  // Nothing reached the job: no failure handler wrote its log line or marked it failed.
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const summary = await request.get(`/api/jobs/${jobId}`);
  expect(summary.status()).toBe(200);
  const text = await summary.text();
  expect(text).not.toContain(marker);
});

test("POST /register never makes its first caller an admin", async ({ request }) => {
  const first = await register(request, `first-caller-${stamp}@example.com`);
  const other = await register(request, `other-caller-${stamp}@example.com`);
  const othersJob = await uploadPattern(request, other);
  expect((await request.get(`/api/jobs/${othersJob}`, { headers: { "X-API-Key": other } })).status()).toBe(200);
  // An admin would see every job; a registered caller sees only its own.
  const peek = await request.get(`/api/jobs/${othersJob}`, { headers: { "X-API-Key": first } });
  expect(peek.status()).toBe(404);
});

test("POST /register is limited per client address, whatever headers the client sends", async ({ baseURL, request }) => {
  const url = `${baseURL}/register`;
  const opening = await postFrom("127.0.0.2", url, { email: `limited-0-${stamp}@example.com` });
  expect(opening.status, opening.body).toBe(200);
  const limit = Number(opening.headers["x-ratelimit-limit"]);
  expect(limit).toBeGreaterThan(0);
  let remaining = Number(opening.headers["x-ratelimit-remaining"]);
  expect(remaining).toBe(limit - 1);
  // Claiming other addresses changes nothing: the server reads the socket.
  let refused: Awaited<ReturnType<typeof postFrom>> | undefined;
  for (let n = 1; n <= limit && !refused; n++) {
    const answer = await postFrom("127.0.0.2", url, { email: `limited-${n}-${stamp}@example.com` }, {
      "x-framewise-client-address": `198.51.100.${n}`,
      "x-forwarded-for": `203.0.113.${n}`,
    });
    if (answer.status === 429) refused = answer;
    else {
      expect(answer.status, answer.body).toBe(200);
      expect(Number(answer.headers["x-ratelimit-remaining"])).toBe(--remaining);
    }
  }
  expect(refused, `no 429 after ${limit + 1} registrations`).toBeDefined();
  expect(remaining).toBe(0);
  expect(JSON.parse(refused!.body)).toEqual({ detail: "Too many registrations from this address; try again later" });
  expect(Number(refused!.headers["retry-after"])).toBeGreaterThan(0);

  // Another address (this test's usual one) still registers.
  const elsewhere = await request.post("/register", { data: { email: `elsewhere-${stamp}@example.com` } });
  expect(elsewhere.status()).toBe(200);
});

test("a full GET of a job's media carries Content-Length equal to the file size", async ({ request }) => {
  const jobId = await uploadPattern(request);
  const size = fs.statSync(patternPath).size;
  const full = await request.get(`/api/jobs/${jobId}/source`);
  expect(full.status()).toBe(200);
  expect(full.headers()["content-length"]).toBe(String(size));
  expect(full.headers()["x-framewise-body-length"]).toBeUndefined();
  expect((await full.body()).length).toBe(size);
  const head = await request.head(`/api/jobs/${jobId}/source`);
  expect(head.status()).toBe(200);
  expect(head.headers()["content-length"]).toBe(String(size));
  const partial = await request.get(`/api/jobs/${jobId}/source`, { headers: { Range: "bytes=0-99" } });
  expect(partial.status()).toBe(206);
  expect(partial.headers()["content-length"]).toBe("100");
});
