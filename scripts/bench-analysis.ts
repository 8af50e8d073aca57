/**
 * Analysis benchmark (not a test): npm run bench:analysis [-- --video ../shared/media/vtest.avi --fps 5] [-- --smoke]
 *
 * Analyses a video end to end through the real server (server.ts, local engine, spawned worker,
 * PGlite) from the server-file flow, and prints:
 *  - wall time from POST /api/jobs/start to done, split into detection and the rest;
 *  - the realtime factor (video seconds per wall second; target >= 6 on vtest at 5 fps);
 *  - the floor measured in the same run: the worker's bare inference (its own threads, no
 *    HTTP, no database) over the same frames, and the ratio wall / floor (target <= 1.10), for
 *    the first job after the server started (cold: nothing loaded by a job before) and for the
 *    jobs after it (warm);
 *  - how long the server took to listen, and its worker to answer;
 *  - the tracking figures the job reports.
 * Needs `npm run build` first. The floor runs before the server so the two never share the CPU.
 * The floor is run `--runs` times and the jobs `--runs` times (default 3: one cold, two warm);
 * medians are compared: this machine is noisy.
 * `--smoke` (for npm test): the first 3 s of the video, one floor run and two jobs.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs, promisify } from "node:util";
import { WebSocket } from "ws";
import { decodeFrames, probeVideoStream } from "@/lib/media/frames";
import { mapOrdered } from "@/workers/inference/pipeline";
import { startWorker } from "@/workers/inference/server";
import { DEFAULT_THRESHOLDS } from "@/lib/inference/worker-protocol";
import { startBenchServer } from "./bench/server";

/** CPU seconds (user + system) used so far by each process under `root`, by command line. */
function cpuOfTree(root: number): Map<string, number> {
  const ticks = 100; // USER_HZ on Linux
  const stats = fs.readdirSync("/proc").filter((name) => /^\d+$/.test(name)).flatMap((pid) => {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ");
      return [{ pid: Number(pid), ppid: Number(fields[1]), cpu: (Number(fields[11]) + Number(fields[12])) / ticks, cmd }];
    } catch {
      return [];
    }
  });
  const inTree = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of stats) {
      if (inTree.has(p.pid) || !inTree.has(p.ppid)) continue;
      inTree.add(p.pid);
      grew = true;
    }
  }
  const byName = new Map<string, number>();
  for (const p of stats.filter((p) => inTree.has(p.pid))) {
    const name = p.cmd.includes("workers/inference") ? "worker" : p.cmd.includes("server.ts") ? "web" : path.basename(p.cmd.split(" ")[0]);
    byName.set(name, (byName.get(name) ?? 0) + p.cpu);
  }
  return byName;
}

const { values } = parseArgs({
  options: {
    video: { type: "string", default: path.resolve("../shared/media/vtest.avi") },
    fps: { type: "string", default: "5" },
    /** Runs of the floor and of the pipeline; the medians are compared (this machine is noisy). */
    runs: { type: "string" },
    /** Extra analysis options as JSON, e.g. '{"chunkSeconds":30}'. */
    options: { type: "string", default: "{}" },
    smoke: { type: "boolean", default: false },
  },
});
const smoke = values.smoke!;
const fps = Number(values.fps);
const runs = Math.max(1, Number(values.runs ?? (smoke ? 1 : 3)));
// Two jobs at least: the first after a start is reported apart from the others.
const jobRuns = Math.max(2, runs);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
if (!fs.existsSync(path.resolve(values.video!))) {
  console.error(`no video at ${values.video}: pass --video`);
  process.exit(2);
}
const clipDir = smoke ? fs.mkdtempSync(path.join(os.tmpdir(), "framewise-bench-analysis-")) : undefined;
const video = clipDir ? path.join(clipDir, "clip.mp4") : path.resolve(values.video!);
if (clipDir) await promisify(execFile)("ffmpeg", ["-v", "error", "-y", "-i", path.resolve(values.video!), "-t", "3", "-c:v", "libx264", "-preset", "ultrafast", "-an", video]);
const { duration } = await probeVideoStream(video);
console.log(`analysis bench: ${path.basename(video)} (${duration.toFixed(1)} s) at ${fps} fps`);
console.log(`machine: ${os.availableParallelism()} cores, load average ${os.loadavg().map((v) => v.toFixed(2)).join(" ")}`);

// 1. The floor: bare inference over the same frames, through the worker's own threads.
const worker = await startWorker({ env: { WORKER_PORT: "0", WORKER_ALLOWED_ROOTS: path.dirname(video) } });
const thresholds = { ...DEFAULT_THRESHOLDS, detect: 0.2 };
async function floorRun(): Promise<{ frames: number; ms: number }> {
  const started = performance.now();
  let frames = 0;
  for await (const result of mapOrdered(decodeFrames({ path: video, start: 0, end: duration, fps }), 4, (frame) => worker.pool.analyze(frame, ["detect"], thresholds))) {
    if (result) frames += 1;
  }
  return { frames, ms: performance.now() - started };
}
await floorRun(); // warm-up: first runs pay for session initialisation
const floors: { frames: number; ms: number }[] = [];
for (let i = 0; i < runs; i++) floors.push(await floorRun());
await worker.close();
const floor = { frames: floors[0].frames, ms: median(floors.map((f) => f.ms)) };
console.log(`\nfloor (bare inference, no HTTP, no database): ${floor.frames} frames, runs ${floors.map((f) => (f.ms / 1000).toFixed(2)).join(" ")} s, median ${(floor.ms / 1000).toFixed(2)} s (${((floor.frames * 1000) / floor.ms).toFixed(1)} frames/s)`);

