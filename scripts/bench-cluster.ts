/**
 * Cluster benchmark (not a test): npm run bench:cluster [-- --jobs 8 --fps 5] [-- --smoke]
 *
 * Against `scripts/cluster.sh` (PostgreSQL, Redis, the real Inngest server, two web replicas
 * behind the round-robin front, two workers), in one run:
 *   1. `--jobs` vtest analyses at `--fps` through the front (cabin-events: POST /register for a
 *      key, POST /api/jobs/start with a server video from VIDEO_INPUT_DIR), all at once, one
 *      account each (one caller's jobs run one at a time, by design): wall time
 *      for all, each job's wall, the realtime factor, and how the work spread over the replicas
 *      and workers: each part's CPU seconds (its whole process group, from /proc) while the jobs
 *      ran. The replicas log no line per step, so CPU is what says who did the work.
 *   2. Engine overhead per step: a function of `--steps` empty steps, `--runs` runs in parallel
 *      and one run alone, on the local engine (the one a single server runs, on the cluster's
 *      PostgreSQL, as scripts/bench-engine.ts) and on the cluster's Inngest server (an app of
 *      the same function, served here, synced with the server, signed with the cluster's keys).
 *   3. Polling spread over two replicas: GET /api/jobs/{id}/progress (with the owner's key) at
 *      `--connections` keep-alive connections through the front and on one replica directly, in
 *      alternating rounds (scripts/bench/load.ts): req/s, p50/p99, and their ratio.
 *
 * The cluster runs with this bench's own folder, ports and databases (flags below; defaults
 * .cache/bench-cluster, 3900, Inngest 8310, Redis 6410, database framewise_bench_cluster), so it
 * stands beside a test cluster. It is brought up when not running and brought down at the end
 * when this run brought it up (`--keep` leaves it up). Needs `npm run build` first.
 * `--smoke`: 2 analyses of a 4-second cut at 1 fps, 5 runs of 3 steps, one 0.5 s round of
 * polling at 10 connections; fails on any failed job, missing step or error answer.
 */
import { execFile, execFileSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { parseArgs, promisify } from "node:util";
import { Inngest, type InngestFunction } from "inngest";
import { serve } from "inngest/node";
import { openDatabase } from "@/lib/db/client";
import { startHarness, quietLogger } from "@/inngest/engine/testing";
import { canonicalJson, signatureHeader, signBody } from "@/inngest/engine/signing";
import { measureLoad, type LoadResult } from "./bench/load";
import { registerKey } from "./bench/server";

const { values } = parseArgs({
  options: {
    smoke: { type: "boolean", default: false },
    jobs: { type: "string" },
    fps: { type: "string" },
    steps: { type: "string" },
    runs: { type: "string" },
    connections: { type: "string" },
    seconds: { type: "string" },
    rounds: { type: "string" },
    keep: { type: "boolean", default: false },
    video: { type: "string", default: path.resolve("../shared/media/vtest.avi") },
    "cluster-dir": { type: "string", default: path.resolve(".cache/bench-cluster") },
    port: { type: "string", default: "3900" },
    "inngest-port": { type: "string", default: "8310" },
    "redis-port": { type: "string", default: "6410" },
    db: { type: "string", default: "framewise_bench_cluster" },
    "pg-port": { type: "string", default: "55432" },
  },
});
const smoke = values.smoke;
const jobCount = Number(values.jobs ?? (smoke ? 2 : 8));
const fps = Number(values.fps ?? (smoke ? 1 : 5));
const stepsPerRun = Number(values.steps ?? (smoke ? 3 : 5));
const engineRuns = Number(values.runs ?? (smoke ? 5 : 50));
const connections = Number(values.connections ?? (smoke ? 10 : 50));
const durationMs = Number(values.seconds ?? (smoke ? 0.5 : 2)) * 1000;
const rounds = Number(values.rounds ?? (smoke ? 1 : 3));
const clusterDir = path.resolve(values["cluster-dir"]!);

const load = () => os.loadavg().map((v) => v.toFixed(2)).join(" ");
const cpuModel = os.cpus()[0]?.model ?? "unknown CPU";
console.log(`cluster bench: ${os.availableParallelism()} cores (${cpuModel}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB; load average ${load()}`);

if (!fs.existsSync(".next/BUILD_ID")) throw new Error("no production build: run `npm run build` first");

// The server video: an H.264 copy of vtest (a 4-second cut for --smoke), made once.
const videoDir = path.join(clusterDir, "videos");
const videoName = smoke ? "vtest-4s.mp4" : "vtest.mp4";
const video = path.join(videoDir, videoName);
if (!fs.existsSync(video)) {
  fs.mkdirSync(videoDir, { recursive: true });
  const cut = smoke ? ["-t", "4"] : [];
  await promisify(execFile)("ffmpeg", ["-v", "error", "-y", "-i", path.resolve(values.video!), ...cut, "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-movflags", "+faststart", `${video}.part.mp4`]);
  fs.renameSync(`${video}.part.mp4`, video);
}
const videoSeconds = Number(execFileSync("ffprobe", ["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", video], { encoding: "utf8" }).trim());

const clusterEnv: NodeJS.ProcessEnv = {
  ...process.env,
  CLUSTER_DIR: clusterDir,
  CLUSTER_PORT: values.port,
  CLUSTER_INNGEST_PORT: values["inngest-port"],
  CLUSTER_REDIS_PORT: values["redis-port"],
  CLUSTER_DB: values.db,
  FRAMEWISE_PG_PORT: values["pg-port"],
  VIDEO_INPUT_DIR: videoDir,
  // The bench registers keys and polls far past the hourly limits a user gets.
  RATE_LIMIT_PER_HOUR: "1000000000",
  REGISTER_PER_HOUR: "1000",
  NEXT_TELEMETRY_DISABLED: "1",
};
const cluster = (verb: "up" | "down" | "status") =>
  execFileSync("bash", ["scripts/cluster.sh", verb], { env: clusterEnv, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], timeout: 600_000 });

