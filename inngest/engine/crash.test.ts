import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, expect, it } from "vitest";

/**
 * Kill the engine's process in the middle of a run (SIGKILL inside step s3, after s1 and the
 * parallel p1/p2 finished), then start a new process on the same PGlite data folder: it must
 * finish the run, running s3 again (it never finished) but not s1, p1 or p2.
 */
const work = fs.mkdtempSync(path.join(os.tmpdir(), "framewise-crash-"));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const tsx = path.resolve("node_modules/.bin/tsx");
const child = path.resolve(import.meta.dirname, "crash-child.fixture.ts");
const counts = path.join(work, "counts");
fs.mkdirSync(counts);
const executions = (step: string) => (fs.existsSync(path.join(counts, step)) ? fs.readFileSync(path.join(counts, step), "utf8").split("\n").filter(Boolean).length : 0);

it("resumes an unfinished run in a new process without re-running finished steps", () => {
  const crashed = spawnSync(tsx, [child, path.join(work, "data"), counts, "crash"], { encoding: "utf8", timeout: 90_000 });
  // tsx relays its child's SIGKILL as exit status 137.
  expect(crashed.signal === "SIGKILL" || crashed.status === 137, crashed.stderr).toBe(true);
  expect([executions("s1"), executions("p1"), executions("p2"), executions("s3"), executions("s4")]).toEqual([1, 1, 1, 1, 0]);

  const resumed = spawnSync(tsx, [child, path.join(work, "data"), counts, "resume"], { encoding: "utf8", timeout: 90_000 });
  expect(resumed.status, resumed.stderr).toBe(0);
  expect(JSON.parse(resumed.stdout.trim().split("\n").pop()!)).toEqual({ status: "completed", output: 15 });
  expect([executions("s1"), executions("p1"), executions("p2"), executions("s3"), executions("s4")]).toEqual([1, 1, 1, 2, 1]);
}, 180_000);
