import http from "node:http";
import type { AddressInfo } from "node:net";
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { resetEnvForTests } from "@/lib/env";
import { closeWhenBodyUnread, methodNotAllowedAsJson, refuseForbiddenMethod, refuseOversizedBody } from "./node-request";

// The node-level steps server.ts runs before Next, on a real server: "next" stands for Next.

afterEach(() => {
  delete process.env.MAX_UPLOAD_MB;
  resetEnvForTests();
});

async function withServer(next: (request: http.IncomingMessage, response: http.ServerResponse) => void, use: (port: number) => Promise<void>) {
  const server = http.createServer((request, response) => {
    if (refuseOversizedBody(request, response)) return;
    if (refuseForbiddenMethod(request, response)) return;
    closeWhenBodyUnread(request, response);
    methodNotAllowedAsJson(response);
    next(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    await use((server.address() as AddressInfo).port);
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

/** Sends raw request head bytes and reads until the server closes the connection. */
function raw(port: number, head: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1", () => socket.write(head));
    let text = "";
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => (text += chunk));
    socket.on("close", () => resolve(text));
    socket.on("error", reject);
    setTimeout(() => {
      socket.destroy();
      reject(new Error(`connection left open; got: ${text}`));
    }, 5000);
  });
}

describe("refuseOversizedBody", () => {
  it("answers 413 on a Content-Length over the upload limit, with no body sent, and closes", async () => {
    process.env.MAX_UPLOAD_MB = "2";
    resetEnvForTests();
    let reached = false;
    await withServer(
      (_request, response) => {
        reached = true;
        response.end("next");
      },
      async (port) => {
        const answer = await raw(port, `POST /api/jobs HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: ${4 * 1024 * 1024}\r\n\r\n`);
        expect(answer).toMatch(/^HTTP\/1\.1 413 /);
        expect(answer.toLowerCase()).toContain("connection: close");
        expect(answer).toContain('{"detail":"File size exceeds 2MB limit"}');
        // Just under the limit plus the multipart envelope is the route's to judge.
        const fits = await fetch(`http://127.0.0.1:${port}/`, { method: "POST", body: "x", headers: { "content-length": "1" } });
        expect(await fits.text()).toBe("next");
      },
    );
    expect(reached).toBe(true);
  });
});

describe("closeWhenBodyUnread", () => {
  it("closes the connection after an answer sent before the body was read, and keeps it otherwise", async () => {
    await withServer(
      (request, response) => {
        if (request.url === "/read") {
          request.resume();
          request.on("end", () => response.end("read"));
        } else if (request.url === "/refused") {
          // Refused, then drained to its end before the answer: still closed.
          request.resume();
          request.on("end", () => response.writeHead(413).end("refused"));
        } else {
          response.writeHead(404).end("unread");
        }
      },
      async (port) => {
        const unread = await raw(port, "POST /unread HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
        expect(unread).toMatch(/^HTTP\/1\.1 404 /);
        expect(unread.toLowerCase()).toContain("connection: close");
        const read = await fetch(`http://127.0.0.1:${port}/read`, { method: "POST", body: "hello" });
        expect(read.headers.get("connection")).toBe("keep-alive");
        const refused = await fetch(`http://127.0.0.1:${port}/refused`, { method: "POST", body: "hello" });
        expect(refused.status).toBe(413);
        expect(refused.headers.get("connection")).toBe("close");
      },
    );
  });
});

describe("methodNotAllowedAsJson", () => {
  it("gives Next's empty 405 the contracts' JSON body and leaves other answers alone", async () => {
    await withServer(
      (request, response) => {
        response.statusCode = request.url === "/other" ? 404 : 405;
        if (request.url === "/streamed") {
          // What Next does with an empty Response body: the head, an empty chunk, the end.
          response.write(new Uint8Array(0));
          response.end();
        } else if (request.url === "/own") {
          response.setHeader("content-type", "text/plain");
          response.end("own");
        } else response.end();
      },
      async (port) => {
        const empty = await fetch(`http://127.0.0.1:${port}/`, { method: "DELETE" });
        expect(empty.status).toBe(405);
        expect(empty.headers.get("content-type")).toBe("application/json");
        expect(await empty.json()).toEqual({ detail: "Method Not Allowed" });
        const streamed = await fetch(`http://127.0.0.1:${port}/streamed`, { method: "PUT" });
        expect(await streamed.json()).toEqual({ detail: "Method Not Allowed" });
        expect(await (await fetch(`http://127.0.0.1:${port}/own`)).text()).toBe("own");
        expect(await (await fetch(`http://127.0.0.1:${port}/other`)).text()).toBe("");
      },
    );
  });
});

describe("refuseForbiddenMethod", () => {
  it("answers TRACE with a JSON 405 before Next, which cannot build a Request for it (a 500), and passes other methods on", async () => {
    await withServer(
      (_request, response) => {
        response.statusCode = 200;
        response.end("next");
      },
      async (port) => {
        const trace = await raw(port, "TRACE /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        expect(trace).toMatch(/^HTTP\/1\.1 405 /);
        expect(trace).toContain('{"detail":"Method Not Allowed"}');
        const options = await raw(port, "OPTIONS /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        expect(options).toMatch(/^HTTP\/1\.1 200 /);
      },
    );
  });
});
