import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analyzeRange, setLocalWorkerUrl, WorkerRequestError } from "./worker-client";

// The client's side of the worker protocol, against a real HTTP server speaking it: NDJSON
// frames then a summary line; 400 for a refused request; one range at a time per worker.

let server: http.Server;
let active = 0;
let maxActive = 0;
const bodies: Record<string, unknown>[] = [];

beforeAll(async () => {
  server = http.createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => (body += chunk));
    request.on("end", async () => {
      const { path, start } = JSON.parse(body);
      bodies.push(JSON.parse(body));
      if (path === "malformed") {
        // A frame without its detections: not the protocol's line.
        response.writeHead(200, { "content-type": "application/x-ndjson" }).end(`${JSON.stringify({ index: 0, timestamp: 0, width: 4, height: 4 })}\n`);
        return;
      }
      if (path === "refused") {
        response.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ detail: "path is outside the allowed roots" }));
        return;
      }
      active += 1;
      maxActive = Math.max(maxActive, active);
      response.writeHead(200, { "content-type": "application/x-ndjson" });
      for (let i = 0; i < 3; i++) {
        // Lines split across writes: the client must join them.
        const line = JSON.stringify({ index: start * 10 + i, timestamp: start + i / 5, width: 4, height: 4, detections: [] });
        response.write(line.slice(0, 10));
        await new Promise((resolve) => setTimeout(resolve, 20));
        response.write(`${line.slice(10)}\n`);
      }
      active -= 1;
      response.end(path === "broken" ? `${JSON.stringify({ done: false, error: "decoder crashed" })}\n` : `${JSON.stringify({ done: true, frames: 3 })}\n`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  setLocalWorkerUrl(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});

afterAll(async () => {
  setLocalWorkerUrl(undefined);
  await new Promise((resolve) => server.close(resolve));
});

async function collect(path: string, start = 0) {
  const frames = [];
  for await (const frame of analyzeRange({ path, start, end: start + 1, fps: 5, tasks: ["detect"] })) frames.push(frame);
  return frames;
}

describe("analyzeRange", () => {
  it("yields every frame of the stream in order", async () => {
    const frames = await collect("ok", 2);
    expect(frames.map((f) => f.index)).toEqual([20, 21, 22]);
  });

  it("sends one range at a time to a worker", async () => {
    maxActive = 0;
    const results = await Promise.all([collect("ok", 0), collect("ok", 1), collect("ok", 2)]);
    expect(results.map((r) => r.length)).toEqual([3, 3, 3]);
    expect(maxActive).toBe(1);
  });

  it("turns a refusal into a WorkerRequestError and a mid-stream failure into an error", async () => {
    await expect(collect("refused")).rejects.toBeInstanceOf(WorkerRequestError);
    await expect(collect("refused")).rejects.toThrow("path is outside the allowed roots");
    await expect(collect("broken")).rejects.toThrow("decoder crashed");
    // The worker is free again after a failure.
    expect(await collect("ok")).toHaveLength(3);
  });

  it("refuses a line outside the shared protocol instead of saving half of it", async () => {
    await expect(collect("malformed")).rejects.toThrow(/outside the protocol: detections/);
  });

  it("sends a usable source hint and leaves out one the worker would refuse", async () => {
    const hint = { size: 10, mtimeMs: 1, width: 640, height: 360, fps: 25, duration: 6 };
    const send = async (source: typeof hint) => {
      for await (const _frame of analyzeRange({ path: "ok", start: 0, end: 1, fps: 5, tasks: ["detect"], source }));
      return bodies.at(-1);
    };
    expect((await send(hint))?.source).toEqual(hint);
    // A stream with no known frame rate: the worker probes for itself rather than refuse the range.
    expect(await send({ ...hint, fps: 0 })).not.toHaveProperty("source");
  });
});
