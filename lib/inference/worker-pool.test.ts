import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetEnvForTests } from "@/lib/env";
import { analyzeRange, workerHealth, WorkerUnavailableError } from "./worker-client";

// Two workers in WORKER_URLS, each a real HTTP server speaking the protocol's /v1/analyze and
// /healthz, which a test can make slow, cut a stream off mid-range, or stop outright.

type Fake = { url: string; server: http.Server; ranges: number; active: number; mode: "ok" | "cut" | "slow" };

async function startFake(): Promise<Fake> {
  const fake = { ranges: 0, active: 0, mode: "ok" } as Fake;
  fake.server = http.createServer((request, response) => {
    if (request.url === "/healthz") {
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ status: "ok", models: [{ id: "detector", provider: "cpu" }] }));
      return;
    }
    let body = "";
    request.on("data", (chunk) => (body += chunk));
    request.on("end", async () => {
      const { start } = JSON.parse(body) as { start: number };
      fake.ranges += 1;
      fake.active += 1;
      response.writeHead(200, { "content-type": "application/x-ndjson" });
      for (let i = 0; i < 3; i++) {
        response.write(`${JSON.stringify({ index: start * 10 + i, timestamp: start + i / 5, width: 4, height: 4, detections: [] })}\n`);
        await new Promise((resolve) => setTimeout(resolve, fake.mode === "slow" ? 150 : 10));
        // A worker dying mid-range: the socket closes after the first frame.
        if (fake.mode === "cut" && i === 0) {
          fake.active -= 1;
          response.socket?.destroy();
          return;
        }
      }
      fake.active -= 1;
      response.end(`${JSON.stringify({ done: true, frames: 3 })}\n`);
    });
  });
  await new Promise<void>((resolve) => fake.server.listen(0, "127.0.0.1", resolve));
  fake.url = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
  return fake;
}

const stop = (fake: Fake) =>
  new Promise<void>((resolve) => {
    fake.server.closeAllConnections();
    fake.server.close(() => resolve());
  });

async function collect(start: number) {
  const frames = [];
  for await (const frame of analyzeRange({ path: "clip.mp4", start, end: start + 1, fps: 5, tasks: ["detect"] })) frames.push(frame);
  return frames;
}

describe("several workers in WORKER_URLS", () => {
  let a: Fake;
  let b: Fake;
  const saved = process.env.WORKER_URLS;

  beforeAll(async () => {
    [a, b] = [await startFake(), await startFake()];
    process.env.WORKER_URLS = `${a.url},${b.url}/`;
    resetEnvForTests();
  });
  afterAll(async () => {
    await Promise.all([a, b].map((fake) => (fake.server.listening ? stop(fake) : undefined)));
    if (saved === undefined) delete process.env.WORKER_URLS;
    else process.env.WORKER_URLS = saved;
    resetEnvForTests();
  });

  it("spreads ranges over the workers with a free slot: two at once run on two workers", async () => {
    a.mode = b.mode = "slow";
    const before = [a.ranges, b.ranges];
    let bothBusy = false;
    const watch = setInterval(() => (bothBusy ||= a.active === 1 && b.active === 1), 10);
    const results = await Promise.all([collect(0), collect(1), collect(2), collect(3)]);
    clearInterval(watch);
    a.mode = b.mode = "ok";
    expect(results.map((frames) => frames.length)).toEqual([3, 3, 3, 3]);
    expect(bothBusy).toBe(true);
    expect([a.ranges - before[0], b.ranges - before[1]]).toEqual([2, 2]);
  });

  it("reports each worker's health: url, up, provider, requests in flight", async () => {
    const health = await workerHealth();
    expect(health.map((worker) => [worker.url, worker.state, worker.provider, worker.in_flight])).toEqual([
      [a.url, "up", "cpu", 0],
      [b.url, "up", "cpu", 0],
    ]);
  });

  it("a worker cut off mid-range fails the range (the step's retry reruns it), is marked down, and the next ranges go to the other", async () => {
    a.mode = "cut";
    b.mode = "ok";
    // Whichever worker takes it first, a range is sent to a until a has failed once.
    let failure: unknown;
    for (let i = 0; i < 4 && !failure; i++) await collect(10 + i).catch((error: unknown) => (failure = error));
    expect(failure).toBeInstanceOf(WorkerUnavailableError);
    const onB = b.ranges;
    const onA = a.ranges;
    for (let i = 0; i < 3; i++) expect(await collect(20 + i)).toHaveLength(3);
    expect(a.ranges).toBe(onA);
    expect(b.ranges).toBe(onB + 3);
    a.mode = "ok";
  });

  it("a worker that is gone is passed over within the same range, and shows down with its last error", async () => {
    // a answers its health check again: up, and chosen again.
    expect((await workerHealth())[0]).toMatchObject({ url: a.url, state: "up" });
    await stop(a);
    for (let i = 0; i < 4; i++) expect(await collect(30 + i)).toHaveLength(3);
    const [deadOne, liveOne] = await workerHealth();
    expect(deadOne).toMatchObject({ url: a.url, state: "down", ok: false });
    // Refused at connect: the range that tried a first went on to b without failing.
    expect(deadOne.last_error).toBe("Worker unreachable: ECONNREFUSED");
    expect(liveOne).toMatchObject({ url: b.url, state: "up", ok: true, last_error: null });
  });
});
