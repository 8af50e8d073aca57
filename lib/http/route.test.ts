import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { registerWithApiKey } from "@/lib/auth/register";
import { closeDatabase, db } from "@/lib/db/client";
import { resetEnvForTests } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { jsonDepthExceeds } from "./limits";
import { route } from "./route";

// The wrapper every route goes through, called as Next calls a route handler, on the real
// process-wide database (PGlite in a temporary DATA_DIR).

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "framewise-route-"));
const saved = { ...process.env };
let key: string;

beforeAll(async () => {
  Object.assign(process.env, { DATA_DIR: dataDir, ANONYMOUS_API: "off", RATE_LIMIT_PER_HOUR: "2" });
  resetEnvForTests();
  key = (await registerWithApiKey(await db(), "route@example.com")).apiKey;
});

afterAll(async () => {
  await closeDatabase();
  process.env = saved;
  resetEnvForTests();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const echo = route(
  { auth: "anonymousApi", params: z.object({ id: z.string().uuid() }), body: z.object({ n: z.number() }) },
  async ({ ctx, params, body }) => Response.json({ user: ctx.user?.email ?? null, id: params.id, n: body.n }),
);
const id = "6f1c2b7e-8a36-4b7f-9d7e-2f4f6b1c9a10";
const call = (headers: Record<string, string>, body: string, params: Record<string, string> = { id }) =>
  echo(new Request("http://localhost/x", { method: "POST", headers, body }), { params: Promise.resolve(params) });

describe("route()", () => {
  it("needs a key for the anonymous-capable contracts when ANONYMOUS_API=off", async () => {
    const response = await call({}, '{"n":1}');
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ detail: "Missing API key" });
    const wrong = await call({ "X-API-Key": `vr_${"1".repeat(32)}` }, '{"n":1}');
    expect(await wrong.json()).toEqual({ detail: "Invalid API key" });
  });

  it("parses params and body, and counts the key against its hourly limit", async () => {
    const ok = await call({ Authorization: `Bearer ${key}` }, '{"n":7}');
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ user: "route@example.com", id, n: 7 });
    expect(ok.headers.get("x-ratelimit-limit")).toBe("2");
    expect(ok.headers.get("x-ratelimit-remaining")).toBe("1");

    const badParam = await call({ "X-API-Key": key }, '{"n":7}', { id: "../etc" });
    expect(badParam.status).toBe(400);
    expect((await badParam.json()).detail).toMatch(/^Path parameter 'id': /);

    const limited = await call({ "X-API-Key": key }, '{"n":7}');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await limited.json()).detail).toBe("Rate limit exceeded");
  });

  it("maps domain errors to their status and hides unknown ones", async () => {
    const missing = route({ auth: "none" }, async () => {
      throw new AppError("not_found", "invalid_job");
    });
    const response = await missing(new Request("http://localhost/x"));
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ detail: "invalid_job" });

    const broken = route({ auth: "none" }, async () => {
      throw new Error("secret connection string postgres://user:pw@host");
    });
    const hidden = await broken(new Request("http://localhost/x"));
    expect(hidden.status).toBe(500);
    expect(await hidden.json()).toEqual({ detail: "Internal server error" });
  });
});

const BOUNDARY = "----route-test";
function multipart(parts: Array<{ name: string; value?: string; filename?: string; bytes?: number }>): string {
  return (
    parts
      .map((part) =>
        part.filename === undefined
          ? `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${part.name}"\r\n\r\n${part.value}\r\n`
          : `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${part.name}"; filename="${part.filename}"\r\nContent-Type: video/mp4\r\n\r\n${"v".repeat(part.bytes ?? 10)}\r\n`,
      )
      .join("") + `--${BOUNDARY}--\r\n`
  );
}
const post = (body: BodyInit | null, headers: Record<string, string> = {}) =>
  new Request("http://localhost/x", { method: "POST", headers, body, duplex: "half" } as RequestInit);
const tmpFiles = () => fs.readdirSync(path.join(dataDir, "tmp"), { withFileTypes: true }).filter((entry) => entry.isFile()).map((entry) => entry.name);

