import fs from "node:fs";
import path from "node:path";
import { openDatabase } from "@/lib/db/client";
import { startHarness } from "./testing";

/**
 * Child process of crash.test.ts: an engine + serve() on a PGlite data folder.
 *   tsx crash-child.fixture.ts <dataDir> <countsDir> crash   -> sends the event; step "s3" SIGKILLs the process
 *   tsx crash-child.fixture.ts <dataDir> <countsDir> resume  -> resumes whatever is unfinished, prints the run
 * Each step body appends a line to <countsDir>/<step> before doing anything else.
 */
const [dataDir, countsDir, mode] = process.argv.slice(2);
const count = (step: string) => fs.appendFileSync(path.join(countsDir, step), "x\n");

const handle = await openDatabase({ dataDir });
const harness = await startHarness({
  db: handle.db,
  functions: (client) => [
    client.createFunction({ id: "crashy", triggers: [{ event: "test/crashy" }] }, async ({ step }) => {
      const a = await step.run("s1", () => (count("s1"), 1));
      const [b, c] = await Promise.all([step.run("p1", () => (count("p1"), 2)), step.run("p2", () => (count("p2"), 3))]);
      const d = await step.run("s3", () => {
        count("s3");
        if (mode === "crash") process.kill(process.pid, "SIGKILL");
        return 4;
      });
      const e = await step.run("s4", () => (count("s4"), 5));
      return a + b + c + d + e;
    }),
  ],
});

if (mode === "crash") await harness.client.send({ name: "test/crashy", data: {} });
const run = await harness.waitForRun({ functionId: "test-crashy" }, 60_000);
console.log(JSON.stringify({ status: run.status, output: run.output }));
await harness.close();
await handle.close();
process.exit(0);
