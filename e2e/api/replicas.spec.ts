import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { expect, request as playwrightRequest, test, type APIRequestContext } from "@playwright/test";
import postgres from "postgres";
import WebSocket from "ws";
import { e2eVideoDir } from "../global-setup";

/**
 * Two web replicas (server.ts, production build) on one PostgreSQL database, made here on the
 * test server (TEST_POSTGRES_URL), sharing one DATA_DIR, with two inference workers in
 * WORKER_URLS: real processes on ports 3600-3601 (web) and 3650-3651 (workers). A job created
 * through A is heard live on B; limits reached through one replica hold on the other; a worker
 * killed mid-job leaves its chunks to the other and the job completes.
 */

const adminUrl = process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const root = path.resolve(".cache/replicas-e2e");
const dataDir = path.join(root, "data");
const webPorts = [3600, 3601];
const workerPorts = [3650, 3651];
const web = webPorts.map((port) => `http://127.0.0.1:${port}`);
const hasVtest = fs.existsSync(path.join(e2eVideoDir, "vtest.mp4"));
const longVideo = hasVtest ? "vtest.mp4" : "pattern.mp4";
const shortVideo = hasVtest ? "vtest-12s.mp4" : "pattern.mp4";

type Child = { name: string; process: ChildProcess; output: string[] };
const children: Child[] = [];
let databaseName: string;
let databaseUrl: string;
const contexts: APIRequestContext[] = [];
const adminEmail = "admin@replicas.example";

/** `node --import tsx <entry>`: one process (no tsx wrapper), so its pid is the one to kill. */
function start(name: string, entry: string[], env: Record<string, string>): Child {
  const child = spawn(process.execPath, ["--import", "tsx", ...entry], {
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const record: Child = { name, process: child, output: [] };
  child.stdout!.on("data", (chunk: Buffer) => record.output.push(String(chunk)));
  child.stderr!.on("data", (chunk: Buffer) => record.output.push(String(chunk)));
  children.push(record);
  return record;
}

async function waitForHttp(url: string, child: Child, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.process.exitCode !== null) throw new Error(`${child.name} exited:\n${child.output.join("").slice(-3000)}`);
    const ok = await fetch(url).then((response) => response.ok, () => false);
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${child.name} did not answer ${url}:\n${child.output.join("").slice(-3000)}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

const replicaEnv = (port: number) => ({
  NODE_ENV: "production",
  PORT: String(port),
  HOST: "127.0.0.1",
  DATABASE_URL: databaseUrl,
  DATA_DIR: dataDir,
  VIDEO_INPUT_DIR: e2eVideoDir,
  WORKER_URLS: workerPorts.map((workerPort) => `http://127.0.0.1:${workerPort}`).join(","),
  // Retries come quickly: a chunk whose worker died is run again within a second.
  ENGINE_BACKOFF_MS: "300",
  RATE_LIMIT_PER_HOUR: "1000",
  MAX_CONCURRENT_UPLOADS: "1",
  UNKNOWN_KEY_PER_HOUR: "4",
  REGISTER_PER_HOUR: "40",
  ADMIN_EMAIL: adminEmail,
});

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  test.setTimeout(300_000);
  fs.rmSync(root, { recursive: true, force: true });
  fs.mkdirSync(dataDir, { recursive: true });
  databaseName = `framewise_replicas_${process.pid}_${Date.now()}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${databaseName}"`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${databaseName}`;
  databaseUrl = url.toString();

  const workers = workerPorts.map((port, i) =>
    start(`worker ${i + 1}`, ["workers/inference/server.ts"], { WORKER_PORT: String(port), WORKER_CONCURRENCY: "1", DATA_DIR: dataDir, VIDEO_INPUT_DIR: e2eVideoDir }),
  );
  // A first: it migrates the database and takes the job queue; B joins it.
  const a = start("replica A", ["server.ts", "--prod"], replicaEnv(webPorts[0]));
  await waitForHttp(`${web[0]}/health`, a);
  const b = start("replica B", ["server.ts", "--prod"], replicaEnv(webPorts[1]));
  await Promise.all([waitForHttp(`${web[1]}/health`, b), ...workers.map((worker, i) => waitForHttp(`http://127.0.0.1:${workerPorts[i]}/healthz`, worker))]);
  for (const base of web) contexts.push(await playwrightRequest.newContext({ baseURL: base }));
});