describe("route() input modes", () => {
  const multipartType = { "content-type": `multipart/form-data; boundary=${BOUNDARY}` };

  it("multipart: gives the handler fields and stored files", async () => {
    const upload = route({ auth: "none", input: "multipart", multipart: { fileFields: ["cvvrFile"], maxFiles: 1 } }, async ({ form }) => {
      const [file] = form.files;
      const stored = fs.readFileSync(file.path, "utf8");
      fs.rmSync(file.path);
      return Response.json({ fields: form.fields, field: file.field, name: file.filename, size: file.size, stored });
    });
    const response = await upload(post(multipart([{ name: "tripId", value: "T-1" }, { name: "cvvrFile", filename: "a.mp4", bytes: 5 }]), multipartType));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ fields: { tripId: "T-1" }, field: "cvvrFile", name: "a.mp4", size: 5, stored: "vvvvv" });
  });

  it("multipart: removes the stored files when the handler throws", async () => {
    let seen = "";
    const failing = route({ auth: "none", input: "multipart" }, async ({ form }) => {
      seen = form.files[0].path;
      expect(fs.existsSync(seen)).toBe(true);
      throw new AppError("bad_request", "tripId is required");
    });
    const response = await failing(post(multipart([{ name: "cvvrFile", filename: "a.mp4" }]), multipartType));
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ detail: "tripId is required" });
    expect(seen).not.toBe("");
    expect(fs.existsSync(seen)).toBe(false);
  });

  it("multipart: refuses another content type, and a declared length over the limit before reading", async () => {
    let ran = false;
    const upload = route({ auth: "none", input: "multipart", multipart: { maxFiles: 1, maxFileBytes: 1024 * 1024 } }, async () => {
      ran = true;
      return new Response("ok");
    });
    const wrongType = await upload(post("a=1", { "content-type": "application/x-www-form-urlencoded" }));
    expect(wrongType.status).toBe(400);
    expect(await wrongType.json()).toEqual({ detail: "Content-Type must be multipart/form-data" });
    // The body never yields a byte: only the declared length can have refused it.
    const never = new ReadableStream<Uint8Array>({ pull: () => new Promise(() => undefined) });
    const tooLarge = await upload(post(never, { ...multipartType, "content-length": String(3 * 1024 * 1024) }));
    expect(tooLarge.status).toBe(413);
    expect(await tooLarge.json()).toEqual({ detail: "File size exceeds 1MB limit" });
    const streamedOver = await upload(post(multipart([{ name: "f", filename: "big.mp4", bytes: 1024 * 1024 + 1 }]), multipartType));
    expect(streamedOver.status).toBe(413);
    expect(ran).toBe(false);
    expect(tmpFiles()).toEqual([]);
  });

  it("form: reads urlencoded, JSON and file-less multipart fields", async () => {
    const echoForm = route({ auth: "none", input: "form" }, async ({ form }) => Response.json(form));
    const urlencoded = await echoForm(post("tripId=T+1&videoName=a.mp4", { "content-type": "application/x-www-form-urlencoded" }));
    expect(await urlencoded.json()).toEqual({ fields: { tripId: "T 1", videoName: "a.mp4" }, files: [] });
    const json = await echoForm(post('{"tripId":"T","options":{"fps":1}}', { "content-type": "application/json" }));
    expect(await json.json()).toEqual({ fields: { tripId: "T", options: '{"fps":1}' }, files: [] });
    const form = await echoForm(post(multipart([{ name: "tripId", value: "M" }]), multipartType));
    expect(await form.json()).toEqual({ fields: { tripId: "M" }, files: [] });
    const withFile = await echoForm(post(multipart([{ name: "f", filename: "a.mp4" }]), multipartType));
    expect(withFile.status).toBe(400);
    expect(tmpFiles()).toEqual([]);
  });

  it("form: checks the fields against a body schema", async () => {
    const typed = route({ auth: "none", input: "form", body: z.object({ tripId: z.string().min(1) }) }, async ({ body }) => Response.json(body));
    expect(await (await typed(post("tripId=T", { "content-type": "application/x-www-form-urlencoded" }))).json()).toEqual({ tripId: "T" });
    const missing = await typed(post("other=1", { "content-type": "application/x-www-form-urlencoded" }));
    expect(missing.status).toBe(400);
    expect((await missing.json()).detail).toMatch(/^Request body 'tripId': /);
  });
});

describe("route() JSON bodies", () => {
  const anything = route({ auth: "none", body: z.record(z.string(), z.unknown()) }, async ({ body }) => Response.json({ keys: Object.keys(body) }));
  const json = { "content-type": "application/json" };

  it("answers 413 for a body over MAX_JSON_MB, by its length or as it streams", async () => {
    const big = JSON.stringify({ blob: "x".repeat(1024 * 1024) });
    const declared = await anything(post(big, json));
    expect(declared.status).toBe(413);
    expect(await declared.json()).toEqual({ detail: "Request body exceeds 1MB limit" });
    const chunks = [new TextEncoder().encode('{"blob":"'), ...Array.from({ length: 20 }, () => new TextEncoder().encode("y".repeat(100_000)))];
    const streamed = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.shift();
        if (next) controller.enqueue(next);
        else controller.close();
      },
    });
    const chunked = await anything(post(streamed, json));
    expect(chunked.status).toBe(413);
    expect(chunks.length).toBeGreaterThan(0); // it stopped reading at the cap
  });

  it("refuses JSON nested 100 000 deep with a 400, and takes ordinary nesting", async () => {
    const deep = await anything(post(`{"a":${"[".repeat(100_000)}${"]".repeat(100_000)}}`, json));
    expect(deep.status).toBe(400);
    expect(await deep.json()).toEqual({ detail: "Request body is nested too deeply (maximum depth 64)" });
    const ok = await anything(post(JSON.stringify({ a: { b: [[{ c: "[[[[{{{{" }]] } }), json));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ keys: ["a"] });
    const broken = await anything(post("{nope", json));
    expect(await broken.json()).toEqual({ detail: "Request body is not valid JSON" });
  });
});

