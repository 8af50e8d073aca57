import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { expect, test, type APIRequestContext, type BrowserContext } from "@playwright/test";
import WebSocket from "ws";
import { allowedOrigin, e2eAdminEmail, e2eDataDir } from "../../playwright.config";
import { e2eVideoDir } from "../global-setup";
import { signUp } from "../ui/helpers";
import { registerKey } from "./keys";

/**
 * The access holes of issue 10 (items 4, 5, 6, 10, 11), one test each, as a hostile client
 * sees the server: nobody names a host file, one visibility rule for jobs, videos and sockets,
 * nothing internal in answers, malformed names are the caller's 4xx.
 */

const hostPaths = [path.resolve(e2eDataDir), e2eVideoDir, process.cwd()];
const absolutePath = /(^|[\s"'(=])\/(?:etc|home|root|tmp|var|work|srv|usr|mnt|opt|data)\b/;

let admin: BrowserContext;
let adminCookie: string;

test.beforeAll(async ({ browser }, testInfo) => {
  // ADMIN_EMAIL (playwright.config.ts) makes this browser sign-up the admin, whatever ran first.
  admin = await browser.newContext({ baseURL: testInfo.project.use.baseURL });
  const page = await admin.newPage();
  await signUp(page, e2eAdminEmail, "an admin password");
  adminCookie = (await admin.cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
});

test.afterAll(async () => {
  await admin?.close();
});


async function editorJob(request: APIRequestContext, id: string, key?: string) {
  const response = await request.get(`/jobs/${id}`, { headers: key ? { "X-API-Key": key } : {} });
  expect(response.status()).toBe(200);
  return response.json();
}

async function finished(request: APIRequestContext, id: string, key?: string) {
  let job: { status: string; completed_at: string | null; error_message: string | null } & Record<string, unknown> = await editorJob(request, id, key);
  await expect
    .poll(async () => (job = await editorJob(request, id, key)).completed_at, { timeout: 60_000, intervals: [100, 250, 500] })
    .not.toBeNull();
  return job;
}

function expectNothingInternal(text: string) {
  for (const root of hostPaths) expect(text).not.toContain(root);
  expect(text).not.toMatch(absolutePath);
  expect(text).not.toMatch(/\n\s+at\s|Failed query|select .* from /i);
}

/** GET with the path sent byte for byte (no URL normalisation), like `curl --path-as-is`. */
function rawGet(baseURL: string, rawPath: string): Promise<{ status: number; type: string; body: string }> {
  const { hostname, port } = new URL(baseURL);
  return new Promise((resolve, reject) => {
    const request = http.request({ hostname, port, path: rawPath, method: "GET" }, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (body += chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, type: String(response.headers["content-type"]), body }));
    });
    request.on("error", reject);
    request.end();
  });
}

type Socket = { status: number; messages: { type: string; job?: { id: string }; jobId?: string }[]; close: () => void };

/** Opens a socket and collects what it is sent; status 101 when it opened, else the refusal's. */
function listen(url: string, options: WebSocket.ClientOptions = {}): Promise<Socket> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, options);
    const messages: Socket["messages"] = [];
    const close = () => socket.close();
    socket.on("message", (data) => messages.push(JSON.parse(String(data))));
    socket.once("unexpected-response", (_request, response) => resolve({ status: response.statusCode ?? 0, messages, close }));
    socket.once("open", () => resolve({ status: 101, messages, close }));
    socket.once("error", () => resolve({ status: -1, messages, close }));
  });
}

const aboutJob = (jobId: string) => (message: Socket["messages"][number]) => message.job?.id === jobId || message.jobId === jobId;

test("an anonymous analyze job naming a host file is refused, and nothing is served for it", async ({ request }) => {
  const response = await request.post("/jobs/?job_type=analyze", { data: { path: "/etc/hostname", videoId: "00000000-0000-4000-8000-000000000000", duration: 1, filename: "x.mp4" } });
  const body = await response.json();
  expect(response.status(), JSON.stringify(body)).toBe(400);
  expect(body).toEqual({ detail: expect.stringMatching(/^Query parameter 'job_type': /) });
  expect(body.id).toBeUndefined();
});

