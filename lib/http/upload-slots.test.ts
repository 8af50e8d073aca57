import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDatabase, database } from "@/lib/db/client";
import { resetEnvForTests } from "@/lib/env";
import { closeWhenBodyUnread } from "./node-request";
import { route } from "./route";

// A multipart route on a real HTTP server, fed by raw sockets: a client that stops sending
// part-way must not keep its upload slot.

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "framewise-slots-"));
const saved = { ...process.env };
const BOUNDARY = "----framewise-slots";
let server: http.Server;
let port: number;

const upload = route({ auth: "none", input: "multipart" }, async ({ form }) => Response.json({ files: form.files.length }));

beforeAll(async () => {
  Object.assign(process.env, { DATA_DIR: dataDir, UPLOAD_IDLE_SECONDS: "0.5", MAX_CONCURRENT_UPLOADS: "1" });
  resetEnvForTests();
  // The slots live in the database: open it (PGlite's first open takes seconds) before timing anything.
  await database();
  server = http.createServer((request, response) => {
    closeWhenBodyUnread(request, response);
    const webRequest = new Request(`http://127.0.0.1${request.url}`, {
      method: request.method,
      headers: request.headers as Record<string, string>,
      body: Readable.toWeb(request) as ReadableStream<Uint8Array>,
      duplex: "half",
    } as RequestInit);
    void upload(webRequest).then(async (answer) => {
      response.writeHead(answer.status, { "Content-Type": "application/json" });
      response.end(await answer.text());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  server.close();
  await closeDatabase();
  process.env = saved;
  resetEnvForTests();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const head = (length: number) =>
  `POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=${BOUNDARY}\r\nContent-Length: ${length}\r\n\r\n`;
const partHead = `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a.mp4"\r\nContent-Type: video/mp4\r\n\r\n`;
const body = `${partHead}hello\r\n--${BOUNDARY}--\r\n`;

/** Writes `text`, then reads the answer until the server closes the connection. */
function exchange(text: string): Promise<{ answer: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1", () => socket.write(text));
    let answer = "";
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => {
      answer += chunk;
      if (answer.includes("}")) socket.end();
    });
    socket.on("close", () => resolve({ answer, ms: Date.now() - started }));
    socket.on("error", reject);
    setTimeout(() => socket.destroy(new Error(`no answer; got: ${answer}`)), 5000);
  });
}

describe("an idle upload", () => {
  it("is ended with 408 once it sends nothing for UPLOAD_IDLE_SECONDS, and its slot is free at once", async () => {
    // Promises a body and sends only its first part: the one slot of this address is taken.
    const stalled = exchange(head(body.length + 1000) + partHead + "he");
    await new Promise((resolve) => setTimeout(resolve, 150));
    const meanwhile = await exchange(head(body.length) + body);
    expect(meanwhile.answer).toMatch(/^HTTP\/1\.1 429/);

    const { answer, ms } = await stalled;
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(answer).toContain('{"detail":"Upload sent nothing for 0.5 seconds"}');
    expect(ms).toBeLessThan(2000);
    expect(fs.readdirSync(path.join(dataDir, "tmp"))).toEqual([]);

    const after = await exchange(head(body.length) + body);
    expect(after.answer).toMatch(/^HTTP\/1\.1 200/);
    expect(after.answer).toContain('{"files":1}');
  });
});
