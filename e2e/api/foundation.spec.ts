import { expect, test } from "@playwright/test";
import WebSocket from "ws";
import { allowedOrigin } from "../../playwright.config";

// The foundation's HTTP surface, over real HTTP against the production build.

test("health answers in both contract shapes, under every prefix", async ({ request }) => {
  for (const path of ["/health", "/health/", "/cabin/health", "/editor/health/"]) {
    const response = await request.get(path);
    expect(response.status(), path).toBe(200);
    expect(await response.json()).toMatchObject({ status: "ok", app: "Framewise", environment: "production" });
  }
  const reframer = await (await request.get("/reframer/health")).json();
  expect(["healthy", "degraded", "unhealthy"]).toContain(reframer.status);
  expect(reframer.database).toBe("connected");
  expect(Array.isArray(reframer.models)).toBe(true);
  expect(reframer.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
  const diagnostics = await (await request.get("/health/diagnostics")).json();
  // States only for anonymous callers; the driver and the rest are for admins (security-access.spec.ts).
  expect(diagnostics.database).toEqual({ status: "ok" });
});

test("POST /register gives a key once and refuses bad and duplicate emails", async ({ request }) => {
  const email = `reg-${Date.now()}@example.com`;
  const created = await request.post("/register", { data: { email } });
  expect(created.status()).toBe(200);
  const body = await created.json();
  expect(body).toMatchObject({ status: "success", email });
  expect(body.user_id).toMatch(/^[0-9a-f-]{36}$/);
  expect(body.api_key).toMatch(/^vr_[0-9a-f]{32}$/);

  const duplicate = await request.post("/reframer/register", { data: { email: email.toUpperCase() } });
  expect(duplicate.status()).toBe(400);
  expect(await duplicate.json()).toEqual({ detail: "Email already registered" });

  const invalid = await request.post("/register", { data: { email: "user-at-example.com" } });
  expect(invalid.status()).toBe(400);
  expect(await invalid.json()).toEqual({ detail: "Invalid email format" });

  const videos = await request.get("/videos", { headers: { "X-API-Key": body.api_key } });
  expect(videos.status()).toBe(200);
  expect(await videos.json()).toEqual({ total: 0, videos: [] });
  expect(videos.headers()["x-ratelimit-limit"]).toBe("100");
  expect(Number(videos.headers()["x-ratelimit-remaining"])).toBe(99);

  const missing = await request.get("/videos");
  expect(missing.status()).toBe(401);
  expect(await missing.json()).toEqual({ detail: "Missing API key" });
  const wrong = await request.get("/videos", { headers: { Authorization: `Bearer vr_${"a".repeat(32)}` } });
  expect(wrong.status()).toBe(401);
  expect(await wrong.json()).toEqual({ detail: "Invalid API key" });
});

test("CORS answers a preflight with the configured origin only", async ({ request }) => {
  const preflight = await request.fetch("/api/jobs", {
    method: "OPTIONS",
    headers: { Origin: allowedOrigin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "range" },
  });
  expect(preflight.status()).toBe(204);
  expect(preflight.headers()["access-control-allow-origin"]).toBe(allowedOrigin);
  expect(preflight.headers()["access-control-allow-headers"]).toContain("range");
  expect(preflight.headers()["access-control-expose-headers"]).toContain("Content-Range");

  const stranger = await request.fetch("/health", { headers: { Origin: "http://stranger.example" } });
  expect(stranger.headers()["access-control-allow-origin"]).toBeUndefined();
  const friend = await request.fetch("/health", { headers: { Origin: allowedOrigin } });
  expect(friend.headers()["access-control-allow-origin"]).toBe(allowedOrigin);
});

test("errors keep the {detail} shape: bad JSON, wrong types, bad parameters", async ({ request }) => {
  const badJson = await request.post("/register", { data: Buffer.from("{not json"), headers: { "content-type": "application/json" } });
  expect(badJson.status()).toBe(400);
  expect(await badJson.json()).toEqual({ detail: "Request body is not valid JSON" });
  const notAnObject = await request.post("/register", { data: Buffer.from('"text"'), headers: { "content-type": "application/json" } });
  expect(notAnObject.status()).toBe(400);
  expect((await notAnObject.json()).detail).toMatch(/^Request body: .*expected object/);
  const badQuery = await request.get("/videos?limit=500", { headers: { "X-API-Key": (await (await request.post("/register", { data: { email: `q-${Date.now()}@example.com` } })).json()).api_key } });
  expect(badQuery.status()).toBe(400);
  expect((await badQuery.json()).detail).toMatch(/^Query parameter 'limit': /);
});

test("the WebSocket hub accepts client and job paths and refuses unknown jobs", async ({ baseURL }) => {
  const wsBase = baseURL!.replace("http", "ws");
  const hello = await new Promise<unknown>((resolve, reject) => {
    const socket = new WebSocket(`${wsBase}/ws/client-123`);
    socket.once("message", (data) => {
      resolve(JSON.parse(String(data)));
      socket.close();
    });
    socket.once("error", reject);
  });
  expect(hello).toEqual({ type: "connection", status: "connected", client_id: "client-123" });

  const refusal = await new Promise<number>((resolve) => {
    const socket = new WebSocket(`${wsBase}/ws/jobs/00000000-0000-4000-8000-000000000000`);
    socket.once("unexpected-response", (_request, response) => resolve(response.statusCode ?? 0));
    socket.once("open", () => resolve(101));
  });
  expect(refusal).toBe(404);
});