test("`path` is refused on every editor job kind, even beside a valid source", async ({ request }) => {
  for (const kind of ["ingest", "transcribe", "generate_clip", "render", "export"]) {
    for (const data of [{ path: "/etc/hostname" }, { path: path.join(e2eVideoDir, "pattern.mp4"), video_name: "pattern.mp4" }]) {
      const response = await request.post(`/jobs/?job_type=${kind}`, { data });
      expect(response.status(), kind).toBe(400);
      expect(await response.json()).toEqual({ detail: expect.stringMatching(/^Request body 'path': naming a file on the server is not allowed/) });
    }
  }
  const noSource = await request.post("/jobs/?job_type=ingest", { data: { project_id: "proj_123" } });
  expect(noSource.status()).toBe(400);
  expect(await noSource.json()).toEqual({ detail: "Request body 'source_asset_id': give source_asset_id or video_name" });
  const escape = await request.post("/jobs/?job_type=ingest", { data: { video_name: "../../../etc/hostname" } });
  // Accepted as a name, then refused by the resolver: it never leaves VIDEO_INPUT_DIR.
  expect(escape.status()).toBe(202);
  const failed = await finished(request, (await escape.json()).id);
  expect(failed).toMatchObject({ status: "failed", error_message: "Invalid video selection" });
});

test("key A can neither ingest key B's video by its id nor read B's jobs", async ({ request }) => {
  const keyA = await registerKey(request, "holder-a");
  const keyB = await registerKey(request, "holder-b");
  const started = await request.post("/api/jobs/start", { headers: { "X-API-Key": keyB }, form: { tripId: "SEC-B", videoName: "pattern.mp4", options: JSON.stringify({ fps: 1 }) } });
  expect(started.status()).toBe(200);
  const { job_id: analysisId } = await started.json();
  const videos = await (await request.get("/videos", { headers: { "X-API-Key": keyB } })).json();
  const videoId: string = videos.videos[0].id;
  expect(videoId).toMatch(/^[0-9a-f-]{36}$/);

  for (const headers of [{ "X-API-Key": keyA }, {}] as Record<string, string>[]) {
    const stolen = await request.post("/jobs/?job_type=ingest", { headers, data: { source_asset_id: videoId } });
    expect(stolen.status()).toBe(404);
    expect(await stolen.json()).toEqual({ detail: `Source asset ${videoId} not found` });
    for (const url of [`/api/jobs/${analysisId}`, `/api/jobs/${analysisId}/source`, `/api/jobs/${analysisId}/results`]) {
      expect((await request.get(url, { headers })).status(), url).toBe(404);
    }
    expect((await request.get(`/jobs/${analysisId}`, { headers })).status()).toBe(404);
  }

  // B may, and B's ingest is B's alone.
  const own = await request.post("/jobs/?job_type=ingest", { headers: { "X-API-Key": keyB }, data: { source_asset_id: videoId } });
  expect(own.status()).toBe(202);
  const ownId: string = (await own.json()).id;
  const done = await finished(request, ownId, keyB);
  expect(done.status).toBe("completed");
  expect((done.result_payload as { media: unknown }).media).toMatchObject({ name: "pattern.mp4", source_asset_id: videoId });
  expect((await request.get(`/jobs/${ownId}`, { headers: { "X-API-Key": keyA } })).status()).toBe(404);
  expect((await admin.request.get(`/jobs/${ownId}`)).status()).toBe(200);
});