const wasUp = /^web-1 up/m.test(cluster("status"));
const upStarted = performance.now();
const parts = { front: "", web: [] as string[], inngest: "", worker: [] as string[] };
for (const line of cluster("up").trim().split("\n")) {
  const [name, value] = line.split(" ");
  if (name === "web" || name === "worker") parts[name].push(value);
  else if (name === "front" || name === "inngest") parts[name] = value;
}
console.log(`cluster ${wasUp ? "already up" : `up in ${((performance.now() - upStarted) / 1000).toFixed(1)} s`}: front ${parts.front}, web ${parts.web.join(" ")}, inngest ${parts.inngest}, workers ${parts.worker.join(" ")}`);

/** CPU seconds (user + system) of every live process in a part's process group (setsid made one per part). */
function groupCpuSeconds(part: string): number {
  const leader = Number(fs.readFileSync(path.join(clusterDir, "pids", part), "utf8").trim());
  let total = 0;
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      // fields[2] is the process group; utime, stime, cutime, cstime are 11-14 (USER_HZ).
      if (Number(fields[2]) === leader) total += (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / 100;
    } catch {
      // the process ended between readdir and read
    }
  }
  return total;
}
const cpuParts = ["web-1", "web-2", "worker-1", "worker-2", "inngest", "front"];
const cpuSnapshot = () => new Map(cpuParts.map((part) => [part, groupCpuSeconds(part)]));

const json = async (response: Response) => {
  const body = await response.json();
  if (!response.ok) throw new Error(`${response.status} ${JSON.stringify(body)}`);
  return body;
};

