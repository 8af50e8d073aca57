import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { resetEnvForTests } from "@/lib/env";
import { chatCompletionsUrl, describeWithLlm, llmConfig, type ShotFacts } from "./llm-describe";

const run = promisify(execFile);

// A small OpenAI-compatible chat-completions server: it records each request and answers as
// `mode` says.
type Seen = { url: string; authorization?: string; body: Record<string, unknown> };
let mode: "answer" | "error" | "silent" | "empty" = "answer";
const seen: Seen[] = [];
const server = http.createServer((req, res) => {
  let text = "";
  req.setEncoding("utf8").on("data", (chunk: string) => (text += chunk));
  req.on("end", () => {
    seen.push({ url: req.url ?? "", authorization: req.headers.authorization, body: JSON.parse(text) });
    if (mode === "silent") return; // never answers: the caller's timeout must end it
    res.setHeader("Content-Type", "application/json");
    if (mode === "error") {
      res.statusCode = 503;
      return res.end(JSON.stringify({ error: { message: "overloaded" } }));
    }
    const content = mode === "empty" ? "" : "  A man in a red jacket walks left past a sign reading OPEN.\n";
    res.end(JSON.stringify({ id: "x", object: "chat.completion", choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }] }));
  });
});

let dir: string;
let keyframe: string;
let base: string;
const facts: ShotFacts = {
  seconds: 4.2,
  written: '1 person; 1 moving, most of them to the left; red person in the centre most prominent; text on screen: "OPEN" (4.2 s)',
  objects: [{ track_id: "obj_001", label: "person", colour: "red", position: "centre", moving: "left" }],
  text_on_screen: ["OPEN"],
  speech: "come in we are open",
};

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "framewise-llm-"));
  keyframe = path.join(dir, "scene-001.jpg");
  await run("ffmpeg", ["-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x180", "-frames:v", "1", keyframe]);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => {
  seen.length = 0;
  mode = "answer";
});

describe("LLM scene descriptions", () => {
  it("is off unless LLM_BASE_URL and LLM_MODEL are set", () => {
    const saved = { ...process.env };
    try {
      delete process.env.LLM_BASE_URL;
      delete process.env.LLM_MODEL;
      resetEnvForTests();
      expect(llmConfig()).toBeNull();
      process.env.LLM_BASE_URL = "http://127.0.0.1:9/v1";
      resetEnvForTests();
      expect(llmConfig()).toBeNull();
      process.env.LLM_MODEL = "some-vision-model";
      process.env.LLM_API_KEY = "sk-test";
      process.env.LLM_TIMEOUT_S = "7";
      resetEnvForTests();
      expect(llmConfig()).toEqual({ baseUrl: "http://127.0.0.1:9/v1", apiKey: "sk-test", model: "some-vision-model", timeoutMs: 7000 });
    } finally {
      process.env = saved;
      resetEnvForTests();
    }
  });

  it("posts the keyframe as a base64 JPEG and the measured facts, and takes the model's sentence", async () => {
    expect(chatCompletionsUrl(`${base}/`)).toBe(`${base}/v1/chat/completions`);
    const described = await describeWithLlm({ baseUrl: base, apiKey: "sk-test", model: "vision-1", timeoutMs: 5000 }, keyframe, facts);
    expect(described).toEqual({ description: "A man in a red jacket walks left past a sign reading OPEN.", source: "llm" });

    expect(seen).toHaveLength(1);
    const [request] = seen;
    expect(request.url).toBe("/v1/chat/completions");
    expect(request.authorization).toBe("Bearer sk-test");
    expect(request.body.model).toBe("vision-1");
    const messages = request.body.messages as { role: string; content: string | { type: string; text?: string; image_url?: { url: string } }[] }[];
    const user = messages.find((m) => m.role === "user")!.content as { type: string; text?: string; image_url?: { url: string } }[];
    const image = user.find((part) => part.type === "image_url")!.image_url!.url;
    expect(image).toMatch(/^data:image\/jpeg;base64,/);
    const jpeg = Buffer.from(image.slice(image.indexOf(",") + 1), "base64");
    expect([...jpeg.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]); // a real JPEG, whole
    const text = user.find((part) => part.type === "text")!.text!;
    for (const fact of ['"OPEN"', "come in we are open", "obj_001", '"red"', facts.written.slice(0, 20)]) expect(text).toContain(fact);
  });

  it("keeps the written description when the endpoint errors, stalls, answers nothing or is not there", async () => {
    const config = { baseUrl: base, model: "vision-1", timeoutMs: 400 };
    mode = "error";
    expect(await describeWithLlm(config, keyframe, facts)).toEqual({ description: facts.written, source: "measured", error: "the model answered 503" });
    expect(seen[0].authorization).toBeUndefined(); // no key, no header

    mode = "empty";
    expect(await describeWithLlm(config, keyframe, facts)).toMatchObject({ description: facts.written, source: "measured" });

    mode = "silent";
    const started = Date.now();
    expect(await describeWithLlm(config, keyframe, facts)).toEqual({ description: facts.written, source: "measured", error: "no answer within 0.4 s" });
    expect(Date.now() - started).toBeLessThan(3000);

    // A port nobody listens on.
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const unreachable = await describeWithLlm({ ...config, baseUrl: `http://127.0.0.1:${port}/v1` }, keyframe, facts);
    expect(unreachable).toMatchObject({ description: facts.written, source: "measured", error: expect.stringMatching(/could not be reached/) });
  });
});
