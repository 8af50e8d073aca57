import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { screenServerAction } from "./server-actions";

// A real node server as server.ts runs it, with Next replaced by an echo of what it would decode.
let server: http.Server;
let base: string;

beforeAll(async () => {
  server = http.createServer((request, response) => {
    void screenServerAction(request, response).then(async (screened) => {
      if (!screened) return;
      const chunks: Buffer[] = [];
      for await (const chunk of screened) chunks.push(chunk as Buffer);
      response.setHeader("content-type", "text/plain");
      response.end(`next got ${Buffer.concat(chunks).toString()}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise((resolve) => server.close(resolve)));

const action = (body: BodyInit, headers: Record<string, string> = {}) =>
  fetch(`${base}/keys`, { method: "POST", body, headers: { "next-action": "7f00aa", "content-type": "text/plain;charset=UTF-8", ...headers } });

describe("screenServerAction", () => {
  it("refuses a call from another origin with 403, before reading its body", async () => {
    for (const origin of ["http://evil.example", "null", "not a url"]) {
      const response = await action("[]", { origin });
      expect(response.status, origin).toBe(403);
      expect(await response.json()).toEqual({ detail: "Cross-origin server action refused" });
    }
  });

  it("refuses a body that is no Flight reply with 400", async () => {
    const form = new FormData();
    form.set("1_email", "a@example.com");
    for (const [body, headers] of [
      ["{not json", {}],
      ["\u0000\u0001", {}],
      [form, { "content-type": "" }], // no root field "0"
      ["--x\r\nbroken", { "content-type": "multipart/form-data; boundary=x" }],
    ] as const) {
      const init: Record<string, string> = { origin: base, ...headers };
      if (init["content-type"] === "") delete init["content-type"];
      const response = await fetch(`${base}/keys`, { method: "POST", body: body as BodyInit, headers: { "next-action": "7f00aa", ...(typeof body === "string" ? { "content-type": "text/plain" } : {}), ...init } });
      expect(response.status, String(body)).toBe(400);
      expect(await response.json()).toEqual({ detail: "Malformed server action request" });
    }
  });

  it("hands Next a same-origin call with its body intact, and anything that is no action untouched", async () => {
    const text = await action('["$K1"]', { origin: base });
    expect(await text.text()).toBe('next got ["$K1"]');
    const form = new FormData();
    form.set("0", '["$K1"]');
    form.set("1_email", "a@example.com");
    const multipart = await fetch(`${base}/keys`, { method: "POST", body: form, headers: { "next-action": "7f00aa", origin: base } });
    expect(multipart.status).toBe(200);
    expect(await multipart.text()).toContain("a@example.com");
    const noOrigin = await action("[]");
    expect(await noOrigin.text()).toBe("next got []");
    const plain = await fetch(`${base}/api/jobs`, { method: "POST", body: "{oops", headers: { origin: "http://evil.example" } });
    expect(await plain.text()).toBe("next got {oops");
  });

  it("answers 413 past Next's 1 MB action body limit", async () => {
    const response = await action(`["${"x".repeat(1024 * 1024)}"]`, { origin: base });
    expect(response.status).toBe(413);
  });
});
