/**
 * Polling benchmark (not a test): npm run bench:polling [-- --connections 50 --seconds 5] [-- --smoke]
 *
 * Through the real production server (server.ts --prod, PGlite, local engine, spawned worker),
 * over keep-alive HTTP as a polling client does, the request rate and latency of every route a
 * client polls a job on:
 *   GET /api/jobs/{id}/progress and /api/jobs/{id} (cabin-events), /job/{id} (reframer),
 *   /jobs/{id} (editor-jobs), /status/{id} (feature-extraction),
 * each against GET /health on the same server in the same run (measured before and after the
 * routes; their mean is the reference). Targets at 50 connections: each route at 0.9x or more
 * of /health's rate, p99 at most 100 ms. Rates are absolute on a shared box and drift with its
 * load; the ratios, measured back to back, are the figures to compare.
 *
 * The jobs are real: an analysis, a reframe and a feature extraction of a 2-second clip cut
 * from vtest.avi, run to completion first, polled with their owner's API key (so the key's
 * verification and rate limit are part of every request but /health's). `--smoke`: 10
 * connections for 1 s a route (seconds in all, for `npm test`); it fails on any error answer.
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
    video: { type: "string", default: path.resolve("../shared/media/vtest.avi") },
  },
});
const connections = Number(values.connections ?? (values.smoke ? 10 : 50));
const durationMs = Number(values.seconds ?? (values.smoke ? 1 : 5)) * 1000;

const load = () => os.loadavg().map((v) => v.toFixed(2)).join(" ");
console.log(`polling bench: ${connections} connections, ${durationMs / 1000} s a route; ${os.availableParallelism()} cores, load average ${load()}`);

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

  const analysis = await json(await fetch(`${base}/api/jobs/start`, { method: "POST", headers, body: new URLSearchParams({ tripId: "BENCH", videoName: "clip.mp4", options: JSON.stringify({ fps: 1 }) }) }));
  const upload = new FormData();
  upload.set("file", await fs.openAsBlob(clip), "clip.mp4");
  upload.set("fps", "1");
  const reframe = await json(await fetch(`${base}/process`, { method: "POST", headers, body: upload }));
  const features = await json(await fetch(`${base}/jobs/?job_type=extract_features`, { method: "POST", headers: { ...headers, "content-type": "application/json" }, body: JSON.stringify({ videos: [{ video_name: "clip.mp4" }], fps: 1, features: ["embedding"] }) }));
  const ids = { analysis: analysis.job_id as string, reframe: reframe.job_id as string, features: features.id as string };

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

  const routes = [`/api/jobs/${ids.analysis}/progress`, `/api/jobs/${ids.analysis}`, `/job/${ids.reframe}`, `/status/${ids.features}`, `/jobs/${ids.analysis}`];
  // Another account's key gets 404 on every one of them, before and after the load.
  const other = { "X-API-Key": await registerKey(base, "bench-polling-other") };
  const refusedToOthers = async () => {
    for (const route of routes.slice(1)) {
      const status = (await fetch(`${base}${route}`, { headers: other })).status;
      if (status !== 404) throw new Error(`GET ${route} with another account's key: ${status}, not 404`);
    }
    const progress = await json(await fetch(`${base}${routes[0]}`, { headers: other }));
    if (progress.notFound !== true) throw new Error(`GET ${routes[0]} with another account's key: ${JSON.stringify(progress)}`);
  };
  await refusedToOthers();

  // Each route once at low load before it is measured: first requests load its bundle.
  for (const route of ["/health", ...routes]) await measureLoad(base, route, { connections: 2, durationMs: 300, headers });
  const run = (route: string) => measureLoad(base, route, { connections, durationMs, headers });
  const healthBefore = await run("/health");
  const results: LoadResult[] = [];
  for (const route of routes) results.push(await run(route));
  const healthAfter = await run("/health");
  await refusedToOthers();

  const healthRate = (healthBefore.rate + healthAfter.rate) / 2;
  const row = (name: string, result: LoadResult, ratio?: number) =>
    `  ${name.padEnd(26)} ${result.rate.toFixed(0).padStart(7)} ${result.p50.toFixed(1).padStart(7)} ${result.p99.toFixed(1).padStart(7)} ${ratio === undefined ? "" : ratio.toFixed(2).padStart(6)}`;
  console.log(`\n  ${"route".padEnd(26)} ${"req/s".padStart(7)} ${"p50 ms".padStart(7)} ${"p99 ms".padStart(7)} ${"ratio".padStart(6)}`);
  console.log(row("/health (before)", healthBefore));
  const names = ["/api/jobs/{id}/progress", "/api/jobs/{id}", "/job/{id}", "/status/{id}", "/jobs/{id}"];
  results.forEach((result, i) => console.log(row(names[i], result, result.rate / healthRate)));
  console.log(row("/health (after)", healthAfter));
  const worst = Math.min(...results.map((r) => r.rate / healthRate));
  const worstP99 = Math.max(...results.map((r) => r.p99));
  console.log(`\nlowest ratio to /health ${worst.toFixed(2)} (target >= 0.9), highest p99 ${worstP99.toFixed(1)} ms (target <= 100 at 50 connections); load average now ${load()}`);
} finally {
  await server.stop();
  fs.rmSync(videoDir, { recursive: true, force: true });
}