describe("route() text PostgreSQL cannot store", () => {
  // Each shape a route takes input in; before the check, the NUL reached the database as a 500.
  let reached = 0;
  const byId = route({ auth: "none", params: z.object({ frame_id: z.string().max(200) }) }, async () => (reached++, Response.json({})));
  const listed = route({ auth: "none", query: z.object({ q: z.string().optional() }) }, async () => (reached++, Response.json({})));
  const started = route({ auth: "none", input: "form" }, async () => (reached++, Response.json({})));
  const uploaded = route({ auth: "none", input: "multipart" }, async () => (reached++, Response.json({})));
  const created = route({ auth: "none", body: z.object({ clips: z.array(z.object({ prompt: z.string() })) }) }, async () => (reached++, Response.json({})));
  const json = { "content-type": "application/json" };

  it("answers 400 with a detail for a NUL or a lone surrogate in params, query, form fields and JSON, before the handler", async () => {
    const cases: Array<[Promise<Response>, RegExp]> = [
      [listed(new Request("http://localhost/x?q=a%00b")), /^Query parameter 'q': /],
      [started(post("tripId=%00", { "content-type": "application/x-www-form-urlencoded" })), /^Form field 'tripId': /],
      [started(post('{"tripId":"\\u0000"}', json)), /^Form field 'tripId': /],
      [uploaded(post(multipart([{ name: "tripId", value: "a\u0000b" }]), { "content-type": `multipart/form-data; boundary=${BOUNDARY}` })), /^Form field 'tripId': /],
      [created(post('{"clips":[{"prompt":"p\\u0000q"}]}', json)), /^Request body 'clips.0.prompt': /],
      [created(post('{"clips":[{"prompt":"\\ud800"}]}', json)), /^Request body 'clips.0.prompt': /],
      [created(post('{"clips":[],"\\udfff":1}', json)), /^Request body: /],
    ];
    for (const [pending, detail] of cases) {
      const response = await pending;
      expect(response.status, String(detail)).toBe(400);
      expect((await response.json()).detail).toMatch(detail);
    }
    expect(reached).toBe(0);
  });

  it("answers 404 for a path naming something with a NUL or a lone surrogate: it names nothing", async () => {
    for (const frame_id of ["\u0000", "a\ud800"]) {
      const response = await byId(new Request("http://localhost/x"), { params: Promise.resolve({ frame_id }) });
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ detail: "Not Found" });
    }
    expect(reached).toBe(0);
  });

  it("leaves the fields a route checks itself (ownTextChecks) to its handler, and checks the rest", async () => {
    const own = route({ auth: "none", input: "form", ownTextChecks: ["videoName"] }, async ({ form }) => Response.json({ name: form!.fields.videoName }));
    const form = { "content-type": "application/x-www-form-urlencoded" };
    expect((await own(post("videoName=a%00b", form))).status).toBe(200);
    expect((await own(post("videoName=a&tripId=%00", form))).status).toBe(400);
  });

  it("takes paired surrogates (emoji) and ordinary text", async () => {
    expect((await created(post(JSON.stringify({ clips: [{ prompt: "a 🚗 in the rain" }] }), json))).status).toBe(200);
    expect((await listed(new Request("http://localhost/x?q=%F0%9F%9A%97"))).status).toBe(200);
  });
});

describe("jsonDepthExceeds", () => {
  it.each<[string, number, boolean]>([
    ["{}", 1, false],
    ["[[]]", 1, true],
    ['{"a":"[[[[[["}', 1, false],
    ['["\\"[[["]', 1, false],
    ["[[[]]]", 3, false],
    ["[[[[]]]]", 3, true],
  ])("%s with limit %i -> %s", (text, limit, expected) => {
    expect(jsonDepthExceeds(text, limit)).toBe(expected);
  });
});

describe("route() and unknown API keys", () => {
  it("answers 429 with Retry-After once an address has sent UNKNOWN_KEY_PER_HOUR unknown keys", async () => {
    process.env.UNKNOWN_KEY_PER_HOUR = "2";
    resetEnvForTests();
    try {
      const from = { "x-framewise-client-address": "192.0.2.200" };
      for (let i = 0; i < 2; i++) expect((await call({ ...from, "X-API-Key": `vr_${String(i).repeat(32)}` }, '{"n":1}')).status).toBe(401);
      const refused = await call({ ...from, "X-API-Key": `vr_${"2".repeat(32)}` }, '{"n":1}');
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
      expect((await refused.json()).detail).toBe("Too many invalid API keys from this address; try again later");
      expect((await call({ "x-framewise-client-address": "192.0.2.201", "X-API-Key": `vr_${"2".repeat(32)}` }, '{"n":1}')).status).toBe(401);
    } finally {
      delete process.env.UNKNOWN_KEY_PER_HOUR;
      resetEnvForTests();
    }
  });
});
