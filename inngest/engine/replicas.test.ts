import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import type { Inngest } from "inngest";
import { openDatabase, type DatabaseHandle } from "@/lib/db/client";
import { createEmptyPostgresDatabase } from "@/lib/db/testing";
import { engineRuns, engineSteps } from "@/lib/db/schema";
import { postgresLeadership } from "./leader";
import { generateSigningKey } from "./signing";
import { startHarness, type Harness } from "./testing";

// Two web replicas on one PostgreSQL, each with its local engine and its own serve() (a
// harness each, as server.ts runs them), sharing a signing key as they share DATA_DIR. Steps
// count their executions: a step run by both replicas would count 2.

const runs = new Map<string, number>();
const ran = (key: string) => runs.set(key, (runs.get(key) ?? 0) + 1);
const sleepMs = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function functions(client: Inngest) {
  return [
    client.createFunction({ id: "fan-out", triggers: [{ event: "test/fan-out" }] }, async ({ event, step }) => {
      const n = event.data.n as number;
      const base = await step.run("prepare", () => (ran(`${n}:prepare`), n));
      const parts = await Promise.all(
        [1, 2, 3, 4].map((part) =>
          step.run(`part-${part}`, async () => {
            ran(`${n}:part-${part}`);
            await sleepMs(30);
            return base + part;
          }),
        ),
      );
      return step.run("sum", () => (ran(`${n}:sum`), parts.reduce((x, y) => x + y, 0)));
    }),
    client.createFunction({ id: "pause", triggers: [{ event: "test/pause" }] }, async ({ step }) => {
      await step.run("before", () => ran("pause:before"));
      await step.sleep("wait", "1500ms");
      await step.run("after", () => ran("pause:after"));
      return "done";
    }),
  ];
}

describe("two replicas' local engines on one PostgreSQL", () => {
  let created: Awaited<ReturnType<typeof createEmptyPostgresDatabase>>;
  let handles: DatabaseHandle[] = [];
  let replicas: Harness[] = [];

  beforeAll(async () => {
    created = await createEmptyPostgresDatabase();
    handles = [await openDatabase({ url: created.url }), await openDatabase({ url: created.url })];
    const signingKey = generateSigningKey();
    // The live-update bus in miniature: events stored on one replica wake every engine.
    const wakeAll = () => replicas.forEach((replica) => replica.engine.wake());
    for (const handle of handles) {
      replicas.push(
        await startHarness({
          db: handle.db,
          functions,
          signingKey,
          engine: { leadership: postgresLeadership(created.url, { checkEveryMs: 200, log: { info: () => {}, warn: () => {} } }), onAccepted: wakeAll, pollMs: 1000 },
        }),
      );
    }
  });
  afterAll(async () => {
    for (const replica of replicas) await replica.close().catch(() => undefined);
    for (const handle of handles) await handle.close();
    await created?.drop();
  });

  it("one of them runs the queue; events sent to either run every step exactly once", async () => {
    await sleepMs(300);
    expect(replicas.filter((replica) => replica.engine.leading)).toHaveLength(1);
    const events = [...Array(6).keys()].map((n) => ({ name: "test/fan-out", data: { n } }));
    await replicas[0].client.send(events.slice(0, 3));
    await replicas[1].client.send(events.slice(3));
    for (let n = 0; n < 6; n++) {
      const run = await replicas[0].waitForRun({ functionId: "test-fan-out", where: (row) => (row.event as { data: { n: number } }).data.n === n });
      expect(run.status).toBe("completed");
      expect(run.output).toBe(4 * n + 10);
    }
    for (let n = 0; n < 6; n++) {
      for (const step of ["prepare", "part-1", "part-2", "part-3", "part-4", "sum"]) expect(runs.get(`${n}:${step}`), `${n}:${step}`).toBe(1);
    }
  });

  it("when the replica running the queue goes, the other takes over and finishes its runs", async () => {
    const leader = replicas.find((replica) => replica.engine.leading)!;
    const other = replicas.find((replica) => replica !== leader)!;
    await other.client.send({ name: "test/pause", data: {} });
    // The first step is done and the run sleeps: the leader stops (its lock goes with it).
    const deadline = Date.now() + 10_000;
    let runId: string | undefined;
    while (!runId) {
      if (Date.now() > deadline) throw new Error("the first step did not run");
      await sleepMs(50);
      const [done] = await handles[0].db
        .select({ runId: engineSteps.runId })
        .from(engineSteps)
        .innerJoin(engineRuns, eq(engineRuns.id, engineSteps.runId))
        .where(eq(engineRuns.functionId, "test-pause"));
      runId = done?.runId;
    }
    await leader.close();
    replicas = replicas.filter((replica) => replica !== leader);
    const run = await other.waitForRun({ runId }, 15_000);
    expect(run.status).toBe("completed");
    expect(other.engine.leading).toBe(true);
    expect(runs.get("pause:before")).toBe(1);
    expect(runs.get("pause:after")).toBe(1);
  });
});
