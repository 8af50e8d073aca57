/**
 * Local engine benchmark: 200 runs ("jobs") of 5 sequential steps each, through the real
 * serve() handler over HTTP, state in PGlite (in memory, or DATA_DIR/db with --disk).
 *   npx tsx scripts/bench-engine.ts [--jobs 200] [--steps 5] [--disk] [--postgres <url>] [--smoke]
 * `--smoke` (for npm test): 10 runs of 3 steps, the same checks.
 * Prints whether every run completed, how many step bodies ran more than once (must be 0),
 * and the engine's overhead per step (step bodies are empty, so all the time is overhead).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { count, eq } from "drizzle-orm";
import { openDatabase } from "@/lib/db/client";
import { engineRuns } from "@/lib/db/schema";
import { startHarness } from "@/inngest/engine/testing";

const arg = (name: string, fallback: string) => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? process.argv[index + 1] : fallback;
};
const smoke = process.argv.includes("--smoke");
const jobs = Number(arg("jobs", smoke ? "10" : "200"));
const stepsPerJob = Number(arg("steps", smoke ? "3" : "5"));
const postgresUrl = process.argv.includes("--postgres") ? arg("postgres", "") : undefined;
const dataDir = process.argv.includes("--disk") ? fs.mkdtempSync(path.join(os.tmpdir(), "bench-engine-")) : undefined;

const executions = new Map<string, number>();
const handle = await openDatabase(postgresUrl ? { url: postgresUrl } : dataDir ? { dataDir } : { url: "memory://" });
const harness = await startHarness({
  db: handle.db,
  appId: "bench",
  engine: { backoffMs: 100, pollMs: 50 },
  functions: (client) => [
    client.createFunction({ id: "five-steps", triggers: [{ event: "bench/job.requested" }] }, async ({ event, step }) => {
      let total = 0;
      for (let i = 0; i < stepsPerJob; i++) {
        total += await step.run(`step-${i}`, () => {
          const key = `${event.data.job}:${i}`;
          executions.set(key, (executions.get(key) ?? 0) + 1);
          return 1;
        });
      }
      return total;
    }),
  ],
});

async function completed(): Promise<number> {
  const [row] = await handle.db.select({ n: count() }).from(engineRuns).where(eq(engineRuns.status, "completed"));
  return Number(row.n);
}

async function runBatch(size: number, offset: number): Promise<number> {
  const before = await completed();
  const started = performance.now();
  await harness.client.send(Array.from({ length: size }, (_, i) => ({ name: "bench/job.requested", data: { job: offset + i } })));
  const deadline = Date.now() + 10 * 60_000;
  while ((await completed()) - before < size && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  return performance.now() - started;
}

await runBatch(1, -1); // warm-up: JIT, first sync of connections
const elapsed = await runBatch(jobs, 0);
// One run alone, warm: the latency a step pays (one SDK call plus one transaction).
const single = await runBatch(1, -2);
const runs = (await completed()) - 2;
const duplicates = [...executions.values()].filter((n) => n > 1).length;
const missing = jobs * stepsPerJob - [...executions.keys()].filter((key) => !key.startsWith("-")).length;

console.log(`database: ${handle.driver}${dataDir ? " (on disk)" : postgresUrl ? "" : " (in memory)"}, engine max in flight: 8`);
console.log(`all completed: ${runs === jobs && missing === 0 ? "yes" : "no"} (${runs}/${jobs} runs, ${jobs * stepsPerJob - missing}/${jobs * stepsPerJob} steps)`);
console.log(`duplicate step executions: ${duplicates}`);
console.log(`wall time: ${(elapsed / 1000).toFixed(2)} s for ${jobs * stepsPerJob} steps`);
console.log(`engine overhead per step (throughput, ${jobs} runs in parallel): ${(elapsed / (jobs * stepsPerJob)).toFixed(2)} ms`);
console.log(`engine overhead per step (latency, one run alone): ${(single / stepsPerJob).toFixed(2)} ms`);

await harness.close();
await handle.close();
if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
process.exit(runs === jobs && duplicates === 0 && missing === 0 ? 0 : 1);
