import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Inngest } from "inngest";
import { eq } from "drizzle-orm";
import { createTestDatabase } from "@/lib/db/testing";
import type { DatabaseHandle } from "@/lib/db/client";
import { engineRuns } from "@/lib/db/schema";
import { jobConcurrency } from "../functions/_job-function";
import { startHarness, type Harness } from "./testing";

/**
 * Fair queueing as the job functions declare it (jobConcurrency), on the local engine: one
 * caller's jobs take one of the two media slots, and another caller's job runs beside them
 * instead of waiting behind them.
 */

const sleepMs = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const activeByCaller = new Map<string, number>();
const maxActiveByCaller = new Map<string, number>();
const finished: string[] = [];

function functions(client: Inngest) {
  return [
    client.createFunction({ id: "job", triggers: [{ event: "test/job" }], concurrency: [...jobConcurrency] }, async ({ event, step }) => {
      const caller = event.data.caller as string;
      for (const name of ["one", "two"]) {
        await step.run(name, async () => {
          activeByCaller.set(caller, (activeByCaller.get(caller) ?? 0) + 1);
          maxActiveByCaller.set(caller, Math.max(maxActiveByCaller.get(caller) ?? 0, activeByCaller.get(caller)!));
          await sleepMs(200);
          activeByCaller.set(caller, activeByCaller.get(caller)! - 1);
        });
      }
      await step.run("done", () => void finished.push(`${caller}:${event.data.n}`));
    }),
  ];
}

describe("per-caller concurrency of job functions", () => {
  let handle: DatabaseHandle;
  let harness: Harness;

  beforeAll(async () => {
    handle = await createTestDatabase("pglite");
    harness = await startHarness({ db: handle.db, functions });
  });
  afterAll(async () => {
    await harness?.close();
    await handle?.close();
  });

  it("runs one caller's jobs one step at a time and another caller's job beside them", async () => {
    // The long-job caller queues first; the other caller's single job comes in behind all of them.
    await harness.client.send(Array.from({ length: 4 }, (_, n) => ({ name: "test/job", data: { caller: "ip:10.0.0.1", n } })));
    await sleepMs(50);
    await harness.client.send({ name: "test/job", data: { caller: "user:other", n: 0 } });
    const deadline = Date.now() + 30_000;
    for (;;) {
      const rows = await handle.db.select().from(engineRuns).where(eq(engineRuns.functionId, "test-job"));
      if (rows.length === 5 && rows.every((row) => row.status === "completed")) break;
      if (Date.now() > deadline) throw new Error("runs did not finish");
      await sleepMs(50);
    }
    expect(maxActiveByCaller.get("ip:10.0.0.1")).toBe(1);
    // Not last behind the four: it had the second slot while they queued.
    expect(finished.indexOf("user:other:0")).toBeLessThan(2);
  });
});
