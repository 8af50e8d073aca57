import http from "node:http";
import type { AddressInfo } from "node:net";
import net from "node:net";
import zlib from "node:zlib";
import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { directPath, serveDirect, type DirectRoute } from "./direct-routes";
import { route, type RouteHandler } from "./route";

// server.ts's direct way for the polling routes, on a real server: what it does not take goes
// on to "next", which stands for Next here.

const id = "2a398672-ada5-44e6-a45b-301cec20089e";

async function withServer(routes: readonly DirectRoute[], use: (base: string) => Promise<void>) {
  const server = http.createServer((request, response) => {
    if (serveDirect(routes, request, response)) return;
    response.writeHead(200, { "content-type": "text/plain" });
    response.end("next");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    await use(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

const echo = route({ auth: "none", params: z.object({ job_id: z.string() }) }, async ({ request, params }) =>
  Response.json({ job: params.job_id, search: new URL(request.url).search }, { headers: { "x-answer": "direct" } }),
);

describe("directPath", () => {
  const pattern = directPath("/jobs/:job_id");

  it("matches the path with a job id in canonical UUID form, with or without a query", () => {
    expect(pattern.exec(`/jobs/${id}`)?.groups).toEqual({ job_id: id });
    expect(pattern.test(`/jobs/${id}?since=3`)).toBe(true);
  });

  it("leaves every other spelling to Next", () => {
    for (const path of [`/jobs/${id.toUpperCase()}`, `/jobs/${id}/`, `/jobs/${id}/cancel`, "/jobs/abc", `/jobs/%32${id.slice(1)}`, `/jobs//${id}`, `/api/jobs/${id}`, `/jobs/${id}#x`]) {
      expect(pattern.test(path), path).toBe(false);
    }
  });

  it("matches under the prefixes given, and under no other", () => {
    const prefixed = directPath("/jobs/:job_id", ["/editor", "/feature-extraction"]);
    expect(prefixed.exec(`/editor/jobs/${id}`)?.groups).toEqual({ job_id: id });
    expect(prefixed.test(`/feature-extraction/jobs/${id}`)).toBe(true);
    expect(prefixed.test(`/jobs/${id}`)).toBe(true);
    expect(prefixed.test(`/cabin/jobs/${id}`)).toBe(false);
    expect(prefixed.test(`/editor/editor/jobs/${id}`)).toBe(false);
  });

  it("takes the template's other characters literally", () => {
    expect(directPath("/a.b/:job_id").test(`/axb/${id}`)).toBe(false);
  });
});

describe("serveDirect", () => {
  const routes = [{ pattern: directPath("/jobs/:job_id"), handler: echo }];

  it("answers a plain GET through the route's handler, with its status, headers and body", async () => {
    await withServer(routes, async (base) => {
      const response = await fetch(`${base}/jobs/${id}?a=1`);
      expect(response.status).toBe(200);
      expect(response.headers.get("x-answer")).toBe("direct");
      expect(response.headers.get("content-type")).toBe("application/json");
      expect(await response.json()).toEqual({ job: id, search: "?a=1" });
    });
  });

  it("leaves to Next another method, another path and any request with a session cookie", async () => {
    await withServer(routes, async (base) => {
      expect(await (await fetch(`${base}/jobs/${id}`, { method: "POST" })).text()).toBe("next");
      expect(await (await fetch(`${base}/jobs/${id}/`)).text()).toBe("next");
      for (const cookie of ["authjs.session-token=x", "a=1; __Secure-authjs.session-token.0=x"]) {
        expect(await (await fetch(`${base}/jobs/${id}`, { headers: { cookie } })).text()).toBe("next");
      }
      // A cookie that is not the session's changes nothing.
      expect((await fetch(`${base}/jobs/${id}`, { headers: { cookie: "theme=dark" } })).headers.get("x-answer")).toBe("direct");
    });
  });

  it("answers whatever the Host header says, never with a 500", async () => {
    await withServer(routes, async (base) => {
      const { port } = new URL(base);
      for (const host of ["bad host", "[::1", "a:b:c", ""]) {
        const head = await new Promise<string>((resolve, reject) => {
          const socket = net.connect(Number(port), "127.0.0.1", () => socket.write(`GET /jobs/${id} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`));
          let text = "";
          socket.on("data", (chunk: Buffer) => (text += chunk.toString("latin1")));
          socket.on("close", () => resolve(text.split("\r\n")[0]));
          socket.on("error", reject);
        });
        expect(head, host).not.toMatch(/ 500 /);
      }
    });
  });

  it("gzips a body of a kilobyte or more for a client that takes it, as Next does", async () => {
    const big = route({ auth: "none" }, async () => Response.json({ text: "x".repeat(4000) }));
    await withServer([{ pattern: directPath("/jobs/:job_id"), handler: big }], async (base) => {
      const raw = await new Promise<{ headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) =>
        http.get(`${base}/jobs/${id}`, { headers: { "accept-encoding": "gzip, deflate" } }, (response) => {
          const chunks: Buffer[] = [];
          response.on("data", (chunk: Buffer) => chunks.push(chunk));
          response.on("end", () => resolve({ headers: response.headers, body: Buffer.concat(chunks) }));
        }).on("error", reject),
      );
      expect(raw.headers["content-encoding"]).toBe("gzip");
      expect(raw.headers.vary).toBe("Accept-Encoding");
      expect(Number(raw.headers["content-length"])).toBe(raw.body.length);
      expect(JSON.parse(zlib.gunzipSync(raw.body).toString("utf8")).text).toHaveLength(4000);
    });
    // A small answer goes as it is.
    await withServer(routes, async (base) => {
      const response = await fetch(`${base}/jobs/${id}`, { headers: { "accept-encoding": "gzip" } });
      expect(response.headers.get("content-encoding")).toBeNull();
    });
  });

  it("keeps every Set-Cookie header", async () => {
    const cookies = route({ auth: "none" }, async () => {
      const headers = new Headers();
      headers.append("set-cookie", "a=1; Path=/");
      headers.append("set-cookie", "b=2; Path=/");
      return new Response(null, { status: 204, headers });
    });
    await withServer([{ pattern: directPath("/jobs/:job_id"), handler: cookies }], async (base) => {
      const response = await fetch(`${base}/jobs/${id}`);
      expect(response.status).toBe(204);
      expect(response.headers.getSetCookie()).toEqual(["a=1; Path=/", "b=2; Path=/"]);
    });
  });

  it("answers a handler's failure as the contracts' 500, naming nothing of the server", async () => {
    const failing = Object.assign(async () => {
      throw new Error("at /srv/framewise/secret.ts:12");
    }, { routes: [] }) as unknown as RouteHandler;
    const quiet = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      await withServer([{ pattern: directPath("/jobs/:job_id"), handler: failing }], async (base) => {
        const response = await fetch(`${base}/jobs/${id}`);
        expect(response.status).toBe(500);
        expect(await response.json()).toEqual({ detail: "Internal server error" });
      });
    } finally {
      quiet.mockRestore();
    }
  });
});