test.afterAll(async () => {
  for (const context of contexts) await context.dispose();
  await Promise.all(
    children.map(async (child) => {
      if (child.process.exitCode !== null || child.process.signalCode !== null) return;
      const exited = new Promise((resolve) => child.process.once("exit", resolve));
      child.process.kill("SIGTERM");
      const timer = setTimeout(() => child.process.kill("SIGKILL"), 15_000);
      await exited;
      clearTimeout(timer);
    }),
  );
  if (databaseName) {
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`drop database if exists "${databaseName}" with (force)`);
    await admin.end();
  }
  fs.rmSync(root, { recursive: true, force: true });
});

async function registerKey(context: APIRequestContext, name: string): Promise<string> {
  const response = await context.post("/register", { data: { email: `${name}-${Date.now()}@example.com` } });
  expect(response.status(), await response.text()).toBe(200);
  return ((await response.json()) as { api_key: string }).api_key;
}

async function startAnalysis(context: APIRequestContext, key: string, videoName: string, tripId: string): Promise<string> {
  const started = await context.post("/api/jobs/start", {
    headers: { "X-API-Key": key },
    form: { tripId, videoName, options: JSON.stringify({ fps: 2, tasks: ["detect"], chunkSeconds: 3 }) },
  });
  expect(started.status(), await started.text()).toBe(200);
  return ((await started.json()) as { job_id: string }).job_id;
}

test("a job created through replica A is heard live on replica B: its progress and its completion", async () => {
  test.setTimeout(240_000);
  const replicaA = children.find((child) => child.name === "replica A")!;
  const replicaB = children.find((child) => child.name === "replica B")!;
  // A runs the queue (it started first), so every step runs on A and B only hears of them.
  expect(replicaA.output.join("")).toContain("this replica now runs the job queue");
  expect(replicaB.output.join("")).not.toContain("this replica now runs the job queue");

  const key = await registerKey(contexts[0], "replicas-live");
  const jobId = await startAnalysis(contexts[0], key, shortVideo, "REPLICAS-1");
  const messages: { type: string; job?: { status: string; processed: number; total: number } }[] = [];
  const socket = new WebSocket(`ws://127.0.0.1:${webPorts[1]}/ws/jobs/${jobId}`, { headers: { "X-API-Key": key } });
  socket.on("message", (data) => messages.push(JSON.parse(String(data))));
  try {
    await expect.poll(() => messages.some((message) => message.job?.status === "completed"), { timeout: 200_000, intervals: [500] }).toBe(true);
  } finally {
    socket.close();
  }
  expect(messages[0]).toMatchObject({ type: "connection", status: "connected", job_id: jobId });
  const progress = messages.filter((message) => message.type === "job" && message.job!.status === "in_progress" && message.job!.processed > 0);
  expect(progress.length, JSON.stringify(messages.slice(0, 5))).toBeGreaterThan(0);
  // Each update arrives once: no two identical job messages in a row.
  const jobMessages = messages.filter((message) => message.type === "job").map((message) => JSON.stringify(message));
  expect(jobMessages.filter((message, i) => message === jobMessages[i - 1])).toEqual([]);
});

test("limits are shared: a key's hourly count, unknown-key attempts and upload slots hold across replicas", async () => {
  const key = await registerKey(contexts[1], "replicas-limits");
  // A replica writes a key's count at most every 200 ms (SYNC_MS in lib/http/rate-limit.ts) and
  // counts in between on top of what it last read: calls further apart each read back the other's.
  const remaining = async (context: APIRequestContext) => {
    await new Promise((resolve) => setTimeout(resolve, 250));
    return Number((await context.get("/api/jobs/server-videos", { headers: { "X-API-Key": key } })).headers()["x-ratelimit-remaining"]);
  };
  const first = await remaining(contexts[0]);
  expect(await remaining(contexts[1])).toBe(first - 1);
  expect(await remaining(contexts[0])).toBe(first - 2);

  // Unknown keys from one address: UNKNOWN_KEY_PER_HOUR=4 over both replicas, then 429.
  const bogus = { "X-API-Key": `vr_${"0".repeat(32)}` };
  const statuses = [];
  for (let i = 0; i < 5; i++) statuses.push((await contexts[i % 2].get("/api/jobs/server-videos", { headers: bogus })).status());
  expect(statuses).toEqual([401, 401, 401, 401, 429]);

  // An upload held open on A takes this address's one slot (MAX_CONCURRENT_UPLOADS=1): B refuses the next.
  const boundary = "----framewise-replicas";
  const partHead = `--${boundary}\r\nContent-Disposition: form-data; name="cvvrFile"; filename="a.mp4"\r\nContent-Type: video/mp4\r\n\r\n`;
  const stalled = net.connect(webPorts[0], "127.0.0.1", () =>
    stalled.write(`POST /api/jobs HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: 100000\r\n\r\n${partHead}partial`),
  );
  stalled.on("error", () => undefined);
  const uploadOnB = () =>
    contexts[1].post("/api/jobs", { multipart: { tripId: "REPLICAS-UP", cvvrFile: { name: "tiny.mp4", mimeType: "video/mp4", buffer: fs.readFileSync(path.join(e2eVideoDir, "pattern.mp4")) } } });
  const database = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    // A holds the slot (its row is in the shared database) before B is asked.
    await expect.poll(async () => (await database`select subject from upload_slots`).map((row) => row.subject), { timeout: 10_000, intervals: [100] }).toEqual(["ip:127.0.0.1"]);
    const refused = await uploadOnB();
    expect(refused.status()).toBe(429);
    expect(await refused.json()).toEqual({ detail: "Too many concurrent uploads (limit 1)" });
  } finally {
    await database.end();
    stalled.destroy();
  }
  // A frees the slot when its upload ends: B takes the next one.
  await expect.poll(async () => (await uploadOnB()).status(), { timeout: 10_000, intervals: [300] }).toBe(200);
});

