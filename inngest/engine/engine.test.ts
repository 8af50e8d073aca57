import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NonRetriableError, type Inngest } from "inngest";
import { eq } from "drizzle-orm";
import { createTestDatabase, testDatabases } from "@/lib/db/testing";
import type { DatabaseHandle } from "@/lib/db/client";
import { engineQueue, engineRuns } from "@/lib/db/schema";
import { startHarness, type Harness } from "./testing";

/**
 * Conformance: the local engine driving the real SDK `serve()` handler over HTTP, with
 * test-only functions. Step bodies count their executions in memory (same process).
 */

const runs = new Map<string, number>();
const ran = (key: string) => runs.set(key, (runs.get(key) ?? 0) + 1);
const order: string[] = [];
const failures: string[] = [];
let gate: { open: () => void; promise: Promise<void> } = newGate();
let active = 0;
let maxActive = 0;
const maxActiveByGroup = new Map<string, number>();
const activeByGroup = new Map<string, number>();

function newGate() {
  let open = () => {};
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { open, promise };
}

const sleepMs = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function functions(client: Inngest) {
  return [
    client.createFunction({ id: "sequential", triggers: [{ event: "test/sequential" }] }, async ({ event, step }) => {
      const a = await step.run("a", () => (ran(`seq:${event.data.n}:a`), 1));
      const b = await step.run("b", () => (ran(`seq:${event.data.n}:b`), a + 1));
      const c = await step.run("c", () => (ran(`seq:${event.data.n}:c`), b + 1));
      return { a, b, c };
    }),
    client.createFunction({ id: "fan-out", triggers: [{ event: "test/fan-out" }] }, async ({ step }) => {
      const base = await step.run("prepare", () => (ran("fan:prepare"), 10));
      const parts = await Promise.all(
        [1, 2, 3, 4].map((n) =>
          step.run(`part-${n}`, async () => {
            ran(`fan:part-${n}`);
            await sleepMs(50);
            return base + n;
          }),
        ),
      );
      const total = await step.run("sum", () => (ran("fan:sum"), parts.reduce((x, y) => x + y, 0)));
      return { parts, total };
    }),
    client.createFunction(
      {
        id: "flaky",
        retries: 2,
        triggers: [{ event: "test/flaky" }],
        onFailure: async ({ error }) => {
          failures.push(`flaky: ${error.message}`);
        },
      },
      async ({ step }) => {
        await step.run("always-fails", () => {
          ran("flaky:attempt");
          throw new Error("boom");
        });
      },
    ),
    client.createFunction(
      {
        id: "hopeless",
        retries: 5,
        triggers: [{ event: "test/hopeless" }],
        onFailure: async ({ error }) => {
          failures.push(`hopeless: ${error.message}`);
        },
      },
      async ({ step }) => {
        await step.run("give-up", () => {
          ran("hopeless:attempt");
          throw new NonRetriableError("not worth retrying");
        });
      },
    ),
    client.createFunction({ id: "recovers", retries: 3, triggers: [{ event: "test/recovers" }] }, async ({ step }) => {
      return step.run("third-time-lucky", () => {
        ran("recovers:attempt");
        if ((runs.get("recovers:attempt") ?? 0) < 3) throw new Error("not yet");
        return "ok";
      });
    }),
    client.createFunction({ id: "sleeper", triggers: [{ event: "test/sleeper" }] }, async ({ step }) => {
      const before = await step.run("before", () => Date.now());
      await step.sleep("nap", "1s");
      const after = await step.run("after", () => Date.now());
      return { slept: after - before };
    }),
    client.createFunction({ id: "parent", triggers: [{ event: "test/parent" }] }, async ({ event, step }) => {
      await step.sendEvent("kick-child", { name: "test/child", data: { value: event.data.value } });
      return "sent";
    }),
    client.createFunction({ id: "child", triggers: [{ event: "test/child" }] }, async ({ event, step }) => {
      return step.run("double", () => (ran("child:double"), (event.data.value as number) * 2));
    }),
    client.createFunction(
      { id: "cancellable", triggers: [{ event: "test/cancellable" }], cancelOn: [{ event: "test/cancel", match: "data.id" }] },
      async ({ step }) => {
        await step.run("first", () => ran("cancel:first"));
        await step.sleep("wait", "2s");
        await step.run("second", () => ran("cancel:second"));
      },
    ),
    client.createFunction(
      {
        id: "prioritized",
        triggers: [{ event: "test/prioritized" }],
        concurrency: { limit: 1 },
        priority: { run: "event.data.priority" },
      },
      async ({ event, step }) => {
        await step.run("work", async () => {
          order.push(event.data.name as string);
          if (event.data.name === "blocker") await gate.promise;
        });
      },
    ),
    client.createFunction(
      { id: "limited", triggers: [{ event: "test/limited" }], concurrency: [{ limit: 2, key: "event.data.group" }] },
      async ({ event, step }) => {
        const group = event.data.group as string;
        for (const name of ["one", "two"]) {
          await step.run(name, async () => {
            active++;
            activeByGroup.set(group, (activeByGroup.get(group) ?? 0) + 1);
            maxActive = Math.max(maxActive, active);
            maxActiveByGroup.set(group, Math.max(maxActiveByGroup.get(group) ?? 0, activeByGroup.get(group)!));
            await sleepMs(150);
            active--;
            activeByGroup.set(group, activeByGroup.get(group)! - 1);
          });
        }
      },
    ),
    client.createFunction({ id: "wide", triggers: [{ event: "test/wide" }] }, async ({ event, step }) => {
      // Twelve parts finishing in random order: discoveries race with parts that settle.
      const parts = await Promise.all(
        Array.from({ length: 12 }, (_, n) =>
          step.run(`part-${n}`, async () => {
            ran(`wide:${event.data.round}:${n}`);
            await sleepMs(Math.random() * 30);
            return n;
          }),
        ),
      );
      return step.run("sum", () => parts.reduce((x, y) => x + y, 0));
    }),
    client.createFunction({ id: "background", triggers: [{ event: "test/background" }] }, async ({ step }) => {
      // A slow step started first and awaited last: the steps in between must not wait for it.
      const slow = step.run("slow", async () => {
        ran("background:slow");
        await sleepMs(600);
        return Date.now();
      });
      slow.catch(() => undefined);
      await step.run("fast", () => ran("background:fast"));
      const next = await step.run("after-fast", () => (ran("background:after-fast"), Date.now()));
      return { next, slow: await slow };
    }),
    client.createFunction({ id: "waits", triggers: [{ event: "test/waits" }] }, async ({ step }) => {
      await step.run("before", () => ran("waits:before"));
      await step.waitForEvent("approval", { event: "test/approved", timeout: "1m" });
      return "never";
    }),
  ];
}