let failed = false;
try {
  // 1. Analyses through the front.
  // One account per job: one caller's jobs run one at a time (inngest/functions/_job-function.ts),
  // so eight jobs of one key would measure that queue, not the cluster.
  const keys = await Promise.all(Array.from({ length: jobCount }, (_, i) => registerKey(parts.front, `bench-cluster-${i}`)));
  const headers = { "X-API-Key": keys[0] };
  console.log(`\n1. ${jobCount} analyses of ${videoName} (${videoSeconds.toFixed(1)} s) at ${fps} fps through the front, all at once, one account each; load average ${load()}`);
  // 503 (with a `detail`) is the app's "try again shortly", e.g. while the shared PostgreSQL is
  // down a moment: a client waits and asks again; the bench counts them.
  let unavailable = 0;
  const answered = async (request: () => Promise<Response>) => {
    for (let attempt = 0; ; attempt++) {
      const response = await request();
      if (response.status !== 503 || attempt >= 120) return response;
      unavailable++;
      await response.body?.cancel();
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  };
  const cpuBefore = cpuSnapshot();
  const started = performance.now();
  const walls = await Promise.all(
    Array.from({ length: jobCount }, async (_, i) => {
      const t0 = performance.now();
      const body = new URLSearchParams({ tripId: `BENCH${i}`, videoName, options: JSON.stringify({ fps }) });
      const own = { "X-API-Key": keys[i] };
      const id = (await json(await answered(() => fetch(`${parts.front}/api/jobs/start`, { method: "POST", headers: own, body })))).job_id as string;
      for (;;) {
        const job = await json(await answered(() => fetch(`${parts.front}/jobs/${id}`, { headers: own })));
        if (job.status === "failed" || job.status === "cancelled") throw new Error(`analysis ${i} ${job.status}: ${job.error ?? ""}`);
        if (job.status === "completed") return { id, seconds: (performance.now() - t0) / 1000 };
        if (performance.now() - t0 > 30 * 60_000) throw new Error(`analysis ${i} still ${job.status} after 30 minutes`);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }),
  );
  const allSeconds = (performance.now() - started) / 1000;
  const cpuAfter = cpuSnapshot();
  const sorted = walls.map((w) => w.seconds).sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  console.log(`all ${jobCount} completed in ${allSeconds.toFixed(1)} s: ${((jobCount * videoSeconds) / allSeconds).toFixed(2)}x realtime in all (${(jobCount * videoSeconds).toFixed(0)} s of video)`);
  console.log(`per job: ${sorted.map((s) => s.toFixed(1)).join(" ")} s; median ${median.toFixed(1)} s, ${(videoSeconds / median).toFixed(2)}x realtime each`);
  if (unavailable > 0) console.log(`503 answers while starting and polling: ${unavailable} (each waited 1 s and asked again)`);
  const used = (part: string) => cpuAfter.get(part)! - cpuBefore.get(part)!;
  const share = (a: string, b: string) => `${a} ${used(a).toFixed(1)} s, ${b} ${used(b).toFixed(1)} s (${((100 * used(a)) / (used(a) + used(b) || 1)).toFixed(0)}% / ${((100 * used(b)) / (used(a) + used(b) || 1)).toFixed(0)}%)`;
  console.log(`CPU seconds while they ran: replicas ${share("web-1", "web-2")}; workers ${share("worker-1", "worker-2")}; inngest ${used("inngest").toFixed(1)} s, front ${used("front").toFixed(1)} s; load average now ${load()}`);

  // 2. Engine overhead per step: the same function of empty steps on both engines.
  console.log(`\n2. engine overhead: ${engineRuns} runs of ${stepsPerRun} empty steps in parallel, then one run alone; load average ${load()}`);
  const signingKey = fs.readFileSync(path.join(clusterDir, "signing-key"), "utf8").trim();
  const eventKey = fs.readFileSync(path.join(clusterDir, "event-key"), "utf8").trim();
  type EngineResult = { parallelMs: number; singleMs: number; duplicates: number; missing: number };
  const executions = new Map<string, number>();
  const finished = new Map<string, () => void>();
  const stepsFunction = (client: Inngest): InngestFunction.Any[] => [
    client.createFunction({ id: "empty-steps", triggers: [{ event: "bench/steps.requested" }] }, async ({ event, step }) => {
      for (let i = 0; i < stepsPerRun; i++) {
        await step.run(`step-${i}`, () => {
          const key = `${event.data.job}:${i}`;
          executions.set(key, (executions.get(key) ?? 0) + 1);
          return i;
        });
      }
      // Reached once, on the call after the last step: the run is done.
      finished.get(event.data.job)?.();
      return stepsPerRun;
    }),
  ];
  const timeRuns = async (client: Inngest, tag: string): Promise<EngineResult> => {
    const batch = async (jobs: string[]) => {
      const done = jobs.map((job) => new Promise<void>((resolve) => finished.set(job, resolve)));
      const t0 = performance.now();
      await client.send(jobs.map((job) => ({ name: "bench/steps.requested", data: { job } })));
      const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error(`${tag}: runs did not end in 5 minutes`)), 5 * 60_000).unref());
      await Promise.race([Promise.all(done), timeout]);
      return performance.now() - t0;
    };
    const run = `${tag}-${Date.now()}`;
    await batch([`${run}-warm`]);
    const parallelMs = await batch(Array.from({ length: engineRuns }, (_, i) => `${run}-${i}`));
    const singleMs = await batch([`${run}-single`]);
    const keys = [...executions.keys()].filter((k) => k.startsWith(run));
    return { parallelMs, singleMs, duplicates: keys.filter((k) => executions.get(k)! > 1).length, missing: (engineRuns + 2) * stepsPerRun - keys.length };
  };
  const engines: [string, EngineResult][] = [];

  // The local engine, as one server runs it, on the cluster's PostgreSQL.
  const database = await openDatabase({ url: `postgres://postgres@127.0.0.1:${values["pg-port"]}/${values.db}` });
  const harness = await startHarness({ db: database.db, appId: "bench-cluster-local", engine: { backoffMs: 100, pollMs: 50 }, functions: stepsFunction });
  try {
    engines.push(["local engine (PostgreSQL)", await timeRuns(harness.client, "local")]);
  } finally {
    await harness.close();
    await database.close();
  }

  // The cluster's Inngest server: the same function in an app served here, synced with a signed PUT.
  const inngestClient = new Inngest({ id: "bench-cluster-inngest", isDev: false, baseUrl: `${parts.inngest}/`, signingKey, eventKey, logger: quietLogger });
  const app = http.createServer(serve({ client: inngestClient, functions: stepsFunction(inngestClient) }));
  app.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => app.listen(0, "127.0.0.1", resolve));
  const appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}/api/inngest`;
  try {
    const body = canonicalJson({});
    const sync = await fetch(appUrl, { method: "PUT", headers: { "content-type": "application/json", [signatureHeader]: signBody(signingKey, body) }, body });
    if (!sync.ok) throw new Error(`sync with the Inngest server: ${sync.status} ${await sync.text()}`);
    engines.push([`Inngest server (${parts.inngest})`, await timeRuns(inngestClient, "inngest")]);
  } finally {
    app.closeAllConnections();
    await new Promise<void>((resolve) => app.close(() => resolve()));
  }
  console.log(`  ${"engine".padEnd(44)} ${"ms/step, parallel".padStart(18)} ${"ms/step, alone".padStart(15)} ${"dup".padStart(4)} ${"missing".padStart(8)}`);
  for (const [name, r] of engines) {
    console.log(`  ${name.padEnd(44)} ${(r.parallelMs / (engineRuns * stepsPerRun)).toFixed(2).padStart(18)} ${(r.singleMs / stepsPerRun).toFixed(2).padStart(15)} ${String(r.duplicates).padStart(4)} ${String(r.missing).padStart(8)}`);
    if (r.duplicates > 0 || r.missing > 0) failed = true;
  }
  console.log(`load average now ${load()}`);

  // 3. Polling through the front (two replicas) against one replica directly.
  const progress = `/api/jobs/${walls[0].id}/progress`;
  console.log(`\n3. GET /api/jobs/{id}/progress (key) at ${connections} connections, ${rounds} rounds of ${durationMs / 1000} s each way; load average ${load()}`);
  // Whose CPU a request costs: the front and both replicas, or the one replica alone.
  const targets = [
    { name: "through the front (2 replicas)", base: parts.front, cpu: ["front", "web-1", "web-2"] },
    { name: "one replica directly", base: parts.web[0], cpu: ["web-1"] },
  ];
  const cpuOf = (names: string[]) => names.reduce((sum, name) => sum + groupCpuSeconds(name), 0);
  for (const target of targets) await measureLoad(target.base, progress, { connections, durationMs: Math.min(durationMs, 1000), headers });
  const results = new Map<string, LoadResult[]>(targets.map((t) => [t.name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const target of targets) {
      const cpu = cpuOf(target.cpu);
      const result = await measureLoad(target.base, progress, { connections, durationMs, headers });
      results.get(target.name)!.push({ ...result, cpuSeconds: cpuOf(target.cpu) - cpu });
    }
  }
  const merged = (runs: LoadResult[]) => {
    const requests = runs.reduce((sum, run) => sum + run.requests, 0);
    const seconds = runs.reduce((sum, run) => sum + run.seconds, 0);
    const p50s = runs.map((run) => run.p50).sort((a, b) => a - b);
    const cpuMs = (1000 * runs.reduce((sum, run) => sum + (run.cpuSeconds ?? 0), 0)) / requests;
    return { rate: requests / seconds, p50: p50s[Math.floor(p50s.length / 2)], p99: Math.max(...runs.map((run) => run.p99)), cpuMs };
  };
  const [front, direct] = targets.map((t) => merged(results.get(t.name)!));
  console.log(`  ${"".padEnd(32)} ${"req/s".padStart(7)} ${"p50 ms".padStart(7)} ${"p99 ms".padStart(7)} ${"CPU ms".padStart(7)}`);
  for (const [name, r] of [[targets[0].name, front], [targets[1].name, direct]] as const) {
    console.log(`  ${name.padEnd(32)} ${r.rate.toFixed(0).padStart(7)} ${r.p50.toFixed(1).padStart(7)} ${r.p99.toFixed(1).padStart(7)} ${r.cpuMs.toFixed(2).padStart(7)}`);
  }
  console.log(`front / one replica: ${(front.rate / direct.rate).toFixed(2)}x the rate, ${(front.cpuMs / direct.cpuMs).toFixed(2)}x the CPU a request (front and replicas together; p50 the median round's, p99 the worst round's); load average now ${load()}`);
} catch (error) {
  failed = true;
  console.error(error);
} finally {
  if (!wasUp && !values.keep) cluster("down");
}
process.exit(failed ? 1 : 0);