/** utime + stime of a process, in clock ticks (/proc/<pid>/stat fields 14 and 15). */
function cpuTicks(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return Number(fields[11]) + Number(fields[12]);
}

test("a worker killed mid-job: its chunks run on the other worker and the job completes", async ({ page }) => {
  test.setTimeout(300_000);
  const key = await registerKey(contexts[1], "replicas-workers");
  const jobId = await startAnalysis(contexts[1], key, longVideo, "REPLICAS-2");
  const progress = async () => (await (await contexts[1].get(`/api/jobs/${jobId}/progress`, { headers: { "X-API-Key": key } })).json()) as { processed: number; total: number; done: boolean; error: string | null };
  await expect.poll(async () => (await progress()).processed, { timeout: 120_000, intervals: [300] }).toBeGreaterThan(0);

  // The worker busy with a chunk right now: the one that used more CPU over the last second.
  const workers = children.filter((child) => child.name.startsWith("worker"));
  const before = workers.map((worker) => cpuTicks(worker.process.pid!));
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const used = workers.map((worker, i) => cpuTicks(worker.process.pid!) - before[i]);
  const victim = workers[used[0] >= used[1] ? 0 : 1];
  const atKill = await progress();
  expect(atKill.done, "the job ended before a worker could be killed").toBe(false);
  victim.process.kill("SIGKILL");

  await expect.poll(async () => (await progress()).done, { timeout: 240_000, intervals: [1000] }).toBe(true);
  const last = await progress();
  expect(last.error).toBeNull();
  expect(last.processed).toBe(last.total);
  expect(last.processed).toBeGreaterThan(atKill.processed);

  // Replica A ran the chunks (it runs the queue): its diagnostics, for an admin, show the killed
  // worker down with the error its chunk met, and the other up.
  await page.goto(`${web[0]}/sign-up`);
  await page.getByLabel("Email").fill(adminEmail);
  await page.getByLabel("Password").fill("a long enough password");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByTestId("signed-in-as")).toHaveText(adminEmail);
  const diagnostics = (await (await page.request.get(`${web[0]}/health/diagnostics`)).json()) as { workers: { workers: { url: string; state: string; last_error: string | null; in_flight: number }[] } };
  const victimUrl = `http://127.0.0.1:${workerPorts[workers.indexOf(victim)]}`;
  const reported = diagnostics.workers.workers;
  expect(reported.find((worker) => worker.url === victimUrl)).toMatchObject({ state: "down", in_flight: 0 });
  expect(reported.find((worker) => worker.url === victimUrl)!.last_error).toMatch(/^Worker (stream broke off|unreachable|closed the stream)/);
  expect(reported.find((worker) => worker.url !== victimUrl)).toMatchObject({ state: "up", last_error: null, in_flight: 0 });

  // The session made on A is good on B (one secret in the shared DATA_DIR): B shows an admin's details too.
  const onB = (await (await page.request.get(`${web[1]}/health/diagnostics`)).json()) as { workers: { workers?: unknown[] }; orchestration: { runs_queue?: boolean } };
  expect(onB.workers.workers).toHaveLength(2);
  expect(onB.orchestration.runs_queue).toBe(false);
});
