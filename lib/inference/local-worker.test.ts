import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import { pathToFileURL } from "node:url";
import { afterAll, expect, it } from "vitest";

/**
 * The worker the server holds is the process that listens (no wrapper in between), and it
 * does not outlive the server: killing the held pid frees its port before a new worker
 * starts, and SIGKILLing the server takes its worker with it.
 */
const fixture = path.resolve(import.meta.dirname, "local-worker.fixture.ts");
const tsxLoader = pathToFileURL(path.resolve("node_modules/tsx/dist/loader.mjs")).href;
const started: ChildProcess[] = [];
const workerPids: number[] = [];

afterAll(() => {
  for (const child of started) if (child.exitCode === null) child.kill("SIGKILL");
  for (const pid of workerPids) if (alive(pid)) process.kill(pid, "SIGKILL");
});

/** Running and not a zombie (an orphan's reaper may be slow in a container). */
function alive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(3000) });
    await response.arrayBuffer();
    return true;
  } catch {
    return false;
  }
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

it("kills the process it holds, and the worker exits when its server dies", async () => {
  const server = spawn(process.execPath, ["--import", tsxLoader, fixture], {
    env: { ...process.env, WORKER_CONCURRENCY: "1", WORKER_PORT: "0" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  started.push(server);
  let stderr = "";
  server.stderr!.on("data", (chunk) => (stderr += chunk));
  const workers: { pid: number; url: string }[] = [];
  readline.createInterface({ input: server.stdout! }).on("line", (line) => {
    if (line.startsWith("{")) workers.push(JSON.parse(line));
  });

  await until(() => workers.length >= 1, 120_000, `the first worker (${stderr.slice(-500)})`);
  const first = workers[0];
  workerPids.push(first.pid);
  expect(await answers(first.url)).toBe(true);

  // The pid the server holds is the listening process: killing it frees the port.
  process.kill(first.pid, "SIGKILL");
  await until(() => !alive(first.pid), 5000, "the killed worker to go");
  expect(await answers(first.url)).toBe(false);

  await until(() => workers.length >= 2, 120_000, `the restarted worker (${stderr.slice(-500)})`);
  const second = workers[1];
  workerPids.push(second.pid);
  expect(second.pid).not.toBe(first.pid);
  expect(await answers(second.url)).toBe(true);

  // The server dies without a chance to stop its worker: the worker goes by itself.
  server.kill("SIGKILL");
  await until(() => !alive(second.pid), 10_000, "the orphaned worker to exit");
  expect(await answers(second.url)).toBe(false);
}, 300_000);