// 2. The real pipeline through the server.
const server = await startBenchServer({ env: { VIDEO_INPUT_DIR: path.dirname(video) } });
const { base } = server;
console.log(`server: listening ${(server.startup.listeningMs / 1000).toFixed(2)} s after spawn, worker answering after ${(server.startup.workerMs / 1000).toFixed(2)} s`);
try {
  type Run = { wall: number; detect: number; cpu: Map<string, number>; jobId: string };
  async function runJob(): Promise<Run> {
    const cpuBefore = cpuOfTree(server.process.pid!);
    const started = performance.now();
    const created = await fetch(`${base}/api/jobs/start`, { method: "POST", body: new URLSearchParams({ tripId: "BENCH", videoName: path.basename(video), options: JSON.stringify({ fps, ...JSON.parse(values.options!) }) }) });
    const { job_id: jobId, detail } = await created.json();
    if (!jobId) throw new Error(`could not start: ${detail}`);
    // Watched the way the browser watches: over the job's WebSocket. Polling every 100 ms, as an
    // earlier version did, cost the web process about 3 CPU-seconds that no real user adds.
    let detectDone: number | undefined;
    const finished = new Promise<void>((resolve, reject) => {
      const socket = new WebSocket(`${base.replace(/^http/, "ws")}/ws/jobs/${jobId}`);
      socket.on("error", reject);
      socket.on("message", (data) => {
        const message = JSON.parse(String(data));
        if (message.type !== "job") return;
        if (!detectDone && !["probe", "detect"].includes(message.job.phase)) detectDone = performance.now();
        if (["completed", "failed", "cancelled"].includes(message.job.status)) {
          socket.close();
          resolve();
        }
      });
    });
    // A slow poll as well, in case the job ended before the socket opened.
    for (let done = false; !done; ) {
      done = await Promise.race([finished.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 2000))]);
      if (!done) done = (await (await fetch(`${base}/api/jobs/${jobId}`)).json()).done;
    }
    const wall = performance.now() - started;
    const cpuAfter = cpuOfTree(server.process.pid!);
    const summary: { error: string | null } = await (await fetch(`${base}/api/jobs/${jobId}`)).json();
    if (summary.error) throw new Error(`job failed: ${summary.error}`);
    const cpu = new Map([...cpuAfter].map(([name, seconds]) => [name, seconds - (cpuBefore.get(name) ?? 0)]));
    return { wall, detect: (detectDone ?? started) - started, cpu, jobId };
  }

  const done: Run[] = [];
  for (let i = 0; i < jobRuns; i++) {
    const run = await runJob();
    done.push(run);
    const cpu = [...run.cpu].map(([name, seconds]) => `${name} ${seconds.toFixed(1)}`).join(", ");
    console.log(`run ${i + 1}${i === 0 ? " (first after the start)" : ""}: wall ${(run.wall / 1000).toFixed(2)} s (detection ${(run.detect / 1000).toFixed(2)} s, the rest ${((run.wall - run.detect) / 1000).toFixed(2)} s), ${(run.wall / floor.ms).toFixed(3)}x the floor; CPU-s ${cpu}`);
  }
  const [cold, ...warm] = done;
  const typical = [...warm].sort((a, b) => a.wall - b.wall)[Math.floor(warm.length / 2)];
  const job = await (await fetch(`${base}/jobs/${typical.jobId}`)).json();
  const result = job.result_payload;
  const results = await (await fetch(`${base}/api/jobs/${typical.jobId}/results?page_size=1`)).json();

  console.log(`\nfirst job after a start: ${(cold.wall / 1000).toFixed(2)} s, ${(cold.wall / floor.ms).toFixed(3)}x the floor (target <= 1.10), ${(duration / (cold.wall / 1000)).toFixed(2)}x realtime`);
  console.log(`\npipeline (upload excluded, server-file flow), median of the ${warm.length} warm run(s):`);
  console.log(`  wall time            ${(typical.wall / 1000).toFixed(2)} s`);
  console.log(`    probe + detection  ${(typical.detect / 1000).toFixed(2)} s`);
  console.log(`    track + events + media ${((typical.wall - typical.detect) / 1000).toFixed(2)} s (${results.total} events)`);
  console.log(`  realtime factor      ${(duration / (typical.wall / 1000)).toFixed(2)}x (target >= 6)`);
  console.log(`  ratio to the floor   ${(typical.wall / floor.ms).toFixed(3)} (target <= 1.10)`);
  console.log(`  detection only / floor ${(typical.detect / floor.ms).toFixed(3)}`);
  console.log(`  CPU seconds during the job (live processes; finished ffmpeg runs are not counted):`);
  for (const [name, seconds] of typical.cpu) console.log(`    ${name.padEnd(10)} ${seconds.toFixed(2)}`);
  // The two logs side by side say where the first job's extra time goes.
  const coldLog: { timestamp: string; message: string }[] = (await (await fetch(`${base}/jobs/${cold.jobId}`)).json()).result_payload?.log ?? [];
  const log: { timestamp: string; message: string }[] = result?.log ?? [];
  const at = (lines: typeof log, i: number) => (lines[i] ? ((Date.parse(lines[i].timestamp) - Date.parse(lines[0].timestamp)) / 1000).toFixed(2) : "").padStart(6);
  console.log(`\njob logs, seconds after the first line: first job after the start | that warm run`);
  for (let i = 0; i < Math.max(log.length, coldLog.length); i++) console.log(`  ${at(coldLog, i)} ${at(log, i)}  ${(log[i] ?? coldLog[i]).message}`);
  console.log(`\ntracking: ${JSON.stringify(result.tracking)}`);
  console.log(`frames ${result.frames}, detections ${result.detections}, events ${result.events}`);
} finally {
  await server.stop();
  if (clipDir) fs.rmSync(clipDir, { recursive: true, force: true });
}
