import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actionNamesFrom, screenServerAction } from "./server-actions";

// A real node server as server.ts runs it, with Next replaced by an echo of what it would decode.
// Action 7f00ff is a form action, as signInAction is, and 7f00ee takes text (app/action-arguments.ts).
const names: Record<string, string> = { "7f00ff": "signInAction", "7f00ee": "cancelJobAction" };
const shapes = { nameOf: (id: string) => names[id], argumentsOf: { signInAction: ["state", "form"], cancelJobAction: ["text"] } as const };
let server: http.Server;
let base: string;

beforeAll(async () => {
  server = http.createServer((request, response) => {
    void screenServerAction(request, response, shapes).then(async (screened) => {
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

  it("refuses valid JSON that is no reply our actions take with 400, where Next or the action answered 500", async () => {
    const shapesThatFailed = [
      "1", '"x"', "null", "true", "{}", // not an argument list
      '["$1"]', '["$0:a:b"]', '["$"]', '["$Q1"]', '["$W1"]', '["$h1"]', '["$F1"]', '["$B1"]', '["$i1"]', '["$@1"]', '["$AB1"]', '["$S"]', '["$Z"]', // outlined parts
      '["$T"]', '[["$T"]]', // temporary references: opaque, reading one throws
      '["$n-"]', '["$n1.5"]', `["$n${"9".repeat(301)}"]`, // BigInts that do not parse
      `${"[".repeat(5000)}${"]".repeat(5000)}`, // deeper than React's recursive decoder goes
      '[{"deep":{"in":["$1"]}}]', // a reference anywhere counts
    ];
    for (const body of shapesThatFailed) {
      const response = await action(body, { origin: base });
      expect(response.status, body.slice(0, 40)).toBe(400);
      expect(await response.json()).toEqual({ detail: "Malformed server action request" });
    }
    const multipart = new FormData();
    multipart.set("0", '["$Q1"]');
    multipart.set("1", "[]");
    const outlined = await fetch(`${base}/keys`, { method: "POST", body: multipart, headers: { "next-action": "7f00aa", origin: base } });
    expect(outlined.status).toBe(400);
  });

  it("refuses an action called with other arguments than it takes with 400", async () => {
    for (const body of ["[]", '["x","y"]', "[{},{}]", '[{},"$K1","extra"]']) {
      const response = await action(body, { origin: base, "next-action": "7f00ff" });
      expect(response.status, body).toBe(400);
    }
    // An object whose toString is no function throws where the action writes the id into a message.
    for (const body of ['[{"toString":1}]', "[1]", '["$K1"]', '["$undefined"]', '["a","b"]']) {
      const response = await action(body, { origin: base, "next-action": "7f00ee" });
      expect(response.status, body).toBe(400);
    }
    expect(await (await action('["$$id"]', { origin: base, "next-action": "7f00ee" })).text()).toBe('next got ["$$id"]');
    const form = new FormData();
    form.set("0", '[{},"$K1"]');
    form.set("1_email", "a@example.com");
    const called = await fetch(`${base}/sign-in`, { method: "POST", body: form, headers: { "next-action": "7f00ff", origin: base } });
    expect(called.status).toBe(200);
  });

  it("hands Next the plain values a reply may hold", async () => {
    const body = '[{"a":"$$5","when":"$D2026-01-01T00:00:00.000Z","big":"$n-12","u":"$undefined","n":"$NaN","i":"$Infinity","m":"$-Infinity","z":"$-0","f":"$K1"},"text",1,null]';
    const response = await action(body, { origin: base });
    expect(await response.text()).toBe(`next got ${body}`);
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

describe("actionNamesFrom", () => {
  it("names actions from the build's manifest, re-reading it for an unknown id at most once a second", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "framewise-actions-"));
    const manifest = path.join(dir, "server-reference-manifest.json");
    const write = (node: Record<string, { exportedName: string }>) => fs.writeFileSync(manifest, JSON.stringify({ node, edge: {} }));
    let clock = 0;
    const nameOf = actionNamesFrom([path.join(dir, "missing.json"), manifest], () => clock);
    write({ aa: { exportedName: "signInAction" } });
    expect(nameOf("aa")).toBe("signInAction");
    write({ aa: { exportedName: "signInAction" }, bb: { exportedName: "deleteKey" } });
    clock = 500;
    expect(nameOf("bb")).toBeUndefined(); // read less than a second ago
    clock = 1500;
    expect(nameOf("bb")).toBe("deleteKey");
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