test("on /ws/{client_id}, an owned job's messages reach its owner and admins, not a guesser", async ({ request, baseURL }) => {
  const keyB = await registerKey(request, "socket-b");
  const clientId = `guess-${Date.now()}`;
  const url = `${baseURL!.replace("http", "ws")}/ws/${clientId}`;
  const guesser = await listen(url);
  const strangerKey = await registerKey(request, "socket-stranger");
  const stranger = await listen(url, { headers: { "X-API-Key": strangerKey } });
  const owner = await listen(url, { headers: { Authorization: `Bearer ${keyB}` } });
  const adminSocket = await listen(url, { headers: { Cookie: adminCookie } });
  for (const socket of [guesser, stranger, owner, adminSocket]) expect(socket.status).toBe(101);

  const started = await request.post("/api/jobs/start", { headers: { "X-API-Key": keyB }, form: { tripId: "SEC-WS", videoName: "pattern.mp4", client_id: clientId, options: JSON.stringify({ fps: 1 }) } });
  expect(started.status()).toBe(200);
  const { job_id: jobId } = await started.json();
  await expect.poll(() => owner.messages.filter(aboutJob(jobId)).length, { timeout: 60_000 }).toBeGreaterThan(2);
  await expect.poll(() => adminSocket.messages.filter(aboutJob(jobId)).length).toBeGreaterThan(2);
  await new Promise((resolve) => setTimeout(resolve, 500));
  for (const socket of [guesser, stranger]) {
    expect(socket.messages).toEqual([{ type: "connection", status: "connected", client_id: clientId }]);
  }

  // An anonymous job's messages still reach everyone on its client id (contract 003).
  const anonymous = await request.post("/api/jobs/start", { form: { tripId: "SEC-WS-ANON", videoName: "pattern.mp4", client_id: clientId, options: JSON.stringify({ fps: 1 }) } });
  const { job_id: anonymousId } = await anonymous.json();
  await expect.poll(() => guesser.messages.filter(aboutJob(anonymousId)).length, { timeout: 60_000 }).toBeGreaterThan(0);
  for (const socket of [guesser, stranger, owner, adminSocket]) socket.close();
});

test("an upgrade from a foreign Origin is refused; listed and same origins are not", async ({ baseURL }) => {
  const url = `${baseURL!.replace("http", "ws")}/ws/origin-check`;
  expect((await listen(url, { origin: "http://evil.example" })).status).toBe(403);
  expect((await listen(`${baseURL!.replace("http", "ws")}/ws/jobs/00000000-0000-4000-8000-000000000000`, { origin: "http://evil.example" })).status).toBe(403);
  for (const origin of [allowedOrigin, new URL(baseURL!).origin]) {
    const socket = await listen(url, { origin });
    expect(socket.status, origin).toBe(101);
    socket.close();
  }
});

test("job results and failures name no host path, stack or SQL", async ({ request }) => {
  const ingest = await request.post("/jobs/?job_type=ingest", { data: { video_name: "pattern.mp4" } });
  expect(ingest.status()).toBe(202);
  const done = await finished(request, (await ingest.json()).id);
  expect(done.status).toBe("completed");
  expect((done.result_payload as { media: unknown }).media).toMatchObject({ name: "pattern.mp4", video: { width: 640, height: 360 } });
  expectNothingInternal(JSON.stringify(done));

  const render = await request.post("/jobs/?job_type=render", { data: { video_name: "pattern.mp4", height: 144 } });
  const rendered = await finished(request, (await render.json()).id);
  expect(rendered.status).toBe("completed");
  expect((rendered.result_payload as { files: { video: string } }).files.video).toBe(`${test.info().project.use.baseURL}/jobs/${rendered.id}/files/render.mp4`);

  // A damaged file in VIDEO_INPUT_DIR: ffmpeg's complaint names it by its host path.
  const broken = `broken-${Date.now()}.mp4`;
  const whole = fs.readFileSync(path.join(e2eVideoDir, "pattern.mp4"));
  fs.writeFileSync(path.join(e2eVideoDir, broken), whole.subarray(0, Math.floor(whole.length / 3)));
  try {
    for (const kind of ["ingest", "render"]) {
      const response = await request.post(`/jobs/?job_type=${kind}`, { data: { video_name: broken } });
      expect(response.status()).toBe(202);
      const failed = await finished(request, (await response.json()).id);
      expect(failed.status, kind).toBe("failed");
      expect(failed.error_message, kind).toBeTruthy();
      expectNothingInternal(JSON.stringify(failed));
    }
  } finally {
    fs.rmSync(path.join(e2eVideoDir, broken), { force: true });
  }

  // An upload refused by validation says why without naming where it was kept.
  const upload = await request.post("/api/jobs", {
    multipart: { tripId: "SEC-UP", cvvrFile: { name: "clip.mp4", mimeType: "video/mp4", buffer: whole.subarray(0, 4096) } },
  });
  expect(upload.status()).toBe(400);
  const refusal = await upload.text();
  expectNothingInternal(refusal);
  expect(JSON.parse(refusal)).toEqual({ detail: expect.any(String) });
});

