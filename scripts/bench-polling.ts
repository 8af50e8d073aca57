/**
 * Polling benchmark (not a test): npm run bench:polling [-- --connections 50 --seconds 2 --rounds 3] [-- --smoke]
 *
 * Through the real production server (server.ts --prod, PGlite, local engine, spawned worker),
 * over keep-alive HTTP as a polling client does, the request rate and latency of every route a
 * client polls a job on:
 *   GET /api/jobs/{id}/progress and /api/jobs/{id} (cabin-events), /job/{id} (reframer),
 *   /jobs/{id} (editor-jobs), /status/{id} (feature-extraction),
 * each against GET /health on the same server in the same run: in rounds of /health then each
 * route, so that all share the box's drifting load alike. Targets at 50 connections: each route
 * at 0.9x or more of /health's rate, p99 at most 100 ms. Rates are absolute on a shared box and
 * drift with its load; the ratios, measured back to back, are the figures to compare.
 *
 * The jobs are real: analyses, a reframe and feature extractions of a 2-second clip cut from
 * vtest.avi, run to completion first. Contracts 000/001/003/004 are polled anonymously (as
 * their clients do, ANONYMOUS_API=on) and again with their owner's API key; /job (002) always
 * with its key (the key's verification and its rate limit, raised for the bench, are then part
 * of every request). Beside the rate, the server's CPU ms a request: on a shared box the rate
 * moves with everyone else's load, the CPU cost far less. `--smoke`: 10 connections, one round
 * of 0.5 s a route (seconds in all, for `npm test`); it fails on any error answer, and when
 * another account's key reads any of the keyed jobs.
 * Needs `npm run build` first.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs, promisify } from "node:util";
import { measureLoad, type LoadResult } from "./bench/load";
import { registerKey, startBenchServer } from "./bench/server";

const { values } = parseArgs({
  options: {
    smoke: { type: "boolean", default: false },
    connections: { type: "string" },
    seconds: { type: "string" },
    rounds: { type: "string" },
    video: { type: "string", default: path.resolve("../shared/media/vtest.avi") },
  },
});
const connections = Number(values.connections ?? (values.smoke ? 10 : 50));
const durationMs = Number(values.seconds ?? (values.smoke ? 0.5 : 2)) * 1000;
const rounds = Number(values.rounds ?? (values.smoke ? 1 : 3));

const load = () => os.loadavg().map((v) => v.toFixed(2)).join(" ");
console.log(`polling bench: ${connections} connections, ${rounds} rounds of ${durationMs / 1000} s a route; ${os.availableParallelism()} cores, load average ${load()}`);

const videoDir = fs.mkdtempSync(path.join(os.tmpdir(), "framewise-bench-polling-"));
const clip = path.join(videoDir, "clip.mp4");
await promisify(execFile)("ffmpeg", ["-v", "error", "-y", "-i", path.resolve(values.video!), "-t", "2", "-vf", "scale=320:-2", "-c:v", "libx264", "-preset", "ultrafast", "-an", clip]);

const server = await startBenchServer({ env: { VIDEO_INPUT_DIR: videoDir, RATE_LIMIT_PER_HOUR: "1000000000" } });
try {
  const { base } = server;
  const key = await registerKey(base, "bench-polling");
  const headers = { "X-API-Key": key };
  const json = async (response: Response) => {
    const body = await response.json();
    if (!response.ok) throw new Error(`${response.status} ${JSON.stringify(body)}`);
    return body;
  };

  const startAnalysis = async (auth: Record<string, string>) =>
    (await json(await fetch(`${base}/api/jobs/start`, { method: "POST", headers: auth, body: new URLSearchParams({ tripId: "BENCH", videoName: "clip.mp4", options: JSON.stringify({ fps: 1 }) }) }))).job_id as string;
  const startFeatures = async (auth: Record<string, string>) =>
    (await json(await fetch(`${base}/jobs/?job_type=extract_features`, { method: "POST", headers: { ...auth, "content-type": "application/json" }, body: JSON.stringify({ videos: [{ video_name: "clip.mp4" }], fps: 1, features: ["embedding"] }) }))).id as string;
  const upload = new FormData();
  upload.set("file", await fs.openAsBlob(clip), "clip.mp4");
  upload.set("fps", "1");
  // Contracts 000/001/003/004 need no key (ANONYMOUS_API=on, the default): their clients poll
  // anonymous jobs by id. The reframer (002) always needs one. Keyed polling of the others is
  // measured too: the key's verification and rate limit are then part of every request.
  const ids = {
    analysis: await startAnalysis({}),
    features: await startFeatures({}),
    keyedAnalysis: await startAnalysis(headers),
    keyedFeatures: await startFeatures(headers),
    reframe: (await json(await fetch(`${base}/process`, { method: "POST", headers, body: upload }))).job_id as string,
  };

  // Run to the end first: the worker's CPU must not share the box with the measurement.
  for (const [name, id] of Object.entries(ids)) {
    for (let i = 0; ; i++) {
      const job = await json(await fetch(`${base}/jobs/${id}`, { headers }));
      if (job.status === "failed" || job.status === "cancelled") throw new Error(`${name} job ${job.status}: ${job.error ?? ""}`);
      if (job.status === "completed") break;
      if (i > 600) throw new Error(`${name} job still ${job.status}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  type Target = { name: string; path: string; keyed: boolean };
  const targets: Target[] = [
    { name: "/api/jobs/{id}/progress", path: `/api/jobs/${ids.analysis}/progress`, keyed: false },
    { name: "/api/jobs/{id}", path: `/api/jobs/${ids.analysis}`, keyed: false },
    { name: "/job/{id} (key)", path: `/job/${ids.reframe}`, keyed: true },
    { name: "/status/{id}", path: `/status/${ids.features}`, keyed: false },
    { name: "/jobs/{id}", path: `/jobs/${ids.analysis}`, keyed: false },
    { name: "/api/jobs/{id}/progress (key)", path: `/api/jobs/${ids.keyedAnalysis}/progress`, keyed: true },
    { name: "/api/jobs/{id} (key)", path: `/api/jobs/${ids.keyedAnalysis}`, keyed: true },
    { name: "/status/{id} (key)", path: `/status/${ids.keyedFeatures}`, keyed: true },
    { name: "/jobs/{id} (key)", path: `/jobs/${ids.keyedAnalysis}`, keyed: true },
  ];
  // Another account's key gets 404 on every keyed job, before and after the load.
  const other = { "X-API-Key": await registerKey(base, "bench-polling-other") };
  const refusedToOthers = async () => {
    for (const { path: route } of targets.filter((target) => target.keyed)) {
      const response = await fetch(`${base}${route}`, { headers: other });
      // Progress answers 200 with notFound (contracts/cabin-events.md "Poll Progress").
      const refused = route.endsWith("/progress") ? (await response.json()).notFound === true : response.status === 404;
      if (!refused) throw new Error(`GET ${route} with another account's key was answered (${response.status})`);
    }
  };
  await refusedToOthers();

  // Every route under the full load once before anything is counted: first requests load its
  // bundle, and the JIT warms to it. (Not in --smoke, whose figures nobody reads.)
  const health: Target = { name: "/health", path: "/health", keyed: false };
  const all = [health, ...targets];
  const measure = (target: Target, ms: number) => measureLoad(base, target.path, { connections, durationMs: ms, headers: target.keyed ? headers : {}, serverPid: server.process.pid });
  if (!values.smoke) for (const target of all) await measure(target, Math.min(durationMs, 1000));
  // Rounds of /health then each route, `durationMs` each: the load of a shared box drifts, and
  // a route measured minutes after /health would be compared with another box.
  const runs = new Map<Target, LoadResult[]>(all.map((target) => [target, []]));
  for (let round = 0; round < rounds; round++) {
    for (const target of all) runs.get(target)!.push(await measure(target, durationMs));
  }
  await refusedToOthers();

  const merged = (target: Target): LoadResult => {
    const parts = runs.get(target)!;
    const requests = parts.reduce((sum, part) => sum + part.requests, 0);
    const seconds = parts.reduce((sum, part) => sum + part.seconds, 0);
    const median = (pick: (part: LoadResult) => number) => parts.map(pick).sort((a, b) => a - b)[Math.floor(parts.length / 2)];
    const cpuSeconds = parts.reduce((sum, part) => sum + (part.cpuSeconds ?? 0), 0);
    return { path: target.path, requests, seconds, cpuSeconds, rate: requests / seconds, p50: median((part) => part.p50), p99: Math.max(...parts.map((part) => part.p99)), max: Math.max(...parts.map((part) => part.max)) };
  };
  const healthResult = merged(health);
  // CPU ms a request: the server's CPU time over the requests it answered. On a shared box the
  // rate moves with everyone else's load; this does not, and /health's over a route's is the
  // rate ratio the route would reach with the cores to itself.
  const cpuMs = (result: LoadResult) => ((result.cpuSeconds ?? 0) * 1000) / result.requests;
  const row = (name: string, result: LoadResult, ratio?: number) =>
    `  ${name.padEnd(31)} ${result.rate.toFixed(0).padStart(7)} ${result.p50.toFixed(1).padStart(7)} ${result.p99.toFixed(1).padStart(7)} ${cpuMs(result).toFixed(2).padStart(7)} ${ratio === undefined ? "" : ratio.toFixed(2).padStart(6)} ${ratio === undefined ? "" : (cpuMs(healthResult) / cpuMs(result)).toFixed(2).padStart(6)}`;
  console.log(`\n${rounds} rounds of ${durationMs / 1000} s a route; p50 the median round's, p99 the worst round's`);
  console.log(`  ${"route".padEnd(31)} ${"req/s".padStart(7)} ${"p50 ms".padStart(7)} ${"p99 ms".padStart(7)} ${"CPU ms".padStart(7)} ${"ratio".padStart(6)} ${"by CPU".padStart(6)}`);
  console.log(row("/health", healthResult));
  const results = targets.map(merged);
  results.forEach((result, i) => console.log(row(targets[i].name, result, result.rate / healthResult.rate)));
  const worst = Math.min(...results.map((r) => r.rate / healthResult.rate));
  const worstByCpu = Math.min(...results.map((r) => cpuMs(healthResult) / cpuMs(r)));
  const worstP99 = Math.max(...results.map((r) => r.p99));
  console.log(`\nlowest ratio to /health ${worst.toFixed(2)} by rate, ${worstByCpu.toFixed(2)} by CPU a request (target >= 0.9); highest p99 ${worstP99.toFixed(1)} ms (target <= 100 at 50 connections); load average now ${load()}`);
} finally {
  await server.stop();
  fs.rmSync(videoDir, { recursive: true, force: true });
}
