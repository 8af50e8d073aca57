import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";

/**
 * The real production server (server.ts --prod: Next, local engine, spawned worker, PGlite in
 * a fresh data folder) for the benchmarks that go through HTTP. Needs `npm run build` first.
 */
export type BenchServer = {
  base: string;
  /** The spawned worker's own address, once it said where it listens. */
  workerUrl: () => string | undefined;
  process: ChildProcess;
  /** Milliseconds from spawn to "listening on", and to the worker answering /healthz. */
  startup: { listeningMs: number; workerMs: number };
  stop: () => Promise<void>;
};

export async function startBenchServer(options: { env?: Record<string, string>; waitForWorker?: boolean } = {}): Promise<BenchServer> {
  if (!fs.existsSync(".next/BUILD_ID")) throw new Error("no production build: run `npm run build` first");
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "framewise-bench-"));
  const spawned = performance.now();
  // The tsx loader in the server's own process (not the tsx CLI, a wrapper): its pid is the
  // server's, for /proc readings.
  // BENCH_NODE_ARGS: extra flags for the server's node, e.g. "--cpu-prof --cpu-prof-dir=.cache/prof".
  const nodeArgs = process.env.BENCH_NODE_ARGS?.split(" ").filter(Boolean) ?? [];
  const server = spawn(process.execPath, [...nodeArgs, "--import", "tsx", "server.ts", "--prod"], {
    env: { ...process.env, NODE_ENV: "production", PORT: "0", HOST: "127.0.0.1", DATA_DIR: dataDir, NEXT_TELEMETRY_DISABLED: "1", ...options.env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  // The server says where it listens, and where its spawned worker listens (local-worker.ts).
  let workerUrl: string | undefined;
  const stop = async () => {
    if (server.exitCode === null && server.signalCode === null) {
      const exited = new Promise((resolve) => server.once("exit", resolve));
      server.kill("SIGTERM");
      await exited;
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const base = await new Promise<string>((resolve, reject) => {
      readline.createInterface({ input: server.stdout! }).on("line", (line) => {
        if (process.env.BENCH_VERBOSE) console.log(line);
        const worker = line.match(/worker listening on ([\d.]+:\d+)/);
        if (worker) workerUrl = `http://${worker[1]}`;
        const match = line.match(/\] listening on (http:\/\/[\d.]+:\d+)/);
        if (match) resolve(match[1]);
      });
      server.once("exit", (code) => reject(new Error(`server exited with ${code}`)));
    });
    const listeningMs = performance.now() - spawned;
    // The worker's own /healthz, not the server's /health/diagnostics (whose details are for
    // admins): its start-up is not counted in what a bench measures.
    if (options.waitForWorker !== false) {
      for (let i = 0; ; i++) {
        const ok = workerUrl && (await fetch(`${workerUrl}/healthz`).then((r) => r.ok, () => false));
        if (ok) break;
        if (i > 480) throw new Error("the worker did not start");
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
    return { base, workerUrl: () => workerUrl, process: server, startup: { listeningMs, workerMs: performance.now() - spawned }, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** A fresh account's API key through the reframer contract's POST /register. */
export async function registerKey(base: string, name: string): Promise<string> {
  const response = await fetch(`${base}/register`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: `${name}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.com` }) });
  const body = await response.json();
  if (!body.api_key) throw new Error(`could not register: ${response.status} ${JSON.stringify(body)}`);
  return body.api_key;
}
