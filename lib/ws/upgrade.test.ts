import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encode } from "next-auth/jwt";
import WebSocket from "ws";
import { updateUserByAdmin } from "@/lib/admin/users";
import { authSecret } from "@/lib/auth/secret";
import { endSessions, getSessionUser } from "@/lib/auth/users";
import { registerWithApiKey } from "@/lib/auth/register";
import { closeDatabase, db } from "@/lib/db/client";
import { resetEnvForTests } from "@/lib/env";
import { callerFor } from "@/lib/jobs/caller";
import { createJob } from "@/lib/jobs/create-job";
import { setJobQueue } from "@/lib/jobs/job-queue";
import { handleHubUpgrade } from "./upgrade";

// The hub's upgrade handler behind a real HTTP server, on the process-wide database (PGlite in
// a temporary DATA_DIR): what a socket client sees.

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "framewise-ws-"));
const saved = { ...process.env };
let server: http.Server;
let base: string;

beforeAll(async () => {
  Object.assign(process.env, { DATA_DIR: dataDir });
  resetEnvForTests();
  // Jobs are only stored here; nothing runs them.
  setJobQueue({ enqueue: async () => {}, cancel: async () => {} });
  await db();
  server = http.createServer((_request, response) => response.end());
  server.on("upgrade", (request, socket, head) => void handleHubUpgrade(request, socket, head));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await closeDatabase();
  process.env = saved;
  resetEnvForTests();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

function connect(url: string, headers: Record<string, string> = {}): Promise<{ status: number; socket?: WebSocket }> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, { headers });
    socket.once("unexpected-response", (_request, response) => resolve({ status: response.statusCode ?? 0 }));
    socket.once("message", () => resolve({ status: 101, socket }));
    socket.once("error", () => resolve({ status: -1 }));
  });
}

describe("/ws/jobs/{id}", () => {
  it("answers 404 for someone else's job exactly as for an unknown one, as the HTTP routes do", async () => {
    const owner = await registerWithApiKey(await db(), "ws-owner@example.com");
    const stranger = await registerWithApiKey(await db(), "ws-stranger@example.com");
    const job = await createJob(await db(), callerFor(owner.user), { kind: "ingest", payload: { video_name: "missing.mp4" } });
    const url = `${base}/ws/jobs/${job.id}`;

    const mine = await connect(url, { "X-API-Key": owner.apiKey });
    expect(mine.status).toBe(101);
    mine.socket?.close();
    expect((await connect(url)).status).toBe(404);
    expect((await connect(url, { "X-API-Key": stranger.apiKey })).status).toBe(404);
    expect((await connect(`${base}/ws/jobs/6f1c2b7e-8a36-4b7f-9d7e-2f4f6b1c9a10`, { "X-API-Key": stranger.apiKey })).status).toBe(404);
  });
});

async function sessionCookie(userId: string, epoch: number): Promise<string> {
  const name = "authjs.session-token";
  return `${name}=${await encode({ token: { uid: userId, epoch }, secret: authSecret(), salt: name })}`;
}

const closed = (socket: WebSocket) => new Promise<number>((resolve) => socket.once("close", (code) => resolve(code)));

describe("ending sessions", () => {
  it("sign-out ends the session at once: its sockets close and the old cookie opens nothing", async () => {
    const owner = await registerWithApiKey(await db(), "ws-signout@example.com");
    const job = await createJob(await db(), callerFor(owner.user), { kind: "ingest", payload: { video_name: "missing.mp4" } });
    const url = `${base}/ws/jobs/${job.id}`;
    const cookie = await sessionCookie(owner.user.id, 0);
    const open = await connect(url, { Cookie: cookie });
    expect(open.status).toBe(101);
    expect(await getSessionUser(await db(), owner.user.id, 0)).toMatchObject({ id: owner.user.id });

    const code = closed(open.socket!);
    await endSessions(await db(), owner.user.id);
    expect(await code).toBe(4401);
    expect(await getSessionUser(await db(), owner.user.id, 0)).toBeUndefined();
    expect((await connect(url, { Cookie: cookie })).status).toBe(404);
    const fresh = await connect(url, { Cookie: await sessionCookie(owner.user.id, 1) });
    expect(fresh.status).toBe(101);
    fresh.socket?.close();
  });

  it("disabling an account closes its open sockets", async () => {
    const admin = await registerWithApiKey(await db(), "ws-admin@example.com");
    const owner = await registerWithApiKey(await db(), "ws-disabled@example.com");
    const job = await createJob(await db(), callerFor(owner.user), { kind: "ingest", payload: { video_name: "missing.mp4" } });
    const open = await connect(`${base}/ws/jobs/${job.id}`, { "X-API-Key": owner.apiKey });
    expect(open.status).toBe(101);
    const code = closed(open.socket!);
    await updateUserByAdmin(await db(), admin.user.id, owner.user.id, { disabled: true });
    expect(await code).toBe(4401);
    // Its key opens nothing afterwards, not even as an anonymous listener on a client topic.
    expect((await connect(`${base}/ws/jobs/${job.id}`, { "X-API-Key": owner.apiKey })).status).toBe(401);
    expect((await connect(`${base}/ws/some-client`, { "X-API-Key": owner.apiKey })).status).toBe(401);
  });

  it("refuses an unknown API key instead of taking the caller as anonymous", async () => {
    expect((await connect(`${base}/ws/some-client`, { "X-API-Key": `vr_${"0".repeat(32)}` })).status).toBe(401);
    const anonymous = await connect(`${base}/ws/some-client`);
    expect(anonymous.status).toBe(101);
    anonymous.socket!.close();
  });
});