function resetCounters() {
  runs.clear();
  order.length = 0;
  failures.length = 0;
  active = maxActive = 0;
  activeByGroup.clear();
  maxActiveByGroup.clear();
}

describe.each(testDatabases)("local engine against the real serve() handler (%s)", (kind) => {
  let handle: DatabaseHandle;
  let harness: Harness;

  beforeAll(async () => {
    resetCounters();
    handle = await createTestDatabase(kind);
    harness = await startHarness({ db: handle.db, functions });
  });
  afterAll(async () => {
    await harness?.close();
    await handle?.close();
  });

  const send = (name: string, data: Record<string, unknown> = {}) => harness.client.send({ name, data });
  const fnId = (id: string) => `test-${id}`;

  it("syncs every function, with onFailure handlers as their own functions", () => {
    expect([...harness.engine.functions.keys()]).toEqual(expect.arrayContaining([fnId("sequential"), fnId("flaky"), `${fnId("flaky")}-failure`]));
  });

  it("runs sequential steps once each and returns the function's value", async () => {
    await send("test/sequential", { n: 1 });
    const run = await harness.waitForRun({ functionId: fnId("sequential") });
    expect(run.status).toBe("completed");
    expect(run.output).toEqual({ a: 1, b: 2, c: 3 });
    expect(["a", "b", "c"].map((s) => runs.get(`seq:1:${s}`))).toEqual([1, 1, 1]);
    expect(await handle.db.select().from(engineQueue).where(eq(engineQueue.runId, run.id))).toEqual([]);
  });

  it("runs a 4-way fan-out with each step body exactly once", async () => {
    await send("test/fan-out");
    const run = await harness.waitForRun({ functionId: fnId("fan-out") });
    expect(run.status).toBe("completed");
    expect(run.output).toEqual({ parts: [11, 12, 13, 14], total: 50 });
    for (const step of ["prepare", "part-1", "part-2", "part-3", "part-4", "sum"]) expect(runs.get(`fan:${step}`), step).toBe(1);
  });

  it("runs every part of a wide fan-out exactly once, however they finish", async () => {
    for (let round = 0; round < 4; round++) {
      await send("test/wide", { round });
    }
    for (let round = 0; round < 4; round++) {
      const run = await harness.waitForRun({ functionId: fnId("wide"), where: (r) => (r.event as { data: { round: number } }).data.round === round });
      expect(run.status).toBe("completed");
      expect(run.output).toBe(66);
      for (let n = 0; n < 12; n++) expect(runs.get(`wide:${round}:${n}`), `round ${round} part ${n}`).toBe(1);
    }
  });

  it("runs the steps after a slow one that is awaited later while it is still running", async () => {
    await send("test/background");
    const run = await harness.waitForRun({ functionId: fnId("background") });
    expect(run.status).toBe("completed");
    const output = run.output as { next: number; slow: number };
    expect(output.next).toBeLessThan(output.slow);
    for (const step of ["slow", "fast", "after-fast"]) expect(runs.get(`background:${step}`), step).toBe(1);
  });

  it("retries a failing step retries+1 times, then fails the run and calls onFailure", async () => {
    await send("test/flaky");
    const run = await harness.waitForRun({ functionId: fnId("flaky") });
    expect(run.status).toBe("failed");
    expect(run.error?.message).toContain("boom");
    expect(runs.get("flaky:attempt")).toBe(3);
    const failure = await harness.waitForRun({ functionId: `${fnId("flaky")}-failure` });
    expect(failure.status).toBe("completed");
    expect(failures).toContain("flaky: boom");
  });

  it("succeeds when a retry succeeds", async () => {
    await send("test/recovers");
    const run = await harness.waitForRun({ functionId: fnId("recovers") });
    expect(run.status).toBe("completed");
    expect(run.output).toBe("ok");
    expect(runs.get("recovers:attempt")).toBe(3);
  });

  it("does not retry a NonRetriableError", async () => {
    await send("test/hopeless");
    const run = await harness.waitForRun({ functionId: fnId("hopeless") });
    expect(run.status).toBe("failed");
    expect(run.error?.message).toContain("not worth retrying");
    expect(runs.get("hopeless:attempt")).toBe(1);
    await harness.waitForRun({ functionId: `${fnId("hopeless")}-failure` });
    expect(failures).toContain("hopeless: not worth retrying");
  });

  it("sleeps for the requested time", async () => {
    await send("test/sleeper");
    const run = await harness.waitForRun({ functionId: fnId("sleeper") });
    expect(run.status).toBe("completed");
    expect((run.output as { slept: number }).slept).toBeGreaterThanOrEqual(1000);
  });

  it("starts another function from step.sendEvent", async () => {
    await send("test/parent", { value: 21 });
    expect((await harness.waitForRun({ functionId: fnId("parent") })).status).toBe("completed");
    const child = await harness.waitForRun({ functionId: fnId("child") });
    expect(child.status).toBe("completed");
    expect(child.output).toBe(42);
    expect(runs.get("child:double")).toBe(1);
  });

  it("cancels a run on its cancelOn event, and only the matching run", async () => {
    await send("test/cancellable", { id: "keep" });
    await send("test/cancellable", { id: "drop" });
    const deadline = Date.now() + 10_000;
    while ((runs.get("cancel:first") ?? 0) < 2 && Date.now() < deadline) await sleepMs(20);
    await send("test/cancel", { id: "drop" });
    const rows = await handle.db.select().from(engineRuns).where(eq(engineRuns.functionId, fnId("cancellable")));
    const byId = (id: string) => rows.find((row) => (row.event.data as { id: string }).id === id)!;
    expect((await harness.engine.runStatus(byId("drop").id))?.status).toBe("cancelled");
    const kept = await harness.waitForRun({ runId: byId("keep").id }, 15_000);
    expect(kept.status).toBe("completed");
    expect(runs.get("cancel:second")).toBe(1);
  });

  it("dequeues by priority.run", async () => {
    gate = newGate();
    await send("test/prioritized", { name: "blocker", priority: 0 });
    const deadline = Date.now() + 10_000;
    while (!order.includes("blocker") && Date.now() < deadline) await sleepMs(10);
    await send("test/prioritized", { name: "low", priority: -100 });
    await send("test/prioritized", { name: "normal", priority: 0 });
    await send("test/prioritized", { name: "high", priority: 300 });
    await send("test/prioritized", { name: "higher", priority: 600 });
    gate.open();
    const until = Date.now() + 10_000;
    while (order.length < 5 && Date.now() < until) await sleepMs(20);
    expect(order).toEqual(["blocker", "higher", "high", "normal", "low"]);
  });

  it("never exceeds a keyed concurrency limit", async () => {
    // One batch, so that the h runs are queued while g's are still running even on a loaded
    // machine (sent one by one, g's could all finish before h's arrived).
    const events = [...Array.from({ length: 6 }, (_, i) => ({ group: "g", i })), ...Array.from({ length: 2 }, (_, i) => ({ group: "h", i }))];
    await harness.client.send(events.map((data) => ({ name: "test/limited", data })));
    const deadline = Date.now() + 20_000;
    for (;;) {
      const rows = await handle.db.select().from(engineRuns).where(eq(engineRuns.functionId, fnId("limited")));
      if (rows.length === 8 && rows.every((row) => row.status === "completed")) break;
      if (Date.now() > deadline) throw new Error("limited runs did not finish");
      await sleepMs(50);
    }
    expect(maxActiveByGroup.get("g")).toBe(2);
    expect(maxActive).toBeGreaterThan(2); // the other key ran alongside
  });

  it("fails a run loudly on an opcode it does not support", async () => {
    await send("test/waits");
    const run = await harness.waitForRun({ functionId: fnId("waits") });
    expect(run.status).toBe("failed");
    expect(run.error?.message).toMatch(/Unsupported by the local engine: opcode "WaitForEvent"/);
    expect(runs.get("waits:before")).toBe(1);
  });

  it("runs every step body once under load (40 runs, 8 calls in flight)", async () => {
    await harness.client.send(Array.from({ length: 40 }, (_, n) => ({ name: "test/sequential", data: { n: 100 + n } })));
    const deadline = Date.now() + 60_000;
    while ([...runs.keys()].filter((key) => /^seq:1\d\d:c$/.test(key)).length < 40 && Date.now() < deadline) await sleepMs(50);
    const counts = [...runs.entries()].filter(([key]) => /^seq:1\d\d:/.test(key)).map(([, n]) => n);
    expect(counts.length).toBe(120);
    expect(counts.every((n) => n === 1)).toBe(true);
  });

  it("ignores a repeated event id", async () => {
    await harness.client.send({ name: "test/sequential", data: { n: 2 }, id: "same-id" });
    await harness.client.send({ name: "test/sequential", data: { n: 2 }, id: "same-id" });
    const deadline = Date.now() + 10_000;
    while (!runs.get("seq:2:c") && Date.now() < deadline) await sleepMs(20);
    await sleepMs(100);
    expect(runs.get("seq:2:a")).toBe(1);
  });
});
