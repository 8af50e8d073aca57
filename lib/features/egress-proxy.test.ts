import http from "node:http";
import net, { type AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEgressProxy, type EgressProxy } from "./egress-proxy";

// A local origin stands in for a media host; the proxy must refuse it as loopback unless the
// policy lets it through, for plain HTTP (absolute-form) and HTTPS-style tunnels (CONNECT).
let origin: http.Server;
let originPort: number;
beforeAll(async () => {
  origin = http.createServer((req, res) => res.end(`origin saw ${req.method} ${req.url} host=${req.headers.host}`));
  await new Promise<void>((resolve) => origin.listen(0, "127.0.0.1", resolve));
  originPort = (origin.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => origin.close(() => resolve())));

function viaProxy(proxy: EgressProxy, target: string): Promise<{ status: number; body: string }> {
  const { port } = new URL(proxy.url);
  return new Promise((resolve, reject) => {
    http
      .get({ host: "127.0.0.1", port: Number(port), path: target, headers: { host: new URL(target).host } }, (res) => {
        let body = "";
        res.setEncoding("utf8").on("data", (chunk: string) => (body += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on("error", reject);
  });
}

/** CONNECT authority, then a plain HTTP request through the tunnel; answers the proxy's status line and what came back. */
function tunnel(proxy: EgressProxy, authority: string): Promise<{ statusLine: string; body: string }> {
  const { port } = new URL(proxy.url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), "127.0.0.1", () => socket.write(`CONNECT ${authority} HTTP/1.1\r\nhost: ${authority}\r\n\r\n`));
    let received = "";
    let sent = false;
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      received += chunk;
      if (!sent && received.startsWith("HTTP/1.1 200") && received.includes("\r\n\r\n")) {
        sent = true;
        socket.write(`GET /through-tunnel HTTP/1.1\r\nhost: ${authority}\r\nconnection: close\r\n\r\n`);
      }
    });
    socket.on("end", () => resolve({ statusLine: received.split("\r\n")[0], body: received }));
    socket.on("error", reject);
  });
}

describe("egress proxy for yt-dlp", () => {
  it("refuses loopback destinations, plain and tunnelled, without ALLOW_PRIVATE_URLS", async () => {
    const proxy = await startEgressProxy({ allowPrivate: false });
    try {
      const plain = await viaProxy(proxy, `http://127.0.0.1:${originPort}/video.mp4`);
      expect(plain.status).toBe(403);
      expect(plain.body).not.toContain("origin saw");
      const tunnelled = await tunnel(proxy, `127.0.0.1:${originPort}`);
      expect(tunnelled.statusLine).toBe("HTTP/1.1 403 Forbidden");
      expect(proxy.refused).toHaveLength(2);
    } finally {
      await proxy.close();
    }
  });

  it("refuses a name that resolves to a private address, and connects to the checked address otherwise", async () => {
    // cdn.example resolves to a private address: refused. media.example resolves to the origin,
    // which this policy treats as public: forwarded there, with the original Host header.
    const resolve = async (hostname: string) => [{ address: hostname === "cdn.example" ? "10.1.2.3" : "127.0.0.1", family: 4 as const }];
    const proxy = await startEgressProxy({ allowPrivate: false, resolve, isBlocked: (address) => address !== "127.0.0.1" });
    try {
      expect((await viaProxy(proxy, `http://cdn.example:${originPort}/a.mp4`)).status).toBe(403);
      expect((await tunnel(proxy, `cdn.example:${originPort}`)).statusLine).toBe("HTTP/1.1 403 Forbidden");
      const plain = await viaProxy(proxy, `http://media.example:${originPort}/a.mp4?x=1`);
      expect(plain).toEqual({ status: 200, body: `origin saw GET /a.mp4?x=1 host=media.example:${originPort}` });
      const tunnelled = await tunnel(proxy, `media.example:${originPort}`);
      expect(tunnelled.statusLine).toBe("HTTP/1.1 200 Connection Established");
      expect(tunnelled.body).toContain("origin saw GET /through-tunnel");
    } finally {
      await proxy.close();
    }
  });
});
