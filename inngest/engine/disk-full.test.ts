import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Inngest } from "inngest";
import { createTestDatabase } from "@/lib/db/testing";
import type { Db, DatabaseHandle } from "@/lib/db/client";
import { startHarness, type Harness } from "./testing";

/**
 * A full disk, injected where it shows: a step's write failing with ENOSPC, and the engine's
 * own writes (settling a call) failing. Either way the step is tried again after a growing
 * wait, not several times a second, and the run goes on once space returns.
 */

const sleepMs = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const enospc = () => Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC", errno: -28 });
let stepFull = false;
let engineFull = false;
const calls = { write: 0, record: 0 };

function functions(client: Inngest) {
  return [
    // No retries: without the wait on a full disk the first ENOSPC would fail the run.
    client.createFunction({ id: "writes", retries: 0, triggers: [{ event: "test/writes" }] }, async ({ step }) => {
      await step.run("write", () => {
        calls.write++;
        if (stepFull) throw enospc();
        return "written";
      });
    }),
    client.createFunction({ id: "records", retries: 0, triggers: [{ event: "test/records" }] }, async ({ step }) => {
      await step.run("record", () => void calls.record++);
    }),
  ];
}

/** The engine's database, whose transactions (how the engine records an outcome) fail while engineFull is set. */
function fillable(db: Db): Db {
  return new Proxy(db, {
    get(target, property, receiver) {
      if (property === "transaction" && engineFull) return async () => { throw enospc(); };
      return Reflect.get(target, property, receiver);
    },
  });
}

describe("the local engine on a full disk", () => {
  let handle: DatabaseHandle;
  let harness: Harness;

  beforeAll(async () => {
    handle = await createTestDatabase("pglite");
    harness = await startHarness({ db: fillable(handle.db), functions, engine: { backoffMs: 20 } });
  });
  afterAll(async () => {
    await harness?.close();
    await handle?.close();
  });

  it("backs off a step whose writes fail with ENOSPC, without using its attempts, and finishes once space returns", async () => {
    stepFull = true;
    const { ids } = await harness.client.send({ name: "test/writes", data: {} });
    await sleepMs(1000);
    // 20, 40, 80, 160, 320 ms...: a handful of tries in a second, not one per pump.
    expect(calls.write).toBeGreaterThanOrEqual(3);
    expect(calls.write).toBeLessThanOrEqual(8);
    stepFull = false;
    const run = await harness.waitForRun({ functionId: "test-writes" }, 10_000);
    expect(run.status).toBe("completed");
    expect(ids).toHaveLength(1);
  });

  it("holds back an item whose outcome could not be recorded, and records it once space returns", async () => {
    await harness.client.send({ name: "test/records", data: {} });
    while (calls.record === 0) await sleepMs(5);
    engineFull = true;
    await sleepMs(1000);
    const tries = calls.record;
    engineFull = false;
    const run = await harness.waitForRun({ functionId: "test-records" }, 10_000);
    expect(run.status).toBe("completed");
    expect(tries).toBeLessThanOrEqual(8);
  });
});