test("/health/diagnostics shows anonymous callers and users the states, admins the details", async ({ request }) => {
  const anonymous = await (await request.get("/health/diagnostics")).json();
  expect(anonymous).toMatchObject({ status: expect.stringMatching(/^(ok|degraded)$/), database: { status: "ok" }, orchestration: { status: "ok" }, workers: { status: expect.any(String) } });
  // contracts/editor-jobs.md's queue object: its connection state, not the engine's load.
  expect(anonymous.queue).toEqual({ connected: true, broker_url: "local-engine" });
  for (const [name, part] of Object.entries(anonymous)) {
    if (typeof part === "object" && name !== "queue") expect(part, name).toEqual({ status: expect.stringMatching(/^(ok|degraded)$/) });
  }
  expect(JSON.stringify(anonymous)).not.toMatch(/https?:\/\/|127\.0\.0\.1|pglite/);

  const key = await registerKey(request, "diag-user");
  const user = await (await request.get("/health/diagnostics", { headers: { "X-API-Key": key } })).json();
  expect(user.workers).toEqual({ status: expect.any(String) });

  const full = await (await admin.request.get("/health/diagnostics")).json();
  expect(full.database).toMatchObject({ status: "ok", connected: true, driver: "pglite" });
  expect(full.orchestration).toMatchObject({ status: "ok", mode: "local", accepting: true });
  expect(full.queue).toEqual({ connected: true, broker_url: "local-engine", engine: "local", queued_jobs: expect.any(Number), running_jobs: expect.any(Number) });
  expect(full.workers.workers[0].url).toMatch(/^http:\/\//);
});

test("a 10 000-character videoName is a 400, not a 500", async ({ request }) => {
  for (const videoName of ["x".repeat(10_000), `${"y".repeat(300)}.mp4`]) {
    const response = await request.post("/api/jobs/start", { form: { tripId: "SEC-LONG", videoName } });
    expect(response.status()).toBe(400);
    expect(await response.json()).toEqual({ detail: "Invalid video selection" });
  }
  const editor = await request.post("/jobs/?job_type=ingest", { data: { video_name: "x".repeat(10_000) } });
  expect(editor.status()).toBe(400);
  expect(await editor.json()).toEqual({ detail: "Request body 'video_name': must be at most 255 bytes" });
});

test("overlong UTF-8 escapes (..%c0%af..) in media and source paths are a 4xx in {detail}", async ({ request, baseURL }) => {
  const started = await request.post("/api/jobs/start", { form: { tripId: "SEC-ESC", videoName: "pattern.mp4", options: JSON.stringify({ fps: 1 }) } });
  const { job_id: jobId } = await started.json();
  const evil = "..%c0%af..%c0%afetc%c0%afpasswd";
  for (const rawPath of [`/api/jobs/${jobId}/media/${evil}`, `/api/jobs/${jobId}/media/snapshots/${evil}`, `/api/jobs/${evil}/source`, `/api/jobs/${jobId}/source/${evil}`]) {
    const response = await rawGet(baseURL!, rawPath);
    expect([400, 404], `${rawPath}: ${response.status} ${response.body.slice(0, 80)}`).toContain(response.status);
    expect(response.type, rawPath).toContain("application/json");
    expect(JSON.parse(response.body), rawPath).toEqual({ detail: expect.any(String) });
    expect(response.body).not.toContain("root:");
  }
});
